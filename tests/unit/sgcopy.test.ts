// Scatter-gather copies: behaviour of both implementations, then parity between them (and with a
// byte-at-a-time oracle) on thousands of random jobs.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { loadWasm } from '../../src/stack/wasm/load';
import { TsSgCopy, wasmSgCopy, PAGE_SIZE, type SgCopy } from '../../src/stack/memory/sgcopy';
import {
  SG_ENTRY_SIZE, JOB_SIZE, JOB_DIR, JOB_SGL, JOB_NSEG, JOB_EXTENTS, JOB_OFFSET, JOB_BYTES,
  JOB_EXTENT_SIZE, JOB_DONE, DIR_TO_SGL, DIR_FROM_SGL,
} from '../../asm/sgcopy/layout';

const PAGES = 32; // 2 MiB arenas on both sides, so whole buffers compare
const H = PAGE_SIZE; // heapBase of both implementations (checked below)
const JOBS = H; // 64 jobs
const SGLS = H + 0x1000; // 8 entries per job
const TABLES = H + 0x2000; // 16 extent addresses per job
const GUEST = H + 0x10000;
const GUEST_SIZE = 0x40000;
const POOL = GUEST + GUEST_SIZE;
const POOL_SIZE = PAGES * PAGE_SIZE - POOL;

async function makeWasm(): Promise<SgCopy> {
  const sg = wasmSgCopy(await loadWasm('sgcopy'));
  sg.grow(PAGES - sg.buffer().byteLength / PAGE_SIZE);
  return sg;
}

interface Job {
  dir: number;
  sg: [addr: number, len: number][];
  extents: number[]; // 0 = hole
  offset: number;
  bytes: number;
  extentSize: number;
}

/** Writes jobs (with their SG lists and extent tables) into the arena's metadata area. */
function writeJobs(buf: ArrayBuffer, jobs: Job[]): void {
  const dv = new DataView(buf);
  jobs.forEach((j, i) => {
    const job = JOBS + i * JOB_SIZE;
    const sgl = SGLS + i * 8 * SG_ENTRY_SIZE;
    const table = TABLES + i * 16 * 4;
    j.sg.forEach(([addr, len], k) => {
      dv.setUint32(sgl + k * 8, addr, true);
      dv.setUint32(sgl + k * 8 + 4, len, true);
    });
    j.extents.forEach((e, k) => dv.setUint32(table + k * 4, e, true));
    for (const [field, value] of [
      [JOB_DIR, j.dir], [JOB_SGL, sgl], [JOB_NSEG, j.sg.length], [JOB_EXTENTS, table],
      [JOB_OFFSET, j.offset], [JOB_BYTES, j.bytes], [JOB_EXTENT_SIZE, j.extentSize], [JOB_DONE, 0xdead],
    ]) dv.setUint32(job + field, value, true);
  });
}

const done = (sg: SgCopy, i: number) => new DataView(sg.buffer()).getUint32(JOBS + i * JOB_SIZE + JOB_DONE, true);
const bytesAt = (sg: SgCopy, addr: number, len: number) => new Uint8Array(sg.buffer(), addr, len);
const pattern = (len: number, seed: number) => Uint8Array.from({ length: len }, (_, i) => (i * 7 + seed) & 0xff || 1);

