// A virtual volume: one object on the array per VM file that matters (reference/psa.md §5): config
// (the VM home), data (one per virtual disk), swap (made at power-on), memory (a snapshot's memory).
// Snapshots are vVols too, data vVols that point at the vVol they were taken of. Capacity comes
// from a storage container; the blocks live on one array of it, served as a subsidiary LU.

import type { SubsidiaryUnit } from '../arrays/vvol-conglomerate';
import type { Requirements, VvolType } from './capabilities';
import type { StorageContainer } from './container';
import type { Binding } from './protocol-endpoint';
import type { VasaArray } from './vasa-array';
import type { VvolVolume } from './volume';

export class VirtualVolume {
  /** Bindings by host: a vVol is passive until bound, and a bound vVol cannot be deleted. */
  readonly bindings = new Map<string, Binding>();
  /** Snapshots of this vVol, oldest first. */
  readonly snapshots: VirtualVolume[] = [];
  /** What the array was last configured with for this vVol (policy rules with the VM's overrides). */
  applied: Requirements = {};
  /** Policy name and version `applied` came from. */
  appliedPolicy = '';
  appliedVersion = 0;
  /** The array's snapshot schedule for this vVol: a timer generation (0: none). */
  schedule = 0;
  deleted = false;

  constructor(
    /** "rfc4122." and a UUID, as Pure and ESXi name vVols. */
    readonly id: string,
    readonly type: VvolType,
    /** A display name: "web01.vmdk", "web01-1.vmdk", "web01.vswp", a snapshot's name. */
    readonly name: string,
    readonly container: StorageContainer,
    readonly array: VasaArray,
    readonly sizeBytes: number,
    /** Bytes of the container's capacity this vVol holds (its size; a snapshot: what it copied). */
    readonly chargeBytes: number,
    readonly unit: SubsidiaryUnit,
    readonly volume: VvolVolume,
    /** The VM it belongs to, and its disk index (data vVols). */
    readonly vm: string | undefined,
    readonly disk: number | undefined,
    /** For a snapshot: the vVol it was taken of. */
    readonly snapshotOf: VirtualVolume | undefined,
    /** Virtual time it was made, µs. */
    readonly createdUs: number,
  ) {}

  get isSnapshot(): boolean {
    return this.snapshotOf !== undefined;
  }

  get bound(): boolean {
    return this.bindings.size > 0;
  }

  get provisioning(): 'thin' | 'thick' {
    return this.unit.provisioning;
  }

  /** "snapshot of data" etc., as listings show it. */
  get kind(): string {
    return this.isSnapshot ? 'snapshot' : this.type;
  }
}
