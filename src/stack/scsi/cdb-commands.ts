// One encoder and one decoder per command (libiscsi style), over a CDB slot laid out as in
// asm/cdb/layout.ts; the array offload (VAAI) commands have theirs in cdb-offloads.ts. Byte layouts:
// reference/scsi.md §1. The AssemblyScript module asm/cdb must
// leave exactly the same slot bytes, so every rule here (masks, zeroed fields, fault order) is a
// contract with it, checked by tests/unit/cdb-parity.test.ts.

import {
  SLOT_OPCODE, SLOT_SA, SLOT_CDB_LEN, SLOT_RESULT, SLOT_FIELD_PTR, SLOT_BIT_PTR, SLOT_FLAGS,
  SLOT_LBA_LO, SLOT_LBA_HI, SLOT_LENGTH, SLOT_PAGE, SLOT_SUBPAGE, SLOT_PARAM, SLOT_GROUP, SLOT_CONTROL,
  SLOT_CDB, RESULT_OK, RESULT_BAD_OPCODE, RESULT_BAD_FIELD, NO_BIT_PTR,
  FLAG_EVPD, FLAG_DESC, FLAG_IMMED, FLAG_DBD, FLAG_LLBAA, FLAG_PMI, FLAG_START, FLAG_LOEJ,
  OP_UNMAP, OP_EXTENDED_COPY, OP_RECEIVE_COPY_RESULTS, OP_COMPARE_AND_WRITE, OP_WRITE_SAME_16,
  OP_START_STOP_UNIT, OP_TEST_UNIT_READY, OP_REQUEST_SENSE, OP_INQUIRY, OP_MODE_SENSE_6, OP_READ_CAPACITY_10, OP_READ_10,
  OP_WRITE_10, OP_SYNCHRONIZE_CACHE_10, OP_MODE_SENSE_10, OP_READ_16, OP_WRITE_16, OP_SERVICE_ACTION_IN_16,
  SA_READ_CAPACITY_16, OP_REPORT_LUNS, OP_MAINTENANCE_IN, SA_REPORT_TARGET_PORT_GROUPS, OP_MAINTENANCE_OUT,
  SA_SET_TARGET_PORT_GROUPS,
} from '../../../asm/cdb/layout';
import {
  decodeCompareAndWrite, decodeExtendedCopy, decodeReceiveCopyResults, decodeUnmap, decodeWriteSame16,
  encodeCompareAndWrite, encodeExtendedCopy, encodeReceiveCopyResults, encodeUnmap, encodeWriteSame16,
} from './cdb-offloads';
import { fault, flag, OK, put32, readRwByte1, rwByte1, u32, type Decoder, type Encoder } from './cdb-slot';

const GROUP_LENGTHS = [6, 10, 10, 0, 16, 12, 0, 0];
/** CDB length implied by the opcode group (op >> 5); 0 for the reserved and vendor groups. */
export const cdbLengthOf = (op: number): number => GROUP_LENGTHS[op >> 5];
/** Control byte bit 2: we never support ACA, so a set NACA is an invalid field (SAM-5). */
const NACA = 0x04;

// ---- READ / WRITE (10) and (16): b1 = RDPROTECT|WRPROTECT[7:5], DPO .4, FUA .3 ----

const encodeRw10: Encoder = (v, o, c) => {
  v.setUint8(c + 1, rwByte1(v, o));
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_LO));
  v.setUint8(c + 6, v.getUint8(o + SLOT_GROUP) & 0x1f);
  v.setUint16(c + 7, u32(v, o + SLOT_LENGTH) & 0xffff);
};
const decodeRw10: Decoder = (v, o, c) => {
  readRwByte1(v, o, c);
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 2));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 6) & 0x1f);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 7));
  return OK;
};

const encodeRw16: Encoder = (v, o, c) => {
  v.setUint8(c + 1, rwByte1(v, o));
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_HI));
  v.setUint32(c + 6, u32(v, o + SLOT_LBA_LO));
  v.setUint32(c + 10, u32(v, o + SLOT_LENGTH));
  v.setUint8(c + 14, v.getUint8(o + SLOT_GROUP) & 0x1f); // libiscsi masks the group the same way
};
const decodeRw16: Decoder = (v, o, c) => {
  readRwByte1(v, o, c);
  put32(v, o + SLOT_LBA_HI, v.getUint32(c + 2));
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 6));
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 10));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 14) & 0x1f);
  return OK;
};

// ---- the small commands ----

const encodeNothing: Encoder = () => {};
const decodeNothing: Decoder = () => OK;

