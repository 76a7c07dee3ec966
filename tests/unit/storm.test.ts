// `npm run storm` in small: seeded fault storms over verified jobs must lose, corrupt and strand
// nothing; the counts must go up when the stack is sabotaged (a block store that drops or damages an
// acknowledged write, a completion that never comes); the shrinker finds a planted cause; the
// same seed gives the same summary; and the bugs the storm found stay fixed.

import { describe, expect, it } from 'vitest';
import { EXTENT_SIZE, type Volume } from '../../src/stack/blockstore/block-store';
import { Host } from '../../src/stack/host';
import type { IoRequest } from '../../src/stack/psa/io-request';
import { FAULT_KINDS, planStorm, type PlannedFault, type StormPlan } from '../../storm/plan';
import { runStorm, summaryLine, type RunOptions, type StormResult } from '../../storm/run';
import { stormScript } from '../../storm/script';
import { shrink } from '../../storm/shrink';

async function plan(seed: number, faults: number): Promise<{ plan: StormPlan; script: (f?: PlannedFault[]) => string }> {
  const host = await Host.boot();
  const p = planStorm(host, seed, faults);
  host.close();
  return { plan: p, script: (f = p.faults) => stormScript(p, f, host.scenario.settings) };
}

async function storm(seed: number, faults: number, options: RunOptions = {}): Promise<StormResult> {
  const { plan: p, script } = await plan(seed, faults);
  return runStorm(script(), p.faults.length, options);
}

/**
 * Stands between a LUN and its volume and counts the writes the array maps. Write number `target`
 * (with target 0: every write once `armed()` says so) lands in copies of its extents instead of the
 * LUN's: dropped, or copied back with its first changed byte inverted. The rest passes through.
 */
class SabotagedVolume implements Volume {
  writes = 0;
  private diverted: { real: number; copy: number }[] = [];

  constructor(
    private readonly inner: Volume,
    private readonly host: Host,
    private readonly mode: 'count' | 'drop' | 'flip',
    private readonly target = 0,
    private readonly armed: () => boolean = () => true,
  ) {}

  get key(): string {
    return this.inner.key;
  }

  map(first: number, count: number, forWrite: boolean, table: number): Promise<void> | null {
    const pending = this.inner.map(first, count, forWrite, table);
    if (pending || !forWrite || this.mode === 'count') {
      if (!pending && forWrite) this.writes++;
      return pending;
    }
    this.writes++;
    if (this.target > 0 && this.writes !== this.target) return null;
    if (!this.armed()) return null;
    const arena = this.host.arena;
    for (let i = 0; i < count; i++) {
      const real = arena.dv.getUint32(table + 4 * i, true);
      const copy = arena.alloc(EXTENT_SIZE);
      arena.u8.copyWithin(copy, real, real + EXTENT_SIZE);
      arena.dv.setUint32(table + 4 * i, copy, true);
      this.diverted.push({ real, copy });
    }
    return null;
  }

  written(first: number, count: number): void {
    this.inner.written(first, count);
    if (this.mode === 'flip') {
      const u8 = this.host.arena.u8;
      for (const { real, copy } of this.diverted) {
        let at = 0;
        while (at < EXTENT_SIZE && u8[real + at] === u8[copy + at]) at++;
        u8.copyWithin(real, copy, copy + EXTENT_SIZE);
        if (at < EXTENT_SIZE) {
          u8[real + at] ^= 0xff;
          break;
        }
      }
    }
    for (const { copy } of this.diverted) this.host.arena.free(copy, EXTENT_SIZE);
    this.diverted = [];
  }

  deallocate(first: number, count: number): void {
    this.inner.deallocate(first, count);
  }

  whenDurable(done: (error?: Error) => void): void {
    this.inner.whenDurable(done);
  }

  allocatedExtents(): number {
    return this.inner.allocatedExtents();
  }
}

