// VMW_PSP_RR: rotate over the usable paths. With ALUA only the AO paths take part unless useANO
// is set (or there is no AO path). The switch limit decides when to move on: after `iops` commands
// or `bytes` bytes on the current path, or, with the latency policy, to the paths with the lowest
// sampled latency weighted by their outstanding commands (psa.md §2).

import type { Device, Path, PspModule } from '../../plugin-api';
import { byName, rank } from './rank';

/** After sampling, paths slower than this multiple of the fastest are skipped until the next one. */
const SLOW_FACTOR = 2;

interface Sample {
  sent: number;
  done: number;
  sumUs: number;
}

interface RrState {
  /** Index in device.paths of the path now in use (esxcli's lastPathIndex). */
  last: number;
  current?: string;
  /** Commands and bytes sent to the current path since the last switch. */
  ios: number;
  bytes: number;
  /** Bytes in flight per path (a command's bytes count from selection to completion). */
  pendingBytes: Record<string, number>;
  // Latency policy.
  evalStartUs?: number;
  sampling: boolean;
  samples: Record<string, Sample>;
  /** Average latency per path from the last sampling, in microseconds. */
  avgUs: Record<string, number>;
}

interface RrConfig {
  limitType: 'iops' | 'bytes' | 'latency';
  policy: string;
  iops: number;
  bytes: number;
  useANO: boolean;
  evalTimeMs: number;
  cycles: number;
}

