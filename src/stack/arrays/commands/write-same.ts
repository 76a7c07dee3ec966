// WRITE SAME (16) (SBC-3 5.45): VAAI's Zero (Block Zero). One block of data-out (or zeros, with
// NDOB) is written to every block of the range. With UNMAP on a thin LUN and a block of zeros the
// range is deallocated instead: it reads zeros all the same (LBPRZ), and whole extents give their
// memory back. A non-zero block is written even with UNMAP, since it must read back as written.

import { FLAG_ANCHOR, FLAG_NDOB, FLAG_UNMAP } from '../../../../asm/cdb/layout';
import { readFromSgl } from '../../memory/sgl';
import { SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import { maxWriteSameBlocks } from './block-limits';
import { acknowledgeWrite, dataOutLength, deallocateBytes, isZero, loadFailed, mapExtent, piecesOf, runSteps, underrun } from './extents';

export function writeSame16(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  if (x.protect !== 0) return x.invalidField(1, 7); // LUNs are formatted without protection information
  if (x.has(FLAG_ANCHOR)) return x.invalidField(1, 4); // VPD 0xB2 ANC_SUP is 0: no anchored blocks
  // A thick LUN has LBPWS 0: unmapping through WRITE SAME is not supported there.
  if (x.has(FLAG_UNMAP) && !lun.thin) return x.invalidField(1, 3);
  // WSNZ is 1 (VPD 0xB0): zero blocks does not mean "to the end of the LUN" here.
  if (x.length === 0 || x.length > maxWriteSameBlocks(lun)) return x.invalidField(10);
  if (x.lba + x.length > lun.blocks) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
  let block: Uint8Array;
  if (x.has(FLAG_NDOB)) {
    block = new Uint8Array(lun.blockSize); // no data-out buffer: zeros
  } else {
    if (dataOutLength(x) < lun.blockSize) return underrun(x);
    block = readFromSgl(array.arena, x.cmd.sgl, x.cmd.nseg, lun.blockSize);
    x.cmd.transferred = block.length;
  }
  const start = x.lba * lun.blockSize;
  const bytes = x.length * lun.blockSize;
  const finish = (error?: unknown) => (error ? loadFailed(x) : acknowledgeWrite(x, array, lun));
  if (x.has(FLAG_UNMAP) && isZero(block)) return deallocateBytes(array, lun, start, bytes, finish);
  x.cmd.serviceUs += array.internalWorkUs(bytes);
  fill(array, lun, start, bytes, block, finish);
}

/** Writes `block` to every block of bytes [start, start + length), extent by extent. */
function fill(array: StorageArray, lun: LogicalUnit, start: number, length: number, block: Uint8Array, done: (error?: unknown) => void): void {
  const zero = isZero(block);
  const pieces = piecesOf(start, length);
  runSteps(pieces.length, (i) => {
    const { index, from, to } = pieces[i];
    const addr = mapExtent(array, lun, index, true);
    if (typeof addr !== 'number') return addr;
    const u8 = array.arena.u8;
    // Extents hold whole blocks and the range starts on a block, so each piece starts on one too.
    if (zero) u8.fill(0, addr + from, addr + to);
    else for (let at = from; at < to; at += block.length) u8.set(block, addr + at);
    lun.volume.written(index, 1);
    return null;
  }, done);
}