describe.each([
  ['typescript', async () => new TsSgCopy(PAGES)],
  ['wasm', makeWasm],
])('sgcopy (%s)', (_name, make) => {
  let sg: SgCopy;
  beforeAll(async () => {
    sg = await make();
  });
  const E0 = POOL, E1 = POOL + 0x10000, E2 = POOL + 0x20000;
  const reset = () => {
    bytesAt(sg, H, PAGES * PAGE_SIZE - H).fill(0xaa);
    bytesAt(sg, E0, 0x8000).set(pattern(0x8000, 1));
    bytesAt(sg, E1, 0x8000).set(pattern(0x8000, 2));
    bytesAt(sg, E2, 0x8000).set(pattern(0x8000, 3));
  };

  it('owns the arena above a page-aligned heapBase', () => {
    expect(sg.heapBase).toBe(H);
    expect(sg.buffer().byteLength).toBe(PAGES * PAGE_SIZE);
  });

  it('reads across an extent boundary', () => {
    reset();
    writeJobs(sg.buffer(), [{ dir: DIR_TO_SGL, sg: [[GUEST, 200]], extents: [E0, E1], offset: 4000, bytes: 200, extentSize: 4096 }]);
    expect(sg.run(JOBS, 1)).toBe(200);
    expect(done(sg, 0)).toBe(200);
    expect(bytesAt(sg, GUEST, 96)).toEqual(bytesAt(sg, E0 + 4000, 96));
    expect(bytesAt(sg, GUEST + 96, 104)).toEqual(bytesAt(sg, E1, 104));
    expect(bytesAt(sg, GUEST + 200, 1)[0]).toBe(0xaa); // nothing past the transfer
  });

  it('scatters one extent range over several SG entries and skips empty ones', () => {
    reset();
    const sgl: Job['sg'] = [[GUEST + 1000, 10], [GUEST, 0], [GUEST + 5000, 3000]];
    writeJobs(sg.buffer(), [{ dir: DIR_TO_SGL, sg: sgl, extents: [E0, E1], offset: 100, bytes: 3010, extentSize: 2048 }]);
    expect(sg.run(JOBS, 1)).toBe(3010);
    expect(bytesAt(sg, GUEST + 1000, 10)).toEqual(bytesAt(sg, E0 + 100, 10));
    expect(bytesAt(sg, GUEST + 5000, 1938)).toEqual(bytesAt(sg, E0 + 110, 1938));
    expect(bytesAt(sg, GUEST + 6938, 1062)).toEqual(bytesAt(sg, E1, 1062));
  });

  it('reads a hole as zeros', () => {
    reset();
    writeJobs(sg.buffer(), [{ dir: DIR_TO_SGL, sg: [[GUEST, 3072]], extents: [E0, 0, E2], offset: 0, bytes: 3072, extentSize: 1024 }]);
    expect(sg.run(JOBS, 1)).toBe(3072);
    expect(bytesAt(sg, GUEST, 1024)).toEqual(bytesAt(sg, E0, 1024));
    expect(bytesAt(sg, GUEST + 1024, 1024).every((b) => b === 0)).toBe(true);
    expect(bytesAt(sg, GUEST + 2048, 1024)).toEqual(bytesAt(sg, E2, 1024));
  });

  it('writes across extents and stops at a hole', () => {
    reset();
    bytesAt(sg, GUEST, 4096).set(pattern(4096, 9));
    const before = bytesAt(sg, E2, 1024).slice();
    writeJobs(sg.buffer(), [
      { dir: DIR_FROM_SGL, sg: [[GUEST, 1000], [GUEST + 3000, 1000]], extents: [E0, E1], offset: 700, bytes: 1348, extentSize: 1024 },
      { dir: DIR_FROM_SGL, sg: [[GUEST, 4096]], extents: [E0, 0, E2], offset: 512, bytes: 2048, extentSize: 1024 },
    ]);
    expect(sg.run(JOBS, 1)).toBe(1348);
    expect(bytesAt(sg, E0 + 700, 324)).toEqual(bytesAt(sg, GUEST, 324));
    expect(bytesAt(sg, E1, 676)).toEqual(bytesAt(sg, GUEST + 324, 676));
    expect(bytesAt(sg, E1 + 676, 348)).toEqual(bytesAt(sg, GUEST + 3000, 348));
    expect(bytesAt(sg, E1 + 1024, 1)[0]).toBe(pattern(0x8000, 2)[1024]);

    expect(sg.run(JOBS + JOB_SIZE, 1)).toBe(512);
    expect(done(sg, 1)).toBe(512);
    expect(bytesAt(sg, E0 + 512, 512)).toEqual(bytesAt(sg, GUEST, 512));
    expect(bytesAt(sg, E2, 1024)).toEqual(before); // nothing written past the hole
  });

  it('moves only what the SG list holds when it is shorter than the transfer', () => {
    reset();
    writeJobs(sg.buffer(), [{ dir: DIR_TO_SGL, sg: [[GUEST, 100], [GUEST + 500, 50]], extents: [E0], offset: 0, bytes: 1000, extentSize: 4096 }]);
    expect(sg.run(JOBS, 1)).toBe(150);
    expect(done(sg, 0)).toBe(150);
    expect(bytesAt(sg, GUEST + 100, 1)[0]).toBe(0xaa);
    expect(bytesAt(sg, GUEST + 500, 50)).toEqual(bytesAt(sg, E0 + 100, 50));
    expect(bytesAt(sg, GUEST + 550, 1)[0]).toBe(0xaa);
  });

  it('starts in a later extent when the offset passes the first one', () => {
    reset();
    writeJobs(sg.buffer(), [{ dir: DIR_TO_SGL, sg: [[GUEST, 64]], extents: [E0, E1, E2], offset: 2 * 512 + 10, bytes: 64, extentSize: 512 }]);
    expect(sg.run(JOBS, 1)).toBe(64);
    expect(bytesAt(sg, GUEST, 64)).toEqual(bytesAt(sg, E2 + 10, 64));
  });

  it('moves nothing for an unknown direction, a zero extent size or zero bytes', () => {
    reset();
    writeJobs(sg.buffer(), [
      { dir: 7, sg: [[GUEST, 64]], extents: [E0], offset: 0, bytes: 64, extentSize: 512 },
      { dir: DIR_TO_SGL, sg: [[GUEST, 64]], extents: [E0], offset: 0, bytes: 64, extentSize: 0 },
      { dir: DIR_TO_SGL, sg: [[GUEST, 64]], extents: [E0], offset: 0x7fff0000, bytes: 0, extentSize: 0xffffffff },
    ]);
    expect(sg.run(JOBS, 3)).toBe(0); // and the third, pointing far past the arena, does not trap
    expect([done(sg, 0), done(sg, 1), done(sg, 2)]).toEqual([0, 0, 0]);
    expect(bytesAt(sg, GUEST, 64).every((b) => b === 0xaa)).toBe(true);
  });

  it('runs many jobs in one call and sums what they moved', () => {
    reset();
    const jobs: Job[] = Array.from({ length: 48 }, (_, i) => ({
      dir: i % 2 ? DIR_FROM_SGL : DIR_TO_SGL,
      sg: [[GUEST + i * 4096, 512 + i]],
      extents: [i % 2 ? E1 : E0, E2],
      offset: i * 100,
      bytes: 512 + i + (i % 3), // every third job asks for more than its SG list holds
      extentSize: 8192,
    }));
    writeJobs(sg.buffer(), jobs);
    const expected = jobs.map((j) => Math.min(j.bytes, j.sg[0][1]));
    expect(sg.run(JOBS, jobs.length)).toBe(expected.reduce((a, b) => a + b));
    expect(jobs.map((_, i) => done(sg, i))).toEqual(expected);
    expect(bytesAt(sg, GUEST + 2 * 4096, 514)).toEqual(bytesAt(sg, E0 + 200, 514));
    expect(bytesAt(sg, E1 + 4700, 559)).toEqual(bytesAt(sg, GUEST + 47 * 4096, 559));
  });

  it('copies, fills, and refuses addresses past the arena', () => {
    reset();
    sg.copy(GUEST, E1, 300);
    sg.fill(GUEST + 300, 7, 10);
    expect(bytesAt(sg, GUEST, 300)).toEqual(bytesAt(sg, E1, 300));
    expect([...bytesAt(sg, GUEST + 299, 12)].slice(1)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0xaa]);
    const end = sg.buffer().byteLength;
    expect(() => sg.copy(end - 10, GUEST, 11)).toThrow();
    expect(() => sg.fill(end - 10, 0, 11)).toThrow();
  });

  it('grows by whole pages, keeps the contents and detaches the old buffer', () => {
    const old = sg.buffer();
    bytesAt(sg, H, 4).set([1, 2, 3, 4]);
    sg.grow(2);
    expect(sg.buffer().byteLength).toBe((PAGES + 2) * PAGE_SIZE);
    expect([...bytesAt(sg, H, 4)]).toEqual([1, 2, 3, 4]);
    expect(old.byteLength).toBe(0); // a stale view fails instead of reading old data
  });
});

