// A lab's state beyond its blocks: what the learner changed (claim rules, SATP rules, PSP choices
// and settings, disabled paths, faults), the console history and lesson progress. Captured after
// every command, restored when the lab boots again; a lab export carries it with the blocks.

import type { Host } from '../host';
import type { ClaimRule } from '../psa/claim-rules';
import type { SatpRule } from '../nmp/satp-rules';
import type { LessonProgress, PluginFile } from '../api';
import { existingVvols, vvols } from '../vvol';
import { captureVvols, restoreVvols, type VvolsState } from '../vvol/vvol-state';
import { checkVvolKeys, checkVvols } from '../vvol/vvol-state-check';
import { checkEntries } from './lab-state-check';

export const LAB_FORMAT = 'pathlab-lab';
export const LAB_VERSION = 1;

type Setting = string | number | boolean;

export interface LabState {
  format: typeof LAB_FORMAT;
  version: typeof LAB_VERSION;
  scenario: string;
  claimRules: { file: ClaimRule[]; runtime: ClaimRule[] };
  satpRules: SatpRule[];
  satpDefaultPsp: Record<string, string>;
  /** Devices whose PSP was set by hand, with its settings; preferred is the Fixed preferred path. */
  devices: { id: string; psp: string | undefined; pspConfig: Record<string, Setting>; preferred: string | undefined }[];
  disabledPaths: string[];
  faults: {
    adapters: { name: string; up: boolean; linkUp: boolean }[];
    fabrics: { name: string; up: boolean; extraLatencyUs: number }[];
    arrays: { name: string; up: boolean; extraServiceUs: number; sps: boolean[]; ports: boolean[]; luns: { lun: number; lost: boolean; owner: number }[] }[];
  };
  consoleHistory: string[];
  lessons: Record<string, LessonProgress>;
  /** The lesson the learner had open (reopened, fresh, on the next visit), or null for the sandbox. */
  openLesson?: string | null;
  /** The learner's plugin files, and those loaded in the sandbox (in load order, loaded again first on restore). */
  plugins?: { files: PluginFile[]; loaded: string[] };
  /** The vVol world: policies, VMs, vVols and their blocks' keys, bindings (absent: nothing to restore). */
  vvols?: VvolsState;
}

/** What the lab keeps beside the host's own state. */
export type LabExtras = Pick<LabState, 'consoleHistory' | 'lessons' | 'openLesson' | 'plugins'>;

export class LabStateError extends Error {}

export function captureState(host: Host, extras: LabExtras): LabState {
  // A host that never used vVols has no daemon: nothing to save, and none is made for it.
  const daemon = existingVvols(host);
  return {
    format: LAB_FORMAT,
    version: LAB_VERSION,
    scenario: host.scenario.name,
    claimRules: { file: host.psa.claimRules.fileRules(), runtime: host.psa.claimRules.runtimeUserRules() },
    satpRules: host.nmp.satpRules.userRules(),
    satpDefaultPsp: Object.fromEntries(host.nmp.satpDefaultPsp),
    devices: host.nmp.devices
      .filter((d) => d.pspOverride !== undefined || Object.keys(d.pspConfig).length > 0 || d.paths.some((p) => p.preferred))
      .map((d) => ({ id: d.logical.id, psp: d.pspOverride, pspConfig: { ...d.pspConfig }, preferred: d.paths.find((p) => p.preferred)?.name })),
    disabledPaths: host.psa.paths.filter((p) => p.state === 'disabled').map((p) => p.name),
    faults: {
      adapters: host.adapters.map((a) => ({ name: a.name, up: a.up, linkUp: a.linkUp })),
      fabrics: host.fabrics.map((f) => ({ name: f.name, up: f.up, extraLatencyUs: f.extraLatencyUs })),
      arrays: host.arrays.map((a) => ({
        name: a.name,
        up: a.up,
        extraServiceUs: a.extraServiceUs,
        sps: a.sps.map((sp) => sp.up),
        ports: a.ports.map((p) => p.up),
        luns: a.luns.map((l) => ({ lun: l.number, lost: l.lost, owner: l.owner })),
      })),
    },
    consoleHistory: [...extras.consoleHistory],
    lessons: { ...extras.lessons },
    openLesson: extras.openLesson ?? null,
    plugins: extras.plugins ?? { files: [], loaded: host.plugins.loadedFiles() },
    ...(daemon ? { vvols: captureVvols(daemon) } : {}),
  };
}

