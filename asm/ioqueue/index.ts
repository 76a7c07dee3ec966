// Ring queues of command-slot ids and a start-time fair queuing (SFQ) scheduler between world
// queues, kept in this module's memory. JS reserves space with `reserve` and passes whole batches
// (requests in, slot ids out) so one JS->wasm crossing serves hundreds of commands.
// The TypeScript twin (src/stack/queue/ring.ts, sfq.ts) writes the very same bytes, from the same
// layout.ts (tests/unit/ioqueue.test.ts compares whole memories).
import {
  REQ_SIZE, REQ_FLOW, REQ_SLOT, REQ_COST, RING_EMPTY, MAX_FLOWS,
  RING_HEAD, RING_COUNT, RING_CAP, RING_DATA,
  SCHED_FLOWS, SCHED_CAP, SCHED_QUEUED, SCHED_VTIME, SCHED_MAX_FINISH, SCHED_HDR,
  FLOW_HEAD, FLOW_COUNT, FLOW_SHARES, FLOW_LAST_FINISH, FLOW_SIZE, ENTRY_SLOT, ENTRY_START, ENTRY_SIZE,
} from './layout';

// ---- ring: header {head u32, count u32, capacity u32, reserved u32}, then capacity u32 slots ----

// ---- scheduler: header, then one record per flow (contiguous, so dispatch scans few cache lines),
// then each flow's FIFO of queued requests (capacityPerFlow entries per flow) ----

const PAGE: usize = 65536;

// ---- bump allocator: JS never frees; the stack reserves its queues once at start-up ----
let top: usize = (__heap_base + PAGE - 1) & ~(PAGE - 1);

/** Reserves `bytes` (8-aligned), growing memory when needed; 0 when memory cannot grow. */
export function reserve(bytes: usize): usize {
  const ptr = top;
  const end = <u64>ptr + ((<u64>bytes + 7) & ~7); // in 64 bits: a huge request must not wrap
  if (end > 0x1_0000_0000) return 0;
  const size = <u64>memory.size() * PAGE;
  if (end > size && memory.grow(<i32>((end - size + PAGE - 1) / PAGE)) < 0) return 0;
  top = <usize>end;
  return ptr;
}

export function ringBytes(capacity: i32): i32 {
  return (RING_DATA + capacity * 4 + 7) & ~7;
}

export function ringInit(ptr: usize, capacity: i32): void {
  store<u32>(ptr, 0, RING_HEAD);
  store<u32>(ptr, 0, RING_COUNT);
  store<u32>(ptr, capacity, RING_CAP);
  store<u32>(ptr, 0, 12);
}

/** 1 when queued, 0 when the ring is full. */
export function ringPush(ptr: usize, value: i32): i32 {
  const count = load<u32>(ptr, RING_COUNT);
  const cap = load<u32>(ptr, RING_CAP);
  if (count >= cap) return 0;
  let tail = load<u32>(ptr, RING_HEAD) + count;
  if (tail >= cap) tail -= cap;
  store<i32>(ptr + RING_DATA + (<usize>tail << 2), value);
  store<u32>(ptr, count + 1, RING_COUNT);
  return 1;
}

/** The oldest value, or RING_EMPTY. */
export function ringPop(ptr: usize): i32 {
  const count = load<u32>(ptr, RING_COUNT);
  if (count == 0) return RING_EMPTY;
  const head = load<u32>(ptr, RING_HEAD);
  const value = load<i32>(ptr + RING_DATA + (<usize>head << 2));
  let next = head + 1;
  if (next == load<u32>(ptr, RING_CAP)) next = 0;
  store<u32>(ptr, next, RING_HEAD);
  store<u32>(ptr, count - 1, RING_COUNT);
  return value;
}

export function ringCount(ptr: usize): i32 {
  return load<i32>(ptr, RING_COUNT);
}

/** Queues up to n u32 values read from `src`; returns how many fit. At most two memory.copy calls. */
export function ringPushMany(ptr: usize, src: usize, n: i32): i32 {
  const count = load<u32>(ptr, RING_COUNT);
  const cap = load<u32>(ptr, RING_CAP);
  const k = n <= 0 ? 0 : min(<u32>n, cap - count);
  if (k == 0) return 0;
  let tail = load<u32>(ptr, RING_HEAD) + count;
  if (tail >= cap) tail -= cap;
  const first = min(k, cap - tail); // up to the end of the storage, the rest wraps to the start
  const data = ptr + RING_DATA;
  memory.copy(data + (<usize>tail << 2), src, <usize>first << 2);
  memory.copy(data, src + (<usize>first << 2), <usize>(k - first) << 2);
  store<u32>(ptr, count + k, RING_COUNT);
  return <i32>k;
}

/** Moves up to max of the oldest values to `dst`; returns how many. */
export function ringPopMany(ptr: usize, dst: usize, max: i32): i32 {
  const count = load<u32>(ptr, RING_COUNT);
  const cap = load<u32>(ptr, RING_CAP);
  const k = max <= 0 ? 0 : min(<u32>max, count);
  if (k == 0) return 0;
  const head = load<u32>(ptr, RING_HEAD);
  const first = min(k, cap - head);
  const data = ptr + RING_DATA;
  memory.copy(dst, data + (<usize>head << 2), <usize>first << 2);
  memory.copy(dst + (<usize>first << 2), data, <usize>(k - first) << 2);
  let next = head + k;
  if (next >= cap) next -= cap;
  store<u32>(ptr, next, RING_HEAD);
  store<u32>(ptr, count - k, RING_COUNT);
  return <i32>k;
}

// ---- SFQ (Goyal, Vin, Cheng 1996): tags in f64 so the TypeScript twin computes the same bits ----

@inline function clampFlows(flows: i32): u32 {
  return <u32>min(max(flows, 0), MAX_FLOWS);
}

