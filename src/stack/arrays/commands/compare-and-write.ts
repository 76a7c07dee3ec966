// COMPARE AND WRITE (SBC-3 5.2): VAAI's ATS, the atomic test and set VMFS uses for its locks. The
// data-out holds NUMBER OF LOGICAL BLOCKS of verify data, then as many of write data. If the blocks
// equal the verify data they are replaced by the write data; otherwise nothing is written and the
// answer is MISCOMPARE 1D/00 with INFORMATION = offset of the first differing byte (SBC-4 5.3).
//
// Atomicity: every extent involved is first brought into memory (the IndexedDB store may have to
// load one, which yields); only then are the compare and the write done, in one synchronous stretch
// that no other command can enter. If an extent is still missing, nothing has been compared or
// written yet and the whole attempt starts over once it is loaded.

import { FLAG_FUA } from '../../../../asm/cdb/layout';
import { readFromSgl } from '../../memory/sgl';
import { SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import { MAX_COMPARE_AND_WRITE_BLOCKS } from './block-limits';
import { acknowledgeWrite, dataOutLength, loadFailed, mapExtent, piecesOf, type Piece, underrun } from './extents';

export function compareAndWrite(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  if (x.protect !== 0) return x.invalidField(1, 7); // LUNs are formatted without protection information
  if (x.length > MAX_COMPARE_AND_WRITE_BLOCKS) return x.invalidField(13);
  if (x.lba + x.length > lun.blocks) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
  // SBC-3: zero blocks means nothing is read, compared or written, and is not an error.
  if (x.length === 0) return x.good();
  const bytes = x.length * lun.blockSize;
  if (dataOutLength(x) < 2 * bytes) return underrun(x);
  const data = readFromSgl(array.arena, x.cmd.sgl, x.cmd.nseg, 2 * bytes);
  x.cmd.transferred = data.length;
  attempt(x, array, lun, piecesOf(x.lba * lun.blockSize, bytes), data.subarray(0, bytes), data.subarray(bytes));
}

function attempt(x: Exchange, array: StorageArray, lun: LogicalUnit, pieces: Piece[], verify: Uint8Array, write: Uint8Array): void {
  const retry = (pending: Promise<void>) => pending.then(() => attempt(x, array, lun, pieces, verify, write), () => loadFailed(x));
  const addrs: number[] = [];
  for (const p of pieces) {
    const addr = mapExtent(array, lun, p.index, false);
    if (typeof addr !== 'number') return void retry(addr);
    addrs.push(addr);
  }
  // From here to the acknowledgement nothing yields.
  const offset = firstDifference(array.arena.u8, pieces, addrs, verify);
  if (offset >= 0) return x.checkCondition(SenseKey.MISCOMPARE, 0x1d, 0x00, offset);
  for (let i = 0; i < pieces.length; i++) {
    // Holes compared as zeros; back them now. Every extent is in memory, so this cannot wait.
    const addr = mapExtent(array, lun, pieces[i].index, true);
    if (typeof addr !== 'number') return void retry(addr);
    addrs[i] = addr;
  }
  const u8 = array.arena.u8; // after the allocations above: the arena may have grown
  pieces.forEach(({ from, to, at }, i) => u8.set(write.subarray(at, at + to - from), addrs[i] + from));
  lun.volume.written(pieces[0].index, pieces.length);
  acknowledgeWrite(x, array, lun, x.has(FLAG_FUA));
}

/** Offset in `verify` of the first byte that differs from the blocks (a hole reads zeros), or -1. */
function firstDifference(u8: Uint8Array, pieces: Piece[], addrs: number[], verify: Uint8Array): number {
  for (let i = 0; i < pieces.length; i++) {
    const { from, to, at } = pieces[i];
    const base = addrs[i];
    for (let k = from; k < to; k++) {
      if ((base === 0 ? 0 : u8[base + k]) !== verify[at + k - from]) return at + k - from;
    }
  }
  return -1;
}
