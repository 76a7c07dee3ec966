// CDB and sense codec over fixed slots (layout.ts). The TypeScript twin (src/stack/scsi/cdb-commands.ts,
// cdb-offloads.ts for the VAAI commands, and sense-codec.ts) is the readable reference; this file must
// leave the same slot bytes (tests/unit/cdb-parity.test.ts).
// Each exported function handles a whole batch, so one JS→wasm call is paid per batch, not per field.
// Wasm is little-endian like the slot fields; bswap turns the big-endian CDB fields around in a
// register (measured faster than byte loads/stores: 10.5 vs 12 ns per encode+decode in the bench mix).

import {
  CDB_SLOT_SIZE, CDB_MAX_SLOTS, SLOT_OPCODE, SLOT_SA, SLOT_PROTECT, SLOT_FLAGS, SLOT_LBA_LO, SLOT_LBA_HI,
  SLOT_LENGTH, SLOT_PAGE, SLOT_SUBPAGE, SLOT_PARAM, SLOT_GROUP, SLOT_CONTROL, SLOT_CDB, SLOT_CDB_LEN,
  SLOT_RESULT, SLOT_FIELD_PTR, SLOT_BIT_PTR, RESULT_OK, RESULT_BAD_OPCODE, RESULT_BAD_FIELD, NO_BIT_PTR,
  FLAG_EVPD, FLAG_DESC, FLAG_DPO, FLAG_FUA, FLAG_IMMED, FLAG_DBD, FLAG_LLBAA, FLAG_PMI, FLAG_START, FLAG_LOEJ,
  FLAG_ANCHOR, FLAG_UNMAP, FLAG_NDOB, OP_START_STOP_UNIT, OP_UNMAP, OP_EXTENDED_COPY, SA_EXTENDED_COPY_LID1,
  OP_RECEIVE_COPY_RESULTS, SA_COPY_STATUS_LID1, SA_OPERATING_PARAMETERS, OP_COMPARE_AND_WRITE, OP_WRITE_SAME_16,
  OP_TEST_UNIT_READY, OP_REQUEST_SENSE, OP_INQUIRY, OP_MODE_SENSE_6, OP_READ_CAPACITY_10, OP_READ_10,
  OP_WRITE_10, OP_SYNCHRONIZE_CACHE_10, OP_MODE_SENSE_10, OP_READ_16, OP_WRITE_16, OP_SERVICE_ACTION_IN_16,
  SA_READ_CAPACITY_16, OP_REPORT_LUNS, OP_MAINTENANCE_IN, SA_REPORT_TARGET_PORT_GROUPS, OP_MAINTENANCE_OUT,
  SA_SET_TARGET_PORT_GROUPS,
  SENSE_SLOT_SIZE, SENSE_MAX_SLOTS, SENSE_RESPONSE, SENSE_KEY, SENSE_ASC, SENSE_ASCQ, SENSE_INFO_VALID,
  SENSE_SKS_VALID, SENSE_CD, SENSE_BIT_PTR, SENSE_FIELD_PTR, SENSE_LEN, SENSE_RESULT, SENSE_INFO_LO,
  SENSE_INFO_HI, SENSE_OUT, SENSE_OUT_MAX,
} from './layout';

const SLOTS: usize = memory.data(CDB_SLOT_SIZE * CDB_MAX_SLOTS);
const SENSE: usize = memory.data(SENSE_SLOT_SIZE * SENSE_MAX_SLOTS);

export function slots(): usize { return SLOTS; }
export function senseSlots(): usize { return SENSE; }

// The wide stores below rely on these positions: a layout change must fail the build, not the bytes.
// @ts-ignore: ERROR is an AssemblyScript builtin; a constant-false condition compiles to nothing.
if (!(RESULT_OK == 0 && SLOT_OPCODE == 0 && SLOT_RESULT == SLOT_CDB_LEN + 1 && SLOT_CONTROL == 32 && SLOT_CDB >= 33 &&
  SENSE_RESPONSE == 0 && SENSE_KEY == 1 && SENSE_ASC == 2 && SENSE_ASCQ == 3 && SENSE_INFO_VALID == 4 &&
  SENSE_SKS_VALID == 5 && SENSE_CD == 6 && SENSE_BIT_PTR == 7 && SENSE_INFO_HI == SENSE_INFO_LO + 4)) ERROR('layout');

