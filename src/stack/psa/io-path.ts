// The framework's half of the I/O path. A command from a world goes to the device's owning plugin
// when the device queue has room (DQLEN, or DSNRO while several worlds compete); otherwise it waits in
// the device's shares scheduler (asm/ioqueue), which releases waiting commands by shares. The plugin
// picks a path and calls issue(); issue() waits for room in the adapter queue (AQLEN), crosses the
// fabric to the array, and the answer comes back after the wire and service time. Timeouts are found by a sweep once per virtual second, so a
// command costs no timer of its own beyond its completion.

import { REQ_COST, REQ_FLOW, REQ_SIZE, REQ_SLOT } from '../../../asm/ioqueue/layout';
import * as C from '../../../asm/cdb/layout';
import { SG_ENTRY_SIZE } from '../../../asm/sgcopy/layout';
import { conglomerateLun } from '../arrays/vvol-conglomerate';
import type { HostAdapter } from '../fabric/adapter';
import { setSingleSegment } from '../memory/sgl';
import { HostStatus } from '../scsi/status';
import type { TimerTarget } from '../sim/clock';
import type { LogicalDevice } from './device';
import { IoRequest, TIMER_COMPLETE, TIMER_FAIL, TIMER_RESEND, TIMER_TIMEOUT, type IoTimerHandler } from './io-request';
import type { PathImpl } from './path';
import type { Psa } from './psa';

const FLOW_CAPACITY = 1024;
const DISPATCH_BATCH = 64;
const SWEEP_US = 1_000_000;
/** Where the host encodes its CDBs: slot 0 is the arrays' decode slot. */
const HOST_SLOT = 1;

/** A FIFO of requests waiting for an adapter; a ring over a growable array, no shifting. */
class RequestFifo {
  private items: (IoRequest | undefined)[] = new Array(16);
  private head = 0;
  length = 0;

  push(io: IoRequest): void {
    if (this.length === this.items.length) {
      this.items = [...this.items.slice(this.head), ...this.items.slice(0, this.head), ...new Array(this.items.length)];
      this.head = 0;
    }
    this.items[(this.head + this.length++) % this.items.length] = io;
  }

  shift(): IoRequest | undefined {
    if (this.length === 0) return undefined;
    const io = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return io;
  }
}

/** Data buffer of a management (passthrough) command: SATP path checks, STPG, TUR. */
export const PASSTHROUGH_BYTES = 4096;

export class IoPath implements IoTimerHandler, TimerTarget {
  private readonly table: IoRequest[] = [];
  private readonly adapterQueues = new Map<HostAdapter, RequestFifo>();
  private readonly passthroughPool: IoRequest[] = [];
  private readonly reqScratch: number;
  private readonly outScratch: number;
  /** The host's CDB slot's bytes, viewed once (the codec's memory never grows). */
  private readonly hostCdb: Uint8Array;
  private serial = 0;
  private inFlight = 0;
  private sweeping = false;

  constructor(private readonly psa: Psa) {
    const q = psa.engines.ioqueue;
    this.reqScratch = q.reserve(REQ_SIZE);
    this.outScratch = q.reserve(4 * DISPATCH_BATCH);
    const codec = psa.engines.cdb;
    const at = codec.slotsOffset + HOST_SLOT * C.CDB_SLOT_SIZE + C.SLOT_CDB;
    this.hostCdb = codec.bytes.subarray(at, at + 16);
  }

  /** A shares scheduler for a new device, in the ioqueue module's memory. */
  newScheduler(): number {
    const q = this.psa.engines.ioqueue;
    const flows = 64;
    const ptr = q.reserve(q.schedBytes(flows, FLOW_CAPACITY));
    q.schedInit(ptr, flows, FLOW_CAPACITY);
    return ptr;
  }

