// Start-time fair queuing (Goyal, Vin, Cheng 1996) between world queues: the readable twin of the
// scheduler half of asm/ioqueue, with the same byte layout.
//
// Each request gets a start tag S = max(v, lastFinish[flow]) and its flow's finish tag becomes
// F = S + cost / shares. Dispatch picks the smallest start tag (ties: lowest flow, then FIFO) and
// sets v to it; when everything has drained, v jumps to the largest finish tag handed out. So a flow
// with twice the shares gets twice the service while both are backlogged, and a flow that sat idle
// restarts at v instead of cashing in the time it did not use. Tags are f64 in both implementations,
// so their results are bit-identical.
import {
  REQ_SIZE, REQ_FLOW, REQ_SLOT, REQ_COST, MAX_FLOWS,
  SCHED_FLOWS, SCHED_CAP, SCHED_QUEUED, SCHED_RESERVED, SCHED_VTIME, SCHED_MAX_FINISH, SCHED_HDR,
  FLOW_HEAD, FLOW_COUNT, FLOW_SHARES, FLOW_RESERVED, FLOW_LAST_FINISH, FLOW_SIZE, ENTRY_SLOT, ENTRY_START, ENTRY_SIZE,
} from '../../../asm/ioqueue/layout';

// Header, then one record per flow, then each flow's FIFO of capacityPerFlow entries.

const clampFlows = (flows: number) => Math.min(Math.max(flows, 0), MAX_FLOWS);
const flowRecord = (ptr: number, flow: number) => ptr + SCHED_HDR + flow * FLOW_SIZE;

function entry(dv: DataView, ptr: number, flow: number, index: number): number {
  const flows = dv.getUint32(ptr + SCHED_FLOWS, true);
  const cap = dv.getUint32(ptr + SCHED_CAP, true);
  return ptr + SCHED_HDR + flows * FLOW_SIZE + (flow * cap + index) * ENTRY_SIZE;
}

export function schedBytes(flows: number, capacityPerFlow: number): number {
  const n = clampFlows(flows);
  return SCHED_HDR + n * FLOW_SIZE + n * capacityPerFlow * ENTRY_SIZE;
}

export function schedInit(dv: DataView, ptr: number, flows: number, capacityPerFlow: number): void {
  const n = clampFlows(flows);
  dv.setUint32(ptr + SCHED_FLOWS, n, true);
  dv.setUint32(ptr + SCHED_CAP, capacityPerFlow, true);
  dv.setUint32(ptr + SCHED_QUEUED, 0, true);
  dv.setUint32(ptr + SCHED_RESERVED, 0, true);
  dv.setFloat64(ptr + SCHED_VTIME, 0, true);
  dv.setFloat64(ptr + SCHED_MAX_FINISH, 0, true);
  for (let f = 0; f < n; f++) {
    const fl = flowRecord(ptr, f);
    dv.setUint32(fl + FLOW_HEAD, 0, true);
    dv.setUint32(fl + FLOW_COUNT, 0, true);
    dv.setUint32(fl + FLOW_SHARES, 1, true);
    dv.setUint32(fl + FLOW_RESERVED, 0, true);
    dv.setFloat64(fl + FLOW_LAST_FINISH, 0, true);
  }
}

/** Shares below 1 count as 1 (a flow with no shares would never get a finite finish tag). */
export function schedSetShares(dv: DataView, ptr: number, flow: number, shares: number): void {
  if (flow >>> 0 >= dv.getUint32(ptr + SCHED_FLOWS, true)) return;
  dv.setUint32(flowRecord(ptr, flow) + FLOW_SHARES, Math.max(shares | 0, 1), true); // an i32, as in wasm
}

/** Tags and queues n requests {flow, slot, cost} read from `reqs`; stops at the first one whose flow
 *  is full or out of range. Returns how many were accepted. */
export function schedEnqueue(dv: DataView, ptr: number, reqs: number, n: number): number {
  const flows = dv.getUint32(ptr + SCHED_FLOWS, true);
  const cap = dv.getUint32(ptr + SCHED_CAP, true);
  const v = dv.getFloat64(ptr + SCHED_VTIME, true);
  let accepted = 0;
  for (; accepted < n; accepted++) {
    const req = reqs + accepted * REQ_SIZE;
    const flow = dv.getUint32(req + REQ_FLOW, true);
    if (flow >= flows) break;
    const fl = flowRecord(ptr, flow);
    const count = dv.getUint32(fl + FLOW_COUNT, true);
    if (count >= cap) break;
    const start = Math.max(v, dv.getFloat64(fl + FLOW_LAST_FINISH, true));
    const finish = start + dv.getUint32(req + REQ_COST, true) / dv.getUint32(fl + FLOW_SHARES, true);
    dv.setFloat64(fl + FLOW_LAST_FINISH, finish, true);
    if (finish > dv.getFloat64(ptr + SCHED_MAX_FINISH, true)) dv.setFloat64(ptr + SCHED_MAX_FINISH, finish, true);
    const e = entry(dv, ptr, flow, (dv.getUint32(fl + FLOW_HEAD, true) + count) % cap);
    dv.setUint32(e + ENTRY_SLOT, dv.getUint32(req + REQ_SLOT, true), true);
    dv.setFloat64(e + ENTRY_START, start, true);
    dv.setUint32(fl + FLOW_COUNT, count + 1, true);
  }
  dv.setUint32(ptr + SCHED_QUEUED, dv.getUint32(ptr + SCHED_QUEUED, true) + accepted, true);
  return accepted;
}

/** Writes up to max slot ids to `out` in SFQ order; returns how many. */
export function schedDispatch(dv: DataView, ptr: number, out: number, max: number): number {
  const flows = dv.getUint32(ptr + SCHED_FLOWS, true);
  const cap = dv.getUint32(ptr + SCHED_CAP, true);
  let k = 0;
  for (; k < max && schedQueued(dv, ptr) > 0; k++) {
    // The head of each flow holds its smallest start tag: a flow's tags never decrease.
    let best = -1;
    let bestStart = Infinity;
    for (let f = 0; f < flows; f++) {
      const fl = flowRecord(ptr, f);
      if (dv.getUint32(fl + FLOW_COUNT, true) === 0) continue;
      const start = dv.getFloat64(entry(dv, ptr, f, dv.getUint32(fl + FLOW_HEAD, true)) + ENTRY_START, true);
      if (start < bestStart) {
        bestStart = start;
        best = f;
      }
    }
    const fl = flowRecord(ptr, best);
    const head = dv.getUint32(fl + FLOW_HEAD, true);
    dv.setUint32(out + k * 4, dv.getUint32(entry(dv, ptr, best, head) + ENTRY_SLOT, true), true);
    dv.setUint32(fl + FLOW_HEAD, (head + 1) % cap, true);
    dv.setUint32(fl + FLOW_COUNT, dv.getUint32(fl + FLOW_COUNT, true) - 1, true);
    dv.setUint32(ptr + SCHED_QUEUED, schedQueued(dv, ptr) - 1, true);
    dv.setFloat64(ptr + SCHED_VTIME, bestStart, true);
  }
  // Drained: the next busy period starts after everything handed out so far.
  if (schedQueued(dv, ptr) === 0) dv.setFloat64(ptr + SCHED_VTIME, dv.getFloat64(ptr + SCHED_MAX_FINISH, true), true);
  return k;
}

export function schedQueued(dv: DataView, ptr: number): number {
  return dv.getInt32(ptr + SCHED_QUEUED, true);
}
