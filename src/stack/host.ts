// A host: the scenario's hardware wired to the storage stack. Boots the way ESXi does it: load the
// multipathing plugins, load the claim rules, scan, claim, let the devices appear. Owns the virtual
// clock and the host's log; everything the console, the page and the tests do goes through here.
//
// The scenario's peers are other hosts on the same arrays (a cluster's second ESXi). Each is a
// whole Host with its own adapters, PSA and NMP, sharing the arrays, the block store and the one
// virtual clock, so what the two hosts send meets at the arrays in one deterministic order.

import { StorageArray } from './arrays/storage-array';
import type { BlockStore } from './blockstore/block-store';
import { MemoryBlockStore } from './blockstore/memory-store';
import { IndexedDbBlockStore } from './blockstore/indexeddb-store';
import { loadEngines, type EngineChoice, type Engines } from './engine';
import { HostAdapter } from './fabric/adapter';
import { Fabric } from './fabric/fabric';
import { Arena } from './memory/arena';
import { Nmp } from './nmp/nmp';
import type { LogicalDevice } from './psa/device';
import { LearnerPlugins } from './plugins/learner-plugins';
import { MaskPath } from './psa/mask-path';
import { Psa } from './psa/psa';
import { classroomScenario } from './scenario/classroom';
import { DEFAULT_HOST_NAME, type PeerHostConfig, type Scenario } from './scenario/types';
import { sharesValue } from './scenario/validate';
import { Clock } from './sim/clock';

/** Virtual time run between checks of the wall clock in advanceTo(). */
const ADVANCE_STEP_US = 10_000;
const YIELD_MS = 25;
/** The host's log keeps its most recent lines, like a rotated vmkernel.log. */
const MAX_LOG_LINES = 10_000;

export interface HostOptions {
  scenario?: Scenario;
  seed?: number;
  engine?: EngineChoice;
  store?: 'memory' | 'indexeddb';
  databaseName?: string;
}

export interface VmDisk {
  /** "web01:0": the world that issues the disk's I/O. */
  world: string;
  array: string;
  lun: number;
  /** The device discovery resolved it to (undefined while none has that array and LUN). */
  device: LogicalDevice | undefined;
}

export interface Vm {
  name: string;
  shares: number;
  iopsLimit: number;
  disks: VmDisk[];
}

export class Host {
  readonly arrays: StorageArray[];
  readonly adapters: HostAdapter[];
  readonly fabrics: Fabric[];
  readonly psa: Psa;
  readonly nmp: Nmp;
  readonly maskPath = new MaskPath();
  /** The learner's own plugins (PSP, SATP, MPP), compiled and supervised. */
  readonly plugins: LearnerPlugins = new LearnerPlugins(this);
  readonly vms: Vm[];
  readonly logLines: string[] = [];
  /** Other hosts on the same arrays (the learner's host holds them; a peer holds none). */
  readonly peers: Host[] = [];
  /** The learner's host, for a peer (undefined on the learner's host itself). */
  private learnerHost: Host | undefined;
  /** False once the host has crashed (`fault host`): it sends nothing more. */
  up = true;
  /** Called when the host crashes, so what runs on it (heartbeats, jobs) stops. */
  readonly onCrash: (() => void)[] = [];

