// The workbench's view of the stack: a plain snapshot with live states, statistics frames over
// virtual intervals, and time controls that move time only through the lab session's turn.

import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { FrameMaker, type StatsFrame } from '../../src/stack/workbench/frames';
import { snapshot } from '../../src/stack/workbench/snapshot';
import { TimeControl } from '../../src/stack/workbench/time-control';

const ALUA0 = 'naa.600140500a1a00010000000000000000';

describe('workbench snapshot', () => {
  it('is plain data (structured-clone safe) with the topology, paths, devices, rules and VMs', async () => {
    const host = await Host.boot();
    const s = snapshot(host);
    expect(() => structuredClone(s)).not.toThrow();
    expect(s.topology.adapters.map((a) => a.name)).toEqual(['vmhba0', 'vmhba1', 'vmhba2']);
    expect(s.topology.arrays.map((a) => [a.name, a.personality, a.sps.map((sp) => sp.ports.length)])).toEqual([
      ['alua-array', 'alua', [2, 2]],
      ['ap-array', 'active-passive', [1, 1]],
      ['aa-array', 'active-active', [1, 1]],
      ['local-disk', 'active-active', [1]],
      ['vvol-array', 'active-active', [1, 1]],
    ]);
    expect(s.paths.filter((p) => p.device === ALUA0).map((p) => [p.name, p.alua])).toEqual([
      ['vmhba1:C0:T0:L0', 'AO'],
      ['vmhba1:C0:T1:L0', 'ANO'],
      ['vmhba2:C0:T0:L0', 'AO'],
      ['vmhba2:C0:T1:L0', 'ANO'],
    ]);
    const d = s.devices.find((x) => x.id === ALUA0)!;
    expect(d).toMatchObject({ satp: 'VMW_SATP_ALUA', psp: 'VMW_PSP_MRU', plugin: 'NMP', workingPaths: ['vmhba1:C0:T0:L0'] });
    expect(s.claimRules.find((r) => r.rule === 65535)).toMatchObject({ plugin: 'NMP', matches: 'vendor=* model=*' });
    expect(s.psps).toEqual(['VMW_PSP_FIXED', 'VMW_PSP_MRU', 'VMW_PSP_RR']);
    expect(s.vms.find((v) => v.name === 'web01')!.disks[0].device).toBe(ALUA0);
  });

  it('follows faults and masking: dead paths, masked paths, a failed SP', async () => {
    const host = await Host.boot();
    const session = new LabSession(host);
    for (const line of [
      'fault link vmhba1',
      'fault sp alua-array SPB',
      'esxcli storage core claiming unclaim -t location -A vmhba2 -C 0 -T 0 -L 0',
      'esxcli storage core claimrule add -r 300 -t location -A vmhba2 -C 0 -T 0 -L 0 -P MASK_PATH',
      'esxcli storage core claimrule load',
      'esxcli storage core claimrule run',
    ]) {
      expect((await session.run(line)).ok, line).toBe(true);
    }
    const s = snapshot(host);
    expect(s.topology.adapters.find((a) => a.name === 'vmhba1')!.linkUp).toBe(false);
    expect(s.topology.arrays[0].sps[1].up).toBe(false);
    expect(s.paths.find((p) => p.name === 'vmhba1:C0:T0:L0')!.state).toBe('dead');
    expect(s.paths.find((p) => p.name === 'vmhba2:C0:T0:L0')).toMatchObject({ masked: true, plugin: 'MASK_PATH' });
    expect(s.claimRules.filter((r) => r.rule === 300).map((r) => r.class)).toEqual(['runtime', 'file']);
  });
});

describe('statistics frames', () => {
  it('count each path\'s commands over the interval since the previous frame', async () => {
    const host = await Host.boot();
    const session = new LabSession(host);
    const frames = new FrameMaker(host);
    await session.run('esxcli storage nmp device set -d naa.600140500a1a00010000000000000000 --psp VMW_PSP_RR');
    await session.run('esxcli storage nmp psp roundrobin deviceconfig set -d naa.600140500a1a00010000000000000000 -t iops -I 1');
    await session.run('fio --vm web01 --rw randread --bs 4k --iodepth 8 --runtime 1s');
    const busy = frames.make();
    expect(busy.intervalUs).toBeGreaterThanOrEqual(1_000_000);
    const aluaPaths = busy.paths.filter((p) => p.name.endsWith(':L0') && p.name.includes(':T0') && !p.name.startsWith('vmhba0'));
    expect(aluaPaths.map((p) => p.name)).toEqual(['vmhba1:C0:T0:L0', 'vmhba2:C0:T0:L0']);
    for (const p of aluaPaths) expect(p.iops).toBeGreaterThan(1000); // RR with iops=1 uses both AO paths
    expect(busy.vms.find((v) => v.name === 'web01')!.readMBps).toBeGreaterThan(1);
    expect(busy.histogram.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    await session.run('sleep 1s');
    const idle = frames.make();
    expect(idle.paths.every((p) => p.iops === 0)).toBe(true);
    expect(idle.histogram.counts.every((n) => n === 0)).toBe(true);
  });
});

describe('time controls', () => {
  it('step moves virtual time by the amount asked and sends a frame', async () => {
    const host = await Host.boot();
    const got: StatsFrame[] = [];
    const time = new TimeControl(new LabSession(host), (f) => got.push(f));
    const before = host.clock.now;
    await time.step(2_500_000);
    expect(host.clock.now).toBe(before + 2_500_000);
    expect(got).toHaveLength(1);
    expect(got[0].nowUs).toBe(host.clock.now);
  });

  it('as fast as possible runs time on its own until paused; 1x paces it to the wall clock', async () => {
    const host = await Host.boot();
    const got: StatsFrame[] = [];
    const time = new TimeControl(new LabSession(host), (f) => got.push(f));
    const start = host.clock.now;
    time.setSpeed('max');
    await new Promise((r) => setTimeout(r, 300));
    time.setSpeed('paused');
    const afterMax = host.clock.now;
    expect(afterMax - start).toBeGreaterThan(1_000_000); // far more than 300 ms of virtual time
    expect(got.length).toBeGreaterThan(2);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = host.clock.now;
    await new Promise((r) => setTimeout(r, 100));
    expect(host.clock.now).toBe(stopped); // paused means paused
    time.setSpeed('1x');
    await new Promise((r) => setTimeout(r, 400));
    time.setSpeed('paused');
    const paced = host.clock.now - stopped;
    expect(paced).toBeGreaterThan(150_000);
    expect(paced).toBeLessThan(1_200_000);
  });

  it('does not move time in the middle of a console command', async () => {
    const host = await Host.boot();
    const session = new LabSession(host);
    const time = new TimeControl(session, () => {});
    time.setSpeed('max');
    const start = host.clock.now;
    // The sleep starts in the session's turn: whatever max speed added before it, the sleep adds 1 s.
    const before = await session.exclusive(async () => host.clock.now);
    const result = await session.exclusive(async () => {
      const t0 = host.clock.now;
      await host.advance(1_000_000);
      return host.clock.now - t0;
    });
    time.setSpeed('paused');
    expect(before).toBeGreaterThanOrEqual(start);
    expect(result).toBe(1_000_000);
  });
});
