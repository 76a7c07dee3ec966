// Encoders and decoders of the array offload (VAAI) commands, one pair per command, over a CDB slot
// laid out as in asm/cdb/layout.ts: COMPARE AND WRITE (SBC-3 5.2), WRITE SAME (16) (5.45), UNMAP
// (5.28), EXTENDED COPY (LID1) and RECEIVE COPY RESULTS (SPC-4 6.4, 6.18). Byte layouts:
// reference/scsi.md §1. asm/cdb/index.ts must leave the same slot bytes (tests/unit/cdb-parity.test.ts).
// Reserved bits and bytes are refused here (INVALID FIELD IN CDB), at the first bad byte.

import {
  SLOT_SA, SLOT_FLAGS, SLOT_LBA_LO, SLOT_LBA_HI, SLOT_LENGTH, SLOT_PARAM, SLOT_GROUP, SLOT_PROTECT, NO_BIT_PTR,
  FLAG_ANCHOR, FLAG_UNMAP, FLAG_NDOB, SA_EXTENDED_COPY_LID1, SA_COPY_STATUS_LID1, SA_OPERATING_PARAMETERS,
} from '../../../asm/cdb/layout';
import { fault, flag, OK, put32, readRwByte1, reservedByte, rwByte1, topBit, u32, type Decoder, type Encoder } from './cdb-slot';

// COMPARE AND WRITE: b1 as READ/WRITE (bits 2 and 0 reserved), LBA b2-9, reserved b10-12,
// NUMBER OF LOGICAL BLOCKS b13 (one byte), group b14.
export const encodeCompareAndWrite: Encoder = (v, o, c) => {
  v.setUint8(c + 1, rwByte1(v, o));
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_HI));
  v.setUint32(c + 6, u32(v, o + SLOT_LBA_LO));
  v.setUint8(c + 13, u32(v, o + SLOT_LENGTH) & 0xff);
  v.setUint8(c + 14, v.getUint8(o + SLOT_GROUP) & 0x1f);
};
export const decodeCompareAndWrite: Decoder = (v, o, c) => {
  readRwByte1(v, o, c);
  put32(v, o + SLOT_LBA_HI, v.getUint32(c + 2));
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 6));
  put32(v, o + SLOT_LENGTH, v.getUint8(c + 13));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 14) & 0x1f);
  const b1 = v.getUint8(c + 1) & 0x05;
  if (b1) return fault(1, topBit(b1));
  const r = reservedByte(v, c, 10, 12);
  return r >= 0 ? fault(r, NO_BIT_PTR) : OK;
};

// WRITE SAME (16): b1 = WRPROTECT[7:5], ANCHOR .4, UNMAP .3, PBDATA .2 and LBDATA .1 (obsolete,
// refused), NDOB .0; LBA b2-9; NUMBER OF LOGICAL BLOCKS b10-13; group b14.
export const encodeWriteSame16: Encoder = (v, o, c) => {
  const b1 = ((v.getUint8(o + SLOT_PROTECT) & 7) << 5) | (flag(v, o, FLAG_ANCHOR) << 4) | (flag(v, o, FLAG_UNMAP) << 3) | flag(v, o, FLAG_NDOB);
  v.setUint8(c + 1, b1);
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_HI));
  v.setUint32(c + 6, u32(v, o + SLOT_LBA_LO));
  v.setUint32(c + 10, u32(v, o + SLOT_LENGTH));
  v.setUint8(c + 14, v.getUint8(o + SLOT_GROUP) & 0x1f);
};
export const decodeWriteSame16: Decoder = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  v.setUint8(o + SLOT_PROTECT, b1 >> 5);
  put32(v, o + SLOT_FLAGS, (b1 & 0x10 ? FLAG_ANCHOR : 0) | (b1 & 0x08 ? FLAG_UNMAP : 0) | (b1 & 0x01 ? FLAG_NDOB : 0));
  put32(v, o + SLOT_LBA_HI, v.getUint32(c + 2));
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 6));
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 10));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 14) & 0x1f);
  return b1 & 0x06 ? fault(1, topBit(b1 & 0x06)) : OK;
};

// UNMAP: b1.0 ANCHOR (other bits reserved), b2-5 reserved, group b6[4:0], PARAMETER LIST LENGTH b7-8.
export const encodeUnmap: Encoder = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_ANCHOR));
  v.setUint8(c + 6, v.getUint8(o + SLOT_GROUP) & 0x1f);
  v.setUint16(c + 7, u32(v, o + SLOT_LENGTH) & 0xffff);
};
export const decodeUnmap: Decoder = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  const b6 = v.getUint8(c + 6);
  put32(v, o + SLOT_FLAGS, b1 & 1 ? FLAG_ANCHOR : 0);
  v.setUint8(o + SLOT_GROUP, b6 & 0x1f);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 7));
  if (b1 & 0xfe) return fault(1, topBit(b1 & 0xfe));
  const r = reservedByte(v, c, 2, 5);
  if (r >= 0) return fault(r, NO_BIT_PTR);
  return b6 & 0xe0 ? fault(6, topBit(b6 & 0xe0)) : OK;
};

/** Byte 1 and the reserved bytes of the copy commands, once the service action is known to be good. */
function copyReserved(v: DataView, c: number, from: number): number {
  const b1 = v.getUint8(c + 1) & 0xe0;
  if (b1) return fault(1, topBit(b1));
  const r = reservedByte(v, c, from, 9);
  if (r >= 0) return fault(r, NO_BIT_PTR);
  return v.getUint8(c + 14) ? fault(14, NO_BIT_PTR) : OK;
}

// EXTENDED COPY: service action b1[4:0] (only LID1 here), PARAMETER LIST LENGTH b10-13.
export const encodeExtendedCopy: Encoder = (v, o, c) => {
  v.setUint8(c + 1, v.getUint8(o + SLOT_SA) & 0x1f);
  v.setUint32(c + 10, u32(v, o + SLOT_LENGTH));
};
export const decodeExtendedCopy: Decoder = (v, o, c) => {
  const sa = v.getUint8(c + 1) & 0x1f;
  v.setUint8(o + SLOT_SA, sa);
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 10));
  return sa === SA_EXTENDED_COPY_LID1 ? copyReserved(v, c, 2) : fault(1, 4);
};

// RECEIVE COPY RESULTS: service action b1[4:0] (COPY STATUS or OPERATING PARAMETERS), LIST
// IDENTIFIER b2 (in SLOT_PARAM), ALLOCATION LENGTH b10-13.
export const encodeReceiveCopyResults: Encoder = (v, o, c) => {
  v.setUint8(c + 1, v.getUint8(o + SLOT_SA) & 0x1f);
  v.setUint8(c + 2, v.getUint8(o + SLOT_PARAM));
  v.setUint32(c + 10, u32(v, o + SLOT_LENGTH));
};
export const decodeReceiveCopyResults: Decoder = (v, o, c) => {
  const sa = v.getUint8(c + 1) & 0x1f;
  v.setUint8(o + SLOT_SA, sa);
  v.setUint8(o + SLOT_PARAM, v.getUint8(c + 2));
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 10));
  return sa === SA_COPY_STATUS_LID1 || sa === SA_OPERATING_PARAMETERS ? copyReserved(v, c, 3) : fault(1, 4);
};
