// The built-in PSPs are pure over plain data: paths and devices here are plain objects, and virtual
// time is a variable. Each test builds a fresh device, so per-device state never leaks.

import { describe, expect, it } from 'vitest';
import type { AluaState, Device, Io, Path, PathState, PspModule } from '../../src/stack/plugin-api';
import { builtinPsps } from '../../src/stack/nmp/psp';
import fixed from '../../src/stack/nmp/psp/fixed';
import mru from '../../src/stack/nmp/psp/mru';
import rr from '../../src/stack/nmp/psp/round-robin';

interface TestPath extends Path {
  state: PathState;
  alua: AluaState;
  preferred: boolean;
  outstanding: number;
}

function path(t: number, alua: AluaState = 'none', state: PathState = 'active'): TestPath {
  return {
    name: `vmhba1:C0:T${t}:L0`, adapter: 'vmhba1', target: `50:01:40:5a:01:00:00:0${t}`, lun: 0,
    state, alua, preferred: false, outstanding: 0, stats: { ios: 0, bytes: 0, avgLatencyUs: 0 },
  };
}

let clock = 0;
function device(paths: TestPath[], pspConfig: Record<string, string | number | boolean> = {}): Device {
  return {
    id: 'naa.600140500a1a00010000000000000000', vendor: 'PATHLAB', model: 'ALUA-VA',
    paths, pspConfig, state: {}, now: () => clock,
  };
}

let serial = 0;
const io = (bytes = 4096): Io => ({ op: 'read', lba: 0, blocks: bytes / 512, bytes, serial: ++serial });
const usable = (d: Device) => d.paths.filter((p) => p.state === 'active');
const GOOD = { host: 0, status: 0, senseKey: 0, asc: 0, ascq: 0 };

/** Runs `n` commands through `psp`, completing each at once with `latency(path)`; returns path names. */
function run(psp: PspModule, d: Device, n: number, bytes = 4096, latency: (p: Path) => number = () => 100): string[] {
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const command = io(bytes);
    const p = psp.selectPath(command, usable(d), d);
    names.push(p.name);
    psp.completed?.(command, p, latency(p), GOOD, d);
  }
  return names;
}

const T = (n: number) => `vmhba1:C0:T${n}:L0`;

describe('builtinPsps', () => {
  it('lists Fixed, MRU and RR by their esxcli names', () => {
    expect(builtinPsps.map((p) => p.name)).toEqual(['VMW_PSP_FIXED', 'VMW_PSP_MRU', 'VMW_PSP_RR']);
  });
});

describe('VMW_PSP_FIXED', () => {
  it('uses the preferred path, stays on the survivor while it is down, and fails back', () => {
    const paths = [path(0), path(1), path(2)];
    paths[1].preferred = true;
    const d = device(paths);
    fixed.init?.(d);
    expect(run(fixed, d, 3)).toEqual([T(1), T(1), T(1)]);
    paths[1].state = 'dead';
    expect(run(fixed, d, 2)).toEqual([T(0), T(0)]);
    paths[0].state = 'dead';
    expect(run(fixed, d, 1)).toEqual([T(2)]);
    paths[0].state = 'active'; // not preferred: no move back to T0
    expect(run(fixed, d, 1)).toEqual([T(2)]);
    paths[1].state = 'active'; // failback
    expect(run(fixed, d, 1)).toEqual([T(1)]);
    expect(fixed.describe?.(d)).toBe(`{preferred=${T(1)};current=${T(1)}}`);
  });

  it('without a preferred path, the first working AO path becomes the de facto preferred one', () => {
    const paths = [path(0, 'ANO'), path(1, 'ANO'), path(2, 'AO'), path(3, 'AO')];
    const d = device(paths);
    expect(fixed.describe?.(d)).toBe('{preferred=none;current=none}');
    fixed.init?.(d);
    expect(run(fixed, d, 2)).toEqual([T(2), T(2)]);
    paths[2].state = 'dead';
    expect(run(fixed, d, 1)).toEqual([T(3)]);
    paths[2].state = 'active';
    expect(run(fixed, d, 1)).toEqual([T(2)]);
    expect(fixed.describe?.(d)).toBe(`{preferred=${T(2)};current=${T(2)}}`);
  });

  it('while the preferred path is down, leaves an ANO current path for an AO one', () => {
    const paths = [path(0, 'AO'), path(1, 'ANO'), path(2, 'AO')];
    paths[0].preferred = true;
    const d = device(paths);
    paths[0].state = 'dead';
    paths[2].state = 'dead';
    expect(run(fixed, d, 1)).toEqual([T(1)]);
    paths[2].state = 'active';
    expect(run(fixed, d, 1)).toEqual([T(2)]);
    paths[0].state = 'active';
    expect(run(fixed, d, 1)).toEqual([T(0)]);
  });

  it('follows a preferred path set later (esxcli nmp psp fixed deviceconfig set --path)', () => {
    const paths = [path(0), path(1)];
    const d = device(paths);
    fixed.init?.(d);
    expect(run(fixed, d, 1)).toEqual([T(0)]);
    paths[1].preferred = true;
    expect(run(fixed, d, 1)).toEqual([T(1)]);
  });
});

