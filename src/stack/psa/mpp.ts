// What the framework asks of a multipathing plugin (NMP, MASK_PATH, a learner's MPP). The
// framework never knows a plugin by name: it offers paths, routes commands and reports completions
// through this interface only.

import type { LogicalDevice } from './device';
import type { IoRequest } from './io-request';
import type { PathImpl } from './path';

export type PluginState = 'enabled' | 'claiming' | 'disabling' | 'disabled';

export interface Mpp {
  readonly name: string;
  /** esxcli's "Plugin class": MP for multipathing plugins. */
  readonly pluginClass: 'MP';
  /** The claim protocol: startClaiming, claimPath for each offered path, endClaiming. */
  startClaiming(): void;
  /** Accepts (true) or rejects (false) a path the claim rules offer. */
  claimPath(path: PathImpl): boolean;
  /** Claiming is over: build devices from the claimed paths. */
  endClaiming(): void;
  /** Gives a path back (unclaim); false when the path's device is busy. */
  unclaimPath(path: PathImpl): boolean;
  /** A claimed path disappeared in a rescan. */
  pathRemoved(path: PathImpl): void;
  /** Starts a command on one of the plugin's devices (the device queue admitted it). */
  start(io: IoRequest): void;
  /** A command the plugin sent down a path completed (successfully or not). */
  completed(io: IoRequest): void;
  /** The fabric changed (a link, port or SP came or went): re-check paths now. */
  pathsChanged?(): void;
  /** An administrator enabled or disabled one of the plugin's paths. */
  setPathEnabled?(path: PathImpl, enabled: boolean): void;
  /**
   * Task management went to one of the plugin's devices (vmkfstools -L lunreset): the framework has
   * already aborted the commands on its paths (completed with host status RESET); the plugin may
   * hold new commands until it has dealt with the reset.
   */
  taskManagement?(device: LogicalDevice, kind: 'abort' | 'lun-reset'): void;
}
