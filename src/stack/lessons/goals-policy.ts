// Goals on NMP's choices for a device: its SATP, its PSP, the SATP's default PSP, Round Robin's
// settings, Fixed's preferred path, and the paths the PSP actually uses.

import type { NmpDevice } from '../nmp/nmp-device';
import type { PathImpl } from '../psa/path';
import { isResult, met, nmpDevice, s, unmet, type GoalKind, type GoalSpec } from './goal-types';

export const pspGoal: GoalKind = {
  kind: 'psp',
  params: { device: { type: 'string', required: true }, psp: { type: 'string', required: true } },
  describe: (g) => `${s(g, 'device')} uses ${s(g, 'psp')}`,
  check(g, host) {
    const d = nmpDevice(host, s(g, 'device'));
    if (isResult(d)) return d;
    if (d.psp.name === g.psp) return met(`${d.logical.id} uses ${d.psp.name}`);
    return unmet(`${d.logical.id} still uses ${d.psp.name}; set it to ${g.psp} (esxcli storage nmp device set -d ${d.logical.id} --psp ${g.psp})`);
  },
};

export const satpGoal: GoalKind = {
  kind: 'satp',
  params: { device: { type: 'string', required: true }, satp: { type: 'string', required: true } },
  describe: (g) => `${s(g, 'device')} is claimed by ${s(g, 'satp')}`,
  check(g, host) {
    const d = nmpDevice(host, s(g, 'device'));
    if (isResult(d)) return d;
    if (d.satp.name === g.satp) return met(`${d.logical.id} has the SATP ${d.satp.name}`);
    return unmet(`${d.logical.id} has the SATP ${d.satp.name}, not ${g.satp}: an SATP rule must match it, then the device must be claimed again`);
  },
};

export const satpDefaultPspGoal: GoalKind = {
  kind: 'satp-default-psp',
  params: { satp: { type: 'string', required: true }, psp: { type: 'string', required: true } },
  describe: (g) => `${s(g, 'satp')} gives its devices ${s(g, 'psp')} by default`,
  check(g, host) {
    const satp = host.nmp.satps.get(s(g, 'satp'));
    if (!satp) return unmet(`there is no SATP named ${g.satp} (esxcli storage nmp satp list)`);
    const psp = host.nmp.satpDefaultPsp.get(satp.name) ?? satp.defaultPsp;
    if (psp === g.psp) return met(`${satp.name}'s default PSP is ${psp}`);
    return unmet(`${satp.name}'s default PSP is still ${psp}; change it with esxcli storage nmp satp set --satp ${satp.name} --default-psp ${g.psp}`);
  },
};

function flag(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true' || v === 'on' || v === 'yes';
}

export const rrConfigGoal: GoalKind = {
  kind: 'rr-config',
  params: {
    device: { type: 'string', required: true },
    iops: { type: 'number' },
    bytes: { type: 'number' },
    limitType: { type: 'string', values: ['default', 'iops', 'bytes', 'latency'] },
    useANO: { type: 'boolean' },
  },
  describe(g) {
    const parts = ['limitType', 'iops', 'bytes', 'useANO'].filter((k) => g[k] !== undefined).map((k) => `${k}=${String(g[k])}`);
    return `${s(g, 'device')} uses VMW_PSP_RR with ${parts.join(', ') || 'its defaults'}`;
  },
  check(g, host) {
    const d = nmpDevice(host, s(g, 'device'));
    if (isResult(d)) return d;
    if (d.psp.name !== 'VMW_PSP_RR') return unmet(`${d.logical.id} uses ${d.psp.name}; Round Robin settings need VMW_PSP_RR first`);
    const c = d.pspConfig;
    const type = String(c.limitType ?? 'default').toLowerCase();
    const have: Record<string, string> = {
      limitType: type,
      iops: String(Number(c.iops ?? 1000)),
      bytes: String(Number(c.bytes ?? 10485760)),
      useANO: String(flag(c.useANO)),
    };
    const wrong = ['limitType', 'iops', 'bytes', 'useANO'].filter((k) => g[k] !== undefined && have[k] !== String(g[k]));
    const set = `esxcli storage nmp psp roundrobin deviceconfig set -d ${d.logical.id}`;
    if (wrong.length === 0) return met(`${d.logical.id}: Round Robin with ${Object.entries(have).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    return unmet(`${d.logical.id}: Round Robin has ${wrong.map((k) => `${k}=${have[k]}`).join(', ')}; want ${wrong.map((k) => `${k}=${String(g[k])}`).join(', ')} (${set} ...)`);
  },
};

export const preferredPathGoal: GoalKind = {
  kind: 'preferred-path',
  params: { device: { type: 'string', required: true }, path: { type: 'string', required: true } },
  describe: (g) => `${s(g, 'device')} uses VMW_PSP_FIXED with ${s(g, 'path')} as its preferred path`,
  check(g, host) {
    const d = nmpDevice(host, s(g, 'device'));
    if (isResult(d)) return d;
    if (d.psp.name !== 'VMW_PSP_FIXED') return unmet(`${d.logical.id} uses ${d.psp.name}; only VMW_PSP_FIXED has a preferred path`);
    const preferred = d.paths.find((p) => p.preferred);
    if (preferred && preferred.name === g.path) return met(`${d.logical.id} prefers ${preferred.name}`);
    const now = preferred ? `its preferred path is ${preferred.name}` : 'no preferred path is set (Fixed uses the first working path it found)';
    return unmet(`${d.logical.id}: ${now}; set ${g.path} with esxcli storage nmp psp fixed deviceconfig set -d ${d.logical.id} -p ${g.path}`);
  },
};

function where(g: GoalSpec): { test: (p: PathImpl) => boolean; text: string } {
  if (g.path !== undefined) return { test: (p) => p.name === g.path, text: `${s(g, 'path')}` };
  if (g.adapter !== undefined) return { test: (p) => p.adapter === g.adapter, text: `a path on ${s(g, 'adapter')}` };
  return { test: (p) => p.port.sp.name === g.sp, text: `a path through ${s(g, 'sp')}` };
}

function working(d: NmpDevice): string {
  return d.workingPaths().map((p) => p.name).join(', ') || 'none';
}

export const workingPathGoal: GoalKind = {
  kind: 'working-path',
  params: { device: { type: 'string', required: true }, path: { type: 'string' }, adapter: { type: 'string' }, sp: { type: 'string' } },
  oneOf: ['path', 'adapter', 'sp'],
  describe: (g) => `I/O to ${s(g, 'device')} goes through ${where(g).text} only`,
  check(g, host) {
    const d = nmpDevice(host, s(g, 'device'));
    if (isResult(d)) return d;
    const w = where(g);
    const paths = d.workingPaths();
    if (paths.length > 0 && paths.every(w.test)) return met(`${d.logical.id} works on ${working(d)}`);
    if (paths.length === 0) return unmet(`${d.logical.id} has no working path now; it should work on ${w.text}`);
    return unmet(`${d.logical.id} works on ${working(d)}, not only on ${w.text} (working paths are those its PSP chose lately: run some I/O)`);
  },
};
