// Behaviour of the CDB and sense codec, on both engines: the oracle bytes of reference/scsi.md
// (sg3-utils captures), round trips, every BAD_FIELD / BAD_OPCODE rule, and sense bytes checked
// against scsi.md §3 and against sg_decode_sense itself.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadWasm } from '../../src/stack/wasm/load';
import { TsCdbCodec, wasmCdbCodec, type CdbCodec } from '../../src/stack/scsi/cdb-codec';
import {
  buildSense, getCdbBytes, parseSense, readCdbFields, setCdbBytes, writeCdbFields, type CdbFields, type SenseFields,
} from '../../src/stack/scsi/cdb-fields';
import {
  CDB_SLOT_SIZE, SLOT_CDB, RESULT_OK, RESULT_BAD_OPCODE, RESULT_BAD_FIELD, NO_BIT_PTR,
  FLAG_EVPD, FLAG_DESC, FLAG_DPO, FLAG_FUA, FLAG_IMMED, FLAG_DBD, FLAG_LLBAA, FLAG_PMI, FLAG_ANCHOR, FLAG_UNMAP, FLAG_NDOB,
} from '../../asm/cdb/layout';

const bytesOf = (hex: string): Uint8Array => new Uint8Array(hex.trim().split(/\s+/).map((h) => parseInt(h, 16)));
const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

const ZERO: CdbFields = {
  opcode: 0, serviceAction: 0, cdbLength: 0, result: 0, fieldPointer: 0, bitPointer: 0, protect: 0, flags: 0,
  lba: 0, length: 0, page: 0, subpage: 0, param: 0, group: 0, control: 0,
};

