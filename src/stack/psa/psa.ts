// The pluggable storage architecture's core: scans paths, offers unclaimed paths to the plugins
// in claim-rule order, keeps the devices the plugins build, and carries every command through the
// device queue (shares between worlds, DQLEN/DSNRO), the owning plugin, the adapter queue (AQLEN),
// the fabric and the array, and back. It never knows a plugin by name.

import type { Arena } from '../memory/arena';
import type { Engines } from '../engine';
import type { Fabric } from '../fabric/fabric';
import type { HostAdapter } from '../fabric/adapter';
import type { Clock } from '../sim/clock';
import { ClaimRules, ruleMatches } from './claim-rules';
import type { LogicalDevice } from './device';
import { discover } from './discovery';
import { IoPath } from './io-path';
import type { Mpp } from './mpp';
import { PathImpl } from './path';
import { PluginRegistry } from './registry';

export interface PsaSettings {
  commandTimeoutUs: number;
  deviceQueueDepth: number;
  schedNumReqOutstanding: number;
}

export class Psa {
  /** Every path found, claimed or not, in adapter, target, LUN order. */
  paths: PathImpl[] = [];
  readonly devices = new Map<string, LogicalDevice>();
  readonly plugins = new PluginRegistry();
  readonly claimRules = new ClaimRules();
  readonly io: IoPath;
  /** Callbacks run after every rescan or claim (the host re-resolves VM disks). */
  readonly topologyListeners: (() => void)[] = [];
  /** Messages for the host's log. */
  log: (line: string) => void = () => {};

  constructor(
    readonly clock: Clock,
    readonly engines: Engines,
    readonly arena: Arena,
    readonly adapters: HostAdapter[],
    readonly fabrics: Fabric[],
    readonly settings: PsaSettings,
  ) {
    this.io = new IoPath(this);
  }

  // ---- plugins ----

  loadPlugin(mpp: Mpp): void {
    this.plugins.register(mpp);
  }

  /** Unloads a plugin; its paths go back to the unclaimed pool. Refused while its devices are open. */
  unloadPlugin(name: string): void {
    this.plugins.unregister(name, this.devices.values(), () => {
      for (const device of [...this.devices.values()]) if (device.owner.name === name) this.removeDevice(device);
      for (const path of this.paths) if (path.owner === name) this.releasePath(path);
    });
  }

  /**
   * Unloads a plugin now, open devices or not: its devices go, its paths return to the unclaimed
   * pool for the next claim(). The plugin keeps the commands it holds and must finish them (a
   * learner's MPP hands them to its devices' new owners).
   */
  evictPlugin(mpp: Mpp): void {
    for (const device of [...this.devices.values()]) if (device.owner === mpp) this.removeDevice(device);
    this.plugins.evict(mpp, () => {
      for (const path of this.paths) if (path.owner === mpp.name) this.releasePath(path);
    });
  }

  // ---- devices (called by plugins) ----

  /** Registers a device a plugin built; refused (false) when another plugin already owns that id. */
  addDevice(device: LogicalDevice): boolean {
    const existing = this.devices.get(device.id);
    if (existing && existing.owner !== device.owner) {
      this.log(`PSA: ${device.owner.name} claimed paths to ${device.id}, which ${existing.owner.name} already owns: device not added`);
      return false;
    }
    device.scheduler = this.io.newScheduler();
    this.devices.set(device.id, device);
    return true;
  }

  removeDevice(device: LogicalDevice): void {
    this.devices.delete(device.id);
  }

  /** A device by its id or any of its other identifiers (vml., plugin ids). */
  device(id: string): LogicalDevice | undefined {
    const direct = this.devices.get(id);
    if (direct) return direct;
    for (const d of this.devices.values()) if (d.vmlId === id || d.pluginIds.includes(id)) return d;
    return undefined;
  }

  path(name: string): PathImpl | undefined {
    return this.paths.find((p) => p.name === name);
  }

  // ---- scanning and claiming ----