@inline function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }
@inline function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
@inline function putBe16(p: usize, v: u32): void { store<u16>(p, bswap<u16>(<u16>v)); }
@inline function putBe32(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v)); }

// CDB length by opcode group (op >> 5): 6, 10, 10, reserved, 16, 12, vendor, vendor; one byte each.
@inline function cdbLength(op: u32): u32 {
  return <u32>(0x0000_0C10_000A_0A06 >> (<u64>(op >> 5) << 3)) & 0xff;
}

// A fault packs (byte << 8 | bit) of the first bad field; NO_FAULT when the CDB is well formed.
const NO_FAULT: i32 = -1;
@inline function fault(byte: i32, bit: i32): i32 { return (byte << 8) | bit; }

// The highest set bit of a non-zero byte: where the field pointer's bit pointer goes.
@inline function topBit(v: u32): i32 { return 31 - <i32>clz<u32>(v); }
// The first non-zero CDB byte in from..to (reserved bytes), or -1.
@inline function reservedByte(c: usize, from: i32, to: i32): i32 {
  for (let i = from; i <= to; i++) if (load<u8>(c + <usize>i) != 0) return i;
  return -1;
}

// Flag bits from CDB byte 1 of READ/WRITE: DPO is b1.4, FUA b1.3.
@inline function rwFlags(b1: u32): u32 { return ((b1 >> 2) & FLAG_DPO) | (b1 & FLAG_FUA); }
@inline function rwByte1(p: usize): u32 {
  const flags = load<u32>(p, SLOT_FLAGS);
  return ((<u32>load<u8>(p, SLOT_PROTECT) & 7) << 5) | ((flags & FLAG_DPO) << 2) | (flags & FLAG_FUA);
}
// MODE SENSE byte 2: PC in bits 7:6, page code in 5:0.
@inline function pcPage(p: usize): u32 {
  return ((<u32>load<u8>(p, SLOT_PARAM) & 3) << 6) | (<u32>load<u8>(p, SLOT_PAGE) & 0x3f);
}

// Stores straight from each case (rather than merging locals) keep TurboFan's code short.
@inline function put8(p: usize, at: usize, v: u32): void { store<u8>(p + at, v); }
@inline function put32(p: usize, at: usize, v: u32): void { store<u32>(p + at, v); }

