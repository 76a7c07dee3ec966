// fio-like workloads in virtual time: one job drives one device from one world (a VM disk or a lab
// world) with a fixed number of in-flight slots (iodepth), each slot one pooled IoRequest reused for
// every command. Nothing per command allocates: no promise, no closure, no array growth.
//
// What a job does:
// - rw: read, write, rw (sequential mixed), randread, randwrite, randrw (mix by rwmixread percent);
//   offsets are aligned to bs inside [0, size). Random offsets are drawn with repeats (fio's
//   norandommap), from SeededRandom(seed).fork(job, device, world): same seed, same offsets.
// - End: at runtime (virtual µs; no new command is started at or after start + runtime) and/or
//   after `ios` commands; with neither, after size/bs commands (one pass, fio's size-based end).
//   The job finishes when the end is reached and every in-flight command is back (onFinished).
// - Errors: a command that fails back to the issuer (io.failed: PDL, APD timeout, retries
//   exhausted) is counted as an error and the job goes on (fio's continue_on_error=all); the slot
//   waits FAIL_BACKOFF_US of virtual time before its next command, so a device that fails commands
//   at once (PDL) does not spin at one instant. Failed commands are not in the latency statistics.
// - Limits: rate_iops paces the job's own submissions (fio's rate_iops: the wait is before submit,
//   not in clat). The VM's IOPS limit (host.vms[].iopsLimit, -1 none, read live) is one pacer per
//   VM shared by all jobs of the VM; its wait is inside the hypervisor, so it IS in clat and in the
//   VM's KAVG/QAVG (not in the device's, the command reaches the device queue after the wait).
//   Both pacers are GCRA token buckets without burst: at most one command per 1/rate.
// - Shares: when it starts, the job sets its world's shares in the device's SFQ scheduler (the
//   VM's shares, or options.shares, default 1000), so a lab world gets its shares too.
// - Verify: every write stamps every block it carries (16-byte header: LBA as u64, write sequence
//   number, a check word; the rest a window of a fixed pseudo-random table in the arena, at an
//   offset from a hash of LBA and sequence: one native copy per block). The expected
//   stamp of each block is kept per host and device (all jobs of the host share it, so a job can
//   verify another job's writes): the sequence number of the last ACKNOWLEDGED write, 0 = never
//   written (must read as zeros), UNKNOWN after a failed write (not checked until rewritten). With
//   verify on, every successful read is checked block by block; a write-only job reads back every
//   unit it wrote after its writes. A failed read is an I/O error, not a verify failure.
//   No command is issued overlapping a block with a write in flight, and no write overlapping a
//   block with any command in flight (from any job of the host): a random pick probes the next
//   units, a sequential one waits; so a read never races a write and verify has no false positive.
//   Caveat: writes made outside workloads (sg, another host session's IndexedDB data) are failures.
// - Files: a job on a VMFS file (options.baseLba) works on the file's extent, offsets relative to it;
//   its open hook (the file's on-disk lock) runs before the first command, its close hook at the end.
// - Latency: submit to completion per command, in a fio-style log-linear histogram (64 linear
//   buckets per power of two, in ns), plus min/max/sum/sum of squares.

