// The four VAAI primitives at the SCSI level, sent the way a learner sends them: `pathlab sg` with
// --data-out (in process through runSg, so blocks written by one command are there for the next,
// and a few through the real binary with --then). COMPARE AND WRITE (ATS), WRITE SAME (16) (Zero),
// UNMAP (Delete) and EXTENDED COPY (Clone) with RECEIVE COPY RESULTS: good cases read back, every
// refusal with its sense, what INQUIRY / VPD 0xB0 / 0xB2 / READ CAPACITY (16) advertise, atomicity
// of ATS against the IndexedDB store's extent loads, and the esxcli view the host derives.

import 'fake-indexeddb/auto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootStack, type Stack } from '../../src/stack/boot';
import { runSg } from '../../src/stack/cli/sg-command';
import { esxcli, splitCommandLine } from '../../src/stack/cli/esxcli';
import { Host } from '../../src/stack/host';
import { sendCdb } from '../../src/stack/initiator/sg-request';
import { parseScenario, ScenarioError } from '../../src/stack/scenario/validate';
import { classroomScenario } from '../../src/stack/scenario/classroom';

// ---- bytes ----

const be16 = (x: number): number[] => [(x >>> 8) & 0xff, x & 0xff];
const be24 = (x: number): number[] => [(x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
const be32 = (x: number): number[] => [(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
const be64 = (x: number): number[] => [...be32(Math.floor(x / 2 ** 32)), ...be32(x >>> 0)];
const hex = (b: ArrayLike<number>): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const bytesOf = (h: string): Uint8Array => (h === '' ? new Uint8Array(0) : Uint8Array.from(h.split(' '), (x) => parseInt(x, 16)));
const pattern = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 7 + seed * 13 + (i >> 9)) & 0xff || 1);
const concat = (...parts: ArrayLike<number>[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const zeros = (n: number): Uint8Array => new Uint8Array(n);

// ---- CDBs (reference/scsi.md §1) ----

const cdb = {
  read16: (lba: number, blocks: number) => [0x88, 0, ...be64(lba), ...be32(blocks), 0, 0],
  write16: (lba: number, blocks: number) => [0x8a, 0, ...be64(lba), ...be32(blocks), 0, 0],
  compareAndWrite: (lba: number, blocks: number, b1 = 0) => [0x89, b1, ...be64(lba), 0, 0, 0, blocks, 0, 0],
  writeSame16: (lba: number, blocks: number, b1 = 0) => [0x93, b1, ...be64(lba), ...be32(blocks), 0, 0],
  unmap: (length: number, b1 = 0) => [0x42, b1, 0, 0, 0, 0, 0, ...be16(length), 0],
  extendedCopy: (length: number) => [0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...be32(length), 0, 0],
  receiveCopyResults: (sa: number, listId: number, alloc: number) => [0x84, sa, listId, 0, 0, 0, 0, 0, 0, 0, ...be32(alloc), 0, 0],
  vpd: (page: number) => [0x12, 1, page, 0, 255, 0],
  inquiry: () => [0x12, 0, 0, 0, 96, 0],
  readCapacity16: () => [0x9e, 0x10, ...be64(0), ...be32(32), 0, 0],
};
const WS_UNMAP = 0x08;
const WS_NDOB = 0x01;

/** UNMAP parameter list: header (UNMAP DATA LENGTH, BLOCK DESCRIPTOR DATA LENGTH) and descriptors. */
function unmapList(...ranges: [lba: number, blocks: number][]): Uint8Array {
  const body = ranges.flatMap(([lba, blocks]) => [...be64(lba), ...be32(blocks), 0, 0, 0, 0]);
  return Uint8Array.from([...be16(6 + body.length), ...be16(body.length), 0, 0, 0, 0, ...body]);
}

/** An identification (0xE4) CSCD descriptor naming a LUN by its NAA designator, with its block length. */
const targetDescriptor = (naa: number[], blockSize: number, b1 = 0): number[] =>
  [0xe4, b1, 0, 0, 0x01, 0x03, 0, naa.length, ...naa, ...new Array(20 - naa.length).fill(0), 0, ...be24(blockSize)];
/** A block-to-block (0x02) segment descriptor. */
const segmentDescriptor = (source: number, destination: number, blocks: number, sourceLba: number, destinationLba: number, b1 = 0): number[] =>
  [0x02, b1, 0, 0x18, ...be16(source), ...be16(destination), 0, 0, ...be16(blocks), ...be64(sourceLba), ...be64(destinationLba)];
function xcopyList(targets: number[][], segments: number[][], { listId = 0, usage = 0, inline = 0 } = {}): Uint8Array {
  const t = targets.flat();
  const s = segments.flat();
  return Uint8Array.from([listId, usage << 3, ...be16(t.length), 0, 0, 0, 0, ...be32(s.length), ...be32(inline), ...t, ...s]);
}

// ---- sending through `pathlab sg` ----

interface Answer {
  status: number;
  sense: Uint8Array;
  dataIn: Uint8Array;
  hostStatus?: number;
}

interface Command {
  array: string;
  lun: number;
  cdb: number[];
  dataOut?: Uint8Array;
  request?: number;
}

const argvOf = (c: Command): string[] => [
  '--array', c.array, '--lun', String(c.lun),
  ...(c.dataOut ? ['--data-out', hex(c.dataOut)] : []),
  ...(c.request !== undefined ? ['--request', String(c.request)] : []),
  hex(c.cdb),
];

let stack: Stack;

/** Sends the commands in one `pathlab sg` run (--then between them); one answer each. */
async function sg(...commands: Command[]): Promise<Answer[]> {
  const argv = ['--json', ...commands.flatMap((c, i) => [...(i > 0 ? ['--then'] : []), ...argvOf(c)])];
  const { output, exitCode } = await runSg(stack, argv);
  expect(exitCode, output).toBe(0);
  return output.split('\n').map((line) => {
    const j = JSON.parse(line);
    return { status: j.status, sense: bytesOf(j.sense), dataIn: bytesOf(j.dataIn), hostStatus: j.hostStatus };
  });
}
const one = async (c: Command): Promise<Answer> => (await sg(c))[0];

const GOOD = 0;
const CHECK_CONDITION = 2;

const h2 = (x: number) => x.toString(16).padStart(2, '0');
/** Fixed-format sense as "KEY/ASC/ASCQ". */
const senseCode = (s: Uint8Array) => `${h2(s[2] & 0x0f)}/${h2(s[12])}/${h2(s[13])}`;

function expectGood(r: Answer): void {
  expect(r.hostStatus, 'host status').toBeUndefined();
  expect(r.status, `status, sense ${r.sense.length ? senseCode(r.sense) : 'none'}`).toBe(GOOD);
}

function expectCheck(r: Answer, code: string): void {
  expect(r.status).toBe(CHECK_CONDITION);
  expect(r.sense[0] & 0x7f).toBe(0x70);
  expect(senseCode(r.sense)).toBe(code);
}

/** The sense-key-specific field pointer: where the bad field is, and whether in the CDB. */
function fieldPointer(s: Uint8Array): { cd: boolean; byte: number; bit?: number } {
  expect(s[15] & 0x80, 'SKSV').toBe(0x80);
  const bit = s[15] & 0x08 ? s[15] & 7 : undefined;
  return { cd: (s[15] & 0x40) !== 0, byte: (s[16] << 8) | s[17], ...(bit === undefined ? {} : { bit }) };
}

function expectInvalidCdb(r: Answer, byte: number, bit?: number): void {
  expectCheck(r, '05/24/00');
  expect(fieldPointer(r.sense)).toEqual({ cd: true, byte, ...(bit === undefined ? {} : { bit }) });
}

function expectInvalidParameter(r: Answer, byte: number, { bit, ascq = 0 }: { bit?: number; ascq?: number } = {}): void {
  expectCheck(r, `05/26/${h2(ascq)}`);
  expect(fieldPointer(r.sense)).toEqual({ cd: false, byte, ...(bit === undefined ? {} : { bit }) });
}

/** INFORMATION of fixed-format sense, when VALID is set. */
function information(s: Uint8Array): number | undefined {
  return s[0] & 0x80 ? ((s[3] << 24) | (s[4] << 16) | (s[5] << 8) | s[6]) >>> 0 : undefined;
}

async function read(array: string, lun: number, lba: number, blocks: number, blockSize = 512): Promise<Uint8Array> {
  const r = await one({ array, lun, cdb: cdb.read16(lba, blocks), request: blocks * blockSize });
  expectGood(r);
  return r.dataIn;
}

async function write(array: string, lun: number, lba: number, data: Uint8Array, blockSize = 512): Promise<void> {
  expectGood(await one({ array, lun, cdb: cdb.write16(lba, data.length / blockSize), dataOut: data }));
}

/** The LUN's NAA designator, as a host reads it from VPD 0x83 (association LU, type NAA). */
async function naaOf(array: string, lun: number): Promise<number[]> {
  const page = (await one({ array, lun, cdb: cdb.vpd(0x83) })).dataIn;
  for (let at = 4; at + 4 <= page.length; at += 4 + page[at + 3]) {
    if ((page[at + 1] & 0x3f) === 0x03) return Array.from(page.subarray(at + 4, at + 4 + page[at + 3]));
  }
  throw new Error(`no NAA designator for ${array} LUN ${lun}`);
}

const allocated = (array: string, lun: number) => stack.array(array)!.lun(lun)!.volume.allocatedExtents();

describe.each(['wasm', 'typescript'] as const)('%s engine', (engine) => {
  beforeEach(async () => {
    stack = await bootStack({ engine });
  });
  afterEach(() => stack.close());

  describe('COMPARE AND WRITE (ATS)', () => {
    it('swaps the blocks when they equal the verify data, across an extent boundary; the next ATS with the old data miscompares', async () => {
      // alua-array LUN 0: 512-byte blocks, 64 per extent; LBA 62..64 spans extents 0 and 1.
      const old = pattern(3 * 512, 1);
      const fresh = pattern(3 * 512, 2);
      await write('alua-array', 0, 62, old);
      const [swap, back, again] = await sg(
        { array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(62, 3), dataOut: concat(old, fresh) },
        { array: 'alua-array', lun: 0, cdb: cdb.read16(61, 5), request: 5 * 512 },
        { array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(62, 3), dataOut: concat(old, pattern(3 * 512, 3)) },
      );
      expectGood(swap);
      expectGood(back);
      expect(hex(back.dataIn)).toBe(hex(concat(zeros(512), fresh, zeros(512))));
      expectCheck(again, '0e/1d/00');
      expect(information(again.sense)).toBe(0); // the very first byte already differs
    });

    it('miscompare: INFORMATION is the offset of the first differing byte, and nothing is written, not even the blocks that matched', async () => {
      const old = pattern(4 * 512, 4);
      await write('aa-array', 0, 1000, old);
      const verify = old.slice();
      verify[2 * 512 + 77] ^= 0x40; // block 3 of 4, byte 77
      const [r, back] = await sg(
        { array: 'aa-array', lun: 0, cdb: cdb.compareAndWrite(1000, 4), dataOut: concat(verify, pattern(4 * 512, 5)) },
        { array: 'aa-array', lun: 0, cdb: cdb.read16(1000, 4), request: 4 * 512 },
      );
      expectCheck(r, '0e/1d/00');
      expect(r.sense[0]).toBe(0xf0); // VALID, fixed format, current
      expect(information(r.sense)).toBe(2 * 512 + 77);
      expect(hex(back.dataIn)).toBe(hex(old));
    });

    it('never-written blocks compare as zeros; a 4096-byte, write-back, thin LUN works alike', async () => {
      const fresh = pattern(4096, 6);
      const verify = zeros(4096);
      verify[4000] = 1;
      const [miss, hit, back] = await sg(
        { array: 'aa-array', lun: 1, cdb: cdb.compareAndWrite(77, 1), dataOut: concat(verify, fresh) },
        { array: 'aa-array', lun: 1, cdb: cdb.compareAndWrite(77, 1), dataOut: concat(zeros(4096), fresh) },
        { array: 'aa-array', lun: 1, cdb: cdb.read16(77, 1), request: 4096 },
      );
      expectCheck(miss, '0e/1d/00');
      expect(information(miss.sense)).toBe(4000);
      expectGood(hit);
      expect(hex(back.dataIn)).toBe(hex(fresh));
    });

    it('two hosts racing for the same lock block in one turn: exactly one wins', async () => {
      const array = stack.array('alua-array')!;
      const free = zeros(512);
      const mine = (host: number) => concat(free, pattern(512, 10 + host));
      const [a, b] = await Promise.all([1, 2].map((host) =>
        sendCdb(stack.arena, array, array.ports[host - 1], 0, { cdb: cdb.compareAndWrite(5, 1), dataOut: mine(host), initiator: `host${host}` })));
      expect([a.status, b.status]).toEqual([GOOD, CHECK_CONDITION]);
      expect(hex(await read('alua-array', 0, 5, 1))).toBe(hex(pattern(512, 11)));
    });

    it('NUMBER OF LOGICAL BLOCKS 0 is not an error and writes nothing (SBC-3)', async () => {
      const r = await sg(
        { array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(8, 0), dataOut: concat(zeros(512), pattern(512, 7)) },
        { array: 'alua-array', lun: 0, cdb: cdb.read16(8, 1), request: 512 },
      );
      expectGood(r[0]);
      expect(hex(r[1].dataIn)).toBe(hex(zeros(512)));
      expect(allocated('alua-array', 0)).toBe(0);
    });

    it('refuses more blocks than VPD 0xB0 MAXIMUM COMPARE AND WRITE LENGTH (8) at byte 13; 8 is fine', async () => {
      expectInvalidCdb(await one({ array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(0, 9), dataOut: zeros(18 * 512) }), 13);
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(0, 8), dataOut: concat(zeros(8 * 512), pattern(8 * 512, 8)) }));
    });

    it('LBA out of range (21/00) at the end of the LUN; reserved bits and bytes, WRPROTECT refused at their field', async () => {
      const last = stack.array('alua-array')!.lun(0)!.blocks - 1;
      const data = concat(zeros(1024), pattern(1024, 9));
      expectCheck(await one({ array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(last, 2), dataOut: data }), '05/21/00');
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(last - 1, 2), dataOut: data }));
      expectInvalidCdb(await one({ array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(0, 1, 0x04), dataOut: data.subarray(0, 1024) }), 1, 2);
      const reservedByte = cdb.compareAndWrite(0, 1);
      reservedByte[11] = 1;
      expectInvalidCdb(await one({ array: 'alua-array', lun: 0, cdb: reservedByte, dataOut: data.subarray(0, 1024) }), 11);
      expectInvalidCdb(await one({ array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(0, 1, 0x20), dataOut: data.subarray(0, 1024) }), 1, 7);
    });

    it('less data-out than 2 x NUMBER OF LOGICAL BLOCKS is an underrun: host status, nothing written', async () => {
      const [r, back] = await sg(
        { array: 'alua-array', lun: 0, cdb: cdb.compareAndWrite(3, 1), dataOut: zeros(512) },
        { array: 'alua-array', lun: 0, cdb: cdb.read16(3, 1), request: 512 },
      );
      expect(r.hostStatus).toBe(0x7);
      expect(hex(back.dataIn)).toBe(hex(zeros(512)));
    });

    it('answers descriptor-format sense with the 64-bit INFORMATION descriptor when the array says D_SENSE', async () => {
      const config = { ...classroomScenario.arrays[2], descriptorSense: true };
      stack.close();
      stack = await bootStack({ engine, arrays: [config] });
      const r = await one({ array: 'aa-array', lun: 0, cdb: cdb.compareAndWrite(0, 1), dataOut: concat(pattern(512, 3), zeros(512)) });
      expect(r.status).toBe(CHECK_CONDITION);
      expect(hex(r.sense.subarray(0, 4))).toBe('72 0e 1d 00');
      expect(hex(r.sense.subarray(8, 20))).toBe('00 0a 80 00 00 00 00 00 00 00 00 00'); // information 0
    });
  });

  describe('WRITE SAME (16) (Zero)', () => {
    it('writes the one block of data-out to every block of the range, across extents, and nothing around it', async () => {
      const block = pattern(512, 20);
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.writeSame16(100, 130), dataOut: block }));
      const back = await read('alua-array', 0, 99, 132);
      expect(hex(back.subarray(0, 512))).toBe(hex(zeros(512)));
      for (let i = 1; i <= 130; i++) expect(hex(back.subarray(i * 512, (i + 1) * 512)), `LBA ${98 + i}`).toBe(hex(block));
      expect(hex(back.subarray(131 * 512))).toBe(hex(zeros(512)));
    });

    it('on 4096-byte blocks too', async () => {
      const block = pattern(4096, 21);
      expectGood(await one({ array: 'alua-array', lun: 2, cdb: cdb.writeSame16(6, 4), dataOut: block }));
      const back = await read('alua-array', 2, 6, 4, 4096);
      for (let i = 0; i < 4; i++) expect(hex(back.subarray(i * 4096, (i + 1) * 4096))).toBe(hex(block));
    });

    it('zeroes written blocks; on a thick LUN the zeros stay allocated', async () => {
      await write('alua-array', 0, 0, pattern(128 * 512, 22));
      expect(allocated('alua-array', 0)).toBe(2);
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.writeSame16(0, 128), dataOut: zeros(512) }));
      expect(hex(await read('alua-array', 0, 0, 128))).toBe(hex(zeros(128 * 512)));
      expect(allocated('alua-array', 0)).toBe(2);
    });

    it('UNMAP with a block of zeros on a thin LUN deallocates: reads zeros, whole extents are freed, partial ones zeroed', async () => {
      // alua-array LUN 1 is thin: extents of 64 blocks. Write LBA 0..319 (5 extents).
      const data = pattern(320 * 512, 23);
      await write('alua-array', 1, 0, data);
      expect(allocated('alua-array', 1)).toBe(5);
      // LBA 10..265: the tail of extent 0, extents 1..3 whole, the head of extent 4.
      expectGood(await one({ array: 'alua-array', lun: 1, cdb: cdb.writeSame16(10, 256, WS_UNMAP), dataOut: zeros(512) }));
      expect(allocated('alua-array', 1)).toBe(2);
      const back = await read('alua-array', 1, 0, 320);
      expect(hex(back.subarray(0, 10 * 512))).toBe(hex(data.subarray(0, 10 * 512)));
      expect(hex(back.subarray(10 * 512, 266 * 512))).toBe(hex(zeros(256 * 512)));
      expect(hex(back.subarray(266 * 512))).toBe(hex(data.subarray(266 * 512)));
    });

    it('UNMAP with NDOB needs no data-out; UNMAP with a non-zero block writes it (it must read back)', async () => {
      await write('ap-array', 1, 0, pattern(64 * 512, 24));
      expect(allocated('ap-array', 1)).toBe(1);
      expectGood(await one({ array: 'ap-array', lun: 1, cdb: cdb.writeSame16(0, 64, WS_UNMAP | WS_NDOB) }));
      expect(allocated('ap-array', 1)).toBe(0);
      const block = pattern(512, 25);
      expectGood(await one({ array: 'ap-array', lun: 1, cdb: cdb.writeSame16(64, 2, WS_UNMAP), dataOut: block }));
      expect(hex(await read('ap-array', 1, 64, 2))).toBe(hex(concat(block, block)));
    });

    it('NDOB without UNMAP writes zeros over data', async () => {
      await write('alua-array', 0, 40, pattern(2 * 512, 26));
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.writeSame16(40, 2, WS_NDOB) }));
      expect(hex(await read('alua-array', 0, 40, 2))).toBe(hex(zeros(1024)));
    });

    it('refuses: UNMAP on a thick LUN (LBPWS 0) at byte 1 bit 3, ANCHOR (ANC_SUP 0) at bit 4, PBDATA at bit 2, WRPROTECT at bit 7', async () => {
      const block = zeros(512);
      expectInvalidCdb(await one({ array: 'alua-array', lun: 0, cdb: cdb.writeSame16(0, 1, WS_UNMAP), dataOut: block }), 1, 3);
      expectInvalidCdb(await one({ array: 'alua-array', lun: 1, cdb: cdb.writeSame16(0, 1, 0x10 | WS_UNMAP), dataOut: block }), 1, 4);
      expectInvalidCdb(await one({ array: 'alua-array', lun: 1, cdb: cdb.writeSame16(0, 1, 0x04), dataOut: block }), 1, 2);
      expectInvalidCdb(await one({ array: 'alua-array', lun: 1, cdb: cdb.writeSame16(0, 1, 0x40), dataOut: block }), 1, 7);
    });

    it('refuses 0 blocks (WSNZ) and more than MAXIMUM WRITE SAME LENGTH at byte 10; the maximum itself is fine', async () => {
      const max = (32 * 1024 * 1024) / 512;
      expectInvalidCdb(await one({ array: 'alua-array', lun: 1, cdb: cdb.writeSame16(0, 0), dataOut: zeros(512) }), 10);
      expectInvalidCdb(await one({ array: 'alua-array', lun: 1, cdb: cdb.writeSame16(0, max + 1, WS_UNMAP | WS_NDOB) }), 10);
      expectGood(await one({ array: 'alua-array', lun: 1, cdb: cdb.writeSame16(0, max, WS_UNMAP | WS_NDOB) }));
    });

    it('LBA out of range (21/00); no data-out without NDOB is an underrun and writes nothing', async () => {
      const blocks = stack.array('alua-array')!.lun(0)!.blocks;
      expectCheck(await one({ array: 'alua-array', lun: 0, cdb: cdb.writeSame16(blocks - 1, 2), dataOut: zeros(512) }), '05/21/00');
      const r = await one({ array: 'alua-array', lun: 0, cdb: cdb.writeSame16(0, 4) });
      expect(r.hostStatus).toBe(0x7);
      expect(allocated('alua-array', 0)).toBe(0);
    });

    it('takes the array time to write what it writes: 2048 blocks cost more service time than 1', async () => {
      const array = stack.array('alua-array')!;
      const small = await sendCdb(stack.arena, array, array.ports[0], 0, { cdb: cdb.writeSame16(0, 1), dataOut: pattern(512, 1) });
      const large = await sendCdb(stack.arena, array, array.ports[0], 0, { cdb: cdb.writeSame16(0, 2048), dataOut: pattern(512, 1) });
      // perKiBUs 2: 1 MiB written inside the array is about 2 ms more.
      expect(large.serviceUs - small.serviceUs).toBeGreaterThan(1900);
    });
  });

  describe('UNMAP (Delete)', () => {
    it('deallocates each descriptor\'s range on a thin LUN: reads zeros, other data stays, whole extents are freed', async () => {
      const data = pattern(256 * 512, 30);
      await write('alua-array', 1, 0, data);
      expect(allocated('alua-array', 1)).toBe(4);
      const list = unmapList([0, 64], [130, 20]);
      expect(hex(list.subarray(0, 8))).toBe('00 26 00 20 00 00 00 00');
      expectGood(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(list.length), dataOut: list }));
      expect(allocated('alua-array', 1)).toBe(3);
      const back = await read('alua-array', 1, 0, 256);
      const expected = data.slice();
      expected.fill(0, 0, 64 * 512);
      expected.fill(0, 130 * 512, 150 * 512);
      expect(hex(back)).toBe(hex(expected));
    });

    it('is the same bytes sg_unmap --lba=0x1000 --num=0x800 sends (scsi.md), on a write-back thin LUN', async () => {
      const list = bytesOf('00 16 00 10 00 00 00 00 00 00 00 00 00 00 10 00 00 00 08 00 00 00 00 00');
      await write('alua-array', 3, 0x1000, pattern(0x800 * 512, 31));
      expect(allocated('alua-array', 3)).toBe(32);
      expectGood(await one({ array: 'alua-array', lun: 3, cdb: cdb.unmap(24), dataOut: list }));
      expect(allocated('alua-array', 3)).toBe(0);
    });

    it('is not implemented on a thick LUN (LBPU 0): INVALID COMMAND OPERATION CODE', async () => {
      const list = unmapList([0, 8]);
      expectCheck(await one({ array: 'alua-array', lun: 0, cdb: cdb.unmap(list.length), dataOut: list }), '05/20/00');
    });

    it('parameter list length: 0 is no data and fine; 1..7, or more than the data-out, is 1A/00', async () => {
      expectGood(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(0) }));
      expectCheck(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(6), dataOut: zeros(6) }), '05/1a/00');
      const list = unmapList([0, 8]);
      expectCheck(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(40), dataOut: list }), '05/1a/00');
    });

    it('malformed lists: 26/00 with the field pointer into the list (C/D 0), and nothing unmapped', async () => {
      await write('alua-array', 1, 0, pattern(64 * 512, 32));
      const send = (list: Uint8Array) => one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(list.length), dataOut: list });
      const good = unmapList([0, 64]);
      const withByte = (at: number, value: number) => { const l = good.slice(); l[at] = value; return l; };
      expectInvalidParameter(await send(withByte(1, 0x30)), 0); // UNMAP DATA LENGTH longer than the list
      expectInvalidParameter(await send(withByte(1, 0x04)), 0); // shorter than the header's rest
      expectInvalidParameter(await send(withByte(3, 0x20)), 2); // descriptors beyond the UNMAP DATA LENGTH
      expectInvalidParameter(await send(withByte(5, 1)), 5); // reserved header byte
      expectInvalidParameter(await send(withByte(8 + 13, 1)), 8 + 13); // reserved descriptor byte
      expect(allocated('alua-array', 1)).toBe(1);
      expect(hex(await read('alua-array', 1, 0, 1))).toBe(hex(pattern(64 * 512, 32).subarray(0, 512)));
    });

    it('limits of VPD 0xB0: more than 64 descriptors at byte 2, more than MAXIMUM UNMAP LBA COUNT at the descriptor that passes it', async () => {
      const ranges = Array.from({ length: 65 }, (_, i): [number, number] => [i * 64, 1]);
      expectInvalidParameter(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(8 + 65 * 16), dataOut: unmapList(...ranges) }), 2);
      const max = (1024 * 1024 * 1024) / 512;
      const tooMany = unmapList([0, max - 10], [max, 11]);
      expectInvalidParameter(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(tooMany.length), dataOut: tooMany }), 8 + 16 + 8);
      const justRight = unmapList([0, max - 10], [max, 10]);
      expectGood(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(justRight.length), dataOut: justRight }));
    });

    it('LBA out of range in any descriptor: 21/00 before anything is unmapped', async () => {
      await write('alua-array', 1, 0, pattern(64 * 512, 33));
      const blocks = stack.array('alua-array')!.lun(1)!.blocks;
      const list = unmapList([0, 64], [blocks - 4, 5]);
      expectCheck(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(list.length), dataOut: list }), '05/21/00');
      expect(allocated('alua-array', 1)).toBe(1);
    });

    it('an incomplete last descriptor is ignored (SBC-3); zero-block descriptors are fine; ANCHOR (ANC_SUP 0) and reserved CDB bits are refused', async () => {
      await write('alua-array', 1, 0, pattern(128 * 512, 34));
      const list = unmapList([0, 64], [64, 0], [64, 64]);
      list[3] = 16 * 2 + 8; // two whole descriptors and half of the third
      list[1] = list[3] + 6;
      expectGood(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(list.length), dataOut: list }));
      expect(allocated('alua-array', 1)).toBe(1); // extent 1 (LBA 64..127) stays
      expectInvalidCdb(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(list.length, 0x01), dataOut: list }), 1, 0);
      expectInvalidCdb(await one({ array: 'alua-array', lun: 1, cdb: cdb.unmap(list.length, 0x04), dataOut: list }), 1, 2);
    });
  });

  describe('EXTENDED COPY (Clone) and RECEIVE COPY RESULTS', () => {
    it('copies between LUNs of one array, named by the NAA designators of VPD 0x83; the source is unchanged', async () => {
      const source = pattern(100 * 512, 40);
      await write('alua-array', 0, 1000, source);
      const targets = [targetDescriptor(await naaOf('alua-array', 0), 512), targetDescriptor(await naaOf('alua-array', 1), 512)];
      const list = xcopyList(targets, [segmentDescriptor(0, 1, 60, 1000, 5), segmentDescriptor(0, 1, 40, 1060, 65)]);
      expect(list.length).toBe(16 + 64 + 56);
      const [copy, back, unchanged] = await sg(
        { array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(list.length), dataOut: list },
        { array: 'alua-array', lun: 1, cdb: cdb.read16(4, 102), request: 102 * 512 },
        { array: 'alua-array', lun: 0, cdb: cdb.read16(1000, 100), request: 100 * 512 },
      );
      expectGood(copy);
      expect(hex(back.dataIn)).toBe(hex(concat(zeros(512), source, zeros(512))));
      expect(hex(unchanged.dataIn)).toBe(hex(source));
    });

    it('overlapping ranges of one LUN copy as if through a buffer', async () => {
      const source = pattern(100 * 512, 41);
      await write('aa-array', 0, 0, source);
      const naa = await naaOf('aa-array', 0);
      const list = xcopyList([targetDescriptor(naa, 512)], [segmentDescriptor(0, 0, 100, 0, 50)]);
      expectGood(await one({ array: 'aa-array', lun: 1, cdb: cdb.extendedCopy(list.length), dataOut: list }));
      expect(hex(await read('aa-array', 0, 50, 100))).toBe(hex(source));
    });

    it('between 512- and 4096-byte LUNs: BLOCK DEVICE NUMBER OF BLOCKS counts source blocks, or destination blocks with DC', async () => {
      const source = pattern(16 * 512, 42);
      await write('alua-array', 0, 0, source);
      const targets = [targetDescriptor(await naaOf('alua-array', 0), 512), targetDescriptor(await naaOf('alua-array', 2), 4096)];
      const list = xcopyList(targets, [segmentDescriptor(0, 1, 16, 0, 10), segmentDescriptor(0, 1, 2, 0, 20, 0x02)]);
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(list.length), dataOut: list }));
      expect(hex(await read('alua-array', 2, 10, 2, 4096))).toBe(hex(source));
      expect(hex(await read('alua-array', 2, 20, 2, 4096))).toBe(hex(source));
      const inexact = xcopyList(targets, [segmentDescriptor(0, 1, 3, 0, 30)]);
      expectInvalidParameter(await one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(inexact.length), dataOut: inexact }), 16 + 64 + 10, { ascq: 0x0a });
    });

    it('a never-written source leaves a thin destination unallocated and zeroes what was written there', async () => {
      await write('alua-array', 1, 64, pattern(64 * 512, 43));
      expect(allocated('alua-array', 1)).toBe(1);
      const targets = [targetDescriptor(await naaOf('alua-array', 0), 512), targetDescriptor(await naaOf('alua-array', 1), 512)];
      const list = xcopyList(targets, [segmentDescriptor(0, 1, 256, 50_000, 0)]);
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(list.length), dataOut: list }));
      expect(allocated('alua-array', 1)).toBe(1);
      expect(hex(await read('alua-array', 1, 64, 64))).toBe(hex(zeros(64 * 512)));
    });

    it('a LUN outside the array (or lost) is COPY ABORTED, COPY TARGET DEVICE NOT REACHABLE (0D/02), and nothing is copied', async () => {
      await write('alua-array', 0, 0, pattern(512, 44));
      const here = targetDescriptor(await naaOf('alua-array', 0), 512);
      const elsewhere = targetDescriptor(await naaOf('aa-array', 0), 512);
      const list = xcopyList([here, elsewhere], [segmentDescriptor(0, 1, 1, 0, 0)]);
      expectCheck(await one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(list.length), dataOut: list }), '0a/0d/02');
      expect(hex(await read('aa-array', 0, 0, 1))).toBe(hex(zeros(512)));
      const array = stack.array('alua-array')!;
      const lost = targetDescriptor(await naaOf('alua-array', 3), 512);
      array.setLunLost(array.luns[3], true);
      const toLost = xcopyList([here, lost], [segmentDescriptor(0, 1, 1, 0, 0)]);
      expectCheck(await one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(toLost.length), dataOut: toLost }), '0a/0d/02');
    });

    it('an array whose LUNs have no NAA designator has no copy manager: 3PC 0, and 20/00', async () => {
      const inquiry = await one({ array: 'local-disk', lun: 0, cdb: cdb.inquiry() });
      expect(inquiry.dataIn[5] & 0x08).toBe(0);
      expect((await one({ array: 'alua-array', lun: 0, cdb: cdb.inquiry() })).dataIn[5] & 0x08).toBe(0x08);
      const list = xcopyList([], []);
      expectCheck(await one({ array: 'local-disk', lun: 0, cdb: cdb.extendedCopy(list.length), dataOut: list }), '05/20/00');
      expectCheck(await one({ array: 'local-disk', lun: 0, cdb: cdb.receiveCopyResults(3, 0, 64) }), '05/20/00');
    });

    it('malformed parameter lists are refused at the field, with the EXTENDED COPY additional sense codes, before anything moves', async () => {
      await write('alua-array', 0, 0, pattern(512, 45));
      const naa0 = await naaOf('alua-array', 0);
      const naa1 = await naaOf('alua-array', 1);
      const t0 = targetDescriptor(naa0, 512);
      const t1 = targetDescriptor(naa1, 512);
      const seg = segmentDescriptor(0, 1, 1, 0, 0);
      const send = (list: Uint8Array, length = list.length) => one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(length), dataOut: list });
      const seg0 = 16 + 64; // where the first segment descriptor starts with two targets
      const edited = (at: number, value: number, list = xcopyList([t0, t1], [seg])) => { const l = list.slice(); l[at] = value; return l; };

      expectCheck(await send(zeros(8)), '05/1a/00'); // shorter than the header
      expectCheck(await send(xcopyList([t0, t1], [seg]), 200), '05/1a/00'); // longer than the data-out
      expectCheck(await send(xcopyList([t0, t1], [seg]).subarray(0, 100)), '05/1a/00'); // descriptors cut off
      expectCheck(await send(xcopyList(Array(20).fill(t0), Array(20).fill(seg))), '05/1a/00'); // over MAXIMUM DESCRIPTOR LIST LENGTH
      expectInvalidParameter(await send(xcopyList([t0, t1], [seg], { inline: 4 })), 12, { ascq: 0x0b });
      expectInvalidParameter(await send(xcopyList([t0, t1], [seg], { usage: 1 })), 1, { bit: 4 });
      expectInvalidParameter(await send(xcopyList([t0, t1], [seg], { usage: 3, listId: 9 })), 0);
      expectInvalidParameter(await send(edited(5, 1)), 5); // reserved header byte
      expectInvalidParameter(await send(edited(16 + 32, 0xe5)), 16 + 32, { ascq: 0x07 });
      expectInvalidParameter(await send(xcopyList(Array(9).fill(t0), [seg])), 2, { ascq: 0x06 });
      expectInvalidParameter(await send(xcopyList([t0, t1], [[...seg.slice(0, 27)]])), 8); // a segment cut short
      expectInvalidParameter(await send(edited(seg0, 0x0a)), seg0, { ascq: 0x09 });
      expectInvalidParameter(await send(xcopyList([t0, t1], Array(9).fill(seg))), 8, { ascq: 0x08 });
      expectInvalidParameter(await send(edited(16 + 1, 0x20)), 17, { bit: 5 }); // NUL: no null device
      expectInvalidParameter(await send(edited(16 + 1, 0x05)), 17, { bit: 4 }); // not a block device
      expectInvalidParameter(await send(edited(16 + 4, 0x02)), 20, { bit: 3 }); // ASCII code set
      expectInvalidParameter(await send(edited(16 + 5, 0x13)), 21, { bit: 5 }); // association: target port
      expectInvalidParameter(await send(edited(16 + 5, 0x02)), 21, { bit: 3 }); // EUI-64, not NAA
      expectInvalidParameter(await send(edited(16 + 7, 12)), 23);
      expectInvalidParameter(await send(edited(16 + 30, 0x10)), 16 + 29); // DISK BLOCK LENGTH 4096 for a 512 LUN
      expectInvalidParameter(await send(edited(seg0 + 1, 0x80)), seg0 + 1, { bit: 7 });
      expectInvalidParameter(await send(edited(seg0 + 3, 0x1c)), seg0 + 2); // DESCRIPTOR LENGTH
      expectInvalidParameter(await send(edited(seg0 + 7, 2)), seg0 + 6); // no target descriptor 2
      expectInvalidParameter(await send(edited(seg0 + 9, 1)), seg0 + 9);
      expectInvalidParameter(await send(xcopyList([t0, t1], [segmentDescriptor(0, 1, 16385, 0, 0)])), seg0 + 10); // over MAXIMUM SEGMENT LENGTH
      const blocks = stack.array('alua-array')!.lun(1)!.blocks;
      expectCheck(await send(xcopyList([t0, t1], [seg, segmentDescriptor(0, 1, 2, 0, blocks - 1)])), '05/21/00');
      expect(allocated('alua-array', 1)).toBe(0);
    });

    it('parameter list length 0 copies nothing and is not an error; a segment of 0 blocks neither', async () => {
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(0) }));
      const t0 = targetDescriptor(await naaOf('alua-array', 0), 512);
      const list = xcopyList([t0], [segmentDescriptor(0, 0, 0, 0, 10)]);
      expectGood(await one({ array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(list.length), dataOut: list }));
    });

    it('RECEIVE COPY RESULTS: OPERATING PARAMETERS give the limits enforced; COPY STATUS reports a copy by list identifier', async () => {
      const op = await one({ array: 'alua-array', lun: 0, cdb: cdb.receiveCopyResults(3, 0, 64) });
      expectGood(op);
      expect(hex(op.dataIn)).toBe(hex([
        ...be32(42), 0x01, 0, 0, 0, ...be16(8), ...be16(8), ...be32(1024), ...be32(8 * 1024 * 1024),
        ...be32(0), ...be32(0), ...be32(0), 0, 0, ...be16(1), 1, 9, 0, 0, 0, 0, 0, 2, 0x02, 0xe4,
      ]));
      expect((await one({ array: 'alua-array', lun: 2, cdb: cdb.receiveCopyResults(3, 0, 64) })).dataIn[37]).toBe(12);

      const t0 = targetDescriptor(await naaOf('alua-array', 0), 512);
      const list = xcopyList([t0], [segmentDescriptor(0, 0, 8, 0, 100), segmentDescriptor(0, 0, 4, 0, 200)], { listId: 7 });
      const [copy, status, unknown] = await sg(
        { array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(list.length), dataOut: list },
        { array: 'alua-array', lun: 0, cdb: cdb.receiveCopyResults(0, 7, 12) },
        { array: 'alua-array', lun: 0, cdb: cdb.receiveCopyResults(0, 8, 12) },
      );
      expectGood(copy);
      expectGood(status);
      expect(hex(status.dataIn)).toBe(hex([...be32(8), 0x01, ...be16(2), 0x00, ...be32(12 * 512)]));
      expectInvalidCdb(unknown, 2);
      // LIST ID USAGE 11b: the initiator said it would not ask, so nothing is held.
      const unheld = xcopyList([t0], [segmentDescriptor(0, 0, 1, 0, 300)], { usage: 3 });
      const [copy2, status2] = await sg(
        { array: 'alua-array', lun: 0, cdb: cdb.extendedCopy(unheld.length), dataOut: unheld },
        { array: 'alua-array', lun: 0, cdb: cdb.receiveCopyResults(0, 0, 12) },
      );
      expectGood(copy2);
      expectInvalidCdb(status2, 2);
      // Another service action (FAILED SEGMENT DETAILS) is not implemented.
      expectInvalidCdb(await one({ array: 'alua-array', lun: 0, cdb: cdb.receiveCopyResults(4, 7, 64) }), 1, 4);
    });
  });

  describe('INQUIRY, VPD 0xB0 / 0xB2 and READ CAPACITY (16) advertise what is implemented', () => {
    it.each([
      ['alua-array', 0, 512, false],
      ['alua-array', 1, 512, true],
      ['alua-array', 2, 4096, false],
      ['aa-array', 1, 4096, true],
      ['local-disk', 0, 512, false],
    ] as const)('%s LUN %i (%i-byte blocks, thin %s)', async (array, lun, blockSize, thin) => {
      const limits = new DataView((await one({ array, lun, cdb: cdb.vpd(0xb0) })).dataIn.buffer);
      expect(limits.getUint16(2)).toBe(0x3c);
      expect(limits.getUint8(4)).toBe(1); // WSNZ
      expect(limits.getUint8(5)).toBe(8); // MAXIMUM COMPARE AND WRITE LENGTH
      expect(limits.getUint32(8)).toBe((8 * 1024 * 1024) / blockSize);
      expect(limits.getUint32(20)).toBe(thin ? (1024 * 1024 * 1024) / blockSize : 0); // MAXIMUM UNMAP LBA COUNT
      expect(limits.getUint32(24)).toBe(thin ? 64 : 0); // MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
      expect(limits.getUint32(28)).toBe(thin ? 32768 / blockSize : 0); // OPTIMAL UNMAP GRANULARITY
      expect(limits.getUint32(32)).toBe(thin ? 0x80000000 : 0); // UGAVALID, alignment 0
      expect(limits.getBigUint64(36)).toBe(BigInt((32 * 1024 * 1024) / blockSize)); // MAXIMUM WRITE SAME LENGTH
      const lbp = (await one({ array, lun, cdb: cdb.vpd(0xb2) })).dataIn;
      expect(hex(lbp)).toBe(thin ? '00 b2 00 04 00 c4 02 00' : '00 b2 00 04 00 00 00 00');
      const cap = (await one({ array, lun, cdb: cdb.readCapacity16() })).dataIn;
      expect(cap[14]).toBe(thin ? 0xc0 : 0x00); // LBPME, LBPRZ
    });

    it('provisioning is a validated scenario field: thick by default, thin or thick, anything else named in the error', () => {
      const input = JSON.parse(JSON.stringify(classroomScenario));
      input.arrays[0].luns[0].provisioning = 'thinn';
      expect(() => parseScenario(input)).toThrow(ScenarioError);
      try {
        parseScenario(input);
      } catch (e) {
        expect((e as ScenarioError).problems).toEqual(['arrays[0].luns[0].provisioning: must be "thick" or "thin", got "thinn"']);
      }
      const s = parseScenario(JSON.parse(JSON.stringify(classroomScenario)));
      expect(s.arrays[0].luns.map((l) => l.provisioning)).toEqual([undefined, 'thin', undefined, 'thin']);
      expect(stack.array('alua-array')!.lun(0)!.provisioning).toBe('thick');
    });
  });
});

