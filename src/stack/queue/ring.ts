// Bounded FIFO rings of u32 command-slot ids: the readable twin of the ring half of asm/ioqueue.
// Same byte layout as the wasm module, so the two memories can be compared byte for byte.
import { RING_CAP, RING_COUNT, RING_DATA, RING_EMPTY, RING_HEAD, RING_RESERVED } from '../../../asm/ioqueue/layout';

// Header {head u32, count u32, capacity u32, reserved u32}, then capacity u32 values.

export function ringBytes(capacity: number): number {
  return Math.ceil((RING_DATA + capacity * 4) / 8) * 8;
}

export function ringInit(dv: DataView, ptr: number, capacity: number): void {
  dv.setUint32(ptr + RING_HEAD, 0, true);
  dv.setUint32(ptr + RING_COUNT, 0, true);
  dv.setUint32(ptr + RING_CAP, capacity, true);
  dv.setUint32(ptr + RING_RESERVED, 0, true);
}

/** 1 when queued, 0 when the ring is full. */
export function ringPush(dv: DataView, ptr: number, value: number): number {
  const count = dv.getUint32(ptr + RING_COUNT, true);
  const cap = dv.getUint32(ptr + RING_CAP, true);
  if (count >= cap) return 0;
  const tail = (dv.getUint32(ptr + RING_HEAD, true) + count) % cap;
  dv.setUint32(ptr + RING_DATA + tail * 4, value, true);
  dv.setUint32(ptr + RING_COUNT, count + 1, true);
  return 1;
}

/** The oldest value (as the i32 the wasm export returns), or RING_EMPTY. */
export function ringPop(dv: DataView, ptr: number): number {
  const count = dv.getUint32(ptr + RING_COUNT, true);
  if (count === 0) return RING_EMPTY;
  const head = dv.getUint32(ptr + RING_HEAD, true);
  const value = dv.getInt32(ptr + RING_DATA + head * 4, true);
  dv.setUint32(ptr + RING_HEAD, (head + 1) % dv.getUint32(ptr + RING_CAP, true), true);
  dv.setUint32(ptr + RING_COUNT, count - 1, true);
  return value;
}

export function ringCount(dv: DataView, ptr: number): number {
  return dv.getInt32(ptr + RING_COUNT, true);
}

/** Queues up to n u32 values read from `src`; returns how many fit. */
export function ringPushMany(dv: DataView, ptr: number, src: number, n: number): number {
  let k = 0;
  while (k < n && ringPush(dv, ptr, dv.getUint32(src + k * 4, true))) k++;
  return k;
}

/** Moves up to max of the oldest values to `dst`; returns how many. */
export function ringPopMany(dv: DataView, ptr: number, dst: number, max: number): number {
  let k = 0;
  while (k < max && ringCount(dv, ptr) > 0) {
    dv.setInt32(dst + k * 4, ringPop(dv, ptr), true);
    k++;
  }
  return k;
}
