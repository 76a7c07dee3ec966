// What a fio-like job may be asked to do, and the checks that turn a request (from `fio ...` in
// the console or from a lesson) into settings a Workload can trust, with a message naming the
// option when it cannot.

import type { Host, Vm } from '../host';
import type { LogicalDevice } from '../psa/device';
import { MAX_BLOCK_WORDS } from './workload-host';

export type RwMode = 'read' | 'write' | 'rw' | 'randread' | 'randwrite' | 'randrw';
export const RW_MODES: readonly RwMode[] = ['read', 'write', 'rw', 'randread', 'randwrite', 'randrw'];

export const MAX_IODEPTH = 1024;
/**
 * Default size when none is given: the whole device, capped at this. Written data lives in the
 * host's memory (memory store) or IndexedDB, so the default region is kept modest.
 */
export const DEFAULT_SIZE_CAP = 256 * 1024 ** 2;
/** Blocks of expected stamps a job may track (6 bytes each): 8 GiB of 512-byte blocks. */
export const MAX_TRACKED_BLOCKS = 2 ** 24;
/** Largest transfer the arrays take (MAXIMUM TRANSFER LENGTH in the Block Limits VPD). */
export const MAX_BS = 8 * 1024 * 1024;

export interface WorkloadOptions {
  /** Job name (fio's --name); default the world. */
  name?: string;
  device: LogicalDevice;
  /** The issuing world: a VM disk's world ("web01:0") or a lab world. */
  world: string;
  /** VM whose IOPS limit, shares and counters apply; default the VM named by the world's prefix. */
  vm?: string;
  rw: RwMode;
  /** Bytes per command; a multiple of the device's block size. */
  bs: number;
  iodepth: number;
  /** Bytes of the device used, from offset 0; default the whole device capped at 256 MiB. */
  size?: number;
  /** Virtual µs. */
  runtimeUs?: number;
  /** Commands to issue (fio's number_ios). */
  ios?: number;
  /** Percent of reads in rw and randrw (default 50). */
  rwmixread?: number;
  /** The job's own IOPS cap (fio's rate_iops). */
  rateIops?: number;
  verify?: boolean;
  /** Seed of the offsets and the read/write mix; default the host's seed. */
  seed?: number;
  /** Shares of the world in the device scheduler; default the VM's, else 1000. */
  shares?: number;
  /** A vVol behind `device` (a protocol endpoint): its secondary id, carried by every command. */
  secondaryId?: number;
  /** The target's capacity when it is not the device's own (a vVol's size). */
  capacityBytes?: number;
  /** Key of the target's verify stamps when it is not the device (a vVol). */
  trackKey?: string;
  /** LBA of the region's first block (a file's extent on a VMFS volume); default 0. */
  baseLba?: number;
  /** Opens the target before the first command (a file's on-disk lock): `ready()` starts the job,
   * `ready(message)` ends it unstarted with that error. */
  open?: (ready: (error?: string) => void) => void;
  /** Called when a job whose open succeeded ends (releases the file's lock). */
  close?: () => void;
}

/** The settings of a job, checked and with their defaults filled in. */
export interface CheckedOptions {
  name: string;
  vm: Vm | undefined;
  rw: RwMode;
  bs: number;
  iodepth: number;
  /** Whole units of bs in the region, and the region's size in bytes. */
  units: number;
  size: number;
  blocksPerIo: number;
  runtimeUs: number | undefined;
  /** Commands the main phase issues at most (Infinity when only time ends it). */
  totalIos: number;
  rwmixread: number;
  rateIops: number | undefined;
  verify: boolean;
  seed: number;
  shares: number;
}

/** Checks a job's options against the host and device; throws an Error naming the bad option. */
export function checkOptions(host: Host, options: WorkloadOptions): CheckedOptions {
  const device = options.device;
  const vm = host.vm(options.vm ?? options.world.split(':')[0]);
  if (options.vm !== undefined && !vm) throw new Error(`no VM named ${options.vm}`);
  if (!RW_MODES.includes(options.rw)) throw new Error(`rw: unknown mode ${options.rw}`);
  const bsz = device.blockSize;
  if (!Number.isInteger(options.bs) || options.bs <= 0 || options.bs % bsz !== 0) {
    throw new Error(`bs: ${options.bs} is not a multiple of the device's ${bsz}-byte blocks`);
  }
  if (options.bs > MAX_BS) throw new Error(`bs: ${options.bs} is larger than the arrays' ${MAX_BS}-byte maximum transfer`);
  const bs = options.bs;
  if (!Number.isInteger(options.iodepth) || options.iodepth < 1 || options.iodepth > MAX_IODEPTH) {
    throw new Error(`iodepth: ${options.iodepth} is not in 1..${MAX_IODEPTH}`);
  }
  const capacity = options.capacityBytes ?? device.capacityBytes;
  const size = options.size ?? Math.min(capacity, DEFAULT_SIZE_CAP);
  if (!(size > 0) || size > capacity) throw new Error(`size: ${size} is not in 1..${capacity} (the device's capacity)`);
  const units = Math.floor(size / bs);
  if (units < 1) throw new Error(`size: ${size} is smaller than bs ${bs}`);
  const blocksPerIo = bs / bsz;
  if (units * blocksPerIo > MAX_TRACKED_BLOCKS) throw new Error(`size: ${size} is more than the lab tracks (${MAX_TRACKED_BLOCKS * bsz} bytes on this device)`);
  if (bsz >>> 2 > MAX_BLOCK_WORDS) throw new Error(`blocks of ${bsz} bytes are larger than verify handles`);
  if (options.runtimeUs !== undefined && !(options.runtimeUs > 0)) throw new Error(`runtime: ${options.runtimeUs} must be positive`);
  if (options.ios !== undefined && !(Number.isInteger(options.ios) && options.ios > 0)) throw new Error(`ios: ${options.ios} must be a positive integer`);
  const mix = options.rwmixread ?? 50;
  if (!(mix >= 0 && mix <= 100)) throw new Error(`rwmixread: ${mix} is not in 0..100`);
  if (options.rateIops !== undefined && !(options.rateIops > 0)) throw new Error(`rate_iops: ${options.rateIops} must be positive`);
  return {
    name: options.name ?? options.world,
    vm,
    rw: options.rw,
    bs,
    iodepth: options.iodepth,
    units,
    size: units * bs,
    blocksPerIo,
    runtimeUs: options.runtimeUs,
    totalIos: options.ios ?? (options.runtimeUs !== undefined ? Infinity : units),
    rwmixread: mix,
    rateIops: options.rateIops,
    verify: options.verify ?? false,
    seed: options.seed ?? host.seed,
    shares: options.shares ?? vm?.shares ?? 1000,
  };
}
