// Counters shaped like esxtop's, kept per adapter, path, device and VM. Cumulative totals; esxtop's
// per-second rates come from the difference between two snapshots over virtual time.

/** Latency histogram bucket upper bounds, in microseconds (the last bucket is open). */
export const LATENCY_BUCKETS_US = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

/** Histogram bucket of a latency: a short search, most latencies land in the first few buckets. */
function bucketOf(us: number): number {
  if (us <= 1000) return us <= 100 ? 0 : us <= 200 ? 1 : us <= 500 ? 2 : 3;
  let b = 4;
  while (b < LATENCY_BUCKETS_US.length && us > LATENCY_BUCKETS_US[b]) b++;
  return b;
}

export class IoCounters {
  commands = 0;
  reads = 0;
  writes = 0;
  bytesRead = 0;
  bytesWritten = 0;
  /** Failed commands (completed with an error to the issuer). */
  failed = 0;
  /** Sums over completed commands, in microseconds: device (DAVG), kernel (KAVG), queue (QAVG). */
  deviceUs = 0;
  kernelUs = 0;
  queueUs = 0;
  /** Commands active below this point now (ACTV) and waiting in its queue (QUED). */
  active = 0;
  queued = 0;
  readonly histogram = new Float64Array(LATENCY_BUCKETS_US.length + 1);
  /** Data bytes over the fabric, every attempt of every command (CDBs aside): data-out sent, data-in
   * received. Kept on paths; an adapter's are the sum over its paths. */
  bytesSent = 0;
  bytesReceived = 0;

  /** Counts one completed command. */
  complete(isRead: boolean, isWrite: boolean, bytes: number, deviceUs: number, kernelUs: number, queueUs: number): void {
    this.commands++;
    if (isRead) {
      this.reads++;
      this.bytesRead += bytes;
    } else if (isWrite) {
      this.writes++;
      this.bytesWritten += bytes;
    }
    this.deviceUs += deviceUs;
    this.kernelUs += kernelUs;
    this.queueUs += queueUs;
    this.histogram[bucketOf(deviceUs + kernelUs)]++;
  }

  snapshot(): CounterSnapshot {
    return {
      commands: this.commands,
      reads: this.reads,
      writes: this.writes,
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      failed: this.failed,
      deviceUs: this.deviceUs,
      kernelUs: this.kernelUs,
      queueUs: this.queueUs,
      active: this.active,
      queued: this.queued,
      histogram: Array.from(this.histogram),
    };
  }
}

export interface CounterSnapshot {
  commands: number;
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  failed: number;
  deviceUs: number;
  kernelUs: number;
  queueUs: number;
  active: number;
  queued: number;
  histogram: number[];
}

/** esxtop's columns over the interval between two snapshots of the same counters. */
export interface EsxtopRates {
  'CMDS/s': number;
  'READS/s': number;
  'WRITES/s': number;
  'MBREAD/s': number;
  'MBWRTN/s': number;
  /** Milliseconds per command. */
  DAVG: number;
  KAVG: number;
  GAVG: number;
  QAVG: number;
  ACTV: number;
  QUED: number;
}

export function rates(before: CounterSnapshot, after: CounterSnapshot, intervalUs: number): EsxtopRates {
  const seconds = intervalUs / 1e6 || 1;
  const n = after.commands - before.commands;
  const per = (sum: number) => (n > 0 ? sum / n / 1000 : 0);
  const davg = per(after.deviceUs - before.deviceUs);
  const kavg = per(after.kernelUs - before.kernelUs);
  return {
    'CMDS/s': n / seconds,
    'READS/s': (after.reads - before.reads) / seconds,
    'WRITES/s': (after.writes - before.writes) / seconds,
    'MBREAD/s': (after.bytesRead - before.bytesRead) / 1048576 / seconds,
    'MBWRTN/s': (after.bytesWritten - before.bytesWritten) / 1048576 / seconds,
    DAVG: davg,
    KAVG: kavg,
    GAVG: davg + kavg,
    QAVG: per(after.queueUs - before.queueUs),
    ACTV: after.active,
    QUED: after.queued,
  };
}
