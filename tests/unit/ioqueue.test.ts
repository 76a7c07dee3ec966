// Rings and the SFQ shares scheduler: behaviour of both implementations, then parity between them
// (outputs and whole memories) and with a plain-array model on random operation sequences.
import { describe, it, expect, beforeEach } from 'vitest';
import fc from 'fast-check';
import { loadWasm } from '../../src/stack/wasm/load';
import { TsIoQueue, wasmIoQueue, PAGE_SIZE, type IoQueue } from '../../src/stack/queue/ioqueue';
import { REQ_SIZE, REQ_FLOW, REQ_SLOT, REQ_COST, RING_EMPTY, MAX_FLOWS } from '../../asm/ioqueue/layout';

const makers: [string, () => Promise<IoQueue>][] = [
  ['typescript', async () => new TsIoQueue()],
  ['wasm', async () => wasmIoQueue(await loadWasm('ioqueue'))],
];

const putU32s = (q: IoQueue, at: number, values: number[]) => values.forEach((v, i) => q.view().setUint32(at + i * 4, v, true));
const getU32s = (q: IoQueue, at: number, n: number) => Array.from({ length: n }, (_, i) => q.view().getUint32(at + i * 4, true));
function putReqs(q: IoQueue, at: number, reqs: [flow: number, slot: number, cost: number][]): void {
  const dv = q.view();
  reqs.forEach(([flow, slot, cost], i) => {
    dv.setUint32(at + i * REQ_SIZE + REQ_FLOW, flow, true);
    dv.setUint32(at + i * REQ_SIZE + REQ_SLOT, slot, true);
    dv.setUint32(at + i * REQ_SIZE + REQ_COST, cost, true);
  });
}