@inline function decodeSlot(p: usize): void {
  const c = p + SLOT_CDB;
  const op = <u32>load<u8>(c);
  const b1 = <u32>load<u8>(c, 1);
  const len = cdbLength(op);
  // Every field reads as 0 unless the command sets it (bytes 0..SLOT_CONTROL, padding included).
  store<u64>(p, 0); store<u64>(p, 0, 8); store<u64>(p, 0, 16); store<u64>(p, 0, 24);
  let bad = NO_FAULT;
  switch (op) {
    case OP_READ_10: case OP_WRITE_10: {
      put8(p, SLOT_PROTECT, b1 >> 5); put32(p, SLOT_FLAGS, rwFlags(b1)); put32(p, SLOT_LBA_LO, be32(c + 2));
      put8(p, SLOT_GROUP, <u32>load<u8>(c, 6) & 0x1f); put32(p, SLOT_LENGTH, be16(c + 7));
      break;
    }
    case OP_READ_16: case OP_WRITE_16: {
      put8(p, SLOT_PROTECT, b1 >> 5); put32(p, SLOT_FLAGS, rwFlags(b1));
      put32(p, SLOT_LBA_HI, be32(c + 2)); put32(p, SLOT_LBA_LO, be32(c + 6));
      put32(p, SLOT_LENGTH, be32(c + 10)); put8(p, SLOT_GROUP, <u32>load<u8>(c, 14) & 0x1f);
      break;
    }
    case OP_COMPARE_AND_WRITE: {
      put8(p, SLOT_PROTECT, b1 >> 5); put32(p, SLOT_FLAGS, rwFlags(b1));
      put32(p, SLOT_LBA_HI, be32(c + 2)); put32(p, SLOT_LBA_LO, be32(c + 6));
      put32(p, SLOT_LENGTH, load<u8>(c, 13)); put8(p, SLOT_GROUP, <u32>load<u8>(c, 14) & 0x1f);
      const r = reservedByte(c, 10, 12);
      if (b1 & 0x05) bad = fault(1, topBit(b1 & 0x05)); // bits 2 and 0 are reserved
      else if (r >= 0) bad = fault(r, NO_BIT_PTR);
      break;
    }
    case OP_WRITE_SAME_16: {
      put8(p, SLOT_PROTECT, b1 >> 5);
      put32(p, SLOT_FLAGS, (b1 & 0x10) * (FLAG_ANCHOR / 0x10) | (b1 & 0x08) * (FLAG_UNMAP / 0x08) | (b1 & 1) * FLAG_NDOB);
      put32(p, SLOT_LBA_HI, be32(c + 2)); put32(p, SLOT_LBA_LO, be32(c + 6));
      put32(p, SLOT_LENGTH, be32(c + 10)); put8(p, SLOT_GROUP, <u32>load<u8>(c, 14) & 0x1f);
      if (b1 & 0x06) bad = fault(1, topBit(b1 & 0x06)); // PBDATA, LBDATA: obsolete, not implemented
      break;
    }
    case OP_UNMAP: {
      const b6 = <u32>load<u8>(c, 6);
      const r = reservedByte(c, 2, 5);
      put32(p, SLOT_FLAGS, (b1 & 1) * FLAG_ANCHOR); put8(p, SLOT_GROUP, b6 & 0x1f); put32(p, SLOT_LENGTH, be16(c + 7));
      if (b1 & 0xfe) bad = fault(1, topBit(b1 & 0xfe));
      else if (r >= 0) bad = fault(r, NO_BIT_PTR);
      else if (b6 & 0xe0) bad = fault(6, topBit(b6 & 0xe0));
      break;
    }
    case OP_EXTENDED_COPY: {
      const r = reservedByte(c, 2, 9);
      put8(p, SLOT_SA, b1 & 0x1f); put32(p, SLOT_LENGTH, be32(c + 10));
      if ((b1 & 0x1f) != SA_EXTENDED_COPY_LID1) bad = fault(1, 4);
      else if (b1 & 0xe0) bad = fault(1, topBit(b1 & 0xe0));
      else if (r >= 0) bad = fault(r, NO_BIT_PTR);
      else if (load<u8>(c, 14)) bad = fault(14, NO_BIT_PTR);
      break;
    }
    case OP_RECEIVE_COPY_RESULTS: {
      const sa = b1 & 0x1f;
      const r = reservedByte(c, 3, 9);
      put8(p, SLOT_SA, sa); put8(p, SLOT_PARAM, load<u8>(c, 2)); put32(p, SLOT_LENGTH, be32(c + 10));
      if (sa != SA_COPY_STATUS_LID1 && sa != SA_OPERATING_PARAMETERS) bad = fault(1, 4);
      else if (b1 & 0xe0) bad = fault(1, topBit(b1 & 0xe0));
      else if (r >= 0) bad = fault(r, NO_BIT_PTR);
      else if (load<u8>(c, 14)) bad = fault(14, NO_BIT_PTR);
      break;
    }
    case OP_TEST_UNIT_READY: break;
    case OP_START_STOP_UNIT: {
      const b4 = <u32>load<u8>(c, 4);
      put32(p, SLOT_FLAGS, (b1 & 1) * FLAG_IMMED | (b4 & 2) * (FLAG_LOEJ / 2) | (b4 & 1) * FLAG_START);
      put8(p, SLOT_PARAM, b4 >> 4);
      break;
    }
    case OP_REQUEST_SENSE: {
      put32(p, SLOT_FLAGS, (b1 & 1) * FLAG_DESC); put32(p, SLOT_LENGTH, load<u8>(c, 4));
      break;
    }
    case OP_INQUIRY: {
      const page = <u32>load<u8>(c, 2);
      put32(p, SLOT_FLAGS, (b1 & 1) * FLAG_EVPD); put8(p, SLOT_PAGE, page); put32(p, SLOT_LENGTH, be16(c + 3));
      if (b1 & 2) bad = fault(1, 1); // CMDDT is obsolete
      else if (page != 0 && !(b1 & 1)) bad = fault(2, NO_BIT_PTR); // a page code needs EVPD
      break;
    }
    case OP_MODE_SENSE_6: case OP_MODE_SENSE_10: {
      const b2 = <u32>load<u8>(c, 2);
      const llbaa = op == OP_MODE_SENSE_10 && (b1 & 0x10) ? FLAG_LLBAA : 0;
      put32(p, SLOT_FLAGS, (b1 & 8 ? FLAG_DBD : 0) | llbaa);
      put8(p, SLOT_PARAM, b2 >> 6); put8(p, SLOT_PAGE, b2 & 0x3f); put8(p, SLOT_SUBPAGE, load<u8>(c, 3));
      put32(p, SLOT_LENGTH, op == OP_MODE_SENSE_6 ? <u32>load<u8>(c, 4) : be16(c + 7));
      break;
    }
    case OP_READ_CAPACITY_10: {
      const lba = be32(c + 2), pmi = <u32>load<u8>(c, 8) & 1;
      put32(p, SLOT_LBA_LO, lba); put32(p, SLOT_FLAGS, pmi * FLAG_PMI);
      if (lba != 0 && !pmi) bad = fault(2, NO_BIT_PTR);
      break;
    }
    case OP_SYNCHRONIZE_CACHE_10: {
      put32(p, SLOT_FLAGS, (b1 & 2) * (FLAG_IMMED / 2)); put32(p, SLOT_LBA_LO, be32(c + 2));
      put8(p, SLOT_GROUP, <u32>load<u8>(c, 6) & 0x1f); put32(p, SLOT_LENGTH, be16(c + 7));
      break;
    }
    case OP_SERVICE_ACTION_IN_16: {
      put8(p, SLOT_SA, b1 & 0x1f);
      put32(p, SLOT_LBA_HI, be32(c + 2)); put32(p, SLOT_LBA_LO, be32(c + 6)); put32(p, SLOT_LENGTH, be32(c + 10));
      put32(p, SLOT_FLAGS, (<u32>load<u8>(c, 14) & 1) * FLAG_PMI);
      if ((b1 & 0x1f) != SA_READ_CAPACITY_16) bad = fault(1, 4);
      break;
    }
    case OP_REPORT_LUNS: {
      const length = be32(c + 6);
      put8(p, SLOT_PARAM, load<u8>(c, 2)); put32(p, SLOT_LENGTH, length);
      if (length < 16) bad = fault(6, NO_BIT_PTR); // SPC-4: room for the header and one LUN
      break;
    }
    case OP_MAINTENANCE_IN: {
      put8(p, SLOT_SA, b1 & 0x1f); put8(p, SLOT_PARAM, b1 >> 5); put32(p, SLOT_LENGTH, be32(c + 6));
      if ((b1 & 0x1f) != SA_REPORT_TARGET_PORT_GROUPS) bad = fault(1, 4);
      else if (b1 >> 5 > 1) bad = fault(1, 7); // formats: 0 length-only, 1 extended
      break;
    }
    case OP_MAINTENANCE_OUT: {
      put8(p, SLOT_SA, b1 & 0x1f); put32(p, SLOT_LENGTH, be32(c + 6));
      if ((b1 & 0x1f) != SA_SET_TARGET_PORT_GROUPS) bad = fault(1, 4);
      break;
    }
    default: {
      put8(p, SLOT_OPCODE, op); put8(p, SLOT_CDB_LEN, len); put8(p, SLOT_RESULT, RESULT_BAD_OPCODE);
      put8(p, SLOT_BIT_PTR, NO_BIT_PTR); put8(p, SLOT_CONTROL, 0);
      return;
    }
  }
  const control = <u32>load<u8>(c + len - 1);
  if (bad == NO_FAULT && (control & 4)) bad = fault(len - 1, 2); // NACA: ACA is not supported
  put8(p, SLOT_CONTROL, control);
  put8(p, SLOT_OPCODE, op);
  if (bad == NO_FAULT) { // RESULT stays RESULT_OK (0) from the clearing above
    put8(p, SLOT_CDB_LEN, len);
  } else {
    store<u16>(p + SLOT_CDB_LEN, len | (RESULT_BAD_FIELD << 8));
    store<u16>(p + SLOT_FIELD_PTR, <u32>bad >> 8);
    put8(p, SLOT_BIT_PTR, bad & 0xff);
  }
}

