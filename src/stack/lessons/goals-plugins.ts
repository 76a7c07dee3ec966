// Goals on the learner's own plugins: one is loaded in its role (and not disabled), a device is
// owned by a given multipathing plugin, one path carries no more (or no less) than a share of a
// device's commands since its policy was last set, and an ALUA group's state on the array (and
// whether a host's SET TARGET PORT GROUPS put it there): how a lesson sees what a plugin does.

import { AccessState, TpgStatus } from '../arrays/alua';
import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import type { GoalContext } from './context';
import { met, n, s, unmet, type GoalKind, type GoalSpec } from './goal-types';

const ROLES = ['psp', 'satp', 'mpp'] as const;
const HOOKS: Record<string, string> = {
  psp: 'selectPath',
  satp: 'onError and checkPaths',
  mpp: 'claimPath and startCommand',
};

/** "a PSP", "an SATP", "an MPP" (as they are read out). */
const article = (role: string) => `${role === 'psp' ? 'a' : 'an'} ${role.toUpperCase()}`;

export const pluginGoal: GoalKind = {
  kind: 'plugin',
  params: {
    name: { type: 'string', required: true },
    role: { type: 'string', values: ROLES },
    state: { type: 'string', values: ['loaded', 'disabled'] },
  },
  describe(g) {
    const role = g.role === undefined ? 'plugin' : article(s(g, 'role'));
    return g.state === 'disabled' ? `your ${role} ${s(g, 'name')} was disabled for misbehaving` : `your ${role} ${s(g, 'name')} is loaded`;
  },
  check(g, host) {
    const name = s(g, 'name');
    const want = (g.state as string | undefined) ?? 'loaded';
    const plugins = host.plugins.list();
    const p = plugins.find((x) => x.name === name);
    if (!p) {
      const others = plugins.map((x) => `${x.name} (${x.role.toUpperCase()}, ${x.state})`).join(', ');
      const role = g.role === undefined ? '' : `: ${article(s(g, 'role'))} exports ${HOOKS[s(g, 'role')]}`;
      return unmet(
        `no plugin named ${name} is loaded${others ? ` (loaded: ${others})` : ''}; its default export's name must be '${name}'${role}. Load it with plugin load FILE`,
      );
    }
    if (g.role !== undefined && p.role !== g.role) {
      return unmet(`${name} is loaded as ${article(p.role)}, not ${article(s(g, 'role'))}: ${article(s(g, 'role'))} exports ${HOOKS[s(g, 'role')]}`);
    }
    const what = `${name} (${p.role.toUpperCase()}) from ${p.file}`;
    if (p.state === want) return met(want === 'loaded' ? `${what} is loaded` : `${what} was disabled: ${p.message ?? ''}`);
    if (p.state === 'disabled') return unmet(`${what} was disabled: ${p.message ?? 'it misbehaved'}. Fix it and load it again (plugin load ${p.file})`);
    return unmet(`${what} is loaded and has not misbehaved yet`);
  },
};

function claimedBy(device: LogicalDevice): string {
  return device.owner.name;
}

export const deviceOwnerGoal: GoalKind = {
  kind: 'device-owner',
  params: { device: { type: 'string', required: true }, plugin: { type: 'string', required: true } },
  describe: (g) => `${s(g, 'device')} is claimed by the multipathing plugin ${s(g, 'plugin')}`,
  check(g, host) {
    const id = s(g, 'device');
    const plugin = s(g, 'plugin');
    const device = host.psa.device(id);
    const loaded = host.psa.plugins.get(plugin) !== undefined;
    if (device && claimedBy(device) === plugin) return met(`${device.id} is claimed by ${plugin} (${device.paths.length} path(s))`);
    if (!loaded) return unmet(`${plugin} is not loaded as a multipathing plugin, so it owns no device yet: load it first (plugin load FILE)`);
    if (!device) return unmet(`there is no device ${id}: its paths are unclaimed or gone; run the claim rules (esxcli storage core claimrule run) and check that ${plugin}'s claimPath takes them`);
    const owner = claimedBy(device);
    const rules = host.psa.claimRules.list().filter((r) => r.rule.plugin === plugin);
    if (!rules.some((r) => r.class === 'runtime')) {
      const file = rules.length > 0 ? `rule ${rules[0].rule.rule} is only in the file: load it (esxcli storage core claimrule load)` : `add one (esxcli storage core claimrule add -r 200 -t vendor -V ... -M ... -P ${plugin}), then esxcli storage core claimrule load`;
      return unmet(`${device.id} is claimed by ${owner}; no loaded claim rule gives paths to ${plugin}: ${file}`);
    }
    return unmet(
      `${device.id} is still claimed by ${owner}: claim rules only place unclaimed paths. Unclaim its paths (esxcli storage core claiming unclaim -t device -d ${device.id}) and run the rules (esxcli storage core claimrule run); if ${owner} claims them again, ${plugin}'s claimPath refused them`,
    );
  },
};

