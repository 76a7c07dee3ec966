// fio-like workloads in virtual time (src/stack/sim/workload.ts), the fio front end
// (src/stack/cli/fio.ts) and esxtop snapshots (src/stack/cli/esxtop.ts) on the classroom host.

import { describe, expect, it } from 'vitest';
import { Host } from '../../src/stack/host';
import { sendCdb } from '../../src/stack/initiator/sg-request';
import { classroomScenario } from '../../src/stack/scenario/classroom';
import type { Scenario } from '../../src/stack/scenario/types';
import { Workload } from '../../src/stack/sim/workload';
import type { WorkloadOptions } from '../../src/stack/sim/workload-options';
import { parseFioArgs, runFio, startFio } from '../../src/stack/cli/fio';
import { esxtop } from '../../src/stack/cli/esxtop';

function vmJob(host: Host, vmName: string, options: Partial<WorkloadOptions>, disk = 0): Workload {
  const d = host.vm(vmName)!.disks[disk];
  return new Workload(host, { device: d.device!, world: d.world, rw: 'randread', bs: 4096, iodepth: 1, ...options });
}

async function runJobs(host: Host, ...jobs: Workload[]): Promise<void> {
  for (const job of jobs) if (job.currentPhase === 'idle') job.start();
  while (jobs.some((j) => !j.isFinished)) await host.advanceTo(host.clock.now + 10_000);
}

const iops = (job: Workload, dir: 'read' | 'write' = 'read') => (job[dir].ios / job.elapsedUs) * 1e6;

/** WRITE(10) of `blocks` 512-byte blocks of `fill` straight to alua-array LUN 0, around the host. */
async function corrupt(host: Host, lba: number, blocks: number, fill = 0xab): Promise<void> {
  const array = host.array('alua-array')!;
  const cdb = [0x2a, 0, (lba >>> 24) & 255, (lba >>> 16) & 255, (lba >>> 8) & 255, lba & 255, 0, (blocks >> 8) & 255, blocks & 255, 0];
  const r = await sendCdb(host.arena, array, array.sps[0].ports[0], 0, { cdb, dataOut: new Uint8Array(blocks * 512).fill(fill) });
  expect(r.status).toBe(0);
}

/** Rows of one esxtop screen as {column: cell}. */
function parseScreen(text: string): { title: string; headers: string[]; rows: Record<string, string>[] } {
  const [title, header, ...lines] = text.split('\n');
  const headers = header.trim().split(/\s+/);
  const rows = lines.map((line) => {
    const cells = line.trim().split(/\s+/);
    expect(cells).toHaveLength(headers.length);
    return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
  });
  return { title, headers, rows };
}

describe('workload: throughput and latency', () => {
  it("a 4k randread job on web01 obeys Little's law and scales with iodepth", async () => {
    const host = await Host.boot();
    const deep = vmJob(host, 'web01', { iodepth: 16, runtimeUs: 1_000_000 });
    await runJobs(host, deep);
    const lat = deep.read.lat.meanUs;
    expect(deep.read.ios).toBeGreaterThan(1000);
    expect(deep.read.errors).toBe(0);
    expect(deep.write.ios).toBe(0);
    expect(Math.abs(iops(deep) - 16e6 / lat) / (16e6 / lat)).toBeLessThan(0.1);
    // The runtime ends the job: no command starts after it, the last ones come back right after.
    expect(deep.elapsedUs).toBeGreaterThanOrEqual(1_000_000);
    expect(deep.elapsedUs).toBeLessThan(1_000_000 + 5 * lat);
    // One command at a time: the same latency, a sixteenth of the rate.
    const shallow = vmJob(host, 'web01', { iodepth: 1, runtimeUs: 1_000_000 });
    await runJobs(host, shallow);
    expect(Math.abs(iops(shallow) - 1e6 / shallow.read.lat.meanUs) / iops(shallow)).toBeLessThan(0.1);
    expect(iops(deep) / iops(shallow)).toBeGreaterThan(12);
    // The histogram's percentiles are ordered and bracket the mean.
    const p = deep.read.lat.percentilesNs();
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]);
    expect(p[0] / 1000).toBeLessThanOrEqual(lat * 1.02);
    expect(p[p.length - 1] / 1000).toBeGreaterThanOrEqual(lat);
  });

  it('a sequential job without runtime makes one pass over size; number_ios stops a random one', async () => {
    const host = await Host.boot();
    const pass = vmJob(host, 'web01', { rw: 'read', bs: 65536, iodepth: 4, size: 4 << 20 });
    const counted = vmJob(host, 'db01', { rw: 'randwrite', iodepth: 8, ios: 1000 });
    await runJobs(host, pass, counted);
    expect(pass.read.ios).toBe(64);
    expect(pass.read.bytes).toBe(4 << 20);
    expect(counted.write.ios).toBe(1000);
    expect(counted.read.ios).toBe(0);
  });
});