function positive(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

function flag(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true' || v === 'on' || v === 'yes';
}

/** The parsed settings, cached per device until one of the raw values changes. */
function config(device: Device): RrConfig {
  const c = device.pspConfig;
  const cache = device.state as { cfg?: RrConfig; raw?: unknown[] };
  const raw = cache.raw;
  if (
    raw !== undefined && raw[0] === c.limitType && raw[1] === c.iops && raw[2] === c.bytes &&
    raw[3] === c.useANO && raw[4] === c.latencyEvalTimeMs && raw[5] === c.samplingCycles
  ) {
    return cache.cfg!;
  }
  cache.raw = [c.limitType, c.iops, c.bytes, c.useANO, c.latencyEvalTimeMs, c.samplingCycles];
  return (cache.cfg = parseConfig(c));
}

function parseConfig(c: Device['pspConfig']): RrConfig {
  const type = String(c.limitType ?? 'default').toLowerCase();
  const limitType = type === 'bytes' || type === 'latency' ? type : 'iops';
  return {
    limitType,
    policy: type === 'bytes' || type === 'latency' || type === 'iops' ? type : 'rr', // esxcli prints rr for default
    iops: positive(c.iops, 1000),
    bytes: positive(c.bytes, 10485760),
    useANO: flag(c.useANO),
    evalTimeMs: positive(c.latencyEvalTimeMs, 180000),
    cycles: positive(c.samplingCycles, 16),
  };
}

function state(device: Device): RrState {
  const s = device.state as Partial<RrState>;
  if (s.pendingBytes === undefined) {
    Object.assign(s, { last: -1, ios: 0, bytes: 0, pendingBytes: {}, sampling: false, samples: {}, avgUs: {} });
  }
  return s as RrState;
}

/** Whether RR rotates over `p`: AO (or non-ALUA) paths, or any usable one with useANO or no AO. */
function eligible(p: Path, anyOptimized: boolean, useANO: boolean): boolean {
  return useANO || !anyOptimized || rank(p) === 0;
}

/** The eligible path after `st.last` in runtime-name order, wrapping around (no allocation). */
function next(paths: readonly Path[], device: Device, st: RrState, anyOpt: boolean, useANO: boolean): Path {
  let first: Path | undefined;
  for (const p of paths) {
    if (!eligible(p, anyOpt, useANO)) continue;
    first ??= p;
    if (indexOf(device, p.name) > st.last) return p;
  }
  return first ?? paths[0];
}

function indexOf(device: Device, name: string): number {
  const all = device.paths;
  for (let i = 0; i < all.length; i++) if (all[i].name === name) return i;
  return -1;
}

function latencyChoice(paths: readonly Path[], device: Device, st: RrState, cfg: RrConfig, anyOpt: boolean): Path {
  const now = device.now();
  let unsampled = false;
  for (const p of paths) if (eligible(p, anyOpt, cfg.useANO) && st.avgUs[p.name] === undefined) unsampled = true;
  const stale = st.evalStartUs === undefined || now - st.evalStartUs >= cfg.evalTimeMs * 1000;
  if (!st.sampling && (stale || unsampled)) {
    // Time for a new sampling round (or a path came that was never sampled).
    st.sampling = true;
    st.evalStartUs = now;
    st.samples = {};
  }
  if (st.sampling) {
    let pick: Path | undefined;
    let complete = true;
    for (const p of paths) {
      if (!eligible(p, anyOpt, cfg.useANO)) continue;
      const s = (st.samples[p.name] ??= { sent: 0, done: 0, sumUs: 0 });
      if (s.done >= cfg.cycles) continue;
      complete = false;
      if (!pick || s.sent < st.samples[pick.name].sent) pick = p;
    }
    if (!complete && pick) {
      // Sampling: each path still short of samples gets test commands, the least-sampled first.
      st.samples[pick.name].sent++;
      return pick;
    }
    finishSampling(st);
  }
  // Lowest average latency weighted by outstanding commands, among the paths that are not slow.
  let fastest = Infinity;
  for (const p of paths) if (eligible(p, anyOpt, cfg.useANO)) fastest = Math.min(fastest, st.avgUs[p.name] ?? Infinity);
  let pick: Path | undefined;
  let pickCost = Infinity;
  for (const p of paths) {
    const avg = st.avgUs[p.name];
    if (!eligible(p, anyOpt, cfg.useANO) || avg === undefined || avg > fastest * SLOW_FACTOR) continue;
    const cost = avg * (1 + p.outstanding);
    if (cost < pickCost) {
      pick = p;
      pickCost = cost;
    }
  }
  return pick ?? next(paths, device, st, anyOpt, cfg.useANO);
}

function finishSampling(st: RrState): void {
  st.sampling = false;
  st.avgUs = {};
  for (const [name, s] of Object.entries(st.samples)) if (s.done > 0) st.avgUs[name] = s.sumUs / s.done;
}

const roundRobin: PspModule = {
  name: 'VMW_PSP_RR',
  description: 'Round Robin Path Selection',

  init(device) {
    state(device);
  },

  selectPath(io, paths, device) {
    const st = state(device);
    const cfg = config(device);
    let anyOpt = false;
    for (const p of paths) if (rank(p) === 0) anyOpt = true;
    let chosen: Path;
    if (cfg.limitType === 'latency') {
      chosen = latencyChoice(paths, device, st, cfg, anyOpt);
    } else {
      const current = byName(paths, st.current);
      const spent = cfg.limitType === 'bytes' ? st.bytes >= cfg.bytes : st.ios >= cfg.iops;
      const keep = current !== undefined && !spent && eligible(current, anyOpt, cfg.useANO);
      chosen = keep ? current : next(paths, device, st, anyOpt, cfg.useANO);
    }
    if (chosen.name !== st.current) {
      st.current = chosen.name;
      st.last = Math.max(0, indexOf(device, chosen.name));
      st.ios = 0;
      st.bytes = 0;
    }
    st.ios++;
    st.bytes += io.bytes;
    st.pendingBytes[chosen.name] = (st.pendingBytes[chosen.name] ?? 0) + io.bytes;
    return chosen;
  },

  completed(io, path, latencyUs, outcome, device) {
    const st = state(device);
    st.pendingBytes[path.name] = Math.max(0, (st.pendingBytes[path.name] ?? 0) - io.bytes);
    const sample = st.sampling ? st.samples[path.name] : undefined;
    if (sample && outcome.host === 0 && sample.done < config(device).cycles) {
      sample.done++;
      sample.sumUs += latencyUs;
    }
  },

  describe(device) {
    const st = state(device);
    const cfg = config(device);
    const current = byName(device.paths, st.current);
    const pending = current?.outstanding ?? 0;
    const useANO = cfg.useANO ? 1 : 0;
    if (cfg.limitType === 'latency') {
      const cur = st.sampling
        ? Math.min(cfg.cycles, ...Object.values(st.samples).map((s) => s.done))
        : cfg.cycles;
      const latencyMs = current ? Math.round((st.avgUs[current.name] ?? 0) / 1000) : 0;
      return (
        `{policy=latency,latencyEvalTime=${cfg.evalTimeMs},samplingCycles=${cfg.cycles},curSamplingCycle=${cur},` +
        `useANO=${useANO}; CurrentPath=${st.current ?? 'none'}: NumIOsPending=${pending},latency=${latencyMs}}`
      );
    }
    const bytesPending = st.current ? (st.pendingBytes[st.current] ?? 0) : 0;
    return (
      `{policy=${cfg.policy},iops=${cfg.iops},bytes=${cfg.bytes},useANO=${useANO}; ` +
      `lastPathIndex=${Math.max(0, st.last)}: NumIOsPending=${pending},numBytesPending=${bytesPending}}`
    );
  },
};

export default roundRobin;
