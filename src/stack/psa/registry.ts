// The plugin registry: multipathing plugins with their lifecycle (enabled, claiming, disabling,
// disabled). A plugin whose devices are open is pinned: it cannot be unloaded until they close.

import type { LogicalDevice } from './device';
import type { Mpp, PluginState } from './mpp';

export class PluginError extends Error {}

export class PluginRegistry {
  private readonly entries = new Map<string, { mpp: Mpp; state: PluginState }>();

  register(mpp: Mpp): void {
    if (this.entries.has(mpp.name)) throw new PluginError(`Plugin ${mpp.name} is already loaded`);
    this.entries.set(mpp.name, { mpp, state: 'enabled' });
  }

  get(name: string): Mpp | undefined {
    return this.entries.get(name)?.mpp;
  }

  state(name: string): PluginState | undefined {
    return this.entries.get(name)?.state;
  }

  setState(name: string, state: PluginState): void {
    const entry = this.entries.get(name);
    if (entry) entry.state = state;
  }

  /** Plugins that take part in claiming, in load order. */
  enabled(): Mpp[] {
    return [...this.entries.values()].filter((e) => e.state === 'enabled' || e.state === 'claiming').map((e) => e.mpp);
  }

  list(): { mpp: Mpp; state: PluginState }[] {
    return [...this.entries.values()];
  }

  /** Unloads a plugin; refused while any of its devices is open (the plugin is pinned). */
  unregister(name: string, devices: Iterable<LogicalDevice>, release: () => void): void {
    const entry = this.entries.get(name);
    if (!entry) throw new PluginError(`No plugin named ${name} is loaded`);
    const open = [...devices].filter((d) => d.owner === entry.mpp && d.openCount > 0).map((d) => d.id);
    if (open.length > 0) throw new PluginError(`Plugin ${name} is in use by open devices: ${open.join(', ')}`);
    entry.state = 'disabling';
    release();
    entry.state = 'disabled';
    this.entries.delete(name);
  }

  /**
   * Unloads `mpp` even while its devices are open: for a plugin that must go now (a learner's MPP
   * that misbehaved, or is being replaced), which still finishes the commands it holds itself.
   */
  evict(mpp: Mpp, release: () => void): void {
    const entry = this.entries.get(mpp.name);
    if (!entry || entry.mpp !== mpp) return;
    entry.state = 'disabling';
    release();
    entry.state = 'disabled';
    this.entries.delete(mpp.name);
  }
}
