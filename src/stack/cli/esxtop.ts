// `esxtop`: one snapshot of a screen, as rates since the previous snapshot of the same screen on the
// same host (the first: since boot). Counters are the stack's cumulative IoCounters; rates come
// from the difference over virtual time (stats.ts rates()).
//
// Screens and where their numbers come from:
// - adapter: the sum over the adapter's paths (path counters count every attempt on the path, failed
//   or not; the path layer sees no kernel time, so KAVG and QAVG are 0 there).
// - device: the device's counters (commands completed to the issuer; DAVG is the last attempt's time
//   on its path, KAVG the time from submit to that attempt, QAVG the wait in the device queue).
// - path: each path's counters.
// - vm: the workload layer's per-VM counters (sim/workload.ts): esxtop's v screen; LAT/rd and LAT/wr
//   are the guest-visible latency (includes the wait for the VM's IOPS limit).
// - vaai: the device view with its VAAISTATS fields: cumulative counts of the offloads this host sent
//   (vmfs/disk-io.ts): CLONE_RD/CLONE_WR (EXTENDED COPY from / to the device), CLONE_F, ATS, ATSF
//   (ATS that failed, a MISCOMPARE included), ZERO, ZERO_F; DELETE and DELETE_F stay 0 (no UNMAP yet).

import type { Host } from '../host';
import { rates, type CounterSnapshot, type EsxtopRates } from '../psa/stats';
import { vmCounters, vmSnapshot, type VmCounterSnapshot } from '../sim/workload-host';
import { vaaiCounters } from '../vmfs/disk-io';

export type EsxtopScreen = 'adapter' | 'device' | 'path' | 'vm' | 'vaai';
export const ESXTOP_SCREENS: readonly EsxtopScreen[] = ['adapter', 'device', 'path', 'vm', 'vaai'];

interface Previous {
  at: number;
  snaps: Map<string, CounterSnapshot>;
}

const previous = new WeakMap<Host, Map<EsxtopScreen, Previous>>();

const ZERO: VmCounterSnapshot = {
  commands: 0,
  reads: 0,
  writes: 0,
  bytesRead: 0,
  bytesWritten: 0,
  failed: 0,
  deviceUs: 0,
  kernelUs: 0,
  queueUs: 0,
  active: 0,
  queued: 0,
  histogram: [],
  readUs: 0,
  writeUs: 0,
};

function sum(snaps: CounterSnapshot[]): CounterSnapshot {
  const total: CounterSnapshot = { ...ZERO, histogram: [] };
  for (const s of snaps) {
    total.commands += s.commands;
    total.reads += s.reads;
    total.writes += s.writes;
    total.bytesRead += s.bytesRead;
    total.bytesWritten += s.bytesWritten;
    total.failed += s.failed;
    total.deviceUs += s.deviceUs;
    total.kernelUs += s.kernelUs;
    total.queueUs += s.queueUs;
    total.active += s.active;
    total.queued += s.queued;
  }
  return total;
}

/** Rates, percentages and milliseconds: two decimals. */
function num(x: number): string {
  return x.toFixed(2);
}

const RATE_HEADERS = ['CMDS/s', 'READS/s', 'WRITES/s', 'MBREAD/s', 'MBWRTN/s'];
const LATENCY_HEADERS = ['DAVG/cmd', 'KAVG/cmd', 'GAVG/cmd', 'QAVG/cmd'];

function rateCells(r: EsxtopRates): string[] {
  return [num(r['CMDS/s']), num(r['READS/s']), num(r['WRITES/s']), num(r['MBREAD/s']), num(r['MBWRTN/s'])];
}

function latencyCells(r: EsxtopRates): string[] {
  return [num(r.DAVG), num(r.KAVG), num(r.GAVG), num(r.QAVG)];
}

/** Columns two spaces apart; the first `textColumns` left-aligned, the rest right-aligned. */
function table(headers: string[], rows: string[][], textColumns: number): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < textColumns ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** Rates between a counter's previous snapshot (or zero) and now; a counter that restarted counts from zero. */
function delta(before: CounterSnapshot | undefined, after: CounterSnapshot, intervalUs: number): EsxtopRates {
  const base = before && before.commands <= after.commands ? before : ZERO;
  return rates(base, after, intervalUs);
}

