// esxcli lines and lab-script lines, grammar first: an esxcli line is built from the real command
// table (COMMANDS: each command's path and options, values of the option's type drawn from what the
// booted host really has: device ids, path and adapter names, SATPs, PSPs), a script line from the
// lessons' own scripts. Then mutated word by word: words dropped, doubled, swapped; values of the
// wrong type, huge numbers, unicode, stray quotes, empty values. Seeded like everything else.

import { COMMANDS } from '../src/stack/cli/esxcli/index';
import type { OptionSpec } from '../src/stack/cli/esxcli/command';
import type { Host } from '../src/stack/host';
import { SeededRandom } from '../src/stack/sim/random';

/** Lines of the other script commands, shaped like the lessons' (fio, fault, vvol, ...). */
const SCRIPT_LINES = [
  'fio --name web --vm web01 --rw randread --bs 4k --iodepth 4 --runtime 20ms',
  'fio --name db --vm db01 --disk 1 --rw randrw --bs 4k --iodepth 8 --size 1m --runtime 20ms --verify',
  'fio --name bg --vm web01 --rw randrw --bs 4k --iodepth 4 --size 1m --runtime 30ms --verify &',
  'fio --name dev --device {device} --rw randwrite --bs 4k --iodepth 2 --size 256k --runtime 20ms',
  'fault link vmhba1', 'repair link vmhba1', 'fault sp ap-array SPA', 'repair sp ap-array SPA',
  'fault lun alua-array 2', 'repair lun alua-array 2', 'fault alua alua-array 0 SPA standby', 'fault alua alua-array 0 SPA ao',
  'fault latency fabric-a 2ms', 'repair latency fabric-a', 'fault port 50:01:40:5a:02:00:00:00', 'repair port 50:01:40:5a:02:00:00:00',
  'fault host esxi02', 'repair host esxi02', 'on esxi02 esxcli storage core device list', 'on esxi02 jobs',
  'sleep 100ms', 'sleep 1s', 'wait', 'jobs', 'kill %1', 'kill bg',
  'esxtop device', 'esxtop path', 'esxtop adapter', 'esxtop vm',
  'vmkfstools -L lunreset /vmfs/devices/disks/{device}',
  'plugin list', 'plugin unload LAB_PSP_NONE', 'plugin load missing.ts',
  'vvol list', 'vvol list --bound', 'vvol policy list', 'vvol policy create fuzz-p --rule iopsLimit=1000 --rule snapshotsAllowed=true',
  'vvol vm create fz01 --container vvol-gold --disk 1g --memory 1g', 'vvol vm poweron fz01', 'vvol vm poweroff fz01',
  'vvol vm policy fz01', 'vvol compliance fz01', 'vvol sg 255 12 00 00 00 24 00', 'vvol bind fz01', 'vvol unbind fz01', 'vvol delete fz01',
];

const WEIRD = [
  '', ' ', '""', "''", '"', "'", '\\', '-', '--', '---', '-d', '--=', '=', '%', '%0', '%99', '&', '#', ';', '|',
  '0', '-1', '-0', '1e309', 'NaN', 'Infinity', '0x10', '99999999999999999999', '9007199254740993', '2147483648', '-2147483649',
  'true', 'maybe', 'null', 'undefined', '__proto__', 'constructor', 'toString', 'ü', '💥', '\u202e', '\u0000', '\t',
  'x'.repeat(300), 'vmhba999', 'naa.', 'naa.0000', 'vmhba1:C0:T0:L0', 'vmhba1:C9:T9:L9', 'VMW_PSP_NONE', 'VMW_SATP_NONE',
  '10', '10s', '1h', '0ms', '-5ms', '1.5s', '4k', '0k', '8g', '1000000t',
];

export class LineGenerator {
  private readonly devices: string[];
  private readonly paths: string[];
  private readonly adapters: string[];

