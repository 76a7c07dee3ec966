// READ and WRITE (10)/(16) and SYNCHRONIZE CACHE (10): the data path. Data moves between the
// command's scatter-gather list and the LUN's extents by one sgcopy job; a write is acknowledged
// only once durable for the LUN's cache mode (write-through, or FUA), else at once (write-back).

import { FLAG_FUA, FLAG_IMMED, OP_READ_10, OP_SYNCHRONIZE_CACHE_10, OP_WRITE_10, OP_WRITE_16 } from '../../../../asm/cdb/layout';
import * as J from '../../../../asm/sgcopy/layout';
import { EXTENT_SIZE } from '../../blockstore/block-store';
import { HostStatus, SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import { MAX_TRANSFER_BYTES } from './block-limits';
import { awaitDurability, dataOutLength } from './extents';

/** Extents one transfer can touch: the largest transfer plus a partial extent at each end. */
export const MAX_EXTENTS_PER_COMMAND = MAX_TRANSFER_BYTES / EXTENT_SIZE + 2;

export function readWrite(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  const isWrite = x.opcode === OP_WRITE_10 || x.opcode === OP_WRITE_16;
  if (x.protect !== 0) return x.invalidField(1, 7); // LUNs are formatted without protection information
  if (x.lba + x.length > lun.blocks) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
  if (x.length * lun.blockSize > MAX_TRANSFER_BYTES) {
    return x.invalidField(x.opcode === OP_READ_10 || x.opcode === OP_WRITE_10 ? 7 : 10);
  }
  const bytes = x.length * lun.blockSize;
  if (bytes === 0) return x.good();
  if (isWrite && dataOutLength(x) < bytes) {
    // The initiator offered less data than the CDB asks for (or none: a data-in buffer is no data to
    // write): a transport-level underrun.
    x.cmd.hostStatus = HostStatus.ERROR;
    return x.good();
  }
  transfer(x, array, lun, isWrite, bytes);
}

function transfer(x: Exchange, array: StorageArray, lun: LogicalUnit, isWrite: boolean, bytes: number): void {
  const start = x.lba * lun.blockSize;
  const first = Math.floor(start / EXTENT_SIZE);
  const count = Math.floor((start + bytes - 1) / EXTENT_SIZE) - first + 1;
  const pending = lun.volume.map(first, count, isWrite, array.scratch.extents);
  if (pending) {
    pending.then(
      () => transfer(x, array, lun, isWrite, bytes),
      () => x.checkCondition(SenseKey.MEDIUM_ERROR, 0x11, 0x00), // unrecovered read error
    );
    return;
  }
  const dv = array.arena.dv;
  const job = array.scratch.job;
  dv.setUint32(job + J.JOB_DIR, isWrite ? J.DIR_FROM_SGL : J.DIR_TO_SGL, true);
  dv.setUint32(job + J.JOB_SGL, x.cmd.sgl, true);
  dv.setUint32(job + J.JOB_NSEG, x.cmd.nseg, true);
  // JOB_EXTENTS and JOB_EXTENT_SIZE never change: the array wrote them when it made the job.
  dv.setUint32(job + J.JOB_OFFSET, start - first * EXTENT_SIZE, true);
  dv.setUint32(job + J.JOB_BYTES, isWrite ? bytes : Math.min(bytes, x.cmd.dataLength), true);
  x.cmd.transferred = array.arena.sg.run(job, 1);
  if (!isWrite) return x.good();
  lun.volume.written(first, count);
  if (lun.cacheMode === 'write-back' && !x.has(FLAG_FUA)) return x.good();
  awaitDurability(x.cmd, lun, array);
  x.good();
}

export function synchronizeCache(x: Exchange, lun: LogicalUnit): void {
  if (x.opcode !== OP_SYNCHRONIZE_CACHE_10) return x.invalidField(0);
  const blocks = x.length === 0 ? lun.blocks - x.lba : x.length;
  if (x.lba >= lun.blocks || x.lba + blocks > lun.blocks) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
  if (x.has(FLAG_IMMED)) {
    lun.volume.whenDurable(() => {});
    return x.good();
  }
  lun.volume.whenDurable((error) => (error ? outOfSpace(x) : x.good()));
}

/** DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (27/07): what thin arrays say when full. */
function outOfSpace(x: Exchange): void {
  x.checkCondition(SenseKey.DATA_PROTECT, 0x27, 0x07);
}
