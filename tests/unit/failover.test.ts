// Failover under verified workloads: whatever breaks, no acknowledged write is lost or wrong.
// Each case is a lab script, as a learner would run it, on a fresh classroom host.

import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';

const ALUA0 = 'naa.600140500a1a00010000000000000000';
const AP0 = 'naa.600140500a9a00020000000000000000';
const AA0 = 'naa.600140500aaa00030000000000000000';

async function lab(script: string): Promise<{ out: string; host: Host }> {
  const host = await Host.boot();
  let out = '';
  const failed = await new LabSession(host).runScript(script, (s) => (out += s));
  expect(failed, out).toBe(0);
  return { out, host };
}

function verify(out: string): { checked: number; failed: number; errors: number } {
  const v = /verify: (\d+) blocks checked, (\d+) failed/.exec(out);
  const e = /errors: (\d+)/.exec(out);
  if (!v || !e) throw new Error(`no fio summary in:\n${out}`);
  return { checked: Number(v[1]), failed: Number(v[2]), errors: Number(e[1]) };
}

const job = (vm: string, extra = '') => `fio --name j --vm ${vm} --rw randrw --bs 4k --iodepth 16 --size 8m --runtime 6s --verify ${extra} &`;

describe('failover under a verified workload', () => {
  it.each([
    ['alua', 'web01', ALUA0, 'vmhba1'],
    ['active/passive', 'backup01', AP0, 'vmhba1'],
    ['active/active', 'db01 --disk 1', AA0, 'vmhba1'],
  ])('cable pull on the %s array loses nothing', async (_, vm, device, adapter) => {
    const { out, host } = await lab(`${job(vm)}\nsleep 1s\nfault link ${adapter}\nsleep 2s\nrepair link ${adapter}\nwait`);
    const v = verify(out);
    expect(v.checked).toBeGreaterThan(1000);
    expect(v).toMatchObject({ failed: 0, errors: 0 });
    const d = host.nmp.device(device)!;
    // I/O went on through the other adapter while the cable was out.
    const other = d.paths.filter((p) => p.adapter !== adapter);
    expect(other.some((p) => p.counters.commands > 0)).toBe(true);
    expect(host.logLines.some((l) => l.includes(`${adapter} link down`))).toBe(true);
  });

  it('an SP failure on the active/passive array: the SATP activates the other SP (trespass)', async () => {
    const { out, host } = await lab(`${job('backup01')}\nsleep 1s\nfault sp ap-array SPA\nsleep 2s\nwait`);
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    const array = host.array('ap-array')!;
    expect(array.lun(0)!.owner).toBe(1); // LUN 0 now belongs to SPB
    const d = host.nmp.device(AP0)!;
    expect(d.paths.find((p) => p.port.sp.name === 'SPA')!.state).toBe('dead');
    expect(d.paths.find((p) => p.port.sp.name === 'SPB')!.state).toBe('active');
  });

  it('an array-initiated ALUA change moves I/O to the new optimized group', async () => {
    const { out, host } = await lab(`${job('web01')}\nsleep 1s\nfault alua alua-array 0 SPB ao\nsleep 2s\nwait`);
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    const d = host.nmp.device(ALUA0)!;
    for (const p of d.paths) expect(p.alua).toBe(p.port.sp.name === 'SPB' ? 'AO' : 'ANO');
    // MRU followed the optimized group: the working path is now through SPB.
    expect(d.workingPaths().map((p) => p.port.sp.name)).toEqual(['SPB']);
  });

  it('all paths down, then back before the APD timeout: I/O waits, nothing fails', async () => {
    const { out, host } = await lab(
      `${job('web01')}\nsleep 1s\nfault link vmhba1\nfault link vmhba2\nsleep 20s\nrepair link vmhba1\nrepair link vmhba2\nwait`,
    );
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    expect(host.logLines.some((l) => l.includes(`${ALUA0} has entered the All Paths Down state`))).toBe(true);
    expect(host.logLines.some((l) => l.includes(`${ALUA0} has exited the All Paths Down state`))).toBe(true);
  });

  it('all paths down past the APD timeout: commands fail back, no acknowledged write is lost', async () => {
    const { out, host } = await lab(
      `${job('web01')}\nsleep 1s\nfault link vmhba1\nfault link vmhba2\nsleep 150s\nesxcli storage core device list -d ${ALUA0}\nrepair link vmhba1\nrepair link vmhba2\nwait`,
    );
    const v = verify(out);
    expect(v.failed).toBe(0);
    expect(v.errors).toBeGreaterThan(0);
    expect(out).toMatch(/Status: dead/);
    expect(host.nmp.device(ALUA0)!.apdSince).toBe(-1); // it came back
  });

  it('permanent device loss: 05/25/00 on every path, the device is dead, writes fail but none is lost', async () => {
    const { out, host } = await lab(`${job('web01')}\nsleep 1s\nfault lun alua-array 0\nsleep 2s\nesxcli storage core device list -d ${ALUA0}\nwait`);
    const v = verify(out);
    expect(v.failed).toBe(0);
    expect(v.errors).toBeGreaterThan(0);
    expect(out).toMatch(/Status: dead/);
    expect(host.nmp.device(ALUA0)!.logical.permanentlyLost).toBe(true);
    expect(host.logLines.some((l) => l.includes('permanently lost (PDL'))).toBe(true);
  });

  it('a command that misses its timeout is aborted and retried on another path', async () => {
    const { out, host } = await lab(`${job('web01')}\nsleep 1s\nfault latency fabric-a 40s\nsleep 45s\nrepair latency fabric-a\nwait`);
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    expect(host.logLines.some((l) => /H:0x5/.test(l))).toBe(true); // ABORT
    const d = host.nmp.device(ALUA0)!;
    expect(d.paths.filter((p) => p.adapter === 'vmhba2').some((p) => p.counters.commands > 0)).toBe(true);
  });
});

