// The vVol world as the lab saves it (the `vvols` section of a lab state): the learner's storage
// policies, the VMs, every vVol with the block-store key its blocks live under, the bindings, and
// the providers' counters. Restored after the rescan that finds the protocol endpoints, a reload
// gives back the same VMs, the same ids, the same bytes, and the same ids for what comes next.
//
// State is captured after every console line; with ten thousand vVols the section is rebuilt only
// when the daemon's change counter moved since the last capture.

import type { Provisioning } from '../arrays/config';
import type { Requirements, VvolType } from './capabilities';
import { DEFAULT_POLICY } from './policy';
import { VVOL_UNIT_BASE } from './vasa-array';
import type { RestoredVvol } from './vasa-provider';
import { VvolVm } from './vm';
import type { VirtualVolume } from './vvol';
import { HOST_ID, type VvolDaemon } from './vvold';

export interface SavedPolicy {
  name: string;
  rules: Requirements;
  version: number;
}

export interface SavedProvider {
  name: string;
  /** Numbers drawn from the provider's seeded id generator. */
  draws: number;
  /** Scheduled snapshots taken (their names count up). */
  scheduled: number;
  /** Subsidiary LUs made on each array (the next LU number and block-store key count on). */
  arrays: { name: string; units: number }[];
}

export interface SavedVvol {
  id: string;
  type: VvolType;
  name: string;
  sizeBytes: number;
  /** Bytes of its container's capacity it holds. */
  chargeBytes: number;
  container: string;
  array: string;
  provisioning: Provisioning;
  /** Its subsidiary LU's number on the array. */
  lun: number;
  /** Where its blocks are in the block store. */
  key: string;
  /** Written extents as runs: first extent, count, first extent, count... */
  extents: number[];
  vm?: string;
  disk?: number;
  /** The vVol it is a snapshot of (saved earlier in the list). */
  snapshotOf?: string;
  createdUs: number;
  applied: Requirements;
  appliedPolicy: string;
  appliedVersion: number;
  /** Bound for this host: the PE's id and the secondary id. */
  binding?: { pe: string; secondaryId: number };
}

export interface SavedVm {
  name: string;
  container: string;
  policy: string;
  overrides: Requirements;
  memoryBytes: number;
  reservationBytes: number;
  powered: boolean;
  /** vVol ids: the config vVol, the data vVols by disk, the swap vVol (running), memory vVols. */
  config: string;
  disks: string[];
  swap?: string;
  memory: string[];
  snapshotsTaken: number;
}

export interface VvolsState {
  policies: SavedPolicy[];
  providers: SavedProvider[];
  /** Every vVol, in creation order. */
  vvols: SavedVvol[];
  vms: SavedVm[];
}

const captured = new WeakMap<VvolDaemon, { revision: number; state: VvolsState }>();

/** The daemon's vVol world; the previous capture again when nothing changed since. */
export function captureVvols(d: VvolDaemon): VvolsState {
  const last = captured.get(d);
  if (last && last.revision === d.revision) return last.state;
  const state = buildVvols(d);
  captured.set(d, { revision: d.revision, state });
  return state;
}

/** The daemon's vVol world, built afresh. */
export function buildVvols(d: VvolDaemon): VvolsState {
  return {
    policies: d.policies.userPolicies.map((p) => ({ name: p.name, rules: { ...p.rules }, version: p.version })),
    providers: d.providers.map((p) => ({ name: p.name, ...p.counters, arrays: p.arrays.map((a) => ({ name: a.name, units: a.units })) })),
    vvols: d.allVvols.map(saveVvol),
    vms: [...d.vms.values()].map((vm) => ({
      name: vm.name,
      container: vm.container.name,
      policy: vm.policy.name,
      overrides: { ...vm.overrides },
      memoryBytes: vm.memoryBytes,
      reservationBytes: vm.reservationBytes,
      powered: vm.powered,
      config: vm.config.id,
      disks: vm.disks.map((v) => v.id),
      ...(vm.swap ? { swap: vm.swap.id } : {}),
      memory: vm.memory.map((v) => v.id),
      snapshotsTaken: vm.snapshotsTaken,
    })),
  };
}

function saveVvol(v: VirtualVolume): SavedVvol {
  const binding = v.bindings.get(HOST_ID);
  return {
    id: v.id,
    type: v.type,
    name: v.name,
    sizeBytes: v.sizeBytes,
    chargeBytes: v.chargeBytes,
    container: v.container.name,
    array: v.array.name,
    provisioning: v.provisioning,
    lun: v.unit.number,
    key: v.volume.key,
    extents: runs(v.volume.extents),
    ...(v.vm !== undefined ? { vm: v.vm } : {}),
    ...(v.disk !== undefined ? { disk: v.disk } : {}),
    ...(v.snapshotOf ? { snapshotOf: v.snapshotOf.id } : {}),
    createdUs: v.createdUs,
    applied: { ...v.applied },
    appliedPolicy: v.appliedPolicy,
    appliedVersion: v.appliedVersion,
    ...(binding ? { binding: { pe: binding.pe.id, secondaryId: binding.secondaryId } } : {}),
  };
}

/** Extent indexes as runs [first, count, ...]: a sequential fill of 16 GiB is two numbers. */
function runs(extents: ReadonlySet<number>): number[] {
  const sorted = [...extents].sort((a, b) => a - b);
  const out: number[] = [];
  for (const e of sorted) {
    if (out.length > 0 && out[out.length - 2] + out[out.length - 1] === e) out[out.length - 1]++;
    else out.push(e, 1);
  }
  return out;
}