import type { Host, Vm } from '../host';
import type { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import type { TimerTarget } from './clock';
import { DirectionStats } from './latency-log';
import { SeededRandom } from './random';
import { checkOptions, MAX_IODEPTH, type RwMode, type WorkloadOptions } from './workload-options';
import {
  blockMatches, deviceTrack, Pacer, patternWord, stampBlock, state, UNKNOWN, vmCounters,
  type DeviceTrack, type VmIoCounters,
} from './workload-host';

/** Virtual time a slot waits after a failed command, and before retrying a blocked pick. */
export const FAIL_BACKOFF_US = 1000;
export const BLOCKED_RETRY_US = 50;
/** Units a random pick probes past a busy one before the slot waits. */
const RANDOM_PROBES = 256;

// ---- the job ----

export interface VerifyFailure {
  lba: number;
  expectedSeq: number;
  /** Sequence number found in the block's header (meaningful if the header's LBA matched). */
  foundSeq: number;
  foundLba: number;
}

type Phase = 'idle' | 'opening' | 'running' | 'readback' | 'finished';

const SLOT_IDLE = 0;
const SLOT_WAITING = 1;
const SLOT_IN_FLIGHT = 2;
const SLOT_RETIRED = 3;

const K_ISSUE = 0;
const K_NEXT = 1;

export class Workload implements TimerTarget {
  readonly name: string;
  readonly device: LogicalDevice;
  readonly world: string;
  readonly vm: Vm | undefined;
  readonly rw: RwMode;
  readonly bs: number;
  readonly iodepth: number;
  readonly size: number;
  readonly runtimeUs: number | undefined;
  /** Commands the main phase issues at most (Infinity when only time ends it). */
  readonly totalIos: number;
  readonly rwmixread: number;
  readonly rateIops: number | undefined;
  readonly verify: boolean;
  readonly seed: number;
  readonly shares: number;
  /** The vVol's secondary id when the device is its protocol endpoint (0: the device itself). */
  readonly secondaryId: number;
  /** LBA of the region's first block (a file's extent); offsets and stamps are relative to it. */
  readonly baseLba: number;
  /** Why the job could not open its target (a file locked by another host), if it could not. */
  openError: string | undefined;

  readonly read = new DirectionStats();
  readonly write = new DirectionStats();
  verifyChecked = 0;
  verifyFailed = 0;
  firstFailure: VerifyFailure | undefined;
  startedAt = 0;
  finishedAt = 0;
  onFinished: ((job: Workload) => void) | undefined;

  private phase: Phase = 'idle';
  private stopRequested = false;
  private readonly units: number;
  private readonly blocksPerIo: number;
  private readonly wordsPerBlock: number;
  private readonly random: boolean;
  private readonly mixed: boolean;
  private readonly writeOnly: boolean;
  private readonly rng: SeededRandom;
  private readonly jobPacer = new Pacer();
  private readonly track: DeviceTrack;
  /** Units written by this job, for the read-back pass of a write-only verify job. */
  private readonly written: Uint8Array | undefined;
  private readonly counters: VmIoCounters | undefined;
  private reqs: IoRequest[] = [];
  private readonly slotState: Uint8Array;
  private readonly slotGen: Uint32Array;
  private readonly slotQueued: Uint8Array;
  private readonly guestAt: Float64Array;
  /** The write sequence number a slot's in-flight write carries. */
  private readonly slotSeq: Uint32Array;
  private endAt = Infinity;
  private readonly open: WorkloadOptions['open'];
  private readonly close: WorkloadOptions['close'];
  private opened = false;
  private claimed = 0;
  private cursor = 0;
  private activeSlots = 0;
  private inFlightCount = 0;
  private u32: Uint32Array | undefined;
  /** Word index of the host's stamp pattern table in the arena. */
  private readonly pattern: number;

  constructor(
    readonly host: Host,
    options: WorkloadOptions,
  ) {
    const o = checkOptions(host, options);
    const device = options.device;
    this.device = device;
    this.world = options.world;
    this.name = o.name;
    this.vm = o.vm;
    this.rw = o.rw;
    this.bs = o.bs;
    this.iodepth = o.iodepth;
    this.units = o.units;
    this.size = o.size;
    this.blocksPerIo = o.blocksPerIo;
    const blocks = o.units * o.blocksPerIo;
    this.wordsPerBlock = device.blockSize >>> 2;
    this.runtimeUs = o.runtimeUs;
    this.totalIos = o.totalIos;
    this.rwmixread = o.rwmixread;
    this.rateIops = o.rateIops;
    this.verify = o.verify;
    this.seed = o.seed;
    this.shares = o.shares;
    this.random = this.rw.startsWith('rand');
    this.mixed = this.rw === 'rw' || this.rw === 'randrw';
    this.writeOnly = this.rw === 'write' || this.rw === 'randwrite';
    this.rng = new SeededRandom(this.seed).fork(`workload|${this.name}|${device.id}|${this.world}`);
    this.secondaryId = options.secondaryId ?? 0;
    this.baseLba = options.baseLba ?? 0;
    this.open = options.open;
    this.close = options.close;
    this.track = deviceTrack(host, device, blocks, options.trackKey);
    this.pattern = patternWord(host);
    this.written = this.verify && this.writeOnly ? new Uint8Array(this.units) : undefined;
    this.counters = this.vm ? vmCounters(host, this.vm.name) : undefined;
    this.slotState = new Uint8Array(this.iodepth);
    this.slotGen = new Uint32Array(this.iodepth);
    this.slotQueued = new Uint8Array(this.iodepth);
    this.guestAt = new Float64Array(this.iodepth);
    this.slotSeq = new Uint32Array(this.iodepth);
  }

  get isRunning(): boolean {
    return this.phase === 'running' || this.phase === 'readback';
  }

  get isFinished(): boolean {
    return this.phase === 'finished';
  }

  /** 'running' (main phase), 'readback' (verify pass of a write-only job), 'idle', 'finished'. */
  get currentPhase(): Phase {
    return this.phase;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Virtual µs from start to finish (or to now while running). */
  get elapsedUs(): number {
    if (this.phase === 'idle') return 0;
    return (this.phase === 'finished' ? this.finishedAt : this.host.clock.now) - this.startedAt;
  }

  start(): void {
    if (this.phase !== 'idle') throw new Error(`job ${this.name} has already started`);
    const host = this.host;
    const s = state(host);
    this.phase = 'running';
    this.startedAt = host.clock.now;
    if (this.runtimeUs !== undefined) this.endAt = this.startedAt + this.runtimeUs;
    const device = this.device;
    host.psa.engines.ioqueue.schedSetShares(device.scheduler, device.flowOf(this.world), this.shares);
    device.openCount++;
    s.running.add(this);
    const free = s.pool.get(this.bs) ?? [];
    for (let i = 0; i < this.iodepth; i++) {
      const io = free.pop() ?? host.psa.io.newRequest(this.bs);
      const slot = i;
      io.done = () => this.completed(slot);
      this.reqs.push(io);
    }
    if (!this.open) return this.startSlots();
    this.phase = 'opening';
    this.open((error) => {
      if (error !== undefined) {
        this.openError = error;
        return this.finish();
      }
      this.opened = true;
      if (this.stopRequested) return this.finish();
      // The job's time starts once its target is open, as fio's does after the file opens.
      this.phase = 'running';
      this.startedAt = host.clock.now;
      if (this.runtimeUs !== undefined) this.endAt = this.startedAt + this.runtimeUs;
      this.startSlots();
    });
  }

  /** Stops starting commands; the job finishes when those in flight are back. No read-back pass. */
  stop(): void {
    if (this.phase === 'idle') {
      this.phase = 'finished';
      return;
    }
    if (this.phase === 'finished') return;
    this.stopRequested = true;
    if (this.phase === 'opening') return; // ends once the open has answered
    for (let s = 0; s < this.iodepth; s++) {
      if (this.slotState[s] === SLOT_WAITING) {
        this.unqueue(s);
        this.retire(s);
      }
    }
  }

  onTimer(arg: number): void {
    const kind = arg % 2;
    const s = Math.floor(arg / 2) % MAX_IODEPTH;
    const gen = Math.floor(arg / 2 / MAX_IODEPTH);
    if (gen !== this.slotGen[s] || this.slotState[s] !== SLOT_WAITING) return; // stale (stopped)
    if (kind === K_NEXT) {
      this.slotState[s] = SLOT_IDLE;
      this.next(s);
    } else {
      this.unqueue(s);
      this.issue(s);
    }
  }

  /** Parks slot s until `at`; `queued`: it waits inside the hypervisor (the VM's QUED). */
  private wait(s: number, at: number, kind: number, queued = false): void {
    if (queued && this.counters) this.counters.queued++;
    this.slotQueued[s] = queued ? 1 : 0;
    this.slotState[s] = SLOT_WAITING;
    this.slotGen[s] = (this.slotGen[s] + 1) % 0x100000;
    this.host.clock.at(at, this, (this.slotGen[s] * MAX_IODEPTH + s) * 2 + kind);
  }

  private unqueue(s: number): void {
    if (this.slotQueued[s] && this.counters) this.counters.queued--;
    this.slotQueued[s] = 0;
  }

  private startSlots(): void {
    this.activeSlots = this.iodepth;
    for (let s = 0; s < this.iodepth; s++) this.slotState[s] = SLOT_IDLE;
    for (let s = 0; s < this.iodepth; s++) if (this.slotState[s] === SLOT_IDLE) this.next(s);
  }

  private retire(s: number): void {
    this.slotState[s] = SLOT_RETIRED;
    if (--this.activeSlots === 0) this.phaseDone();
  }

  /** A free slot: pace it and start its next command, or retire it. */
  private next(s: number): void {
    const now = this.host.clock.now;
    if (this.stopRequested) return this.retire(s);
    if (this.phase === 'running') {
      if (this.claimed >= this.totalIos || now >= this.endAt) return this.retire(s);
    } else if (!this.nextWrittenUnit(false)) {
      return this.retire(s);
    }
    let t = now;
    const rate = this.phase === 'running' ? this.rateIops : undefined;
    if (rate !== undefined) t = this.jobPacer.when(t);
    const guest = t;
    const limit = this.vm?.iopsLimit ?? -1;
    let pacer: Pacer | undefined;
    if (limit > 0) {
      const pacers = state(this.host).vmPacers;
      pacer = pacers.get(this.vm!.name);
      if (!pacer) pacers.set(this.vm!.name, (pacer = new Pacer()));
      t = pacer.when(t);
    }
    if (this.phase === 'running' && t >= this.endAt) return this.retire(s);
    if (rate !== undefined) this.jobPacer.take(guest, rate);
    if (pacer) pacer.take(t, limit);
    this.claimed++;
    this.guestAt[s] = guest;
    if (t > now) {
      // Waiting for the job's pacer is fio's (before submit); for the VM's, the hypervisor's.
      this.wait(s, t, K_ISSUE, t > guest);
      return;
    }
    this.issue(s);
  }

  /** In the read-back pass: the next unit this job wrote, from the cursor; advances if `take`. */
  private nextWrittenUnit(take: boolean): boolean {
    const w = this.written!;
    let u = this.cursor;
    while (u < this.units && w[u] === 0) u++;
    if (take) this.cursor = u + 1;
    else this.cursor = u;
    return u < this.units;
  }

  private isFree(unit: number, write: boolean): boolean {
    const busy = this.track.busy;
    const first = unit * this.blocksPerIo;
    for (let b = first; b < first + this.blocksPerIo; b++) {
      const v = busy[b];
      if (v < 0 || (write && v !== 0)) return false;
    }
    return true;
  }

  /** Picks op and unit and submits; a slot whose pick is blocked waits and tries again. */
  private issue(s: number): void {
    const now = this.host.clock.now;
    if (this.stopRequested || (this.phase === 'running' && now >= this.endAt)) return this.retire(s);
    let write: boolean;
    let unit: number;
    if (this.phase === 'readback') {
      write = false;
      if (!this.nextWrittenUnit(false)) return this.retire(s);
      unit = this.cursor;
      if (!this.isFree(unit, false)) return this.blocked(s);
      this.cursor++;
    } else {
      write = this.mixed ? this.rng.next() * 100 >= this.rwmixread : this.rw === 'write' || this.rw === 'randwrite';
      if (this.random) {
        unit = Math.floor(this.rng.next() * this.units);
        const probes = Math.min(this.units, RANDOM_PROBES);
        let k = 0;
        while (k < probes && !this.isFree(unit, write)) {
          unit = unit + 1 === this.units ? 0 : unit + 1;
          k++;
        }
        if (k === probes) return this.blocked(s);
      } else {
        unit = this.cursor;
        if (!this.isFree(unit, write)) return this.blocked(s);
        this.cursor = unit + 1 === this.units ? 0 : unit + 1;
      }
    }
    const io = this.reqs[s];
    const device = this.device;
    const first = unit * this.blocksPerIo;
    const busy = this.track.busy;
    for (let b = first; b < first + this.blocksPerIo; b++) busy[b] = write ? -1 : busy[b] + 1;
    const psaIo = this.host.psa.io;
    psaIo.prepareReadWrite(io, write ? 'write' : 'read', this.baseLba + first, this.blocksPerIo, device.blockSize);
    io.secondaryId = this.secondaryId; // pooled requests: every command says where it goes
    if (write) {
      const seq = this.track.nextSeq;
      this.track.nextSeq = seq + 1 >= UNKNOWN ? 1 : seq + 1;
      this.slotSeq[s] = seq;
      const u32 = this.words();
      let w = io.buffer >>> 2;
      const lba = this.baseLba + first;
      for (let b = 0; b < this.blocksPerIo; b++, w += this.wordsPerBlock) stampBlock(u32, w, this.wordsPerBlock, lba + b, seq, this.pattern);
    }
    this.slotState[s] = SLOT_IN_FLIGHT;
    this.inFlightCount++;
    if (this.counters) this.counters.active++;
    try {
      psaIo.submit(io, device, this.world);
    } catch {
      // The world's scheduler queue is full (more than 1024 commands of one world queued).
      if (this.slotState[s] === SLOT_IN_FLIGHT) {
        io.failed = true;
        this.completed(s);
      }
    }
  }

  /** The pick is blocked by commands in flight on its blocks: the slot tries again a little later. */
  private blocked(s: number): void {
    this.wait(s, this.host.clock.now + BLOCKED_RETRY_US, K_ISSUE, true);
  }

  /** Arena words, re-derived when the memory grew (the old buffer is detached). */
  private words(): Uint32Array {
    const u8 = this.host.arena.u8;
    if (this.u32 === undefined || this.u32.buffer !== u8.buffer || this.u32.length === 0) {
      this.u32 = new Uint32Array(u8.buffer, u8.byteOffset, u8.byteLength >>> 2);
    }
    return this.u32;
  }

  private completed(s: number): void {
    const io = this.reqs[s];
    const now = this.host.clock.now;
    const write = io.op === 'write';
    const first = io.lba - this.baseLba;
    const n = io.blocks;
    const track = this.track;
    const busy = track.busy;
    for (let b = first; b < first + n; b++) busy[b] = write ? 0 : busy[b] - 1;
    this.inFlightCount--;
    const c = this.counters;
    if (c) c.active--;
    const stats = write ? this.write : this.read;
    if (io.failed) {
      stats.errors++;
      if (c) c.failed++;
      if (write) for (let b = first; b < first + n; b++) track.seq[b] = UNKNOWN;
      this.slotState[s] = SLOT_IDLE;
      this.wait(s, now + FAIL_BACKOFF_US, K_NEXT);
      return;
    }
    const latency = now - this.guestAt[s];
    stats.ios++;
    stats.bytes += io.bytes;
    stats.lat.add(latency);
    if (c) {
      c.complete(!write, write, io.bytes, now - io.issuedAt, io.issuedAt - this.guestAt[s], io.dispatchedAt - this.guestAt[s]);
      if (write) c.writeUs += latency;
      else c.readUs += latency;
    }
    if (write) {
      const seq = this.slotSeq[s];
      for (let b = first; b < first + n; b++) track.seq[b] = seq;
      if (this.written) this.written[first / this.blocksPerIo] = 1;
    } else if (this.verify) {
      this.check(io);
    }
    this.slotState[s] = SLOT_IDLE;
    this.next(s);
  }

  private check(io: IoRequest): void {
    const u32 = this.words();
    const seqs = this.track.seq;
    const words = this.wordsPerBlock;
    let w = io.buffer >>> 2;
    for (let b = 0; b < io.blocks; b++, w += words) {
      const lba = io.lba + b;
      const expected = seqs[lba - this.baseLba];
      if (expected === UNKNOWN) continue;
      this.verifyChecked++;
      if (blockMatches(u32, w, words, lba, expected, this.pattern)) continue;
      this.verifyFailed++;
      this.firstFailure ??= { lba, expectedSeq: expected, foundSeq: u32[w + 2], foundLba: u32[w] + u32[w + 1] * 4294967296 };
    }
  }

  private phaseDone(): void {
    if (this.phase === 'running' && this.written && !this.stopRequested) {
      this.phase = 'readback';
      this.cursor = 0;
      if (this.nextWrittenUnit(false)) return this.startSlots();
    }
    this.finish();
  }

  private finish(): void {
    const s = state(this.host);
    this.phase = 'finished';
    this.finishedAt = this.host.clock.now;
    if (this.opened) this.close?.();
    this.device.openCount = Math.max(0, this.device.openCount - 1);
    s.running.delete(this);
    let free = s.pool.get(this.bs);
    if (!free) s.pool.set(this.bs, (free = []));
    for (const io of this.reqs) {
      io.done = () => {};
      free.push(io);
    }
    this.reqs = [];
    this.onFinished?.(this);
  }
}
