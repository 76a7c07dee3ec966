/// <reference lib="es2024.arraybuffer" />
// Device and adapter queues (rings of command-slot ids) and the shares scheduler between VMs.
// Two implementations behind one interface: the AssemblyScript module (asm/ioqueue) and this
// TypeScript twin (ring.ts, sfq.ts), its readable reference and the fallback without WebAssembly.
// Both keep their state in their own memory with the same byte layout, so tests compare memories.
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

export class TsIoQueue implements IoQueue {
  readonly kind = 'typescript';
  private readonly memory: ArrayBuffer;
  private readonly dv: DataView; // tracks the resizable buffer's length across growth
  // Like the wasm module: its first page is static data, reservations start above it.
  private top = PAGE_SIZE;

  constructor(initialPages = 2, maxPages = 65536) {
    this.memory = new ArrayBuffer(initialPages * PAGE_SIZE, { maxByteLength: maxPages * PAGE_SIZE });
    this.dv = new DataView(this.memory);
  }

  reserve(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil((bytes >>> 0) / 8) * 8;
    if (end > 2 ** 32) return 0;
    if (end > this.memory.byteLength) {
      const pages = Math.ceil(end / PAGE_SIZE);
      if (pages * PAGE_SIZE > this.memory.maxByteLength) return 0;
      this.memory.resize(pages * PAGE_SIZE);
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
