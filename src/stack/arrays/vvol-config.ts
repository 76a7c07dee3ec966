// What a scenario says about an array's virtual volumes (reference/psa.md §5): the VASA provider
// that manages it, its protocol endpoints and the storage containers it offers. An array without
// `vasa` has no vVols. The scenario validator (scenario/validate-vvol.ts) fills every default.

import type { Provisioning } from './config';

/** Replication a container can offer and a policy can ask for. */
export type Replication = 'none' | 'async' | 'sync';

/** A SCSI protocol endpoint: an administrative LU (ALU) at `lun`, multipathed like any device. */
export interface ScsiPeConfig {
  protocol: 'scsi';
  /** LUN number of the ALU, 0..16383 (Pure puts its PE at 255, Hitachi at 256). */
  lun: number;
}

/** An NFS protocol endpoint: a mount point (server and share), reached over IP, not multipathed. */
export interface NfsPeConfig {
  protocol: 'nfs';
  /** IP address or host name of the array's NAS head. */
  server: string;
  /** Exported path, e.g. "/vvol-pe". */
  share: string;
  /** One-way latency of the NAS path in microseconds (it stands for the vmknic and the IP network). */
  latencyUs: number;
  /** NFS version the host mounts with. Default 'NFSv3'. */
  version?: 'NFSv3' | 'NFSv4.1';
}

export type ProtocolEndpointConfig = ScsiPeConfig | NfsPeConfig;

/**
 * What a storage container offers (its capability profile). A policy rule is satisfied when its
 * value is among what the container offers. Absent means not offered.
 */
export interface ContainerCapabilities {
  /** The array takes snapshots of this container's vVols. Default false. */
  snapshotsAllowed?: boolean;
  /** The most snapshots the array keeps per vVol (a policy's snapshotRetention may not exceed it). */
  snapshotRetention?: number;
  /** Snapshot schedules the array can run, in minutes between snapshots. */
  snapshotFrequencyMin?: number[];
  /** IOPS limits the array can enforce per vVol: [lowest, highest]. */
  iopsLimit?: [number, number];
  /** Replication modes. Default ["none"]. */
  replication?: Replication[];
  /** Thin and/or thick vVols. Default ["thin"]. */
  provisioning?: Provisioning[];
}

export interface StorageContainerConfig {
  name: string;
  /** SCSI or NFS, never mixed (reference/psa.md §5): the protocol of the PEs that serve it. */
  protocol: 'scsi' | 'nfs';
  /** Capacity quota, in GiB: what may be provisioned as vVols (not what is written). */
  capacityGiB: number;
  capabilities: ContainerCapabilities;
  /**
   * Other arrays of the same VASA provider the container's capacity also lives on. VMware's 6.0
   * documentation says a container cannot span arrays; the issue asks for it, so the lab allows one
   * pool over arrays of one provider, each array serving the vVols placed on it through its own PEs.
   */
  spans?: string[];
}

export interface VasaConfig {
  /** The VASA provider's name; arrays with the same name share one provider. */
  provider: string;
  protocolEndpoints: ProtocolEndpointConfig[];
  containers: StorageContainerConfig[];
}
