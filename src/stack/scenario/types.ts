// A scenario: the physical world a lab starts from. The host's adapters, the fabrics that connect
// them to the arrays' target ports, the arrays, the virtual machines and their disks, and the
// host's settings. Runtime names and device ids are NOT here: the host finds them by discovery.

import type { ArrayConfig } from '../arrays/config';

export type Transport = 'fc' | 'iscsi' | 'sas' | 'sata' | 'block' | 'usb' | 'ide' | 'parallel' | 'unknown';

export interface AdapterConfig {
  /** "vmhba1" */
  name: string;
  transport: Transport;
  /** Driver name esxcli shows, e.g. "qlnativefc", "lpfc", "vmw_ahci". */
  driver: string;
  /** Adapter queue depth (AQLEN). */
  queueDepth: number;
  /** Port WWPN (fc) or other transport identifier. */
  wwpn?: string;
  /** Node WWNN (fc). */
  wwnn?: string;
  /** What esxcli prints in the adapter's Description column. */
  description?: string;
}

/** A fabric (or a direct cable): every adapter in it reaches every target port in it. */
export interface FabricConfig {
  name: string;
  adapters: string[];
  /** Target port WWPNs. */
  targets: string[];
  /** One-way link latency in microseconds. */
  latencyUs: number;
}

export interface VmDiskConfig {
  /** The array and LUN that backs the disk; the host resolves it to a device by discovery. */
  array: string;
  lun: number;
}

export interface VmConfig {
  name: string;
  /** Disk shares: a number (200-4000), or low (500), normal (1000), high (2000). */
  shares: number | 'low' | 'normal' | 'high';
  /** IOPS limit; -1 or absent for unlimited. */
  iopsLimit?: number;
  disks: VmDiskConfig[];
}

export interface HostSettings {
  /** Misc.APDTimeout, in seconds (default 140). */
  apdTimeoutSec: number;
  /** How often NMP evaluates paths, in seconds of virtual time (ESXi: 300). */
  pathEvalIntervalSec: number;
  /** A command that has not completed in this many seconds is aborted and retried (default 30). */
  commandTimeoutSec: number;
  /** Disk.SchedNumReqOutstanding (default 32). */
  schedNumReqOutstanding: number;
  /** Device queue depth (DQLEN) given to new devices (default 64). */
  deviceQueueDepth: number;
}

/**
 * Another host zoned to the same arrays (a cluster's second ESXi): its own adapters, cabled into the
 * scenario's fabrics. It shares the arrays, the fabrics' target ports and virtual time with the
 * learner's host, and runs its own storage stack; the console reaches it with `on NAME ...`.
 */
export interface PeerHostConfig {
  /** Its host name, e.g. "esxi02.pathlab.local" (`on esxi02 ...` takes the first label). */
  name: string;
  adapters: AdapterConfig[];
  /**
   * Its FC zones: which of its adapters each fabric connects, and to which of the fabric's target
   * ports (default: all of them). A peer zoned to one array leaves the others to the learner's host.
   */
  zones: { fabric: string; adapters: string[]; targets?: string[] }[];
}

export interface Scenario {
  name: string;
  description?: string;
  /** The learner's host's name (default DEFAULT_HOST_NAME). */
  hostName?: string;
  /** Other hosts sharing the arrays (none by default). */
  peers?: PeerHostConfig[];
  /** Default seed of the scenario's randomness. */
  seed: number;
  adapters: AdapterConfig[];
  fabrics: FabricConfig[];
  arrays: ArrayConfig[];
  vms: VmConfig[];
  settings: HostSettings;
}

export const DEFAULT_HOST_NAME = 'esxi01.pathlab.local';

export const DEFAULT_SETTINGS: HostSettings = {
  apdTimeoutSec: 140,
  pathEvalIntervalSec: 300,
  commandTimeoutSec: 30,
  schedNumReqOutstanding: 32,
  deviceQueueDepth: 64,
};
