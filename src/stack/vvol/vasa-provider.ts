// The VASA provider: the array side's out-of-band control path (reference/psa.md §5). It makes,
// binds, unbinds, snapshots, clones and deletes vVols, and configures the array for each vVol's
// rules (its IOPS limit, its snapshot schedule and retention). Every request that makes several
// vVols is all or nothing: capacity is checked for the whole request first, and a failure part way
// (the block store) takes back what was made.

import type { Provisioning } from '../arrays/config';
import type { StorageArray } from '../arrays/storage-array';
import type { BlockStore } from '../blockstore/block-store';
import type { Arena } from '../memory/arena';
import type { Clock, TimerTarget } from '../sim/clock';
import { SeededRandom } from '../sim/random';
import type { Requirements, VvolType } from './capabilities';
import { StorageContainer } from './container';
import type { Binding, ProtocolEndpoint } from './protocol-endpoint';
import { VasaArray } from './vasa-array';
import { copyExtents } from './volume';
import { VirtualVolume } from './vvol';

export interface NewVvol {
  container: StorageContainer;
  array: VasaArray;
  type: VvolType;
  name: string;
  sizeBytes: number;
  provisioning: Provisioning;
  vm?: string;
  disk?: number;
}

export interface ProviderEnvironment {
  clock: Clock;
  arena: Arena;
  store: BlockStore;
  seed: number;
  log: (line: string) => void;
  /** Called whenever the provider's vVols, bindings or counters change (the lab saves them). */
  changed: () => void;
}

/** A vVol as the lab saved it, its container, array and parent found again (see vvol-state.ts). */
export interface RestoredVvol {
  id: string;
  type: VvolType;
  name: string;
  container: StorageContainer;
  array: VasaArray;
  sizeBytes: number;
  chargeBytes: number;
  provisioning: Provisioning;
  lun: number;
  extents: Iterable<number>;
  vm?: string;
  disk?: number;
  snapshotOf?: VirtualVolume;
  createdUs: number;
  applied: Requirements;
  appliedPolicy: string;
  appliedVersion: number;
}

export class VasaProvider {
  readonly arrays: VasaArray[] = [];
  readonly containers: StorageContainer[] = [];
  /** Every vVol of the provider by id. */
  readonly vvols = new Map<string, VirtualVolume>();
  status: 'online' | 'offline' = 'online';
  private readonly random: SeededRandom;
  /** Numbers drawn from `random` so far: its position, saved so restored ids never come again. */
  private draws = 0;
  /** Scheduled snapshots taken so far (their names count up). */
  private scheduled = 0;

  constructor(
    readonly name: string,
    arrays: StorageArray[],
    private readonly env: ProviderEnvironment,
  ) {
    this.random = new SeededRandom(env.seed).fork(`vasa|${name}`);
    for (const array of arrays) this.arrays.push(new VasaArray(array, env.store, env.changed));
    for (const va of this.arrays) {
      for (const config of va.array.config.vasa!.containers) {
        const spans = (config.spans ?? []).map((n) => this.arrays.find((a) => a.name === n)!);
        this.containers.push(new StorageContainer(config, `vvol:${this.hex(16)}-${this.hex(16)}`, [va, ...spans]));
      }
    }
  }

  /** The provider's URL as hosts list it (VASA providers publish a version.xml). */
  get url(): string {
    return `https://${this.arrays[0].name}.pathlab.local:8443/vasa/version.xml`;
  }

  private hex(digits: number): string {
    let s = '';
    while (s.length < digits) {
      s += this.random.nextU32().toString(16).padStart(8, '0');
      this.draws++;
    }
    return s.slice(0, digits);
  }