function* extentsOf(runs: number[]): Generator<number> {
  for (let i = 0; i < runs.length; i += 2) for (let e = runs[i]; e < runs[i] + runs[i + 1]; e++) yield e;
}

/**
 * Puts a saved vVol world (checked by checkVvols) into a fresh host's daemon, after the rescan
 * found the PE devices. What the scenario no longer has (a container, an array, a PE) is skipped
 * with a line in the host's log, as the rest of the lab state does; nothing here throws.
 */
export function restoreVvols(d: VvolDaemon, state: VvolsState, log: (line: string) => void): void {
  for (const p of state.policies) if (!d.policies.get(p.name)) d.policies.restore(p.name, p.rules, p.version);
  for (const saved of state.providers) {
    const provider = d.providers.find((p) => p.name === saved.name);
    if (!provider) continue;
    provider.restoreCounters(saved);
    for (const a of saved.arrays) {
      const array = provider.arrays.find((x) => x.name === a.name);
      if (array) array.units = Math.max(array.units, a.units);
    }
  }
  const byId = new Map<string, VirtualVolume>();
  for (const saved of state.vvols) {
    const v = restoreVvol(d, saved, byId, log);
    if (v) byId.set(v.id, v);
  }
  for (const saved of state.vms) {
    const config = byId.get(saved.config);
    const disks = saved.disks.map((id) => byId.get(id));
    const policy = d.policies.get(saved.policy) ?? d.policies.require(DEFAULT_POLICY);
    const gone = !config || disks.some((v) => v === undefined);
    if (gone || d.host.vm(saved.name)) {
      log(`lab: vVol VM ${saved.name} was not restored: ${gone ? 'its vVols are gone' : 'a VM of the scenario has its name'}`);
      continue;
    }
    const vm = new VvolVm(saved.name, config!.container, policy, { ...saved.overrides }, saved.memoryBytes, saved.reservationBytes, config!, disks as VirtualVolume[]);
    vm.powered = saved.powered;
    vm.swap = saved.swap !== undefined ? byId.get(saved.swap) : undefined;
    for (const id of saved.memory) {
      const m = byId.get(id);
      if (m) vm.memory.push(m);
    }
    vm.snapshotsTaken = saved.snapshotsTaken;
    if (vm.powered) rebindMissing(d, vm, log);
    d.adopt(vm);
  }
}

function restoreVvol(d: VvolDaemon, saved: SavedVvol, byId: Map<string, VirtualVolume>, log: (line: string) => void): VirtualVolume | undefined {
  const container = d.containers.find((c) => c.name === saved.container);
  const array = container?.arrays.find((a) => a.name === saved.array);
  const parent = saved.snapshotOf !== undefined ? byId.get(saved.snapshotOf) : undefined;
  if (!container || !array || (saved.snapshotOf !== undefined && !parent)) {
    log(`lab: vVol ${saved.id} (${saved.name}) was not restored: ${!container ? `no storage container ${saved.container}` : !array ? `no array ${saved.array} in ${saved.container}` : 'the vVol it is a snapshot of is gone'}`);
    return undefined;
  }
  // Its blocks are under the key its array gives its LU: a saved key that differs was not made by
  // this scenario's array (a lab import refuses it, see checkVvolKeys), and could be the key of a
  // vVol the array makes next.
  if (saved.key !== array.unitKey(saved.lun)) {
    log(`lab: vVol ${saved.id} (${saved.name}) was not restored: its block-store key ${saved.key} is not ${array.unitKey(saved.lun)}, the one array ${array.name} gives LU ${saved.lun}`);
    return undefined;
  }
  const provider = d.providerOf(container);
  const r: RestoredVvol = { ...saved, container, array, extents: extentsOf(saved.extents), snapshotOf: parent };
  const v = provider.restore(r);
  array.units = Math.max(array.units, saved.lun - VVOL_UNIT_BASE);
  if (saved.binding) {
    const pe = array.pes.find((p) => p.id === saved.binding!.pe);
    if (!pe || !provider.rebind(v, pe, saved.binding.secondaryId, HOST_ID, d.initiators)) {
      log(`lab: vVol ${v.id} (${v.name}) could not be bound again at ${saved.binding.pe} #${saved.binding.secondaryId}`);
    }
  }
  return v;
}

/**
 * Adds to every vVol's written extents those the block store holds under its key. The saved list
 * misses writes made after the last save (a background fio while time played): they are stored,
 * acknowledged, and read back, so a snapshot or clone, which copies the listed extents only, must
 * copy them too. Runs once the saved world is restored, before anything else can write.
 */
export async function adoptStoredExtents(d: VvolDaemon): Promise<void> {
  const stored = await d.host.store.storedExtents('vvol.');
  for (const v of d.allVvols) {
    const extents = stored.get(v.volume.key);
    if (extents) v.volume.restoreExtents(extents);
  }
}

/** A running VM whose vVols could not all be bound at their saved secondary ids: bound anew, and said so. */
function rebindMissing(d: VvolDaemon, vm: VvolVm, log: (line: string) => void): void {
  for (const v of vm.running) {
    if (v.bound) continue;
    try {
      const b = d.bind(v);
      log(`lab: ${vm.name}'s vVol ${v.name} is bound at a new secondary id: ${b.text}`);
    } catch (e) {
      log(`lab: ${vm.name} is powered off: ${(e as Error).message}`);
      const provider = d.providerOf(vm.container);
      for (const r of vm.running) if (r.bound) provider.unbind(r, HOST_ID);
      if (vm.swap) provider.delete(vm.swap);
      vm.swap = undefined;
      vm.powered = false;
      return;
    }
  }
}
