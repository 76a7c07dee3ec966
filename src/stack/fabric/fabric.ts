// A fabric (or a direct cable): every adapter in it reaches every target port in it, after the
// fabric's one-way latency. A command can cross only while the adapter, its link, the fabric, the
// target port, its SP and its array are all up; otherwise the adapter reports NO_CONNECT.

import type { StorageArray } from '../arrays/storage-array';
import type { TargetPort } from '../arrays/ports';
import type { HostAdapter } from './adapter';

export interface FabricTarget {
  array: StorageArray;
  port: TargetPort;
}

export class Fabric {
  up = true;
  /** Extra one-way latency injected by a fault (latency spike), in microseconds. */
  extraLatencyUs = 0;

  constructor(
    readonly name: string,
    readonly adapters: HostAdapter[],
    readonly targets: FabricTarget[],
    readonly latencyUs: number,
  ) {}

  /** One-way latency now. */
  get delayUs(): number {
    return this.latencyUs + this.extraLatencyUs;
  }

  /** Whether `adapter` can reach `port` of `array` through this fabric right now. */
  connects(adapter: HostAdapter, array: StorageArray, port: TargetPort): boolean {
    return this.up && adapter.usable && array.up && port.reachable;
  }
}
