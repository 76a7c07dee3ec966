// Goals on I/O: counters since the lesson began, balance over paths, shares between worlds,
// device queue settings, and fio's verify (no acknowledged write lost).

import type { Workload } from '../sim/workload';
import type { GoalContext } from './context';
import { met, n, s, unmet, type GoalKind, type GoalSpec } from './goal-types';

const COUNTERS = ['commands', 'reads', 'writes'] as const;

function statTarget(g: GoalSpec): string {
  return g.device !== undefined ? s(g, 'device') : g.vm !== undefined ? `VM ${s(g, 'vm')}` : `path ${s(g, 'path')}`;
}

export const statGoal: GoalKind = {
  kind: 'stat',
  params: {
    device: { type: 'string' },
    vm: { type: 'string' },
    path: { type: 'string' },
    counter: { type: 'string', required: true, values: COUNTERS },
    min: { type: 'number', required: true },
  },
  oneOf: ['device', 'vm', 'path'],
  describe: (g) => `${statTarget(g)} completes at least ${n(g, 'min')} ${s(g, 'counter')} during the lesson`,
  check(g, host, ctx) {
    const counter = s(g, 'counter') as (typeof COUNTERS)[number];
    let value: number;
    if (g.path !== undefined) {
      const p = host.psa.path(s(g, 'path'));
      if (!p) return unmet(`there is no path ${g.path}`);
      if (counter !== 'commands') return unmet(`paths count commands only (goal asks for ${counter})`);
      value = ctx.pathDelta(p);
    } else if (g.vm !== undefined) {
      if (!host.vm(s(g, 'vm'))) return unmet(`there is no VM ${g.vm}`);
      value = ctx.vmDelta(s(g, 'vm'))[counter];
    } else {
      if (!host.psa.device(s(g, 'device'))) return unmet(`there is no device ${g.device}`);
      value = ctx.deviceDelta(s(g, 'device'))[counter];
    }
    if (value >= n(g, 'min')) return met(`${statTarget(g)}: ${value} ${counter} so far`);
    return unmet(`${statTarget(g)} has completed ${value} ${counter} since the lesson began; it needs ${n(g, 'min')} (run a workload with fio)`);
  },
};

export const ioBalanceGoal: GoalKind = {
  kind: 'io-balance',
  params: {
    device: { type: 'string', required: true },
    paths: { type: 'number', required: true },
    within: { type: 'number', required: true },
    min: { type: 'number' },
  },
  describe: (g) => `the I/O of ${s(g, 'device')} is spread over ${n(g, 'paths')} paths, each within ${n(g, 'within')}% of an equal share`,
  check(g, host, ctx) {
    const d = host.nmp.device(s(g, 'device'));
    if (!d) return unmet(`there is no NMP device ${g.device}`);
    const want = n(g, 'paths');
    const min = g.min === undefined ? 500 : n(g, 'min');
    const counts = d.paths.map((p) => ({ name: p.name, n: ctx.balanceDelta(p) })).sort((a, b) => b.n - a.n);
    const total = counts.reduce((sum, c) => sum + c.n, 0);
    if (total < min) return unmet(`${d.logical.id} has done ${total} commands since its policy was last set; run at least ${min} (fio) to measure the balance`);
    const share = total / want;
    const spread = counts.map((c) => `${c.name} ${((100 * c.n) / total).toFixed(1)}%`).join(', ');
    const off = counts.slice(0, want).filter((c) => Math.abs(c.n - share) > (share * n(g, 'within')) / 100);
    if (counts.length < want) return unmet(`${d.logical.id} has only ${counts.length} paths, the goal needs ${want}`);
    if (off.length === 0) return met(`${d.logical.id}: ${spread}`);
    return unmet(`${d.logical.id}'s commands since its policy was last set: ${spread}; each of ${want} paths should carry ${(100 / want).toFixed(1)}% (±${n(g, 'within')}%)`);
  },
};

function ios(job: Workload): number {
  return job.read.ios + job.write.ios;
}