  /** Rescan: new paths go to the unclaimed pool, missing ones are destroyed, the rest are kept. */
  rescan(): { added: PathImpl[]; removed: PathImpl[] } {
    const found = discover(this.arena, this.fabrics);
    const byKey = new Map(this.paths.map((p) => [p.key, p]));
    const keep = new Set<PathImpl>();
    const added: PathImpl[] = [];
    for (const f of found) {
      const key = `${f.adapter.name}|${f.port.wwpn}|${f.lun}`;
      const existing = byKey.get(key);
      if (existing && existing.identity.deviceId === f.identity.deviceId) {
        keep.add(existing);
        continue;
      }
      const path = new PathImpl(f.adapter, f.fabric, f.array, f.port, f.targetNumber, f.lun, f.identity);
      keep.add(path);
      added.push(path);
    }
    const removed = this.paths.filter((p) => !keep.has(p));
    for (const path of removed) {
      if (path.owner) this.plugins.get(path.owner)?.pathRemoved(path);
      path.owner = undefined;
    }
    this.paths = [...keep].sort(comparePaths);
    this.claim();
    // A rescan is news about the fabric too: the plugins re-check the paths they kept.
    this.notifyPathsChanged();
    return { added, removed };
  }

  /** The claim protocol over the unclaimed pool: each path to the plugins in rule order. */
  claim(): void {
    const unclaimed = this.paths.filter((p) => p.owner === undefined);
    const plugins = this.plugins.enabled();
    for (const mpp of plugins) {
      this.plugins.setState(mpp.name, 'claiming');
      this.guard(mpp, 'startClaiming', () => mpp.startClaiming(), undefined);
    }
    const rules = this.claimRules.runtime;
    for (const path of unclaimed) {
      for (const rule of rules) {
        if (!ruleMatches(rule, path)) continue;
        const mpp = plugins.find((m) => m.name === rule.plugin);
        // A plugin that throws while claiming has rejected the path: the next rule gets it.
        if (mpp && this.guard(mpp, 'claimPath', () => mpp.claimPath(path), false)) {
          path.owner = mpp.name;
          break;
        }
      }
    }
    for (const mpp of plugins) {
      this.guard(mpp, 'endClaiming', () => mpp.endClaiming(), undefined);
      this.plugins.setState(mpp.name, 'enabled');
    }
    for (const listener of this.topologyListeners) listener();
  }

  /** Tells every plugin the fabric changed (what an RSCN does on a real fabric). */
  notifyPathsChanged(): void {
    for (const mpp of this.plugins.enabled()) mpp.pathsChanged?.();
  }

  /** `esxcli storage core path set --state`: the owning plugin learns of it; unclaimed paths just change. */
  setPathEnabled(path: PathImpl, enabled: boolean): void {
    const owner = path.owner === undefined ? undefined : this.plugins.get(path.owner);
    if (owner?.setPathEnabled) owner.setPathEnabled(path, enabled);
    else path.state = enabled ? 'active' : 'disabled';
  }

  /** Gives paths back to the unclaimed pool; returns the names of paths whose owner refused. */
  unclaim(paths: PathImpl[]): string[] {
    const refused: string[] = [];
    for (const path of paths) {
      if (path.owner === undefined) continue;
      if (this.plugins.get(path.owner)?.unclaimPath(path) === false) refused.push(path.name);
      else this.releasePath(path);
    }
    return refused;
  }

  /** Paths their owner hands back itself (it could not build their device): no unclaimPath call. */
  releasePaths(paths: readonly PathImpl[]): void {
    for (const path of paths) this.releasePath(path);
  }

  private guard<T>(mpp: Mpp, hook: string, call: () => T, fallback: T): T {
    try {
      return call();
    } catch (e) {
      this.log(`PSA: plugin ${mpp.name}: ${hook} threw: ${(e as Error).message}`);
      return fallback;
    }
  }

  private releasePath(path: PathImpl): void {
    path.owner = undefined;
    path.working = false;
    path.preferred = false;
  }
}

function comparePaths(a: PathImpl, b: PathImpl): number {
  return a.adapterRef.number - b.adapterRef.number || a.targetNumber - b.targetNumber || a.lun - b.lun;
}

