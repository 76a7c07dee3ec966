// Runs a storm script on a fresh host, line by line through the lab session (exactly what
// `npx pathlab run` does), then counts: acknowledged writes (the jobs' successful WRITEs), stuck
// commands (when the script reaches `wait`, past every timeout), and lost and corrupted writes (the
// read-back once everything is repaired). A line that fails where it should not is an error.

import { LabSession } from '../src/stack/cli/script';
import type { FioHandle } from '../src/stack/cli/fio';
import { Host } from '../src/stack/host';
import { readBack } from './readback';
import { WAIT_LINE } from './script';
import { countStuck, type StuckCount } from './stuck';

export interface StormResult {
  faults: number;
  acknowledged: number;
  lost: number;
  corrupted: number;
  stuck: number;
  /** Blocks the jobs read back wrong during the storm (fio's verify): a failure the summary's
   * counts cannot place (the block may have been rewritten since), reported in the details. */
  misread: number;
  /** The first line that failed unexpectedly (or a throw), with its number; undefined if none. */
  error: string | undefined;
  /** What the report adds below the summary line: ledgers, bad blocks. */
  details: string[];
}

export interface RunOptions {
  /** Called on the booted host before the first line (the tests' sabotage goes in here). */
  prepare?: (host: Host) => void | Promise<void>;
  /** Progress for a person watching: the line number, how many, virtual seconds. */
  progress?: (line: number, lines: number, virtualSec: number) => void;
}

export const summaryLine = (r: StormResult) =>
  `storm: ${r.faults} faults, ${r.acknowledged} acknowledged writes, ${r.lost} lost, ${r.corrupted} corrupted, ${r.stuck} stuck commands`;

/** What went wrong, by kind (empty when nothing did): the shrinker keeps a failure of the same kind. */
export function failureKinds(r: StormResult): string[] {
  const kinds: string[] = [];
  if (r.lost > 0) kinds.push('lost');
  if (r.corrupted > 0) kinds.push('corrupted');
  if (r.stuck > 0) kinds.push('stuck');
  if (r.misread > 0) kinds.push('misread');
  if (r.error !== undefined) kinds.push('error');
  return kinds;
}

/** Runs `script`, a storm of `faults` faults (the count the summary reports). */
export async function runStorm(script: string, faults: number, options: RunOptions = {}): Promise<StormResult> {
  const host = await Host.boot();
  try {
    await options.prepare?.(host);
    const session = new LabSession(host);
    const lines = script.split('\n');
    const result: StormResult = { faults, acknowledged: 0, lost: 0, corrupted: 0, stuck: 0, misread: 0, error: undefined, details: [] };
    let jobs: readonly FioHandle[] = [];
    let stuck: StuckCount | undefined;
    for (let i = 0; i < lines.length && result.error === undefined; i++) {
      const line = lines[i].trim();
      if (line === '' || line.startsWith('#')) continue;
      if (line === WAIT_LINE) {
        jobs = [...session.jobs];
        stuck = countStuck(host);
        if (stuck.stuck > 0) {
          // `wait` and the checking jobs would only stall on them, minutes of virtual time later.
          result.details.push(`line ${i + 1} (wait) and the lines after it not run: commands are stuck`);
          break;
        }
      }
      let r;
      try {
        r = await session.run(line);
      } catch (e) {
        r = { ok: false, output: `uncaught: ${(e as Error).stack ?? e}` };
      }
      if (!r.ok) result.error = `line ${i + 1}: ${line}\n${r.output}`;
      options.progress?.(i + 1, lines.length, host.clock.now / 1e6);
    }
    if (stuck === undefined) stuck = countStuck(host);
    result.stuck = stuck.stuck;
    if (jobs.length === 0) jobs = session.jobs;
    result.acknowledged = jobs.reduce((n, h) => n + h.job.write.ios, 0);
    result.misread = jobs.reduce((n, h) => n + h.job.verifyFailed, 0);
    const failedReads = jobs.reduce((n, h) => n + h.job.read.errors, 0);
    const failedWrites = jobs.reduce((n, h) => n + h.job.write.errors, 0);
    // A job's stamps are kept under its device's id, or `vvol:ID` for a vVol (as fio.ts keys them).
    const targets = jobs.map((h) => ({ key: h.spec.vvol ? `vvol:${h.spec.vvol.id}` : h.spec.deviceId, device: h.job.device, secondaryId: h.job.secondaryId }));
    const data = await readBack(host, targets);
    result.lost = data.lost;
    result.corrupted = data.corrupted;
    result.details.push(
      `stuck ledgers: ${stuck.jobs} in the jobs, ${stuck.devices} on the devices, ${stuck.adapters} on the adapters`,
      `failed back to the jobs (not acknowledged, not counted as lost): ${failedWrites} writes, ${failedReads} reads`,
      `read back: ${data.checkedBlocks} blocks with an acknowledged write; ${data.lostBlocks} lost, ${data.corruptedBlocks} corrupted, ${data.unreadableBlocks} unreadable`,
      ...data.examples,
    );
    for (const h of jobs) {
      const f = h.job.firstFailure;
      if (f) result.details.push(`${h.spec.name} read ${h.job.verifyFailed} block(s) wrong during the storm; first: lba ${f.lba}, expected seq ${f.expectedSeq}, found lba ${f.foundLba} seq ${f.foundSeq}`);
    }
    return result;
  } finally {
    host.close();
  }
}