/** Oracle CDBs: sg3-utils captures from scsi.md §1, and byte layouts of §1 where no capture exists. */
const ORACLES: [string, string, Partial<CdbFields>][] = [
  ['TEST UNIT READY', '00 00 00 00 00 00', { opcode: 0x00 }],
  ['REQUEST SENSE', '03 00 00 00 fc 00', { opcode: 0x03, length: 252 }],
  ['REQUEST SENSE, DESC', '03 01 00 00 fc 00', { opcode: 0x03, flags: FLAG_DESC, length: 252 }],
  ['INQUIRY', '12 00 00 00 24 00', { opcode: 0x12, length: 36 }],
  ['INQUIRY VPD 0x83', '12 01 83 00 fc 00', { opcode: 0x12, flags: FLAG_EVPD, page: 0x83, length: 252 }],
  ['MODE SENSE(6)', '1a 00 08 00 fc 00', { opcode: 0x1a, page: 0x08, length: 252 }],
  ['MODE SENSE(6), DBD, changeable, subpage', '1a 08 4a ff 40 c0', { opcode: 0x1a, flags: FLAG_DBD, param: 1, page: 0x0a, subpage: 0xff, length: 64, control: 0xc0 }],
  ['READ CAPACITY(10)', '25 00 00 00 00 00 00 00 00 00', { opcode: 0x25 }],
  ['READ CAPACITY(10), PMI', '25 00 00 00 10 00 00 00 01 00', { opcode: 0x25, lba: 0x1000, flags: FLAG_PMI }],
  ['READ(10)', '28 00 00 00 10 00 00 00 08 00', { opcode: 0x28, lba: 0x1000, length: 8 }],
  ['WRITE(10), WRPROTECT 3, DPO, FUA, group 5', '2a 78 12 34 56 78 05 01 00 00', { opcode: 0x2a, protect: 3, flags: FLAG_DPO | FLAG_FUA, lba: 0x12345678, group: 5, length: 256 }],
  ['SYNCHRONIZE CACHE(10)', '35 00 00 00 00 10 00 00 08 00', { opcode: 0x35, lba: 0x10, length: 8 }],
  ['SYNCHRONIZE CACHE(10), IMMED', '35 02 00 00 00 00 00 00 00 00', { opcode: 0x35, flags: FLAG_IMMED }],
  ['MODE SENSE(10)', '5a 00 3f 00 00 00 00 10 00 00', { opcode: 0x5a, page: 0x3f, length: 0x1000 }],
  ['MODE SENSE(10), LLBAA, DBD, saved', '5a 18 c8 00 00 00 00 00 fc 00', { opcode: 0x5a, flags: FLAG_LLBAA | FLAG_DBD, param: 3, page: 8, length: 252 }],
  ['READ(16)', '88 00 00 00 00 01 00 00 00 00 00 00 00 08 00 00', { opcode: 0x88, lba: 2 ** 32, length: 8 }],
  ['WRITE(16), WRPROTECT 3, DPO, group 31', '8a 70 00 00 12 34 56 78 9a bc 00 01 00 00 1f 00', { opcode: 0x8a, protect: 3, flags: FLAG_DPO, lba: 0x123456789abc, length: 0x10000, group: 31 }],
  ['READ CAPACITY(16)', '9e 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00', { opcode: 0x9e, serviceAction: 0x10, length: 32 }],
  ['REPORT LUNS', 'a0 00 00 00 00 00 00 00 20 00 00 00', { opcode: 0xa0, length: 0x2000 }],
  ['REPORT LUNS, select report 2', 'a0 00 02 00 00 00 00 00 00 10 00 00', { opcode: 0xa0, param: 2, length: 16 }],
  ['REPORT TARGET PORT GROUPS', 'a3 0a 00 00 00 00 00 00 04 00 00 00', { opcode: 0xa3, serviceAction: 0x0a, length: 1024 }],
  ['REPORT TARGET PORT GROUPS, extended', 'a3 2a 00 00 00 00 00 00 04 00 00 00', { opcode: 0xa3, serviceAction: 0x0a, param: 1, length: 1024 }],
  ['SET TARGET PORT GROUPS', 'a4 0a 00 00 00 00 00 00 00 0c 00 00', { opcode: 0xa4, serviceAction: 0x0a, length: 12 }],
  // The array offloads (VAAI).
  ['COMPARE AND WRITE (sg_compare_and_write --lba=0x3000 --num=1)', '89 00 00 00 00 00 00 00 30 00 00 00 00 01 00 00', { opcode: 0x89, lba: 0x3000, length: 1 }],
  ['COMPARE AND WRITE, WRPROTECT 1, DPO, FUA, group 9', '89 38 00 00 00 01 00 00 00 02 00 00 00 ff 09 00', { opcode: 0x89, protect: 1, flags: FLAG_DPO | FLAG_FUA, lba: 2 ** 32 + 2, length: 255, group: 9 }],
  ['WRITE SAME(16) --unmap --lba=0x2000 --num=16', '93 08 00 00 00 00 00 00 20 00 00 00 00 10 00 00', { opcode: 0x93, flags: FLAG_UNMAP, lba: 0x2000, length: 16 }],
  ['WRITE SAME(16), ANCHOR, NDOB, WRPROTECT 2', '93 51 00 00 00 00 00 00 00 07 00 01 00 00 1f 00', { opcode: 0x93, protect: 2, flags: FLAG_ANCHOR | FLAG_NDOB, lba: 7, length: 0x10000, group: 31 }],
  ['UNMAP (sg_unmap --lba=0x1000 --num=0x800)', '42 00 00 00 00 00 00 00 18 00', { opcode: 0x42, length: 24 }],
  ['UNMAP, ANCHOR, group 3', '42 01 00 00 00 00 03 04 08 00', { opcode: 0x42, flags: FLAG_ANCHOR, group: 3, length: 0x408 }],
  ['EXTENDED COPY(LID1)', '83 00 00 00 00 00 00 00 00 00 00 00 00 4c 00 00', { opcode: 0x83, length: 76 }],
  ['RECEIVE COPY RESULTS, OPERATING PARAMETERS', '84 03 00 00 00 00 00 00 00 00 00 00 00 2c 00 00', { opcode: 0x84, serviceAction: 3, length: 44 }],
  ['RECEIVE COPY RESULTS, COPY STATUS(LID1), list 5', '84 00 05 00 00 00 00 00 00 00 00 00 00 0c 00 00', { opcode: 0x84, param: 5, length: 12 }],
];

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const control = u8.map((c) => c & ~0x04); // NACA clear: round trips must come back RESULT_OK
const rwFlags = fc.constantFrom(0, FLAG_DPO, FLAG_FUA, FLAG_DPO | FLAG_FUA);
const rw10 = (opcode: number) => fc.record({ opcode: fc.constant(opcode), protect: fc.integer({ min: 0, max: 7 }), flags: rwFlags, lba: u32, group: fc.integer({ min: 0, max: 31 }), length: u16, control });
const rw16 = (opcode: number) => fc.record({ opcode: fc.constant(opcode), protect: fc.integer({ min: 0, max: 7 }), flags: rwFlags, lba: fc.maxSafeNat(), group: fc.integer({ min: 0, max: 31 }), length: u32, control });
const modeSense = (opcode: number, length: fc.Arbitrary<number>, flags: number[]) => fc.record({ opcode: fc.constant(opcode), flags: fc.constantFrom(...flags), param: fc.integer({ min: 0, max: 3 }), page: fc.integer({ min: 0, max: 0x3f }), subpage: u8, length, control });