/** One snapshot of an esxtop screen: rates since the previous call for the same host and screen. */
export function esxtop(host: Host, screen: EsxtopScreen): string {
  let perHost = previous.get(host);
  if (!perHost) previous.set(host, (perHost = new Map()));
  const prev = perHost.get(screen) ?? { at: 0, snaps: new Map<string, CounterSnapshot>() };
  const now = host.clock.now;
  const interval = now - prev.at;
  const snaps = new Map<string, CounterSnapshot>();
  let headers: string[];
  let rows: string[][];
  let textColumns: number;

  switch (screen) {
    case 'adapter': {
      headers = ['ADAPTR', 'PATH', 'NPTH', 'AQLEN', ...RATE_HEADERS, ...LATENCY_HEADERS];
      textColumns = 2;
      rows = host.adapters.map((adapter) => {
        const paths = host.psa.paths.filter((p) => p.adapterRef === adapter);
        const snap = sum(paths.map((p) => p.counters.snapshot()));
        // Paths come and go with rescans: the adapter's sum can drop; delta() restarts from zero then.
        snaps.set(adapter.name, snap);
        const r = delta(prev.snaps.get(adapter.name), snap, interval);
        return [adapter.name, '-', String(paths.length), String(adapter.queueDepth), ...rateCells(r), ...latencyCells(r)];
      });
      break;
    }
    case 'device': {
      headers = ['DEVICE', 'PATH/WORLD/PARTITION', 'DQLEN', 'WQLEN', 'ACTV', 'QUED', '%USD', 'LOAD', ...RATE_HEADERS, ...LATENCY_HEADERS];
      textColumns = 2;
      const devices = [...host.psa.devices.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      rows = devices.map((device) => {
        const snap = device.counters.snapshot();
        snaps.set(device.id, snap);
        const r = delta(prev.snaps.get(device.id), snap, interval);
        const q = device.queueDepth;
        const actv = device.counters.active;
        const qued = device.counters.queued;
        return [device.id, '-', String(q), '-', String(actv), String(qued), num((100 * actv) / q), num((actv + qued) / q), ...rateCells(r), ...latencyCells(r)];
      });
      break;
    }
    case 'path': {
      headers = ['PATH', 'ADAPTR', 'DEVICE', 'STATE', 'ACTV', ...RATE_HEADERS, ...LATENCY_HEADERS];
      textColumns = 4;
      rows = host.psa.paths.map((path) => {
        const snap = path.counters.snapshot();
        snaps.set(path.key, snap);
        const r = delta(prev.snaps.get(path.key), snap, interval);
        return [path.name, path.adapter, path.identity.deviceId, path.state, String(path.outstanding), ...rateCells(r), ...latencyCells(r)];
      });
      break;
    }
    case 'vm': {
      headers = ['GID', 'VMNAME', 'VDEVNAME', 'NVDISK', 'ACTV', 'QUED', ...RATE_HEADERS, 'LAT/rd', 'LAT/wr', 'KAVG/cmd', 'GAVG/cmd'];
      textColumns = 3;
      rows = host.vms.map((vm, i) => {
        const c = vmCounters(host, vm.name);
        const snap = vmSnapshot(c);
        snaps.set(vm.name, snap);
        const before = prev.snaps.get(vm.name) as VmCounterSnapshot | undefined;
        const base = before && before.commands <= snap.commands ? before : ZERO;
        const r = rates(base, snap, interval);
        const reads = snap.reads - base.reads;
        const writes = snap.writes - base.writes;
        const latRd = reads > 0 ? (snap.readUs - base.readUs) / reads / 1000 : 0;
        const latWr = writes > 0 ? (snap.writeUs - base.writeUs) / writes / 1000 : 0;
        return [String(1000 + i), vm.name, '-', String(vm.disks.length), String(c.active), String(c.queued), ...rateCells(r), num(latRd), num(latWr), num(r.KAVG), num(r.GAVG)];
      });
      break;
    }
    case 'vaai': {
      headers = ['DEVICE', 'CLONE_RD', 'CLONE_WR', 'CLONE_F', 'ATS', 'ATSF', 'ZERO', 'ZERO_F', 'DELETE', 'DELETE_F'];
      textColumns = 1;
      const devices = [...host.psa.devices.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      rows = devices.map((device) => {
        const c = vaaiCounters(host, device.id);
        return [device.id, ...[c.cloneRd, c.cloneWr, c.cloneF, c.ats, c.atsf, c.zero, c.zeroF, 0, 0].map(String)];
      });
      break;
    }
    default:
      throw new Error(`esxtop: unknown screen "${screen as string}" (screens: ${ESXTOP_SCREENS.join(', ')})`);
  }

  perHost.set(screen, { at: now, snaps });
  const title = `esxtop ${screen}: ${(now / 1e6).toFixed(6)}s, interval ${(interval / 1e6).toFixed(6)}s`;
  return [title, ...table(headers, rows, textColumns)].join('\n');
}
