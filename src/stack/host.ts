// A host: the scenario's hardware wired to the storage stack. Boots the way ESXi does it: load the
// multipathing plugins, load the claim rules, scan, claim, let the devices appear. Owns the virtual
// clock and the host's log; everything the console, the page and the tests do goes through here.

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
import type { Scenario } from './scenario/types';
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
  readonly clock = new Clock();
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

  private constructor(
    readonly scenario: Scenario,
    readonly seed: number,
    readonly engines: Engines,
    readonly arena: Arena,
    readonly store: BlockStore,
    arrays: StorageArray[],
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
    const host = new Host(scenario, seed, engines, arena, store, arrays);
    host.psa.loadPlugin(host.maskPath);
    host.psa.loadPlugin(host.nmp);
    host.psa.claimRules.load();
    host.psa.rescan();
    host.settle();
    return host;
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

  close(): void {
    this.store.close();
  }
}
