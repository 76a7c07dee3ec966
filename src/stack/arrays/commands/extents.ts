// Block access for the commands other than READ and WRITE (the array offloads): extents are mapped
// one at a time, waiting where the block store must first load one, and a write is acknowledged by
// the same rule as WRITE: durable first, unless the LUN is write-back and FUA is clear.

import { EXTENT_SIZE } from '../../blockstore/block-store';
import { readFromSgl } from '../../memory/sgl';
import type { ScsiCommand } from '../../scsi/command';
import { HostStatus, SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';

/**
 * The arena address of extent `index` (0: a hole, only when !forWrite; forWrite backs it first), or
 * a promise when the block store must load it first: call again once it settles. Synchronous
 * callers must use the address before anything else runs: the scratch table is the array's.
 */
export function mapExtent(array: StorageArray, lun: LogicalUnit, index: number, forWrite: boolean): number | Promise<void> {
  const pending = lun.volume.map(index, 1, forWrite, array.scratch.extents);
  return pending ?? array.arena.dv.getUint32(array.scratch.extents, true);
}

/**
 * Runs step(0) .. step(count - 1) in order. A step that must wait for the block store returns the
 * promise (having changed nothing) and is run again once it settles. `done` gets the load's error.
 */
export function runSteps(count: number, step: (i: number) => Promise<void> | null, done: (error?: unknown) => void): void {
  let i = 0;
  const next = (): void => {
    while (i < count) {
      const pending = step(i);
      if (pending) {
        pending.then(next, done);
        return;
      }
      i++;
    }
    done();
  };
  next();
}

/** A byte range of one extent, [from, to) inside extent `index`, at offset `at` of the whole range. */
export interface Piece {
  index: number;
  from: number;
  to: number;
  at: number;
}

/** The pieces of each extent that bytes [start, start + length) of a LUN touch, in order. */
export function piecesOf(start: number, length: number): Piece[] {
  const pieces: Piece[] = [];
  for (let at = 0; at < length; ) {
    const index = Math.floor((start + at) / EXTENT_SIZE);
    const from = start + at - index * EXTENT_SIZE;
    const to = Math.min(EXTENT_SIZE, from + length - at);
    pieces.push({ index, from, to, at });
    at += to - from;
  }
  return pieces;
}

export function isZero(bytes: Uint8Array, from = 0, to = bytes.length): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** UNRECOVERED READ ERROR: the block store could not load an extent. */
export function loadFailed(x: Exchange): void {
  x.checkCondition(SenseKey.MEDIUM_ERROR, 0x11, 0x00);
}

/** Bytes of data-out the initiator sent: none when the command was not sent as a data-out one. */
export function dataOutLength(x: Exchange): number {
  return x.cmd.direction === 'out' ? x.cmd.dataLength : 0;
}

/**
 * The parameter list of a command that carries one (UNMAP, EXTENDED COPY), read from its data-out,
 * or null once the command is answered: GOOD for an empty list (no parameter data is no error),
 * PARAMETER LIST LENGTH ERROR (1A/00) for one shorter than its header or longer than what was sent.
 */
export function parameterList(x: Exchange, array: StorageArray, header: number): Uint8Array | null {
  const length = x.length;
  if (length === 0) {
    x.good();
    return null;
  }
  if (length < header || length > dataOutLength(x)) {
    x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x1a, 0x00);
    return null;
  }
  x.cmd.transferred = length;
  return readFromSgl(array.arena, x.cmd.sgl, x.cmd.nseg, length);
}

/** The initiator sent less data-out than the command needs: a transport-level underrun, as WRITE. */
export function underrun(x: Exchange): void {
  x.cmd.hostStatus = HostStatus.ERROR;
  x.good();
}

/** GOOD for a command that changed blocks: at once for write-back without FUA, else once durable. */
export function acknowledgeWrite(x: Exchange, array: StorageArray, lun: LogicalUnit, fua = false): void {
  if (lun.cacheMode === 'write-back' && !fua) return x.good();
  awaitDurability(x.cmd, lun, array);
  x.good();
}

/**
 * Answers now but marks the answer provisional until the block store says the write is durable, so
 * many writes share one IndexedDB transaction and no one takes the answer for an ack too early.
 */
export function awaitDurability(cmd: ScsiCommand, lun: LogicalUnit, array: StorageArray): void {
  cmd.pendingDurability = true;
  const epoch = ++cmd.durabilityEpoch;
  lun.volume.whenDurable((error) => {
    // The command may have been aborted and reused since: this write's news is not the new one's.
    if (cmd.durabilityEpoch !== epoch) return;
    cmd.pendingDurability = false;
    if (error) array.failCommand(cmd, lun, SenseKey.DATA_PROTECT, 0x27, 0x07); // space allocation failed
    const resume = cmd.onDurable;
    cmd.onDurable = undefined;
    resume?.();
  });
}

/**
 * Gives bytes [start, start + length) of a thin LUN back: whole extents are deallocated (they read
 * zeros and free their memory), the partial ones at either end are zeroed where backed.
 */
export function deallocateBytes(array: StorageArray, lun: LogicalUnit, start: number, length: number, done: (error?: unknown) => void): void {
  const pieces = piecesOf(start, length);
  runSteps(pieces.length, (i) => {
    const { index, from, to } = pieces[i];
    if (from === 0 && to === EXTENT_SIZE) {
      lun.volume.deallocate(index, 1);
      return null;
    }
    const addr = mapExtent(array, lun, index, false);
    if (typeof addr !== 'number') return addr;
    if (addr !== 0) {
      array.arena.u8.fill(0, addr + from, addr + to);
      lun.volume.written(index, 1);
    }
    return null;
  }, done);
}