describe('TsSgCopy limits', () => {
  it('refuses to grow past maxPages', () => {
    const sg = new TsSgCopy(2, 8);
    sg.grow(6);
    expect(sg.buffer().byteLength).toBe(8 * PAGE_SIZE);
    expect(() => sg.grow(1)).toThrow(RangeError);
    expect(sg.buffer().byteLength).toBe(8 * PAGE_SIZE);
  });
});

/** The semantics spelled out one byte at a time: an independent check of both implementations. */
function oracleRun(mem: Uint8Array, jobs: Job[]): number[] {
  return jobs.map((j) => {
    if ((j.dir !== DIR_TO_SGL && j.dir !== DIR_FROM_SGL) || j.extentSize === 0) return 0;
    let moved = 0;
    for (const [addr, len] of j.sg) {
      for (let b = 0; b < len && moved < j.bytes; b++, moved++) {
        const pos = j.offset + moved;
        const base = j.extents[Math.floor(pos / j.extentSize)];
        const at = base + (pos % j.extentSize);
        if (j.dir === DIR_TO_SGL) mem[addr + b] = base === 0 ? 0 : mem[at];
        else if (base === 0) return moved;
        else mem[at] = mem[addr + b];
      }
    }
    return moved;
  });
}

const jobArb: fc.Arbitrary<Job> = fc
  .record({
    dir: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(DIR_TO_SGL, DIR_FROM_SGL) }, { weight: 1, arbitrary: fc.constant(3) }),
    extentSize: fc.oneof(fc.constantFrom(512, 4096, 32768), fc.integer({ min: 1, max: 6000 })),
    nExt: fc.integer({ min: 1, max: 16 }),
    holes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 16, maxLength: 16 }), // 0 = hole
    bases: fc.array(fc.integer({ min: 0, max: POOL_SIZE - 32768 }), { minLength: 16, maxLength: 16 }),
    start: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.double({ min: 0, max: 1, noNaN: true }),
    sg: fc.array(fc.tuple(fc.integer({ min: 0, max: GUEST_SIZE - 1 }), fc.integer({ min: 0, max: 9000 })), { maxLength: 8 }),
  })
  .map((r) => {
    const extents = r.bases.slice(0, r.nExt).map((b, k) => (r.holes[k] === 0 ? 0 : POOL + b));
    const span = r.nExt * r.extentSize; // the job must stay inside its extent table
    const offset = Math.min(Math.floor(r.start * span), span - 1);
    const bytes = Math.floor(r.length * (span - offset));
    const sg = r.sg.map(([a, len]): [number, number] => [GUEST + a, Math.min(len, GUEST_SIZE - a)]);
    return { dir: r.dir, sg, extents, offset, bytes, extentSize: r.extentSize };
  });