describe('VMW_PSP_MRU', () => {
  it('keeps the current path and never fails back', () => {
    const paths = [path(0), path(1)];
    const d = device(paths);
    expect(run(mru, d, 2)).toEqual([T(0), T(0)]);
    paths[0].state = 'dead';
    expect(run(mru, d, 1)).toEqual([T(1)]);
    paths[0].state = 'active';
    expect(run(mru, d, 2)).toEqual([T(1), T(1)]);
    expect(mru.describe?.(d)).toBe(`Current Path=${T(1)}`);
  });

  it('with ALUA: AO first, ANO when no AO is left, back to AO once one is available', () => {
    const paths = [path(0, 'ANO'), path(1, 'AO'), path(2, 'ANO'), path(3, 'AO')];
    const d = device(paths);
    expect(run(mru, d, 1)).toEqual([T(1)]);
    paths[1].state = 'dead';
    expect(run(mru, d, 1)).toEqual([T(3)]);
    paths[3].state = 'dead';
    expect(run(mru, d, 2)).toEqual([T(0), T(0)]);
    paths[1].state = 'active'; // an AO path returns: move off ANO
    expect(run(mru, d, 1)).toEqual([T(1)]);
    paths[3].state = 'active'; // another AO path: no reason to move
    expect(run(mru, d, 1)).toEqual([T(1)]);
  });

  it('says none before the first command', () => {
    expect(mru.describe?.(device([path(0)]))).toBe('Current Path=none');
  });
});