describe.each(makers)('ioqueue (%s)', (_name, make) => {
  let q: IoQueue;
  let scratch: number; // room for 1024 requests or slot ids
  beforeEach(async () => {
    q = await make();
    scratch = q.reserve(1024 * REQ_SIZE);
  });

  describe('reserve', () => {
    it('hands out 8-aligned, disjoint ranges above the first page and grows memory', () => {
      const a = q.reserve(5);
      const b = q.reserve(3);
      expect(scratch).toBe(PAGE_SIZE);
      expect([a % 8, b - a]).toEqual([0, 8]);
      const before = q.view();
      const big = q.reserve(3 * PAGE_SIZE);
      expect(before.buffer.byteLength).toBe(0); // grown: the old buffer is detached, as in wasm
      expect(q.view().byteLength).toBeGreaterThanOrEqual(big + 3 * PAGE_SIZE);
      expect(q.view().byteLength).toBe(5 * PAGE_SIZE);
      q.view().setUint32(big + 3 * PAGE_SIZE - 4, 42, true); // the fresh view reaches the new end
      expect(q.reserve(0xfffffff0)).toBe(0); // cannot fit in 4 GiB
      expect(q.reserve(8)).toBe(big + 3 * PAGE_SIZE);
    });
  });

  describe('rings', () => {
    let r: number;
    beforeEach(() => {
      r = q.reserve(q.ringBytes(5));
      q.ringInit(r, 5);
    });

    it('sizes a ring as a 16-byte header plus u32 slots, 8-aligned', () => {
      expect([q.ringBytes(0), q.ringBytes(1), q.ringBytes(2), q.ringBytes(64)]).toEqual([16, 24, 24, 272]);
    });

    it('is FIFO, refuses when full and reports empty', () => {
      expect(q.ringPop(r)).toBe(RING_EMPTY);
      for (let i = 1; i <= 5; i++) expect(q.ringPush(r, i * 10)).toBe(1);
      expect(q.ringPush(r, 99)).toBe(0);
      expect(q.ringCount(r)).toBe(5);
      expect([1, 2, 3, 4, 5].map(() => q.ringPop(r))).toEqual([10, 20, 30, 40, 50]);
      expect(q.ringPop(r)).toBe(RING_EMPTY);
      expect(q.ringCount(r)).toBe(0);
    });

    it('wraps around its storage and keeps order', () => {
      const out: number[] = [];
      for (let round = 0; round < 7; round++) {
        for (let i = 0; i < 3; i++) q.ringPush(r, round * 3 + i);
        out.push(q.ringPop(r), q.ringPop(r), q.ringPop(r));
      }
      expect(out).toEqual(Array.from({ length: 21 }, (_, i) => i));
    });

    it('does not touch a neighbouring ring', () => {
      const r2 = q.reserve(q.ringBytes(3));
      q.ringInit(r2, 3);
      for (let i = 0; i < 9; i++) q.ringPush(r, 1000 + i);
      for (let i = 0; i < 9; i++) q.ringPush(r2, 2000 + i);
      expect([q.ringCount(r), q.ringCount(r2)]).toEqual([5, 3]);
      expect([q.ringPop(r), q.ringPop(r2)]).toEqual([1000, 2000]);
    });

    it('moves many values per call, split across the wrap point', () => {
      q.ringPush(r, 1);
      q.ringPush(r, 2);
      q.ringPush(r, 3);
      expect([q.ringPop(r), q.ringPop(r)]).toEqual([1, 2]); // head at 2, one queued
      putU32s(q, scratch, [4, 5, 6, 7, 8, 9]);
      expect(q.ringPushMany(r, scratch, 6)).toBe(4); // only 4 fit; storage wraps after 5
      expect(q.ringPushMany(r, scratch, 6)).toBe(0);
      expect(q.ringPushMany(r, scratch, -1)).toBe(0);
      expect(q.ringPopMany(r, scratch + 64, 2)).toBe(2);
      expect(q.ringPopMany(r, scratch + 72, 10)).toBe(3);
      expect(getU32s(q, scratch + 64, 5)).toEqual([3, 4, 5, 6, 7]);
      expect(q.ringPopMany(r, scratch + 64, 10)).toBe(0);
      expect(q.ringPop(r)).toBe(RING_EMPTY);
    });
  });

  describe('SFQ scheduler', () => {
    const out = () => scratch + 512 * REQ_SIZE;
    function sched(flows: number, cap: number, shares: number[] = []): number {
      const s = q.reserve(q.schedBytes(flows, cap));
      q.schedInit(s, flows, cap);
      shares.forEach((sh, f) => q.schedSetShares(s, f, sh));
      return s;
    }
    function enqueue(s: number, reqs: [number, number, number][]): number {
      putReqs(q, scratch, reqs);
      return q.schedEnqueue(s, scratch, reqs.length);
    }
    function dispatch(s: number, max: number): number[] {
      return getU32s(q, out(), q.schedDispatch(s, out(), max));
    }
    /** Keeps every flow backlogged and dispatches `total` requests; slot = flow * 1e6 + sequence. */
    function contend(s: number, flows: number, costs: number[], total: number, cap = 64): number[] {
      const sent = new Array(flows).fill(0);
      const served = new Array(flows).fill(0);
      for (let n = 0; n < total; ) {
        for (let f = 0; f < flows; f++) {
          const room = cap - (sent[f] - served[f]);
          const reqs = Array.from({ length: room }, (_, i): [number, number, number] => [f, f * 1e6 + sent[f] + i, costs[f]]);
          expect(enqueue(s, reqs)).toBe(room);
          sent[f] += room;
        }
        for (const slot of dispatch(s, 16)) served[Math.floor(slot / 1e6)]++;
        n += 16;
      }
      return served;
    }

    it('sizes a scheduler as header + flow records + per-flow FIFOs', () => {
      expect(q.schedBytes(4, 64)).toBe(32 + 4 * 24 + 4 * 64 * 16);
      expect(q.schedBytes(MAX_FLOWS + 10, 2)).toBe(q.schedBytes(MAX_FLOWS, 2));
    });

    it('gives 2:1 service to 2:1 shares under contention', () => {
      const served = contend(sched(2, 64, [2, 1]), 2, [1, 1], 30000);
      expect(served[0] / served[1]).toBeGreaterThan(2 * 0.98);
      expect(served[0] / served[1]).toBeLessThan(2 * 1.02);
    });

    it('shares service in proportion to shares across four flows, in cost units', () => {
      const costs = [1, 4, 2, 8];
      const served = contend(sched(4, 64, [1, 2, 3, 4]), 4, costs, 40000);
      const service = served.map((n, f) => (n * costs[f]) / (f + 1)); // service per share
      for (const x of service) expect(Math.abs(x / service[0] - 1)).toBeLessThan(0.02);
    });

    it('does not let an idle flow bank credit', () => {
      const s = sched(2, 64);
      for (let i = 0; i < 1000; i += 50) {
        enqueue(s, Array.from({ length: 50 }, (_, k): [number, number, number] => [0, i + k, 1]));
        expect(dispatch(s, 50)).toHaveLength(50);
      }
      // Flow 1 wakes up after 1000 units of flow 0's service: it shares from now on, no burst.
      const served = contend(s, 2, [1, 1], 200);
      expect(served[1] / (served[0] + served[1])).toBeGreaterThan(0.45);
      expect(served[1] / (served[0] + served[1])).toBeLessThan(0.55);
    });

    it('is FIFO within a flow whatever the costs', () => {
      const s = sched(3, 128);
      const reqs = Array.from({ length: 100 }, (_, i): [number, number, number] => [1, 500 + i, (i * 37) % 11]);
      expect(enqueue(s, reqs)).toBe(100);
      expect(dispatch(s, 1000)).toEqual(reqs.map((r) => r[1]));
      expect(q.schedQueued(s)).toBe(0);
    });

    it('picks the smallest start tag, lowest flow on ties', () => {
      const s = sched(3, 8, [1, 1, 2]);
      // Start tags: flow 2 -> 0, 1; flow 0 -> 0, 4; flow 1 -> 0. Ties at 0 go to the lowest flow.
      enqueue(s, [[2, 20, 2], [2, 21, 2], [0, 1, 4], [0, 2, 4], [1, 10, 1]]);
      expect(dispatch(s, 10)).toEqual([1, 10, 20, 21, 2]);
    });

    it('starts the next busy period at the largest finish tag once drained', () => {
      const s = sched(2, 16);
      enqueue(s, Array.from({ length: 10 }, (_, i): [number, number, number] => [0, i, 1])); // finish 10
      expect(dispatch(s, 16)).toHaveLength(10);
      // Both now start at 10 (v jumped to 10, not to 9, the last start tag): the tie goes to flow 0.
      enqueue(s, [[1, 100, 1], [0, 200, 1]]);
      expect(dispatch(s, 4)).toEqual([200, 100]);
    });

    it('stops enqueueing at the first full or unknown flow and counts what is queued', () => {
      const s = sched(2, 2);
      expect(enqueue(s, [[0, 1, 1], [1, 2, 1], [0, 3, 1], [0, 4, 1], [1, 5, 1]])).toBe(3);
      expect(q.schedQueued(s)).toBe(3);
      expect(enqueue(s, [[1, 5, 1], [2, 6, 1], [1, 7, 1]])).toBe(1);
      expect(q.schedQueued(s)).toBe(4);
      expect(dispatch(s, 3)).toHaveLength(3);
      expect(q.schedQueued(s)).toBe(1);
      expect(dispatch(s, 0)).toEqual([]);
    });

    it('caps flows at MAX_FLOWS and treats shares below 1 as 1', () => {
      const s = sched(MAX_FLOWS + 5, 1, [0]);
      expect(enqueue(s, [[MAX_FLOWS - 1, 1, 1], [MAX_FLOWS, 2, 1]])).toBe(1);
      const t = sched(2, 8, [0, 1]);
      enqueue(t, [[0, 1, 1], [0, 2, 1], [1, 3, 1], [1, 4, 1]]);
      expect(dispatch(t, 4)).toEqual([1, 3, 2, 4]);
    });
  });
});

