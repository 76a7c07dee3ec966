// Goals on what the host sees: path states, masked paths, claim rules, a device's paths and
// status, and which storage processor owns a LUN.

import { describeMatches, ruleMatches, type ClaimRule } from '../psa/claim-rules';
import { met, n, s, unmet, type GoalKind } from './goal-types';

const PATH_STATES = ['active', 'standby', 'disabled', 'dead', 'unknown'] as const;
const ALUA_STATES = ['AO', 'ANO', 'STBY', 'UNAV', 'TRANS', 'none'] as const;

export const pathStateGoal: GoalKind = {
  kind: 'path-state',
  params: { path: { type: 'string', required: true }, state: { type: 'string', values: PATH_STATES }, alua: { type: 'string', values: ALUA_STATES } },
  describe(g) {
    const want = [g.state, g.alua === undefined ? undefined : `ALUA ${s(g, 'alua')}`].filter(Boolean).join(', ');
    return `path ${s(g, 'path')} is ${want}`;
  },
  check(g, host) {
    const p = host.psa.path(s(g, 'path'));
    if (!p) return unmet(`there is no path ${g.path}: rescan (esxcli storage core adapter rescan --all)`);
    if (g.state === undefined && g.alua === undefined) return met(`${p.name} exists`);
    const wrong: string[] = [];
    if (g.state !== undefined && p.state !== g.state) wrong.push(`is ${p.state}, not ${s(g, 'state')}`);
    if (g.alua !== undefined && p.alua !== g.alua) wrong.push(`has ALUA state ${p.alua}, not ${s(g, 'alua')}`);
    if (wrong.length === 0) return met(`${p.name} is ${p.state}${p.alua === 'none' ? '' : ` (${p.alua})`}`);
    return unmet(`${p.name} ${wrong.join(' and ')}`);
  },
};

export const pathHiddenGoal: GoalKind = {
  kind: 'path-hidden',
  params: { path: { type: 'string', required: true } },
  describe: (g) => `path ${s(g, 'path')} is masked (claimed by MASK_PATH)`,
  check(g, host) {
    const p = host.psa.path(s(g, 'path'));
    if (!p) return unmet(`there is no path ${g.path} at all: rescan, then mask it with a MASK_PATH claim rule`);
    if (p.owner === 'MASK_PATH') return met(`${p.name} is claimed by MASK_PATH: the host no longer uses it`);
    const owner = p.owner ? `is claimed by ${p.owner} and visible` : 'is unclaimed';
    return unmet(`${p.name} ${owner}; mask it: a MASK_PATH claim rule that matches it, claimrule load, unclaim it, claimrule run`);
  },
};

function ruleText(r: ClaimRule): string {
  return `rule ${r.rule} (${r.plugin}, ${describeMatches(r)})`;
}

export const claimRuleGoal: GoalKind = {
  kind: 'claim-rule',
  params: { rule: { type: 'number' }, plugin: { type: 'string' }, runtime: { type: 'boolean' }, path: { type: 'string' } },
  describe(g) {
    const which = g.rule === undefined ? 'a claim rule' : `claim rule ${n(g, 'rule')}`;
    const parts = [g.plugin === undefined ? '' : ` gives ${s(g, 'plugin')}`, g.path === undefined ? '' : ` the path ${s(g, 'path')}`];
    return `${which}${parts.join('')}${g.runtime ? ' and is loaded (runtime)' : ''}`;
  },
  check(g, host) {
    const rows = host.psa.claimRules.list();
    const path = g.path === undefined ? undefined : host.psa.path(s(g, 'path'));
    if (g.path !== undefined && !path) return unmet(`there is no path ${g.path} for the rule to match: rescan`);
    const fits = (r: ClaimRule) =>
      (g.rule === undefined || r.rule === g.rule) && (g.plugin === undefined || r.plugin === g.plugin) && (!path || ruleMatches(r, path));
    const file = rows.filter((x) => x.class === 'file' && fits(x.rule));
    const runtime = rows.filter((x) => x.class === 'runtime' && fits(x.rule));
    if (runtime.length > 0) return met(`${ruleText(runtime[0].rule)} is loaded (runtime)`);
    if (!g.runtime && file.length > 0) return met(`${ruleText(file[0].rule)} is in the file rules`);
    if (file.length > 0) return unmet(`${ruleText(file[0].rule)} is only in the file (esx.conf): load it with esxcli storage core claimrule load`);
    const wanted = [g.rule === undefined ? '' : `number ${n(g, 'rule')}`, g.plugin === undefined ? '' : `plugin ${s(g, 'plugin')}`, path ? `matching ${path.name}` : '']
      .filter(Boolean)
      .join(', ');
    return unmet(`no claim rule with ${wanted} yet: add one with esxcli storage core claimrule add`);
  },
};

export const devicePathsGoal: GoalKind = {
  kind: 'device-paths',
  params: { device: { type: 'string', required: true }, count: { type: 'number', required: true } },
  describe: (g) => `${s(g, 'device')} has ${n(g, 'count')} path${n(g, 'count') === 1 ? '' : 's'}`,
  check(g, host) {
    const d = host.psa.device(s(g, 'device'));
    if (!d) return unmet(`there is no device ${g.device}: its paths are gone or unclaimed`);
    const names = d.paths.map((p) => p.name).join(', ');
    if (d.paths.length === g.count) return met(`${d.id} has ${d.paths.length} path(s): ${names}`);
    return unmet(`${d.id} has ${d.paths.length} path(s) (${names || 'none'}), not ${n(g, 'count')}`);
  },
};

export const deviceStatusGoal: GoalKind = {
  kind: 'device-status',
  params: { device: { type: 'string', required: true }, status: { type: 'string', required: true, values: ['on', 'dead', 'off'] } },
  describe: (g) => `${s(g, 'device')} has status ${s(g, 'status')}`,
  check(g, host) {
    const d = host.psa.device(s(g, 'device'));
    if (!d) return unmet(`there is no device ${g.device}`);
    if (d.status === g.status) return met(`${d.id} is ${d.status}`);
    return unmet(`${d.id} is ${d.status}, not ${s(g, 'status')}`);
  },
};

export const lunOwnerGoal: GoalKind = {
  kind: 'lun-owner',
  params: { array: { type: 'string', required: true }, lun: { type: 'number', required: true }, sp: { type: 'string', required: true } },
  describe: (g) => `${s(g, 'array')} LUN ${n(g, 'lun')} is owned by ${s(g, 'sp')}`,
  check(g, host) {
    const array = host.array(s(g, 'array'));
    const lun = array?.lun(n(g, 'lun'));
    if (!array || !lun) return unmet(`there is no LUN ${n(g, 'lun')} on an array named ${g.array}`);
    const owner = array.sps[lun.owner]?.name ?? `SP ${lun.owner}`;
    if (owner === g.sp) return met(`${array.name} LUN ${lun.number} belongs to ${owner}`);
    return unmet(`${array.name} LUN ${lun.number} still belongs to ${owner}, not ${s(g, 'sp')}`);
  },
};
