// Goals on shared datastores and VAAI (lessons 15 and 16): a clone made by a given data mover whose
// bytes equal its source's, an advanced setting's value (and one it had on the way), a device's VAAI
// counters on a host, a file's on-disk lock and who holds it, a peer host's state, the learner's
// fio job running on a file, and an array-native vVol snapshot (the offload that moves nothing).
//
// Some of it cannot be read at one instant: a clone's bytes sit on the array (read in `prepare`,
// straight from it, outside every host's counters), and which clones were made, which values a
// setting went through and which peer the lesson began with are history (goal-history.ts).
// `prepare` runs after every command, before the checks; the checks only read what it kept.

import type { Host } from '../host';
import { existingVvols } from '../vvol';
import { settingValue, findSetting } from '../vmfs/advanced-settings';
import { compareFiles } from '../vmfs/api';
import type { CloneReport } from '../vmfs/clone';
import { allVaaiCounters, type VaaiCounters } from '../vmfs/disk-io';
import { scenarioHosts, sharedDatastores } from '../vmfs/shared-view';
import { history, observe, type History } from './goal-history';
import type { GoalContext } from './context';
import { met, n, s, unmet, type GoalKind } from './goal-types';

/** A host of the scenario by its name or first label, or the unmet result naming those there are. */
function hostNamed(host: Host, name: string): Host | string {
  const found = host.peer(name);
  return found ?? `there is no host ${name} (hosts: ${scenarioHosts(host).map((x) => x.name).join(', ')})`;
}

const short = (name: string): string => name.split('.')[0];
const sameHost = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase() || short(a).toLowerCase() === short(b).toLowerCase();

// ---- vmfs-clone ----

const latestCloneTo = (h: History, destination: string): CloneReport | undefined => [...h.clones].reverse().find((c) => c.destination === destination);

/**
 * Moves whenever a block on an array may have changed: any command a host completed (a superset of
 * those that write), and `sg` lines, which reach the arrays past every host.
 */
function blocksChangedStamp(h: History, ctx: GoalContext): string {
  let moved = 0;
  for (const each of h.hostsSeen) for (const p of each.psa.paths) moved += p.counters.commands;
  const sg = ctx.commands.filter((c) => /^(on \S+ )?sg\s/.test(c.line)).length;
  return `${moved}|${sg}`;
}

export const vmfsCloneGoal: GoalKind = {
  kind: 'vmfs-clone',
  params: {
    source: { type: 'string', required: true },
    destination: { type: 'string', required: true },
    mover: { type: 'string', required: true, values: ['hardware', 'software'] },
  },
  describe: (g) =>
    `${s(g, 'destination')} is a clone of ${s(g, 'source')} made by the ${s(g, 'mover') === 'hardware' ? 'array (XCOPY)' : "host's software data mover"}, byte for byte the same`,
  async prepare(g, host, ctx) {
    const h = observe(host, ctx);
    const clone = latestCloneTo(h, s(g, 'destination'));
    if (!clone) return;
    // Reading both disks back costs as much as the clone: only when some block may have changed.
    const stamp = `${h.clones.indexOf(clone)}|${blocksChangedStamp(h, ctx)}`;
    if (h.compares.get(clone.destination)?.stamp === stamp) return;
    try {
      h.compares.set(clone.destination, { stamp, ...(await compareFiles(host, clone.source, clone.destination)) });
    } catch (e) {
      h.compares.set(clone.destination, { stamp, error: (e as Error).message });
    }
  },
  check(g, host, ctx) {
    const h = history(host, ctx);
    const [src, dst, mover] = [s(g, 'source'), s(g, 'destination'), s(g, 'mover')];
    const clone = latestCloneTo(h, dst);
    if (!clone) return unmet(`you have not cloned anything to ${dst} yet: vmkfstools -i ${src} ${dst}`);
    if (clone.source !== src) return unmet(`${dst} was cloned from ${clone.source}, not ${src}: delete it (vmkfstools -U ${dst}) and clone ${src}`);
    const how = clone.mover === 'hardware'
      ? `the array (XCOPY: ${clone.xcopyCommands} EXTENDED COPY commands)`
      : `the host (${clone.readCommands} READs and ${clone.writeCommands} WRITEs: ${clone.reason})`;
    const fabric = `${clone.fabricBytes} bytes crossed the fabric for a ${clone.bytes}-byte disk`;
    if (clone.mover !== mover) {
      const fix = mover === 'software'
        ? 'turn /DataMover/HardwareAcceleratedMove off (esxcli system settings advanced set -o /DataMover/HardwareAcceleratedMove -i 0), delete it and clone again'
        : 'turn /DataMover/HardwareAcceleratedMove back on (-i 1), delete it and clone again';
      return unmet(`${dst} was copied by ${how}; ${fabric}. This goal wants the ${mover} data mover: ${fix}`);
    }
    const compare = h.compares.get(dst);
    if (!compare) return unmet(`${dst} has not been compared with ${src} yet`);
    if ('error' in compare) return unmet(`${dst} could not be compared with ${src}: ${compare.error}`);
    if (!compare.equal) return unmet(`${dst} differs from ${src} from byte ${compare.firstDifference}: something wrote to one of them after the clone; delete ${dst} and clone again`);
    return met(`${dst} was copied by ${how}; ${fabric}; its bytes equal ${src}'s`);
  },
};