// ---- parity: random operation sequences on both implementations and on a plain-array model ----

type Op =
  | { op: 'push'; ring: number; value: number }
  | { op: 'pop'; ring: number }
  | { op: 'pushMany'; ring: number; values: number[] }
  | { op: 'popMany'; ring: number; max: number }
  | { op: 'shares'; flow: number; shares: number }
  | { op: 'enqueue'; reqs: [number, number, number][] }
  | { op: 'dispatch'; max: number }
  | { op: 'reserve'; bytes: number };

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const opArb = (flows: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ op: fc.constant('push' as const), ring: fc.nat(1), value: u32 }),
    fc.record({ op: fc.constant('pop' as const), ring: fc.nat(1) }),
    fc.record({ op: fc.constant('pushMany' as const), ring: fc.nat(1), values: fc.array(u32, { maxLength: 24 }) }),
    fc.record({ op: fc.constant('popMany' as const), ring: fc.nat(1), max: fc.integer({ min: -1, max: 24 }) }),
    fc.record({ op: fc.constant('shares' as const), flow: fc.integer({ min: -1, max: flows }), shares: fc.integer({ min: -1, max: 9 }) }),
    fc.record({
      op: fc.constant('enqueue' as const),
      reqs: fc.array(fc.tuple(fc.integer({ min: 0, max: flows }), u32, fc.integer({ min: 0, max: 5000 })), { maxLength: 40 }),
    }),
    fc.record({ op: fc.constant('dispatch' as const), max: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ op: fc.constant('reserve' as const), bytes: fc.oneof(fc.integer({ min: 0, max: 70000 }), fc.constant(0xfffffff8)) }),
  );