export function schedBytes(flows: i32, capacityPerFlow: i32): i32 {
  const n = <i32>clampFlows(flows);
  return SCHED_HDR + n * FLOW_SIZE + n * capacityPerFlow * ENTRY_SIZE;
}

export function schedInit(ptr: usize, flows: i32, capacityPerFlow: i32): void {
  const n = clampFlows(flows);
  store<u32>(ptr, n, SCHED_FLOWS);
  store<u32>(ptr, capacityPerFlow, SCHED_CAP);
  store<u32>(ptr, 0, SCHED_QUEUED);
  store<u32>(ptr, 0, 12);
  store<f64>(ptr, 0, SCHED_VTIME);
  store<f64>(ptr, 0, SCHED_MAX_FINISH);
  for (let f: u32 = 0; f < n; f++) {
    const fl = ptr + SCHED_HDR + <usize>f * FLOW_SIZE;
    store<u32>(fl, 0, FLOW_HEAD);
    store<u32>(fl, 0, FLOW_COUNT);
    store<u32>(fl, 1, FLOW_SHARES);
    store<u32>(fl, 0, 12);
    store<f64>(fl, 0, FLOW_LAST_FINISH);
  }
}

/** Shares below 1 count as 1 (a flow with no shares would never get a finite finish tag). */
export function schedSetShares(ptr: usize, flow: i32, shares: i32): void {
  if (<u32>flow >= load<u32>(ptr, SCHED_FLOWS)) return;
  store<u32>(ptr + SCHED_HDR + <usize>flow * FLOW_SIZE, max(shares, 1), FLOW_SHARES);
}

/** Tags and queues n requests {flow, slot, cost} read from `reqs`; stops at the first one whose flow
 *  is full or out of range. Returns how many were accepted. */
export function schedEnqueue(ptr: usize, reqs: usize, n: i32): i32 {
  const flows = load<u32>(ptr, SCHED_FLOWS);
  const cap = load<u32>(ptr, SCHED_CAP);
  const v = load<f64>(ptr, SCHED_VTIME);
  let maxFinish = load<f64>(ptr, SCHED_MAX_FINISH);
  const entries = ptr + SCHED_HDR + <usize>flows * FLOW_SIZE;
  let i = 0;
  for (; i < n; i++) {
    const req = reqs + <usize>i * REQ_SIZE;
    const flow = load<u32>(req, REQ_FLOW);
    if (flow >= flows) break;
    const fl = ptr + SCHED_HDR + <usize>flow * FLOW_SIZE;
    const count = load<u32>(fl, FLOW_COUNT);
    if (count >= cap) break;
    // An idle flow restarts at v: it cannot bank credit while it had nothing queued.
    const start = max(v, load<f64>(fl, FLOW_LAST_FINISH));
    const finish = start + <f64>load<u32>(req, REQ_COST) / <f64>load<u32>(fl, FLOW_SHARES);
    store<f64>(fl, finish, FLOW_LAST_FINISH);
    if (finish > maxFinish) maxFinish = finish;
    let tail = load<u32>(fl, FLOW_HEAD) + count;
    if (tail >= cap) tail -= cap;
    const e = entries + (<usize>flow * cap + tail) * ENTRY_SIZE;
    store<u32>(e, load<u32>(req, REQ_SLOT), ENTRY_SLOT);
    store<f64>(e, start, ENTRY_START);
    store<u32>(fl, count + 1, FLOW_COUNT);
  }
  store<u32>(ptr, load<u32>(ptr, SCHED_QUEUED) + i, SCHED_QUEUED);
  store<f64>(ptr, maxFinish, SCHED_MAX_FINISH);
  return i;
}

/** Writes up to max slot ids to `out` in SFQ order (smallest start tag; ties: lowest flow, then
 *  FIFO, which a flow's queue gives for free since its start tags never decrease). */
export function schedDispatch(ptr: usize, out: usize, max: i32): i32 {
  const flows = load<u32>(ptr, SCHED_FLOWS);
  const cap = load<u32>(ptr, SCHED_CAP);
  let queued = load<u32>(ptr, SCHED_QUEUED);
  let v = load<f64>(ptr, SCHED_VTIME);
  const recs = ptr + SCHED_HDR;
  const entries = recs + <usize>flows * FLOW_SIZE;
  let k = 0;
  for (; k < max && queued != 0; k++) {
    let best: usize = 0;
    let bestStart = Infinity;
    let bestEntry: usize = 0;
    for (let f: u32 = 0; f < flows; f++) {
      const fl = recs + <usize>f * FLOW_SIZE;
      if (load<u32>(fl, FLOW_COUNT) == 0) continue;
      const e = entries + (<usize>f * cap + load<u32>(fl, FLOW_HEAD)) * ENTRY_SIZE;
      const s = load<f64>(e, ENTRY_START);
      if (s < bestStart) { bestStart = s; best = fl; bestEntry = e; }
    }
    store<u32>(out + (<usize>k << 2), load<u32>(bestEntry, ENTRY_SLOT));
    let head = load<u32>(best, FLOW_HEAD) + 1;
    if (head == cap) head = 0;
    store<u32>(best, head, FLOW_HEAD);
    store<u32>(best, load<u32>(best, FLOW_COUNT) - 1, FLOW_COUNT);
    v = bestStart;
    queued--;
  }
  // Drained: the next busy period starts after everything handed out so far.
  if (queued == 0) v = load<f64>(ptr, SCHED_MAX_FINISH);
  store<u32>(ptr, queued, SCHED_QUEUED);
  store<f64>(ptr, v, SCHED_VTIME);
  return k;
}

export function schedQueued(ptr: usize): i32 {
  return load<i32>(ptr, SCHED_QUEUED);
}