  /** A request with a data buffer of `capacity` bytes in the arena, for an issuer's pool. */
  newRequest(capacity: number): IoRequest {
    const io = this.makeRequest();
    io.slot = this.table.push(io) - 1;
    io.capacity = capacity;
    io.buffer = capacity > 0 ? this.psa.arena.alloc(capacity) : 0;
    io.sgl = this.psa.arena.alloc(SG_ENTRY_SIZE);
    setSingleSegment(this.psa.arena, io.sgl, io.buffer, capacity);
    io.cmd.sgl = io.sgl;
    io.cmd.nseg = capacity > 0 ? 1 : 0;
    return io;
  }

  /** Builds a READ or WRITE CDB for the request through the CDB codec (10 or 16 bytes as needed). */
  prepareReadWrite(io: IoRequest, op: 'read' | 'write', lba: number, blocks: number, blockSize: number, fua = false): void {
    const codec = this.psa.engines.cdb;
    const v = codec.view;
    const at = codec.slotsOffset + HOST_SLOT * C.CDB_SLOT_SIZE;
    const long = lba + blocks > 0xffffffff || blocks > 0xffff;
    v.setUint8(at + C.SLOT_OPCODE, op === 'read' ? (long ? C.OP_READ_16 : C.OP_READ_10) : long ? C.OP_WRITE_16 : C.OP_WRITE_10);
    v.setUint32(at + C.SLOT_FLAGS, fua ? C.FLAG_FUA : 0, true);
    v.setUint32(at + C.SLOT_LBA_LO, lba >>> 0, true);
    v.setUint32(at + C.SLOT_LBA_HI, Math.floor(lba / 4294967296), true);
    v.setUint32(at + C.SLOT_LENGTH, blocks, true);
    v.setUint8(at + C.SLOT_PROTECT, 0);
    v.setUint8(at + C.SLOT_GROUP, 0);
    v.setUint8(at + C.SLOT_CONTROL, 0);
    codec.encode(HOST_SLOT, 1);
    const cmd = io.cmd;
    cmd.cdb.set(this.hostCdb);
    cmd.cdbLength = v.getUint8(at + C.SLOT_CDB_LEN);
    cmd.direction = op === 'read' ? 'in' : 'out';
    cmd.dataLength = blocks * blockSize;
    io.op = op;
    io.lba = lba;
    io.blocks = blocks;
    io.bytes = blocks * blockSize;
  }

  // ---- the device queue ----

  /** A world's command enters its device's scheduler. */
  submit(io: IoRequest, device: LogicalDevice, world: string): void {
    const q = this.psa.engines.ioqueue;
    io.device = device;
    io.world = world;
    io.flow = device.flowOf(world);
    io.serial = ++this.serial;
    io.cmd.serial = io.serial;
    io.attempts = 0;
    io.failed = false;
    io.path = undefined;
    io.submittedAt = this.psa.clock.now;
    this.worldActive(device, io.flow, +1);
    if (device.counters.queued === 0 && device.outstanding < device.limit) {
      // Room in the device queue and nobody waiting: as in ESXi, the scheduler only orders
      // commands that have to wait, so this one goes straight to the plugin.
      device.counters.active++;
      device.outstanding++;
      io.dispatchedAt = io.submittedAt;
      device.owner.start(io);
      return;
    }
    const dv = q.view();
    dv.setUint32(this.reqScratch + REQ_FLOW, io.flow, true);
    dv.setUint32(this.reqScratch + REQ_SLOT, io.slot, true);
    dv.setUint32(this.reqScratch + REQ_COST, 1, true);
    if (q.schedEnqueue(device.scheduler, this.reqScratch, 1) !== 1) {
      throw new Error(`${device.id}: world ${world} has more than ${FLOW_CAPACITY} commands queued`);
    }
    device.counters.queued++;
    this.dispatch(device);
  }