  constructor(private readonly r: SeededRandom, host: Host) {
    this.devices = [...host.psa.devices.values()].map((d) => d.id);
    this.paths = host.psa.paths.map((p) => p.name);
    this.adapters = host.adapters.map((a) => a.name);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.r.below(xs.length)];
  }

  private chance(p: number): boolean {
    return this.r.next() < p;
  }

  /** A value for an option, of its type and from the host's real names, mostly. */
  private value(spec: OptionSpec): string {
    const name = spec.long;
    if (spec.type === 'long') return String(this.pick([0, 1, 2, 3, 10, 100, 101, 250, 1000, 5000, 65535, 65536]));
    if (spec.type === 'bool') return this.pick(['true', 'false', 'yes', 'no', '1', '0']);
    if (name === 'device' || name === 'pe') return this.pick(this.devices);
    if (name === 'path') return this.pick(this.paths);
    if (name === 'adapter') return this.pick(this.adapters);
    if (name === 'satp') return this.pick(['VMW_SATP_ALUA', 'VMW_SATP_DEFAULT_AA', 'VMW_SATP_DEFAULT_AP', 'VMW_SATP_LOCAL']);
    if (name === 'psp' || name === 'default-psp') return this.pick(['VMW_PSP_FIXED', 'VMW_PSP_MRU', 'VMW_PSP_RR']);
    if (name === 'plugin') return this.pick(['NMP', 'MASK_PATH', 'HPP']);
    if (name === 'type') return this.pick(['vendor', 'location', 'transport', 'driver', 'device', 'iops', 'bytes', 'latency', 'default']);
    if (name === 'state') return this.pick(['active', 'off', 'on']);
    if (name === 'vendor') return this.pick(['PATHLAB', 'SEAGATE', '*']);
    if (name === 'model') return this.pick(['ALUA-VA', 'AP-VA', '*']);
    if (name === 'transport') return this.pick(['fc', 'sas', 'iscsi', 'block']);
    if (name === 'driver') return this.pick(['qlnativefc', 'lsi_msgpt3']);
    if (name === 'claimrule-class' || name === 'plugin-class') return this.pick(['MP', 'Filter', 'VAAI', 'MP']);
    if (name === 'option' || name === 'claim-option' || name === 'psp-option') return this.pick(['enable_ssd', 'iops=10', 'tpgs_on', 'disable_action_OnRetryErrors']);
    return this.pick(['fuzz', 'a b', 'x']);
  }

  /** A well-formed esxcli line from the command table. */
  esxcliWords(): string[] {
    const command = this.pick(COMMANDS);
    const words = ['esxcli', ...command.path];
    for (const spec of command.options) {
      if (!spec.required && !this.chance(0.4)) continue;
      const flag = spec.short && this.chance(0.3) ? `-${spec.short}` : `--${spec.long}`;
      if (spec.type === 'flag') words.push(flag);
      else if (this.chance(0.15)) words.push(`${flag}=${this.value(spec)}`);
      else words.push(flag, this.value(spec));
    }
    return words;
  }

  /** A script line: an esxcli one or one of the other script commands. */
  scriptWords(): string[] {
    if (this.chance(0.4)) return this.esxcliWords();
    return this.pick(SCRIPT_LINES).replace('{device}', this.pick(this.devices)).split(' ');
  }

  /** Zero to three word-level mutations. */
  mutate(words: string[]): string[] {
    const w = [...words];
    for (let n = this.r.below(4); n > 0; n--) {
      const at = this.r.below(Math.max(1, w.length));
      switch (this.r.below(8)) {
        case 0: w.splice(at, 1); break;
        case 1: w.splice(at, 0, w[at] ?? ''); break;
        case 2: if (at + 1 < w.length) [w[at], w[at + 1]] = [w[at + 1], w[at]]; break;
        case 3: w[at] = this.pick(WEIRD); break;
        case 4: w.splice(at, 0, this.pick(WEIRD)); break;
        case 5: w[at] = (w[at] ?? '') + this.pick(WEIRD); break;
        case 6: w[at] = (w[at] ?? '').toUpperCase(); break;
        default: w.splice(at + 1); break; // cut short
      }
    }
    return w;
  }

  /** Words to a line: quoted where a shell would need it, or (sometimes) not at all. */
  line(words: string[]): string {
    return tame(words.map((word) => (/[\s"'#\\]/.test(word) || word === '' ? (this.chance(0.8) ? JSON.stringify(word) : word) : word)).join(' '));
  }
}

const UNIT_US: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, m: 6e7, h: 3.6e9 };

/** Microseconds of a duration word, or undefined when it is not one (then it stays, as bad input). */
function durationUs(word: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(word);
  return m ? Number(m[1]) * UNIT_US[m[2]] : undefined;
}

/**
 * Keeps a line's virtual time small, so a case costs milliseconds: fio runs at most 50 ms of
 * virtual time on at most 1 MB at depth 16 or less, sleep at most 1 s. Only well-formed values are
 * shortened: a long run is no bad input, a malformed value is.
 */
export function tame(line: string): string {
  if (/^\s*fio\b/.test(line)) {
    let t = line
      .replace(/--runtime(=|\s+)(\S+)/g, (all, sep: string, value: string) => ((durationUs(value) ?? 0) > 50e3 ? `--runtime${sep}50ms` : all))
      .replace(/--size(=|\s+)(\d+[kmgt]?)\b/gi, (_all, sep: string) => `--size${sep}1m`)
      .replace(/--iodepth(=|\s+)(\d{3,})/g, (_all, sep: string) => `--iodepth${sep}16`);
    if (!/--runtime/.test(t)) t += ' --runtime 50ms';
    return t;
  }
  return line.replace(/^(\s*sleep\s+)(\S+)/, (all, head: string, value: string) => ((durationUs(value) ?? 0) > 1e6 ? `${head}1s` : all));
}
