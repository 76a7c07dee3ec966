// Device and adapter queues (rings of command-slot ids) and the shares scheduler between VMs.
// Two implementations behind one interface: the AssemblyScript module (asm/ioqueue) and this
// TypeScript twin (ring.ts, sfq.ts), its readable reference and the fallback without WebAssembly.
// Both keep their state in their own memory with the same byte layout, so tests compare memories.
// Slot ids are i32 as far as ringPop is concerned (RING_EMPTY is -1); keep them below 2^31.
import * as ring from './ring';
import * as sfq from './sfq';

export const PAGE_SIZE = 65536;

export interface IoQueue {
  readonly kind: 'wasm' | 'typescript';
  /** 8-aligned space that stays reserved for good (grows memory); 0 when memory cannot grow. */
  reserve(bytes: number): number;
  /** The memory as it is now; re-derive after reserve(), which may grow it. */
  view(): DataView;
  ringBytes(capacity: number): number;
  ringInit(ptr: number, capacity: number): void;
  ringPush(ptr: number, value: number): number;
  ringPop(ptr: number): number;
  ringCount(ptr: number): number;
  ringPushMany(ptr: number, src: number, n: number): number;
  ringPopMany(ptr: number, dst: number, max: number): number;
  schedBytes(flows: number, capacityPerFlow: number): number;
  schedInit(ptr: number, flows: number, capacityPerFlow: number): void;
  schedSetShares(ptr: number, flow: number, shares: number): void;
  schedEnqueue(ptr: number, reqs: number, n: number): number;
  schedDispatch(ptr: number, out: number, max: number): number;
  schedQueued(ptr: number): number;
}

// Memory is a plain ArrayBuffer replaced when it grows, not a resizable one: in V8 11.3 (Node 20)
// and Chrome 156 a DataView over a resizable buffer is not optimised (a get+set pair costs 22 ns
// against 1.4 on a plain buffer in Node, 41 against 2.2 in Chrome, measured here), which made this
// twin 6x slower. Growth copies once (queues are reserved at start-up) and detaches the old buffer,
// as wasm memory.grow does. Starts at 2 pages, like the module.
export class TsIoQueue implements IoQueue {
  readonly kind = 'typescript';
  private dv: DataView;
  // Like the wasm module: its first page is static data, reservations start above it.
  private top = PAGE_SIZE;

  constructor(initialPages = 2, private readonly maxPages = 65536) {
    this.dv = new DataView(new ArrayBuffer(initialPages * PAGE_SIZE));
  }

  reserve(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil((bytes >>> 0) / 8) * 8;
    if (end > 2 ** 32) return 0;
    if (end > this.dv.byteLength) {
      const pages = Math.ceil(end / PAGE_SIZE);
      if (pages > this.maxPages) return 0;
      const old = this.dv.buffer;
      const next = new Uint8Array(pages * PAGE_SIZE);
      next.set(new Uint8Array(old));
      this.dv = new DataView(next.buffer);
      structuredClone(old, { transfer: [old] }); // detach, like wasm memory.grow
    }
    this.top = end;
    return ptr;
  }

  view(): DataView {
    return this.dv;
  }

  ringBytes = ring.ringBytes;
  ringInit(ptr: number, capacity: number): void {
    ring.ringInit(this.dv, ptr, capacity);
  }
  ringPush(ptr: number, value: number): number {
    return ring.ringPush(this.dv, ptr, value);
  }
  ringPop(ptr: number): number {
    return ring.ringPop(this.dv, ptr);
  }
  ringCount(ptr: number): number {
    return ring.ringCount(this.dv, ptr);
  }
  ringPushMany(ptr: number, src: number, n: number): number {
    return ring.ringPushMany(this.dv, ptr, src, n);
  }
  ringPopMany(ptr: number, dst: number, max: number): number {
    return ring.ringPopMany(this.dv, ptr, dst, max);
  }

  schedBytes = sfq.schedBytes;
  schedInit(ptr: number, flows: number, capacityPerFlow: number): void {
    sfq.schedInit(this.dv, ptr, flows, capacityPerFlow);
  }
  schedSetShares(ptr: number, flow: number, shares: number): void {
    sfq.schedSetShares(this.dv, ptr, flow, shares);
  }
  schedEnqueue(ptr: number, reqs: number, n: number): number {
    return sfq.schedEnqueue(this.dv, ptr, reqs, n);
  }
  schedDispatch(ptr: number, out: number, max: number): number {
    return sfq.schedDispatch(this.dv, ptr, out, max);
  }
  schedQueued(ptr: number): number {
    return sfq.schedQueued(this.dv, ptr);
  }
}

type IoQueueExports = Omit<IoQueue, 'kind' | 'view'> & { memory: WebAssembly.Memory };

/** The wasm module behind the same interface; its exports are called directly, no wrapper. */
export function wasmIoQueue(instance: WebAssembly.Instance): IoQueue {
  const ex = instance.exports as unknown as IoQueueExports;
  let dv = new DataView(ex.memory.buffer);
  return {
    kind: 'wasm',
    reserve: (bytes) => ex.reserve(bytes) >>> 0, // addresses past 2 GiB arrive as negative i32
    view: () => (dv.buffer === ex.memory.buffer ? dv : (dv = new DataView(ex.memory.buffer))),
    ringBytes: ex.ringBytes,
    ringInit: ex.ringInit,
    ringPush: ex.ringPush,
    ringPop: ex.ringPop,
    ringCount: ex.ringCount,
    ringPushMany: ex.ringPushMany,
    ringPopMany: ex.ringPopMany,
    schedBytes: ex.schedBytes,
    schedInit: ex.schedInit,
    schedSetShares: ex.schedSetShares,
    schedEnqueue: ex.schedEnqueue,
    schedDispatch: ex.schedDispatch,
    schedQueued: ex.schedQueued,
  };
}