// ---- advanced-setting ----

export const advancedSettingGoal: GoalKind = {
  kind: 'advanced-setting',
  params: { path: { type: 'string', required: true }, value: { type: 'number', required: true }, was: { type: 'number' } },
  describe: (g) => (g.was === undefined ? `${s(g, 'path')} is ${n(g, 'value')}` : `${s(g, 'path')} is ${n(g, 'value')} again, after being ${n(g, 'was')}`),
  async prepare(_g, host, ctx) {
    observe(host, ctx);
  },
  check(g, host, ctx) {
    const path = s(g, 'path');
    const setting = findSetting(path);
    if (!setting) return unmet(`there is no advanced setting ${path}`);
    const value = settingValue(host, setting.path);
    const set = `esxcli system settings advanced set -o ${setting.path} -i`;
    if (g.was !== undefined && !history(host, ctx).settings.get(setting.path)?.has(n(g, 'was'))) {
      return unmet(`${setting.path} is ${value} and has not been ${n(g, 'was')} since the lesson began: ${set} ${n(g, 'was')}, and later back to ${n(g, 'value')}`);
    }
    if (value !== n(g, 'value')) return unmet(`${setting.path} is ${value}; set it to ${n(g, 'value')} (${set} ${n(g, 'value')})`);
    return met(g.was === undefined ? `${setting.path} is ${value}` : `${setting.path} was ${n(g, 'was')} and is ${value} again`);
  },
};

// ---- vaai-stat ----

const COUNTERS: Record<string, keyof VaaiCounters> = {
  ATS: 'ats', ATSF: 'atsf', CLONE_RD: 'cloneRd', CLONE_WR: 'cloneWr', CLONE_F: 'cloneF', ZERO: 'zero', ZERO_F: 'zeroF',
};