const encodeRequestSense: Encoder = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_DESC));
  v.setUint8(c + 4, u32(v, o + SLOT_LENGTH) & 0xff);
};
const decodeRequestSense: Decoder = (v, o, c) => {
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 1) & 1 ? FLAG_DESC : 0);
  put32(v, o + SLOT_LENGTH, v.getUint8(c + 4));
  return OK;
};

// START STOP UNIT (SBC-3 5.25): hosts also use START=1 to activate a passive path (Linux hp_sw).
const encodeStartStopUnit: Encoder = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_IMMED) ? 1 : 0);
  const loej = flag(v, o, FLAG_LOEJ) ? 2 : 0;
  const start = flag(v, o, FLAG_START) ? 1 : 0;
  v.setUint8(c + 4, ((v.getUint8(o + SLOT_PARAM) << 4) | loej | start) & 0xff);
};
const decodeStartStopUnit: Decoder = (v, o, c) => {
  const b4 = v.getUint8(c + 4);
  put32(v, o + SLOT_FLAGS, (v.getUint8(c + 1) & 1 ? FLAG_IMMED : 0) | (b4 & 2 ? FLAG_LOEJ : 0) | (b4 & 1 ? FLAG_START : 0));
  v.setUint8(o + SLOT_PARAM, b4 >> 4);
  return OK;
};

const encodeInquiry: Encoder = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_EVPD));
  v.setUint8(c + 2, v.getUint8(o + SLOT_PAGE));
  v.setUint16(c + 3, u32(v, o + SLOT_LENGTH) & 0xffff);
};
const decodeInquiry: Decoder = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  const page = v.getUint8(c + 2);
  put32(v, o + SLOT_FLAGS, b1 & 1 ? FLAG_EVPD : 0);
  v.setUint8(o + SLOT_PAGE, page);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 3));
  if (b1 & 2) return fault(1, 1); // CMDDT is obsolete: SPC-4 says reject it
  if (page !== 0 && !(b1 & 1)) return fault(2, NO_BIT_PTR); // a page code needs EVPD
  return OK;
};

// MODE SENSE b2: page control in [7:6] (kept in SLOT_PARAM), page code in [5:0].
const pcPage = (v: DataView, o: number): number =>
  ((v.getUint8(o + SLOT_PARAM) & 3) << 6) | (v.getUint8(o + SLOT_PAGE) & 0x3f);
function readPcPage(v: DataView, o: number, c: number): void {
  const b2 = v.getUint8(c + 2);
  v.setUint8(o + SLOT_PARAM, b2 >> 6);
  v.setUint8(o + SLOT_PAGE, b2 & 0x3f);
  v.setUint8(o + SLOT_SUBPAGE, v.getUint8(c + 3));
}

const encodeModeSense6: Encoder = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_DBD) << 3);
  v.setUint8(c + 2, pcPage(v, o));
  v.setUint8(c + 3, v.getUint8(o + SLOT_SUBPAGE));
  v.setUint8(c + 4, u32(v, o + SLOT_LENGTH) & 0xff);
};
const decodeModeSense6: Decoder = (v, o, c) => {
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 1) & 0x08 ? FLAG_DBD : 0);
  readPcPage(v, o, c);
  put32(v, o + SLOT_LENGTH, v.getUint8(c + 4));
  return OK;
};

const encodeModeSense10: Encoder = (v, o, c) => {
  v.setUint8(c + 1, (flag(v, o, FLAG_LLBAA) << 4) | (flag(v, o, FLAG_DBD) << 3));
  v.setUint8(c + 2, pcPage(v, o));
  v.setUint8(c + 3, v.getUint8(o + SLOT_SUBPAGE));
  v.setUint16(c + 7, u32(v, o + SLOT_LENGTH) & 0xffff);
};
const decodeModeSense10: Decoder = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  put32(v, o + SLOT_FLAGS, (b1 & 0x10 ? FLAG_LLBAA : 0) | (b1 & 0x08 ? FLAG_DBD : 0));
  readPcPage(v, o, c);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 7));
  return OK;
};

const encodeReadCapacity10: Encoder = (v, o, c) => {
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_LO));
  v.setUint8(c + 8, flag(v, o, FLAG_PMI));
};
const decodeReadCapacity10: Decoder = (v, o, c) => {
  const lba = v.getUint32(c + 2);
  const pmi = v.getUint8(c + 8) & 1;
  put32(v, o + SLOT_LBA_LO, lba);
  put32(v, o + SLOT_FLAGS, pmi ? FLAG_PMI : 0);
  return lba !== 0 && !pmi ? fault(2, NO_BIT_PTR) : OK; // SBC: an LBA only means something with PMI
};

