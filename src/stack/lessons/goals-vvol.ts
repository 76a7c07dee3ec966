// Goals on virtual volumes (lessons 13 and 14): a vVol VM exists (in a container, with a policy and
// overrides, powered on or off), its vVols are bound behind a protocol endpoint (or none is), its
// config and data vVols have a compliance status with its policy, a storage policy has rules (and
// has been edited), and a disk's measured I/O rate sits at the IOPS limit the array enforces.
// They read the host's vVol daemon (src/stack/vvol), never the console's text, except the fio
// summaries the learner's foreground jobs printed (background jobs are read from their handles).

import type { Host } from '../host';
import { vvols } from '../vvol';
import { formatRules, parseRule, type Requirements } from '../vvol/capabilities';
import type { ComplianceStatus } from '../vvol/compliance';
import type { VvolVm } from '../vvol/vm';
import { HOST_ID } from '../vvol/vvold';
import type { VirtualVolume } from '../vvol/vvol';
import type { GoalContext } from './context';
import { met, n, s, unmet, type GoalKind, type GoalResult, type GoalSpec } from './goal-types';

/** The vVol VM a goal names, or the unmet result that says how to make it. */
function vvolVm(host: Host, name: string): VvolVm | GoalResult {
  const d = vvols(host);
  const vm = d.vms.get(name);
  if (vm) return vm;
  const others = [...d.vms.keys()];
  return unmet(`there is no vVol VM named ${name}${others.length > 0 ? ` (vVol VMs: ${others.join(', ')})` : ''}: make it with vvol vm create ${name} --container ...`);
}

const isVm = (x: VvolVm | GoalResult): x is VvolVm => !('met' in x);

/** "app01.vmdk at 255:2", "app01.vmdk unbound". */
function bindingText(v: VirtualVolume): string {
  const b = v.bindings.get(HOST_ID);
  if (!b) return `${v.name} unbound`;
  return `${v.name} at ${b.pe.kind === 'scsi' ? b.text : `nfs ${b.text}`}`;
}

/** Rules as written in a goal ("iopsLimit=800" or just "iopsLimit"), checked against `have`. */
function missingRules(wanted: string[], have: Requirements): string[] {
  return wanted.filter((w) => {
    if (!w.includes('=')) return (have as Record<string, unknown>)[w] === undefined;
    const [name, value] = parseRule(w);
    return have[name] !== value;
  });
}

// ---- vvol-vm ----

export const vvolVmGoal: GoalKind = {
  kind: 'vvol-vm',
  params: {
    name: { type: 'string', required: true },
    state: { type: 'string', values: ['poweredOn', 'poweredOff'] },
    container: { type: 'string' },
    policy: { type: 'string' },
    overrides: { type: 'strings' },
    exists: { type: 'boolean' },
  },
  describe(g) {
    if (g.exists === false) return `there is no vVol VM named ${s(g, 'name')}`;
    const parts = [
      g.container === undefined ? '' : ` on ${s(g, 'container')}`,
      g.policy === undefined ? '' : ` with policy "${s(g, 'policy')}"`,
      g.overrides === undefined ? '' : ` overriding ${(g.overrides as string[]).join(', ')}`,
      g.state === undefined ? '' : `, ${g.state === 'poweredOn' ? 'powered on' : 'powered off'}`,
    ];
    return `the vVol VM ${s(g, 'name')} exists${parts.join('')}`;
  },
  check(g, host) {
    const name = s(g, 'name');
    const d = vvols(host);
    if (g.exists === false) {
      const vm = d.vms.get(name);
      return vm ? unmet(`${name} still exists (${vm.state}): vvol vm delete ${name} (power it off first)`) : met(`there is no vVol VM named ${name}`);
    }
    const vm = vvolVm(host, name);
    if (!isVm(vm)) return vm;
    if (g.container !== undefined && vm.container.name !== g.container) {
      return unmet(`${name} lives on ${vm.container.name}, not ${s(g, 'container')}: a VM does not move between containers; delete it and create it again with --container ${s(g, 'container')}`);
    }
    if (g.policy !== undefined && vm.policy.name !== g.policy) {
      return unmet(`${name} uses the policy "${vm.policy.name}", not "${s(g, 'policy')}": vvol vm policy ${name} --policy "${s(g, 'policy')}"`);
    }
    if (g.overrides !== undefined) {
      const missing = missingRules(g.overrides as string[], vm.overrides);
      if (missing.length > 0) {
        return unmet(`${name} overrides ${formatRules(vm.overrides)} of its policy; it should override ${missing.join(', ')} (vvol vm policy ${name} --override ${missing[0].includes('=') ? missing[0] : `${missing[0]}=VALUE`})`);
      }
    }
    const text = `${name} is on ${vm.container.name} with policy "${vm.policy.name}"${Object.keys(vm.overrides).length > 0 ? ` (overrides: ${formatRules(vm.overrides)})` : ''}, ${vm.powered ? 'powered on' : 'powered off'}`;
    if (g.state !== undefined && vm.state !== g.state) {
      return unmet(`${text}: ${g.state === 'poweredOn' ? `power it on (vvol vm poweron ${name})` : `power it off (vvol vm poweroff ${name})`}`);
    }
    return met(text);
  },
};