export const vaaiStatGoal: GoalKind = {
  kind: 'vaai-stat',
  params: {
    device: { type: 'string', required: true },
    counter: { type: 'string', required: true, values: Object.keys(COUNTERS) },
    min: { type: 'number', required: true },
    host: { type: 'string' },
  },
  describe: (g) => `${g.host === undefined ? 'the hosts count' : `${s(g, 'host')} counts`} at least ${n(g, 'min')} ${s(g, 'counter')} on ${s(g, 'device')} (esxtop vaai)`,
  async prepare(_g, host, ctx) {
    observe(host, ctx);
  },
  check(g, host, ctx) {
    const named = g.host === undefined ? undefined : hostNamed(host, s(g, 'host'));
    if (typeof named === 'string') return unmet(named);
    const [id, counter] = [s(g, 'device'), s(g, 'counter')];
    const key = COUNTERS[counter];
    const h = history(host, ctx);
    // Per host name, over every boot of it since the lesson began.
    const counts = new Map<string, number>();
    for (const each of h.hostsSeen) {
      if (named && each.name !== named.name) continue;
      const count = (allVaaiCounters(each).get(id)?.[key] ?? 0) - (h.vaaiAtStart.get(each)?.get(id)?.[key] ?? 0);
      counts.set(short(each.name), (counts.get(short(each.name)) ?? 0) + count);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const what = `${counter} on ${id} since the lesson began: ${[...counts].map(([name, c]) => `${name} ${c}`).join(', ')}`;
    if (total >= n(g, 'min')) return met(what);
    const hint: Record<string, string> = {
      ATSF: 'an ATS miscompares when another host changed the block first: open one free file from both hosts at the same instant',
      ATS: 'every lock, heartbeat and allocation on a mounted VMFS volume is an ATS',
    };
    return unmet(`${what}; the goal is ${n(g, 'min')}${hint[counter] ? ` (${hint[counter]})` : ''}`);
  },
};

// ---- vmfs-lock ----

function fileOf(host: Host, path: string) {
  const m = /^\/vmfs\/volumes\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return `${path} is not /vmfs/volumes/LABEL/NAME.vmdk`;
  const ds = sharedDatastores(host).find((d) => d.label === m[1] || d.uuid === m[1]);
  if (!ds) return `no host has the volume ${m[1]} mounted`;
  return ds.files.find((f) => f.name === m[2]) ?? `there is no file ${m[2]} on ${ds.label} (files: ${ds.files.map((f) => f.name).join(', ') || 'none'})`;
}

export const vmfsLockGoal: GoalKind = {
  kind: 'vmfs-lock',
  params: {
    file: { type: 'string', required: true },
    holder: { type: 'string', required: true },
    mode: { type: 'string', values: ['exclusive', 'read-only'] },
    brokeStale: { type: 'boolean' },
  },
  describe: (g) =>
    `${s(g, 'holder')} holds the ${g.mode ?? ''}${g.mode ? ' ' : ''}lock of ${s(g, 'file')}${g.brokeStale ? ', taken by breaking a dead host\'s stale lock' : ''}`,
  check(g, host, ctx) {
    const [path, holder] = [s(g, 'file'), s(g, 'holder')];
    const file = fileOf(host, path);
    if (typeof file === 'string') return unmet(file);
    const mode = (g.mode as string | undefined) ?? file.lockMode;
    if (file.lockMode === 'free') return unmet(`${path} is not locked: nothing has it open (its lock version is ${file.lockVersion})`);
    const held = `${path} is locked in ${file.lockMode} mode by ${file.lockHolder} (lock version ${file.lockVersion})`;
    if (!sameHost(file.lockHolder, holder) || file.lockMode !== mode) return unmet(`${held}, not in ${mode} mode by ${holder}`);
    if (g.brokeStale) {
      const h = hostNamed(host, holder);
      const since = ctx.startedAt / 1e6;
      const broke = typeof h !== 'string' && h.logLines.some((l) => parseFloat(l) >= since && l.includes('Breaking stale lock') && l.includes(` on ${path} `));
      if (!broke) return unmet(`${held}, but ${holder} did not break a stale lock to get it since the lesson began`);
      return met(`${held}: ${short(holder)} broke the dead holder's stale lock after the lease`);
    }
    return met(held);
  },
};

// ---- peer-host ----

export const peerHostGoal: GoalKind = {
  kind: 'peer-host',
  params: { host: { type: 'string', required: true }, state: { type: 'string', required: true, values: ['up', 'down'] }, rebooted: { type: 'boolean' } },
  describe: (g) => `${s(g, 'host')} is ${s(g, 'state')}${g.rebooted ? ', booted again after a crash' : ''}`,
  async prepare(_g, host, ctx) {
    history(host, ctx);
  },
  check(g, host, ctx) {
    const h = hostNamed(host, s(g, 'host'));
    if (typeof h === 'string') return unmet(h);
    if (h === host) return unmet(`${h.name} is the host this console runs on, not a peer`);
    const state = h.up ? 'up' : 'down';
    const name = short(h.name);
    if (state !== s(g, 'state')) return unmet(`${h.name} is ${state}: ${state === 'up' ? `fault host ${name} crashes it` : `repair host ${name} boots it again`}`);
    if (g.rebooted && history(host, ctx).hostsAtStart.includes(h)) {
      return unmet(`${h.name} is ${state} and has run since the lesson began: crash it (fault host ${name}), then boot it (repair host ${name})`);
    }
    return met(`${h.name} is ${state}${g.rebooted ? ', booted again since the lesson began' : ''}`);
  },
};

// ---- file-io ----

export const fileIoGoal: GoalKind = {
  kind: 'file-io',
  params: { file: { type: 'string', required: true }, min: { type: 'number', required: true }, running: { type: 'boolean' } },
  describe: (g) => `your background fio job on ${s(g, 'file')} has done at least ${n(g, 'min')} commands${g.running ? ' and is still running' : ''}`,
  check(g, _host, ctx) {
    const path = s(g, 'file');
    const jobs = ctx.jobs.filter((j) => j.spec.file?.path === path);
    const start = `fio --name NAME --filename ${path} --rw randrw --bs 4k --runtime 1h &`;
    if (jobs.length === 0) return unmet(`you have started no background fio job on ${path}: ${start}`);
    const job = jobs[jobs.length - 1];
    const name = job.spec.name;
    if (job.job.openError) return unmet(`your job ${name} could not open ${path}: ${job.job.openError}`);
    const ios = job.job.read.ios + job.job.write.ios;
    const ended = job.job.isFinished;
    if (g.running && ended) return unmet(`your job ${name} did ${ios} commands and has ended, its lock released with it: start one that keeps running (${start})`);
    if (job.job.currentPhase === 'opening') return unmet(`your job ${name} is waiting for the lock of ${path}: its holder's heartbeat is being watched`);
    if (ios < n(g, 'min')) return unmet(`your job ${name} has done ${ios} commands on ${path}${ended ? '' : ' so far'}; it needs ${n(g, 'min')}`);
    return met(`your job ${name} has done ${ios} commands on ${path}${ended ? '' : ' and is running'}`);
  },
};

// ---- vvol-snapshot ----

export const vvolSnapshotGoal: GoalKind = {
  kind: 'vvol-snapshot',
  params: { vm: { type: 'string', required: true }, name: { type: 'string' } },
  describe: (g) => `the array holds a snapshot${g.name === undefined ? '' : ` named ${s(g, 'name')}`} of every data vVol of ${s(g, 'vm')}`,
  check(g, host) {
    const name = s(g, 'vm');
    const vm = existingVvols(host)?.vms.get(name);
    if (!vm) return unmet(`there is no vVol VM named ${name}`);
    const wanted = g.name === undefined ? undefined : `@${s(g, 'name')}`;
    const missing = vm.disks.filter((d) => !d.snapshots.some((snap) => !snap.deleted && (wanted === undefined || snap.name.endsWith(wanted))));
    const take = `vvol vm snapshot ${name}${g.name === undefined ? '' : ` --name ${s(g, 'name')}`}`;
    if (missing.length > 0) return unmet(`${missing.map((d) => d.name).join(', ')} ${missing.length > 1 ? 'have' : 'has'} no such snapshot on the array: ${take}`);
    const snaps = vm.disks.flatMap((d) => d.snapshots.filter((snap) => wanted === undefined || snap.name.endsWith(wanted)));
    return met(`the array made ${snaps.map((x) => x.name).join(', ')} inside itself`);
  },
};

export const VMFS_GOALS: GoalKind[] = [vmfsCloneGoal, advancedSettingGoal, vaaiStatGoal, vmfsLockGoal, peerHostGoal, fileIoGoal, vvolSnapshotGoal];
