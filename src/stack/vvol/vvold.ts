// The host's side of vVols (ESXi's vvold, with the parts of vCenter and SPBM a lab needs): it knows
// the VASA providers, the storage containers and the storage policies, runs the VM lifecycle, and
// binds and unbinds vVols through the protocol endpoints this host can reach: SCSI PEs are
// devices found by discovery (INQUIRY LU_CONG), NFS PEs are mounts.
//
// Power-on binds the VM's config and data vVols and a new swap vVol; power-off unbinds them and
// deletes the swap. While bound, each vVol is reachable at PE:secondary id; I/O goes down the PE
// device's paths (NMP, its PSP) carrying the secondary id, and the array demultiplexes it.

import type { Provisioning } from '../arrays/config';
import type { StorageArray } from '../arrays/storage-array';
import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import { runningWorkloads } from '../sim/workload-host';
import type { Requirements } from './capabilities';
import { complianceOf, rulesFor, type Compliance } from './compliance';
import { mib, type StorageContainer } from './container';
import { NfsMount } from './nfs-mount';
import { checkOverrides, DEFAULT_POLICY, effectiveRules, PolicyCatalog, type StoragePolicy } from './policy';
import type { Binding, ProtocolEndpoint } from './protocol-endpoint';
import { VasaProvider, type NewVvol } from './vasa-provider';
import { CONFIG_VVOL_BYTES, VvolVm } from './vm';
import type { VirtualVolume } from './vvol';

const GiB = 1024 ** 3;
/** Disks a lab VM may have (a SCSI controller's 15, and one more). */
export const MAX_DISKS = 16;
/** The host's name in bindings and listings. */
export const HOST_ID = 'esxi01.pathlab.local';

export interface VmSpec {
  name: string;
  container: string;
  /** Default: vSphere's "VVol No Requirements Policy". */
  policy?: string;
  /** Disk sizes in bytes; default one 16 GiB disk. */
  disks?: number[];
  /** Default 4 GiB. */
  memoryBytes?: number;
  /** Memory reservation: the swap vVol is memory minus reservation. Default 0. */
  reservationBytes?: number;
  overrides?: Requirements;
}

/** Where fio sends a vVol VM disk's I/O: the PE device, with the vVol's secondary id. */
export interface VvolIoTarget {
  vvol: VirtualVolume;
  binding: Binding;
  device: LogicalDevice;
  secondaryId: number;
  capacityBytes: number;
  world: string;
}

export class VvolDaemon {
  readonly providers: VasaProvider[] = [];
  /** Counts every change to what the lab saves of vVols, so the lab re-captures them only after one. */
  revision = 0;
  private readonly changed = (): void => {
    this.revision++;
  };
  readonly policies = new PolicyCatalog(this.changed);
  readonly vms = new Map<string, VvolVm>();
  /** NFS protocol endpoints, mounted. */
  readonly mounts = new Map<ProtocolEndpoint, NfsMount>();
  /** The host's initiator ports (adapter WWPNs) and NFS client: who the bindings let in. */
  readonly initiators: ReadonlySet<string>;
  readonly nfsClient = `nfs-client:${HOST_ID}`;
  /** PE devices the VMs hold open (a running VM pins its PE's device). */
  private readonly opened = new Map<VvolVm, LogicalDevice[]>();

  constructor(readonly host: Host) {
    const byProvider = new Map<string, StorageArray[]>();
    for (const array of host.arrays) {
      const vasa = array.config.vasa;
      if (!vasa) continue;
      const list = byProvider.get(vasa.provider) ?? [];
      list.push(array);
      byProvider.set(vasa.provider, list);
    }
    for (const [name, arrays] of byProvider) {
      this.providers.push(
        new VasaProvider(name, arrays, {
          clock: host.clock, arena: host.arena, store: host.store, seed: host.seed, log: (line) => host.log(line), changed: this.changed,
        }),
      );
    }
    this.initiators = new Set([...host.adapters.map((a) => a.wwpn || a.name), this.nfsClient]);
    for (const p of this.providers) for (const a of p.arrays) for (const pe of a.pes) if (pe.kind === 'nfs') this.mounts.set(pe, new NfsMount(host, pe, this.nfsClient));
  }