/** Applies a saved state to a freshly booted host of the same scenario. */
export function restoreState(host: Host, state: LabState): void {
  // The rules first, with everything still cabled, so the same paths are found and claimed as
  // before; then the faults, which leave those paths dead as they were; then each device's settings.
  host.psa.claimRules.restore(state.claimRules.file, state.claimRules.runtime);
  host.nmp.satpRules.setUserRules(state.satpRules);
  for (const [satp, psp] of Object.entries(state.satpDefaultPsp)) host.nmp.satpDefaultPsp.set(satp, psp);
  host.psa.unclaim([...host.psa.paths]);
  host.psa.rescan();
  host.settle();
  // vVols once the PE devices exist, and before the faults: bindings and PE devices held open are
  // restored as they were made, whatever is down now.
  if (state.vvols) restoreVvols(vvols(host), state.vvols, (line) => host.log(line));
  for (const a of state.faults.adapters) {
    const adapter = host.adapter(a.name);
    if (adapter) Object.assign(adapter, { up: a.up, linkUp: a.linkUp });
  }
  for (const f of state.faults.fabrics) {
    const fabric = host.fabrics.find((x) => x.name === f.name);
    if (fabric) Object.assign(fabric, { up: f.up, extraLatencyUs: f.extraLatencyUs });
  }
  for (const a of state.faults.arrays) {
    const array = host.array(a.name);
    if (!array) continue;
    array.up = a.up;
    array.extraServiceUs = a.extraServiceUs;
    a.sps.forEach((up, i) => array.sps[i] && array.setSpUp(array.sps[i], up));
    a.ports.forEach((up, i) => array.ports[i] && array.setPortUp(array.ports[i], up));
    for (const l of a.luns) {
      const lun = array.luns.find((x) => x.number === l.lun);
      if (!lun) continue;
      array.setLunLost(lun, l.lost);
      if (array.sps[l.owner]) array.trespass(lun, l.owner);
    }
  }
  host.psa.notifyPathsChanged();
  for (const d of state.devices) {
    const device = host.nmp.device(d.id);
    if (!device) continue;
    if (d.psp !== undefined && !host.nmp.psps.has(d.psp)) host.log(`lab: ${d.id} kept its default PSP: ${d.psp} is not loaded`);
    else host.nmp.setDevicePsp(device, d.psp, d.pspConfig);
    for (const p of device.paths) p.preferred = p.name === d.preferred;
  }
  for (const name of state.disabledPaths) {
    const path = host.psa.path(name);
    if (path) host.psa.setPathEnabled(path, false);
  }
  host.settle();
}

/** Checks what only the host it goes on can tell (a state checked by checkState); throws LabStateError. */
export function checkStateFor(host: Host, state: LabState): void {
  const fail = (what: string): never => {
    throw new LabStateError(`not a PathLab lab: ${what}`);
  };
  const vvolSerial = (name: string) => {
    const array = host.array(name);
    return array?.config.vasa ? array.config.serial : undefined;
  };
  if (state.vvols) checkVvolKeys(state.vvols, vvolSerial, fail);
}

/** Checks that an untrusted value is a lab state this version can restore; throws LabStateError. */
export function checkState(value: unknown): LabState {
  const fail = (what: string): never => {
    throw new LabStateError(`not a PathLab lab: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected an object');
  const v = value as Record<string, unknown>;
  // "missing", not JSON.stringify's "undefined", for a field that is not there.
  const shown = (x: unknown) => (x === undefined ? 'missing' : JSON.stringify(x));
  if (v.format !== LAB_FORMAT) fail(`format is ${shown(v.format)}, expected "${LAB_FORMAT}"`);
  if (v.version !== LAB_VERSION) fail(`version ${shown(v.version)} is not supported (this PathLab reads version ${LAB_VERSION})`);
  if (typeof v.scenario !== 'string') fail('scenario must be a name');
  const isArray = (x: unknown, what: string) => Array.isArray(x) || fail(`${what} must be a list`);
  const rules = v.claimRules as Record<string, unknown> | undefined;
  if (typeof rules !== 'object' || rules === null) fail('claimRules missing');
  isArray(rules!.file, 'claimRules.file');
  isArray(rules!.runtime, 'claimRules.runtime');
  for (const r of [...(rules!.file as unknown[]), ...(rules!.runtime as unknown[])]) {
    const rule = r as Record<string, unknown>;
    if (typeof rule !== 'object' || rule === null || !Number.isInteger(rule.rule) || typeof rule.plugin !== 'string' || typeof rule.type !== 'string') {
      fail(`a claim rule is malformed: ${JSON.stringify(r)}`);
    }
  }
  isArray(v.satpRules, 'satpRules');
  if (typeof v.satpDefaultPsp !== 'object' || v.satpDefaultPsp === null) fail('satpDefaultPsp missing');
  isArray(v.devices, 'devices');
  isArray(v.disabledPaths, 'disabledPaths');
  const faults = v.faults as Record<string, unknown> | undefined;
  if (typeof faults !== 'object' || faults === null) fail('faults missing');
  for (const key of ['adapters', 'fabrics', 'arrays']) isArray(faults![key], `faults.${key}`);
  checkEntries(v, fail);
  isArray(v.consoleHistory, 'consoleHistory');
  if ((v.consoleHistory as unknown[]).some((line) => typeof line !== 'string')) fail('consoleHistory must be lines of text');
  if (typeof v.lessons !== 'object' || v.lessons === null) fail('lessons missing');
  if (v.openLesson !== undefined && v.openLesson !== null && typeof v.openLesson !== 'string') fail('openLesson must be a lesson id or null');
  if (v.plugins !== undefined) {
    const plugins = v.plugins as Record<string, unknown>;
    if (typeof plugins !== 'object' || plugins === null) fail('plugins must be an object');
    isArray(plugins.files, 'plugins.files');
    isArray(plugins.loaded, 'plugins.loaded');
    for (const f of plugins.files as unknown[]) {
      const file = f as Record<string, unknown>;
      if (typeof file !== 'object' || file === null || typeof file.name !== 'string' || typeof file.source !== 'string') fail('a plugin file needs a name and a source');
    }
    if ((plugins.loaded as unknown[]).some((n) => typeof n !== 'string')) fail('plugins.loaded must be file names');
    const names = new Set((plugins.files as { name: string }[]).map((f) => f.name));
    const missing = (plugins.loaded as string[]).filter((n) => !names.has(n));
    if (missing.length > 0) fail(`plugins.loaded names files the lab does not have: ${missing.join(', ')}`);
  }
  if (v.vvols !== undefined) checkVvols(v.vvols, fail);
  return value as LabState;
}
