// One command on the I/O path, from a VM's world queue down to a path and back. Requests are
// pooled by whoever issues them (a workload keeps iodepth of them, each with its data buffer in the
// arena), so the hot path allocates nothing. Timers carry a generation number: a completion or a
// timeout from an earlier attempt (aborted, retried elsewhere) is recognised and ignored.

import type { Io } from '../plugin-api';
import { ScsiCommand } from '../scsi/command';
import type { TimerTarget } from '../sim/clock';
import type { LogicalDevice } from './device';
import type { PathImpl } from './path';

/** Timer kinds, in the low bits of a timer's argument. */
export const TIMER_COMPLETE = 0;
export const TIMER_TIMEOUT = 1;
export const TIMER_RESEND = 2;
export const TIMER_FAIL = 3;
const KIND_BITS = 2;

export interface IoTimerHandler {
  onIoTimer(io: IoRequest, kind: number): void;
}

export class IoRequest implements Io, TimerTarget {
  op: 'read' | 'write' | 'other' = 'read';
  lba = 0;
  blocks = 0;
  bytes = 0;
  serial = 0;
  /** A vVol's secondary id behind the device's protocol endpoint: the second level of the LUN the
   * command is sent to (0: none, the device's own LUN). Set by the issuer before submit. */
  secondaryId = 0;
  readonly cmd = new ScsiCommand();
  /** Arena address and size of the data buffer, and of its one-entry scatter-gather list. */
  buffer = 0;
  capacity = 0;
  sgl = 0;
  device!: LogicalDevice;
  /** The world (VM disk or lab job) that issued it, and its flow in the device's scheduler. */
  world = '';
  flow = 0;
  /** Management commands (SATP path checks, activation) skip the device queue and statistics. */
  passthrough = false;
  path: PathImpl | undefined;
  /** Virtual times: submitted by the world, admitted by the device queue, sent on the current path. */
  submittedAt = 0;
  dispatchedAt = 0;
  issuedAt = 0;
  /** Attempts on paths so far (the first send counts). */
  attempts = 0;
  generation = 0;
  /** Set when the command completes with an error to its issuer. */
  failed = false;
  /** On a path now (sent, not yet completed or timed out). */
  inFlight = false;
  /** The array has answered the current attempt (false while its block store works). */
  answered = true;
  /** Generation of the attempt the array is working on. */
  sentGeneration = 0;
  /** Its place among events at equal times, reserved when it was sent. */
  sentOrder = 0;
  /** This attempt holds the virtual clock while the array's block store works. */
  holdsClock = false;
  /** Called by the array when it answers; set once by the framework. */
  arrayDone: () => void = () => {};
  /** Index in the framework's table of requests (the scheduler queues indexes, not objects). */
  slot = -1;
  /** Called once when the command completes to its issuer. */
  done: (io: IoRequest) => void = () => {};
  /** Scratch for the owning plugin (NMP keeps retry bookkeeping here). */
  pluginState: Record<string, unknown> = {};

  constructor(private readonly handler: IoTimerHandler) {}

  /** A timer argument for this attempt. */
  timerArg(kind: number): number {
    return this.generation * (1 << KIND_BITS) + kind;
  }

  onTimer(arg: number): void {
    if (Math.floor(arg / (1 << KIND_BITS)) !== this.generation) return; // a stale attempt
    this.handler.onIoTimer(this, arg % (1 << KIND_BITS));
  }

  get isRead(): boolean {
    return this.op === 'read';
  }

  get isWrite(): boolean {
    return this.op === 'write';
  }
}