export const sharesGoal: GoalKind = {
  kind: 'shares',
  params: {
    device: { type: 'string', required: true },
    worlds: { type: 'strings', required: true },
    ratio: { type: 'number', required: true },
    within: { type: 'number', required: true },
  },
  describe: (g) => {
    const [a, b] = g.worlds as string[];
    return `on ${s(g, 'device')}, world ${a} completes ${n(g, 'ratio')}x the commands of world ${b} while both run (±${n(g, 'within')}%)`;
  },
  check(g, host, ctx) {
    const device = host.psa.device(s(g, 'device'));
    if (!device) return unmet(`there is no device ${g.device}`);
    const [a, b] = g.worlds as string[];
    const last = (world: string) => [...ctx.jobs].reverse().find((h) => h.job.device === device && h.job.world === world);
    const ja = last(a);
    const jb = last(b);
    const missing = [ja ? '' : a, jb ? '' : b].filter(Boolean);
    if (missing.length > 0) return unmet(`no background fio job from world ${missing.join(' or ')} on ${device.id} yet: start both with a final & so they compete`);
    if (!ja!.job.isFinished || !jb!.job.isFinished) return unmet('the jobs are still running: wait for them');
    const overlap = ja!.job.startedAt < jb!.job.finishedAt && jb!.job.startedAt < ja!.job.finishedAt;
    if (!overlap) return unmet(`the last jobs of ${a} and ${b} did not run at the same time: start them together, each with a final &`);
    const rate = (j: Workload) => ios(j) / Math.max(1, j.finishedAt - j.startedAt);
    const ratio = rate(ja!.job) / Math.max(1e-12, rate(jb!.job));
    const text = `${a} did ${ios(ja!.job)} commands, ${b} ${ios(jb!.job)}: ${ratio.toFixed(2)}x`;
    if (Math.abs(ratio - n(g, 'ratio')) <= (n(g, 'ratio') * n(g, 'within')) / 100) return met(text);
    return unmet(`${text}, not ${n(g, 'ratio')}x: shares only divide the device when its queue is full and commands wait`);
  },
};

export const deviceQueueGoal: GoalKind = {
  kind: 'device-queue',
  params: { device: { type: 'string', required: true }, dsnro: { type: 'number' }, dsnroAtMost: { type: 'number' }, queueDepth: { type: 'number' } },
  describe(g) {
    const parts = [
      g.dsnro === undefined ? '' : `DSNRO ${n(g, 'dsnro')}`,
      g.dsnroAtMost === undefined ? '' : `DSNRO at most ${n(g, 'dsnroAtMost')}`,
      g.queueDepth === undefined ? '' : `DQLEN ${n(g, 'queueDepth')}`,
    ].filter(Boolean);
    return `${s(g, 'device')} has ${parts.join(' and ')}`;
  },
  check(g, host) {
    const d = host.psa.device(s(g, 'device'));
    if (!d) return unmet(`there is no device ${g.device}`);
    const have = `DSNRO ${d.schedNumReqOutstanding}, DQLEN ${d.queueDepth}`;
    const set = `esxcli storage core device set -d ${d.id} -O N`;
    if (g.dsnro !== undefined && d.schedNumReqOutstanding !== g.dsnro) return unmet(`${d.id} has ${have}; set DSNRO to ${n(g, 'dsnro')} (${set})`);
    if (g.dsnroAtMost !== undefined && d.schedNumReqOutstanding > n(g, 'dsnroAtMost')) {
      return unmet(`${d.id} has ${have}; bring DSNRO down to ${n(g, 'dsnroAtMost')} or less (${set})`);
    }
    if (g.queueDepth !== undefined && d.queueDepth !== g.queueDepth) return unmet(`${d.id} has ${have}; set DQLEN to ${n(g, 'queueDepth')} (-m)`);
    return met(`${d.id} has ${have}`);
  },
};

function verifyResults(ctx: GoalContext): { job: string; checked: number; failed: number; running: boolean }[] {
  const fromJobs = ctx.jobs
    .filter((h) => h.spec.verify)
    .map((h) => ({ job: h.spec.name, checked: h.job.verifyChecked, failed: h.job.verifyFailed, running: !h.job.isFinished }));
  return [...ctx.verifies.map((v) => ({ ...v, running: false })), ...fromJobs];
}

export const noLostWritesGoal: GoalKind = {
  kind: 'no-lost-writes',
  params: {},
  describe: () => 'no acknowledged write is lost (every fio job run with --verify reports 0 failed)',
  check(_g, _host, ctx) {
    const results = verifyResults(ctx);
    const bad = results.filter((r) => r.failed > 0);
    if (bad.length > 0) return unmet(`fio job ${bad[0].job} found ${bad[0].failed} bad blocks: an acknowledged write was lost or damaged`);
    if (results.length === 0) return unmet('no fio job with --verify has run yet: run your workload with --verify so a lost write would show');
    if (results.some((r) => r.running)) return unmet('a verified fio job is still running: wait for its summary');
    const checked = results.reduce((sum, r) => sum + r.checked, 0);
    return met(`${results.length} verified job(s), ${checked} blocks checked, none failed`);
  },
};