  private log(line: string): void {
    this.host.log(`vvold: ${line}`);
  }

  // ---- lookups ----

  get containers(): StorageContainer[] {
    return this.providers.flatMap((p) => p.containers);
  }

  container(name: string): StorageContainer {
    const c = this.containers.find((x) => x.name === name);
    if (!c) {
      const names = this.containers.map((x) => x.name);
      throw new Error(`no storage container named "${name}" (${names.length > 0 ? `containers: ${names.join(', ')}` : 'no array of this scenario has vVols'})`);
    }
    return c;
  }

  providerOf(container: StorageContainer): VasaProvider {
    return this.providers.find((p) => p.containers.includes(container))!;
  }

  vm(name: string): VvolVm {
    const vm = this.vms.get(name);
    if (!vm) throw new Error(`no vVol VM named "${name}"${this.vms.size > 0 ? ` (vVol VMs: ${[...this.vms.keys()].join(', ')})` : ''}`);
    return vm;
  }

  /** A vVol by id, or by name when the name is unique. */
  vvol(idOrName: string): VirtualVolume {
    for (const p of this.providers) {
      const v = p.vvols.get(idOrName);
      if (v) return v;
    }
    const named: VirtualVolume[] = [];
    for (const p of this.providers) for (const v of p.vvols.values()) if (v.name === idOrName) named.push(v);
    if (named.length === 1) return named[0];
    if (named.length > 1) throw new Error(`${named.length} vVols are named "${idOrName}": give the id (${named.map((v) => v.id).join(', ')})`);
    throw new Error(`no vVol with id or name "${idOrName}"`);
  }

  get allVvols(): VirtualVolume[] {
    return this.providers.flatMap((p) => [...p.vvols.values()]);
  }

  /** The VM a vVol belongs to, if any. */
  owner(vvol: VirtualVolume): VvolVm | undefined {
    return vvol.vm === undefined ? undefined : this.vms.get(vvol.vm);
  }

  // ---- protocol endpoints from the host's side ----

  /** The device discovery made of a SCSI PE (its LU answered INQUIRY with LU_CONG). */
  peDevice(pe: ProtocolEndpoint): LogicalDevice | undefined {
    if (pe.kind !== 'scsi') return undefined;
    const direct = this.host.psa.devices.get(pe.alu.naaId);
    if (direct) return direct;
    const path = this.host.psa.paths.find((p) => p.array === pe.array.array && p.lun === pe.aluNumber && p.owner !== undefined);
    return path ? this.host.psa.devices.get(path.identity.deviceId) : undefined;
  }

  /** The host can reach the PE now: a SCSI PE's device is on with a usable path; an NFS mount is up. */
  accessible(pe: ProtocolEndpoint): boolean {
    if (pe.kind === 'nfs') return (this.mounts.get(pe)?.up ?? false) && pe.array.array.up;
    const device = this.peDevice(pe);
    return device !== undefined && device.status === 'on' && device.paths.some((p) => p.state === 'active');
  }

  /** The device I/O to a binding goes to: the SCSI PE's device, or the NFS mount's. */
  deviceOf(binding: Binding): LogicalDevice | undefined {
    return binding.pe.kind === 'nfs' ? this.mounts.get(binding.pe)?.device : this.peDevice(binding.pe);
  }

  // ---- policies ----

  /** VMs (by name) that use a policy. */
  usersOf(policy: StoragePolicy): string[] {
    return [...this.vms.values()].filter((v) => v.policy === policy).map((v) => v.name);
  }

  // ---- standalone vVols (the model API; scale tests) ----

