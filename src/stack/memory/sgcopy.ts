// Scatter-gather copies over the data arena: guest buffers, SG lists, extent tables and LUN extents
// all live in one memory, so each piece is one bulk copy. Two implementations behind one interface:
// the AssemblyScript module (asm/sgcopy) and this TypeScript twin, its readable reference and the
// fallback where WebAssembly is missing. Both must leave identical bytes (tests/unit/sgcopy.test.ts).
import {
  SG_ENTRY_SIZE, SG_ADDR, SG_LEN,
  JOB_SIZE, JOB_DIR, JOB_SGL, JOB_NSEG, JOB_EXTENTS, JOB_OFFSET, JOB_BYTES, JOB_EXTENT_SIZE, JOB_DONE,
  DIR_TO_SGL, DIR_FROM_SGL,
} from '../../../asm/sgcopy/layout';

export const PAGE_SIZE = 65536;

export interface SgCopy {
  readonly kind: 'wasm' | 'typescript';
  /** First arena address that JS owns (everything below belongs to the module). */
  readonly heapBase: number;
  /** The arena's current buffer; re-read it after grow(), which detaches a wasm memory's old views. */
  buffer(): ArrayBuffer;
  /** Adds 64 KiB pages to the arena. Throws when the arena cannot grow. */
  grow(pages: number): void;
  /** Runs `count` jobs stored back to back at `jobs`; returns the bytes moved by all (mod 2^32). */
  run(jobs: number, count: number): number;
  copy(dst: number, src: number, len: number): void;
  fill(dst: number, value: number, len: number): void;
}

// The arena is a plain ArrayBuffer replaced on grow(), not a resizable one: in V8 11.3 (Node 20)
// and Chrome 156 a DataView over a resizable buffer is not optimised (a get+set pair costs 22 ns
// against 1.4 on a plain buffer in Node, 41 against 2.2 in Chrome, measured here), which halved
// this twin's speed. Growing copies once and detaches the old buffer, so a stale view fails as it
// would over wasm memory.
export class TsSgCopy implements SgCopy {
  readonly kind = 'typescript';
  /** Same as the wasm module's, so one arena layout fits both implementations. */
  readonly heapBase = PAGE_SIZE;
  private arena: ArrayBuffer;
  private bytes: Uint8Array;
  private dv: DataView;

  constructor(initialPages = 32, private readonly maxPages = 65536) {
    this.arena = new ArrayBuffer(initialPages * PAGE_SIZE);
    this.bytes = new Uint8Array(this.arena);
    this.dv = new DataView(this.arena);
  }

  buffer(): ArrayBuffer {
    return this.arena;
  }

  grow(pages: number): void {
    const pagesNow = this.arena.byteLength / PAGE_SIZE;
    if (!(pages >= 0 && pagesNow + pages <= this.maxPages)) {
      throw new RangeError(`sgcopy: cannot grow ${pagesNow} pages by ${pages} (max ${this.maxPages})`);
    }
    const old = this.arena;
    this.arena = new ArrayBuffer(old.byteLength + pages * PAGE_SIZE);
    this.bytes = new Uint8Array(this.arena);
    this.bytes.set(new Uint8Array(old));
    this.dv = new DataView(this.arena);
    structuredClone(old, { transfer: [old] }); // detach, like wasm memory.grow
  }

  run(jobs: number, count: number): number {
    let total = 0;
    for (let i = 0; i < count; i++) total = (total + this.runJob(jobs + i * JOB_SIZE)) >>> 0;
    return total;
  }

  // One job, walking the SG list and the extent table side by side. Both are read lazily, piece by
  // piece, exactly as the wasm module does, so a job that stops early touches nothing further.
  // (The module also has a one-piece shortcut for speed; its results are the same.)
  private runJob(job: number): number {
    const dv = this.dv;
    const dir = dv.getUint32(job + JOB_DIR, true);
    let sg = dv.getUint32(job + JOB_SGL, true);
    const sgEnd = sg + dv.getUint32(job + JOB_NSEG, true) * SG_ENTRY_SIZE;
    let ext = dv.getUint32(job + JOB_EXTENTS, true);
    let off = dv.getUint32(job + JOB_OFFSET, true);
    let left = dv.getUint32(job + JOB_BYTES, true);
    const extSize = dv.getUint32(job + JOB_EXTENT_SIZE, true);
    let done = 0;
    // An unknown direction or a zero extent size would loop forever or guess: move nothing.
    if ((dir !== DIR_TO_SGL && dir !== DIR_FROM_SGL) || extSize === 0) left = 0;
    // An offset past the first extent means "start in a later extent of the table".
    if (off >= extSize && left !== 0) {
      ext += Math.floor(off / extSize) * 4;
      off %= extSize;
    }
    let guest = 0;
    let guestLeft = 0;
    while (left !== 0) {
      if (guestLeft === 0) {
        if (sg === sgEnd) break; // SG list shorter than the transfer
        guest = dv.getUint32(sg + SG_ADDR, true);
        guestLeft = dv.getUint32(sg + SG_LEN, true);
        sg += SG_ENTRY_SIZE;
        continue; // a zero-length entry is skipped
      }
      if (off === extSize) {
        ext += 4;
        off = 0;
      }
      const n = Math.min(left, guestLeft, extSize - off);
      const base = dv.getUint32(ext, true);
      if (dir === DIR_TO_SGL) {
        if (base === 0) this.fill(guest, 0, n); // a hole reads as zeros
        else this.copy(guest, base + off, n);
      } else {
        if (base === 0) break; // never write into a hole: the caller allocates first
        this.copy(base + off, guest, n);
      }
      guest += n;
      guestLeft -= n;
      off += n;
      left -= n;
      done += n;
    }
    dv.setUint32(job + JOB_DONE, done, true);
    return done;
  }

  // copyWithin and fill clamp out-of-range arguments silently; wasm traps. Throw instead, so a bad
  // address fails loudly in both implementations.
  copy(dst: number, src: number, len: number): void {
    this.check(dst, len);
    this.check(src, len);
    this.bytes.copyWithin(dst, src, src + len);
  }

  fill(dst: number, value: number, len: number): void {
    this.check(dst, len);
    this.bytes.fill(value, dst, dst + len);
  }

  private check(addr: number, len: number): void {
    if (addr + len > this.arena.byteLength) {
      throw new RangeError(`sgcopy: ${len} bytes at ${addr} run past the arena (${this.arena.byteLength} bytes)`);
    }
  }
}

interface SgCopyExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  run(jobs: number, count: number): number;
  copy(dst: number, src: number, len: number): void;
  fill(dst: number, value: number, len: number): void;
}

export function wasmSgCopy(instance: WebAssembly.Instance): SgCopy {
  const ex = instance.exports as unknown as SgCopyExports;
  return {
    kind: 'wasm',
    heapBase: ex.heapBase(),
    buffer: () => ex.memory.buffer,
    grow: (pages) => {
      ex.memory.grow(pages);
    },
    run: (jobs, count) => ex.run(jobs, count) >>> 0, // the u32 total arrives as a signed i32
    copy: ex.copy,
    fill: ex.fill,
  };
}
