// The T10 logical unit conglomerate as vVols use it (reference/psa.md §5): a SCSI protocol endpoint
// is an administrative LU (ALU); a bound vVol is a subsidiary LU (SLU) behind it, addressed by a
// two-level LUN: the ALU's LUN, then the vVol's secondary id ("255:1"). Both report LU_CONG in
// standard INQUIRY byte 1. With LU_CONG set, each level uses simple logical unit addressing
// (address method 00, a 14-bit number; sg3_utils sg_luns.c decode_lun), and a second level of
// 0000 means the ALU itself.
//
// Inside the stack a LUN travels as an integer: the first level in the low 16 bits, the second
// level above them, as Linux's scsilun_to_int orders the levels. A number below SECOND_LEVEL is an
// ordinary (or administrative) LUN; the array asks its Conglomerate for anything above.

import type { BlockStore } from '../blockstore/block-store';
import type { ArrayConfig, LunConfig } from './config';
import { LogicalUnit } from './logical-unit';

/** The integer LUN of secondary id 1 behind ALU 0: second-level numbers are multiples of it. */
export const SECOND_LEVEL = 0x10000;
/** Simple logical unit addressing carries 14 bits, so a PE holds at most 16,383 bound vVols per host. */
export const MAX_SECONDARY_ID = 0x3fff;

/** The integer LUN of SLU `slu` behind ALU `alu` ("255:1"); `slu` 0 is the ALU itself. */
export function conglomerateLun(alu: number, slu: number): number {
  return alu + slu * SECOND_LEVEL;
}

/** "255:1" for a subsidiary LUN, "255" for a first-level one. */
export function lunText(lun: number): string {
  const slu = Math.floor(lun / SECOND_LEVEL);
  return slu === 0 ? String(lun) : `${lun % SECOND_LEVEL}:${slu}`;
}

/** Parses "255" or "255:1" (a lab-script argument); undefined when it is neither. */
export function parseLunText(text: string): number | undefined {
  const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const alu = Number(m[1]);
  const slu = m[2] === undefined ? 0 : Number(m[2]);
  if (alu > MAX_SECONDARY_ID || slu > MAX_SECONDARY_ID) return undefined;
  return conglomerateLun(alu, slu);
}

/**
 * Writes the 8-byte LUN of `lun` at `at`. Conglomerate members use simple logical unit addressing
 * on both levels; other LUNs peripheral addressing below 256 and flat space addressing above
 * (SAM-5 4.7), as REPORT LUNS always did here.
 */
export function encodeLun(d: Uint8Array, at: number, lun: number, conglomerate: boolean): void {
  const first = lun % SECOND_LEVEL;
  const second = Math.floor(lun / SECOND_LEVEL);
  if (conglomerate || first < 256) {
    d[at] = (first >> 8) & 0x3f;
    d[at + 1] = first & 0xff;
  } else {
    d[at] = 0x40 | ((first >> 8) & 0x3f);
    d[at + 1] = first & 0xff;
  }
  d[at + 2] = (second >> 8) & 0x3f;
  d[at + 3] = second & 0xff;
}

/** What the array asks its vVol provider about subsidiary LUNs. */
export interface Conglomerate {
  /** The vVol bound at `lun` (ALU + secondary id) for `initiator`, or undefined (not bound for it). */
  subsidiary(lun: number, initiator: string): LogicalUnit | undefined;
  /** The integer LUNs of the SLUs bound behind ALU `alu` for `initiator`, ascending. */
  subsidiaries(alu: number, initiator: string): number[];
}

/** A SCSI protocol endpoint: an ALU with no data of its own (Pure: "a volume of zero capacity"). */
export class ProtocolEndpointUnit extends LogicalUnit {
  override get conglomerate(): boolean {
    return true;
  }

  override get administrative(): boolean {
    return true;
  }
}

/**
 * READ CAPACITY cannot say "no blocks" (it returns the last LBA), so a PE reports one block: hosts
 * show it as 0 MB, as they show a Pure PE.
 */
const PE_BLOCKS = 1;

/** The ALUs of the array's SCSI protocol endpoints, for StorageArray.create. */
export async function protocolEndpointUnits(config: ArrayConfig, store: BlockStore): Promise<LogicalUnit[]> {
  const units: LogicalUnit[] = [];
  for (const pe of config.vasa?.protocolEndpoints ?? []) {
    if (pe.protocol !== 'scsi') continue;
    const lc: LunConfig = { lun: pe.lun, blocks: PE_BLOCKS, blockSize: 512 };
    const unit = new ProtocolEndpointUnit(config, lc, await store.open(`pe.${config.serial.toString(16)}.${pe.lun}`));
    units.push(unit);
  }
  return units;
}

/**
 * A vVol as the array serves it: an SLU. Its access states are those of the ALU it was last bound
 * through (the conglomerate shares one set of target port groups), and the array enforces its IOPS
 * limit: a GCRA pacer in virtual time, without burst, adds the wait to the command's service time.
 */
export class SubsidiaryUnit extends LogicalUnit {
  /** The ALU the vVol is reached through (set at bind). */
  alu: LogicalUnit;
  /** Commands per second the array lets through (0: no limit). */
  iopsLimit = 0;
  /** The pacer's theoretical arrival time of the next command, virtual µs. */
  private tat = 0;
  /** Commands the pacer delayed, and the virtual µs they waited in all. */
  throttled = 0;
  throttledUs = 0;

  constructor(array: ArrayConfig, config: LunConfig, volume: LogicalUnit['volume'], alu: LogicalUnit) {
    super(array, config, volume);
    this.alu = alu;
    // The conglomerate's access states: ALUA state and owner follow the ALU.
    Object.defineProperty(this, 'owner', {
      get: () => this.alu.owner,
      set: (sp: number) => (this.alu.owner = sp),
      configurable: true,
    });
    Object.defineProperty(this, 'alua', { get: () => this.alu.alua, configurable: true });
  }

  override get conglomerate(): boolean {
    return true;
  }

  override extraServiceUs(now: number): number {
    if (this.iopsLimit <= 0) return 0;
    const start = this.tat > now ? this.tat : now;
    this.tat = start + 1e6 / this.iopsLimit;
    if (start > now) {
      this.throttled++;
      this.throttledUs += start - now;
    }
    return start - now;
  }
}
