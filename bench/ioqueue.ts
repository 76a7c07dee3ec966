// Commands through the SFQ shares scheduler: 4 world queues (shares 1:2:3:4), batches of 256
// requests enqueued in one call and dispatched in one call, as the stack does per device queue.
// Reports ns per command (enqueue + dispatch), wasm against the TypeScript twin.
import { loadWasm } from '../src/stack/wasm/load';
import { TsIoQueue, wasmIoQueue, type IoQueue } from '../src/stack/queue/ioqueue';
import { REQ_SIZE, REQ_FLOW, REQ_SLOT, REQ_COST } from '../asm/ioqueue/layout';

const FLOWS = 4;
const BATCH = 256;
const BATCHES = 2048; // per sample
const WARMUPS = 2;
const RUNS = 9;

interface Rig { q: IoQueue; sched: number; reqs: number; out: number }

function setUp(q: IoQueue): Rig {
  const sched = q.reserve(q.schedBytes(FLOWS, BATCH));
  const reqs = q.reserve(BATCH * REQ_SIZE);
  const out = q.reserve(BATCH * 4);
  q.schedInit(sched, FLOWS, BATCH);
  for (let f = 0; f < FLOWS; f++) q.schedSetShares(sched, f, f + 1);
  const dv = q.view();
  for (let i = 0; i < BATCH; i++) {
    dv.setUint32(reqs + i * REQ_SIZE + REQ_FLOW, i % FLOWS, true);
    dv.setUint32(reqs + i * REQ_SIZE + REQ_SLOT, i, true);
    dv.setUint32(reqs + i * REQ_SIZE + REQ_COST, 1 + (i % 3), true);
  }
  return { q, sched, reqs, out };
}

// One loop per implementation, so each call site stays monomorphic (inlined) as it would in the stack.
function loopWasm({ q, sched, reqs, out }: Rig): number {
  let n = 0;
  for (let b = 0; b < BATCHES; b++) {
    q.schedEnqueue(sched, reqs, BATCH);
    n += q.schedDispatch(sched, out, BATCH);
  }
  return n;
}

function loopTs({ q, sched, reqs, out }: Rig): number {
  const ts = q as TsIoQueue;
  let n = 0;
  for (let b = 0; b < BATCHES; b++) {
    ts.schedEnqueue(sched, reqs, BATCH);
    n += ts.schedDispatch(sched, out, BATCH);
  }
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function benchIoqueue(): Promise<{ ioqueue_ns_wasm: number; ioqueue_ns_ts: number }> {
  const rigs = { wasm: setUp(wasmIoQueue(await loadWasm('ioqueue'))), ts: setUp(new TsIoQueue()) };
  const loops = { wasm: () => loopWasm(rigs.wasm), ts: () => loopTs(rigs.ts) };
  const samples: Record<'wasm' | 'ts', number[]> = { wasm: [], ts: [] };
  for (let r = 0; r < WARMUPS + RUNS; r++) {
    for (const k of ['wasm', 'ts'] as const) { // interleaved: outside load hits both alike
      const t0 = performance.now();
      const n = loops[k]();
      const ns = ((performance.now() - t0) * 1e6) / (BATCHES * BATCH);
      if (n !== BATCHES * BATCH) throw new Error(`${k} dispatched ${n} of ${BATCHES * BATCH}`);
      if (r >= WARMUPS) samples[k].push(ns);
    }
  }
  const round = (ns: number) => Math.round(ns * 100) / 100;
  return { ioqueue_ns_wasm: round(median(samples.wasm)), ioqueue_ns_ts: round(median(samples.ts)) };
}