function shareText(g: GoalSpec): string {
  return g.maxPercent !== undefined ? `at most ${n(g, 'maxPercent')}%` : `at least ${n(g, 'minPercent')}%`;
}

export const pathShareGoal: GoalKind = {
  kind: 'path-share',
  params: {
    device: { type: 'string', required: true },
    path: { type: 'string', required: true },
    maxPercent: { type: 'number' },
    minPercent: { type: 'number' },
    min: { type: 'number' },
  },
  oneOf: ['maxPercent', 'minPercent'],
  describe: (g) => `${s(g, 'path')} carries ${shareText(g)} of ${s(g, 'device')}'s commands since its policy was last set`,
  check(g, host: Host, ctx: GoalContext) {
    const device = host.psa.device(s(g, 'device'));
    if (!device) return unmet(`there is no device ${g.device}: its paths are unclaimed or gone`);
    const path = device.paths.find((p) => p.name === g.path);
    if (!path) return unmet(`${g.path} is not a path of ${device.id} (its paths: ${device.paths.map((p) => p.name).join(', ') || 'none'})`);
    const min = g.min === undefined ? 500 : n(g, 'min');
    const counts = device.paths.map((p) => ({ name: p.name, n: ctx.balanceDelta(p) }));
    const total = counts.reduce((sum, c) => sum + c.n, 0);
    if (total < min) {
      return unmet(`${device.id} has done ${total} commands since its policy was last set; run at least ${min} (fio) to measure ${path.name}'s share`);
    }
    const pct = (x: number) => (100 * x) / total;
    const share = pct(ctx.balanceDelta(path));
    const spread = counts.map((c) => `${c.name} ${pct(c.n).toFixed(1)}%`).join(', ');
    const ok = g.maxPercent !== undefined ? share <= n(g, 'maxPercent') : share >= n(g, 'minPercent');
    const text = `${path.name} carried ${share.toFixed(1)}% of ${device.id}'s ${total} commands since its policy was last set (${spread})`;
    if (ok) return met(text);
    return unmet(`${text}; it should carry ${shareText(g)}`);
  },
};

/** esxcli's names of the asymmetric access states (RTPG codes). */
const ALUA_NAMES: Record<number, string> = {
  [AccessState.ACTIVE_OPTIMIZED]: 'AO',
  [AccessState.ACTIVE_NON_OPTIMIZED]: 'ANO',
  [AccessState.STANDBY]: 'STBY',
  [AccessState.UNAVAILABLE]: 'UNAV',
  [AccessState.OFFLINE]: 'OFFL',
  [AccessState.TRANSITIONING]: 'TRANS',
};

export const aluaGroupGoal: GoalKind = {
  kind: 'alua-group',
  params: {
    array: { type: 'string', required: true },
    lun: { type: 'number', required: true },
    sp: { type: 'string', required: true },
    state: { type: 'string', required: true, values: ['AO', 'ANO', 'STBY', 'UNAV', 'TRANS'] },
    setBy: { type: 'string', values: ['stpg', 'array'] },
  },
  describe(g) {
    const by = g.setBy === 'stpg' ? ', set by a host\'s SET TARGET PORT GROUPS' : g.setBy === 'array' ? ', set by the array itself' : '';
    return `${s(g, 'array')} LUN ${n(g, 'lun')}: ${s(g, 'sp')}'s target port group is ${s(g, 'state')}${by}`;
  },
  check(g, host) {
    const array = host.array(s(g, 'array'));
    const lun = array?.lun(n(g, 'lun'));
    if (!array || !lun) return unmet(`there is no LUN ${n(g, 'lun')} on an array named ${g.array}`);
    if (array.config.personality !== 'alua') return unmet(`${array.name} is not an ALUA array: it has no target port groups`);
    const sp = array.sps.find((x) => x.name.toLowerCase() === s(g, 'sp').toLowerCase());
    if (!sp) return unmet(`${array.name} has no SP ${g.sp} (its SPs: ${array.sps.map((x) => x.name).join(', ')})`);
    const code = lun.alua.stateAt(sp.index, array.now());
    const name = ALUA_NAMES[code] ?? `0x${code.toString(16)}`;
    const where = `${array.name} LUN ${lun.number}: ${sp.name}'s target port group`;
    const stpg = lun.alua.status[sp.index] === TpgStatus.SET_BY_STPG;
    if (name !== g.state) {
      const how = g.setBy === 'stpg' ? `; only a host's SET TARGET PORT GROUPS makes it ${s(g, 'state')} here (an SATP's activate hook, called when the device has no usable path)` : '';
      return unmet(`${where} is ${name}, not ${s(g, 'state')}${how}`);
    }
    if (g.setBy === 'stpg' && !stpg) return unmet(`${where} is ${name}, but the array changed it itself, not a host's SET TARGET PORT GROUPS`);
    if (g.setBy === 'array' && stpg) return unmet(`${where} is ${name} because a host asked with SET TARGET PORT GROUPS, not by the array's own change`);
    return met(`${where} is ${name}${stpg ? ', set by SET TARGET PORT GROUPS' : ''}`);
  },
};