@inline function encodeSlot(p: usize): void {
  const c = p + SLOT_CDB;
  const op = <u32>load<u8>(p, SLOT_OPCODE);
  const len = cdbLength(op);
  store<u64>(c, 0);
  store<u64>(c, 0, 8);
  store<u8>(c, op);
  switch (op) {
    case OP_READ_10: case OP_WRITE_10: {
      store<u8>(c, rwByte1(p), 1); putBe32(c + 2, load<u32>(p, SLOT_LBA_LO));
      store<u8>(c, load<u8>(p, SLOT_GROUP) & 0x1f, 6); putBe16(c + 7, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_READ_16: case OP_WRITE_16: {
      store<u8>(c, rwByte1(p), 1);
      putBe32(c + 2, load<u32>(p, SLOT_LBA_HI)); putBe32(c + 6, load<u32>(p, SLOT_LBA_LO));
      putBe32(c + 10, load<u32>(p, SLOT_LENGTH)); store<u8>(c, load<u8>(p, SLOT_GROUP) & 0x1f, 14);
      break;
    }
    case OP_COMPARE_AND_WRITE: {
      store<u8>(c, rwByte1(p), 1);
      putBe32(c + 2, load<u32>(p, SLOT_LBA_HI)); putBe32(c + 6, load<u32>(p, SLOT_LBA_LO));
      store<u8>(c, load<u8>(p, SLOT_LENGTH), 13); store<u8>(c, load<u8>(p, SLOT_GROUP) & 0x1f, 14);
      break;
    }
    case OP_WRITE_SAME_16: {
      const flags = load<u32>(p, SLOT_FLAGS);
      store<u8>(c, ((<u32>load<u8>(p, SLOT_PROTECT) & 7) << 5) | ((flags & FLAG_ANCHOR) >> 6) | ((flags & FLAG_UNMAP) >> 8) |
        ((flags & FLAG_NDOB) >> 12), 1);
      putBe32(c + 2, load<u32>(p, SLOT_LBA_HI)); putBe32(c + 6, load<u32>(p, SLOT_LBA_LO));
      putBe32(c + 10, load<u32>(p, SLOT_LENGTH)); store<u8>(c, load<u8>(p, SLOT_GROUP) & 0x1f, 14);
      break;
    }
    case OP_UNMAP: {
      store<u8>(c, (load<u32>(p, SLOT_FLAGS) & FLAG_ANCHOR) >> 10, 1); store<u8>(c, load<u8>(p, SLOT_GROUP) & 0x1f, 6);
      putBe16(c + 7, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_EXTENDED_COPY: {
      store<u8>(c, load<u8>(p, SLOT_SA) & 0x1f, 1); putBe32(c + 10, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_RECEIVE_COPY_RESULTS: {
      store<u8>(c, load<u8>(p, SLOT_SA) & 0x1f, 1); store<u8>(c, load<u8>(p, SLOT_PARAM), 2);
      putBe32(c + 10, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_START_STOP_UNIT: {
      const flags = load<u32>(p, SLOT_FLAGS);
      store<u8>(c, (flags & FLAG_IMMED) >> 4, 1);
      store<u8>(c, (<u32>load<u8>(p, SLOT_PARAM) << 4) | ((flags & FLAG_LOEJ) >> 8) | ((flags & FLAG_START) >> 8), 4);
      break;
    }
    case OP_TEST_UNIT_READY: break;
    case OP_REQUEST_SENSE: {
      store<u8>(c, (load<u32>(p, SLOT_FLAGS) & FLAG_DESC) >> 1, 1); store<u8>(c, load<u8>(p, SLOT_LENGTH), 4);
      break;
    }
    case OP_INQUIRY: {
      store<u8>(c, load<u32>(p, SLOT_FLAGS) & FLAG_EVPD, 1); store<u8>(c, load<u8>(p, SLOT_PAGE), 2);
      putBe16(c + 3, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_MODE_SENSE_6: {
      store<u8>(c, (load<u32>(p, SLOT_FLAGS) & FLAG_DBD) >> 2, 1); store<u8>(c, pcPage(p), 2);
      store<u8>(c, load<u8>(p, SLOT_SUBPAGE), 3); store<u8>(c, load<u8>(p, SLOT_LENGTH), 4);
      break;
    }
    case OP_MODE_SENSE_10: {
      store<u8>(c, (load<u32>(p, SLOT_FLAGS) & (FLAG_DBD | FLAG_LLBAA)) >> 2, 1); store<u8>(c, pcPage(p), 2);
      store<u8>(c, load<u8>(p, SLOT_SUBPAGE), 3); putBe16(c + 7, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_READ_CAPACITY_10: {
      putBe32(c + 2, load<u32>(p, SLOT_LBA_LO)); store<u8>(c, (load<u32>(p, SLOT_FLAGS) & FLAG_PMI) >> 7, 8);
      break;
    }
    case OP_SYNCHRONIZE_CACHE_10: {
      store<u8>(c, (load<u32>(p, SLOT_FLAGS) & FLAG_IMMED) >> 3, 1); putBe32(c + 2, load<u32>(p, SLOT_LBA_LO));
      store<u8>(c, load<u8>(p, SLOT_GROUP) & 0x1f, 6); putBe16(c + 7, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_SERVICE_ACTION_IN_16: {
      store<u8>(c, load<u8>(p, SLOT_SA) & 0x1f, 1);
      putBe32(c + 2, load<u32>(p, SLOT_LBA_HI)); putBe32(c + 6, load<u32>(p, SLOT_LBA_LO));
      putBe32(c + 10, load<u32>(p, SLOT_LENGTH)); store<u8>(c, (load<u32>(p, SLOT_FLAGS) & FLAG_PMI) >> 7, 14);
      break;
    }
    case OP_REPORT_LUNS: {
      store<u8>(c, load<u8>(p, SLOT_PARAM), 2); putBe32(c + 6, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_MAINTENANCE_IN: {
      store<u8>(c, ((<u32>load<u8>(p, SLOT_PARAM) & 7) << 5) | (<u32>load<u8>(p, SLOT_SA) & 0x1f), 1);
      putBe32(c + 6, load<u32>(p, SLOT_LENGTH));
      break;
    }
    case OP_MAINTENANCE_OUT: {
      store<u8>(c, load<u8>(p, SLOT_SA) & 0x1f, 1); putBe32(c + 6, load<u32>(p, SLOT_LENGTH));
      break;
    }
    default: {
      store<u8>(c, 0);
      store<u16>(p, RESULT_BAD_OPCODE << 8, SLOT_CDB_LEN); // CDB_LEN 0, RESULT BAD_OPCODE
      return;
    }
  }
  store<u8>(c + len - 1, load<u8>(p, SLOT_CONTROL));
  store<u16>(p, len | (RESULT_OK << 8), SLOT_CDB_LEN);
}

export function decode(first: i32, count: i32): void {
  const end = SLOTS + <usize>(first + count) * CDB_SLOT_SIZE;
  for (let p = SLOTS + <usize>first * CDB_SLOT_SIZE; p < end; p += CDB_SLOT_SIZE) decodeSlot(p);
}

export function encode(first: i32, count: i32): void {
  const end = SLOTS + <usize>(first + count) * CDB_SLOT_SIZE;
  for (let p = SLOTS + <usize>first * CDB_SLOT_SIZE; p < end; p += CDB_SLOT_SIZE) encodeSlot(p);
}

// ---- sense data (scsi.md §3) ----

// Sense-key-specific byte 0 for ILLEGAL REQUEST: SKSV, C/D, then BPV and the bit pointer.
@inline function sksByte0(p: usize): u32 {
  const bit = <u32>load<u8>(p, SENSE_BIT_PTR);
  return 0x80 | (load<u8>(p, SENSE_CD) != 0 ? 0x40 : 0) | (bit < 8 ? 0x08 | bit : 0);
}

function encodeSenseSlot(p: usize): void {
  const out = p + SENSE_OUT;
  store<u64>(out, 0); store<u64>(out, 0, 8); store<u64>(out, 0, 16); store<u64>(out, 0, 24); store<u64>(out, 0, 32);
  const response = <u32>load<u8>(p, SENSE_RESPONSE);
  const deferred = response & 1;
  const key = <u32>load<u8>(p, SENSE_KEY) & 0xf;
  const infoValid = load<u8>(p, SENSE_INFO_VALID) != 0;
  const sksValid = load<u8>(p, SENSE_SKS_VALID) != 0;
  const lo = load<u32>(p, SENSE_INFO_LO), hi = load<u32>(p, SENSE_INFO_HI);
  let n: u32;
  if ((response & 0xfe) == 0x72) {
    store<u32>(out, (0x72 | deferred) | (key << 8) | (<u32>load<u8>(p, SENSE_ASC) << 16) |
      (<u32>load<u8>(p, SENSE_ASCQ) << 24));
    n = 8;
    if (infoValid) { store<u32>(out + n, 0x0080_0a00); putBe32(out + n + 4, hi); putBe32(out + n + 8, lo); n += 12; }
    if (sksValid) {
      store<u32>(out + n, 0x0000_0602); store<u8>(out + n, sksByte0(p), 4);
      putBe16(out + n + 5, load<u16>(p, SENSE_FIELD_PTR)); n += 8;
    }
    store<u8>(out, n - 8, 7);
  } else {
    // INFORMATION is 32 bits here: a larger value keeps its low half with VALID clear (Linux).
    store<u8>(out, (infoValid && hi == 0 ? 0x80 : 0) | 0x70 | deferred);
    store<u8>(out, key, 2);
    if (infoValid) putBe32(out + 3, lo);
    store<u8>(out, 0x0a, 7);
    store<u8>(out, load<u8>(p, SENSE_ASC), 12); store<u8>(out, load<u8>(p, SENSE_ASCQ), 13);
    if (sksValid) { store<u8>(out, sksByte0(p), 15); putBe16(out + 16, load<u16>(p, SENSE_FIELD_PTR)); }
    n = 18;
  }
  store<u8>(p, n, SENSE_LEN);
}

// Writes the decoded fields; s points at the 3 sense-key-specific bytes, or is 0 when there are none.
@inline function putSenseFields(p: usize, response: u32, key: u32, asc: u32, ascq: u32, infoValid: u32,
  lo: u32, hi: u32, s: usize, result: u32): void {
  let sks: u32 = 0, bit: u32 = NO_BIT_PTR, field: u32 = 0;
  if (s != 0 && (load<u8>(s) & 0x80)) {
    const b0 = <u32>load<u8>(s);
    sks = 1 | ((b0 & 0x40) << 2); // SKS_VALID, and CD in the next byte
    if (b0 & 0x08) bit = b0 & 7;
    field = be16(s + 1);
  }
  store<u32>(p, response | (key << 8) | (asc << 16) | (ascq << 24), SENSE_RESPONSE);
  store<u32>(p, infoValid | (sks << 8) | (bit << 24), SENSE_INFO_VALID);
  store<u16>(p, field, SENSE_FIELD_PTR);
  store<u8>(p, result, SENSE_RESULT);
  store<u64>(p, <u64>lo | (<u64>hi << 32), SENSE_INFO_LO);
}

function decodeSenseSlot(p: usize): void {
  const b = p + SENSE_OUT;
  let n = <u32>load<u8>(p, SENSE_LEN);
  if (n > <u32>SENSE_OUT_MAX) n = SENSE_OUT_MAX;
  const response = <u32>load<u8>(b) & 0x7f;
  if (n < 8 || response < 0x70 || response > 0x73) {
    putSenseFields(p, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    return;
  }
  const end = min(n, 8 + <u32>load<u8>(b, 7)); // ADDITIONAL SENSE LENGTH bounds what follows
  if (response < 0x72) {
    putSenseFields(p, response, <u32>load<u8>(b, 2) & 0xf, end > 12 ? load<u8>(b, 12) : 0,
      end > 13 ? load<u8>(b, 13) : 0, <u32>load<u8>(b) >> 7, be32(b + 3), 0, end >= 18 ? b + 15 : 0, 0);
    return;
  }
  // Descriptor format: the first information and sense-key-specific descriptors count.
  let infoValid: u32 = 0, lo: u32 = 0, hi: u32 = 0, sawInfo = false, s: usize = 0;
  let off: u32 = 8;
  while (off + 2 <= end) {
    const type = <u32>load<u8>(b + off), dlen = <u32>load<u8>(b + off, 1);
    const next = off + 2 + dlen;
    if (next > end) break;
    if (type == 0 && dlen >= 10 && !sawInfo) {
      sawInfo = true; infoValid = <u32>load<u8>(b + off, 2) >> 7; hi = be32(b + off + 4); lo = be32(b + off + 8);
    } else if (type == 2 && dlen >= 6 && s == 0) {
      s = b + off + 4;
    }
    off = next;
  }
  putSenseFields(p, response, <u32>load<u8>(b, 1) & 0xf, load<u8>(b, 2), load<u8>(b, 3), infoValid, lo, hi, s, 0);
}

export function encodeSense(first: i32, count: i32): void {
  for (let i = first; i < first + count; i++) encodeSenseSlot(SENSE + <usize>i * SENSE_SLOT_SIZE);
}

export function decodeSense(first: i32, count: i32): void {
  for (let i = first; i < first + count; i++) decodeSenseSlot(SENSE + <usize>i * SENSE_SLOT_SIZE);
}
