// 4 KiB I/Os through the scatter-gather copier, one `run` call per I/O as the stack issues them,
// against a bare wasm memory.copy of the same 4 KiB (the limit). Cache-resident: one guest buffer,
// one 32 KiB extent; directions alternate (read, write) over the extent's eight 4 KiB blocks.
import { loadWasm } from '../src/stack/wasm/load';
import { TsSgCopy, wasmSgCopy, type SgCopy } from '../src/stack/memory/sgcopy';
import {
  JOB_SIZE, JOB_DIR, JOB_SGL, JOB_NSEG, JOB_EXTENTS, JOB_OFFSET, JOB_BYTES, JOB_EXTENT_SIZE,
  DIR_TO_SGL, DIR_FROM_SGL,
} from '../asm/sgcopy/layout';

const IO = 4096;
const EXTENT = 32768;
const IOS = 1 << 18; // per sample
const WARMUPS = 2;
const RUNS = 9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

// One loop per method, each calling its target directly: a shared loop over a callback or over
// both implementations would make its call site polymorphic (not inlined) and blur the ratio.
function loopMemcpy(sg: SgCopy, guest: number, extent: number): number {
  for (let i = 0; i < IOS; i++) {
    const block = extent + (i & 7) * IO;
    if (i & 1) sg.copy(block, guest, IO);
    else sg.copy(guest, block, IO);
  }
  return IOS * IO;
}

function loopWasm(sg: SgCopy, jobs: number): number {
  let moved = 0;
  for (let i = 0; i < IOS; i++) moved += sg.run(jobs + (i & 7) * JOB_SIZE, 1);
  return moved;
}

function loopTs(sg: TsSgCopy, jobs: number): number {
  let moved = 0;
  for (let i = 0; i < IOS; i++) moved += sg.run(jobs + (i & 7) * JOB_SIZE, 1);
  return moved;
}

/** ns per I/O of each method: rounds interleave the methods so load from elsewhere hits all alike. */
function time(methods: Record<string, () => number>): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (let r = 0; r < WARMUPS + RUNS; r++) {
    for (const [name, body] of Object.entries(methods)) {
      const t0 = performance.now();
      const moved = body();
      const ns = ((performance.now() - t0) * 1e6) / IOS;
      if (moved !== IOS * IO) throw new Error(`${name} moved ${moved} bytes, expected ${IOS * IO}`);
      if (r >= WARMUPS) (samples[name] ??= []).push(ns);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** Eight jobs, one per 4 KiB block of the extent, even ones read and odd ones write. */
function setUp(sg: SgCopy): { jobs: number; guest: number; extent: number } {
  const h = sg.heapBase;
  const jobs = h, sgl = h + 512, table = h + 1024, guest = h + 4096, extent = h + 65536;
  if (sg.buffer().byteLength < extent + EXTENT) sg.grow(2);
  const dv = new DataView(sg.buffer());
  dv.setUint32(sgl, guest, true);
  dv.setUint32(sgl + 4, IO, true);
  dv.setUint32(table, extent, true);
  for (let k = 0; k < 8; k++) {
    const job = jobs + k * JOB_SIZE;
    dv.setUint32(job + JOB_DIR, k % 2 ? DIR_FROM_SGL : DIR_TO_SGL, true);
    dv.setUint32(job + JOB_SGL, sgl, true);
    dv.setUint32(job + JOB_NSEG, 1, true);
    dv.setUint32(job + JOB_EXTENTS, table, true);
    dv.setUint32(job + JOB_OFFSET, k * IO, true);
    dv.setUint32(job + JOB_BYTES, IO, true);
    dv.setUint32(job + JOB_EXTENT_SIZE, EXTENT, true);
  }
  return { jobs, guest, extent };
}

export async function benchSgcopy(): Promise<{ sgcopy4k_gbps_wasm: number; sgcopy4k_gbps_ts: number; memcpy4k_gbps: number }> {
  const wasm = wasmSgCopy(await loadWasm('sgcopy'));
  const ts = new TsSgCopy();
  const w = setUp(wasm);
  const t = setUp(ts);
  const ns = time({
    memcpy: () => loopMemcpy(wasm, w.guest, w.extent),
    wasm: () => loopWasm(wasm, w.jobs),
    ts: () => loopTs(ts, t.jobs),
  });
  const gbps = (ns: number) => Math.round((IO / ns) * 10) / 10; // bytes per ns = GB/s
  return { sgcopy4k_gbps_wasm: gbps(ns.wasm), sgcopy4k_gbps_ts: gbps(ns.ts), memcpy4k_gbps: gbps(ns.memcpy) };
}
