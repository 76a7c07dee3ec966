// What all fio-like jobs of one host share: the expected stamp of every block (so a job can verify
// another job's writes), in-flight marks, each VM's IOPS pacer and I/O counters, the pool of
// requests, and the stamp pattern table in the arena.

import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import { IoCounters, type CounterSnapshot } from '../psa/stats';
import type { Workload } from './workload';

/** The stamp header's check word ("PLAB"). */
const MAGIC = 0x504c4142;

/** An expected stamp that is not known (the last write to the block failed): not checked. */
export const UNKNOWN = 0xffffffff;

// ---- per-host state shared by all jobs ----

/** Expected stamps and in-flight marks per block of one device, shared by the host's jobs. */
export interface DeviceTrack {
  /** Sequence number of the last acknowledged write per block; 0 never written, UNKNOWN failed. */
  seq: Uint32Array;
  /** -1: a write in flight; n > 0: n reads in flight. */
  busy: Int16Array;
  nextSeq: number;
}

/** A GCRA pacer without burst: at most one command per 1/rate. */
export class Pacer {
  tat = 0;
  when(t: number): number {
    return Math.max(t, this.tat);
  }
  take(t: number, rate: number): void {
    this.tat = Math.max(this.tat, t) + 1e6 / rate;
  }
}

/** Per-VM counters: esxtop's plus read and write latency sums for LAT/rd and LAT/wr. */
export class VmIoCounters extends IoCounters {
  readUs = 0;
  writeUs = 0;
}

interface HostWorkloads {
  devices: Map<string, DeviceTrack>;
  vmCounters: Map<string, VmIoCounters>;
  vmPacers: Map<string, Pacer>;
  /** Free requests by data capacity: IoPath keeps every request it made, so jobs reuse them. */
  pool: Map<number, IoRequest[]>;
  running: Set<Workload>;
  /** Arena address of the stamp pattern table, -1 until the first job needs it. */
  patternAddr: number;
}

const registry = new WeakMap<Host, HostWorkloads>();

export function state(host: Host): HostWorkloads {
  let s = registry.get(host);
  if (!s) {
    s = { devices: new Map(), vmCounters: new Map(), vmPacers: new Map(), pool: new Map(), running: new Set(), patternAddr: -1 };
    registry.set(host, s);
  }
  return s;
}

/** The I/O counters of a VM (all its disks, all its jobs), created on first use. */
export function vmCounters(host: Host, vm: string): VmIoCounters {
  const s = state(host);
  let c = s.vmCounters.get(vm);
  if (!c) s.vmCounters.set(vm, (c = new VmIoCounters()));
  return c;
}

export interface VmCounterSnapshot extends CounterSnapshot {
  readUs: number;
  writeUs: number;
}

export function vmSnapshot(c: VmIoCounters): VmCounterSnapshot {
  return { ...c.snapshot(), readUs: c.readUs, writeUs: c.writeUs };
}

/** Jobs of the host that have started and not finished. */
export function runningWorkloads(host: Host): Workload[] {
  return [...state(host).running];
}

/** The stamps of a device, or of `key` (a vVol behind the device) when given. */
export function deviceTrack(host: Host, device: LogicalDevice, blocks: number, key = device.id): DeviceTrack {
  const s = state(host);
  let t = s.devices.get(key);
  if (!t) {
    t = { seq: new Uint32Array(blocks), busy: new Int16Array(blocks), nextSeq: 1 };
    s.devices.set(key, t);
  } else if (t.seq.length < blocks) {
    const seq = new Uint32Array(blocks);
    seq.set(t.seq);
    const busy = new Int16Array(blocks);
    busy.set(t.busy);
    t.seq = seq;
    t.busy = busy;
  }
  return t;
}


// ---- block stamps ----

export function stampHash(lba: number, seq: number): number {
  let h = Math.imul((lba >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((seq ^ Math.floor(lba / 4294967296)) + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h;
}

/** Words of the pattern table: a block's body is a window of it at an offset from its stamp hash. */
export const PATTERN_OFFSETS = 4096;
export const MAX_BLOCK_WORDS = 16384;
export const PATTERN_WORDS = PATTERN_OFFSETS + MAX_BLOCK_WORDS;

/** The pattern table in the host's arena (so stamping is one native copyWithin per block). */
export function patternWord(host: Host): number {
  const s = state(host);
  if (s.patternAddr < 0) {
    s.patternAddr = host.arena.alloc(PATTERN_WORDS * 4);
    const u8 = host.arena.u8;
    const u32 = new Uint32Array(u8.buffer, u8.byteOffset + s.patternAddr, PATTERN_WORDS);
    let x = 0x2545f491;
    for (let i = 0; i < PATTERN_WORDS; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      u32[i] = x;
    }
  }
  return s.patternAddr >>> 2;
}

/**
 * Writes the stamp of (lba, seq) into `words` u32 words from word index w: LBA (u64), seq, a check
 * word, then the pattern table from an offset chosen by the hash of both. `pat`: the table's word index.
 */
export function stampBlock(u32: Uint32Array, w: number, words: number, lba: number, seq: number, pat: number): void {
  const h = stampHash(lba, seq);
  u32[w] = lba >>> 0;
  u32[w + 1] = Math.floor(lba / 4294967296);
  u32[w + 2] = seq;
  u32[w + 3] = MAGIC ^ h;
  const from = pat + ((h >>> 0) % PATTERN_OFFSETS);
  u32.copyWithin(w + 4, from, from + words - 4);
}

/** True if the block at word index w holds exactly the stamp of (lba, seq), or zeros for seq 0. */
export function blockMatches(u32: Uint32Array, w: number, words: number, lba: number, seq: number, pat: number): boolean {
  if (seq === 0) {
    for (let i = 0; i < words; i++) if (u32[w + i] !== 0) return false;
    return true;
  }
  const h = stampHash(lba, seq);
  if (u32[w] !== lba >>> 0 || u32[w + 1] !== Math.floor(lba / 4294967296) || u32[w + 2] !== seq || u32[w + 3] !== (MAGIC ^ h) >>> 0) return false;
  const from = pat + ((h >>> 0) % PATTERN_OFFSETS) - 4;
  for (let i = 4; i < words; i++) if (u32[w + i] !== u32[from + i]) return false;
  return true;
}