/** The same behaviour with JS arrays: rings as arrays, SFQ tags computed the textbook way. */
class Model {
  rings: number[][] = [[], []];
  flows: { shares: number; last: number; queue: { slot: number; start: number }[] }[];
  v = 0;
  maxFinish = 0;
  constructor(readonly caps: number[], flows: number, readonly cap: number) {
    this.flows = Array.from({ length: Math.min(flows, MAX_FLOWS) }, () => ({ shares: 1, last: 0, queue: [] }));
  }
  apply(o: Op): unknown {
    const ring = 'ring' in o ? this.rings[o.ring] : [];
    const cap = 'ring' in o ? this.caps[o.ring] : 0;
    switch (o.op) {
      case 'push': return ring.length < cap ? (ring.push(o.value | 0), 1) : 0;
      case 'pop': return ring.length ? ring.shift() : RING_EMPTY;
      case 'pushMany': {
        const k = Math.min(o.values.length, cap - ring.length);
        ring.push(...o.values.slice(0, k).map((x) => x | 0));
        return [k];
      }
      case 'popMany': return [ring.splice(0, Math.max(o.max, 0)).length];
      case 'shares':
        if (o.flow >= 0 && o.flow < this.flows.length) this.flows[o.flow].shares = Math.max(o.shares, 1);
        return undefined;
      case 'enqueue': {
        let n = 0;
        for (const [flow, slot, cost] of o.reqs) {
          const f = this.flows[flow];
          if (!f || f.queue.length >= this.cap) break;
          const start = Math.max(this.v, f.last);
          f.last = start + cost / f.shares;
          this.maxFinish = Math.max(this.maxFinish, f.last);
          f.queue.push({ slot, start });
          n++;
        }
        return n;
      }
      case 'dispatch': {
        const out: number[] = [];
        while (out.length < o.max && this.flows.some((f) => f.queue.length)) {
          let best = -1;
          this.flows.forEach((f, i) => {
            if (f.queue.length && (best < 0 || f.queue[0].start < this.flows[best].queue[0].start)) best = i;
          });
          const { slot, start } = this.flows[best].queue.shift()!;
          out.push(slot);
          this.v = start;
        }
        if (!this.flows.some((f) => f.queue.length)) this.v = this.maxFinish;
        return out;
      }
      case 'reserve': return undefined; // addresses are compared between the implementations only
    }
  }
}

function applyTo(q: IoQueue, rings: number[], s: number, io: number, o: Op): unknown {
  switch (o.op) {
    case 'push': return q.ringPush(rings[o.ring], o.value);
    case 'pop': return q.ringPop(rings[o.ring]);
    case 'pushMany':
      putU32s(q, io, o.values);
      return [q.ringPushMany(rings[o.ring], io, o.values.length)];
    case 'popMany': return [q.ringPopMany(rings[o.ring], io, o.max)];
    case 'shares': return q.schedSetShares(s, o.flow, o.shares);
    case 'enqueue':
      putReqs(q, io, o.reqs);
      return q.schedEnqueue(s, io, o.reqs.length);
    case 'dispatch': return getU32s(q, io, q.schedDispatch(s, io, o.max));
    case 'reserve': return q.reserve(o.bytes);
  }
}

describe('ioqueue parity', () => {
  it('random operation sequences give identical outputs and identical memory bytes', async () => {
    const module = await WebAssembly.compile(await (await import('node:fs/promises')).readFile(new URL('../../asm/build/ioqueue.wasm', import.meta.url)));
    const setup = fc.record({
      caps: fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 20 })),
      flows: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(MAX_FLOWS + 3)),
      cap: fc.integer({ min: 1, max: 16 }),
    });
    const scenario = setup.chain((st) => fc.record({ st: fc.constant(st), ops: fc.array(opArb(Math.min(st.flows, 9)), { minLength: 20, maxLength: 80 }) }));
    let ops = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ st, ops: seq }) => {
        const qs = [new TsIoQueue(), wasmIoQueue(await WebAssembly.instantiate(module))];
        const model = new Model(st.caps, st.flows, st.cap);
        const outs = qs.map((q) => {
          const io = q.reserve(64 * REQ_SIZE);
          const rings = st.caps.map((c) => q.reserve(q.ringBytes(c)));
          rings.forEach((r, i) => q.ringInit(r, st.caps[i]));
          const s = q.reserve(q.schedBytes(st.flows, st.cap));
          q.schedInit(s, st.flows, st.cap);
          return seq.map((o) => applyTo(q, rings, s, io, o));
        });
        expect(outs[1]).toEqual(outs[0]);
        const modelOut = seq.map((o) => model.apply(o));
        expect(outs[0].map((x, i) => (seq[i].op === 'reserve' ? undefined : x))).toEqual(modelOut);
        const [a, b] = qs.map((q) => new Uint8Array(q.view().buffer, 0, q.view().byteLength));
        expect(a.length).toBe(b.length);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
        ops += seq.length;
      }),
      { seed: 424242, numRuns: 400 },
    );
    expect(ops).toBeGreaterThan(8000);
  });
});