  /** Makes one data vVol in a container, owned by no VM, with no rules. */
  createVvol(spec: { container: string; sizeBytes: number; name?: string; provisioning?: Provisioning }): VirtualVolume {
    const container = this.container(spec.container);
    const size = checkSize(spec.sizeBytes, 'vVol size');
    const provider = this.providerOf(container);
    const provisioning = spec.provisioning ?? container.profile.provisioning[0];
    if (!container.profile.provisioning.includes(provisioning)) throw new Error(`storage container ${container.name} offers ${container.profile.provisioning.join('/')} vVols, not ${provisioning}`);
    const [vvol] = provider.create(
      [{ container, array: container.placement(), type: 'data', name: spec.name ?? `vvol-${container.vvols.size + 1}`, sizeBytes: size, provisioning }],
      `a ${mib(size)} MB vVol`,
    );
    provider.apply([vvol], () => ({}), DEFAULT_POLICY, 1);
    return vvol;
  }

  /** Binds one vVol for this host (what power-on does for each of a VM's vVols). */
  bind(vvol: VirtualVolume): Binding {
    const existing = vvol.bindings.get(HOST_ID);
    if (existing) return existing;
    if (vvol.isSnapshot) throw new Error(`vVol ${vvol.id} is a snapshot: snapshots are not bound for I/O`);
    const [binding] = this.providerOf(vvol.container).bind([vvol], HOST_ID, this.initiators, (pe) => this.accessible(pe));
    this.log(`bound vVol ${vvol.id} (${vvol.name}) at ${binding.text}`);
    return binding;
  }

  unbind(vvol: VirtualVolume): void {
    const owner = this.owner(vvol);
    if (owner?.powered && owner.running.includes(vvol)) this.checkNoIo(owner, 'unbind its vVols');
    const binding = this.providerOf(vvol.container).unbind(vvol, HOST_ID);
    if (!binding) throw new Error(`vVol ${vvol.id} (${vvol.name}) is not bound for ${HOST_ID}`);
    this.log(`unbound vVol ${vvol.id} (${vvol.name}) from ${binding.text}`);
  }

  deleteVvol(vvol: VirtualVolume): void {
    const owner = this.owner(vvol);
    if (owner && (vvol === owner.config || owner.disks.includes(vvol))) {
      throw new Error(`vVol ${vvol.id} is ${owner.name}'s ${vvol.type} vVol: delete the VM (vvol vm delete ${owner.name})`);
    }
    this.providerOf(vvol.container).delete(vvol);
    if (owner) {
      const m = owner.memory.indexOf(vvol);
      if (m >= 0) owner.memory.splice(m, 1);
      if (owner.swap === vvol) owner.swap = undefined;
    }
    this.changed();
    this.log(`deleted vVol ${vvol.id} (${vvol.name})`);
  }

  // ---- the VM lifecycle ----

  createVm(spec: VmSpec): VvolVm {
    const name = spec.name;
    if (!/^[A-Za-z0-9][\w.-]{0,62}$/.test(name)) throw new Error(`VM name "${name}": use 1 to 63 letters, digits, dots, dashes or underscores`);
    if (this.vms.has(name) || this.host.vm(name)) throw new Error(`a VM named "${name}" already exists`);
    const container = this.container(spec.container);
    const policy = this.policies.require(spec.policy ?? DEFAULT_POLICY);
    const overrides = { ...(spec.overrides ?? {}) };
    checkOverrides(policy, overrides);
    const disks = (spec.disks ?? [16 * GiB]).map((b, i) => checkSize(b, `disk ${i} size`));
    if (disks.length < 1 || disks.length > MAX_DISKS) throw new Error(`a VM has 1 to ${MAX_DISKS} disks, not ${disks.length}`);
    const memory = checkSize(spec.memoryBytes ?? 4 * GiB, 'memory');
    const reservation = spec.reservationBytes ?? 0;
    if (!Number.isSafeInteger(reservation) || reservation < 0 || reservation > memory) throw new Error(`memory reservation must be 0..${memory} bytes (the VM's memory), not ${reservation}`);
    const rules = effectiveRules(policy, overrides);
    const refusals = container.profile.refusals(rules);
    if (refusals.length > 0) throw new Error(`storage container ${container.name} is not compatible with policy "${policy.name}": ${refusals.join('; ')}`);
    const provisioning = (rules.provisioning as Provisioning | undefined) ?? container.profile.provisioning[0];
    const provider = this.providerOf(container);
    const array = container.placement();
    const requests: NewVvol[] = [
      { container, array, type: 'config', name: `${name}-config`, sizeBytes: CONFIG_VVOL_BYTES, provisioning, vm: name },
      ...disks.map((bytes, i): NewVvol => ({ container, array, type: 'data', name: i === 0 ? `${name}.vmdk` : `${name}_${i}.vmdk`, sizeBytes: bytes, provisioning, vm: name, disk: i })),
    ];
    const total = requests.reduce((n, r) => n + r.sizeBytes, 0);
    const made = provider.create(requests, `VM ${name} (config vVol and ${disks.length} data vVol(s), ${mib(total)} MB)`);
    const vm = new VvolVm(name, container, policy, overrides, memory, reservation, made[0], made.slice(1));
    provider.apply(made, (v) => rulesFor(v, vm.rules), policy.name, policy.version);
    this.vms.set(name, vm);
    this.changed();
    this.log(`created VM ${name} on ${container.name} (array ${array.name}) with policy "${policy.name}": ${made.length} vVols`);
    return vm;
  }

