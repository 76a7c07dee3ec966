// Checks a lab state's `vvols` section as untrusted input (a lab file someone hands the learner):
// every field's type and range, and every reference inside the section (a VM's vVols, a
// snapshot's parent, a binding's secondary id), so restoreVvols never meets a broken world. The
// first fault found is reported with the field's path: "vvols.vms[0].disks[1] names no vVol".

import { EXTENT_SIZE } from '../blockstore/block-store';
import { MAX_SECONDARY_ID } from '../arrays/vvol-conglomerate';
import { CAPABILITIES, isCapability, parseValue } from './capabilities';
import { DEFAULT_POLICY } from './policy';
import { VVOL_UNIT_BASE, vvolKeyPrefix } from './vasa-array';
import type { VvolsState } from './vvol-state';
import { MAX_DISKS } from './vvold';

type Fail = (what: string) => never;
type Obj = Record<string, unknown>;

const VVOL_TYPES = ['config', 'data', 'swap', 'memory'];
const NAME = /^[A-Za-z0-9][\w.-]{0,62}$/;
const MAX_BYTES = 64 * 1024 ** 4;
/** Subsidiary LUs an array makes in a lab's life: far more than a lab makes, few enough to keep LU numbers sane. */
const MAX_UNITS = 2 ** 24;
/**
 * Written extents in all (32 GiB). Each vVol's runs lie inside its size, but a few bytes of runs can
 * name a 64 TiB vVol's every extent, and restoring expands them one by one: this keeps that cheap
 * (a million numbers). A session writes at most its 4 GiB wasm arena, so a lab reaches this only
 * over many sessions of filling disks, far beyond what a lesson asks.
 */
const MAX_WRITTEN_EXTENTS = 2 ** 20;
/** A vVol's block-store key: "vvol.", its array's serial in hex, ".", its LU number. */
const VVOL_KEY = /^vvol\.([0-9a-f]{1,9})\.(\d{1,16})$/;

/**
 * Checks a `vvols` section (checked by checkVvols) against the host it will be restored on: every
 * vVol on an array of the host has the key that array gives its LU. `serialOf` gives a vVol
 * array's serial by name (undefined: no such array here, and restoring skips its vVols).
 */
export function checkVvolKeys(state: VvolsState, serialOf: (array: string) => number | undefined, fail: Fail): void {
  state.vvols.forEach((v, i) => {
    const serial = serialOf(v.array);
    if (serial === undefined) return;
    const key = `${vvolKeyPrefix(serial)}.${v.lun}`;
    if (v.key !== key) fail(`vvols.vvols[${i}].key "${v.key}" is not the block-store key array ${v.array} gives its LU ${v.lun} ("${key}")`);
  });
}

