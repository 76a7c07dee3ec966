// Moving small, non-block payloads (INQUIRY data, parameter lists) between JavaScript bytes and a
// command's scatter-gather list in the arena. Block data goes through sgcopy jobs instead.

import { SG_ADDR, SG_ENTRY_SIZE, SG_LEN } from '../../../asm/sgcopy/layout';
import type { Arena } from './arena';

/** Copies up to `length` bytes of `src` into the list; returns the bytes copied. */
export function writeToSgl(arena: Arena, sgl: number, nseg: number, src: Uint8Array, length: number): number {
  const dv = arena.dv;
  const u8 = arena.u8;
  let copied = 0;
  const total = Math.min(length, src.length);
  for (let i = 0; i < nseg && copied < total; i++) {
    const addr = dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_ADDR, true);
    const len = Math.min(dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_LEN, true), total - copied);
    u8.set(src.subarray(copied, copied + len), addr);
    copied += len;
  }
  return copied;
}

/** Reads up to `length` bytes out of the list into a new array. */
export function readFromSgl(arena: Arena, sgl: number, nseg: number, length: number): Uint8Array {
  const dv = arena.dv;
  const u8 = arena.u8;
  const out = new Uint8Array(length);
  let copied = 0;
  for (let i = 0; i < nseg && copied < length; i++) {
    const addr = dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_ADDR, true);
    const len = Math.min(dv.getUint32(sgl + i * SG_ENTRY_SIZE + SG_LEN, true), length - copied);
    out.set(u8.subarray(addr, addr + len), copied);
    copied += len;
  }
  return out.subarray(0, copied);
}

/** Writes a one-entry list for a contiguous buffer at `list`. */
export function setSingleSegment(arena: Arena, list: number, addr: number, length: number): void {
  const dv = arena.dv;
  dv.setUint32(list + SG_ADDR, addr, true);
  dv.setUint32(list + SG_LEN, length, true);
}
