// The wasm codec (asm/cdb) and its TypeScript twin must leave byte-identical slot memory for any
// input, valid or garbage, in batches. Fixed seeds keep failures reproducible.

import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadWasm } from '../../src/stack/wasm/load';
import { TsCdbCodec, wasmCdbCodec, type CdbCodec } from '../../src/stack/scsi/cdb-codec';
import {
  CDB_SLOT_SIZE, CDB_MAX_SLOTS, SENSE_SLOT_SIZE, SENSE_MAX_SLOTS, SLOT_OPCODE, SLOT_SA, SLOT_CDB,
  SENSE_RESPONSE, SENSE_BIT_PTR, SENSE_LEN, SENSE_INFO_HI, SENSE_OUT, NO_BIT_PTR,
} from '../../asm/cdb/layout';

const KNOWN = [0x00, 0x03, 0x12, 0x1a, 0x25, 0x28, 0x2a, 0x35, 0x5a, 0x88, 0x8a, 0x9e, 0xa0, 0xa3, 0xa4];
/** The array offloads (VAAI): COMPARE AND WRITE, WRITE SAME (16), UNMAP, EXTENDED COPY, RECEIVE COPY RESULTS. */
const OFFLOADS = [0x89, 0x93, 0x42, 0x83, 0x84];
const RUNS = 300; // × up to 256 slots per batch

let wasm: CdbCodec;
let ts: CdbCodec;
beforeAll(async () => {
  wasm = wasmCdbCodec(await loadWasm('cdb'));
  ts = new TsCdbCodec();
});

type Region = 'cdb' | 'sense';
const regionOf = (c: CdbCodec, r: Region): Uint8Array =>
  r === 'cdb'
    ? c.bytes.subarray(c.slotsOffset, c.slotsOffset + CDB_SLOT_SIZE * CDB_MAX_SLOTS)
    : c.bytes.subarray(c.senseOffset, c.senseOffset + SENSE_SLOT_SIZE * SENSE_MAX_SLOTS);

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** null when equal, else the first differing slot of both engines, for a readable failure. */
function difference(r: Region): string | null {
  const a = regionOf(wasm, r);
  const b = regionOf(ts, r);
  const size = r === 'cdb' ? CDB_SLOT_SIZE : SENSE_SLOT_SIZE;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const s = Math.floor(i / size) * size;
      return `${r} slot ${s / size}, byte ${i - s}:\n wasm ${hex(a.subarray(s, s + size))}\n ts   ${hex(b.subarray(s, s + size))}`;
    }
  }
  return null;
}

/** Same starting memory in both engines, then the generated slots, then the operation on both. */
function runBoth(r: Region, first: number, slots: Uint8Array[], op: (c: CdbCodec) => void): void {
  const size = r === 'cdb' ? CDB_SLOT_SIZE : SENSE_SLOT_SIZE;
  regionOf(wasm, r).set(regionOf(ts, r));
  for (const c of [wasm, ts]) slots.forEach((s, i) => regionOf(c, r).set(s, (first + i) * size));
  for (const c of [wasm, ts]) op(c);
}

const byte = fc.integer({ min: 0, max: 255 });
/** Mostly zero or small bytes, so that many generated CDBs are well formed (control 0, page 0, ...). */
const sparseByte = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 17 }), byte);
const opcode = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN) },
  { weight: 2, arbitrary: fc.constantFrom(...OFFLOADS) },
  { weight: 1, arbitrary: byte },
);
// Service actions and byte-1 flags worth hitting: RC16, target port groups, copy (0, 3, LID4 1),
// WRITE SAME UNMAP/NDOB/ANCHOR, and reserved bits above them.
const serviceActionByte = fc.oneof(fc.constantFrom(0x10, 0x0a, 0x2a, 0x4a, 0x00, 0x01, 0x03, 0x08, 0x09, 0x18, 0x23), byte);

/** A batch position and size that stays inside `max` slots. */
function batch<T>(max: number, slot: fc.Arbitrary<T>): fc.Arbitrary<{ first: number; slots: T[] }> {
  return fc
    .integer({ min: 0, max: max - 1 })
    .chain((first) => fc.record({ first: fc.constant(first), slots: fc.array(slot, { minLength: 1, maxLength: Math.min(256, max - first) }) }));
}

const fieldSlot = fc.tuple(fc.uint8Array({ minLength: CDB_SLOT_SIZE, maxLength: CDB_SLOT_SIZE }), opcode, serviceActionByte)
  .map(([s, op, sa]) => { s[SLOT_OPCODE] = op; s[SLOT_SA] = sa; return s; });

const cdbSlot = fc.tuple(
  fc.uint8Array({ minLength: CDB_SLOT_SIZE, maxLength: CDB_SLOT_SIZE }),
  opcode,
  serviceActionByte,
  fc.array(sparseByte, { minLength: 14, maxLength: 14 }),
  fc.boolean(),
).map(([s, op, b1, rest, garbage]) => {
  // Either well-formed-looking CDB bytes or the slot's own random garbage.
  if (!garbage) s.set([op, b1, ...rest], SLOT_CDB);
  else s[SLOT_CDB] = op;
  return s;
});