  powerOn(name: string): VvolVm {
    const vm = this.vm(name);
    if (vm.powered) throw new Error(`${name} is already powered on`);
    const provider = this.providerOf(vm.container);
    // Checked before the swap vVol is made: making one draws an id and a LUN number, which a power-on
    // that fails must not use up (npm run fuzz found a refused power-on changing the lab's state).
    const array = vm.config.array;
    if (!array.pes.some((pe) => pe.kind === vm.container.protocol && this.accessible(pe))) {
      throw new Error(`cannot power on ${name}: cannot bind vVol ${vm.config.id} (${vm.config.name}): no ${vm.container.protocol.toUpperCase()} protocol endpoint of array ${array.name} is reachable from ${HOST_ID}; nothing was changed`);
    }
    const swapBytes = vm.memoryBytes - vm.reservationBytes;
    let swap: VirtualVolume | undefined;
    if (swapBytes > 0) {
      [swap] = provider.create(
        [{ container: vm.container, array: vm.config.array, type: 'swap', name: `${name}.vswp`, sizeBytes: swapBytes, provisioning: 'thick', vm: name }],
        `${name}'s swap vVol (memory ${mib(vm.memoryBytes)} MB minus reservation ${mib(vm.reservationBytes)} MB)`,
      );
      provider.apply([swap], () => ({}), vm.policy.name, vm.policy.version);
    }
    const toBind = [vm.config, ...vm.disks, ...(swap ? [swap] : [])];
    let bindings: Binding[];
    try {
      bindings = provider.bind(toBind, HOST_ID, this.initiators, (pe) => this.accessible(pe));
    } catch (e) {
      if (swap) provider.delete(swap);
      throw new Error(`cannot power on ${name}: ${(e as Error).message}; nothing was changed`);
    }
    vm.swap = swap;
    vm.powered = true;
    this.holdPeDevices(vm, bindings);
    this.changed();
    this.log(`powered on ${name}: bound ${bindings.map((b) => `${b.vvol.name} at ${b.text}`).join(', ')}`);
    return vm;
  }

  powerOff(name: string): VvolVm {
    const vm = this.vm(name);
    if (!vm.powered) throw new Error(`${name} is already powered off`);
    this.checkNoIo(vm, 'power it off');
    const provider = this.providerOf(vm.container);
    for (const v of vm.running) provider.unbind(v, HOST_ID);
    if (vm.swap) provider.delete(vm.swap);
    vm.swap = undefined;
    vm.powered = false;
    for (const d of this.opened.get(vm) ?? []) d.openCount = Math.max(0, d.openCount - 1);
    this.opened.delete(vm);
    this.changed();
    this.log(`powered off ${name}: its vVols are unbound, its swap vVol deleted`);
    return vm;
  }

  /**
   * A VM the lab saved is back (see vvol-state.ts): recorded, and if it was running its bound vVols'
   * PE devices are held open again, as power-on left them.
   */
  adopt(vm: VvolVm): void {
    this.vms.set(vm.name, vm);
    if (vm.powered) this.holdPeDevices(vm, vm.running.map((v) => v.bindings.get(HOST_ID)).filter((b): b is Binding => b !== undefined));
  }