/** Valid, random field sets per command: decode(encode(x)) must give x back with RESULT_OK. */
const ROUND_TRIPS: [string, fc.Arbitrary<Partial<CdbFields>>][] = [
  ['TEST UNIT READY', fc.record({ opcode: fc.constant(0x00), control })],
  ['REQUEST SENSE', fc.record({ opcode: fc.constant(0x03), flags: fc.constantFrom(0, FLAG_DESC), length: u8, control })],
  ['INQUIRY', fc.oneof(
    fc.record({ opcode: fc.constant(0x12), flags: fc.constant(FLAG_EVPD), page: u8, length: u16, control }),
    fc.record({ opcode: fc.constant(0x12), length: u16, control }))],
  ['MODE SENSE(6)', modeSense(0x1a, u8, [0, FLAG_DBD])],
  ['READ CAPACITY(10)', fc.oneof(
    fc.record({ opcode: fc.constant(0x25), flags: fc.constant(FLAG_PMI), lba: u32, control }),
    fc.record({ opcode: fc.constant(0x25), control }))],
  ['READ(10)', rw10(0x28)],
  ['WRITE(10)', rw10(0x2a)],
  ['SYNCHRONIZE CACHE(10)', fc.record({ opcode: fc.constant(0x35), flags: fc.constantFrom(0, FLAG_IMMED), lba: u32, group: fc.integer({ min: 0, max: 31 }), length: u16, control })],
  ['MODE SENSE(10)', modeSense(0x5a, u16, [0, FLAG_DBD, FLAG_LLBAA, FLAG_DBD | FLAG_LLBAA])],
  ['READ(16)', rw16(0x88)],
  ['WRITE(16)', rw16(0x8a)],
  ['READ CAPACITY(16)', fc.record({ opcode: fc.constant(0x9e), serviceAction: fc.constant(0x10), lba: fc.maxSafeNat(), length: u32, flags: fc.constantFrom(0, FLAG_PMI), control })],
  ['REPORT LUNS', fc.record({ opcode: fc.constant(0xa0), param: u8, length: fc.integer({ min: 16, max: 0xffffffff }), control })],
  ['REPORT TARGET PORT GROUPS', fc.record({ opcode: fc.constant(0xa3), serviceAction: fc.constant(0x0a), param: fc.integer({ min: 0, max: 1 }), length: u32, control })],
  ['SET TARGET PORT GROUPS', fc.record({ opcode: fc.constant(0xa4), serviceAction: fc.constant(0x0a), length: u32, control })],
  ['COMPARE AND WRITE', fc.record({ opcode: fc.constant(0x89), protect: fc.integer({ min: 0, max: 7 }), flags: rwFlags, lba: fc.maxSafeNat(), length: u8, group: fc.integer({ min: 0, max: 31 }), control })],
  ['WRITE SAME(16)', fc.record({
    opcode: fc.constant(0x93), protect: fc.integer({ min: 0, max: 7 }), lba: fc.maxSafeNat(), length: u32, group: fc.integer({ min: 0, max: 31 }), control,
    flags: fc.subarray([FLAG_ANCHOR, FLAG_UNMAP, FLAG_NDOB]).map((f) => f.reduce((a, b) => a | b, 0)),
  })],
  ['UNMAP', fc.record({ opcode: fc.constant(0x42), flags: fc.constantFrom(0, FLAG_ANCHOR), group: fc.integer({ min: 0, max: 31 }), length: u16, control })],
  ['EXTENDED COPY(LID1)', fc.record({ opcode: fc.constant(0x83), length: u32, control })],
  ['RECEIVE COPY RESULTS', fc.record({ opcode: fc.constant(0x84), serviceAction: fc.constantFrom(0, 3), param: u8, length: u32, control })],
];

/** Minimal valid fields for each command, for the NACA rule. */
const MINIMAL: Partial<CdbFields>[] = [
  { opcode: 0x00 }, { opcode: 0x03 }, { opcode: 0x12 }, { opcode: 0x1a }, { opcode: 0x25 }, { opcode: 0x28 },
  { opcode: 0x2a }, { opcode: 0x35 }, { opcode: 0x5a }, { opcode: 0x88 }, { opcode: 0x8a },
  { opcode: 0x9e, serviceAction: 0x10 }, { opcode: 0xa0, length: 16 }, { opcode: 0xa3, serviceAction: 0x0a },
  { opcode: 0xa4, serviceAction: 0x0a }, { opcode: 0x89 }, { opcode: 0x93 }, { opcode: 0x42 }, { opcode: 0x83 },
  { opcode: 0x84, serviceAction: 3 },
];

