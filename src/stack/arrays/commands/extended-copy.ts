// EXTENDED COPY (LID1) (SPC-4 6.4): VAAI's Clone (XCOPY, Full Copy). The LUN the command is sent to
// acts as the copy manager of its array (copy-results.ts answers for it afterwards). The parameter list: a
// 16-byte header, CSCD (target) descriptors of type 0xE4 that name LUNs by the designator hosts
// read in VPD 0x83 (NAA, association LU), then block-to-block segment descriptors (type 0x02).
// Everything is checked before a byte moves, so a refused list copies nothing; a LUN that is not
// in this array is COPY ABORTED, COPY TARGET DEVICE NOT REACHABLE (0D/02), which tells ESXi to copy
// in software instead (LIO answers the same).

import { NO_BIT_PTR } from '../../../../asm/cdb/layout';
import { SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import {
  MAX_DESCRIPTOR_LIST_LENGTH, MAX_SEGMENT_BYTES, MAX_SEGMENT_DESCRIPTORS, MAX_TARGET_DESCRIPTORS,
} from './block-limits';
import { BLOCK_TO_BLOCK, holdCopyResult, IDENTIFICATION_DESCRIPTOR, isCopyManager } from './copy-results';
import { acknowledgeWrite, isZero, loadFailed, mapExtent, parameterList, piecesOf, runSteps } from './extents';

const HEADER = 16;
const TARGET_DESCRIPTOR = 32;
const SEGMENT_DESCRIPTOR = 28;
const NO_LIST_ID = 3; // LIST ID USAGE 11b: the initiator will not ask for results
// Additional sense codes for the descriptor lists (SPC-4 table D.1, as sg_decode_sense names them).
const TOO_MANY_TARGET_DESCRIPTORS = 0x06;
const UNSUPPORTED_TARGET_DESCRIPTOR = 0x07;
const TOO_MANY_SEGMENT_DESCRIPTORS = 0x08;
const UNSUPPORTED_SEGMENT_DESCRIPTOR = 0x09;
const UNEXPECTED_INEXACT_SEGMENT = 0x0a;
const INLINE_DATA_LENGTH_EXCEEDED = 0x0b;

interface Segment {
  source: LogicalUnit;
  destination: LogicalUnit;
  sourceLba: number;
  destinationLba: number;
  bytes: number;
}

export function extendedCopy(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  if (!isCopyManager(array)) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
  const list = parameterList(x, array, HEADER);
  if (!list) return;
  const segments = parse(x, array, list);
  if (!segments) return;
  const listId = list[0];
  const keep = ((list[1] >> 3) & 3) !== NO_LIST_ID;
  let copied = 0;
  const next = (i: number): void => {
    if (i === segments.length) {
      if (keep) holdCopyResult(array, x, lun, listId, { status: 1, segments: i, bytes: copied });
      x.cmd.serviceUs += array.internalWorkUs(copied);
      // Written through to every destination before GOOD, unless all of them are write-back.
      const durable = segments.find((s) => s.destination.cacheMode !== 'write-back')?.destination;
      return durable ? acknowledgeWrite(x, array, durable) : x.good();
    }
    copySegment(array, segments[i], (error) => {
      if (!error) {
        copied += segments[i].bytes;
        return next(i + 1);
      }
      if (keep) holdCopyResult(array, x, lun, listId, { status: 2, segments: i, bytes: copied });
      loadFailed(x);
    });
  };
  next(0);
}

/** Checks the whole parameter list; the segments to copy, or undefined once it has been refused. */
function parse(x: Exchange, array: StorageArray, p: Uint8Array): Segment[] | undefined {
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const usage = (p[1] >> 3) & 3; // LIST ID USAGE; STR and PRIORITY are hints, ignored
  if (p[1] & 0xc0) return void x.invalidParameter(1, p[1] & 0x80 ? 7 : 6);
  if (usage === 1) return void x.invalidParameter(1, 4); // reserved value
  if (usage === NO_LIST_ID && p[0] !== 0) return void x.invalidParameter(0);
  const targetLength = dv.getUint16(2);
  for (let at = 4; at < 8; at++) if (p[at] !== 0) return void x.invalidParameter(at);
  const segmentLength = dv.getUint32(8);
  if (targetLength + segmentLength > MAX_DESCRIPTOR_LIST_LENGTH) return void parameterListLength(x);
  // MAXIMUM INLINE DATA LENGTH is 0: segments that carry data in the list are not implemented.
  if (dv.getUint32(12) !== 0) return void x.invalidParameter(12, NO_BIT_PTR, INLINE_DATA_LENGTH_EXCEEDED);
  if (HEADER + targetLength + segmentLength > p.length) return void parameterListLength(x);

  const targets: number[] = []; // offsets of the target descriptors
  for (let at = HEADER; at < HEADER + targetLength; at += TARGET_DESCRIPTOR) {
    if (p[at] !== IDENTIFICATION_DESCRIPTOR) return void x.invalidParameter(at, NO_BIT_PTR, UNSUPPORTED_TARGET_DESCRIPTOR);
    if (at + TARGET_DESCRIPTOR > HEADER + targetLength) return void x.invalidParameter(2);
    if (targets.length === MAX_TARGET_DESCRIPTORS) return void x.invalidParameter(2, NO_BIT_PTR, TOO_MANY_TARGET_DESCRIPTORS);
    const bad = badTarget(p, at);
    if (bad) return void x.invalidParameter(bad[0], bad[1]);
    targets.push(at);
  }

  const base = HEADER + targetLength;
  const found: { at: number; source: number; destination: number; blocks: number; sourceLba: number; destinationLba: number; dc: boolean }[] = [];
  for (let at = base; at < base + segmentLength; at += SEGMENT_DESCRIPTOR) {
    if (p[at] !== BLOCK_TO_BLOCK) return void x.invalidParameter(at, NO_BIT_PTR, UNSUPPORTED_SEGMENT_DESCRIPTOR);
    if (at + SEGMENT_DESCRIPTOR > base + segmentLength) return void x.invalidParameter(8);
    if (found.length === MAX_SEGMENT_DESCRIPTORS) return void x.invalidParameter(8, NO_BIT_PTR, TOO_MANY_SEGMENT_DESCRIPTORS);
    if (p[at + 1] & 0xfc) return void x.invalidParameter(at + 1, 31 - Math.clz32(p[at + 1] & 0xfc));
    if (dv.getUint16(at + 2) !== SEGMENT_DESCRIPTOR - 4) return void x.invalidParameter(at + 2);
    const source = dv.getUint16(at + 4);
    const destination = dv.getUint16(at + 6);
    if (source >= targets.length) return void x.invalidParameter(at + 4);
    if (destination >= targets.length) return void x.invalidParameter(at + 6);
    if (p[at + 8] !== 0 || p[at + 9] !== 0) return void x.invalidParameter(p[at + 8] !== 0 ? at + 8 : at + 9);
    const sourceLba = dv.getUint32(at + 12) * 2 ** 32 + dv.getUint32(at + 16);
    const destinationLba = dv.getUint32(at + 20) * 2 ** 32 + dv.getUint32(at + 24);
    // DC: the BLOCK DEVICE NUMBER OF BLOCKS counts destination blocks instead of source blocks.
    found.push({ at, source, destination, blocks: dv.getUint16(at + 10), sourceLba, destinationLba, dc: (p[at + 1] & 0x02) !== 0 });
  }

  // Only now, with the whole list well formed, are the LUNs looked up.
  const luns = new Map<number, LogicalUnit>();
  for (const s of found) {
    for (const index of [s.source, s.destination]) {
      if (luns.has(index)) continue;
      const at = targets[index];
      const target = lunNamed(array, p.subarray(at + 8, at + 8 + p[at + 7]));
      if (!target) return void x.checkCondition(SenseKey.COPY_ABORTED, 0x0d, 0x02);
      // DISK BLOCK LENGTH (device type specific parameters, bytes 29-31) must be the LUN's.
      if (((p[at + 29] << 16) | (p[at + 30] << 8) | p[at + 31]) !== target.blockSize) return void x.invalidParameter(at + 29);
      luns.set(index, target);
    }
  }
  const segments: Segment[] = [];
  for (const s of found) {
    const source = luns.get(s.source)!;
    const destination = luns.get(s.destination)!;
    const bytes = s.blocks * (s.dc ? destination.blockSize : source.blockSize);
    if (bytes % source.blockSize !== 0 || bytes % destination.blockSize !== 0) {
      return void x.invalidParameter(s.at + 10, NO_BIT_PTR, UNEXPECTED_INEXACT_SEGMENT);
    }
    if (bytes > MAX_SEGMENT_BYTES) return void x.invalidParameter(s.at + 10);
    if (s.sourceLba + bytes / source.blockSize > source.blocks || s.destinationLba + bytes / destination.blockSize > destination.blocks) {
      return void x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
    }
    if (bytes > 0) segments.push({ source, destination, sourceLba: s.sourceLba, destinationLba: s.destinationLba, bytes });
  }
  return segments;
}

/** Where an identification CSCD descriptor is unusable here ([byte, bit]); undefined for a block LU named by NAA. */
function badTarget(p: Uint8Array, at: number): [number, number] | undefined {
  const b1 = p[at + 1];
  if (b1 & 0xc0) return [at + 1, b1 & 0x80 ? 7 : 6]; // LU ID TYPE: only the LU itself, no proxy token
  if (b1 & 0x20) return [at + 1, 5]; // NUL: there is no null device here
  if (b1 & 0x1f) return [at + 1, 4]; // PERIPHERAL DEVICE TYPE: block devices only
  if ((p[at + 4] & 0x0f) !== 1) return [at + 4, 3]; // CODE SET: binary
  if ((p[at + 5] & 0x30) !== 0) return [at + 5, 5]; // ASSOCIATION: the addressed LU
  if ((p[at + 5] & 0x0f) !== 3) return [at + 5, 3]; // DESIGNATOR TYPE: NAA
  if (p[at + 7] !== 8 && p[at + 7] !== 16) return [at + 7, NO_BIT_PTR]; // the two NAA lengths
  return undefined;
}

/** The LUN of this array (and not lost) whose NAA designator is `naa`. */
function lunNamed(array: StorageArray, naa: Uint8Array): LogicalUnit | undefined {
  return array.luns.find((l) => !l.lost && l.naa.length === naa.length && l.naa.every((b, i) => b === naa[i]));
}

function parameterListLength(x: Exchange): void {
  x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x1a, 0x00);
}

