// Object-shaped access to CDB and sense slots, for code off the hot path (tests, the CLI, the
// target's error replies). The hot path writes slot fields directly and runs whole batches.

import {
  CDB_SLOT_SIZE, CDB_MAX_SLOTS, SLOT_OPCODE, SLOT_SA, SLOT_CDB_LEN, SLOT_RESULT, SLOT_FIELD_PTR, SLOT_BIT_PTR,
  SLOT_PROTECT, SLOT_FLAGS, SLOT_LBA_LO, SLOT_LBA_HI, SLOT_LENGTH, SLOT_PAGE, SLOT_SUBPAGE, SLOT_PARAM,
  SLOT_GROUP, SLOT_CONTROL, SLOT_CDB, NO_BIT_PTR,
  SENSE_RESPONSE, SENSE_KEY, SENSE_ASC, SENSE_ASCQ, SENSE_INFO_VALID, SENSE_SKS_VALID, SENSE_CD, SENSE_BIT_PTR,
  SENSE_FIELD_PTR, SENSE_LEN, SENSE_RESULT, SENSE_INFO_LO, SENSE_INFO_HI, SENSE_OUT, SENSE_OUT_MAX,
} from '../../../asm/cdb/layout';
import type { CdbCodec } from './cdb-codec';

export interface CdbFields {
  opcode: number;
  serviceAction: number;
  cdbLength: number;
  result: number;
  fieldPointer: number;
  bitPointer: number;
  protect: number;
  flags: number;
  /** Exact up to 2^53; the slot holds 64 bits. */
  lba: number;
  length: number;
  page: number;
  subpage: number;
  param: number;
  group: number;
  control: number;
}

export interface SenseFields {
  /** 0x70/0x71 fixed, 0x72/0x73 descriptor format. */
  response: number;
  key: number;
  asc: number;
  ascq: number;
  infoValid: boolean;
  /** Exact up to 2^53. Fixed format carries only 32 bits (a larger value is sent with VALID clear). */
  info: number;
  /** The field pointer (cd, bitPointer, fieldPointer) is valid. */
  sksValid: boolean;
  /** The bad field is in the CDB (true) or in the parameter list (false). */
  cd: boolean;
  /** NO_BIT_PTR (0xff) when the whole byte is meant. */
  bitPointer: number;
  fieldPointer: number;
}

const TWO_32 = 0x1_0000_0000;

function checkU53(name: string, x: number): number {
  if (!(Number.isSafeInteger(x) && x >= 0)) throw new RangeError(`${name} must be a safe non-negative integer, got ${x}`);
  return x;
}

function slotOffset(codec: CdbCodec, slot: number): number {
  if (!(Number.isInteger(slot) && slot >= 0 && slot < CDB_MAX_SLOTS)) throw new RangeError(`no CDB slot ${slot}`);
  return codec.slotsOffset + slot * CDB_SLOT_SIZE;
}

/** Writes the fields into a slot (missing ones as 0); run codec.encode(slot, 1) to get the CDB bytes. */
export function writeCdbFields(codec: CdbCodec, slot: number, fields: Partial<CdbFields>): void {
  const v = codec.view;
  const o = slotOffset(codec, slot);
  const lba = checkU53('lba', fields.lba ?? 0);
  v.setUint8(o + SLOT_OPCODE, fields.opcode ?? 0);
  v.setUint8(o + SLOT_SA, fields.serviceAction ?? 0);
  v.setUint8(o + SLOT_CDB_LEN, fields.cdbLength ?? 0);
  v.setUint8(o + SLOT_RESULT, fields.result ?? 0);
  v.setUint16(o + SLOT_FIELD_PTR, fields.fieldPointer ?? 0, true);
  v.setUint8(o + SLOT_BIT_PTR, fields.bitPointer ?? 0);
  v.setUint8(o + SLOT_PROTECT, fields.protect ?? 0);
  v.setUint32(o + SLOT_FLAGS, fields.flags ?? 0, true);
  v.setUint32(o + SLOT_LBA_LO, lba % TWO_32, true);
  v.setUint32(o + SLOT_LBA_HI, Math.floor(lba / TWO_32), true);
  v.setUint32(o + SLOT_LENGTH, fields.length ?? 0, true);
  v.setUint8(o + SLOT_PAGE, fields.page ?? 0);
  v.setUint8(o + SLOT_SUBPAGE, fields.subpage ?? 0);
  v.setUint8(o + SLOT_PARAM, fields.param ?? 0);
  v.setUint8(o + SLOT_GROUP, fields.group ?? 0);
  v.setUint8(o + SLOT_CONTROL, fields.control ?? 0);
}

