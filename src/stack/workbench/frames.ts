// Statistics frames for the workbench's charts: per-path IOPS and latency, per-VM throughput and a
// latency histogram, each over the virtual time since the previous frame. Frames are small and
// plain, so one postMessage carries one; the time control sends at most about 30 a second.

import type { Host } from '../host';
import { LATENCY_BUCKETS_US, type CounterSnapshot } from '../psa/stats';
import { vmCounters } from '../sim/workload-host';

export interface StatsFrame {
  nowUs: number;
  intervalUs: number;
  paths: { name: string; iops: number; latencyUs: number }[];
  vms: { name: string; iops: number; readMBps: number; writeMBps: number }[];
  /** Latency histogram of all devices' commands in the interval; bucket i holds latencies up to bounds[i]. */
  histogram: { boundsUs: number[]; counts: number[] };
}

export class FrameMaker {
  private lastAt: number;
  private readonly last = new Map<string, CounterSnapshot>();

  constructor(private readonly host: Host) {
    this.lastAt = host.clock.now;
    this.make(); // the baseline: the first frame covers what happens after the workbench opened
  }

  make(): StatsFrame {
    const host = this.host;
    const now = host.clock.now;
    const intervalUs = now - this.lastAt;
    this.lastAt = now;
    const seconds = intervalUs / 1e6 || 1;
    const delta = (key: string, current: CounterSnapshot) => {
      const before = this.last.get(key);
      this.last.set(key, current);
      return before ? diff(before, current) : current;
    };
    const paths = host.psa.paths.map((p) => {
      const d = delta(`path:${p.name}`, p.counters.snapshot());
      return { name: p.name, iops: d.commands / seconds, latencyUs: d.commands > 0 ? d.deviceUs / d.commands : 0 };
    });
    const vms = host.vms.map((vm) => {
      const d = delta(`vm:${vm.name}`, vmCounters(host, vm.name).snapshot());
      return { name: vm.name, iops: d.commands / seconds, readMBps: d.bytesRead / 1048576 / seconds, writeMBps: d.bytesWritten / 1048576 / seconds };
    });
    const counts = new Array<number>(LATENCY_BUCKETS_US.length + 1).fill(0);
    for (const device of host.psa.devices.values()) {
      const d = delta(`device:${device.id}`, device.counters.snapshot());
      d.histogram.forEach((n, i) => (counts[i] += n));
    }
    return { nowUs: now, intervalUs, paths, vms, histogram: { boundsUs: [...LATENCY_BUCKETS_US], counts } };
  }
}

function diff(a: CounterSnapshot, b: CounterSnapshot): CounterSnapshot {
  return {
    commands: b.commands - a.commands,
    reads: b.reads - a.reads,
    writes: b.writes - a.writes,
    bytesRead: b.bytesRead - a.bytesRead,
    bytesWritten: b.bytesWritten - a.bytesWritten,
    failed: b.failed - a.failed,
    deviceUs: b.deviceUs - a.deviceUs,
    kernelUs: b.kernelUs - a.kernelUs,
    queueUs: b.queueUs - a.queueUs,
    active: b.active,
    queued: b.queued,
    histogram: b.histogram.map((n, i) => n - (a.histogram[i] ?? 0)),
  };
}