  private constructor(
    readonly name: string,
    readonly scenario: Scenario,
    readonly seed: number,
    readonly engines: Engines,
    readonly arena: Arena,
    readonly store: BlockStore,
    arrays: StorageArray[],
    readonly clock: Clock,
  ) {
    this.arrays = arrays;
    for (const array of arrays) array.now = () => this.clock.now;
    this.adapters = scenario.adapters.map((a) => new HostAdapter(a));
    this.fabrics = scenario.fabrics.map((f) => {
      const targets = f.targets.map((wwpn) => {
        const array = arrays.find((a) => a.portByName(wwpn))!;
        return { array, port: array.portByName(wwpn)! };
      });
      return new Fabric(f.name, f.adapters.map((n) => this.adapter(n)!), targets, f.latencyUs);
    });
    const s = scenario.settings;
    this.psa = new Psa(this.clock, engines, arena, this.adapters, this.fabrics, {
      commandTimeoutUs: s.commandTimeoutSec * 1e6,
      deviceQueueDepth: s.deviceQueueDepth,
      schedNumReqOutstanding: s.schedNumReqOutstanding,
    });
    this.nmp = new Nmp(this.psa, { apdTimeoutUs: s.apdTimeoutSec * 1e6, pathEvalIntervalUs: s.pathEvalIntervalSec * 1e6 });
    this.nmp.log = (line) => this.log(line);
    this.psa.log = (line) => this.log(line);
    this.vms = scenario.vms.map((vm) => ({
      name: vm.name,
      shares: sharesValue(vm.shares),
      iopsLimit: vm.iopsLimit ?? -1,
      disks: vm.disks.map((d, i) => ({ world: `${vm.name}:${i}`, array: d.array, lun: d.lun, device: undefined })),
    }));
    this.psa.topologyListeners.push(() => this.resolveDisks());
  }

  static async boot(options: HostOptions = {}): Promise<Host> {
    const scenario = options.scenario ?? classroomScenario;
    const seed = options.seed ?? scenario.seed;
    const engines = await loadEngines(options.engine);
    const arena = new Arena(engines.sgcopy);
    const store =
      options.store === 'indexeddb' ? await IndexedDbBlockStore.open(arena, options.databaseName) : new MemoryBlockStore(arena);
    const env = { arena, codec: engines.cdb, store, seed };
    const arrays: StorageArray[] = [];
    for (const config of scenario.arrays) arrays.push(await StorageArray.create(config, env));
    const host = new Host(scenario.hostName ?? DEFAULT_HOST_NAME, scenario, seed, engines, arena, store, arrays, new Clock());
    host.start();
    for (const peer of scenario.peers ?? []) host.peers.push(host.bootPeer(peer));
    host.settle();
    return host;
  }

  /**
   * Loads the plugins and claim rules, scans and claims: the devices appear as time runs. (The
   * VMFS driver starts on first use, vmfs/vmfs.ts: a host that never touches a datastore reads none.)
   */
  private start(): void {
    this.psa.loadPlugin(this.maskPath);
    this.psa.loadPlugin(this.nmp);
    this.psa.claimRules.load();
    this.psa.rescan();
  }

  /** A peer booted beside this host: its own adapters in the zones it names, the same arrays and clock. */
  private bootPeer(config: PeerHostConfig): Host {
    const fabrics = config.zones.map((zone) => {
      const fabric = this.scenario.fabrics.find((f) => f.name === zone.fabric)!;
      return { ...fabric, adapters: zone.adapters, targets: zone.targets ?? fabric.targets };
    });
    const scenario: Scenario = { ...this.scenario, hostName: config.name, adapters: config.adapters, fabrics, vms: [], peers: [] };
    const peer = new Host(config.name, scenario, this.seed, this.engines, this.arena, this.store, this.arrays, this.clock);
    peer.learnerHost = this;
    peer.start();
    return peer;
  }

  /** Whether this is a peer (another host of the scenario), not the learner's host. */
  get isPeer(): boolean {
    return this.learnerHost !== undefined;
  }

  /** Every host of the scenario as it is now, the learner's first (the same list from any of them). */
  hosts(): Host[] {
    const learner = this.learnerHost ?? this;
    return [learner, ...learner.peers];
  }

  /** A host of the scenario by its name or its name's first label ("esxi02"). */
  peer(name: string): Host | undefined {
    const wanted = name.toLowerCase();
    return this.hosts().find((h) => h.name.toLowerCase() === wanted || h.name.split('.')[0].toLowerCase() === wanted);
  }