describe('workload: verify', () => {
  it('writes then reads back every written block: N checked, 0 failed', async () => {
    const host = await Host.boot();
    const job = vmJob(host, 'web01', { rw: 'write', bs: 4096, iodepth: 8, size: 1 << 20, verify: true });
    await runJobs(host, job);
    expect(job.write.ios).toBe(256);
    expect(job.read.ios).toBe(256); // the read-back pass
    expect(job.verifyChecked).toBe(2048); // 1 MiB of 512-byte blocks
    expect(job.verifyFailed).toBe(0);
    const text = await runFio(host, parseFioArgs(['--vm', 'db01', '--rw', 'randwrite', '--bs', '64k', '--iodepth', '16', '--size', '8m', '--runtime', '50ms', '--verify'], host));
    const m = /verify: (\d+) blocks checked, (\d+) failed/.exec(text)!;
    expect(Number(m[1])).toBeGreaterThan(0);
    expect(Number(m[1]) % 128).toBe(0); // whole 64k units of 512-byte blocks
    expect(m[2]).toBe('0');
  });

  it('mixed random I/O on a region smaller than iodepth never races a write (no false failures)', async () => {
    const host = await Host.boot();
    // 16 units, 48 slots: most picks collide with a write in flight and must go elsewhere or wait.
    const job = vmJob(host, 'web01', { rw: 'randrw', bs: 4096, iodepth: 48, size: 64 << 10, runtimeUs: 200_000, verify: true });
    await runJobs(host, job);
    expect(job.read.ios).toBeGreaterThan(1000);
    expect(job.write.ios).toBeGreaterThan(1000);
    expect(job.verifyChecked).toBeGreaterThan(8000);
    expect(job.verifyFailed).toBe(0);
    expect(job.read.errors + job.write.errors).toBe(0);
  });

  it('reports blocks corrupted on the array behind the jobs’ back, and non-zero never-written blocks', async () => {
    const host = await Host.boot();
    const writer = vmJob(host, 'web01', { rw: 'write', bs: 4096, iodepth: 4, size: 256 << 10, verify: true });
    await runJobs(host, writer);
    expect(writer.verifyChecked).toBe(512);
    expect(writer.verifyFailed).toBe(0);
    await corrupt(host, 8, 3); // written blocks 8..10
    await corrupt(host, 1500, 1); // never written by any job: must read as zeros
    const reader = vmJob(host, 'web01', { rw: 'read', bs: 4096, iodepth: 4, size: 1 << 20, verify: true });
    await runJobs(host, reader);
    expect(reader.verifyChecked).toBe(2048);
    expect(reader.verifyFailed).toBe(4);
    expect(reader.firstFailure?.lba).toBe(8);
    expect(reader.read.errors).toBe(0);
  });

  it('catches corruption in the middle of a running verify job', async () => {
    const run = async (corruptIt: boolean) => {
      const host = await Host.boot();
      const handle = startFio(host, parseFioArgs(['--vm', 'web01', '--rw', 'randrw', '--size', '128k', '--iodepth', '8', '--runtime', '200ms', '--verify'], host));
      await host.advanceTo(host.clock.now + 100_000);
      if (corruptIt) await corrupt(host, 0, 256, 0x5a); // the whole 128k region
      while (handle.isRunning) await host.advanceTo(host.clock.now + 10_000);
      return { job: handle.job, text: await handle.finished };
    };
    const clean = await run(false);
    expect(clean.job.verifyFailed).toBe(0);
    const bad = await run(true);
    expect(bad.job.verifyFailed).toBeGreaterThan(0);
    expect(bad.text).toMatch(/verify: \d+ blocks checked, [1-9]\d* failed/);
    expect(bad.text).toMatch(/first bad block: lba=\d+/);
  });

  it('counts failed commands as errors and goes on (continue_on_error)', async () => {
    const host = await Host.boot();
    const job = vmJob(host, 'web01', { iodepth: 4, runtimeUs: 300_000 });
    job.start();
    await host.advanceTo(host.clock.now + 100_000);
    const before = job.read.ios;
    const array = host.array('alua-array')!;
    array.setLunLost(array.luns.find((l) => l.number === 0)!, true); // PDL
    while (!job.isFinished) await host.advanceTo(host.clock.now + 10_000);
    expect(before).toBeGreaterThan(100);
    expect(job.read.errors).toBeGreaterThan(10);
    expect(job.read.ios).toBeGreaterThanOrEqual(before);
    expect(job.elapsedUs).toBeGreaterThanOrEqual(300_000);
  });
});