  /** "rfc4122." and a version 4 UUID from the provider's seeded generator. */
  private uuid(): string {
    const h = this.hex(32);
    return `rfc4122.${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  // ---- the lab's saved state ----

  /** What the lab saves of the provider itself: the id generator's position, scheduled snapshots taken. */
  get counters(): { draws: number; scheduled: number } {
    return { draws: this.draws, scheduled: this.scheduled };
  }

  /** Moves the id generator on to a saved position (never back) and restores the snapshot count. */
  restoreCounters(counters: { draws: number; scheduled: number }): void {
    while (this.draws < counters.draws) {
      this.random.nextU32();
      this.draws++;
    }
    this.scheduled = Math.max(this.scheduled, counters.scheduled);
  }

  /** Makes a saved vVol again: same id, LU and blocks; its container counts it, its rules are back on the array. */
  restore(r: RestoredVvol): VirtualVolume {
    const { unit, volume } = r.array.restoredUnit(r.lun, r.extents, r.sizeBytes, r.provisioning, r.container.protocol);
    const vvol = new VirtualVolume(
      r.id, r.type, r.name, r.container, r.array, r.sizeBytes, r.chargeBytes, unit, volume, r.vm, r.disk, r.snapshotOf, r.createdUs,
    );
    r.container.add(vvol);
    this.vvols.set(vvol.id, vvol);
    r.snapshotOf?.snapshots.push(vvol);
    vvol.applied = { ...r.applied };
    vvol.appliedPolicy = r.appliedPolicy;
    vvol.appliedVersion = r.appliedVersion;
    unit.iopsLimit = vvol.type === 'data' && typeof r.applied.iopsLimit === 'number' ? r.applied.iopsLimit : 0;
    this.schedule(vvol);
    return vvol;
  }

  /** Binds a restored binding again at its PE and secondary id; undefined if that id is taken. */
  rebind(vvol: VirtualVolume, pe: ProtocolEndpoint, secondaryId: number, host: string, initiators: ReadonlySet<string>): Binding | undefined {
    const binding = pe.bindAt(vvol, host, initiators, secondaryId);
    if (!binding) return undefined;
    vvol.bindings.set(host, binding);
    vvol.unit.alu = pe.alu;
    return binding;
  }

  // ---- making and deleting ----

  /** Makes vVols (createVirtualVolume), all or none: the containers must have room for all of them. */
  create(requests: NewVvol[], what: string): VirtualVolume[] {
    this.checkRoom(requests.map((r) => ({ container: r.container, bytes: r.sizeBytes })), what);
    return requests.map((r) => this.make(r, r.sizeBytes, undefined));
  }

  private checkRoom(charges: { container: StorageContainer; bytes: number }[], what: string): void {
    const byContainer = new Map<StorageContainer, number>();
    for (const c of charges) byContainer.set(c.container, (byContainer.get(c.container) ?? 0) + c.bytes);
    for (const [container, bytes] of byContainer) container.checkRoom(bytes, what);
  }

  private make(r: NewVvol, chargeBytes: number, snapshotOf: VirtualVolume | undefined): VirtualVolume {
    const { unit, volume } = r.array.newUnit(r.sizeBytes, r.provisioning, r.container.protocol);
    const vvol = new VirtualVolume(
      this.uuid(), r.type, r.name, r.container, r.array, r.sizeBytes, chargeBytes, unit, volume, r.vm, r.disk, snapshotOf, this.env.clock.now,
    );
    r.container.add(vvol);
    this.vvols.set(vvol.id, vvol);
    this.env.changed();
    return vvol;
  }

  /** Deletes a vVol (deleteVirtualVolume). A bound vVol cannot be deleted; nor one with snapshots. */
  delete(vvol: VirtualVolume): void {
    if (vvol.deleted) return;
    if (vvol.bound) {
      const b = [...vvol.bindings.values()][0];
      throw new Error(`vVol ${vvol.id} (${vvol.name}) is bound at ${b.text} for ${b.host}: a bound vVol cannot be deleted; unbind it (power the VM off) first`);
    }
    if (vvol.snapshots.length > 0) throw new Error(`vVol ${vvol.id} (${vvol.name}) has ${vvol.snapshots.length} snapshot(s): delete them first`);
    this.forget(vvol);
  }

  private forget(vvol: VirtualVolume): void {
    vvol.deleted = true;
    vvol.schedule++;
    vvol.volume.release();
    vvol.container.remove(vvol);
    this.vvols.delete(vvol.id);
    const parent = vvol.snapshotOf;
    if (parent) parent.snapshots.splice(parent.snapshots.indexOf(vvol), 1);
    this.env.changed();
  }

  // ---- binding ----

  /**
   * Binds vVols for a host (bindVirtualVolume), all or none. The array picks, among its PEs of the
   * container's protocol that the host can reach, the one with the fewest bindings.
   */
  bind(vvols: VirtualVolume[], host: string, initiators: ReadonlySet<string>, reachable: (pe: ProtocolEndpoint) => boolean): Binding[] {
    const plan = vvols.map((v) => {
      if (v.bindings.has(host)) return undefined;
      const candidates = v.array.pes.filter((pe) => pe.kind === v.container.protocol && reachable(pe));
      if (candidates.length === 0) {
        throw new Error(`cannot bind vVol ${v.id} (${v.name}): no ${v.container.protocol.toUpperCase()} protocol endpoint of array ${v.array.name} is reachable from ${host}`);
      }
      return candidates;
    });
    const made: Binding[] = [];
    try {
      vvols.forEach((v, i) => {
        const candidates = plan[i];
        if (!candidates) return;
        let pe = candidates[0];
        for (const c of candidates) if (c.bound.size < pe.bound.size) pe = c;
        const binding = pe.bind(v, host, initiators);
        v.bindings.set(host, binding);
        v.unit.alu = pe.alu;
        made.push(binding);
      });
    } catch (e) {
      for (const b of made) this.unbind(b.vvol, host);
      throw e;
    }
    this.env.changed();
    return made;
  }

  unbind(vvol: VirtualVolume, host: string): Binding | undefined {
    const binding = vvol.bindings.get(host);
    if (!binding) return undefined;
    binding.pe.unbind(binding);
    vvol.bindings.delete(host);
    this.env.changed();
    return binding;
  }

  // ---- offloads: snapshots and clones, done by the array ----

  /**
   * Snapshots each vVol (snapshotVirtualVolume): a new vVol ("web01.vmdk@snap") holding a copy of
   * the written extents, made inside the array. It holds the container's capacity for what it
   * copied. Then the array keeps at most the vVol's snapshotRetention snapshots.
   */
  async snapshot(vvols: VirtualVolume[], name: string, what: string): Promise<VirtualVolume[]> {
    for (const v of vvols) {
      if (v.applied.snapshotsAllowed === false) throw new Error(`vVol ${v.id} (${v.name}): its policy does not allow snapshots (snapshotsAllowed=false)`);
      if (v.applied.snapshotsAllowed !== true && !v.container.profile.snapshotsAllowed) {
        throw new Error(`vVol ${v.id} (${v.name}): storage container ${v.container.name} offers no snapshots`);
      }
    }
    this.checkRoom(vvols.map((v) => ({ container: v.container, bytes: v.volume.allocatedBytes })), what);
    const made = vvols.map((v) =>
      this.make(
        { container: v.container, array: v.array, type: v.type, name: `${v.name}@${name}`, sizeBytes: v.sizeBytes, provisioning: v.provisioning, vm: v.vm, disk: v.disk },
        v.volume.allocatedBytes, v,
      ),
    );
    await this.fill(vvols, made);
    made.forEach((s, i) => {
      const parent = vvols[i];
      parent.snapshots.push(s);
      s.applied = {};
      this.prune(parent);
    });
    return made;
  }

  /** Clones vVols inside the array (cloneVirtualVolume): full-size vVols in the same container. */
  async clone(pairs: { from: VirtualVolume; name: string; vm: string; disk?: number }[], what: string): Promise<VirtualVolume[]> {
    this.checkRoom(pairs.map((p) => ({ container: p.from.container, bytes: p.from.sizeBytes })), what);
    const made = pairs.map((p) =>
      this.make(
        { container: p.from.container, array: p.from.array, type: p.from.type, name: p.name, sizeBytes: p.from.sizeBytes, provisioning: p.from.provisioning, vm: p.vm, disk: p.disk },
        p.from.sizeBytes, undefined,
      ),
    );
    await this.fill(pairs.map((p) => p.from), made);
    return made;
  }

  /** Copies the data; if the block store fails, the new vVols go again (all or nothing). */
  private async fill(from: VirtualVolume[], to: VirtualVolume[]): Promise<void> {
    // Virtual time stands still while the array copies: the copy is one instant of the array's,
    // whatever the block store's speed, so the same run copies the same bytes.
    const clock = this.env.clock;
    clock.hold();
    try {
      for (let i = 0; i < from.length; i++) await copyExtents(this.env.arena, from[i].volume, to[i].volume);
    } catch (e) {
      for (const v of to) this.forget(v);
      throw new Error(`the array could not copy the data (${(e as Error).message}); nothing was created`);
    } finally {
      clock.release();
    }
  }

  /** Deletes a vVol's oldest snapshots beyond its retention. */
  private prune(vvol: VirtualVolume): void {
    const keep = vvol.applied.snapshotRetention as number | undefined;
    if (keep === undefined) return;
    while (vvol.snapshots.length > keep) {
      const oldest = vvol.snapshots[0];
      this.env.log(`VASA ${this.name}: snapshot ${oldest.name} of ${vvol.name} deleted by the array (retention ${keep})`);
      this.forget(oldest);
    }
  }

  // ---- policy: what the array enforces per vVol ----

  /**
   * Configures the array for each vVol's rules, all or none: the container must offer every rule.
   * The IOPS limit is enforced on the data path at once; a snapshot schedule starts (or stops).
   */
  apply(vvols: VirtualVolume[], rules: (v: VirtualVolume) => Requirements, policy: string, version: number): void {
    for (const v of vvols) {
      const refusals = v.container.profile.refusals(rules(v));
      if (refusals.length > 0) throw new Error(`storage container ${v.container.name} cannot satisfy policy "${policy}" for ${v.name}: ${refusals.join('; ')}`);
    }
    for (const v of vvols) {
      const r = rules(v);
      v.applied = { ...r };
      v.appliedPolicy = policy;
      v.appliedVersion = version;
      v.unit.iopsLimit = v.type === 'data' && typeof r.iopsLimit === 'number' ? r.iopsLimit : 0;
      this.schedule(v);
      if (v.type === 'data') this.prune(v);
    }
    this.env.changed();
  }

  /** (Re)starts the vVol's snapshot schedule from its applied snapshotFrequencyMin. */
  private schedule(v: VirtualVolume): void {
    const generation = ++v.schedule;
    const minutes = v.applied.snapshotFrequencyMin as number | undefined;
    if (v.type !== 'data' || v.isSnapshot || minutes === undefined || v.applied.snapshotsAllowed === false) return;
    const target: TimerTarget = {
      onTimer: () => {
        if (v.schedule !== generation || v.deleted) return;
        const name = `scheduled-${++this.scheduled}`;
        this.env.changed();
        this.snapshot([v], name, `scheduled snapshot ${name} of ${v.name}`).then(
          () => this.env.log(`VASA ${this.name}: scheduled snapshot ${name} of ${v.name}`),
          (e: Error) => this.env.log(`VASA ${this.name}: scheduled snapshot of ${v.name} skipped: ${e.message}`),
        );
        this.env.clock.after(minutes * 60e6, target);
      },
    };
    this.env.clock.after(minutes * 60e6, target);
  }
}