// ---- vvol-bound ----

export const vvolBoundGoal: GoalKind = {
  kind: 'vvol-bound',
  params: { vm: { type: 'string', required: true }, count: { type: 'number' } },
  describe: (g) =>
    g.count === undefined
      ? `every vVol ${s(g, 'vm')} runs on (config, data and swap) is bound behind a protocol endpoint`
      : n(g, 'count') === 0
        ? `none of ${s(g, 'vm')}'s vVols is bound`
        : `${n(g, 'count')} of ${s(g, 'vm')}'s vVols are bound behind a protocol endpoint`,
  check(g, host) {
    const vm = vvolVm(host, s(g, 'vm'));
    if (!isVm(vm)) return g.count === 0 ? met(`there is no vVol VM named ${s(g, 'vm')}, so none of its vVols is bound`) : vm;
    const all = vm.vvols;
    const bound = all.filter((v) => v.bindings.has(HOST_ID));
    const list = bound.map(bindingText).join(', ');
    if (g.count !== undefined) {
      const want = n(g, 'count');
      if (bound.length === want) return met(want === 0 ? `none of ${vm.name}'s vVols is bound` : `${vm.name}'s bound vVols: ${list}`);
      if (want === 0) return unmet(`${vm.name} still has ${bound.length} vVol(s) bound (${list}): power it off (vvol vm poweroff ${vm.name}), which unbinds them`);
      return unmet(`${vm.name} has ${bound.length} vVol(s) bound${bound.length > 0 ? ` (${list})` : ''}, not ${want}`);
    }
    if (!vm.powered) {
      return unmet(`${vm.name} is powered off, so its vVols are passive, bound nowhere: power it on (vvol vm poweron ${vm.name}) and the array binds them behind a protocol endpoint`);
    }
    const unbound = vm.running.filter((v) => !v.bindings.has(HOST_ID));
    if (unbound.length > 0) return unmet(`${vm.name} runs with ${unbound.map((v) => v.name).join(', ')} unbound (vvol bind ID binds one again)`);
    return met(`${vm.name}'s vVols are bound: ${vm.running.map(bindingText).join(', ')}`);
  },
};

// ---- vvol-compliance ----

const COMPLIANCE: readonly ComplianceStatus[] = ['compliant', 'noncompliant', 'outOfDate', 'notApplicable'];

const HOW: Record<ComplianceStatus, string> = {
  compliant: 'apply the policy again (vvol vm policy NAME) so the array runs the vVols with its current rules',
  outOfDate: 'change a rule the array can still provide (vvol policy set POLICY --rule ...) and do not apply it yet',
  noncompliant: 'ask for a rule the container cannot provide (vvol policy set POLICY --rule ...)',
  notApplicable: 'only swap, memory and snapshot vVols are not governed by a policy',
};