  private holdPeDevices(vm: VvolVm, bindings: Binding[]): void {
    const devices = [...new Set(bindings.map((b) => this.deviceOf(b)).filter((d): d is LogicalDevice => d !== undefined))];
    for (const d of devices) d.openCount++;
    this.opened.set(vm, devices);
  }

  /** Fio jobs still running on the VM's disks keep it on. */
  private checkNoIo(vm: VvolVm, what: string): void {
    const busy = runningWorkloads(this.host).filter((w) => w.world.startsWith(`${vm.name}:`));
    if (busy.length > 0) throw new Error(`cannot ${what}: fio job(s) ${busy.map((w) => w.name).join(', ')} still run on ${vm.name}'s disks (kill them or wait)`);
  }

  /** Array-native snapshot of every data vVol (and a memory vVol with `withMemory`), all or nothing. */
  async snapshot(name: string, snapshotName?: string, withMemory = false): Promise<VirtualVolume[]> {
    const vm = this.vm(name);
    const snap = snapshotName ?? `snapshot-${vm.snapshotsTaken + 1}`;
    if (!/^[\w.-]{1,64}$/.test(snap)) throw new Error(`snapshot name "${snap}": use 1 to 64 letters, digits, dots, dashes or underscores`);
    if (vm.disks.some((d) => d.snapshots.some((s) => s.name === `${d.name}@${snap}`))) throw new Error(`${name} already has a snapshot named ${snap}`);
    if (withMemory && !vm.powered) throw new Error(`${name} is powered off: a snapshot with memory needs a running VM`);
    const provider = this.providerOf(vm.container);
    let memory: VirtualVolume | undefined;
    if (withMemory) {
      const copied = vm.disks.reduce((n, d) => n + d.volume.allocatedBytes, 0);
      vm.container.checkRoom(copied + vm.memoryBytes, `snapshot ${snap} of ${name} with memory`);
      [memory] = provider.create(
        [{ container: vm.container, array: vm.config.array, type: 'memory', name: `${name}-${snap}.vmem`, sizeBytes: vm.memoryBytes, provisioning: 'thick', vm: name }],
        `the memory vVol of snapshot ${snap}`,
      );
      provider.apply([memory], () => ({}), vm.policy.name, vm.policy.version);
    }
    let made: VirtualVolume[];
    try {
      made = await provider.snapshot(vm.disks, snap, `snapshot ${snap} of ${name}`);
    } catch (e) {
      if (memory) provider.delete(memory);
      throw e;
    }
    if (memory) vm.memory.push(memory);
    vm.snapshotsTaken++;
    this.changed();
    this.log(`snapshot ${snap} of ${name}: ${made.length} data vVol(s) copied inside array ${vm.config.array.name}${memory ? ', memory saved' : ''}`);
    return memory ? [...made, memory] : made;
  }

  /** Array-side clone of the VM's config and data vVols into a new, powered-off VM. */
  async clone(name: string, newName: string): Promise<VvolVm> {
    const src = this.vm(name);
    if (!/^[A-Za-z0-9][\w.-]{0,62}$/.test(newName)) throw new Error(`VM name "${newName}": use 1 to 63 letters, digits, dots, dashes or underscores`);
    if (this.vms.has(newName) || this.host.vm(newName)) throw new Error(`a VM named "${newName}" already exists`);
    const provider = this.providerOf(src.container);
    const pairs = [
      { from: src.config, name: `${newName}-config`, vm: newName },
      ...src.disks.map((d, i) => ({ from: d, name: i === 0 ? `${newName}.vmdk` : `${newName}_${i}.vmdk`, vm: newName, disk: i })),
    ];
    const made = await provider.clone(pairs, `clone ${newName} of ${name} (${mib(pairs.reduce((n, p) => n + p.from.sizeBytes, 0))} MB)`);
    const vm = new VvolVm(newName, src.container, src.policy, { ...src.overrides }, src.memoryBytes, src.reservationBytes, made[0], made.slice(1));
    provider.apply(made, (v) => rulesFor(v, vm.rules), vm.policy.name, vm.policy.version);
    this.vms.set(newName, vm);
    this.changed();
    this.log(`cloned ${name} to ${newName} inside array ${src.config.array.name}: ${made.length} vVols`);
    return vm;
  }