/** Checks `value` as a `vvols` section; `fail` throws the lab's error with the message. */
export function checkVvols(value: unknown, fail: Fail): VvolsState {
  const s = object(value, 'vvols', fail);
  const policies = list(s.policies, 'vvols.policies', fail).map((p, i) => {
    const at = `vvols.policies[${i}]`;
    const o = object(p, at, fail);
    const name = text(o.name, `${at}.name`, fail);
    if (name === DEFAULT_POLICY || !/^[\w .-]{1,64}$/.test(name) || name.trim() !== name) fail(`${at}.name "${name}" is not a policy name the lab can keep`);
    rules(o.rules, `${at}.rules`, fail);
    count(o.version, `${at}.version`, fail, 1);
    return name;
  });
  unique(policies, 'vvols.policies: policy', fail);
  list(s.providers, 'vvols.providers', fail).forEach((p, i) => {
    const at = `vvols.providers[${i}]`;
    const o = object(p, at, fail);
    text(o.name, `${at}.name`, fail);
    count(o.draws, `${at}.draws`, fail);
    count(o.scheduled, `${at}.scheduled`, fail);
    list(o.arrays, `${at}.arrays`, fail).forEach((a, j) => {
      const ao = object(a, `${at}.arrays[${j}]`, fail);
      text(ao.name, `${at}.arrays[${j}].name`, fail);
      if (count(ao.units, `${at}.arrays[${j}].units`, fail) > MAX_UNITS) fail(`${at}.arrays[${j}].units is more than ${MAX_UNITS}`);
    });
  });
  const types = new Map<string, { type: string; vm: unknown; container: unknown; snapshot: boolean }>();
  const luns = new Set<string>();
  const keys = new Set<string>();
  const bound = new Set<string>();
  const serials = new Map<string, string>();
  let written = 0;
  list(s.vvols, 'vvols.vvols', fail).forEach((v, i) => {
    const at = `vvols.vvols[${i}]`;
    const o = object(v, at, fail);
    const id = text(o.id, `${at}.id`, fail);
    if (types.has(id)) fail(`${at}.id ${id} is there twice`);
    if (!VVOL_TYPES.includes(o.type as string)) fail(`${at}.type must be one of ${VVOL_TYPES.join(', ')}`);
    text(o.name, `${at}.name`, fail);
    // Not always whole blocks: a swap vVol is memory minus a reservation of any bytes.
    const size = count(o.sizeBytes, `${at}.sizeBytes`, fail, 1);
    if (size > MAX_BYTES) fail(`${at}.sizeBytes is more than 64 TiB`);
    const charge = count(o.chargeBytes, `${at}.chargeBytes`, fail);
    if (charge > MAX_BYTES) fail(`${at}.chargeBytes is more than 64 TiB`);
    const container = text(o.container, `${at}.container`, fail);
    const array = text(o.array, `${at}.array`, fail);
    if (o.provisioning !== 'thin' && o.provisioning !== 'thick') fail(`${at}.provisioning must be thin or thick`);
    const lun = count(o.lun, `${at}.lun`, fail, VVOL_UNIT_BASE + 1);
    if (lun > VVOL_UNIT_BASE + MAX_UNITS) fail(`${at}.lun must be ${VVOL_UNIT_BASE + 1}..${VVOL_UNIT_BASE + MAX_UNITS}`);
    if (luns.has(`${array}/${lun}`)) fail(`${at}.lun ${lun} of array ${array} is there twice`);
    luns.add(`${array}/${lun}`);
    const key = text(o.key, `${at}.key`, fail);
    // The key its array gives LU `lun`: any other could be the key of a vVol the array makes next.
    const parts = VVOL_KEY.exec(key);
    if (!parts || Number(parts[2]) !== lun) fail(`${at}.key "${key}" is not the block-store key of LU ${lun} ("vvol.<array serial>.${lun}")`);
    if ((serials.get(array) ?? parts![1]) !== parts![1]) fail(`${at}.key "${key}" names another serial than the other vVols of array ${array}`);
    serials.set(array, parts![1]);
    if (keys.has(key)) fail(`${at}.key "${key}" is there twice`);
    keys.add(key);
    written += extents(o.extents, size, `${at}.extents`, fail);
    if (written > MAX_WRITTEN_EXTENTS) fail(`${at}.extents: the vVols hold more than ${MAX_WRITTEN_EXTENTS} written extents in all`);
    if (o.vm !== undefined) text(o.vm, `${at}.vm`, fail);
    if (o.disk !== undefined && count(o.disk, `${at}.disk`, fail) >= MAX_DISKS) fail(`${at}.disk must be 0..${MAX_DISKS - 1}`);
    if (o.snapshotOf !== undefined) {
      const parent = types.get(text(o.snapshotOf, `${at}.snapshotOf`, fail));
      if (!parent || parent.type !== o.type) fail(`${at}.snapshotOf must name a ${o.type as string} vVol listed before it`);
    }
    if (typeof o.createdUs !== 'number' || !Number.isFinite(o.createdUs) || o.createdUs < 0) fail(`${at}.createdUs must be a time, µs`);
    rules(o.applied, `${at}.applied`, fail);
    text(o.appliedPolicy, `${at}.appliedPolicy`, fail, true);
    count(o.appliedVersion, `${at}.appliedVersion`, fail);
    if (o.binding !== undefined) {
      const b = object(o.binding, `${at}.binding`, fail);
      const pe = text(b.pe, `${at}.binding.pe`, fail);
      const sid = count(b.secondaryId, `${at}.binding.secondaryId`, fail, 1);
      if (sid > MAX_SECONDARY_ID) fail(`${at}.binding.secondaryId must be 1..${MAX_SECONDARY_ID}`);
      if (bound.has(`${pe}#${sid}`)) fail(`${at}.binding: secondary id ${sid} of ${pe} is bound twice`);
      bound.add(`${pe}#${sid}`);
    }
    types.set(id, { type: o.type as string, vm: o.vm, container, snapshot: o.snapshotOf !== undefined });
  });
  const owned = new Set<string>();
  const vms = list(s.vms, 'vvols.vms', fail).map((v, i) => {
    const at = `vvols.vms[${i}]`;
    const o = object(v, at, fail);
    const name = text(o.name, `${at}.name`, fail);
    if (!NAME.test(name)) fail(`${at}.name "${name}" is not a VM name`);
    const container = text(o.container, `${at}.container`, fail);
    const policy = text(o.policy, `${at}.policy`, fail);
    if (policy !== DEFAULT_POLICY && !policies.includes(policy)) fail(`${at}.policy "${policy}" is not among vvols.policies`);
    rules(o.overrides, `${at}.overrides`, fail);
    const memory = count(o.memoryBytes, `${at}.memoryBytes`, fail, 1);
    if (count(o.reservationBytes, `${at}.reservationBytes`, fail) > memory) fail(`${at}.reservationBytes is more than its memory`);
    if (typeof o.powered !== 'boolean') fail(`${at}.powered must be true or false`);
    count(o.snapshotsTaken, `${at}.snapshotsTaken`, fail);
    const member = (id: unknown, where: string, type: string) => {
      const saved = types.get(text(id, where, fail));
      if (!saved) fail(`${where} names no vVol of vvols.vvols`);
      if (saved!.type !== type || saved!.snapshot || saved!.vm !== name || saved!.container !== container) fail(`${where} must name a ${type} vVol of ${name} in ${container}`);
      if (owned.has(id as string)) fail(`${where}: vVol ${id as string} belongs to another VM or role`);
      owned.add(id as string);
    };
    member(o.config, `${at}.config`, 'config');
    const disks = list(o.disks, `${at}.disks`, fail);
    if (disks.length < 1 || disks.length > MAX_DISKS) fail(`${at}.disks must list 1 to ${MAX_DISKS} vVols`);
    disks.forEach((id, j) => member(id, `${at}.disks[${j}]`, 'data'));
    if (o.swap !== undefined) {
      if (o.powered !== true) fail(`${at}.swap: a powered-off VM has no swap vVol`);
      member(o.swap, `${at}.swap`, 'swap');
    }
    list(o.memory, `${at}.memory`, fail).forEach((id, j) => member(id, `${at}.memory[${j}]`, 'memory'));
    return name;
  });
  unique(vms, 'vvols.vms: VM', fail);
  return value as VvolsState;
}