describe('workload: shares and limits', () => {
  it('two VMs on one device with shares 2000 and 1000 get 2:1 under contention', async () => {
    const scenario: Scenario = structuredClone(classroomScenario);
    scenario.vms = [
      { name: 'gold', shares: 2000, disks: [{ array: 'alua-array', lun: 0 }] },
      { name: 'bronze', shares: 1000, disks: [{ array: 'alua-array', lun: 0 }] },
    ];
    const host = await Host.boot({ scenario });
    const gold = vmJob(host, 'gold', { iodepth: 64, runtimeUs: 500_000 });
    const bronze = vmJob(host, 'bronze', { iodepth: 64, runtimeUs: 500_000 });
    await runJobs(host, gold, bronze);
    const ratio = gold.read.ios / bronze.read.ios;
    expect(ratio).toBeGreaterThan(2 * 0.85);
    expect(ratio).toBeLessThan(2 * 1.15);
    // Contention shows up as queueing in the kernel for the low-shares world.
    expect(bronze.read.lat.meanUs).toBeGreaterThan(1.5 * gold.read.lat.meanUs);
  });

  it("backup01's IOPS limit (500) holds within 5%, shared by all the VM's jobs", async () => {
    const host = await Host.boot();
    expect(host.vm('backup01')!.iopsLimit).toBe(500);
    const one = vmJob(host, 'backup01', { iodepth: 16, runtimeUs: 2_000_000 });
    await runJobs(host, one);
    expect(Math.abs(iops(one) - 500) / 500).toBeLessThan(0.05);
    // The wait for the limit is inside the hypervisor: the guest sees it as latency.
    expect(one.read.lat.meanUs).toBeGreaterThan(16_000);
    const a = vmJob(host, 'backup01', { iodepth: 8, runtimeUs: 2_000_000, name: 'a' });
    const b = vmJob(host, 'backup01', { rw: 'randwrite', iodepth: 8, runtimeUs: 2_000_000, name: 'b' });
    await runJobs(host, a, b);
    const total = iops(a) + iops(b, 'write');
    expect(Math.abs(total - 500) / 500).toBeLessThan(0.05);
    expect(iops(a)).toBeGreaterThan(200);
    expect(iops(b, 'write')).toBeGreaterThan(200);
    // An unlimited VM with the same job goes far past it.
    const web = vmJob(host, 'web01', { iodepth: 16, runtimeUs: 200_000 });
    await runJobs(host, web);
    expect(iops(web)).toBeGreaterThan(5000);
  });

  it('rate_iops caps the job itself', async () => {
    const host = await Host.boot();
    const text = await runFio(host, parseFioArgs(['--vm', 'web01', '--rw', 'randread', '--iodepth', '8', '--runtime', '2s', '--rate_iops', '300'], host));
    const m = /read: IOPS=(\d+),/.exec(text)!;
    expect(Math.abs(Number(m[1]) - 300)).toBeLessThanOrEqual(15);
  });
});