describe('COMPARE AND WRITE on the IndexedDB store (extents loaded on demand)', () => {
  it('is not split by an extent load: a WRITE that lands while it waits for one makes it miscompare, never lost', async () => {
    const databaseName = `vaai-ats-${Math.random()}`;
    const first = await bootStack({ store: 'indexeddb', databaseName });
    const old = pattern(8 * 512, 50);
    const array1 = first.array('alua-array')!;
    // LBA 60..67: the last 4 blocks of extent 0, the first 4 of extent 1.
    expect((await sendCdb(first.arena, array1, array1.ports[0], 0, { cdb: cdb.write16(60, 8), dataOut: old })).status).toBe(GOOD);
    first.close();

    const second = await bootStack({ store: 'indexeddb', databaseName });
    try {
      const array = second.array('alua-array')!;
      const port = array.ports[0];
      // Extent 0 into memory; extent 1 is still only in IndexedDB.
      expect((await sendCdb(second.arena, array, port, 0, { cdb: cdb.read16(0, 1), dataIn: 512 })).status).toBe(GOOD);
      const other = pattern(512, 51);
      // Both in one turn: the ATS must wait for extent 1; the WRITE to LBA 60 (extent 0) runs at once.
      const ats = sendCdb(second.arena, array, port, 0, { cdb: cdb.compareAndWrite(60, 8), dataOut: concat(old, pattern(8 * 512, 52)) });
      const plain = sendCdb(second.arena, array, port, 0, { cdb: cdb.write16(60, 1), dataOut: other });
      const [a, w] = await Promise.all([ats, plain]);
      expect(w.status).toBe(GOOD);
      expect(a.status).toBe(CHECK_CONDITION);
      expect(senseCode(a.sense)).toBe('0e/1d/00');
      let firstDiff = 0;
      while (old[firstDiff] === other[firstDiff]) firstDiff++;
      expect(information(a.sense)).toBe(firstDiff);
      const back = await sendCdb(second.arena, array, port, 0, { cdb: cdb.read16(60, 8), dataIn: 8 * 512 });
      expect(hex(back.dataIn)).toBe(hex(concat(other, old.subarray(512))));
      // And alone, after the load, the same ATS with the current blocks succeeds.
      const current = back.dataIn;
      const fresh = pattern(8 * 512, 53);
      expect((await sendCdb(second.arena, array, port, 0, { cdb: cdb.compareAndWrite(60, 8), dataOut: concat(current, fresh) })).status).toBe(GOOD);
    } finally {
      second.close();
    }
  });

  it('UNMAP and WRITE SAME with UNMAP are durable: after a reload the blocks read zeros and IndexedDB holds no extent for them', async () => {
    const databaseName = `vaai-unmap-${Math.random()}`;
    const first = await bootStack({ store: 'indexeddb', databaseName });
    const array1 = first.array('alua-array')!;
    const send1 = (c: number[], dataOut?: Uint8Array) => sendCdb(first.arena, array1, array1.ports[2], 1, { cdb: c, dataOut });
    expect((await send1(cdb.write16(0, 256), pattern(256 * 512, 54))).status).toBe(GOOD);
    expect(array1.lun(1)!.volume.allocatedExtents()).toBe(4);
    const list = unmapList([0, 64]);
    expect((await send1(cdb.unmap(list.length), list)).status).toBe(GOOD);
    expect((await send1(cdb.writeSame16(128, 64, WS_UNMAP), zeros(512))).status).toBe(GOOD);
    first.close();

    const second = await bootStack({ store: 'indexeddb', databaseName });
    try {
      const array = second.array('alua-array')!;
      expect(array.lun(1)!.volume.allocatedExtents()).toBe(2);
      const back = await sendCdb(second.arena, array, array.ports[2], 1, { cdb: cdb.read16(0, 256), dataIn: 256 * 512 });
      const expected = pattern(256 * 512, 54);
      expected.fill(0, 0, 64 * 512);
      expected.fill(0, 128 * 512, 192 * 512);
      expect(hex(back.dataIn)).toBe(hex(expected));
    } finally {
      second.close();
    }
  });

  it('an extent unmapped while its load is in flight stays unmapped', async () => {
    const databaseName = `vaai-race-${Math.random()}`;
    const first = await bootStack({ store: 'indexeddb', databaseName });
    const array1 = first.array('alua-array')!;
    expect((await sendCdb(first.arena, array1, array1.ports[2], 1, { cdb: cdb.write16(0, 64), dataOut: pattern(64 * 512, 55) })).status).toBe(GOOD);
    first.close();
    const second = await bootStack({ store: 'indexeddb', databaseName });
    try {
      const array = second.array('alua-array')!;
      const port = array.ports[2];
      const list = unmapList([0, 64]);
      // The READ starts loading extent 0; the UNMAP (whole extent, no load needed) lands first.
      const reading = sendCdb(second.arena, array, port, 1, { cdb: cdb.read16(0, 64), dataIn: 64 * 512 });
      const unmapping = sendCdb(second.arena, array, port, 1, { cdb: cdb.unmap(list.length), dataOut: list });
      const [r, u] = await Promise.all([reading, unmapping]);
      expect(u.status).toBe(GOOD);
      expect(r.status).toBe(GOOD);
      const after = await sendCdb(second.arena, array, port, 1, { cdb: cdb.read16(0, 64), dataIn: 64 * 512 });
      expect(hex(after.dataIn)).toBe(hex(zeros(64 * 512)));
      expect(array.lun(1)!.volume.allocatedExtents()).toBe(0);
    } finally {
      second.close();
    }
  });
});

