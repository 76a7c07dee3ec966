// What a lesson's goals may read besides the stack itself: the commands the learner ran (with their
// output), the background fio jobs they started, and the counters as they stood when the lesson
// began, so statistics count the learner's own work only. The lesson engine fills it in.

import type { FioHandle } from '../cli/fio';
import type { Host } from '../host';
import type { PathImpl } from '../psa/path';
import { vmCounters } from '../sim/workload-host';

export interface RecordedCommand {
  line: string;
  output: string;
  ok: boolean;
  /** Virtual time when the command ended, in µs. */
  at: number;
}

/** One fio job's verify result, read from the summary fio printed. */
export interface VerifyResult {
  job: string;
  checked: number;
  failed: number;
}

type Counts = { commands: number; reads: number; writes: number };

const zero: Counts = { commands: 0, reads: 0, writes: 0 };

function counts(c: Counts): Counts {
  return { commands: c.commands, reads: c.reads, writes: c.writes };
}

/** fio summaries in a command's output: one chunk per job, each from its "name: (g=0)" line. */
export function parseVerifyResults(output: string): VerifyResult[] {
  const results: VerifyResult[] = [];
  const chunks = output.split(/^(?=\S+: \(g=0\))/m);
  for (const chunk of chunks) {
    const name = /^(\S+): \(g=0\)/.exec(chunk);
    const verify = /verify: (\d+) blocks checked, (\d+) failed/.exec(chunk);
    if (name && verify) results.push({ job: name[1], checked: Number(verify[1]), failed: Number(verify[2]) });
  }
  return results;
}

export class GoalContext {
  /** Commands the learner ran since the lesson started (the start script's are not here). */
  readonly commands: RecordedCommand[] = [];
  /** Background fio jobs started since the lesson began, in order. */
  readonly jobs: FioHandle[] = [];
  /** Verify results printed by foreground fio jobs (background ones are read from their handles). */
  readonly verifies: VerifyResult[] = [];
  /** Virtual time the lesson began (after its start script). */
  startedAt = 0;

  private readonly deviceBase = new Map<string, Counts>();
  private readonly vmBase = new Map<string, Counts>();
  private readonly pathBase = new WeakMap<PathImpl, number>();
  /** Per device: when its policy (or owning MPP) last changed, the path counters then (for io-balance, path-share). */
  private readonly balanceBase = new WeakMap<PathImpl, number>();
  private readonly policySignature = new Map<string, string>();

  constructor(readonly host: Host) {}

  /** Takes the baselines: statistics count from here. */
  begin(): void {
    const host = this.host;
    this.startedAt = host.clock.now;
    this.commands.length = 0;
    this.jobs.length = 0;
    this.verifies.length = 0;
    this.deviceBase.clear();
    this.vmBase.clear();
    this.policySignature.clear();
    for (const d of host.psa.devices.values()) this.deviceBase.set(d.id, counts(d.counters));
    for (const vm of host.vms) this.vmBase.set(vm.name, counts(vmCounters(host, vm.name)));
    for (const p of host.psa.paths) {
      this.pathBase.set(p, p.counters.commands);
      this.balanceBase.set(p, p.counters.commands);
    }
    this.refresh();
  }

  /** Records a command the learner ran, and what it printed. */
  record(line: string, output: string, ok: boolean): void {
    this.commands.push({ line: line.trim(), output, ok, at: this.host.clock.now });
    // Background jobs are followed through their handles; a foreground fio's summary is read here.
    const trimmed = line.trim();
    if (/^fio\s/.test(trimmed) && !trimmed.endsWith('&')) this.verifies.push(...parseVerifyResults(output));
  }

  /**
   * After every command: a device whose PSP or its settings changed starts a new balance window,
   * and so does a device that another multipathing plugin (an MPP) now owns.
   */
  refresh(): void {
    for (const device of this.host.psa.devices.values()) {
      const d = this.host.nmp.device(device.id);
      const signature = d ? `${d.psp.name} ${JSON.stringify(d.pspConfig)}` : `owner ${device.owner.name}`;
      if (this.policySignature.get(device.id) === signature) continue;
      this.policySignature.set(device.id, signature);
      for (const p of device.paths) this.balanceBase.set(p, p.counters.commands);
    }
  }

  /** Commands, reads and writes a device completed since the lesson began. */
  deviceDelta(id: string): Counts {
    const d = this.host.psa.device(id);
    if (!d) return { ...zero };
    const base = this.deviceBase.get(d.id) ?? zero;
    return { commands: d.counters.commands - base.commands, reads: d.counters.reads - base.reads, writes: d.counters.writes - base.writes };
  }

  vmDelta(name: string): Counts {
    const c = vmCounters(this.host, name);
    const base = this.vmBase.get(name) ?? zero;
    return { commands: c.commands - base.commands, reads: c.reads - base.reads, writes: c.writes - base.writes };
  }

  /** Commands on a path since the lesson began (a path found later counts from 0). */
  pathDelta(path: PathImpl): number {
    return path.counters.commands - (this.pathBase.get(path) ?? 0);
  }

  /** Commands on a path since its device's policy was last set (or the lesson began). */
  balanceDelta(path: PathImpl): number {
    return path.counters.commands - (this.balanceBase.get(path) ?? 0);
  }
}