describe('VMW_PSP_RR', () => {
  it('switches paths after `iops` commands and describes itself like esxcli', () => {
    const d = device([path(0), path(1), path(2)], { limitType: 'iops', iops: 2 });
    rr.init?.(d);
    expect(rr.describe?.(d)).toBe('{policy=iops,iops=2,bytes=10485760,useANO=0; lastPathIndex=0: NumIOsPending=0,numBytesPending=0}');
    expect(run(rr, d, 7)).toEqual([T(0), T(0), T(1), T(1), T(2), T(2), T(0)]);
    expect(rr.describe?.(d)).toBe('{policy=iops,iops=2,bytes=10485760,useANO=0; lastPathIndex=0: NumIOsPending=0,numBytesPending=0}');
  });

  it('defaults to 1000 commands per path, printed as policy=rr', () => {
    const d = device([path(0), path(1)]);
    const names = run(rr, d, 2001);
    expect(names.filter((n) => n === T(0)).length).toBe(1001);
    expect(names[999]).toBe(T(0));
    expect(names[1000]).toBe(T(1));
    expect(names[2000]).toBe(T(0));
    expect(rr.describe?.(d)).toBe('{policy=rr,iops=1000,bytes=10485760,useANO=0; lastPathIndex=0: NumIOsPending=0,numBytesPending=0}');
  });

  it('switches after `bytes` bytes and reports bytes in flight', () => {
    const d = device([path(0), path(1)], { limitType: 'bytes', bytes: 65536 });
    expect(run(rr, d, 5, 32768)).toEqual([T(0), T(0), T(1), T(1), T(0)]);
    const command = io(8192);
    const p = rr.selectPath(command, usable(d), d);
    (p as TestPath).outstanding = 1;
    expect(rr.describe?.(d)).toBe('{policy=bytes,iops=1000,bytes=65536,useANO=0; lastPathIndex=0: NumIOsPending=1,numBytesPending=8192}');
    rr.completed?.(command, p, 100, GOOD, d);
    (p as TestPath).outstanding = 0;
    expect(rr.describe?.(d)).toContain('numBytesPending=0}');
  });

  it('skips a path that is no longer usable', () => {
    const paths = [path(0), path(1), path(2)];
    const d = device(paths, { iops: 1 });
    expect(run(rr, d, 2)).toEqual([T(0), T(1)]);
    paths[2].state = 'dead';
    expect(run(rr, d, 3)).toEqual([T(0), T(1), T(0)]);
  });

  it('with ALUA rotates over AO paths only, unless useANO (or no AO path is left)', () => {
    const paths = [path(0, 'AO'), path(1, 'AO'), path(2, 'ANO'), path(3, 'ANO')];
    const d = device(paths, { iops: 1 });
    expect(run(rr, d, 4)).toEqual([T(0), T(1), T(0), T(1)]);
    const withAno = device(paths, { iops: 1, useANO: true });
    expect(run(rr, withAno, 5)).toEqual([T(0), T(1), T(2), T(3), T(0)]);
    expect(rr.describe?.(withAno)).toContain('useANO=1;');
    paths[0].state = 'dead';
    paths[1].state = 'dead';
    expect(run(rr, d, 3)).toEqual([T(2), T(3), T(2)]);
  });

  it('latency policy: samples every path, then prefers the fast one until the next evaluation', () => {
    clock = 0;
    const paths = [path(0), path(1), path(2)];
    const d = device(paths, { limitType: 'latency', samplingCycles: 4, latencyEvalTimeMs: 1000 });
    let slow = T(0);
    const latency = (p: Path) => (p.name === slow ? 2000 : p.name === T(1) ? 300 : 400);
    const sampling = run(rr, d, 12, 4096, latency);
    for (const p of paths) expect(sampling.filter((n) => n === p.name).length).toBe(4);
    // T1 is fastest; T2 is within twice its latency, so it takes commands when T1 is busier.
    expect(run(rr, d, 5, 4096, latency)).toEqual([T(1), T(1), T(1), T(1), T(1)]);
    paths[1].outstanding = 1; // 300 × 2 > 400 × 1
    expect(run(rr, d, 1, 4096, latency)).toEqual([T(2)]);
    paths[1].outstanding = 0;
    // T0 is slow: skipped even when the others are busy (2000 × 1 < 300 × 11).
    paths[1].outstanding = 10;
    paths[2].outstanding = 10;
    expect(run(rr, d, 1, 4096, latency)).toEqual([T(1)]);
    paths[2].outstanding = 0;
    expect(run(rr, d, 1, 4096, latency)).toEqual([T(2)]);
    paths[1].outstanding = 0;
    paths[2].outstanding = 0;
    expect(rr.describe?.(d)).toBe(
      `{policy=latency,latencyEvalTime=1000,samplingCycles=4,curSamplingCycle=4,useANO=0; CurrentPath=${T(2)}: NumIOsPending=0,latency=0}`,
    );
    // The next evaluation: T1 has become slow, T0 fast.
    clock = 1_000_000;
    slow = T(1);
    const latency2 = (p: Path) => (p.name === slow ? 2000 : p.name === T(0) ? 100 : 400);
    const first = rr.selectPath(io(), usable(d), d);
    rr.completed?.(io(), first, latency2(first), GOOD, d);
    expect(rr.describe?.(d)).toContain('curSamplingCycle=0,');
    run(rr, d, 11, 4096, latency2);
    expect(run(rr, d, 3, 4096, latency2)).toEqual([T(0), T(0), T(0)]);
  });

  it('latency policy defaults: 180000 ms, 16 cycles', () => {
    const d = device([path(0), path(1)], { limitType: 'latency' });
    const names = run(rr, d, 32);
    expect(names.filter((n) => n === T(0)).length).toBe(16);
    expect(rr.describe?.(d)).toMatch(/^\{policy=latency,latencyEvalTime=180000,samplingCycles=16,curSamplingCycle=16,useANO=0; CurrentPath=vmhba1:C0:T1:L0: NumIOsPending=0,latency=0\}$/);
  });
});
