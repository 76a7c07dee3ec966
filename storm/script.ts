// A storm as a lab script: the verified jobs started in the background, every fault and repair
// at its planned time (sleeps between them; some followed by an administrator's rescan), the ALUA
// groups put back, a last rescan if the storm had any, the jobs stopped, time run past the command
// and APD timeouts, `wait` (which reports a stuck job), and a verified read of every job's region.
// `npx pathlab run FILE` or the page's console runs it as the storm does.

import type { HostSettings } from '../src/stack/scenario/types';
import { JOB_RATE_IOPS, JOB_SIZE, RESCAN, type PlannedFault, type StormPlan } from './plan';

/** Healthy time after the last repair before the jobs are stopped. */
const CALM_MS = 5000;
/** Read-back depth of the checking jobs. */
const CHECK_IODEPTH = 8;

/** The line after which the storm counts stuck commands (the jobs have had every chance to end). */
export const WAIT_LINE = 'wait';

const msText = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** Virtual time the stopped jobs get to drain: command timeout, APD timeout and a path evaluation. */
export function drainMs(settings: HostSettings): number {
  return (settings.commandTimeoutSec + settings.apdTimeoutSec + settings.pathEvalIntervalSec + 30) * 1000;
}

/** The lab script of `plan` with only `faults` (a sub-list of plan.faults, any order). */
export function stormScript(plan: StormPlan, faults: readonly PlannedFault[], settings: HostSettings): string {
  const kept = [...faults].sort((a, b) => a.id - b.id);
  const events: { atMs: number; order: number; lines: string[] }[] = [];
  for (const f of kept) {
    events.push({ atMs: f.atMs, order: 2 * f.id, lines: f.rescan === 'fault' ? [f.line, RESCAN] : [f.line] });
    events.push({ atMs: f.repairAtMs, order: 2 * f.id + 1, lines: f.rescan === 'repair' ? [f.repair, RESCAN] : [f.repair] });
  }
  events.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const endMs = (events.length > 0 ? events[events.length - 1].atMs : 0) + CALM_MS;
  // The jobs run until stopped; their runtime is only a bound well past the storm's end.
  const runtime = msText(Math.ceil((2 * endMs) / 1000) * 1000 + 3_600_000);
  const lines = [
    `# PathLab fault storm, seed ${plan.seed}: ${kept.length} fault(s)${kept.length > 0 ? ` (plan ids ${idRanges(kept)})` : ''}`,
    '# Verified jobs on every device; at the end every acknowledged block must read back as written.',
  ];
  for (const j of plan.jobs) lines.push(...j.setup);
  for (const j of plan.jobs) {
    lines.push(
      `fio --name ${j.name} ${j.target} --rw ${j.rw} --bs ${j.bs} --iodepth ${j.iodepth} --size ${JOB_SIZE} ` +
        `--runtime ${runtime} --rate_iops ${JOB_RATE_IOPS} --verify --randseed ${plan.seed} &`,
    );
  }
  let now = 0;
  for (const e of events) {
    if (e.atMs > now) lines.push(`sleep ${msText(e.atMs - now)}`);
    now = Math.max(now, e.atMs);
    lines.push(...e.lines);
  }
  const touched = new Set(kept.filter((f) => f.aluaLun).map((f) => `${f.aluaLun!.array} ${f.aluaLun!.lun}`));
  for (const key of [...touched].sort()) {
    const { sps, owner } = plan.aluaOwners.get(key)!;
    // The preferred owner's group first: making it AO turns any other AO group non-optimized.
    lines.push(`fault alua ${key} ${sps[owner]} ao`);
    sps.forEach((sp, i) => i !== owner && lines.push(`fault alua ${key} ${sp} ano`));
  }
  // Paths a rescan destroyed come back only with another rescan, as on ESXi.
  if (kept.some((f) => f.rescan)) lines.push(RESCAN);
  lines.push(`sleep ${msText(CALM_MS)}`);
  for (const j of plan.jobs) lines.push(`kill ${j.name}`);
  lines.push(`sleep ${msText(drainMs(settings))}`);
  lines.push(WAIT_LINE);
  for (const j of plan.jobs) {
    lines.push(`fio --name check-${j.name} ${j.checkTarget} --rw read --bs ${j.bs} --iodepth ${CHECK_IODEPTH} --size ${JOB_SIZE} --verify`);
  }
  return lines.join('\n') + '\n';
}

/** "1-4,9,12-13": plan ids, compactly. */
function idRanges(faults: readonly PlannedFault[]): string {
  const parts: string[] = [];
  for (let i = 0; i < faults.length; ) {
    let j = i;
    while (j + 1 < faults.length && faults[j + 1].id === faults[j].id + 1) j++;
    parts.push(i === j ? `${faults[i].id}` : `${faults[i].id}-${faults[j].id}`);
    i = j + 1;
  }
  return parts.join(',');
}
