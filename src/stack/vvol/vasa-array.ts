// One vVol-capable array as its VASA provider sees it: the array's protocol endpoints and the vVols
// placed on it. It is also the array's Conglomerate: the array asks it which vVol a second-level
// LUN (PE:secondary id) names for an initiator, and gets it in one map lookup, however many vVols
// are bound. That is the demultiplexing the PE does.

import type { Provisioning } from '../arrays/config';
import { LogicalUnit } from '../arrays/logical-unit';
import { TargetPort } from '../arrays/ports';
import type { StorageArray } from '../arrays/storage-array';
import { conglomerateLun, SECOND_LEVEL, SubsidiaryUnit, type Conglomerate } from '../arrays/vvol-conglomerate';
import type { BlockStore } from '../blockstore/block-store';
import type { StorageContainer } from './container';
import { ProtocolEndpoint } from './protocol-endpoint';
import { VvolVolume } from './volume';

/** Hidden ALU numbers of NFS PEs: above the 14-bit LUN space, so no SCSI LUN can be one. */
const NFS_ALU_BASE = 0x4000;
/** vVol LUs are numbered from here: their NAA ids and serial numbers stay apart from real LUNs'. */
export const VVOL_UNIT_BASE = 0x10000;

/** What every block-store key of the vVols of the array with this serial starts with. */
export function vvolKeyPrefix(serial: number): string {
  return `vvol.${serial.toString(16)}`;
}

export class VasaArray implements Conglomerate {
  readonly pes: ProtocolEndpoint[] = [];
  private readonly byAlu = new Map<number, ProtocolEndpoint>();
  /** Provisioned bytes per container, for placement. */
  private readonly charged = new Map<StorageContainer, number>();
  /** Subsidiary LUs made so far: the next vVol's LU number and block-store key count on from it. */
  units = 0;

  constructor(
    readonly array: StorageArray,
    private readonly store: BlockStore,
    /** Called when a vVol's written extents change (the lab saves them). */
    private readonly changed: () => void,
  ) {
    const vasa = array.config.vasa!;
    let nfs = 0;
    for (const pe of vasa.protocolEndpoints) {
      if (pe.protocol === 'scsi') {
        const alu = array.lun(pe.lun);
        if (!alu) throw new Error(`array ${array.name}: protocol endpoint LUN ${pe.lun} is missing`);
        this.add(new ProtocolEndpoint(this, 'scsi', alu));
      } else {
        // The NAS head: a port no fabric reaches (NFS goes over IP) on the first SP, and an ALU
        // that only the array sees, so NFS vVol I/O is demultiplexed exactly like SCSI I/O.
        const sp = array.sps[0];
        const port = new TargetPort(`nfs://${pe.server}${pe.share}`, sp, 0);
        const number = NFS_ALU_BASE + nfs++;
        const alu = new LogicalUnit(array.config, { lun: number, blocks: 1, blockSize: 512, owner: sp.index }, new VvolVolume(store, `${this.keyPrefix}.nas.${number}`));
        this.add(new ProtocolEndpoint(this, 'nfs', alu, { config: pe, port }));
      }
    }
    array.conglomerate = this;
  }

  get name(): string {
    return this.array.name;
  }

  /** The array id VASA reports, e.g. "com.pathlab:0aaa0003". */
  get arrayId(): string {
    return `com.pathlab:${this.array.config.serial.toString(16).padStart(8, '0')}`;
  }

  /** Block-store keys of this array's vVols: the LU number makes each unique for the lab's life. */
  private get keyPrefix(): string {
    return vvolKeyPrefix(this.array.config.serial);
  }

  /** The block-store key of this array's vVol LU `number`. */
  unitKey(number: number): string {
    return `${this.keyPrefix}.${number}`;
  }

  private add(pe: ProtocolEndpoint): void {
    this.pes.push(pe);
    this.byAlu.set(pe.aluNumber, pe);
  }

  pe(aluNumber: number): ProtocolEndpoint | undefined {
    return this.byAlu.get(aluNumber);
  }

  /** A new subsidiary LU for a vVol of `bytes` (a whole number of 512-byte blocks). */
  newUnit(bytes: number, provisioning: Provisioning, protocol: 'scsi' | 'nfs'): { unit: SubsidiaryUnit; volume: VvolVolume } {
    const number = VVOL_UNIT_BASE + ++this.units;
    return this.unit(number, new VvolVolume(this.store, this.unitKey(number), this.changed), bytes, provisioning, protocol);
  }

  /**
   * A restored vVol's LU: its saved number, and the key that number gives, so the same blocks read
   * back (never a key from the lab file: it could be another array's next vVol's).
   */
  restoredUnit(
    number: number,
    extents: Iterable<number>,
    bytes: number,
    provisioning: Provisioning,
    protocol: 'scsi' | 'nfs',
  ): { unit: SubsidiaryUnit; volume: VvolVolume } {
    const volume = new VvolVolume(this.store, this.unitKey(number), this.changed, false);
    volume.restoreExtents(extents);
    return this.unit(number, volume, bytes, provisioning, protocol);
  }

  private unit(number: number, volume: VvolVolume, bytes: number, provisioning: Provisioning, protocol: 'scsi' | 'nfs') {
    // Until it is bound, its access states are those of a PE of its protocol.
    const alu = (this.pes.find((p) => p.kind === protocol) ?? this.pes[0]).alu;
    const unit = new SubsidiaryUnit(this.array.config, { lun: number, blocks: Math.ceil(bytes / 512), blockSize: 512, provisioning }, volume, alu);
    return { unit, volume };
  }

  bytesIn(container: StorageContainer): number {
    return this.charged.get(container) ?? 0;
  }

  charge(container: StorageContainer, bytes: number): void {
    this.charged.set(container, this.bytesIn(container) + bytes);
  }

  // ---- Conglomerate: what the array asks on its data path ----

  subsidiary(lun: number, initiator: string): LogicalUnit | undefined {
    const binding = this.byAlu.get(lun % SECOND_LEVEL)?.bound.get(Math.floor(lun / SECOND_LEVEL));
    return binding !== undefined && binding.initiators.has(initiator) ? binding.vvol.unit : undefined;
  }

  subsidiaries(alu: number, initiator: string): number[] {
    const pe = this.byAlu.get(alu);
    if (!pe) return [];
    const ids: number[] = [];
    for (const [id, b] of pe.bound) if (b.initiators.has(initiator)) ids.push(id);
    return ids.sort((a, b) => a - b).map((id) => conglomerateLun(alu, id));
  }
}