describe('fio summary', () => {
  const args = ['--vm', 'web01', '--name', 'mix', '--rw', 'randrw', '--rwmixread', '70', '--bs', '4k', '--iodepth', '8', '--runtime', '100ms', '--verify'];

  it("is shaped like fio's", async () => {
    const host = await Host.boot();
    const text = await runFio(host, parseFioArgs(args, host));
    const lines = text.split('\n');
    expect(lines[0]).toBe('mix: (g=0): rw=randrw, bs=(R) 4096B-4096B, (W) 4096B-4096B, (T) 4096B-4096B, ioengine=pathlab, iodepth=8');
    expect(lines[1]).toMatch(/^mix: \(groupid=0, jobs=1\): err= 0: world=web01:0: device=naa\.[0-9a-f]{32}$/);
    expect(lines[2]).toMatch(/^ {2}read: IOPS=\d+(\.\d+)?k?, BW=[\d.]+MiB\/s \([\d.]+MB\/s\)\([\d.]+MiB\/100msec\)$/);
    expect(lines[3]).toMatch(/^ {4}clat \(usec\): min=\d+, max=\d+, avg=[ \d]+\.\d\d, stdev=[ \d]+\.\d\d$/);
    expect(lines[4]).toBe('    clat percentiles (usec):');
    expect(lines[5]).toMatch(/^ {5}\| {2}1\.00th=\[ *\d+\], {2}5\.00th=\[ *\d+\], 10\.00th=\[ *\d+\], 20\.00th=\[ *\d+\],$/);
    expect(lines[9]).toMatch(/^ {5}\| 99\.99th=\[ *\d+\]$/);
    expect(lines[10]).toMatch(/^ {2}write: IOPS=/);
    expect(text).toMatch(/\n {2}verify: \d+ blocks checked, 0 failed\n/);
    expect(text).toMatch(/\n {2}errors: 0\n/);
    expect(text).toMatch(/\n {3}READ: bw=.*run=100-100msec\n {2}WRITE: bw=/);
    // rwmixread 70: about 70 % reads.
    const r = Number(/read: IOPS=([\d.]+)k/.exec(text)![1]);
    const w = Number(/write: IOPS=([\d.]+)k/.exec(text)![1]);
    expect(r / (r + w)).toBeGreaterThan(0.65);
    expect(r / (r + w)).toBeLessThan(0.75);
  });

  it('is identical for the same seed and differs for another', async () => {
    const run = async (seed?: number) => {
      const host = await Host.boot(seed === undefined ? {} : { seed });
      return runFio(host, parseFioArgs(args, host));
    };
    const a = await run();
    const b = await run();
    const c = await run(2);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

describe('esxtop', () => {
  it('shows every adapter, device, path and VM, with rates over the interval since the last snapshot', async () => {
    const host = await Host.boot();
    const jobs = [
      ['--vm', 'web01', '--rw', 'randrw'],
      ['--vm', 'db01', '--disk', '0', '--rw', 'randread'],
      ['--vm', 'db01', '--disk', '1', '--rw', 'write', '--bs', '64k', '--size', '8m'],
      ['--vm', 'backup01', '--rw', 'randread'],
    ].map((a) => startFio(host, parseFioArgs([...a, '--iodepth', '8', '--runtime', '1s'], host)));
    await host.advanceTo(host.clock.now + 500_000);

    const adapter = parseScreen(esxtop(host, 'adapter'));
    expect(adapter.title).toMatch(/^esxtop adapter: /);
    expect(adapter.headers).toEqual('ADAPTR PATH NPTH AQLEN CMDS/s READS/s WRITES/s MBREAD/s MBWRTN/s DAVG/cmd KAVG/cmd GAVG/cmd QAVG/cmd'.split(' '));
    expect(adapter.rows.map((r) => r.ADAPTR)).toEqual(host.adapters.map((a) => a.name));
    for (const r of adapter.rows) expect(r['CMDS/s']).toMatch(/^\d+\.\d\d$/);

    const device = parseScreen(esxtop(host, 'device'));
    expect(device.headers).toEqual(
      'DEVICE PATH/WORLD/PARTITION DQLEN WQLEN ACTV QUED %USD LOAD CMDS/s READS/s WRITES/s MBREAD/s MBWRTN/s DAVG/cmd KAVG/cmd GAVG/cmd QAVG/cmd'.split(' '),
    );
    expect(device.rows).toHaveLength(host.psa.devices.size);
    const path = parseScreen(esxtop(host, 'path'));
    expect(path.headers.slice(0, 3)).toEqual(['PATH', 'ADAPTR', 'DEVICE']);
    expect(path.rows.map((r) => r.PATH)).toEqual(host.psa.paths.map((p) => p.name));
    const vm = parseScreen(esxtop(host, 'vm'));
    expect(vm.headers).toEqual('GID VMNAME VDEVNAME NVDISK ACTV QUED CMDS/s READS/s WRITES/s MBREAD/s MBWRTN/s LAT/rd LAT/wr KAVG/cmd GAVG/cmd'.split(' '));
    expect(vm.rows.map((r) => r.VMNAME)).toEqual(['web01', 'db01', 'backup01']);

    // Every VM disk's device, every VM, and the adapters and paths that carried them are busy.
    const cmds = (rows: Record<string, string>[]) => rows.reduce((s, r) => s + Number(r['CMDS/s']), 0);
    for (const v of host.vms) {
      for (const d of v.disks) expect(Number(device.rows.find((r) => r.DEVICE === d.device!.id)!['CMDS/s'])).toBeGreaterThan(0);
    }
    for (const r of vm.rows) expect(Number(r['CMDS/s'])).toBeGreaterThan(0);
    // backup01's limit (the first interval also holds the 10 ms the host took to settle at boot).
    expect(Number(vm.rows[2]['CMDS/s'])).toBeGreaterThan(470);
    expect(Number(vm.rows[2]['CMDS/s'])).toBeLessThanOrEqual(500);
    expect(Number(vm.rows[2]['KAVG/cmd'])).toBeGreaterThan(1); // waiting for it, in the kernel
    const busyAdapters = adapter.rows.filter((r) => Number(r['CMDS/s']) > 0).map((r) => r.ADAPTR);
    const usedAdapters = [...new Set(host.psa.paths.filter((p) => p.counters.commands > 0).map((p) => p.adapter))];
    expect(busyAdapters.sort()).toEqual(usedAdapters.sort());
    expect(busyAdapters.length).toBeGreaterThan(0);
    expect(path.rows.filter((r) => Number(r['CMDS/s']) > 0).length).toBeGreaterThanOrEqual(4);
    // The same commands, counted at each level (no failures, so no retries on paths).
    expect(Math.abs(cmds(adapter.rows) - cmds(device.rows)) / cmds(device.rows)).toBeLessThan(0.01);
    expect(Math.abs(cmds(path.rows) - cmds(device.rows)) / cmds(device.rows)).toBeLessThan(0.01);
    expect(Math.abs(cmds(vm.rows) - cmds(device.rows)) / cmds(device.rows)).toBeLessThan(0.01);
    const webDevice = host.vm('web01')!.disks[0].device!.id;
    expect(Number(vm.rows[0]['CMDS/s'])).toBeCloseTo(Number(device.rows.find((r) => r.DEVICE === webDevice)!['CMDS/s']), 0);

    // Rates are since the previous snapshot of the same screen: after the jobs end, all zero.
    while (jobs.some((h) => h.isRunning)) await host.advanceTo(host.clock.now + 10_000);
    esxtop(host, 'device');
    await host.advanceTo(host.clock.now + 1_000_000);
    const idle = parseScreen(esxtop(host, 'device'));
    expect(idle.title).toMatch(/interval 1\.000000s$/);
    for (const r of idle.rows) expect(r['CMDS/s']).toBe('0.00');
    // ...while another screen still counts from its own last snapshot.
    expect(cmds(parseScreen(esxtop(host, 'vm')).rows)).toBeGreaterThan(0);
  });
});

describe('fio arguments', () => {
  it('parses sizes, times and flags', async () => {
    const host = await Host.boot();
    const spec = parseFioArgs(['--vm', 'db01', '--disk=1', '--rw=randrw', '--bs', '1m', '--iodepth', '32', '--size', '1g', '--runtime', '500ms', '--rwmixread', '70', '--rate_iops', '100', '--verify=1', '--name', 'j'], host);
    expect(spec).toMatchObject({ name: 'j', vm: 'db01', disk: 1, world: 'db01:1', rw: 'randrw', bs: 1 << 20, iodepth: 32, size: 1 << 30, runtimeUs: 500_000, rwmixread: 70, rateIops: 100, verify: true });
    expect(spec.deviceId).toBe(host.vm('db01')!.disks[1].device!.id);
    const d = parseFioArgs(['--device', spec.deviceId, '--runtime', '10s', '--verify', '--bs', '64k'], host);
    expect(d).toMatchObject({ world: 'fio', vm: undefined, name: 'fio', rw: 'read', bs: 65536, iodepth: 1, runtimeUs: 10_000_000, verify: true, size: undefined });
    expect(parseFioArgs(['--vm', 'web01', '--verify=0'], host).verify).toBe(false);
  });

  it('rejects bad or missing values with the option in the message', async () => {
    const host = await Host.boot();
    const bad = (argv: string[], pattern: RegExp) => expect(() => parseFioArgs(argv, host)).toThrow(pattern);
    bad([], /--vm NAME or --device ID/);
    bad(['--vm', 'nosuch'], /--vm: no VM named "nosuch"/);
    bad(['--vm', 'web01', '--disk', '1'], /--disk: web01 has 1 disk/);
    bad(['--device', 'naa.0000'], /--device: no device/);
    bad(['--vm', 'web01', '--device', 'x'], /--device: give either/);
    bad(['--vm', 'web01', '--rw', 'randomread'], /--rw: "randomread"/);
    bad(['--vm', 'web01', '--bs', '4x'], /--bs: "4x" is not a size/);
    bad(['--vm', 'web01', '--bs', '1000'], /--bs: 1000 is not a multiple of the device's 512-byte blocks/);
    bad(['--vm', 'web01', '--bs', '16m'], /--bs: .*maximum transfer/);
    bad(['--vm', 'web01', '--iodepth', '0'], /--iodepth: 0 is not in 1\.\.1024/);
    bad(['--vm', 'web01', '--iodepth', '2048'], /--iodepth: 2048/);
    bad(['--vm', 'web01', '--iodepth'], /--iodepth: needs a value/);
    bad(['--vm', 'web01', '--iodepth', '--verify'], /--iodepth: needs a value/);
    bad(['--vm', 'web01', '--size', '1t'], /--size: .* more than the device/);
    bad(['--vm', 'web01', '--runtime', 'soon'], /--runtime: "soon" is not a time/);
    bad(['--vm', 'web01', '--rwmixread', '150'], /--rwmixread: 150 is not in 0\.\.100/);
    bad(['--vm', 'web01', '--rate_iops', '-5'], /--rate_iops: "-5"/);
    bad(['--vm', 'web01', '--verify=maybe'], /--verify: "maybe"/);
    bad(['--vm', 'web01', '--bogus', '1'], /unknown option --bogus/);
    bad(['--vm', 'web01', 'randread'], /unexpected argument "randread"/);
    // A 4096-byte-block device refuses 512-byte commands.
    const big = [...host.psa.devices.values()].find((dev) => dev.blockSize === 4096)!;
    bad(['--device', big.id, '--bs', '512'], /--bs: 512 is not a multiple of the device's 4096-byte blocks/);
  });
});