  /**
   * A peer crashes (power lost): its adapters go dark at once, so nothing it had queued or sends
   * later reaches an array, and what runs on it stops. What it wrote stays on the arrays, its
   * on-disk heartbeats and locks included: the other hosts must find out from the disk.
   */
  crashPeer(peer: Host): void {
    if (!this.peers.includes(peer)) throw new Error(`${peer.name} is not a peer of ${this.name}`);
    if (!peer.up) return;
    peer.up = false;
    for (const adapter of peer.adapters) adapter.up = false;
    peer.psa.notifyPathsChanged();
    // A dead host evaluates nothing more: its timers on the shared clock must not pile up.
    peer.nmp.stopped = true;
    peer.log('host: crashed (power lost)');
    for (const stop of peer.onCrash) stop();
  }

  /** A crashed peer boots again: a new host from its configuration, with nothing of the old one's memory. */
  rebootPeer(peer: Host): Host {
    const index = this.peers.indexOf(peer);
    if (index < 0) throw new Error(`${peer.name} is not a peer of ${this.name}`);
    const config = this.scenario.peers!.find((p) => p.name === peer.name)!;
    const fresh = this.bootPeer(config);
    this.peers[index] = fresh;
    this.settle();
    return fresh;
  }

  /** Where an unfinished settle() must still take the clock (0: none). */
  private settleUntil = 0;

  /**
   * Runs virtual time a little, so path checks started by a scan or a fault have answered. If the
   * block store holds the clock (IndexedDB), the rest is left to finishSettling(), which the lab
   * session awaits after every command: either way the clock ends at the same virtual time.
   */
  settle(): void {
    const until = this.clock.now + 10_000;
    if (!this.clock.runUntil(until)) this.settleUntil = Math.max(this.settleUntil, until);
  }

  async finishSettling(): Promise<void> {
    const until = this.settleUntil;
    this.settleUntil = 0;
    if (until > this.clock.now) await this.advanceTo(until);
  }

  /**
   * Runs virtual time forward to `until`, waiting whenever the block store holds the clock, and
   * yielding to the event loop every few milliseconds of wall time so a page stays responsive.
   */
  async advanceTo(until: number): Promise<void> {
    let lastYield = performance.now();
    while (this.clock.now < until) {
      const step = Math.min(until, this.clock.now + ADVANCE_STEP_US);
      while (!this.clock.runUntil(step)) await this.clock.whenReleased();
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
  }

  async advance(us: number): Promise<void> {
    await this.advanceTo(this.clock.now + us);
  }

  adapter(name: string): HostAdapter | undefined {
    return this.adapters.find((a) => a.name === name);
  }

  array(name: string): StorageArray | undefined {
    return this.arrays.find((a) => a.name === name);
  }

  vm(name: string): Vm | undefined {
    return this.vms.find((v) => v.name === name);
  }

  /** A line in the host's log, stamped with virtual time as vmkernel.log stamps real time. */
  log(line: string): void {
    if (this.logLines.length >= MAX_LOG_LINES) this.logLines.splice(0, MAX_LOG_LINES / 10);
    this.logLines.push(`${(this.clock.now / 1e6).toFixed(6)}s ${line}`);
  }

  /** Maps each VM disk to the device that discovery found behind its array and LUN. */
  private resolveDisks(): void {
    for (const vm of this.vms) {
      for (const disk of vm.disks) {
        const path = this.psa.paths.find((p) => p.array.name === disk.array && p.lun === disk.lun && this.psa.device(p.identity.deviceId));
        disk.device = path ? this.psa.device(path.identity.deviceId) : undefined;
        // The VM's disk shares weigh its world in the device's scheduler.
        if (disk.device) this.engines.ioqueue.schedSetShares(disk.device.scheduler, disk.device.flowOf(disk.world), vm.shares);
      }
    }
  }

  /** Closes the block store, which the peers share: call it on the learner's host. */
  close(): void {
    this.store.close();
  }
}
