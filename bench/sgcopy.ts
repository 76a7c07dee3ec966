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
const IOS = 1 << 20; // per timed run
const WARMUPS = 2;
const RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** ns per call of `body(i)`, median of RUNS after WARMUPS; `body` returns bytes moved (checked). */
function time(body: (i: number) => number): number {
  const samples: number[] = [];
  for (let r = 0; r < WARMUPS + RUNS; r++) {
    let moved = 0;
    const t0 = performance.now();
    for (let i = 0; i < IOS; i++) moved += body(i);
    const ns = ((performance.now() - t0) * 1e6) / IOS;
    if (moved !== IOS * IO) throw new Error(`bench moved ${moved} bytes, expected ${IOS * IO}`);
    if (r >= WARMUPS) samples.push(ns);
  }
  return median(samples);
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
  const memcpyNs = time((i) => {
    const block = w.extent + (i & 7) * IO;
    if (i & 1) wasm.copy(block, w.guest, IO);
    else wasm.copy(w.guest, block, IO);
    return IO;
  });
  const wasmNs = time((i) => wasm.run(w.jobs + (i & 7) * JOB_SIZE, 1));
  const tsNs = time((i) => ts.run(t.jobs + (i & 7) * JOB_SIZE, 1));
  const gbps = (ns: number) => Math.round((IO / ns) * 10) / 10; // bytes per ns = GB/s
  return { sgcopy4k_gbps_wasm: gbps(wasmNs), sgcopy4k_gbps_ts: gbps(tsNs), memcpy4k_gbps: gbps(memcpyNs) };
}