  /** Hands queued commands to the device's plugin while the device queue has room. */
  dispatch(device: LogicalDevice): void {
    const q = this.psa.engines.ioqueue;
    while (device.counters.queued > 0 && device.outstanding < device.limit) {
      const n = q.schedDispatch(device.scheduler, this.outScratch, Math.min(DISPATCH_BATCH, device.limit - device.outstanding));
      if (n === 0) return;
      const dv = q.view();
      for (let i = 0; i < n; i++) {
        const io = this.table[dv.getUint32(this.outScratch + 4 * i, true)];
        device.counters.queued--;
        device.counters.active++;
        device.outstanding++;
        io.dispatchedAt = this.psa.clock.now;
        device.owner.start(io);
      }
    }
  }

  private worldActive(device: LogicalDevice, flow: number, delta: number): void {
    const counts = device.flowCounts;
    const before = counts[flow] ?? 0;
    counts[flow] = before + delta;
    if (before === 0 && delta > 0) device.activeWorlds++;
    if (before + delta === 0 && delta < 0) device.activeWorlds--;
  }

  /** The plugin is done with a command: it completes to its issuer, successful or failed. */
  completeToIssuer(io: IoRequest, failed: boolean): void {
    if (io.passthrough) {
      io.done(io);
      return;
    }
    const device = io.device;
    const now = this.psa.clock.now;
    io.failed = failed;
    device.outstanding--;
    device.counters.active--;
    this.worldActive(device, io.flow, -1);
    const deviceUs = now - io.issuedAt;
    const kernelUs = io.issuedAt - io.submittedAt;
    const queueUs = io.dispatchedAt - io.submittedAt;
    // A command counts once, on the device and on the path that finally carried it.
    const pathCounters = io.path?.counters;
    if (failed) {
      device.counters.failed++;
      if (pathCounters) pathCounters.failed++;
    } else {
      device.counters.complete(io.isRead, io.isWrite, io.bytes, deviceUs, kernelUs, queueUs);
      pathCounters?.complete(io.isRead, io.isWrite, io.bytes, deviceUs, kernelUs, queueUs);
    }
    this.dispatch(device);
    io.done(io);
  }

  // ---- paths and adapters ----

  /** Sends a command down a path (called by the owning plugin), waiting for adapter room. */
  issue(io: IoRequest, path: PathImpl): void {
    io.path = path;
    io.generation++;
    const adapter = path.adapterRef;
    if (adapter.outstanding >= adapter.queueDepth) {
      this.adapterQueue(adapter).push(io);
      return;
    }
    this.send(io, path);
  }

  /** Fails a command back to its issuer at the next event, never inside the issuer's own submit(). */
  failSoon(io: IoRequest): void {
    io.generation++;
    this.psa.clock.after(0, io, io.timerArg(TIMER_FAIL));
  }

  /** Resends on the same path after `delayUs` (a retry). */
  resendLater(io: IoRequest, delayUs: number): void {
    io.generation++;
    this.psa.clock.after(delayUs, io, io.timerArg(TIMER_RESEND));
  }

  private adapterQueue(adapter: HostAdapter): RequestFifo {
    let fifo = this.adapterQueues.get(adapter);
    if (!fifo) this.adapterQueues.set(adapter, (fifo = new RequestFifo()));
    return fifo;
  }

  private send(io: IoRequest, path: PathImpl): void {
    const clock = this.psa.clock;
    const adapter = path.adapterRef;
    io.attempts++;
    io.issuedAt = clock.now;
    io.cmd.initiator = adapter.wwpn || adapter.name;
    clearResult(io);
    path.outstanding++;
    path.counters.active++;
    adapter.outstanding++;
    this.inFlight++;
    io.inFlight = true;
    this.startSweep();
    if (!path.connected) {
      // The fabric has told the adapter the target is gone (RSCN): it fails fast.
      io.cmd.hostStatus = HostStatus.NO_CONNECT;
      clock.at(clock.now + path.fabric.delayUs, io, io.timerArg(TIMER_COMPLETE));
      return;
    }
    io.answered = false;
    io.sentGeneration = io.generation;
    io.sentOrder = clock.reserveOrder();
    // A vVol's command goes to its PE's LUN with the vVol's secondary id as the second level.
    path.array.submit(io.cmd, path.port, io.secondaryId === 0 ? path.lun : conglomerateLun(path.lun, io.secondaryId), io.arrayDone);
    if (!io.answered) {
      // The array is waiting on its block store (IndexedDB): virtual time waits with it.
      io.holdsClock = true;
      clock.hold();
    }
  }

