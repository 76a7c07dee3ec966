// esxcli lines and lab scripts against a booted host, through the console's own LabSession. Each
// line either succeeds or fails with a clear message (no JS error text, no stack trace), and a
// failing line leaves the host exactly as it was: its captured lab state and the device, path and
// claim rule listings byte-identical before and after. (A line that fails after virtual time ran,
// fio reporting a verify error say, did work before failing: only its message is checked.)

import { esxcli } from '../src/stack/cli/esxcli/index';
import { LabSession } from '../src/stack/cli/script';
import { vvolCommand } from '../src/stack/cli/vvol';
import type { EngineChoice } from '../src/stack/engine';
import { Host } from '../src/stack/host';
import { SeededRandom } from '../src/stack/sim/random';
import { vvols } from '../src/stack/vvol';
import { captureState } from '../src/stack/workbench/lab-state';
import { LineGenerator } from './line-gen';
import { Tally, unclearMessage } from './tally';

/** Cases between fresh hosts, so one run's changes do not narrow all the later cases. */
const REBOOT_EVERY = 250;

/** Everything a failing line must leave alone, as text. */
export async function hostSnapshot(host: Host): Promise<string> {
  const listing = (...path: string[]) => esxcli(host, ['storage', 'core', ...path, 'list']).output;
  const parts = [JSON.stringify(captureState(host, { consoleHistory: [], lessons: {} })), listing('device'), listing('path'), listing('claimrule')];
  parts.push((await vvolCommand(host, ['list'])).output);
  return parts.join('\n');
}

export interface HostLineOptions {
  engine?: EngineChoice;
  progress?: (done: number) => void;
}

export async function fuzzHostLines(kind: 'esxcli' | 'script', cases: number, seed: number, options: HostLineOptions = {}): Promise<Tally> {
  const tally = new Tally();
  const r = new SeededRandom(seed).fork(kind);
  let host: Host | undefined;
  let session: LabSession | undefined;
  let gen: LineGenerator | undefined;
  for (let i = 0; i < cases; i++) {
    if (!host || i % REBOOT_EVERY === 0) {
      host?.close();
      host = await Host.boot({ engine: options.engine });
      // The vVol daemon starts on first use and then shows in the captured state: start it now, so
      // a failing line is not blamed for starting it.
      vvols(host);
      session = new LabSession(host, async (name) => Promise.reject(new Error(`no plugin file ${name} in the fuzz lab`)));
      gen = new LineGenerator(r.fork(`host ${i}`), host);
    }
    const lines: string[] = [];
    if (kind === 'esxcli') lines.push(gen!.line(r.next() < 0.7 ? gen!.mutate(gen!.esxcliWords()) : gen!.esxcliWords()));
    else for (let n = 1 + r.below(5); n > 0; n--) lines.push(gen!.line(r.next() < 0.5 ? gen!.mutate(gen!.scriptWords()) : gen!.scriptWords()));
    tally.cases++;
    for (const line of lines) {
      const problem = await runLine(host, session!, line, tally, kind);
      if (problem) tally.bad(kind, lines.join('\n'), `${JSON.stringify(line)}: ${problem}`);
    }
    if (options.progress && (i + 1) % 1000 === 0) options.progress(i + 1);
  }
  host?.close();
  return tally;
}

async function runLine(host: Host, session: LabSession, line: string, tally: Tally, kind: string): Promise<string | undefined> {
  const before = await hostSnapshot(host);
  const clock = host.clock.now;
  let result: { output: string; ok: boolean };
  try {
    result = await session.run(line);
  } catch (e) {
    tally.exception(kind, line, e);
    return undefined;
  }
  const unclear = unclearMessage(result.output, line);
  if (!result.ok) {
    if (unclear) return `failed with an unclear message: ${unclear}`;
    if (host.clock.now === clock && (await hostSnapshot(host)) !== before) return `failed (${firstLine(result.output)}) but changed the host's state`;
  } else if (unclear && result.output.trim() !== '') {
    return `succeeded with ${unclear}`;
  }
  return undefined;
}

const firstLine = (text: string): string => text.split('\n')[0].slice(0, 200);