const encodeSyncCache10: Encoder = (v, o, c) => {
  v.setUint8(c + 1, flag(v, o, FLAG_IMMED) << 1);
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_LO));
  v.setUint8(c + 6, v.getUint8(o + SLOT_GROUP) & 0x1f);
  v.setUint16(c + 7, u32(v, o + SLOT_LENGTH) & 0xffff);
};
const decodeSyncCache10: Decoder = (v, o, c) => {
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 1) & 0x02 ? FLAG_IMMED : 0);
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 2));
  v.setUint8(o + SLOT_GROUP, v.getUint8(c + 6) & 0x1f);
  put32(v, o + SLOT_LENGTH, v.getUint16(c + 7));
  return OK;
};

// The service action sits in b1[4:0]; a wrong one is reported at its most significant bit.
const encodeServiceActionIn16: Encoder = (v, o, c) => {
  v.setUint8(c + 1, v.getUint8(o + SLOT_SA) & 0x1f);
  v.setUint32(c + 2, u32(v, o + SLOT_LBA_HI));
  v.setUint32(c + 6, u32(v, o + SLOT_LBA_LO));
  v.setUint32(c + 10, u32(v, o + SLOT_LENGTH));
  v.setUint8(c + 14, flag(v, o, FLAG_PMI));
};
const decodeServiceActionIn16: Decoder = (v, o, c) => {
  const sa = v.getUint8(c + 1) & 0x1f;
  v.setUint8(o + SLOT_SA, sa);
  put32(v, o + SLOT_LBA_HI, v.getUint32(c + 2));
  put32(v, o + SLOT_LBA_LO, v.getUint32(c + 6));
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 10));
  put32(v, o + SLOT_FLAGS, v.getUint8(c + 14) & 1 ? FLAG_PMI : 0);
  return sa === SA_READ_CAPACITY_16 ? OK : fault(1, 4);
};

const encodeReportLuns: Encoder = (v, o, c) => {
  v.setUint8(c + 2, v.getUint8(o + SLOT_PARAM));
  v.setUint32(c + 6, u32(v, o + SLOT_LENGTH));
};
const decodeReportLuns: Decoder = (v, o, c) => {
  const length = v.getUint32(c + 6);
  v.setUint8(o + SLOT_PARAM, v.getUint8(c + 2));
  put32(v, o + SLOT_LENGTH, length);
  return length < 16 ? fault(6, NO_BIT_PTR) : OK; // SPC-4: room for at least the header and one LUN
};

const encodeMaintenanceIn: Encoder = (v, o, c) => {
  v.setUint8(c + 1, ((v.getUint8(o + SLOT_PARAM) & 7) << 5) | (v.getUint8(o + SLOT_SA) & 0x1f));
  v.setUint32(c + 6, u32(v, o + SLOT_LENGTH));
};
const decodeMaintenanceIn: Decoder = (v, o, c) => {
  const b1 = v.getUint8(c + 1);
  v.setUint8(o + SLOT_SA, b1 & 0x1f);
  v.setUint8(o + SLOT_PARAM, b1 >> 5);
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 6));
  if ((b1 & 0x1f) !== SA_REPORT_TARGET_PORT_GROUPS) return fault(1, 4);
  return b1 >> 5 > 1 ? fault(1, 7) : OK; // only length-only (0) and extended (1) formats exist
};

const encodeMaintenanceOut: Encoder = (v, o, c) => {
  v.setUint8(c + 1, v.getUint8(o + SLOT_SA) & 0x1f);
  v.setUint32(c + 6, u32(v, o + SLOT_LENGTH));
};
const decodeMaintenanceOut: Decoder = (v, o, c) => {
  const sa = v.getUint8(c + 1) & 0x1f;
  v.setUint8(o + SLOT_SA, sa);
  put32(v, o + SLOT_LENGTH, v.getUint32(c + 6));
  return sa === SA_SET_TARGET_PORT_GROUPS ? OK : fault(1, 4);
};

// ---- the table and the per-slot drivers ----

