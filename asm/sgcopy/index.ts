// Scatter-gather copies between guest buffers and LUN extents, all inside this module's memory.
// JS builds copy jobs (layout.ts) and hands them over in one `run` call: a JS->wasm crossing costs
// 1.3-2 ns, so one call per command (or per batch), never one per piece or per field.
// The TypeScript twin (src/stack/memory/sgcopy.ts) is the readable reference of the same algorithm.
import {
  SG_ENTRY_SIZE, SG_ADDR, SG_LEN,
  JOB_SIZE, JOB_DIR, JOB_SGL, JOB_NSEG, JOB_EXTENTS, JOB_OFFSET, JOB_BYTES, JOB_EXTENT_SIZE, JOB_DONE,
  DIR_TO_SGL, DIR_FROM_SGL,
} from './layout';

const PAGE: usize = 65536;

/** First address JS may use: past any static data, on a page boundary so JS can own whole pages. */
export function heapBase(): usize {
  return (__heap_base + PAGE - 1) & ~(PAGE - 1);
}

/** Runs `count` jobs stored back to back at `jobs`; returns the bytes moved by all of them (mod 2^32). */
export function run(jobs: usize, count: i32): u32 {
  let total: u32 = 0;
  for (let i = 0; i < count; i++) {
    const job = jobs + <usize>i * JOB_SIZE;
    const done = onePiece(job);
    total += done != NOT_ONE_PIECE ? done : pieces(job);
  }
  return total;
}

const NOT_ONE_PIECE: u32 = 0xffff_ffff;

// Most commands are one piece: the first SG entry holds the whole transfer and it lies inside one
// allocated extent. This shortcut gives exactly what `pieces` would, minus its bookkeeping (about
// 5 ns, a seventh of a cached 4 KiB copy; bench/sgcopy.ts). NOT_ONE_PIECE sends the job to `pieces`.
@inline function onePiece(job: usize): u32 {
  const bytes = load<u32>(job, JOB_BYTES);
  const off = load<u32>(job, JOB_OFFSET);
  const sg = <usize>load<u32>(job, JOB_SGL);
  if (bytes == 0 || load<u32>(job, JOB_NSEG) == 0 || load<u32>(sg, SG_LEN) < bytes) return NOT_ONE_PIECE;
  if (<u64>off + bytes > <u64>load<u32>(job, JOB_EXTENT_SIZE)) return NOT_ONE_PIECE;
  const at = load<u32>(<usize>load<u32>(job, JOB_EXTENTS));
  if (at == 0) return NOT_ONE_PIECE; // a hole: zeros or a stop, left to `pieces`
  const dir = load<u32>(job, JOB_DIR);
  if (dir == DIR_TO_SGL) memory.copy(load<u32>(sg, SG_ADDR), at + off, bytes);
  else if (dir == DIR_FROM_SGL) memory.copy(at + off, load<u32>(sg, SG_ADDR), bytes);
  else return NOT_ONE_PIECE;
  store<u32>(job, bytes, JOB_DONE);
  return bytes;
}

// The general case, the same walk as the TypeScript twin: the SG list and the extent table side by
// side, both read lazily, piece by piece, so a job that stops early touches nothing further.
function pieces(job: usize): u32 {
  const dir = load<u32>(job, JOB_DIR);
  let sg = <usize>load<u32>(job, JOB_SGL);
  const sgEnd = sg + <usize>load<u32>(job, JOB_NSEG) * SG_ENTRY_SIZE;
  let ext = <usize>load<u32>(job, JOB_EXTENTS);
  let off = load<u32>(job, JOB_OFFSET);
  let left = load<u32>(job, JOB_BYTES);
  const extSize = load<u32>(job, JOB_EXTENT_SIZE);
  let done: u32 = 0;
  // An unknown direction or a zero extent size would loop forever or guess: move nothing.
  if ((dir != DIR_TO_SGL && dir != DIR_FROM_SGL) || extSize == 0) left = 0;
  // An offset past the first extent means "start in a later extent of the table".
  if (off >= extSize && left != 0) {
    ext += <usize>(off / extSize) << 2;
    off %= extSize;
  }
  let guest: u32 = 0;
  let guestLeft: u32 = 0;
  while (left != 0) {
    if (guestLeft == 0) {
      if (sg == sgEnd) break; // SG list shorter than the transfer
      guest = load<u32>(sg, SG_ADDR);
      guestLeft = load<u32>(sg, SG_LEN);
      sg += SG_ENTRY_SIZE;
      continue; // a zero-length entry is skipped
    }
    if (off == extSize) { ext += 4; off = 0; }
    const n = min(min(left, guestLeft), extSize - off);
    const base = load<u32>(ext);
    if (dir == DIR_TO_SGL) {
      if (base == 0) memory.fill(guest, 0, n); // a hole reads as zeros
      else memory.copy(guest, base + off, n);
    } else {
      if (base == 0) break; // never write into a hole: the caller allocates first
      memory.copy(base + off, guest, n);
    }
    guest += n; guestLeft -= n; off += n; left -= n; done += n;
  }
  store<u32>(job, done, JOB_DONE);
  return done;
}

/** A bare memory.copy: what one piece costs without the job machinery (the benchmark's limit). */
export function copy(dst: usize, src: usize, len: usize): void {
  memory.copy(dst, src, len);
}

export function fill(dst: usize, value: u8, len: usize): void {
  memory.fill(dst, value, len);
}