describe('esxcli storage core device vaai status get', () => {
  let host: Host;
  beforeEach(async () => {
    host = await Host.boot();
  });
  const run = (line: string) => esxcli(host, splitCommandLine(line));

  it('prints ESXi\'s shape per device: thin LUNs support Delete, thick ones not, the local disk has no Clone', () => {
    const thin = run('storage core device vaai status get -d naa.600140500a1a00010000000000000001');
    expect(thin.ok).toBe(true);
    expect(thin.output).toBe([
      'naa.600140500a1a00010000000000000001',
      '   VAAI Plugin Name:',
      '   ATS Status: supported',
      '   Clone Status: supported',
      '   Zero Status: supported',
      '   Delete Status: supported',
    ].join('\n'));
    expect(run('storage core device vaai status get --device naa.600140500a1a00010000000000000000').output.split('\n').slice(2)).toEqual([
      '   ATS Status: supported', '   Clone Status: supported', '   Zero Status: supported', '   Delete Status: unsupported',
    ]);
    expect(run('storage core device vaai status get -d mpx.vmhba0:C0:T0:L0').output.split('\n').slice(2)).toEqual([
      '   ATS Status: supported', '   Clone Status: unsupported', '   Zero Status: supported', '   Delete Status: unsupported',
    ]);
  });

  it('lists every device, sorted by id, with a blank line between; an unknown device is an error', () => {
    const all = run('storage core device vaai status get');
    expect(all.ok).toBe(true);
    const ids = all.output.split('\n\n').map((b) => b.split('\n')[0]);
    expect(ids).toEqual([...host.psa.devices.keys()].sort());
    expect(ids).toContain('naa.600140500a1a00010000000000000001');
    expect(ids).toContain('mpx.vmhba0:C0:T0:L0');
    const bad = run('storage core device vaai status get -d naa.nothing');
    expect(bad).toEqual({ ok: false, output: 'Error: Unknown device naa.nothing' });
    expect(run('storage core device vaai').output).toContain('status');
  });

  it('comes from what the device said at discovery, not from the array: the thin LUN of the active/passive array is learnt through its active path', () => {
    // ap-array LUN 1 is owned by SPB: READ CAPACITY through SPA's path fails, through SPB's it answers LBPME.
    const id = 'naa.600140500a9a00020000000000000001';
    const paths = host.psa.paths.filter((p) => p.identity.deviceId === id);
    expect(paths.map((p) => p.identity.offloads.lbpme).sort()).toEqual([true, undefined]);
    expect(run(`storage core device vaai status get -d ${id}`).output).toContain('Delete Status: supported');
    // Change what the device reported, not the array: the answer follows the report.
    for (const p of paths) p.identity.offloads = { ...p.identity.offloads, lbpu: false, thirdPartyCopy: false };
    const out = run(`storage core device vaai status get -d ${id}`).output;
    expect(out).toContain('Clone Status: unsupported');
    expect(out).toContain('Delete Status: unsupported');
  });

  it('device list: Thin Provisioning Status yes for thin LUNs (unknown for thick), VAAI Status from ATS, Clone and Zero', () => {
    const field = (id: string, key: string) => run(`storage core device list -d ${id}`).output.split('\n').find((l) => l.startsWith(`   ${key}:`));
    expect(field('naa.600140500a1a00010000000000000001', 'Thin Provisioning Status')).toBe('   Thin Provisioning Status: yes');
    expect(field('naa.600140500a1a00010000000000000000', 'Thin Provisioning Status')).toBe('   Thin Provisioning Status: unknown');
    expect(field('naa.600140500a1a00010000000000000000', 'VAAI Status')).toBe('   VAAI Status: supported');
    expect(field('mpx.vmhba0:C0:T0:L0', 'VAAI Status')).toBe('   VAAI Status: unknown'); // partial: no Clone
  });
});