const COMMANDS: ([Encoder, Decoder] | undefined)[] = new Array(256).fill(undefined);
COMMANDS[OP_TEST_UNIT_READY] = [encodeNothing, decodeNothing];
COMMANDS[OP_REQUEST_SENSE] = [encodeRequestSense, decodeRequestSense];
COMMANDS[OP_START_STOP_UNIT] = [encodeStartStopUnit, decodeStartStopUnit];
COMMANDS[OP_INQUIRY] = [encodeInquiry, decodeInquiry];
COMMANDS[OP_MODE_SENSE_6] = [encodeModeSense6, decodeModeSense6];
COMMANDS[OP_READ_CAPACITY_10] = [encodeReadCapacity10, decodeReadCapacity10];
COMMANDS[OP_READ_10] = COMMANDS[OP_WRITE_10] = [encodeRw10, decodeRw10];
COMMANDS[OP_SYNCHRONIZE_CACHE_10] = [encodeSyncCache10, decodeSyncCache10];
COMMANDS[OP_MODE_SENSE_10] = [encodeModeSense10, decodeModeSense10];
COMMANDS[OP_READ_16] = COMMANDS[OP_WRITE_16] = [encodeRw16, decodeRw16];
COMMANDS[OP_SERVICE_ACTION_IN_16] = [encodeServiceActionIn16, decodeServiceActionIn16];
COMMANDS[OP_REPORT_LUNS] = [encodeReportLuns, decodeReportLuns];
COMMANDS[OP_MAINTENANCE_IN] = [encodeMaintenanceIn, decodeMaintenanceIn];
COMMANDS[OP_MAINTENANCE_OUT] = [encodeMaintenanceOut, decodeMaintenanceOut];
COMMANDS[OP_COMPARE_AND_WRITE] = [encodeCompareAndWrite, decodeCompareAndWrite];
COMMANDS[OP_WRITE_SAME_16] = [encodeWriteSame16, decodeWriteSame16];
COMMANDS[OP_UNMAP] = [encodeUnmap, decodeUnmap];
COMMANDS[OP_EXTENDED_COPY] = [encodeExtendedCopy, decodeExtendedCopy];
COMMANDS[OP_RECEIVE_COPY_RESULTS] = [encodeReceiveCopyResults, decodeReceiveCopyResults];

/** True when the codec knows how to encode and decode this operation code. */
export const isKnownOpcode = (op: number): boolean => COMMANDS[op & 0xff] !== undefined;

/** Fields → CDB bytes for the slot at offset o. Touches only the CDB bytes, CDB_LEN and RESULT. */
export function encodeSlot(v: DataView, o: number): void {
  const c = o + SLOT_CDB;
  const op = v.getUint8(o + SLOT_OPCODE);
  const command = COMMANDS[op];
  // Bytes past the command stay zero, so a slot never leaks an older, longer CDB.
  for (let i = 0; i < 16; i += 4) v.setUint32(c + i, 0);
  if (!command) {
    v.setUint8(o + SLOT_CDB_LEN, 0);
    v.setUint8(o + SLOT_RESULT, RESULT_BAD_OPCODE);
    return;
  }
  const length = cdbLengthOf(op);
  v.setUint8(c, op);
  command[0](v, o, c);
  v.setUint8(c + length - 1, v.getUint8(o + SLOT_CONTROL));
  v.setUint8(o + SLOT_CDB_LEN, length);
  v.setUint8(o + SLOT_RESULT, RESULT_OK);
}

/** Clears the field bytes 0..SLOT_CONTROL (padding included) so unused fields read as 0. */
function clearFields(v: DataView, o: number): void {
  for (let i = 0; i < SLOT_CONTROL; i += 4) v.setUint32(o + i, 0);
  v.setUint8(o + SLOT_CONTROL, 0);
}

/** CDB bytes → fields for the slot at offset o: syntax only; the target checks the semantics. */
export function decodeSlot(v: DataView, o: number): void {
  const c = o + SLOT_CDB;
  const op = v.getUint8(c);
  const command = COMMANDS[op];
  const length = cdbLengthOf(op);
  clearFields(v, o);
  v.setUint8(o + SLOT_OPCODE, op);
  v.setUint8(o + SLOT_CDB_LEN, length);
  if (!command) {
    v.setUint8(o + SLOT_RESULT, RESULT_BAD_OPCODE);
    v.setUint8(o + SLOT_BIT_PTR, NO_BIT_PTR);
    return;
  }
  const control = v.getUint8(c + length - 1);
  v.setUint8(o + SLOT_CONTROL, control);
  let bad = command[1](v, o, c);
  // The control byte is last, so checking it last keeps "first bad byte wins".
  if (bad === OK && control & NACA) bad = fault(length - 1, 2);
  if (bad !== OK) {
    v.setUint8(o + SLOT_RESULT, RESULT_BAD_FIELD);
    v.setUint16(o + SLOT_FIELD_PTR, bad >> 8, true);
    v.setUint8(o + SLOT_BIT_PTR, bad & 0xff);
  }
}