/** Reads a slot's fields (after codec.decode(slot, 1), or as written). */
export function readCdbFields(codec: CdbCodec, slot: number): CdbFields {
  const v = codec.view;
  const o = slotOffset(codec, slot);
  return {
    opcode: v.getUint8(o + SLOT_OPCODE),
    serviceAction: v.getUint8(o + SLOT_SA),
    cdbLength: v.getUint8(o + SLOT_CDB_LEN),
    result: v.getUint8(o + SLOT_RESULT),
    fieldPointer: v.getUint16(o + SLOT_FIELD_PTR, true),
    bitPointer: v.getUint8(o + SLOT_BIT_PTR),
    protect: v.getUint8(o + SLOT_PROTECT),
    flags: v.getUint32(o + SLOT_FLAGS, true),
    lba: v.getUint32(o + SLOT_LBA_HI, true) * TWO_32 + v.getUint32(o + SLOT_LBA_LO, true),
    length: v.getUint32(o + SLOT_LENGTH, true),
    page: v.getUint8(o + SLOT_PAGE),
    subpage: v.getUint8(o + SLOT_SUBPAGE),
    param: v.getUint8(o + SLOT_PARAM),
    group: v.getUint8(o + SLOT_GROUP),
    control: v.getUint8(o + SLOT_CONTROL),
  };
}

/** Puts raw CDB bytes (at most 16) into a slot, zero-filling the rest; run codec.decode(slot, 1) next. */
export function setCdbBytes(codec: CdbCodec, slot: number, bytes: Uint8Array): void {
  if (bytes.length > 16) throw new RangeError(`a CDB has at most 16 bytes, got ${bytes.length}`);
  const at = slotOffset(codec, slot) + SLOT_CDB;
  codec.bytes.fill(0, at, at + 16);
  codec.bytes.set(bytes, at);
}

/** A copy of the slot's CDB, SLOT_CDB_LEN bytes long (empty for an unknown opcode after encode). */
export function getCdbBytes(codec: CdbCodec, slot: number): Uint8Array {
  const o = slotOffset(codec, slot);
  const at = o + SLOT_CDB;
  return codec.bytes.slice(at, at + codec.view.getUint8(o + SLOT_CDB_LEN));
}

/** Builds sense bytes (via sense slot 0) and returns a copy. Defaults: fixed current, no field pointer. */
export function buildSense(codec: CdbCodec, fields: Partial<SenseFields>): Uint8Array {
  const v = codec.view;
  const o = codec.senseOffset;
  const info = checkU53('info', fields.info ?? 0);
  v.setUint8(o + SENSE_RESPONSE, fields.response ?? 0x70);
  v.setUint8(o + SENSE_KEY, fields.key ?? 0);
  v.setUint8(o + SENSE_ASC, fields.asc ?? 0);
  v.setUint8(o + SENSE_ASCQ, fields.ascq ?? 0);
  v.setUint8(o + SENSE_INFO_VALID, fields.infoValid ? 1 : 0);
  v.setUint8(o + SENSE_SKS_VALID, fields.sksValid ? 1 : 0);
  v.setUint8(o + SENSE_CD, fields.cd ? 1 : 0);
  v.setUint8(o + SENSE_BIT_PTR, fields.bitPointer ?? NO_BIT_PTR);
  v.setUint16(o + SENSE_FIELD_PTR, fields.fieldPointer ?? 0, true);
  v.setUint32(o + SENSE_INFO_LO, info % TWO_32, true);
  v.setUint32(o + SENSE_INFO_HI, Math.floor(info / TWO_32), true);
  codec.encodeSense(0, 1);
  const at = o + SENSE_OUT;
  return codec.bytes.slice(at, at + v.getUint8(o + SENSE_LEN));
}

/** Parses sense bytes of either format (via sense slot 0); null when they are not sense data. */
export function parseSense(codec: CdbCodec, bytes: Uint8Array): SenseFields | null {
  const v = codec.view;
  const o = codec.senseOffset;
  const n = Math.min(bytes.length, SENSE_OUT_MAX); // nothing we parse lies beyond 40 bytes
  codec.bytes.fill(0, o + SENSE_OUT, o + SENSE_OUT + SENSE_OUT_MAX);
  codec.bytes.set(bytes.subarray(0, n), o + SENSE_OUT);
  v.setUint8(o + SENSE_LEN, n);
  codec.decodeSense(0, 1);
  if (v.getUint8(o + SENSE_RESULT) !== 0) return null;
  return {
    response: v.getUint8(o + SENSE_RESPONSE),
    key: v.getUint8(o + SENSE_KEY),
    asc: v.getUint8(o + SENSE_ASC),
    ascq: v.getUint8(o + SENSE_ASCQ),
    infoValid: v.getUint8(o + SENSE_INFO_VALID) !== 0,
    info: v.getUint32(o + SENSE_INFO_HI, true) * TWO_32 + v.getUint32(o + SENSE_INFO_LO, true),
    sksValid: v.getUint8(o + SENSE_SKS_VALID) !== 0,
    cd: v.getUint8(o + SENSE_CD) !== 0,
    bitPointer: v.getUint8(o + SENSE_BIT_PTR),
    fieldPointer: v.getUint16(o + SENSE_FIELD_PTR, true),
  };
}