function object(value: unknown, at: string, fail: Fail): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${at} must be an object`);
  return value as Obj;
}

function list(value: unknown, at: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) fail(`${at} must be a list`);
  return value as unknown[];
}

function text(value: unknown, at: string, fail: Fail, mayBeEmpty = false): string {
  if (typeof value !== 'string' || (!mayBeEmpty && value === '') || value.length > 256) fail(`${at} must be a name`);
  return value as string;
}

function count(value: unknown, at: string, fail: Fail, min = 0): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) fail(`${at} must be a whole number, at least ${min}`);
  return value as number;
}

function unique(names: string[], what: string, fail: Fail): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) fail(`${what} "${n}" is there twice`);
    seen.add(n);
  }
}

/** Capability rules: known names, values of the capability's kind and range. */
function rules(value: unknown, at: string, fail: Fail): void {
  for (const [name, v] of Object.entries(object(value, at, fail))) {
    if (!isCapability(name)) fail(`${at}.${name} is not a capability`);
    const kind = CAPABILITIES[name as keyof typeof CAPABILITIES].kind;
    const typed = kind === 'bool' ? typeof v === 'boolean' : kind === 'int' ? typeof v === 'number' : typeof v === 'string';
    let valid = typed;
    try {
      valid &&= parseValue(name as keyof typeof CAPABILITIES, String(v)) === v;
    } catch {
      valid = false;
    }
    if (!valid) fail(`${at}.${name}: ${JSON.stringify(v)} is not a value of ${name}`);
  }
}

/** Runs of written extents [first, count, ...]: ascending, apart, inside the vVol. Returns how many. */
function extents(value: unknown, sizeBytes: number, at: string, fail: Fail): number {
  const runs = list(value, at, fail);
  if (runs.length % 2 !== 0) fail(`${at} must be pairs of first extent and count`);
  const last = Math.ceil(sizeBytes / EXTENT_SIZE);
  let end = -1;
  let total = 0;
  for (let i = 0; i < runs.length; i += 2) {
    const first = count(runs[i], `${at}[${i}]`, fail);
    const n = count(runs[i + 1], `${at}[${i + 1}]`, fail, 1);
    if (first <= end || first + n > last) fail(`${at}: the run at ${first} overlaps another or lies past the vVol's end`);
    end = first + n - 1;
    total += n;
  }
  return total;
}