describe('task management', () => {
  it('a LUN reset under load aborts the commands in flight; they are retried and nothing is lost', async () => {
    const { out, host } = await lab(
      `${job('web01')}\nsleep 1s\nvmkfstools -L lunreset /vmfs/devices/disks/${ALUA0}\nsleep 1s\nwait`,
    );
    expect(out).toMatch(/Lun Reset succeeded on naa\.600140500a1a00010000000000000000 \(1[0-9] commands aborted\)/);
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    // Another host sees the reset as a unit attention 29/00 on its next command.
    const array = host.array('alua-array')!;
    const { sendCdb } = await import('../../src/stack/initiator/sg-request');
    // First contact makes it a known I_T nexus; it had nothing pending yet.
    const first = await sendCdb(host.arena, array, array.ports[0], 0, { cdb: [0, 0, 0, 0, 0, 0], initiator: 'other-host' });
    expect(first.status).toBe(0);
    await new LabSession(host).run(`vmkfstools -L lunreset /vmfs/devices/disks/${ALUA0}`);
    const after = await sendCdb(host.arena, array, array.ports[0], 0, { cdb: [0, 0, 0, 0, 0, 0], initiator: 'other-host' });
    expect(after.status).toBe(2);
    expect(Array.from(after.sense.slice(12, 14))).toEqual([0x29, 0x00]);
  });

  it('refuses a bad vmkfstools line with a message', async () => {
    const host = await Host.boot();
    const session = new LabSession(host);
    expect(await session.run('vmkfstools -L lunreset /vmfs/devices/disks/naa.nope')).toEqual({ output: 'Could not open /vmfs/devices/disks/naa.nope: no such device', ok: false });
    expect((await session.run(`vmkfstools -L targetreset /vmfs/devices/disks/${ALUA0}`)).ok).toBe(false);
    expect((await session.run('vmkfstools')).output).toMatch(/usage: vmkfstools -L lunreset/);
  });
});

describe('more faults under a verified workload', () => {
  it('a flapping link: I/O keeps moving between adapters, nothing is lost', async () => {
    const { out, host } = await lab(`${job('web01')}\nsleep 1s\nfault flap vmhba1 400ms\nsleep 3s\nrepair flap vmhba1\nwait`);
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    const flaps = host.logLines.filter((l) => l.includes('vmhba1 link') && l.includes('(flapping)'));
    expect(flaps.length).toBeGreaterThanOrEqual(10);
    expect(host.adapter('vmhba1')!.linkUp).toBe(true);
  });

  it.each([
    ['a target port down', 'port 50:01:40:5a:01:00:00:00', 'port 50:01:40:5a:01:00:00:00'],
    ['an adapter failure', 'adapter vmhba2', 'adapter vmhba2'],
    ['a fabric latency spike', 'latency fabric-a 5ms', 'latency fabric-a'],
  ])('%s loses nothing', async (_, fault, repair) => {
    const { out } = await lab(`${job('web01')}\nsleep 1s\nfault ${fault}\nsleep 2s\nrepair ${repair}\nwait`);
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
  });

  it('a whole-array failure is all-paths-down for its devices; I/O resumes after the repair', async () => {
    const { out, host } = await lab(`${job('web01')}\nsleep 1s\nfault array alua-array\nsleep 5s\nrepair array alua-array\nwait`);
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    expect(host.logLines.some((l) => l.includes(`${ALUA0} has entered the All Paths Down state`))).toBe(true);
  });

  it('an administrator disables the working path: I/O moves, and comes back under Fixed failback', async () => {
    const { out, host } = await lab(
      `esxcli storage nmp device set -d ${AA0} --psp VMW_PSP_FIXED\n${job('db01 --disk 1')}\nsleep 1s\n` +
        `esxcli storage core path set -p vmhba1:C0:T3:L0 --state off\nsleep 1s\nesxcli storage nmp device list -d ${AA0}\n` +
        `esxcli storage core path set -p vmhba1:C0:T3:L0 --state active\nsleep 1s\nesxcli storage nmp device list -d ${AA0}\nwait`,
    );
    expect(verify(out)).toMatchObject({ failed: 0, errors: 0 });
    const working = [...out.matchAll(/Working Paths: (.*)/g)].map((m) => m[1]);
    expect(working).toEqual(['vmhba2:C0:T3:L0', 'vmhba1:C0:T3:L0']);
    expect(host.psa.path('vmhba1:C0:T3:L0')!.state).toBe('active');
  });
});
