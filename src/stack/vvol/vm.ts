// A VM whose files are vVols: a config vVol (its home), one data vVol per virtual disk, a swap
// vVol while it runs, memory vVols of snapshots taken with memory. Its storage policy (and the
// overrides of the policy's customisable rules) says what the array must provide for each vVol.

import type { Requirements } from './capabilities';
import type { StorageContainer } from './container';
import { effectiveRules, type StoragePolicy } from './policy';
import type { VirtualVolume } from './vvol';

/** ESXi's config vVol: 4 GB, formatted VMFS (SCSI) or a directory (NFS). */
export const CONFIG_VVOL_BYTES = 4 * 1024 ** 3;

export class VvolVm {
  powered = false;
  swap: VirtualVolume | undefined;
  /** Memory vVols of snapshots taken with --memory. */
  readonly memory: VirtualVolume[] = [];
  /** Snapshots taken by hand so far (their default names count up). */
  snapshotsTaken = 0;

  constructor(
    readonly name: string,
    readonly container: StorageContainer,
    public policy: StoragePolicy,
    public overrides: Requirements,
    readonly memoryBytes: number,
    readonly reservationBytes: number,
    readonly config: VirtualVolume,
    readonly disks: VirtualVolume[],
  ) {}

  /** What the array must provide: the policy's rules with the VM's overrides. */
  get rules(): Requirements {
    return effectiveRules(this.policy, this.overrides);
  }

  /** The vVols bound at power-on: config, disks and swap. */
  get running(): VirtualVolume[] {
    return [this.config, ...this.disks, ...(this.swap ? [this.swap] : [])];
  }

  /** Every vVol of the VM, snapshots included. */
  get vvols(): VirtualVolume[] {
    const all = [this.config, ...this.disks];
    for (const d of this.disks) all.push(...d.snapshots);
    if (this.swap) all.push(this.swap);
    all.push(...this.memory);
    return all;
  }

  get state(): string {
    return this.powered ? 'poweredOn' : 'poweredOff';
  }
}
