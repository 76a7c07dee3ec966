// Sense data, fixed (0x70/0x71) and descriptor (0x72/0x73) format, over a sense slot laid out as in
// asm/cdb/layout.ts. Byte layouts: reference/scsi.md §3 (Linux scsi_build_sense_buffer, QEMU
// scsi_build_sense_buf). asm/cdb must leave the same slot bytes (tests/unit/cdb-parity.test.ts).

import {
  NO_BIT_PTR, SENSE_RESPONSE, SENSE_KEY, SENSE_ASC, SENSE_ASCQ, SENSE_INFO_VALID, SENSE_SKS_VALID, SENSE_CD,
  SENSE_BIT_PTR, SENSE_FIELD_PTR, SENSE_LEN, SENSE_RESULT, SENSE_INFO_LO, SENSE_INFO_HI, SENSE_OUT, SENSE_OUT_MAX,
} from '../../../asm/cdb/layout';

const FIXED_LENGTH = 18;
const DESCRIPTOR_HEADER = 8;
const INFO_DESCRIPTOR = 0x00; // 00 0a 80 00 + 64-bit INFORMATION
const SKS_DESCRIPTOR = 0x02; // 02 06 00 00 + the 3 sense-key-specific bytes + 1 reserved

const isDescriptor = (response: number): boolean => (response & 0xfe) === 0x72;

/** First sense-key-specific byte for ILLEGAL REQUEST: SKSV, C/D, then BPV and the bit pointer. */
function sksByte0(v: DataView, o: number): number {
  const bit = v.getUint8(o + SENSE_BIT_PTR);
  return 0x80 | (v.getUint8(o + SENSE_CD) ? 0x40 : 0) | (bit < 8 ? 0x08 | bit : 0);
}

/** Fields → SENSE_OUT and SENSE_LEN for the sense slot at offset o. */
export function encodeSenseSlot(v: DataView, o: number): void {
  const out = o + SENSE_OUT;
  for (let i = 0; i < SENSE_OUT_MAX; i += 4) v.setUint32(out + i, 0);
  const response = v.getUint8(o + SENSE_RESPONSE);
  const deferred = response & 1; // anything else that is not 0x72/0x73 becomes fixed format
  const key = v.getUint8(o + SENSE_KEY) & 0x0f;
  const infoValid = v.getUint8(o + SENSE_INFO_VALID) !== 0;
  const sksValid = v.getUint8(o + SENSE_SKS_VALID) !== 0;
  const infoLo = v.getUint32(o + SENSE_INFO_LO, true);
  const infoHi = v.getUint32(o + SENSE_INFO_HI, true);
  const fieldPtr = v.getUint16(o + SENSE_FIELD_PTR, true);
  let length: number;
  if (isDescriptor(response)) {
    v.setUint8(out, 0x72 | deferred);
    v.setUint8(out + 1, key);
    v.setUint8(out + 2, v.getUint8(o + SENSE_ASC));
    v.setUint8(out + 3, v.getUint8(o + SENSE_ASCQ));
    length = DESCRIPTOR_HEADER;
    if (infoValid) {
      v.setUint32(out + length, (INFO_DESCRIPTOR << 24) | 0x0a8000);
      v.setUint32(out + length + 4, infoHi);
      v.setUint32(out + length + 8, infoLo);
      length += 12;
    }
    if (sksValid) {
      v.setUint16(out + length, (SKS_DESCRIPTOR << 8) | 0x06);
      v.setUint8(out + length + 4, sksByte0(v, o));
      v.setUint16(out + length + 5, fieldPtr);
      length += 8;
    }
    v.setUint8(out + 7, length - DESCRIPTOR_HEADER);
  } else {
    // INFORMATION is 32 bits here: a larger value keeps its low half with VALID clear, as Linux does.
    v.setUint8(out, (infoValid && infoHi === 0 ? 0x80 : 0) | 0x70 | deferred);
    v.setUint8(out + 2, key);
    if (infoValid) v.setUint32(out + 3, infoLo);
    v.setUint8(out + 7, FIXED_LENGTH - 8);
    v.setUint8(out + 12, v.getUint8(o + SENSE_ASC));
    v.setUint8(out + 13, v.getUint8(o + SENSE_ASCQ));
    if (sksValid) {
      v.setUint8(out + 15, sksByte0(v, o));
      v.setUint16(out + 16, fieldPtr);
    }
    length = FIXED_LENGTH;
  }
  v.setUint8(o + SENSE_LEN, length);
}