  deleteVm(name: string): void {
    const vm = this.vm(name);
    if (vm.powered) throw new Error(`${name} is powered on: its vVols are bound, and a bound vVol cannot be deleted; power it off first`);
    const provider = this.providerOf(vm.container);
    for (const d of vm.disks) for (const s of [...d.snapshots].reverse()) provider.delete(s);
    for (const m of vm.memory) provider.delete(m);
    for (const v of [...vm.disks, vm.config]) {
      if (v.bound) provider.unbind(v, HOST_ID); // bound by hand: the VM is going, so is the binding
      provider.delete(v);
    }
    this.vms.delete(name);
    this.changed();
    this.log(`deleted VM ${name} and its vVols`);
  }

  /** Gives the VM another policy and/or overrides and applies it to its vVols, all or nothing. */
  applyPolicy(name: string, change: { policy?: string; overrides?: Requirements; clearOverrides?: boolean }): VvolVm {
    const vm = this.vm(name);
    const policy = change.policy !== undefined ? this.policies.require(change.policy) : vm.policy;
    const overrides = change.clearOverrides ? {} : { ...vm.overrides, ...(change.overrides ?? {}) };
    // Overrides of rules the new policy lacks are dropped with the old policy.
    if (change.policy !== undefined && !change.overrides) for (const k of Object.keys(overrides) as (keyof Requirements)[]) if (policy.rules[k] === undefined) delete overrides[k];
    checkOverrides(policy, overrides);
    const rules = effectiveRules(policy, overrides);
    const targets = [vm.config, ...vm.disks];
    for (const v of targets) {
      const c = complianceOf(v, rules);
      if (c.status === 'noncompliant') throw new Error(`cannot apply policy "${policy.name}" to ${name}: ${v.name}: ${c.reasons.join('; ')}; nothing was changed`);
    }
    this.providerOf(vm.container).apply(targets, (v) => rulesFor(v, rules), policy.name, policy.version);
    vm.policy = policy;
    vm.overrides = overrides;
    this.changed();
    this.log(`applied policy "${policy.name}" to ${name}`);
    return vm;
  }

  /** A vVol's compliance with its VM's policy (vVols of no VM have no rules: compliant). */
  compliance(vvol: VirtualVolume): Compliance {
    const vm = this.owner(vvol);
    return complianceOf(vvol, vm ? vm.rules : {});
  }

  /** Where fio sends I/O for disk `disk` of a vVol VM. */
  ioTarget(name: string, disk: number): VvolIoTarget {
    const vm = this.vm(name);
    if (disk < 0 || disk >= vm.disks.length) throw new Error(`${name} has ${vm.disks.length} disk(s): 0..${vm.disks.length - 1}`);
    const vvol = vm.disks[disk];
    const binding = vvol.bindings.get(HOST_ID);
    if (!binding) throw new Error(`${name} disk ${disk} (vVol ${vvol.id}) is not bound: a vVol is passive until bound (power ${name} on)`);
    const device = this.deviceOf(binding);
    if (!device) throw new Error(`${name} disk ${disk}: protocol endpoint ${binding.pe.id} has no device on this host (rescan?)`);
    return { vvol, binding, device, secondaryId: binding.secondaryId, capacityBytes: vvol.sizeBytes, world: `${name}:${disk}` };
  }
}

function checkSize(bytes: number, what: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 1024 * 1024 || bytes % 512 !== 0) throw new Error(`${what} ${bytes}: use a whole number of 512-byte blocks, at least 1m`);
  if (bytes > 64 * 1024 ** 4) throw new Error(`${what} ${bytes}: at most 64 TiB, a vVol's largest size`);
  return bytes;
}