  /** The array answered attempt `generation` of `io`: the completion arrives after the wire. */
  private answered(io: IoRequest, generation: number): void {
    io.answered = true;
    if (io.holdsClock) {
      io.holdsClock = false;
      this.psa.clock.release();
    }
    if (io.generation !== generation) return;
    const path = io.path!;
    // The order reserved at send: whether the array answered at once or after its block store,
    // completions at equal times fire in the order they were sent.
    this.psa.clock.atInOrder(io.issuedAt + 2 * path.fabric.delayUs + io.cmd.serviceUs, io, io.timerArg(TIMER_COMPLETE), io.sentOrder);
  }

  private makeRequest(): IoRequest {
    const io = new IoRequest(this);
    // A late answer cannot meet a newer attempt: while an answer is pending the clock is held, so
    // neither a timeout nor a retry can start one.
    io.arrayDone = () => this.answered(io, io.sentGeneration);
    return io;
  }

  onIoTimer(io: IoRequest, kind: number): void {
    if (kind === TIMER_RESEND) return this.issue(io, io.path!);
    if (kind === TIMER_FAIL) return this.completeToIssuer(io, true);
    if (kind === TIMER_COMPLETE && io.cmd.pendingDurability) {
      // The answer is here but the write is not durable yet: time stops until it is, so the
      // acknowledgement still arrives at this very virtual instant.
      const clock = this.psa.clock;
      const generation = io.generation;
      clock.hold();
      io.cmd.onDurable = () => {
        clock.release();
        // Aborted meanwhile (a LUN reset): the abort already completed this attempt.
        if (io.generation === generation) this.onIoTimer(io, TIMER_COMPLETE);
      };
      return;
    }
    const path = io.path!;
    if (kind === TIMER_COMPLETE && !path.connected && io.cmd.hostStatus === 0) {
      // The link or port went down while the command was out: the adapter never gets the answer
      // (whatever the array did stays done) and returns the command as NO_CONNECT, as an FC
      // driver does with its open exchanges, so multipathing retries it elsewhere.
      io.cmd.hostStatus = HostStatus.NO_CONNECT;
      io.cmd.status = 0;
      io.cmd.senseLength = 0;
      io.cmd.transferred = 0;
    }
    this.leavePath(io, path);
    // The data that crossed the fabric for this attempt (0 when it never reached the array).
    if (io.cmd.direction === 'out') path.counters.bytesSent += io.cmd.transferred;
    else path.counters.bytesReceived += io.cmd.transferred;
    if (kind === TIMER_TIMEOUT) {
      // Abort the task: the array's late answer will carry an old generation and be dropped.
      io.generation++;
      io.cmd.hostStatus = HostStatus.ABORT;
    }
    if (io.passthrough) return io.done(io);
    io.device.owner.completed(io);
  }

  private leavePath(io: IoRequest, path: PathImpl): void {
    const adapter = path.adapterRef;
    path.outstanding--;
    path.counters.active--;
    adapter.outstanding--;
    this.inFlight--;
    io.inFlight = false;
    const next = this.adapterQueues.get(adapter)?.shift();
    if (next) this.send(next, next.path!);
  }

  // ---- task management ----

