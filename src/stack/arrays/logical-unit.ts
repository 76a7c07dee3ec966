// A logical unit inside an array: identity (NAA 6 id, serial), geometry, cache mode, its block
// volume, who owns it, its ALUA states, and the unit attentions waiting for each I_T nexus.

import type { Volume } from '../blockstore/block-store';
import { AluaGroups } from './alua';
import type { ArrayConfig, CacheMode, LunConfig, Provisioning } from './config';

export interface UnitAttention {
  asc: number;
  ascq: number;
}

export class LogicalUnit {
  readonly number: number;
  readonly blocks: number;
  readonly blockSize: number;
  readonly cacheMode: CacheMode;
  readonly provisioning: Provisioning;
  readonly descriptorSense: boolean;
  /** NAA 6 designator: 16 bytes. */
  readonly naa: Uint8Array;
  /** Device id as hosts print it: "naa." + 32 hex digits. */
  readonly naaId: string;
  /** VPD 0x80 unit serial number. */
  readonly serial: string;
  /** Active/passive and ALUA: the SP that currently owns the LUN. */
  owner: number;
  /** The SP that owned it at power-on: its group carries the PREF bit. */
  readonly preferredOwner: number;
  readonly alua: AluaGroups;
  /** Permanent device loss: the LUN answers 05/25/00 on every path. */
  lost = false;
  /** Consecutive I/Os through a non-optimized group (for implicit follow-over). */
  nonOptimizedRun = 0;
  private readonly attentions = new Map<number, UnitAttention>();
  private readonly nexuses = new Set<number>();
  private lastNexus = 0;

  constructor(
    array: ArrayConfig,
    config: LunConfig,
    readonly volume: Volume,
  ) {
    this.number = config.lun;
    this.blocks = config.blocks;
    this.blockSize = config.blockSize;
    this.cacheMode = config.cacheMode ?? 'write-through';
    this.provisioning = config.provisioning ?? 'thick';
    this.descriptorSense = array.descriptorSense ?? false;
    this.owner = this.preferredOwner = config.owner ?? config.lun % array.sps.length;
    this.alua = new AluaGroups(array.sps.length, this.owner);
    this.naa = naa6(array.oui, array.serial, config.lun);
    this.naaId = naaId(array, config);
    this.serial = `${array.serial.toString(16).toUpperCase().padStart(8, '0')}${config.lun.toString(16).toUpperCase().padStart(4, '0')}`;
  }

  /** Thin provisioned: UNMAP and WRITE SAME with UNMAP give blocks back (LBPME in READ CAPACITY (16)). */
  get thin(): boolean {
    return this.provisioning === 'thin';
  }

  get capacityBytes(): number {
    return this.blocks * this.blockSize;
  }

  /** INQUIRY LU_CONG: a member of a logical unit conglomerate (a vVol PE or a vVol; vvol-conglomerate.ts). */
  get conglomerate(): boolean {
    return false;
  }

  /** The administrative LU of a conglomerate (a SCSI protocol endpoint). */
  get administrative(): boolean {
    return false;
  }

  /** Virtual µs the array adds to a command for this LU beyond its service-time model (a vVol's IOPS limit). */
  extraServiceUs(_now: number): number {
    return 0;
  }

  /** Remembers an I_T nexus that has talked to this LUN (unit attentions go to known nexuses). */
  see(nexus: number): void {
    if (nexus === this.lastNexus) return; // the common case: the same path again
    this.lastNexus = nexus;
    this.nexuses.add(nexus);
  }

  /** Queues a unit attention for every known nexus but `except`. */
  raiseAttention(asc: number, ascq: number, except?: number): void {
    for (const nexus of this.nexuses) if (nexus !== except) this.attentions.set(nexus, { asc, ascq });
  }

  /** Takes the unit attention waiting for `nexus`, if any. */
  takeAttention(nexus: number): UnitAttention | undefined {
    if (this.attentions.size === 0) return undefined;
    const ua = this.attentions.get(nexus);
    if (ua) this.attentions.delete(nexus);
    return ua;
  }
}

/** The device id hosts print for this LUN: "naa." and the 16-byte NAA 6 designator in hex. */
export function naaId(array: ArrayConfig, config: LunConfig): string {
  return 'naa.' + hex(naa6(array.oui, array.serial, config.lun));
}

/** NAA 6 (IEEE registered extended): nibble 6, 24-bit OUI, 36-bit vendor id, 64-bit extension. */
function naa6(oui: number, serial: number, lun: number): Uint8Array {
  const b = new Uint8Array(16);
  // Nibble 6, then the OUI's 24 bits, then the top 4 bits of the 36-bit vendor-specific id.
  const vendorHi = Math.floor(serial / 2 ** 32) & 0xf;
  const vendorLo = serial >>> 0;
  b[0] = 0x60 | ((oui >>> 20) & 0x0f);
  b[1] = (oui >>> 12) & 0xff;
  b[2] = (oui >>> 4) & 0xff;
  b[3] = ((oui & 0x0f) << 4) | vendorHi;
  b[4] = vendorLo >>> 24;
  b[5] = (vendorLo >>> 16) & 0xff;
  b[6] = (vendorLo >>> 8) & 0xff;
  b[7] = vendorLo & 0xff;
  // 64-bit extension: the LUN number, so ids stay unique within the array.
  new DataView(b.buffer).setUint32(12, lun);
  return b;
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const byte of bytes) s += byte.toString(16).padStart(2, '0');
  return s;
}