describe('through the real binary: npx pathlab sg --then', () => {
  const exec = promisify(execFile);
  const pathlab = async (...args: string[]) => {
    try {
      return { ...(await exec('node', ['bin/pathlab.js', 'sg', ...args])), code: 0 };
    } catch (e) {
      const err = e as { stdout: string; stderr: string; code: number };
      return { stdout: err.stdout, stderr: err.stderr, code: err.code };
    }
  };
  const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: number; sense: string; dataIn: string });

  it('ATS: a swap, its read-back, and a stale ATS that miscompares at byte 0, in one run', async () => {
    const old = zeros(512);
    const fresh = pattern(512, 60);
    const { stdout, code } = await pathlab(
      '--json', '--array', 'alua-array', '--lun', '0', '--data-out', hex(concat(old, fresh)), hex(cdb.compareAndWrite(9, 1)),
      '--then', hex(cdb.read16(9, 1)),
      '--then', '--data-out', hex(concat(old, fresh)), hex(cdb.compareAndWrite(9, 1)),
    );
    expect(code).toBe(0);
    const [swap, back, stale] = lines(stdout);
    expect(swap).toEqual({ status: 0, sense: '', dataIn: '' });
    expect(back.dataIn).toBe(hex(fresh));
    expect(stale.status).toBe(2);
    expect(stale.sense).toBe('f0 00 0e 00 00 00 00 0a 00 00 00 00 1d 00 00 00 00 00');
  });

  it('WRITE SAME, UNMAP and EXTENDED COPY with their read-backs; the text output names the sense', async () => {
    const block = pattern(512, 61);
    const list = unmapList([1, 1]);
    const { stdout, code } = await pathlab(
      '--json', '--array', 'aa-array', '--lun', '0', '--data-out', hex(block), hex(cdb.writeSame16(0, 3)),
      '--then', '--lun', '0', hex(cdb.read16(0, 3)),
    );
    expect(code).toBe(0);
    expect(lines(stdout)[1].dataIn).toBe(hex(concat(block, block, block)));
    const thin = await pathlab(
      '--json', '--array', 'ap-array', '--lun', '1', '--port', '2', '--data-out', hex(block), hex(cdb.writeSame16(0, 3)),
      '--then', '--data-out', hex(list), hex(cdb.unmap(list.length)),
      '--then', hex(cdb.read16(0, 3)),
    );
    expect(lines(thin.stdout).map((l) => l.status)).toEqual([0, 0, 0]);
    expect(lines(thin.stdout)[2].dataIn).toBe(hex(concat(block, zeros(512), block)));
    const text = await pathlab('--array', 'alua-array', '--lun', '0', '--data-out', hex(list), hex(cdb.unmap(list.length)));
    expect(text.stdout).toMatch(/Sense key: Illegal Request\n Additional sense: Invalid command operation code/);
  });

  it('refuses a bad --then at once, before anything is sent', async () => {
    const { stderr, code } = await pathlab('--array', 'alua-array', '00 00 00 00 00 00', '--then', '--array', 'no-array', '00 00 00 00 00 00');
    expect(code).toBe(1);
    expect(stderr).toMatch(/no array named no-array/);
    const list = await pathlab('--list', '--then', '00 00 00 00 00 00');
    expect(list.code).toBe(1);
  });
});