interface Parsed {
  response: number; key: number; asc: number; ascq: number;
  infoValid: number; infoLo: number; infoHi: number;
  /** Offset of the 3 sense-key-specific bytes, or -1 when there are none. */
  sks: number;
}

function writeFields(v: DataView, o: number, p: Parsed, result: number): void {
  const b0 = p.sks < 0 ? 0 : v.getUint8(p.sks);
  const sksValid = b0 & 0x80;
  v.setUint8(o + SENSE_RESPONSE, p.response);
  v.setUint8(o + SENSE_KEY, p.key);
  v.setUint8(o + SENSE_ASC, p.asc);
  v.setUint8(o + SENSE_ASCQ, p.ascq);
  v.setUint8(o + SENSE_INFO_VALID, p.infoValid);
  v.setUint8(o + SENSE_SKS_VALID, sksValid ? 1 : 0);
  v.setUint8(o + SENSE_CD, sksValid && b0 & 0x40 ? 1 : 0);
  v.setUint8(o + SENSE_BIT_PTR, sksValid && b0 & 0x08 ? b0 & 7 : NO_BIT_PTR);
  v.setUint16(o + SENSE_FIELD_PTR, sksValid ? v.getUint16(p.sks + 1) : 0, true);
  v.setUint8(o + SENSE_RESULT, result);
  v.setUint32(o + SENSE_INFO_LO, p.infoLo, true);
  v.setUint32(o + SENSE_INFO_HI, p.infoHi, true);
}

const NOT_SENSE: Parsed = { response: 0, key: 0, asc: 0, ascq: 0, infoValid: 0, infoLo: 0, infoHi: 0, sks: -1 };

/** SENSE_OUT (SENSE_LEN bytes, either format) → fields; SENSE_RESULT 1 when it is not sense data. */
export function decodeSenseSlot(v: DataView, o: number): void {
  const b = o + SENSE_OUT;
  const n = Math.min(v.getUint8(o + SENSE_LEN), SENSE_OUT_MAX);
  const response = v.getUint8(b) & 0x7f;
  if (n < 8 || response < 0x70 || response > 0x73) {
    writeFields(v, o, NOT_SENSE, 1);
    return;
  }
  // ADDITIONAL SENSE LENGTH bounds what follows the first 8 bytes, whatever the buffer holds.
  const end = Math.min(n, 8 + v.getUint8(b + 7));
  if (!isDescriptor(response)) {
    writeFields(v, o, {
      response, key: v.getUint8(b + 2) & 0x0f,
      asc: end > 12 ? v.getUint8(b + 12) : 0, ascq: end > 13 ? v.getUint8(b + 13) : 0,
      infoValid: v.getUint8(b) >> 7, infoLo: v.getUint32(b + 3), infoHi: 0,
      sks: end >= FIXED_LENGTH ? b + 15 : -1,
    }, 0);
    return;
  }
  const p: Parsed = {
    response, key: v.getUint8(b + 1) & 0x0f, asc: v.getUint8(b + 2), ascq: v.getUint8(b + 3),
    infoValid: 0, infoLo: 0, infoHi: 0, sks: -1,
  };
  // Like Linux scsi_sense_desc_find, the first descriptor of each type counts.
  let sawInfo = false;
  for (let d = DESCRIPTOR_HEADER; d + 2 <= end; ) {
    const type = v.getUint8(b + d);
    const length = v.getUint8(b + d + 1);
    if (d + 2 + length > end) break;
    if (type === INFO_DESCRIPTOR && length >= 0x0a && !sawInfo) {
      sawInfo = true;
      p.infoValid = v.getUint8(b + d + 2) >> 7;
      p.infoHi = v.getUint32(b + d + 4);
      p.infoLo = v.getUint32(b + d + 8);
    } else if (type === SKS_DESCRIPTOR && length >= 0x06 && p.sks < 0) {
      p.sks = b + d + 4;
    }
    d += 2 + length;
  }
  writeFields(v, o, p, 0);
}
