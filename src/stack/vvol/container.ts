// A storage container: a capacity quota and a capability profile, shown to hosts as a vVol
// datastore. Not in the data path (reference/psa.md §5): I/O goes through the protocol endpoints
// of whichever array holds a vVol. Capacity is counted as vVols are made and deleted, so its free
// space is known at once however many vVols it holds.

import type { StorageContainerConfig } from '../arrays/vvol-config';
import { CapabilityProfile } from './capabilities';
import type { VasaArray } from './vasa-array';
import type { VirtualVolume } from './vvol';

const GiB = 1024 ** 3;

/** The container cannot take a request: nothing was made. */
export class OutOfCapacityError extends Error {}

export class StorageContainer {
  readonly capacityBytes: number;
  readonly profile: CapabilityProfile;
  /** Every vVol in the container by id. */
  readonly vvols = new Map<string, VirtualVolume>();
  usedBytes = 0;

  constructor(
    readonly config: StorageContainerConfig,
    /** "vvol:" and 32 hex digits in two halves, as ESXi shows container ids. */
    readonly id: string,
    /** The arrays its vVols are placed on: its own first, then the ones it spans. */
    readonly arrays: VasaArray[],
  ) {
    this.capacityBytes = Math.round(config.capacityGiB * GiB);
    this.profile = new CapabilityProfile(config.capabilities);
  }

  get name(): string {
    return this.config.name;
  }

  get protocol(): 'scsi' | 'nfs' {
    return this.config.protocol;
  }

  get freeBytes(): number {
    return this.capacityBytes - this.usedBytes;
  }

  /** Throws OutOfCapacityError unless `bytes` more fit; `what` says what they are for. */
  checkRoom(bytes: number, what: string): void {
    if (bytes <= this.freeBytes) return;
    throw new OutOfCapacityError(
      `storage container ${this.name} is out of capacity: ${what} needs ${mib(bytes)} MB, ${mib(this.freeBytes)} MB of ${mib(this.capacityBytes)} MB are free; nothing was created`,
    );
  }

  /** The array a new VM's vVols go to: the one holding the fewest provisioned bytes of this container (ties: the first). */
  placement(): VasaArray {
    let best = this.arrays[0];
    for (const a of this.arrays) if (a.bytesIn(this) < best.bytesIn(this)) best = a;
    return best;
  }

  add(vvol: VirtualVolume): void {
    this.vvols.set(vvol.id, vvol);
    this.usedBytes += vvol.chargeBytes;
    vvol.array.charge(this, vvol.chargeBytes);
  }

  remove(vvol: VirtualVolume): void {
    if (!this.vvols.delete(vvol.id)) return;
    this.usedBytes -= vvol.chargeBytes;
    vvol.array.charge(this, -vvol.chargeBytes);
  }
}

export function mib(bytes: number): number {
  return Math.floor(bytes / (1024 * 1024));
}