const senseFieldSlot = fc.tuple(
  fc.uint8Array({ minLength: SENSE_SLOT_SIZE, maxLength: SENSE_SLOT_SIZE }),
  fc.oneof(fc.constantFrom(0x70, 0x71, 0x72, 0x73), byte),
  fc.oneof(fc.integer({ min: 0, max: 7 }), fc.constant(NO_BIT_PTR), byte),
  fc.boolean(),
).map(([s, response, bit, smallInfo]) => {
  s[SENSE_RESPONSE] = response;
  s[SENSE_BIT_PTR] = bit;
  if (smallInfo) s.fill(0, SENSE_INFO_HI, SENSE_INFO_HI + 4);
  return s;
});

/** Plausible sense bytes: either format, well-formed or truncated descriptors, wrong lengths. */
const descriptor = fc.tuple(fc.oneof(fc.constantFrom(0, 2), byte), fc.oneof(fc.constantFrom(6, 10), fc.integer({ min: 0, max: 20 })), fc.uint8Array({ maxLength: 20 }))
  .map(([type, len, body]) => [type, len, ...body.subarray(0, len)]);
const senseBytesSlot = fc.tuple(
  fc.uint8Array({ minLength: SENSE_SLOT_SIZE, maxLength: SENSE_SLOT_SIZE }),
  fc.oneof(fc.constantFrom(0x70, 0x71, 0x72, 0x73, 0xf0, 0xf1), byte),
  fc.oneof(fc.integer({ min: 0, max: 40 }), byte),
  fc.array(descriptor, { maxLength: 4 }),
  fc.oneof(fc.constant(-1), byte),
).map(([s, response, len, descriptors, additional]) => {
  const body = descriptors.flat();
  s[SENSE_OUT] = response;
  s[SENSE_LEN] = len;
  if ((response & 0x7e) === 0x72) s.set(body.slice(0, 32), SENSE_OUT + 8);
  s[SENSE_OUT + 7] = additional < 0 ? Math.min(body.length, 32) : additional;
  return s;
});

describe('wasm and TypeScript CDB codecs leave identical slot memory', () => {
  it('encode: random fields (any opcode, any field bytes)', () => {
    fc.assert(fc.property(batch(CDB_MAX_SLOTS, fieldSlot), ({ first, slots }) => {
      runBoth('cdb', first, slots, (c) => c.encode(first, slots.length));
      expect(difference('cdb')).toBeNull();
    }), { seed: 0x5c51, numRuns: RUNS });
  });

  it('decode: random CDB bytes (well-formed-looking and 16-byte garbage, all opcodes)', () => {
    fc.assert(fc.property(batch(CDB_MAX_SLOTS, cdbSlot), ({ first, slots }) => {
      runBoth('cdb', first, slots, (c) => c.decode(first, slots.length));
      expect(difference('cdb')).toBeNull();
    }), { seed: 0xcdb, numRuns: RUNS });
  });

  it('decode of every opcode byte, each with random CDB bytes', () => {
    const slots = Array.from({ length: 256 }, (_, op) => {
      const s = new Uint8Array(CDB_SLOT_SIZE).map(() => (Math.imul(op + 1, 2654435761) >>> 24) & 0xff);
      s[SLOT_CDB] = op;
      return s;
    });
    runBoth('cdb', 100, slots, (c) => c.decode(100, 256));
    expect(difference('cdb')).toBeNull();
  });

  it('encodeSense: random sense fields', () => {
    fc.assert(fc.property(batch(SENSE_MAX_SLOTS, senseFieldSlot), ({ first, slots }) => {
      runBoth('sense', first, slots, (c) => c.encodeSense(first, slots.length));
      expect(difference('sense')).toBeNull();
    }), { seed: 0x5e45e, numRuns: RUNS * 4 });
  });

  it('decodeSense: random sense bytes', () => {
    fc.assert(fc.property(batch(SENSE_MAX_SLOTS, senseBytesSlot), ({ first, slots }) => {
      runBoth('sense', first, slots, (c) => c.decodeSense(first, slots.length));
      expect(difference('sense')).toBeNull();
    }), { seed: 0xdec0de, numRuns: RUNS * 4 });
  });

  it('decode of the offload commands with one byte or bit at a time set (reserved fields, flags)', () => {
    // Every single-bit CDB of each offload command: the first-bad-field order must agree bit by bit.
    const slots: Uint8Array[] = [];
    for (const op of OFFLOADS) {
      for (let at = 1; at < 16; at++) {
        for (let bit = 0; bit < 8; bit++) {
          const s = new Uint8Array(CDB_SLOT_SIZE).fill(0xa5);
          s.fill(0, SLOT_CDB, SLOT_CDB + 16);
          s[SLOT_CDB] = op;
          s[SLOT_CDB + at] = 1 << bit;
          slots.push(s);
        }
      }
    }
    for (let first = 0; first < slots.length; first += 256) {
      const batchSlots = slots.slice(first, first + 256);
      runBoth('cdb', 0, batchSlots, (c) => c.decode(0, batchSlots.length));
      expect(difference('cdb')).toBeNull();
    }
  });

  it('encode then decode of the same random batch', () => {
    fc.assert(fc.property(batch(CDB_MAX_SLOTS, fieldSlot), ({ first, slots }) => {
      runBoth('cdb', first, slots, (c) => { c.encode(first, slots.length); c.decode(first, slots.length); });
      expect(difference('cdb')).toBeNull();
    }), { seed: 0x7007, numRuns: RUNS });
  });
});
