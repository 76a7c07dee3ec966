// The virtual storage arrays answer real CDBs with real bytes (reference/scsi.md). Every behaviour
// here runs on both engines: the wasm codec/sgcopy and their TypeScript twins must answer alike.
// Each test boots its own stack, so unit attentions and ALUA states never leak between tests.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootStack, type Stack } from '../../src/stack/boot';
import { sendCdb, type SgResponse } from '../../src/stack/initiator/sg-request';
import type { StorageArray } from '../../src/stack/arrays/storage-array';
import type { TargetPort } from '../../src/stack/arrays/ports';

// ---- CDB builders (reference/scsi.md §1) ----

const be16 = (x: number): number[] => [(x >>> 8) & 0xff, x & 0xff];
const be32 = (x: number): number[] => [(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
const be64 = (x: number): number[] => [...be32(Math.floor(x / 2 ** 32)), ...be32(x >>> 0)];

const cdb = {
  testUnitReady: () => [0x00, 0, 0, 0, 0, 0],
  requestSense: (alloc = 252) => [0x03, 0, 0, 0, alloc, 0],
  inquiry: (alloc = 96, b1 = 0) => [0x12, b1, 0, ...be16(alloc), 0],
  vpd: (page: number, alloc = 252) => [0x12, 0x01, page, ...be16(alloc), 0],
  reportLuns: (alloc = 256, select = 0) => [0xa0, 0, select, 0, 0, 0, ...be32(alloc), 0, 0],
  readCapacity10: () => [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  readCapacity16: (alloc = 32) => [0x9e, 0x10, ...be64(0), ...be32(alloc), 0, 0],
  read10: (lba: number, blocks: number, b1 = 0) => [0x28, b1, ...be32(lba), 0, ...be16(blocks), 0],
  write10: (lba: number, blocks: number, b1 = 0) => [0x2a, b1, ...be32(lba), 0, ...be16(blocks), 0],
  read16: (lba: number, blocks: number, b1 = 0) => [0x88, b1, ...be64(lba), ...be32(blocks), 0, 0],
  write16: (lba: number, blocks: number, b1 = 0) => [0x8a, b1, ...be64(lba), ...be32(blocks), 0, 0],
  syncCache10: (lba: number, blocks: number) => [0x35, 0, ...be32(lba), 0, ...be16(blocks), 0],
  modeSense6: (pcPage: number, { dbd = false, alloc = 255 } = {}) => [0x1a, dbd ? 0x08 : 0, pcPage, 0, alloc, 0],
  modeSense10: (pcPage: number, { dbd = false, llbaa = false, alloc = 1024 } = {}) =>
    [0x5a, (llbaa ? 0x10 : 0) | (dbd ? 0x08 : 0), pcPage, 0, 0, 0, 0, ...be16(alloc), 0],
  rtpg: (extended: boolean, alloc = 1024) => [0xa3, extended ? 0x2a : 0x0a, 0, 0, 0, 0, ...be32(alloc), 0, 0],
  stpg: (listLength: number) => [0xa4, 0x0a, 0, 0, 0, 0, ...be32(listLength), 0, 0],
};

/** SET TARGET PORT GROUPS parameter list: 4 reserved bytes, then {state, reserved, TPG id} each. */
const stpgList = (...descriptors: { state: number; group: number }[]): Uint8Array =>
  Uint8Array.from([0, 0, 0, 0, ...descriptors.flatMap((d) => [d.state, 0, ...be16(d.group)])]);

// ---- checking answers ----

const GOOD = 0x00;
const CHECK_CONDITION = 0x02;
const NO_CONNECT = 0x1;

const h2 = (x: number) => x.toString(16).padStart(2, '0');
/** Fixed-format sense as "KEY/ASC/ASCQ" in hex, e.g. "05/24/00". */
const senseCode = (s: Uint8Array) => `${h2(s[2] & 0x0f)}/${h2(s[12])}/${h2(s[13])}`;

function expectGood(r: SgResponse): void {
  expect(r.hostStatus, 'host status').toBe(0);
  expect(r.status, `status (sense ${r.sense.length ? senseCode(r.sense) : 'none'})`).toBe(GOOD);
}

function expectCheck(r: SgResponse, code: string): void {
  expect(r.hostStatus, 'host status').toBe(0);
  expect(r.status, 'status').toBe(CHECK_CONDITION);
  expect(r.sense[0] & 0x7f, 'fixed format, current').toBe(0x70);
  expect(senseCode(r.sense)).toBe(code);
}

/** Sense-key-specific field pointer (fixed format b15..17): SKSV, C/D, BPV + bit pointer, byte. */
function expectFieldPointer(r: SgResponse, byte: number, bit?: number, inCdb = true): void {
  const s = r.sense;
  expect(s[15] & 0x80, 'SKSV').toBe(0x80);
  expect(s[15] & 0x40, 'C/D').toBe(inCdb ? 0x40 : 0);
  expect(s[15] & 0x0f, 'BPV and bit pointer').toBe(bit === undefined ? 0 : 0x08 | bit);
  expect((s[16] << 8) | s[17], 'field pointer').toBe(byte);
}

const ascii = (d: Uint8Array, from: number, to: number) => String.fromCharCode(...d.subarray(from, to));
const u16 = (d: Uint8Array, at: number) => (d[at] << 8) | d[at + 1];
const u32 = (d: Uint8Array, at: number) => ((d[at] << 24) | (d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]) >>> 0;
const u64 = (d: Uint8Array, at: number) => u32(d, at) * 2 ** 32 + u32(d, at + 4);
const hex = (d: Uint8Array) => Array.from(d, h2).join('');

interface Designator { codeSet: number; piv: number; association: number; type: number; value: Uint8Array }

/** The designation descriptors of a VPD 0x83 page. */
function designators(page: Uint8Array): Designator[] {
  const out: Designator[] = [];
  const end = 4 + u16(page, 2);
  for (let at = 4; at < end; ) {
    const length = page[at + 3];
    out.push({
      codeSet: page[at] & 0x0f,
      piv: page[at + 1] >> 7,
      association: (page[at + 1] >> 4) & 3,
      type: page[at + 1] & 0x0f,
      value: page.slice(at + 4, at + 4 + length),
    });
    at += 4 + length;
  }
  expect(out.reduce((n, d) => n + 4 + d.value.length, 4), 'descriptors fill the page exactly').toBe(end);
  return out;
}

/** A recognisable block pattern: differs per block and per byte. */
function pattern(blocks: number, blockSize: number, seed: number): Uint8Array {
  const d = new Uint8Array(blocks * blockSize);
  for (let i = 0; i < d.length; i++) d[i] = (seed * 31 + i * 7 + Math.floor(i / blockSize) * 13) & 0xff;
  return d;
}

const GiB = 1024 ** 3;

describe.each(['wasm', 'typescript'] as const)('storage arrays, %s engine', (engine) => {
  let stack: Stack;

  beforeEach(async () => {
    stack = await bootStack({ engine });
    expect(stack.engines.engine).toBe(engine);
  });
  afterEach(() => stack.close());

  const arrayNamed = (name: string): StorageArray => {
    const a = stack.array(name);
    if (!a) throw new Error(`no array ${name}`);
    return a;
  };

  /** Sends one CDB through port `port` (index or object) of `array` to `lun`. */
  function send(
    array: StorageArray,
    port: number | TargetPort,
    lun: number,
    bytes: number[],
    options: { dataOut?: Uint8Array; dataIn?: number; initiator?: string } = {},
  ): Promise<SgResponse> {
    const p = typeof port === 'number' ? array.ports[port] : port;
    return sendCdb(stack.arena, array, p, lun, { cdb: bytes, ...options });
  }

  // ---------------------------------------------------------------- INQUIRY

  describe('standard INQUIRY', () => {
    it.each([
      ['alua-array', 'ALUA-VA', 3],
      ['ap-array', 'AP-VA', 0],
      ['aa-array', 'AA-VA', 0],
    ])('%s: PQ/PDT, version, TPGS, MULTIP, CMDQUE and padded identification', async (name, product, tpgs) => {
      const array = arrayNamed(name);
      const r = await send(array, 0, 0, cdb.inquiry(96));
      expectGood(r);
      const d = r.dataIn;
      expect(d.length).toBe(96);
      expect(d[0], 'PQ 0, PDT 0 (disk)').toBe(0x00);
      expect(d[2], 'VERSION SPC-4').toBe(0x06);
      expect(d[3] & 0x0f, 'RESPONSE DATA FORMAT').toBe(2);
      expect(d[4], 'ADDITIONAL LENGTH').toBe(96 - 5);
      expect((d[5] >> 4) & 3, 'TPGS').toBe(tpgs);
      expect(d[6] & 0x10, 'MULTIP').toBe(0x10);
      expect(d[7] & 0x02, 'CMDQUE').toBe(0x02);
      expect(ascii(d, 8, 16)).toBe('PATHLAB ');
      expect(ascii(d, 16, 32)).toBe(product.padEnd(16, ' '));
      expect(ascii(d, 32, 36)).toBe('0100');
    });

    it('a short allocation length truncates the data but keeps ADDITIONAL LENGTH', async () => {
      const array = arrayNamed('alua-array');
      const r = await send(array, 0, 0, cdb.inquiry(36));
      expectGood(r);
      expect(r.dataIn.length).toBe(36);
      expect(r.dataIn[4]).toBe(91);
      const five = await send(array, 0, 0, cdb.inquiry(5));
      expectGood(five);
      expect(five.dataIn.length).toBe(5);
      expect(five.dataIn[4]).toBe(91);
    });

    it('CMDDT set is an invalid field at byte 1 bit 1', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.inquiry(96, 0x02));
      expectCheck(r, '05/24/00');
      expectFieldPointer(r, 1, 1);
    });

    it('a page code without EVPD is an invalid field at byte 2', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, [0x12, 0x00, 0x83, 0, 96, 0]);
      expectCheck(r, '05/24/00');
      expectFieldPointer(r, 2);
    });
  });

  describe('VPD pages', () => {
    it('0x00 lists the supported pages in ascending order', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.vpd(0x00));
      expectGood(r);
      expect(Array.from(r.dataIn)).toEqual([0x00, 0x00, 0x00, 0x05, 0x00, 0x80, 0x83, 0xb0, 0xb2]);
    });

    it('0x80 carries the unit serial number (array serial + LUN)', async () => {
      const array = arrayNamed('alua-array');
      const r = await send(array, 0, 1, cdb.vpd(0x80));
      expectGood(r);
      expect(Array.from(r.dataIn.subarray(0, 2))).toEqual([0x00, 0x80]);
      expect(u16(r.dataIn, 2)).toBe(12);
      expect(ascii(r.dataIn, 4, r.dataIn.length)).toBe('0A1A00010001');
      expect(ascii(r.dataIn, 4, r.dataIn.length)).toBe(array.luns[1].serial);
    });

    it('0x83: the NAA 6 designator equals the naa id, and the port designators follow the port asked', async () => {
      const array = arrayNamed('alua-array');
      for (const lunNumber of [0, 3]) {
        const lun = array.lun(lunNumber)!;
        // Independent of the implementation: nibble 6, OUI 00-14-05, serial 0x0a1a0001, LUN in the extension.
        expect(lun.naaId).toBe(`naa.600140500a1a0001${'0'.repeat(8)}${lunNumber.toString(16).padStart(8, '0')}`);
        for (const port of array.ports) {
          const r = await send(array, port, lunNumber, cdb.vpd(0x83));
          expectGood(r);
          expect(r.dataIn[1]).toBe(0x83);
          const ds = designators(r.dataIn);
          const naa = ds.filter((d) => d.association === 0 && d.type === 3);
          expect(naa.length).toBe(1);
          expect(naa[0].codeSet, 'binary').toBe(1);
          expect(naa[0].value.length).toBe(16);
          expect(naa[0].value[0] >> 4, 'NAA 6').toBe(6);
          expect('naa.' + hex(naa[0].value)).toBe(lun.naaId);
          const rtp = ds.filter((d) => d.association === 1 && d.type === 4);
          expect(rtp.length).toBe(1);
          expect(u16(rtp[0].value, 2), `relative target port via ${port.wwpn}`).toBe(port.relativeId);
          const tpg = ds.filter((d) => d.association === 1 && d.type === 5);
          expect(tpg.length).toBe(1);
          expect(u16(tpg[0].value, 2), `target port group via ${port.wwpn}`).toBe(port.sp.index + 1);
        }
      }
      expect(array.ports.map((p) => p.relativeId)).toEqual([1, 2, 3, 4]);
    });

    it.each(['ap-array', 'aa-array'])('0x83 on %s has a relative port but no target port group', async (name) => {
      const array = arrayNamed(name);
      for (const port of array.ports) {
        const r = await send(array, port, 0, cdb.vpd(0x83));
        expectGood(r);
        const ds = designators(r.dataIn);
        expect('naa.' + hex(ds.find((d) => d.association === 0 && d.type === 3)!.value)).toBe(array.lun(0)!.naaId);
        expect(u16(ds.find((d) => d.association === 1 && d.type === 4)!.value, 2)).toBe(port.relativeId);
        expect(ds.some((d) => d.type === 5)).toBe(false);
      }
    });

    it('0xB0 block limits: page length 0x3C and MAXIMUM TRANSFER LENGTH in blocks (8 MiB)', async () => {
      const array = arrayNamed('alua-array');
      for (const [lun, blockSize] of [[0, 512], [2, 4096]]) {
        const r = await send(array, 0, lun, cdb.vpd(0xb0));
        expectGood(r);
        expect(r.dataIn[1]).toBe(0xb0);
        expect(u16(r.dataIn, 2)).toBe(0x3c);
        expect(r.dataIn.length).toBe(0x40);
        expect(u32(r.dataIn, 8)).toBe((8 * 1024 * 1024) / blockSize);
      }
    });

    it('0xB2 logical block provisioning has page length 4', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.vpd(0xb2));
      expectGood(r);
      expect(r.dataIn[1]).toBe(0xb2);
      expect(u16(r.dataIn, 2)).toBe(4);
      expect(r.dataIn.length).toBe(8);
    });

    it('a short allocation length keeps the full PAGE LENGTH', async () => {
      const array = arrayNamed('alua-array');
      const full = await send(array, 0, 0, cdb.vpd(0x83));
      const short = await send(array, 0, 0, cdb.vpd(0x83, 4));
      expectGood(short);
      expect(short.dataIn.length).toBe(4);
      expect(u16(short.dataIn, 2)).toBe(full.dataIn.length - 4);
      const list = await send(array, 0, 0, cdb.vpd(0x00, 6));
      expect(Array.from(list.dataIn)).toEqual([0, 0, 0, 5, 0x00, 0x80]);
    });

    it('an unsupported page is an invalid field at byte 2', async () => {
      for (const page of [0xb1, 0x86, 0xc0]) {
        const r = await send(arrayNamed('alua-array'), 0, 0, cdb.vpd(page));
        expectCheck(r, '05/24/00');
        expectFieldPointer(r, 2);
      }
    });
  });

  // ---------------------------------------------------------------- addressing

  describe('a LUN that does not exist', () => {
    it('INQUIRY answers PQ 3 / PDT 0x1F with GOOD', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 7, cdb.inquiry(96));
      expectGood(r);
      expect(r.dataIn[0]).toBe(0x7f);
    });

    it('TEST UNIT READY and READ CAPACITY get 05/25/00', async () => {
      const array = arrayNamed('alua-array');
      expectCheck(await send(array, 0, 7, cdb.testUnitReady()), '05/25/00');
      expectCheck(await send(array, 0, 7, cdb.readCapacity10()), '05/25/00');
      expectCheck(await send(array, 0, 7, cdb.readCapacity16()), '05/25/00');
      expectCheck(await send(array, 0, 7, cdb.read10(0, 1)), '05/25/00');
    });

    it('REQUEST SENSE answers GOOD with sense data 25/00', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 7, cdb.requestSense(252));
      expectGood(r);
      expect(r.dataIn.length).toBe(18);
      expect(r.dataIn[0] & 0x7f).toBe(0x70);
      expect(senseCode(r.dataIn)).toBe('05/25/00');
    });

    it('REPORT LUNS still works through it', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 7, cdb.reportLuns());
      expectGood(r);
      expect(u32(r.dataIn, 0)).toBe(32);
    });
  });

  it('REQUEST SENSE on an existing LUN reports NO SENSE', async () => {
    const r = await send(arrayNamed('aa-array'), 0, 0, cdb.requestSense(18));
    expectGood(r);
    expect(senseCode(r.dataIn)).toBe('00/00/00');
  });

  it.each([0xc0, 0x02, 0xff])('unknown opcode %i gets 05/20/00', async (op) => {
    const bytes = new Array(op >= 0xa0 ? 12 : op >= 0x20 ? 10 : 6).fill(0);
    bytes[0] = op;
    const r = await send(arrayNamed('alua-array'), 0, 0, bytes);
    expectCheck(r, '05/20/00');
  });

  describe('REPORT LUNS', () => {
    it('lists every LUN with peripheral addressing', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.reportLuns(256));
      expectGood(r);
      expect(u32(r.dataIn, 0), 'LUN LIST LENGTH').toBe(4 * 8);
      expect(r.dataIn.length).toBe(8 + 4 * 8);
      for (let i = 0; i < 4; i++) {
        expect(Array.from(r.dataIn.subarray(8 + 8 * i, 16 + 8 * i))).toEqual([0, i, 0, 0, 0, 0, 0, 0]);
      }
      const ap = await send(arrayNamed('ap-array'), 1, 0, cdb.reportLuns(256));
      expect(u32(ap.dataIn, 0)).toBe(16);
    });

    it('a short allocation length truncates but keeps LUN LIST LENGTH', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.reportLuns(16));
      expectGood(r);
      expect(r.dataIn.length).toBe(16);
      expect(u32(r.dataIn, 0)).toBe(32);
    });

    it('an allocation length under 16 is an invalid field', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.reportLuns(15));
      expectCheck(r, '05/24/00');
      expectFieldPointer(r, 6);
    });
  });

  // ---------------------------------------------------------------- capacity and data

  describe('READ CAPACITY', () => {
    it.each([
      ['alua-array', 0, (10 * GiB) / 512, 512],
      ['alua-array', 2, (20 * GiB) / 4096, 4096],
      ['aa-array', 1, (1024 * GiB) / 4096, 4096],
    ])('%s LUN %i: last LBA and block length in (10) and (16)', async (name, lun, blocks, blockSize) => {
      const array = arrayNamed(name);
      const r10 = await send(array, 0, lun, cdb.readCapacity10());
      expectGood(r10);
      expect(r10.dataIn.length).toBe(8);
      expect(u32(r10.dataIn, 0)).toBe(blocks - 1);
      expect(u32(r10.dataIn, 4)).toBe(blockSize);
      const r16 = await send(array, 0, lun, cdb.readCapacity16(32));
      expectGood(r16);
      expect(r16.dataIn.length).toBe(32);
      expect(u64(r16.dataIn, 0)).toBe(blocks - 1);
      expect(u32(r16.dataIn, 8)).toBe(blockSize);
    });
  });

  describe('READ and WRITE', () => {
    it('WRITE(10) then READ(10) across a 32 KiB extent boundary; unwritten blocks read zeros', async () => {
      const array = arrayNamed('alua-array');
      // 512-byte blocks: an extent is 64 blocks, so LBA 60..67 straddles extents 0 and 1.
      const data = pattern(8, 512, 1);
      expectGood(await send(array, 0, 0, cdb.write10(60, 8), { dataOut: data }));
      const r = await send(array, 1, 0, cdb.read10(56, 16), { dataIn: 16 * 512 });
      expectGood(r);
      expect(r.dataIn.length).toBe(16 * 512);
      expect(r.dataIn.subarray(0, 4 * 512).every((b) => b === 0)).toBe(true);
      expect(hex(r.dataIn.subarray(4 * 512, 12 * 512))).toBe(hex(data));
      expect(r.dataIn.subarray(12 * 512).every((b) => b === 0)).toBe(true);
      // Far away, never written.
      const far = await send(array, 0, 0, cdb.read10(1_000_000, 2));
      expectGood(far);
      expect(far.dataIn.length).toBe(1024);
      expect(far.dataIn.every((b) => b === 0)).toBe(true);
    });

    it('WRITE(16) then READ(16) on a 4096-byte LUN across an extent boundary', async () => {
      const array = arrayNamed('alua-array');
      // 4096-byte blocks: 8 blocks per extent, LBA 6..9 crosses into extent 1.
      const data = pattern(4, 4096, 2);
      expectGood(await send(array, 0, 2, cdb.write16(6, 4), { dataOut: data }));
      const r = await send(array, 0, 2, cdb.read16(5, 6), { dataIn: 6 * 4096 });
      expectGood(r);
      expect(r.dataIn.subarray(0, 4096).every((b) => b === 0)).toBe(true);
      expect(hex(r.dataIn.subarray(4096, 5 * 4096))).toBe(hex(data));
      expect(r.dataIn.subarray(5 * 4096).every((b) => b === 0)).toBe(true);
      // READ(10) sees the same blocks.
      const r10 = await send(array, 0, 2, cdb.read10(7, 1), { dataIn: 4096 });
      expect(hex(r10.dataIn)).toBe(hex(data.subarray(4096, 8192)));
    });

    it('an overwrite replaces only its own blocks, and is visible through every port', async () => {
      const array = arrayNamed('aa-array');
      const first = pattern(4, 512, 3);
      const second = pattern(1, 512, 4);
      expectGood(await send(array, 0, 0, cdb.write10(100, 4), { dataOut: first }));
      expectGood(await send(array, 1, 0, cdb.write16(101, 1), { dataOut: second }));
      const r = await send(array, 1, 0, cdb.read10(100, 4), { dataIn: 2048 });
      const expected = first.slice();
      expected.set(second, 512);
      expect(hex(r.dataIn)).toBe(hex(expected));
    });

    it('an LBA range past the end gets 05/21/00', async () => {
      const array = arrayNamed('alua-array');
      const blocks = (10 * GiB) / 512;
      expectGood(await send(array, 0, 0, cdb.read10(blocks - 1, 1)));
      expectCheck(await send(array, 0, 0, cdb.read10(blocks - 1, 2)), '05/21/00');
      expectCheck(await send(array, 0, 0, cdb.read10(blocks, 1)), '05/21/00');
      expectCheck(await send(array, 0, 0, cdb.write10(blocks, 1), { dataOut: new Uint8Array(512) }), '05/21/00');
      expectCheck(await send(array, 0, 0, cdb.read16(2 ** 40, 1)), '05/21/00');
    });

    it('a transfer over MAXIMUM TRANSFER LENGTH gets 24/00 on the length field', async () => {
      const array = arrayNamed('alua-array');
      const max = (8 * 1024 * 1024) / 512;
      const r10 = await send(array, 0, 0, cdb.read10(0, max + 1));
      expectCheck(r10, '05/24/00');
      expectFieldPointer(r10, 7);
      const r16 = await send(array, 0, 0, cdb.read16(0, max + 1));
      expectCheck(r16, '05/24/00');
      expectFieldPointer(r16, 10);
    });

    it('RDPROTECT / WRPROTECT other than 0 gets 24/00', async () => {
      const array = arrayNamed('alua-array');
      expectCheck(await send(array, 0, 0, cdb.read10(0, 1, 0x20)), '05/24/00');
      expectCheck(await send(array, 0, 0, cdb.read16(0, 1, 0xe0)), '05/24/00');
      expectCheck(await send(array, 0, 0, cdb.write10(0, 1, 0x40), { dataOut: new Uint8Array(512) }), '05/24/00');
    });

    it('a zero transfer length moves nothing and answers GOOD', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.read10(0, 0));
      expectGood(r);
      expect(r.dataIn.length).toBe(0);
    });
  });

  describe('SYNCHRONIZE CACHE', () => {
    it('answers GOOD for a range inside the LUN and for "to the end"', async () => {
      const array = arrayNamed('alua-array');
      expectGood(await send(array, 0, 3, cdb.syncCache10(0x10, 8)));
      expectGood(await send(array, 0, 3, cdb.syncCache10(0, 0)));
      expectGood(await send(arrayNamed('aa-array'), 0, 1, cdb.syncCache10(0, 0)));
    });

    it('a range past the end gets 05/21/00', async () => {
      const array = arrayNamed('alua-array');
      const blocks = (10 * GiB) / 512;
      expectCheck(await send(array, 0, 0, cdb.syncCache10(blocks - 4, 8)), '05/21/00');
      expectCheck(await send(array, 0, 0, cdb.syncCache10(blocks, 1)), '05/21/00');
    });

    it('an LBA past the end with NUMBER OF LOGICAL BLOCKS 0 gets 05/21/00', async () => {
      const array = arrayNamed('alua-array');
      const blocks = (10 * GiB) / 512;
      expectCheck(await send(array, 0, 0, cdb.syncCache10(blocks + 100, 0)), '05/21/00');
    });
  });

  // ---------------------------------------------------------------- MODE SENSE

  describe('MODE SENSE', () => {
    const CACHING = 0x08;
    const CONTROL = 0x0a;

    it.each([
      ['alua-array', 3, 1],
      ['aa-array', 1, 1],
      ['alua-array', 0, 0],
      ['aa-array', 0, 0],
    ])('%s LUN %i: caching page WCE = %i, in (6) and (10)', async (name, lun, wce) => {
      const array = arrayNamed(name);
      const six = await send(array, 0, lun, cdb.modeSense6(CACHING, { dbd: true }));
      expectGood(six);
      expect(six.dataIn.length).toBe(4 + 20);
      expect(six.dataIn[0]).toBe(4 + 20 - 1);
      expect(six.dataIn[3], 'no block descriptor').toBe(0);
      expect(Array.from(six.dataIn.subarray(4, 6))).toEqual([0x08, 0x12]);
      expect((six.dataIn[6] >> 2) & 1, 'WCE').toBe(wce);
      const ten = await send(array, 0, lun, cdb.modeSense10(CACHING, { dbd: true }));
      expectGood(ten);
      expect(u16(ten.dataIn, 0)).toBe(8 + 20 - 2);
      expect(Array.from(ten.dataIn.subarray(8, 10))).toEqual([0x08, 0x12]);
      expect((ten.dataIn[10] >> 2) & 1, 'WCE').toBe(wce);
    });

    it('control page: code 0x0A, length 0x0A, D_SENSE 0 (fixed sense)', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.modeSense6(CONTROL, { dbd: true }));
      expectGood(r);
      expect(r.dataIn.length).toBe(4 + 12);
      expect(Array.from(r.dataIn.subarray(4, 6))).toEqual([0x0a, 0x0a]);
      expect(r.dataIn[6] & 0x04, 'D_SENSE').toBe(0);
    });

    it('0x3F returns every page, after a short block descriptor', async () => {
      const array = arrayNamed('aa-array');
      const r = await send(array, 0, 1, cdb.modeSense6(0x3f));
      expectGood(r);
      const d = r.dataIn;
      expect(d.length).toBe(4 + 8 + 20 + 12);
      expect(d[0], 'MODE DATA LENGTH').toBe(d.length - 1);
      expect(d[3], 'BLOCK DESCRIPTOR LENGTH').toBe(8);
      expect(u32(d, 4), 'NUMBER OF BLOCKS').toBe((1024 * GiB) / 4096);
      expect(d[8], 'reserved').toBe(0);
      expect((d[9] << 16) | (d[10] << 8) | d[11], 'BLOCK LENGTH').toBe(4096);
      expect(d[12] & 0x3f).toBe(CACHING);
      expect(d[13]).toBe(0x12);
      expect(d[12 + 20] & 0x3f).toBe(CONTROL);
      expect(d[12 + 21]).toBe(0x0a);
    });

    it('DBD removes the block descriptor', async () => {
      const array = arrayNamed('alua-array');
      const r = await send(array, 0, 0, cdb.modeSense6(0x3f, { dbd: true }));
      expectGood(r);
      expect(r.dataIn.length).toBe(4 + 20 + 12);
      expect(r.dataIn[3]).toBe(0);
      expect(r.dataIn[4] & 0x3f).toBe(CACHING);
      const ten = await send(array, 0, 0, cdb.modeSense10(0x3f, { dbd: true }));
      expect(ten.dataIn.length).toBe(8 + 20 + 12);
      expect(u16(ten.dataIn, 6)).toBe(0);
      expect(ten.dataIn[8] & 0x3f).toBe(CACHING);
    });

    it('MODE SENSE(10): short descriptor without LLBAA, long one with it', async () => {
      const array = arrayNamed('alua-array');
      const blocks = (10 * GiB) / 512;
      const short = await send(array, 0, 0, cdb.modeSense10(CACHING));
      expectGood(short);
      expect(short.dataIn.length).toBe(8 + 8 + 20);
      expect(u16(short.dataIn, 0)).toBe(short.dataIn.length - 2);
      expect(short.dataIn[4] & 1, 'LONGLBA').toBe(0);
      expect(u16(short.dataIn, 6)).toBe(8);
      expect(u32(short.dataIn, 8)).toBe(blocks);
      expect((short.dataIn[13] << 16) | (short.dataIn[14] << 8) | short.dataIn[15]).toBe(512);
      const long = await send(array, 0, 0, cdb.modeSense10(CACHING, { llbaa: true }));
      expectGood(long);
      expect(long.dataIn.length).toBe(8 + 16 + 20);
      expect(u16(long.dataIn, 0)).toBe(long.dataIn.length - 2);
      expect(long.dataIn[4] & 1, 'LONGLBA').toBe(1);
      expect(u16(long.dataIn, 6)).toBe(16);
      expect(u64(long.dataIn, 8)).toBe(blocks);
      expect(u32(long.dataIn, 20)).toBe(512);
      expect(long.dataIn[24] & 0x3f).toBe(CACHING);
    });

    it('a short allocation length truncates but keeps MODE DATA LENGTH', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.modeSense6(0x3f, { alloc: 4 }));
      expectGood(r);
      expect(r.dataIn.length).toBe(4);
      expect(r.dataIn[0]).toBe(4 + 8 + 20 + 12 - 1);
    });

    it('PC = 3 (saved values) gets 05/39/00', async () => {
      const array = arrayNamed('alua-array');
      expectCheck(await send(array, 0, 0, cdb.modeSense6(0xc0 | CACHING)), '05/39/00');
      expectCheck(await send(array, 0, 0, cdb.modeSense10(0xc0 | 0x3f)), '05/39/00');
    });

    it('an unsupported page gets 24/00 at byte 2 bit 5', async () => {
      const array = arrayNamed('alua-array');
      for (const page of [0x1c, 0x01, 0x19]) {
        const r = await send(array, 0, 0, cdb.modeSense6(page));
        expectCheck(r, '05/24/00');
        expectFieldPointer(r, 2, 5);
      }
    });
  });

  // ---------------------------------------------------------------- active/passive

  describe('active/passive', () => {
    it('I/O through the non-owner SP gets 02/04/03; inquiries still answer; the owner works', async () => {
      const array = arrayNamed('ap-array');
      // LUN 0 is owned by SPA (port 0), LUN 1 by SPB (port 1).
      expectCheck(await send(array, 1, 0, cdb.read10(0, 1)), '02/04/03');
      expectCheck(await send(array, 1, 0, cdb.write10(0, 1), { dataOut: new Uint8Array(512) }), '02/04/03');
      expectCheck(await send(array, 1, 0, cdb.testUnitReady()), '02/04/03');
      expectCheck(await send(array, 0, 1, cdb.read10(0, 1)), '02/04/03');
      const inq = await send(array, 1, 0, cdb.inquiry());
      expectGood(inq);
      expect(inq.dataIn[0]).toBe(0);
      expectGood(await send(array, 1, 0, cdb.vpd(0x83)));
      expectGood(await send(array, 1, 0, cdb.reportLuns()));
      expectGood(await send(array, 0, 0, cdb.read10(0, 1)));
      expectGood(await send(array, 0, 0, cdb.testUnitReady()));
      expectGood(await send(array, 1, 1, cdb.read10(0, 1)));
    });

    it('a trespass moves the LUN to the other SP', async () => {
      const array = arrayNamed('ap-array');
      const data = pattern(1, 512, 9);
      expectGood(await send(array, 0, 0, cdb.write10(5, 1), { dataOut: data }));
      array.trespass(array.lun(0)!, 1);
      expectCheck(await send(array, 0, 0, cdb.read10(5, 1)), '02/04/03');
      const r = await send(array, 1, 0, cdb.read10(5, 1), { dataIn: 512 });
      expectGood(r);
      expect(hex(r.dataIn)).toBe(hex(data));
      array.trespass(array.lun(0)!, 0);
      expectGood(await send(array, 0, 0, cdb.read10(5, 1)));
      expectCheck(await send(array, 1, 0, cdb.read10(5, 1)), '02/04/03');
    });

    it('has no target port groups: RTPG and STPG get 05/20/00', async () => {
      const array = arrayNamed('ap-array');
      expectCheck(await send(array, 0, 0, cdb.rtpg(false)), '05/20/00');
      expectCheck(await send(array, 0, 0, cdb.stpg(8), { dataOut: stpgList({ state: 0, group: 2 }) }), '05/20/00');
    });
  });

  // ---------------------------------------------------------------- ALUA

  describe('ALUA', () => {
    // alua-array: SPA ports 1,2 form group 1; SPB ports 3,4 form group 2. LUN 0 is owned by SPA.
    const rtpgLengthOnly = (g1: number, g2: number, s1 = 0, s2 = 0) => [
      ...be32(32),
      g1, 0x8f, 0, 1, 0, s1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2,
      g2, 0x8f, 0, 2, 0, s2, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
    ];

    it('RTPG length-only format, byte for byte (AO + PREF on the owner group, ANO on the other)', async () => {
      const array = arrayNamed('alua-array');
      const r0 = await send(array, 0, 0, cdb.rtpg(false));
      expectGood(r0);
      expect(Array.from(r0.dataIn)).toEqual(rtpgLengthOnly(0x80, 0x01));
      const r1 = await send(array, 2, 1, cdb.rtpg(false));
      expectGood(r1);
      expect(Array.from(r1.dataIn)).toEqual(rtpgLengthOnly(0x01, 0x80));
    });

    it('RTPG extended format: header 0x10 and the implicit transition time, then the same descriptors', async () => {
      const array = arrayNamed('alua-array');
      const r = await send(array, 3, 0, cdb.rtpg(true));
      expectGood(r);
      const d = r.dataIn;
      expect(d.length).toBe(8 + 32);
      expect(d[4], 'FORMAT TYPE 1').toBe(0x10);
      expect(d[5], 'IMPLICIT TRANSITION TIME: 200 ms rounds up to 1 s').toBe(1);
      expect(Array.from(d.subarray(6, 8))).toEqual([0, 0]);
      expect(Array.from(d.subarray(8))).toEqual(rtpgLengthOnly(0x80, 0x01).slice(4));
    });

    it('RTPG extended format: RETURN DATA LENGTH is the length of the descriptor list (SPC-4, LIO)', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.rtpg(true));
      expectGood(r);
      expect(u32(r.dataIn, 0)).toBe(32);
    });

    it('RTPG with a short allocation length keeps RETURN DATA LENGTH', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.rtpg(false, 8));
      expectGood(r);
      expect(r.dataIn.length).toBe(8);
      expect(Array.from(r.dataIn)).toEqual(rtpgLengthOnly(0x80, 0x01).slice(0, 8));
    });

    it('STPG to AO on the other group: GOOD, TRANSITIONING for the transition time, then swapped', async () => {
      const array = arrayNamed('alua-array');
      let t = 1_000_000;
      array.now = () => t;
      // host-b talks to LUN 0 through port 3 (group 2) first, so its nexus is known.
      expectGood(await send(array, 2, 0, cdb.testUnitReady(), { initiator: 'host-b' }));
      expectGood(await send(array, 2, 0, cdb.read10(0, 1), { initiator: 'host-b' }));

      const set = await send(array, 2, 0, cdb.stpg(8), { dataOut: stpgList({ state: 0x0, group: 2 }), initiator: 'host-a' });
      expectGood(set);

      // During the transition both groups report TRANSITIONING and media access gets 02/04/0A.
      t += 100_000;
      const during = await send(array, 2, 0, cdb.rtpg(false), { initiator: 'host-a' });
      expectGood(during);
      expect(Array.from(during.dataIn)).toEqual(rtpgLengthOnly(0x80 | 0x0f, 0x0f, 1, 1));
      expectCheck(await send(array, 2, 0, cdb.read10(0, 1), { initiator: 'host-a' }), '02/04/0a');
      expectCheck(await send(array, 0, 0, cdb.read10(0, 1), { initiator: 'host-a' }), '02/04/0a');
      expectGood(await send(array, 2, 0, cdb.inquiry(), { initiator: 'host-a' }));

      // After it, group 2 is active/optimized and group 1 non-optimized; PREF stays with group 1.
      t += 100_001;
      const after = await send(array, 0, 0, cdb.rtpg(false), { initiator: 'host-a' });
      expectGood(after);
      expect(Array.from(after.dataIn)).toEqual(rtpgLengthOnly(0x80 | 0x01, 0x00, 1, 1));
      expectGood(await send(array, 2, 0, cdb.read10(0, 1), { initiator: 'host-a' }));
      expectGood(await send(array, 0, 0, cdb.read10(0, 1), { initiator: 'host-a' }));
      expect(array.lun(0)!.owner).toBe(1);

      // The sender's nexus has no unit attention; host-b gets 06/2A/06 once, then GOOD.
      expectGood(await send(array, 2, 0, cdb.testUnitReady(), { initiator: 'host-a' }));
      expectCheck(await send(array, 2, 0, cdb.testUnitReady(), { initiator: 'host-b' }), '06/2a/06');
      expectGood(await send(array, 2, 0, cdb.testUnitReady(), { initiator: 'host-b' }));
      // Other LUNs were not touched.
      const lun1 = await send(array, 0, 1, cdb.rtpg(false), { initiator: 'host-b' });
      expect(Array.from(lun1.dataIn)).toEqual(rtpgLengthOnly(0x01, 0x80));
    });

    it('STPG with an invalid state gets 05/26/00 pointing into the parameter list, and changes nothing', async () => {
      const array = arrayNamed('alua-array');
      const r = await send(array, 0, 0, cdb.stpg(8), { dataOut: stpgList({ state: 0x0e, group: 1 }) });
      expectCheck(r, '05/26/00');
      expectFieldPointer(r, 4, 3, false);
      const after = await send(array, 0, 0, cdb.rtpg(false));
      expect(Array.from(after.dataIn)).toEqual(rtpgLengthOnly(0x80, 0x01));
    });

    it('STPG on the active/active array gets 05/20/00', async () => {
      const array = arrayNamed('aa-array');
      const r = await send(array, 0, 0, cdb.stpg(8), { dataOut: stpgList({ state: 0, group: 1 }) });
      expectCheck(r, '05/20/00');
      expectCheck(await send(array, 0, 0, cdb.rtpg(false)), '05/20/00');
    });

    it('SP failure: its ports lose the connection, the survivor takes its LUNs over after the transition', async () => {
      const array = arrayNamed('alua-array');
      let t = 5_000_000;
      array.now = () => t;
      // host-a has talked to LUN 0 through port 3 (SPB) before the failure.
      expectGood(await send(array, 2, 0, cdb.testUnitReady(), { initiator: 'host-a' }));

      array.setSpUp(array.sps[0], false);
      for (const port of array.sps[0].ports) {
        const r = await send(array, port, 0, cdb.inquiry(), { initiator: 'host-a' });
        expect(r.hostStatus).toBe(NO_CONNECT);
      }
      // A known nexus first collects the unit attention, ASYMMETRIC ACCESS STATE CHANGED.
      expectCheck(await send(array, 2, 0, cdb.rtpg(false), { initiator: 'host-a' }), '06/2a/06');
      const during = await send(array, 2, 0, cdb.rtpg(false), { initiator: 'host-a' });
      expectGood(during);
      expect(Array.from(during.dataIn)).toEqual(rtpgLengthOnly(0x80 | 0x03, 0x0f, 2, 2));
      expectCheck(await send(array, 2, 0, cdb.read10(0, 1), { initiator: 'host-a' }), '02/04/0a');

      t += 200_000;
      const after = await send(array, 3, 0, cdb.rtpg(false), { initiator: 'host-c' });
      expectGood(after);
      expect(Array.from(after.dataIn)).toEqual(rtpgLengthOnly(0x80 | 0x03, 0x00, 2, 2));
      expectGood(await send(array, 3, 0, cdb.read10(0, 1), { initiator: 'host-c' }));
      // LUN 1 was SPB's already: it stays active/optimized there, group 1 unavailable.
      const lun1 = await send(array, 3, 1, cdb.rtpg(false), { initiator: 'host-c' });
      expect(Array.from(lun1.dataIn)).toEqual(rtpgLengthOnly(0x03, 0x80, 2, 0));
      expectGood(await send(array, 3, 1, cdb.read10(0, 1), { initiator: 'host-c' }));
    });

    it('an implicit-only ALUA array would not accept STPG, but this one reports both (TPGS 3)', async () => {
      const r = await send(arrayNamed('alua-array'), 0, 0, cdb.inquiry());
      expect((r.dataIn[5] >> 4) & 3).toBe(3);
    });
  });

  // ---------------------------------------------------------------- faults

  describe('faults', () => {
    it('a port that is down answers nothing: NO_CONNECT; the other ports still work', async () => {
      const array = arrayNamed('aa-array');
      array.setPortUp(array.ports[0], false);
      const r = await send(array, 0, 0, cdb.testUnitReady());
      expect(r.hostStatus).toBe(NO_CONNECT);
      expectGood(await send(array, 1, 0, cdb.testUnitReady()));
      array.setPortUp(array.ports[0], true);
      expectGood(await send(array, 0, 0, cdb.testUnitReady()));
    });

    it('an array that is down answers nothing on any port', async () => {
      const array = arrayNamed('alua-array');
      array.up = false;
      for (const port of array.ports) {
        const r = await send(array, port, 0, cdb.inquiry());
        expect(r.hostStatus).toBe(NO_CONNECT);
      }
      array.up = true;
      expectGood(await send(array, 0, 0, cdb.inquiry()));
    });

    it('a lost LUN (PDL) answers 05/25/00 and is gone from REPORT LUNS', async () => {
      const array = arrayNamed('aa-array');
      array.setLunLost(array.lun(0)!, true);
      expectCheck(await send(array, 0, 0, cdb.testUnitReady()), '05/25/00');
      expectCheck(await send(array, 1, 0, cdb.read10(0, 1)), '05/25/00');
      expect((await send(array, 0, 0, cdb.inquiry())).dataIn[0]).toBe(0x7f);
      const luns = await send(array, 0, 1, cdb.reportLuns());
      expectGood(luns);
      expect(u32(luns.dataIn, 0)).toBe(8);
      expect(Array.from(luns.dataIn.subarray(8, 16))).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
      expectGood(await send(array, 0, 1, cdb.testUnitReady()));
    });
  });

  describe('service time', () => {
    async function serviceTimes(seed: number): Promise<number[]> {
      const s = await bootStack({ engine, seed });
      try {
        const array = s.array('alua-array')!;
        const out: number[] = [];
        for (let i = 0; i < 6; i++) {
          out.push((await sendCdb(s.arena, array, array.ports[0], 0, { cdb: cdb.read10(i, 8), dataIn: 4096 })).serviceUs);
        }
        return out;
      } finally {
        s.close();
      }
    }

    it('is deterministic for a seed and differs between seeds', async () => {
      const a = await serviceTimes(42);
      const b = await serviceTimes(42);
      const c = await serviceTimes(43);
      expect(a).toEqual(b);
      expect(c).not.toEqual(a);
      // fixed 150 us + 2 us/KiB × 4 KiB + up to 50 us of jitter
      for (const us of [...a, ...c]) {
        expect(us).toBeGreaterThanOrEqual(158);
        expect(us).toBeLessThan(208);
      }
      expect(new Set(a).size).toBeGreaterThan(1);
    });
  });
});
