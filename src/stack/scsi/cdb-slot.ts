// Helpers shared by the per-command encoders and decoders (cdb-commands.ts, cdb-offloads.ts): slot
// fields are little-endian (wasm's native order), CDB bytes big-endian. asm/cdb/index.ts has the
// same helpers, so both engines report a bad field at the same byte and bit.

import { FLAG_DPO, FLAG_FUA, SLOT_FLAGS, SLOT_PROTECT } from '../../../asm/cdb/layout';

/** Writes the CDB bytes of one command from the slot's fields (o: slot offset, c: its CDB offset). */
export type Encoder = (v: DataView, o: number, c: number) => void;
/** Writes the slot's fields from the CDB bytes; returns the first bad field as fault(byte, bit), or OK. */
export type Decoder = (v: DataView, o: number, c: number) => number;

export const OK = -1;
/** A bad field: CDB byte and bit, as the sense-key-specific field pointer will report them. */
export const fault = (byte: number, bit: number): number => (byte << 8) | bit;

/** The highest set bit of a non-zero byte: a bad field is reported at its most significant bit. */
export const topBit = (x: number): number => 31 - Math.clz32(x);

/** The first non-zero CDB byte in from..to (reserved bytes), or -1. */
export function reservedByte(v: DataView, c: number, from: number, to: number): number {
  for (let i = from; i <= to; i++) if (v.getUint8(c + i) !== 0) return i;
  return -1;
}

export const u32 = (v: DataView, at: number): number => v.getUint32(at, true);
export const put32 = (v: DataView, at: number, x: number): void => v.setUint32(at, x, true);
export const flag = (v: DataView, o: number, f: number): number => (u32(v, o + SLOT_FLAGS) & f ? 1 : 0);

/** READ/WRITE-style byte 1: RDPROTECT|WRPROTECT[7:5], DPO .4, FUA .3. */
export function rwByte1(v: DataView, o: number): number {
  return ((v.getUint8(o + SLOT_PROTECT) & 7) << 5) | (flag(v, o, FLAG_DPO) << 4) | (flag(v, o, FLAG_FUA) << 3);
}
export function readRwByte1(v: DataView, o: number, c: number): void {
  const b1 = v.getUint8(c + 1);
  v.setUint8(o + SLOT_PROTECT, b1 >> 5);
  put32(v, o + SLOT_FLAGS, (b1 & 0x10 ? FLAG_DPO : 0) | (b1 & 0x08 ? FLAG_FUA : 0));
}