  /**
   * LUN reset through `path`: every command of the device still on a path is aborted by the reset
   * (host status RESET, which the SATP retries) and the array raises a unit attention elsewhere.
   */
  resetLun(device: LogicalDevice, path: PathImpl): number {
    let aborted = 0;
    for (const io of this.table) {
      // A command the array is still working on (its block store holds the clock) is left to finish.
      if (!io.inFlight || io.passthrough || io.device !== device || !io.answered) continue;
      this.leavePath(io, io.path!);
      io.generation++;
      io.cmd.hostStatus = HostStatus.RESET;
      aborted++;
      device.owner.completed(io);
    }
    const lun = path.array.lun(path.lun);
    if (lun) path.array.lunReset(lun, path.port, path.adapterRef.wwpn || path.adapterRef.name);
    // The owner learns of the reset once it is done (a learner's MPP runs its taskManagement hook).
    device.owner.taskManagement?.(device, 'lun-reset');
    return aborted;
  }

  // ---- timeouts ----

  private startSweep(): void {
    if (this.sweeping) return;
    this.sweeping = true;
    this.psa.clock.after(SWEEP_US, this);
  }

  /** The sweep: any command on a path longer than the command timeout is aborted. */
  onTimer(): void {
    const now = this.psa.clock.now;
    const limit = this.psa.settings.commandTimeoutUs;
    for (const io of this.table) {
      if (io.inFlight && now - io.issuedAt >= limit) this.onIoTimer(io, TIMER_TIMEOUT);
    }
    for (const io of this.passthroughPool) {
      if (io.inFlight && now - io.issuedAt >= limit) this.onIoTimer(io, TIMER_TIMEOUT);
    }
    this.sweeping = false;
    if (this.inFlight > 0) this.startSweep();
  }

  // ---- management commands ----

  /** Sends a management CDB down a path outside the device queue (SATP path checks, activation). */
  sendPassthrough(path: PathImpl, cdb: readonly number[], done: (io: IoRequest) => void, dataOut?: Uint8Array): void {
    // Management commands carry at most one page of data: the buffer of a pooled passthrough.
    if (dataOut && dataOut.length > PASSTHROUGH_BYTES) throw new RangeError(`a management command carries at most ${PASSTHROUGH_BYTES} bytes of data-out, not ${dataOut.length}`);
    const io = this.passthroughPool.find((p) => !(p.pluginState as { busy?: boolean }).busy) ?? this.newPassthrough();
    (io.pluginState as { busy?: boolean }).busy = true;
    io.cmd.setCdb(cdb);
    io.cmd.direction = dataOut ? 'out' : 'in';
    io.cmd.dataLength = dataOut ? dataOut.length : io.capacity;
    if (dataOut) this.psa.arena.u8.set(dataOut, io.buffer);
    io.op = 'other';
    io.bytes = 0;
    io.serial = ++this.serial;
    io.submittedAt = this.psa.clock.now;
    io.done = (finished) => {
      (finished.pluginState as { busy?: boolean }).busy = false;
      done(finished);
    };
    this.issue(io, path);
  }

  private newPassthrough(): IoRequest {
    const io = this.makeRequest();
    io.passthrough = true;
    io.capacity = PASSTHROUGH_BYTES;
    io.buffer = this.psa.arena.alloc(io.capacity);
    io.sgl = this.psa.arena.alloc(SG_ENTRY_SIZE);
    setSingleSegment(this.psa.arena, io.sgl, io.buffer, io.capacity);
    io.cmd.sgl = io.sgl;
    io.cmd.nseg = 1;
    this.passthroughPool.push(io);
    return io;
  }

  /** Data-in of a finished management command. */
  dataIn(io: IoRequest): Uint8Array {
    return this.psa.arena.u8.slice(io.buffer, io.buffer + io.cmd.transferred);
  }
}

function clearResult(io: IoRequest): void {
  const cmd = io.cmd;
  cmd.pendingDurability = false;
  cmd.onDurable = undefined;
  cmd.durabilityEpoch++;
  cmd.status = 0;
  cmd.hostStatus = 0;
  cmd.senseLength = 0;
  cmd.transferred = 0;
  cmd.serviceUs = 0;
}