export const vvolComplianceGoal: GoalKind = {
  kind: 'vvol-compliance',
  params: { vm: { type: 'string', required: true }, state: { type: 'string', required: true, values: COMPLIANCE } },
  describe: (g) => `${s(g, 'vm')}'s config and data vVols are ${s(g, 'state')} with its storage policy (vvol compliance ${s(g, 'vm')})`,
  check(g, host) {
    const vm = vvolVm(host, s(g, 'vm'));
    if (!isVm(vm)) return vm;
    const d = vvols(host);
    const want = s(g, 'state') as ComplianceStatus;
    const each = [vm.config, ...vm.disks].map((v) => ({ v, c: d.compliance(v) }));
    const off = each.filter((x) => x.c.status !== want);
    const policy = `"${vm.policy.name}" version ${vm.policy.version}`;
    if (off.length === 0) return met(`${vm.name}'s ${each.length} vVols are ${want} with ${policy}`);
    const why = off.map((x) => `${x.v.name} is ${x.c.status}${x.c.reasons.length > 0 ? ` (${x.c.reasons.join('; ')})` : ''}`).join(', ');
    return unmet(`${why}; the goal is ${want}: ${HOW[want].replace('NAME', vm.name).replace('POLICY', `"${vm.policy.name}"`)}`);
  },
};

// ---- vvol-policy ----

export const vvolPolicyGoal: GoalKind = {
  kind: 'vvol-policy',
  params: { name: { type: 'string', required: true }, rules: { type: 'strings' }, minVersion: { type: 'number' } },
  describe(g) {
    const rules = g.rules === undefined ? '' : ` with the rules ${(g.rules as string[]).join(', ')}`;
    const edited = g.minVersion === undefined ? '' : `, edited since it was made (version ${n(g, 'minVersion')} or later)`;
    return `the storage policy "${s(g, 'name')}" exists${rules}${edited}`;
  },
  check(g, host) {
    const name = s(g, 'name');
    const d = vvols(host);
    const policy = d.policies.get(name);
    if (!policy) {
      // A policy the goal wants edited is made with other values first: no ready-made command then.
      const rules = g.rules === undefined || g.minVersion !== undefined ? ' --rule CAP=VALUE ...' : ` ${(g.rules as string[]).map((r) => `--rule ${r.includes('=') ? r : `${r}=VALUE`}`).join(' ')}`;
      return unmet(`there is no storage policy named "${name}" (policies: ${d.policies.all.map((p) => p.name).join(', ')}): vvol policy create ${name}${rules}`);
    }
    const text = `"${name}" version ${policy.version}: ${policy.text}`;
    if (g.rules !== undefined) {
      const missing = missingRules(g.rules as string[], policy.rules);
      if (missing.length > 0) return unmet(`${text}; it should have ${missing.join(', ')} (vvol policy set ${name} --rule ...)`);
    }
    if (g.minVersion !== undefined && policy.version < n(g, 'minVersion')) {
      return unmet(`${text}; it has not been edited since it was made: change a rule with vvol policy set ${name} --rule CAP=VALUE`);
    }
    return met(text);
  },
};

// ---- vvol-iops ----

/** One finished fio job on a world: when it ended, its commands and its rate. */
interface Run {
  at: number;
  ios: number;
  iops: number;
}

const iopsValue = (text: string, k: string) => Number(text) * (k === 'k' ? 1000 : k === 'M' ? 1e6 : 1);