/** Reads the whole source range, then writes it: overlapping ranges copy as if through a buffer. */
function copySegment(array: StorageArray, s: Segment, done: (error?: unknown) => void): void {
  const buffer = new Uint8Array(s.bytes); // holes of the source stay zeros
  const source = piecesOf(s.sourceLba * s.source.blockSize, s.bytes);
  runSteps(source.length, (i) => {
    const { index, from, to, at } = source[i];
    const addr = mapExtent(array, s.source, index, false);
    if (typeof addr !== 'number') return addr;
    if (addr !== 0) buffer.set(array.arena.u8.subarray(addr + from, addr + to), at);
    return null;
  }, (error) => {
    if (error) return done(error);
    const destination = piecesOf(s.destinationLba * s.destination.blockSize, s.bytes);
    runSteps(destination.length, (i) => {
      const { index, from, to, at } = destination[i];
      const zero = isZero(buffer, at, at + to - from);
      // Zeros into a hole leave it a hole: a thin destination stays thin where the source was.
      const addr = mapExtent(array, s.destination, index, !zero);
      if (typeof addr !== 'number') return addr;
      if (addr === 0) return null;
      array.arena.u8.set(buffer.subarray(at, at + to - from), addr + from);
      s.destination.volume.written(index, 1);
      return null;
    }, done);
  });
}
