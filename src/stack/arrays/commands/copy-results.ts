// RECEIVE COPY RESULTS (SPC-4 6.18), LID1: what EXTENDED COPY's copy manager reports. OPERATING
// PARAMETERS gives the limits the copy manager enforces (ESXi's XCOPY and LIO read them); COPY
// STATUS gives the outcome of a copy by its list identifier, on the same I_T nexus and LUN. Copies
// finish before their command completes, so a status is always "completed".

import { SA_OPERATING_PARAMETERS } from '../../../../asm/cdb/layout';
import { SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import {
  MAX_DESCRIPTOR_LIST_LENGTH, MAX_SEGMENT_BYTES, MAX_SEGMENT_DESCRIPTORS, MAX_TARGET_DESCRIPTORS,
} from './block-limits';

/** CSCD descriptor type code: identification descriptor (a LUN named by a VPD 0x83 designator). */
export const IDENTIFICATION_DESCRIPTOR = 0xe4;
/** Segment descriptor type code: block device to block device. */
export const BLOCK_TO_BLOCK = 0x02;

/** The array can act on EXTENDED COPY (INQUIRY 3PC) when its LUNs have NAA designators to name them by. */
export function isCopyManager(array: StorageArray): boolean {
  return (array.config.identifiers ?? 'naa') === 'naa';
}

/** The outcome of a finished copy. */
export interface CopyResult {
  /** COPY MANAGER STATUS: 1 completed without errors, 2 completed with errors. */
  status: number;
  segments: number;
  bytes: number;
}

const MAX_HELD_RESULTS = 64;
const held = new WeakMap<StorageArray, Map<string, CopyResult>>();

const keyOf = (array: StorageArray, x: Exchange, lun: LogicalUnit, listId: number): string => `${lun.number}/${array.nexus(x)}/${listId}`;

/** Keeps a copy's outcome for COPY STATUS. */
export function holdCopyResult(array: StorageArray, x: Exchange, lun: LogicalUnit, listId: number, result: CopyResult): void {
  let results = held.get(array);
  if (!results) held.set(array, (results = new Map()));
  const key = keyOf(array, x, lun, listId);
  results.delete(key);
  results.set(key, result);
  // The oldest go first: an initiator that never asks must not make the array grow.
  if (results.size > MAX_HELD_RESULTS) results.delete(results.keys().next().value!);
}

export function receiveCopyResults(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  if (!isCopyManager(array)) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
  if (x.serviceAction === SA_OPERATING_PARAMETERS) return x.dataIn(operatingParameters(lun), x.length);
  // COPY STATUS (LID1): LIST IDENTIFIER is CDB byte 2 (SLOT_PARAM).
  const result = held.get(array)?.get(keyOf(array, x, lun, x.param));
  if (!result) return x.invalidField(2);
  const d = new Uint8Array(12);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, d.length - 4); // AVAILABLE DATA
  d[4] = result.status; // HDD 0, COPY MANAGER STATUS
  dv.setUint16(5, result.segments); // SEGMENTS PROCESSED
  const kib = result.bytes > 0xffffffff;
  d[7] = kib ? 0x01 : 0x00; // TRANSFER COUNT UNITS: bytes, or KiB for a very large copy
  dv.setUint32(8, kib ? Math.floor(result.bytes / 1024) : result.bytes); // TRANSFER COUNT
  x.dataIn(d, x.length);
}

/** OPERATING PARAMETERS (SPC-4 6.18.4): the limits extended-copy.ts enforces. */
function operatingParameters(lun: LogicalUnit): Uint8Array {
  const d = new Uint8Array(46);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, d.length - 4); // AVAILABLE DATA
  d[4] = 0x01; // SNLID: LIST ID USAGE 11b (no list identifier) is supported
  dv.setUint16(8, MAX_TARGET_DESCRIPTORS); // MAXIMUM CSCD DESCRIPTOR COUNT
  dv.setUint16(10, MAX_SEGMENT_DESCRIPTORS); // MAXIMUM SEGMENT DESCRIPTOR COUNT
  dv.setUint32(12, MAX_DESCRIPTOR_LIST_LENGTH); // MAXIMUM DESCRIPTOR LIST LENGTH
  dv.setUint32(16, MAX_SEGMENT_BYTES); // MAXIMUM SEGMENT LENGTH
  // 20..31 stay 0: no inline data, no held data, no stream devices.
  dv.setUint16(34, 1); // TOTAL CONCURRENT COPIES: one, finished before its command completes
  d[36] = 1; // MAXIMUM CONCURRENT COPIES
  d[37] = 31 - Math.clz32(lun.blockSize); // DATA SEGMENT GRANULARITY (log2): whole blocks
  d[43] = 2; // IMPLEMENTED DESCRIPTOR LIST LENGTH
  d[44] = BLOCK_TO_BLOCK;
  d[45] = IDENTIFICATION_DESCRIPTOR;
  return d;
}
