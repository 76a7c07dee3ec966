// What a supervised plugin (a learner's PSP, SATP or MPP, wrapped) needs of the plugin manager,
// and what the manager needs of each role: install a module, swap a new version in, fall back.

import type { PluginRole } from '../api';
import type { Host } from '../host';
import type { PluginGuard, PluginViolation } from './guard';
import type { PathViews } from './views';

export interface Supervisor {
  readonly guard: PluginGuard;
  readonly views: PathViews;
  /** A hook of plugin `name` misbehaved: it was disabled at once; record it and fall back soon. */
  fault(name: string, violation: PluginViolation): void;
}

/** Everything a role's installer gets. */
export interface PluginContext {
  readonly host: Host;
  readonly supervisor: Supervisor;
  /** The learner's file the plugin came from. */
  readonly file: string;
  /** The learner's module: `this` of its hooks. */
  readonly module: object;
}

/** A learner's plugin installed in the stack. */
export interface Installed {
  readonly role: PluginRole;
  /** Devices (ids) that use the plugin now. */
  inUse(): string[];
  /**
   * The plugin misbehaved and no longer runs: move what used it back to the built-in default
   * (devices to their default PSP or SATP, an MPP's paths to the claim rules again). Runs from a
   * clock timer, never inside one of the plugin's hooks.
   */
  fallBack(): void;
  /** Unloads it (the manager refuses while inUse() is not empty). */
  remove(): void;
}