/** Finished fio jobs of a world since the lesson began: foreground summaries and background handles. */
function runsOf(ctx: GoalContext, world: string): Run[] {
  const runs: Run[] = [];
  for (const c of ctx.commands) {
    if (!c.ok || !/^fio\s/.test(c.line) || c.line.endsWith('&')) continue;
    for (const chunk of c.output.split(/^(?=\S+: \(g=0\))/m)) {
      if (!chunk.includes(`world=${world}:`)) continue;
      let iops = 0;
      for (const m of chunk.matchAll(/^\s+(?:read|write): IOPS=([\d.]+)([kM]?),/gm)) iops += iopsValue(m[1], m[2]);
      const run = /run=(\d+)-/.exec(chunk);
      const ms = run ? Number(run[1]) : 0;
      runs.push({ at: c.at, ios: Math.round((iops * ms) / 1000), iops });
    }
  }
  for (const h of ctx.jobs) {
    const job = h.job;
    if (job.world !== world || !job.isFinished) continue;
    const ios = job.read.ios + job.write.ios;
    runs.push({ at: job.finishedAt, ios, iops: ios / Math.max(1e-6, job.elapsedUs / 1e6) });
  }
  return runs.sort((a, b) => a.at - b.at);
}

export const vvolIopsGoal: GoalKind = {
  kind: 'vvol-iops',
  params: {
    vm: { type: 'string', required: true },
    disk: { type: 'number' },
    iops: { type: 'number' },
    within: { type: 'number', required: true },
    min: { type: 'number' },
  },
  describe(g) {
    const disk = g.disk === undefined ? 0 : n(g, 'disk');
    const rate = g.iops === undefined ? 'the IOPS limit the array enforces on it' : `${n(g, 'iops')} IOPS, the limit the array enforces on it`;
    return `${s(g, 'vm')}'s disk ${disk} runs at ${rate} (±${n(g, 'within')}%), measured by its last fio job`;
  },
  check(g, host, ctx) {
    const vm = vvolVm(host, s(g, 'vm'));
    if (!isVm(vm)) return vm;
    const disk = g.disk === undefined ? 0 : n(g, 'disk');
    const vvol = vm.disks[disk];
    if (!vvol) return unmet(`${vm.name} has ${vm.disks.length} disk(s): 0..${vm.disks.length - 1}`);
    const limit = vvol.unit.iopsLimit;
    const want = g.iops === undefined ? limit : n(g, 'iops');
    const applied = limit > 0 ? `the array limits ${vvol.name} to ${limit} IOPS` : `the array applies no IOPS limit to ${vvol.name}`;
    if (want === 0) return unmet(`${applied}: give ${vm.name} a policy with an iopsLimit rule`);
    if (limit !== want) {
      const fix = limit === 0 ? `give ${vm.name} a policy with iopsLimit` : `override the rule for this VM (vvol vm policy ${vm.name} --override iopsLimit=${want}) or change its policy and apply it again`;
      return unmet(`${applied}, not ${want}: ${fix}`);
    }
    const world = `${vm.name}:${disk}`;
    const min = g.min === undefined ? 500 : n(g, 'min');
    const runs = runsOf(ctx, world);
    const last = runs.at(-1);
    if (!last) return unmet(`${applied}; no fio job has finished on ${vm.name}'s disk ${disk} yet: power it on and run one (fio --vm ${vm.name} --disk ${disk} --rw randread --bs 4k --iodepth 8 --runtime 2s)`);
    if (last.ios < min) return unmet(`${vm.name}'s last fio job on disk ${disk} did ${last.ios} commands: run at least ${min} (a longer --runtime) so its rate means something`);
    const within = n(g, 'within');
    const text = `${vm.name}'s last fio job on disk ${disk} ran at ${Math.round(last.iops)} IOPS; ${applied}`;
    if (Math.abs(last.iops - want) <= (want * within) / 100) return met(text);
    if (last.iops < want) return unmet(`${text}: the job asked for less than the limit; run it with a deeper queue (--iodepth 8) and no --rate_iops, so the array's limit is what holds it back`);
    return unmet(`${text}: the job ran faster than the limit, which the array applied after the job began; run it again`);
  },
};