/** Puts a sabotaged volume under alua-array LUN 0 (web01's disk); returns it once the run boots. */
function sabotage(make: (inner: Volume, host: Host) => SabotagedVolume): { options: RunOptions; volume: () => SabotagedVolume } {
  let volume: SabotagedVolume | undefined;
  return {
    options: {
      prepare: (host) => {
        const lun = host.array('alua-array')!.luns.find((l) => l.number === 0)!;
        volume = make(lun.volume, host);
        (lun as { volume: Volume }).volume = volume;
      },
    },
    volume: () => volume!,
  };
}

describe('storm: fault storms over verified jobs', () => {
  it('loses, corrupts and strands nothing in two seeded storms of 200 faults of every kind', async () => {
    for (const seed of [11, 12]) {
      const { plan: p } = await plan(seed, 200);
      expect(new Set(p.faults.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
      const r = await storm(seed, 200);
      expect(r.error).toBeUndefined();
      expect(summaryLine(r)).toBe(`storm: 200 faults, ${r.acknowledged} acknowledged writes, 0 lost, 0 corrupted, 0 stuck commands`);
      expect(r.misread).toBe(0);
      expect(r.acknowledged).toBeGreaterThan(10_000);
    }
  });

  it('gives the same summary and details for the same seed, and another storm for another seed', async () => {
    const a = await storm(5, 60);
    const b = await storm(5, 60);
    const c = await storm(6, 60);
    expect(summaryLine(b)).toBe(summaryLine(a));
    expect(b.details).toEqual(a.details);
    expect(summaryLine(c)).not.toBe(summaryLine(a));
  });

  it('the script names every fault with its repair and ends with wait and verified reads of every job', async () => {
    const { plan: p, script } = await plan(3, 40);
    const text = script();
    for (const f of p.faults) {
      expect(text.indexOf(f.line)).toBeGreaterThanOrEqual(0);
      expect(text.lastIndexOf(f.repair)).toBeGreaterThan(text.indexOf(f.line));
    }
    expect(text).toMatch(/\nwait\n/);
    for (const j of p.jobs) expect(text).toContain(`fio --name check-${j.name} ${j.checkTarget} --rw read --bs ${j.bs}`);
    // Every VM disk, every other LUN and a vVol VM's disk get a job.
    expect(p.jobs.map((j) => j.target)).toEqual(expect.arrayContaining(['--vm web01 --disk 0', '--vm db01 --disk 1', '--vm backup01 --disk 0', '--vm storm-vv01']));
    expect(p.jobs.filter((j) => j.target.startsWith('--device'))).toHaveLength(5);
  });
});

describe('storm: the counts go up when the stack misbehaves', () => {
  /** The number of writes alua-array LUN 0 receives in storm (seed 21, 20 faults). */
  async function writesToLun0(): Promise<number> {
    const s = sabotage((inner, host) => new SabotagedVolume(inner, host, 'count'));
    const r = await storm(21, 20, s.options);
    expect(r.lost + r.corrupted + r.stuck).toBe(0);
    return s.volume().writes;
  }

  it('a block store that drops the last acknowledged write is reported as one lost write', async () => {
    const last = await writesToLun0();
    const s = sabotage((inner, host) => new SabotagedVolume(inner, host, 'drop', last));
    const r = await storm(21, 20, s.options);
    expect(s.volume().writes).toBe(last);
    expect([r.lost, r.corrupted, r.stuck]).toEqual([1, 0, 0]);
    expect(r.details.join('\n')).toMatch(/naa\.600140500a1a00010000000000000000 lba \d+: lost/);
  });

  it('a block store that writes one wrong byte is reported as one corrupted write', async () => {
    const last = await writesToLun0();
    const s = sabotage((inner, host) => new SabotagedVolume(inner, host, 'flip', last));
    const r = await storm(21, 20, s.options);
    expect([r.lost, r.corrupted, r.stuck]).toEqual([0, 1, 0]);
    expect(r.details.join('\n')).toMatch(/lba \d+: corrupted/);
  });

  it('a command whose completion never comes is reported as stuck', async () => {
    const r = await storm(21, 20, {
      prepare: (host) => {
        const nmp = host.nmp;
        const completed = nmp.completed.bind(nmp);
        let writes = 0;
        // NMP loses the 50th WRITE's completion: the command stays on the device, its VM waits.
        nmp.completed = (io: IoRequest) => {
          if (io.op === 'write' && ++writes === 50) return;
          completed(io);
        };
      },
    });
    expect(r.stuck).toBe(1);
    expect(r.details).toContain('stuck ledgers: 1 in the jobs, 1 on the devices, 0 on the adapters');
    expect([r.lost, r.corrupted]).toEqual([0, 0]);
    expect(r.error).toBeUndefined();
  });
});

describe('storm: shrinking', () => {
  it('ddmin finds the two items that together cause a failure', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    let runs = 0;
    const shrunk = await shrink(items, async (c) => (runs++, c.includes(17) && c.includes(42)));
    expect(shrunk).toEqual([17, 42]);
    expect(runs).toBeLessThan(100);
    // A failure that needs nothing is shrunk to nothing.
    expect(await shrink(items, async () => true)).toEqual([]);
  });

  it('shrinks a storm whose writes go missing after an SP failure to that one fault', async () => {
    const { plan: p, script } = await plan(31, 40);
    const cause = p.faults.find((f) => f.kind === 'sp')!;
    const [, , arrayName, spName] = cause.line.split(' ');
    // After that SP fails, web01's LUN drops every write: the array acknowledges what it never keeps.
    const planted = (): RunOptions => {
      let spFailed = false;
      const s = sabotage((inner, host) => new SabotagedVolume(inner, host, 'drop', 0, () => spFailed));
      return {
        prepare: async (host) => {
          await s.options.prepare!(host);
          const array = host.array(arrayName)!;
          const setSpUp = array.setSpUp.bind(array);
          array.setSpUp = (sp, up) => {
            if (sp.name === spName && !up) spFailed = true;
            setSpUp(sp, up);
          };
        },
      };
    };
    const full = await runStorm(script(), p.faults.length, planted());
    expect(full.lost).toBeGreaterThan(0);
    const shrunk = await shrink(p.faults, async (faults) => (await runStorm(script(faults), faults.length, planted())).lost > 0);
    expect(shrunk.map((f) => f.line)).toEqual([cause.line]);
    expect(shrunk[0].id).toBe(cause.id);
    // The shrunk script passes without the sabotage: the fault alone is handled correctly.
    const clean = await runStorm(script(shrunk), 1);
    expect([clean.lost, clean.corrupted, clean.stuck, clean.error]).toEqual([0, 0, 0, undefined]);
  });
});

describe('storm: regressions (scripts the storm shrank, cut down by hand)', () => {
  it('a rescan that removes a path while its check is in flight neither crashes the stack nor strands the device', async () => {
    // Found by seed 1 with 1000 faults: the SATP's answer for the removed path set its state, NMP
    // threw "vmhba0:C0:T0:L0 is not a path of ...", the device's evaluation never ended and its
    // commands stayed in APD for good.
    const script = `fio --name local --device mpx.vmhba0:C0:T0:L0 --rw randwrite --bs 4k --iodepth 4 --size 2m --runtime 60s --rate_iops 40 --verify &
sleep 1s
fault latency local-sas 2s
sleep 500ms
fault link vmhba0
esxcli storage core adapter rescan --all
sleep 5s
repair latency local-sas
repair link vmhba0
esxcli storage core adapter rescan --all
sleep 5s
kill local
sleep 230s
wait
fio --name check --device mpx.vmhba0:C0:T0:L0 --rw read --bs 4k --size 2m --verify
`;
    const r = await runStorm(script, 2);
    expect(r.error).toBeUndefined();
    expect([r.lost, r.corrupted, r.stuck]).toEqual([0, 0, 0]);
    expect(r.acknowledged).toBeGreaterThan(200);
  });
});