const ENGINES: [string, () => Promise<CdbCodec>][] = [
  ['wasm', async () => wasmCdbCodec(await loadWasm('cdb'))],
  ['typescript', async () => new TsCdbCodec()],
];

describe.each(ENGINES)('%s codec', (_name, make) => {
  let codec: CdbCodec;
  beforeAll(async () => { codec = await make(); });

  const slotAt = (slot: number): number => codec.slotsOffset + slot * CDB_SLOT_SIZE;
  /** Encodes fields into slot 0 whose CDB bytes were all 0xff, and returns the 16 CDB bytes. */
  function encode16(fields: Partial<CdbFields>): Uint8Array {
    codec.bytes.fill(0xff, slotAt(0) + SLOT_CDB, slotAt(0) + SLOT_CDB + 16);
    writeCdbFields(codec, 0, fields);
    codec.encode(0, 1);
    return codec.bytes.slice(slotAt(0) + SLOT_CDB, slotAt(0) + SLOT_CDB + 16);
  }
  /** Decodes CDB bytes in slot 0 whose fields were all 0xff, so unset fields must come back as 0. */
  function decode(hex: string): CdbFields {
    codec.bytes.fill(0xff, slotAt(0), slotAt(0) + SLOT_CDB);
    setCdbBytes(codec, 0, bytesOf(hex));
    codec.decode(0, 1);
    return readCdbFields(codec, 0);
  }
  const badField = (fieldPointer: number, bitPointer: number) => ({ result: RESULT_BAD_FIELD, fieldPointer, bitPointer });

  describe.each(ORACLES)('%s: %s', (_command, hex, fields) => {
    const length = bytesOf(hex).length;
    it('encodes to the oracle bytes, zero-padded to 16', () => {
      const cdb = encode16(fields);
      expect(hexOf(cdb.subarray(0, length))).toBe(hex);
      expect(cdb.subarray(length).every((b) => b === 0)).toBe(true);
      expect(readCdbFields(codec, 0)).toMatchObject({ cdbLength: length, result: RESULT_OK });
      expect(hexOf(getCdbBytes(codec, 0))).toBe(hex);
    });
    it('decodes to exactly these fields, all others 0', () => {
      expect(decode(hex)).toEqual({ ...ZERO, ...fields, cdbLength: length });
    });
  });

  it.each(ROUND_TRIPS)('decode(encode(x)) = x for %s', (_command, arbitrary) => {
    fc.assert(fc.property(arbitrary, (fields) => {
      encode16(fields);
      codec.decode(0, 1);
      const back = readCdbFields(codec, 0);
      expect(back).toMatchObject({ ...fields, result: RESULT_OK });
    }), { seed: 1, numRuns: 300 });
  });

  it('encodes and decodes whole batches, touching only the slots asked for', () => {
    const fields = ORACLES.map(([, , f]) => f);
    codec.bytes.fill(0xee, slotAt(9), slotAt(10 + fields.length + 1));
    fields.forEach((f, i) => writeCdbFields(codec, 10 + i, f));
    codec.encode(10, fields.length);
    ORACLES.forEach(([, hex], i) => expect(hexOf(getCdbBytes(codec, 10 + i))).toBe(hex));
    codec.decode(10, fields.length);
    fields.forEach((f, i) => expect(readCdbFields(codec, 10 + i)).toMatchObject({ ...f, result: RESULT_OK }));
    for (const s of [9, 10 + fields.length]) expect(codec.bytes.subarray(slotAt(s), slotAt(s + 1)).every((b) => b === 0xee)).toBe(true);
  });

  it('refuses slots outside the slot memory', () => {
    expect(() => codec.encode(1020, 5)).toThrow(RangeError);
    expect(() => codec.decode(-1, 1)).toThrow(RangeError);
    expect(() => codec.encodeSense(60, 5)).toThrow(RangeError);
    expect(() => codec.decodeSense(0, 65)).toThrow(RangeError);
  });

  it('truncates fields to their CDB width when encoding', () => {
    const cdb = encode16({ opcode: 0x28, lba: 2 ** 40 + 0x01020304, length: 0x12345, group: 0xff, protect: 0xff, flags: 0xffffffff, control: 0 });
    expect(hexOf(cdb.subarray(0, 10))).toBe('28 f8 01 02 03 04 1f 23 45 00');
  });

  describe('BAD_FIELD rules (field pointer, bit pointer)', () => {
    it.each(MINIMAL)('NACA in the control byte of %o points at the last byte, bit 2', (fields) => {
      const cdb = encode16({ ...fields, control: 0x04 });
      const last = readCdbFields(codec, 0).cdbLength - 1;
      expect(cdb[last]).toBe(0x04);
      codec.decode(0, 1);
      expect(readCdbFields(codec, 0)).toMatchObject({ ...badField(last, 2), control: 0x04 });
    });
    it('INQUIRY: CMDDT → byte 1 bit 1, before a page without EVPD', () => {
      expect(decode('12 02 00 00 24 00')).toMatchObject(badField(1, 1));
      expect(decode('12 02 83 00 24 04')).toMatchObject(badField(1, 1));
    });
    it('INQUIRY: a page code without EVPD → byte 2, no bit', () => {
      expect(decode('12 00 83 00 fc 00')).toMatchObject({ ...badField(2, NO_BIT_PTR), page: 0x83, length: 252 });
    });
    it('SERVICE ACTION IN(16): only READ CAPACITY(16) → byte 1 bit 4, before NACA', () => {
      expect(decode('9e 11 00 00 00 00 00 00 00 00 00 00 00 20 00 00')).toMatchObject({ ...badField(1, 4), serviceAction: 0x11 });
      expect(decode('9e 00 00 00 00 00 00 00 00 00 00 00 00 20 00 04')).toMatchObject(badField(1, 4));
    });
    it('MAINTENANCE IN/OUT: only the target port group service actions → byte 1 bit 4', () => {
      expect(decode('a3 0b 00 00 00 00 00 00 04 00 00 00')).toMatchObject(badField(1, 4));
      expect(decode('a3 4b 00 00 00 00 00 00 04 00 00 00')).toMatchObject(badField(1, 4));
      expect(decode('a4 00 00 00 00 00 00 00 00 0c 00 00')).toMatchObject(badField(1, 4));
      expect(decode('a4 ea 00 00 00 00 00 00 00 0c 00 00')).toMatchObject({ result: RESULT_OK, serviceAction: 0x0a });
    });
    it('REPORT TARGET PORT GROUPS: data format above 1 → byte 1 bit 7', () => {
      expect(decode('a3 4a 00 00 00 00 00 00 04 00 00 00')).toMatchObject({ ...badField(1, 7), param: 2 });
      expect(decode('a3 ea 00 00 00 00 00 00 04 00 00 00')).toMatchObject({ ...badField(1, 7), param: 7 });
    });
    it('READ CAPACITY(10): an LBA without PMI → byte 2, no bit', () => {
      expect(decode('25 00 00 00 00 01 00 00 00 00')).toMatchObject({ ...badField(2, NO_BIT_PTR), lba: 1 });
      expect(decode('25 00 00 00 00 01 00 00 01 00')).toMatchObject({ result: RESULT_OK, lba: 1, flags: FLAG_PMI });
      expect(decode('25 00 00 00 00 00 00 00 01 00')).toMatchObject({ result: RESULT_OK });
    });
    it('REPORT LUNS: allocation length below 16 → byte 6, no bit', () => {
      expect(decode('a0 00 00 00 00 00 00 00 00 0f 00 00')).toMatchObject({ ...badField(6, NO_BIT_PTR), length: 15 });
      expect(decode('a0 00 00 00 00 00 00 00 00 00 00 00')).toMatchObject(badField(6, NO_BIT_PTR));
      expect(decode('a0 00 00 00 00 00 00 00 00 10 00 00')).toMatchObject({ result: RESULT_OK, length: 16 });
    });
    it('COMPARE AND WRITE: reserved bits 2 and 0 of byte 1, then reserved bytes 10-12', () => {
      expect(decode('89 05 00 00 00 00 00 00 00 00 00 00 00 01 00 00')).toMatchObject(badField(1, 2));
      expect(decode('89 01 00 00 00 00 00 00 00 00 ff 00 00 01 00 00')).toMatchObject(badField(1, 0));
      expect(decode('89 00 00 00 00 00 00 00 00 00 00 80 00 01 00 00')).toMatchObject({ ...badField(11, NO_BIT_PTR), length: 1 });
      expect(decode('89 00 00 00 00 00 00 00 00 00 00 00 01 01 00 04')).toMatchObject(badField(12, NO_BIT_PTR));
      // FUA_NV (obsolete) and the bits above the group number are ignored, as in READ(16).
      expect(decode('89 02 00 00 00 00 00 00 00 00 00 00 00 01 e0 00')).toMatchObject({ result: RESULT_OK, flags: 0, group: 0 });
    });
    it('WRITE SAME(16): PBDATA and LBDATA (obsolete) are refused at their bit', () => {
      expect(decode('93 04 00 00 00 00 00 00 00 00 00 00 00 01 00 00')).toMatchObject(badField(1, 2));
      expect(decode('93 0a 00 00 00 00 00 00 00 00 00 00 00 01 00 00')).toMatchObject({ ...badField(1, 1), flags: FLAG_UNMAP });
    });
    it('UNMAP: reserved bits of byte 1, reserved bytes 2-5, bits 7:5 of byte 6', () => {
      expect(decode('42 80 00 00 00 00 00 00 18 00')).toMatchObject(badField(1, 7));
      expect(decode('42 03 00 00 00 00 00 00 18 00')).toMatchObject({ ...badField(1, 1), flags: FLAG_ANCHOR });
      expect(decode('42 00 00 00 10 00 00 00 18 00')).toMatchObject(badField(4, NO_BIT_PTR));
      expect(decode('42 00 00 00 00 00 25 00 18 00')).toMatchObject({ ...badField(6, 5), group: 5 });
    });
    it('EXTENDED COPY: only LID1 → byte 1 bit 4; then reserved bits and bytes 2-9 and 14', () => {
      expect(decode('83 01 00 00 00 00 00 00 00 00 00 00 00 4c 00 00')).toMatchObject({ ...badField(1, 4), serviceAction: 1, length: 76 });
      expect(decode('83 10 00 00 00 00 00 00 00 00 00 00 00 4c 00 00')).toMatchObject(badField(1, 4)); // POPULATE TOKEN
      expect(decode('83 40 00 00 00 00 00 00 00 00 00 00 00 4c 00 00')).toMatchObject(badField(1, 6));
      expect(decode('83 00 00 00 00 00 00 00 00 01 00 00 00 4c 00 00')).toMatchObject(badField(9, NO_BIT_PTR));
      expect(decode('83 00 00 00 00 00 00 00 00 00 00 00 00 4c 01 00')).toMatchObject(badField(14, NO_BIT_PTR));
    });
    it('RECEIVE COPY RESULTS: COPY STATUS and OPERATING PARAMETERS only → byte 1 bit 4; reserved bytes 3-9 and 14', () => {
      expect(decode('84 01 00 00 00 00 00 00 00 00 00 00 00 0c 00 00')).toMatchObject({ ...badField(1, 4), serviceAction: 1 });
      expect(decode('84 04 00 00 00 00 00 00 00 00 00 00 00 0c 00 00')).toMatchObject(badField(1, 4));
      expect(decode('84 83 00 00 00 00 00 00 00 00 00 00 00 0c 00 00')).toMatchObject(badField(1, 7));
      expect(decode('84 00 07 01 00 00 00 00 00 00 00 00 00 0c 00 00')).toMatchObject({ ...badField(3, NO_BIT_PTR), param: 7 });
      expect(decode('84 03 00 00 00 00 00 00 00 00 00 00 00 2c 80 00')).toMatchObject(badField(14, NO_BIT_PTR));
    });
    it('does not reject other reserved or obsolete bits', () => {
      expect(decode('00 ff ff ff ff 00')).toMatchObject({ result: RESULT_OK });
      expect(decode('28 03 00 00 00 00 e0 00 01 00')).toMatchObject({ result: RESULT_OK, flags: 0, group: 0, length: 1 });
      expect(decode('88 07 00 00 00 00 00 00 00 00 00 00 00 01 e5 00')).toMatchObject({ result: RESULT_OK, group: 5 });
      expect(decode('35 04 00 00 00 00 00 00 00 00')).toMatchObject({ result: RESULT_OK, flags: 0 });
      expect(decode('1a 10 00 00 00 00')).toMatchObject({ result: RESULT_OK, flags: 0 }); // no LLBAA in (6)
      expect(decode('9e f0 00 00 00 00 00 00 00 00 00 00 00 20 fe 00')).toMatchObject({ result: RESULT_OK, flags: 0 });
      expect(decode('12 fd 00 00 24 00')).toMatchObject({ result: RESULT_OK, flags: FLAG_EVPD });
      expect(decode('00 00 00 00 00 c3')).toMatchObject({ result: RESULT_OK, control: 0xc3 });
    });
  });

  describe('BAD_OPCODE', () => {
    it.each([
      [0x01, 6], [0x41, 10], [0x5e, 10], [0x8f, 16], [0x9f, 16], [0x8e, 16], [0xa5, 12], [0xa8, 12],
      [0x60, 0], [0x7f, 0], [0xc0, 0], [0xe5, 0], [0xff, 0],
    ])('decode of opcode %i: CDB length %i, field 0, no bit, all other fields 0', (op, length) => {
      const cdb = new Uint8Array(16).fill(0xff);
      cdb[0] = op;
      expect(decode(hexOf(cdb))).toEqual({ ...ZERO, opcode: op, cdbLength: length, result: RESULT_BAD_OPCODE, bitPointer: NO_BIT_PTR });
    });
    it('encode of an unknown opcode: CDB length 0, zeroed CDB, BAD_OPCODE', () => {
      const cdb = encode16({ opcode: 0x41, lba: 5, length: 9, control: 1 });
      expect(cdb.every((b) => b === 0)).toBe(true);
      expect(readCdbFields(codec, 0)).toMatchObject({ cdbLength: 0, result: RESULT_BAD_OPCODE, lba: 5 });
      expect(getCdbBytes(codec, 0)).toHaveLength(0);
    });
  });

  describe('sense data', () => {
    const FIELD_POINTER: Partial<SenseFields> = { key: 5, asc: 0x24, sksValid: true, cd: true, fieldPointer: 1, bitPointer: 0 };
    const SENSE: [string, Partial<SenseFields>, string][] = [
      ['fixed, field pointer (scsi.md §6)', FIELD_POINTER, '70 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 c8 00 01'],
      ['fixed, INFORMATION = 5 (scsi.md §3)', { key: 0x0e, asc: 0x1d, infoValid: true, info: 5 }, 'f0 00 0e 00 00 00 05 0a 00 00 00 00 1d 00 00 00 00 00'],
      ['fixed, standby (scsi.md §6)', { key: 2, asc: 0x04, ascq: 0x0b }, '70 00 02 00 00 00 00 0a 00 00 00 00 04 0b 00 00 00 00'],
      ['fixed, deferred unit attention', { response: 0x71, key: 6, asc: 0x2a, ascq: 0x06 }, '71 00 06 00 00 00 00 0a 00 00 00 00 2a 06 00 00 00 00'],
      ['fixed, parameter list byte 6, no bit', { key: 5, asc: 0x26, sksValid: true, fieldPointer: 6 }, '70 00 05 00 00 00 00 0a 00 00 00 00 26 00 00 80 00 06'],
      ['descriptor, information (scsi.md §6)', { response: 0x72, key: 0x0e, asc: 0x1d, infoValid: true, info: 5 }, '72 0e 1d 00 00 00 00 0c 00 0a 80 00 00 00 00 00 00 00 00 05'],
      ['descriptor, field pointer', { response: 0x72, ...FIELD_POINTER, bitPointer: 7, fieldPointer: 2, cd: false, asc: 0x26 }, '72 05 26 00 00 00 00 08 02 06 00 00 8f 00 02 00'],
      ['descriptor, both, 64-bit information', { response: 0x73, ...FIELD_POINTER, infoValid: true, info: 2 ** 32 + 7, fieldPointer: 15, bitPointer: 5 },
        '73 05 24 00 00 00 00 14 00 0a 80 00 00 00 00 01 00 00 00 07 02 06 00 00 cd 00 0f 00'],
      ['descriptor, header only', { response: 0x72, key: 6, asc: 0x29 }, '72 06 29 00 00 00 00 00'],
    ];

    it.each(SENSE)('%s: builds the bytes and parses them back', (_case, fields, hex) => {
      expect(hexOf(buildSense(codec, fields))).toBe(hex);
      expect(parseSense(codec, bytesOf(hex))).toEqual({
        response: 0x70, ascq: 0, asc: 0, infoValid: false, info: 0, sksValid: false, cd: false, bitPointer: NO_BIT_PTR, fieldPointer: 0, ...fields,
      });
    });

    it('fixed format keeps only the low 32 bits of a larger INFORMATION, with VALID clear (Linux)', () => {
      const hex = '70 00 0e 00 00 00 07 0a 00 00 00 00 1d 00 00 00 00 00';
      expect(hexOf(buildSense(codec, { key: 0x0e, asc: 0x1d, infoValid: true, info: 2 ** 32 + 7 }))).toBe(hex);
      expect(parseSense(codec, bytesOf(hex))).toMatchObject({ infoValid: false, info: 7 });
    });

    it('any response code other than 0x72/0x73 builds fixed format; bit pointers above 7 mean none', () => {
      expect(buildSense(codec, { response: 0, key: 5 })[0]).toBe(0x70);
      expect(buildSense(codec, { response: 0x7f, key: 5 })[0]).toBe(0x71);
      expect(buildSense(codec, { sksValid: true, bitPointer: 8 })[15]).toBe(0x80);
    });

    it('rejects what is not sense data', () => {
      expect(parseSense(codec, new Uint8Array(0))).toBeNull();
      expect(parseSense(codec, bytesOf('70 00 05 00 00 00 00'))).toBeNull(); // shorter than 8 bytes
      for (const hex of ['00 00 05 00 00 00 00 0a 00 00 00 00 24 00', '74 00 05 00 00 00 00 0a', 'ff 00 05 00 00 00 00 0a']) {
        expect(parseSense(codec, bytesOf(hex))).toBeNull();
      }
    });

    it('honours the ADDITIONAL SENSE LENGTH and short buffers', () => {
      // 14 bytes: ASC/ASCQ present, no sense-key-specific bytes.
      expect(parseSense(codec, bytesOf('70 00 05 00 00 00 00 0a 00 00 00 00 24 01'))).toMatchObject({ asc: 0x24, ascq: 1, sksValid: false });
      // Additional length 6: the field pointer after it is not part of the sense data.
      expect(parseSense(codec, bytesOf('70 00 05 00 00 00 00 06 00 00 00 00 24 00 00 c8 00 01'))).toMatchObject({ asc: 0x24, sksValid: false });
      // Descriptor cut by the additional length: no information.
      expect(parseSense(codec, bytesOf('72 0e 1d 00 00 00 00 0a 00 0a 80 00 00 00 00 00 00 00 00 05'))).toMatchObject({ infoValid: false, info: 0 });
      // An unknown descriptor first, then the information; a second information descriptor is ignored.
      expect(parseSense(codec, bytesOf('72 0e 1d 00 00 00 00 1e 80 02 aa bb 00 0a 80 00 00 00 00 00 00 00 00 09 00 0a 80 00 00 00 00 00 00 00 00 01')))
        .toMatchObject({ infoValid: true, info: 9 });
    });

    const sgDecodeSense = '/usr/bin/sg_decode_sense';
    it.skipIf(!existsSync(sgDecodeSense))('sg_decode_sense reads what we build', () => {
      const decodeText = (fields: Partial<SenseFields>): string =>
        execFileSync(sgDecodeSense, Array.from(buildSense(codec, fields), (b) => b.toString(16).padStart(2, '0')), { encoding: 'utf8' });
      const fixed = decodeText(FIELD_POINTER);
      expect(fixed).toContain('Fixed format, current; Sense key: Illegal Request');
      expect(fixed).toContain('Additional sense: Invalid field in cdb');
      expect(fixed).toContain('Error in Command: byte 1 bit 0');
      expect(decodeText({ key: 0x0e, asc: 0x1d, infoValid: true, info: 5 })).toMatch(/Sense key: Miscompare[\s\S]*Miscompare during verify operation[\s\S]*Info fld=0x5/);
      expect(decodeText({ key: 2, asc: 0x04, ascq: 0x0a })).toContain('Logical unit not accessible, asymmetric access state transition');
      const descriptor = decodeText({ response: 0x72, ...FIELD_POINTER, infoValid: true, info: 2 ** 32 + 7, fieldPointer: 15, bitPointer: 5 });
      expect(descriptor).toContain('Descriptor format, current; Sense key: Illegal Request');
      expect(descriptor).toContain('Information: 0x0000000100000007');
      expect(descriptor).toContain('Error in Command: byte 15 bit 5');
      expect(decodeText({ response: 0x73, key: 6, asc: 0x2a, ascq: 0x06 })).toMatch(/Descriptor format, <<<deferred>>>; Sense key: Unit Attention\s+Additional sense: Asymmetric access state changed/);
      expect(decodeText({ key: 5, asc: 0x26, sksValid: true, fieldPointer: 6 })).toContain('Error in Data parameters: byte 6');
    });

    it.skipIf(!existsSync(sgDecodeSense))('sg_decode_sense --cdb names what we encode for the offload commands', () => {
      const names: [Partial<CdbFields>, string][] = [
        [{ opcode: 0x89, lba: 0x3000, length: 1 }, 'Compare and write'],
        [{ opcode: 0x93, flags: FLAG_UNMAP, lba: 0x2000, length: 16 }, 'Write same(16)'],
        [{ opcode: 0x42, length: 24 }, 'Unmap'],
        [{ opcode: 0x83, length: 76 }, 'Extended copy(LID1)'],
        [{ opcode: 0x84, serviceAction: 3, length: 44 }, 'Receive copy operating parameters'],
        [{ opcode: 0x84, param: 1, length: 12 }, 'Receive copy status(LID1)'],
      ];
      for (const [fields, name] of names) {
        writeCdbFields(codec, 0, fields);
        codec.encode(0, 1);
        const args = Array.from(getCdbBytes(codec, 0), (b) => b.toString(16).padStart(2, '0'));
        expect(execFileSync(sgDecodeSense, ['--cdb', ...args], { encoding: 'utf8' }).trim()).toBe(name);
      }
    });
  });
});