describe('sgcopy parity', () => {
  it('wasm, TypeScript and a byte oracle leave identical arenas on thousands of random jobs', async () => {
    const wasm = await makeWasm();
    const ts = new TsSgCopy(PAGES);
    const noise = new Uint8Array(PAGES * PAGE_SIZE);
    let x = 0x2545f491;
    for (let i = 0; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    let jobsRun = 0;
    fc.assert(
      fc.property(fc.array(jobArb, { minLength: 1, maxLength: 24 }), (jobs) => {
        const oracle = noise.slice();
        for (const sg of [wasm, ts]) new Uint8Array(sg.buffer()).set(noise);
        for (const buf of [wasm.buffer(), ts.buffer(), oracle.buffer]) writeJobs(buf, jobs);
        const totalW = wasm.run(JOBS, jobs.length);
        const totalT = ts.run(JOBS, jobs.length);
        const expected = oracleRun(oracle, jobs);
        expected.forEach((d, i) => new DataView(oracle.buffer).setUint32(JOBS + i * JOB_SIZE + JOB_DONE, d, true));
        expect(jobs.map((_, i) => done(wasm, i))).toEqual(expected);
        expect(jobs.map((_, i) => done(ts, i))).toEqual(expected);
        expect(totalW).toBe(expected.reduce((a, b) => a + b, 0));
        expect(totalT).toBe(totalW);
        expect(Buffer.from(wasm.buffer()).equals(Buffer.from(ts.buffer()))).toBe(true);
        expect(Buffer.from(wasm.buffer()).equals(Buffer.from(oracle.buffer))).toBe(true);
        jobsRun += jobs.length;
      }),
      { seed: 20261121, numRuns: 500 },
    );
    expect(jobsRun).toBeGreaterThan(3000);
  });
});
