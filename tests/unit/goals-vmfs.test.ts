// The goal kinds of lessons 15 and 16, each met and unmet on a live classroom host with its peer
// esxi02: clones by either data mover (their bytes compared on the array), an advanced setting and
// a value it went through, VAAI counters across a peer's reboot, on-disk locks and who holds them,
// a peer's crash and boot, the learner's fio job on a file, and an array-native vVol snapshot.
// Then the shared view those goals read, as the page's snapshot carries it.

import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { esxcli } from '../../src/stack/cli/esxcli';
import { GoalContext } from '../../src/stack/lessons/context';
import { goalChecker, goalPreparer, validateGoal, type GoalSpec } from '../../src/stack/lessons/goals';
import { fileTarget } from '../../src/stack/vmfs/file-io';
import { existingVmfs } from '../../src/stack/vmfs/vmfs';
import { snapshot } from '../../src/stack/workbench/snapshot';

const AA1 = 'naa.600140500aaa00030000000000000001';
const DS = '/vmfs/volumes/shared01';

/** A learner's session with a goal context; every command is recorded and the goals prepared after it, as LessonRun does. */
async function session(goals: GoalSpec[] = []) {
  const host = await Host.boot();
  const s = new LabSession(host);
  const context = new GoalContext(host);
  context.begin();
  const prepareAll = async () => {
    for (const g of goals) await goalPreparer(validateGoal(g, 'test', 'goals[0]'))(host, context);
  };
  await prepareAll();
  const run = async (line: string, ok = true) => {
    const r = await s.run(line);
    expect(r.ok, `${line}\n${r.output}`).toBe(ok);
    context.record(line, r.output, r.ok);
    for (const h of s.jobs) if (!context.jobs.includes(h)) context.jobs.push(h);
    context.refresh();
    await prepareAll();
    return r.output;
  };
  const check = async (g: GoalSpec) => {
    const goal = validateGoal(g, 'test', 'goals[0]');
    await goalPreparer(goal)(host, context);
    return goalChecker(goal)(host, context);
  };
  return { host, run, check };
}

describe('vmfs-clone and advanced-setting', () => {
  const xcopy = { kind: 'vmfs-clone', source: `${DS}/web01.vmdk`, destination: `${DS}/b.vmdk`, mover: 'hardware' };
  const hostCopy = { kind: 'vmfs-clone', source: `${DS}/web01.vmdk`, destination: `${DS}/c.vmdk`, mover: 'software' };
  const backOn = { kind: 'advanced-setting', path: '/DataMover/HardwareAcceleratedMove', value: 1, was: 0 };

  it('follow a clone by XCOPY, one by the host, the setting off and on again, and a clone changed afterwards', async () => {
    const { host, run, check } = await session([xcopy, hostCopy, backOn]);
    await run(`vmkfstools -C vmfs6 -S shared01 /vmfs/devices/disks/${AA1}`);
    await run(`vmkfstools -c 8m ${DS}/web01.vmdk`);
    await run(`fio --name fill --filename ${DS}/web01.vmdk --rw write --bs 1m --iodepth 4`);
    expect((await check(xcopy)).message).toBe(`you have not cloned anything to ${DS}/b.vmdk yet: vmkfstools -i ${DS}/web01.vmdk ${DS}/b.vmdk`);
    expect((await check(backOn)).message).toBe(
      '/DataMover/HardwareAcceleratedMove is 1 and has not been 0 since the lesson began: esxcli system settings advanced set -o /DataMover/HardwareAcceleratedMove -i 0, and later back to 1',
    );

    await run(`vmkfstools -i ${DS}/web01.vmdk ${DS}/b.vmdk`);
    const hw = await check(xcopy);
    expect(hw.met, hw.message).toBe(true);
    expect(hw.message).toMatch(new RegExp(`^${DS}/b.vmdk was copied by the array \\(XCOPY: 2 EXTENDED COPY commands\\); (\\d+) bytes crossed the fabric for a 8388608-byte disk; its bytes equal ${DS}/web01.vmdk's$`));
    expect(Number(/; (\d+) bytes crossed/.exec(hw.message)![1])).toBeLessThan(4096);
    // The same clone wanted from the host's data mover: what it was, and how to get the other.
    expect((await check({ ...xcopy, mover: 'software' })).message).toMatch(/was copied by the array .* This goal wants the software data mover: turn \/DataMover\/HardwareAcceleratedMove off/);
    expect((await check({ ...xcopy, source: `${DS}/other.vmdk` })).message).toBe(`${DS}/b.vmdk was cloned from ${DS}/web01.vmdk, not ${DS}/other.vmdk: delete it (vmkfstools -U ${DS}/b.vmdk) and clone ${DS}/other.vmdk`);

    await run('esxcli system settings advanced set -o /DataMover/HardwareAcceleratedMove -i 0');
    expect((await check(backOn)).message).toBe('/DataMover/HardwareAcceleratedMove is 0; set it to 1 (esxcli system settings advanced set -o /DataMover/HardwareAcceleratedMove -i 1)');
    await run(`vmkfstools -i ${DS}/web01.vmdk ${DS}/c.vmdk`);
    const sw = await check(hostCopy);
    expect(sw).toEqual({
      met: true,
      message: `${DS}/c.vmdk was copied by the host (8 READs and 8 WRITEs: /DataMover/HardwareAcceleratedMove is 0); 16777216 bytes crossed the fabric for a 8388608-byte disk; its bytes equal ${DS}/web01.vmdk's`,
    });
    await run('esxcli system settings advanced set -o /DataMover/HardwareAcceleratedMove -i 1');
    expect(await check(backOn)).toEqual({ met: true, message: '/DataMover/HardwareAcceleratedMove was 0 and is 1 again' });
    expect((await check({ kind: 'advanced-setting', path: '/DataMover/NoSuchThing', value: 1 })).message).toBe('there is no advanced setting /DataMover/NoSuchThing');

    // Writing to the clone afterwards: its bytes no longer equal the source's, read from the array.
    await run(`fio --name scribble --filename ${DS}/b.vmdk --rw write --bs 4k --number_ios 1`);
    const changed = await check(xcopy);
    expect(changed.met).toBe(false);
    expect(changed.message).toMatch(new RegExp(`^${DS}/b.vmdk differs from ${DS}/web01.vmdk from byte \\d+: something wrote to one of them after the clone`));
    // And one written past every host, straight to the array with sg: the compare sees it too.
    expect((await check(hostCopy)).met).toBe(true);
    const lba = fileTarget(host, `${DS}/c.vmdk`).baseLba;
    const be32 = [24, 16, 8, 0].map((s) => ((lba >>> s) & 0xff).toString(16).padStart(2, '0')).join(' ');
    await run(`sg --array aa-array --lun 1 --data-out ${'a5'.repeat(4096)} 2a 00 ${be32} 00 00 01 00`);
    expect((await check(hostCopy)).message).toMatch(new RegExp(`^${DS}/c.vmdk differs from ${DS}/web01.vmdk from byte 0:`));
  }, 60_000);

  it('do not count a clone the start script made', async () => {
    const host = await Host.boot();
    const s = new LabSession(host);
    for (const line of [`vmkfstools -C vmfs6 -S shared01 /vmfs/devices/disks/${AA1}`, `vmkfstools -c 4m ${DS}/web01.vmdk`, `vmkfstools -i ${DS}/web01.vmdk ${DS}/b.vmdk`]) {
      expect((await s.run(line)).ok).toBe(true);
    }
    const context = new GoalContext(host);
    context.begin();
    const goal = validateGoal(xcopy, 'test', 'goals[0]');
    await goalPreparer(goal)(host, context);
    expect(goalChecker(goal)(host, context).message).toMatch(/^you have not cloned anything to/);
  }, 30_000);
});

describe('vaai-stat, vmfs-lock, peer-host and file-io on a datastore both hosts mount', () => {
  const atsf = { kind: 'vaai-stat', device: AA1, counter: 'ATSF', min: 1 };
  const rebooted = { kind: 'peer-host', host: 'esxi02', state: 'up', rebooted: true };
  const lock = { kind: 'vmfs-lock', file: `${DS}/app01.vmdk`, holder: 'esxi01', mode: 'exclusive', brokeStale: true };
  const { brokeStale: _, ...held } = lock;
  const io = { kind: 'file-io', file: `${DS}/app01.vmdk`, min: 300, running: true };
  const app01 = (where: string) => `${where}fio --name app01 --filename ${DS}/app01.vmdk --rw randrw --bs 4k --iodepth 1 --rate_iops 100 --runtime 1h &`;
  const race = (where: string) => `${where}fio --name race --filename ${DS}/scratch.vmdk --rw randwrite --bs 4k --iodepth 2 --runtime 2s &`;

  it('follow a race, a lock held by the peer, its crash, the stale lock broken and the peer booted again', async () => {
    const { run, check } = await session([atsf, rebooted]);
    await run(`vmkfstools -C vmfs6 -S shared01 /vmfs/devices/disks/${AA1}`);
    await run('on esxi02 esxcli storage filesystem rescan');
    await run(`vmkfstools -c 16m -d thin ${DS}/app01.vmdk`);
    await run(`vmkfstools -c 16m -d thin ${DS}/scratch.vmdk`);
    await run('sleep 4s');
    expect((await check({ ...lock, file: `${DS}/nope.vmdk` })).message).toBe('there is no file nope.vmdk on shared01 (files: app01.vmdk, scratch.vmdk)');
    expect((await check(lock)).message).toMatch(/^\/vmfs\/volumes\/shared01\/app01.vmdk is not locked: nothing has it open/);
    expect((await check(io)).message).toBe(`you have started no background fio job on ${DS}/app01.vmdk: fio --name NAME --filename ${DS}/app01.vmdk --rw randrw --bs 4k --runtime 1h &`);
    await run(app01('on esxi02 '));
    await run('sleep 1s');
    expect((await check(lock)).message).toMatch(/^\/vmfs\/volumes\/shared01\/app01.vmdk is locked in exclusive mode by esxi02.pathlab.local \(lock version \d+\), not in exclusive mode by esxi01$/);
    expect((await check({ ...held, holder: 'esxi02' })).met).toBe(true);

    // The learner's job on it is refused; file-io says why.
    await run(`fio --name try --filename ${DS}/app01.vmdk --rw randrw --bs 4k --runtime 1s &`);
    await run('wait');
    expect((await check(io)).message).toMatch(/^your job try could not open \/vmfs\/volumes\/shared01\/app01.vmdk: Failed to lock the file: .* locked in exclusive mode by host having mac address [0-9a-f:]+ \(esxi02.pathlab.local\)/);

    // Both hosts open the free scratch disk at the same virtual instant: one ATS miscompares.
    expect((await check(atsf)).message).toMatch(/^ATSF on naa.600140500aaa00030000000000000001 since the lesson began: esxi01 0, esxi02 0; the goal is 1 \(an ATS miscompares/);
    await run(race(''));
    await run(race('on esxi02 '));
    await run('sleep 3s');
    const raced = await check(atsf);
    expect(raced.met, raced.message).toBe(true);
    expect(raced.message).toMatch(/^ATSF on naa.600140500aaa00030000000000000001 since the lesson began: esxi01 [01], esxi02 [01]$/);

    // The peer crashes: down; the learner's job waits for the lease, breaks the stale lock and runs.
    expect((await check(rebooted)).message).toBe('esxi02.pathlab.local is up and has run since the lesson began: crash it (fault host esxi02), then boot it (repair host esxi02)');
    await run('fault host esxi02');
    expect((await check(rebooted)).message).toBe('esxi02.pathlab.local is down: repair host esxi02 boots it again');
    expect(await check({ kind: 'peer-host', host: 'esxi02', state: 'down' })).toEqual({ met: true, message: 'esxi02.pathlab.local is down' });
    await run(app01(''));
    await run('sleep 5s');
    expect((await check(io)).message).toBe(`your job app01 is waiting for the lock of ${DS}/app01.vmdk: its holder's heartbeat is being watched`);
    await run('sleep 15s');
    expect((await check(io)).met).toBe(true);
    const broke = await check(lock);
    expect(broke.met, broke.message).toBe(true);
    expect(broke.message).toMatch(/locked in exclusive mode by esxi01.pathlab.local .*: esxi01 broke the dead holder's stale lock after the lease$/);

    // Booted again: a new host, and the ATSF it counted before its crash still counts.
    await run('repair host esxi02');
    expect((await check(rebooted)).met).toBe(true);
    expect((await check(atsf)).met).toBe(true);
    expect((await check({ kind: 'peer-host', host: 'esxi09', state: 'up' })).message).toBe('there is no host esxi09 (hosts: esxi01.pathlab.local, esxi02.pathlab.local)');
    expect((await check({ kind: 'peer-host', host: 'esxi01', state: 'up' })).message).toBe('esxi01.pathlab.local is the host this console runs on, not a peer');

    // The job ends: its lock goes with it, and file-io with running says so.
    await run('kill app01');
    await run('wait');
    await run('sleep 1s'); // the job's close releases the lock with one more ATS
    expect((await check(io)).message).toMatch(/^your job app01 did \d+ commands and has ended, its lock released with it/);
    expect((await check(lock)).message).toMatch(/is not locked: nothing has it open/);
  }, 120_000);

  it('a lock taken without a dead holder is not a broken stale lock', async () => {
    const ats = { kind: 'vaai-stat', device: AA1, counter: 'ATS', min: 1, host: 'esxi01' };
    const { run, check } = await session([ats]);
    await run(`vmkfstools -C vmfs6 -S shared01 /vmfs/devices/disks/${AA1}`);
    await run(`vmkfstools -c 16m -d thin ${DS}/app01.vmdk`);
    await run(app01(''));
    await run('sleep 1s');
    expect((await check(held)).met).toBe(true);
    expect((await check(lock)).message).toMatch(/by esxi01.pathlab.local .*, but esxi01 did not break a stale lock to get it since the lesson began$/);
    expect((await check(ats)).message).toMatch(/^ATS on naa.600140500aaa00030000000000000001 since the lesson began: esxi01 [1-9]\d*$/);
  }, 60_000);
});

describe('vvol-snapshot', () => {
  it('is met once the array holds the named snapshot of every data vVol', async () => {
    const { run, check } = await session();
    const goal = { kind: 'vvol-snapshot', vm: 'app01', name: 'before-patch' };
    expect((await check(goal)).message).toBe('there is no vVol VM named app01');
    await run('vvol vm create app01 --container vvol-gold --disk 1g --disk 1g');
    expect((await check(goal)).message).toBe('app01.vmdk, app01_1.vmdk have no such snapshot on the array: vvol vm snapshot app01 --name before-patch');
    await run('vvol vm snapshot app01 --name other');
    expect((await check(goal)).met).toBe(false);
    expect((await check({ kind: 'vvol-snapshot', vm: 'app01' })).met).toBe(true);
    await run('vvol vm snapshot app01 --name before-patch');
    expect(await check(goal)).toEqual({ met: true, message: 'the array made app01.vmdk@before-patch, app01_1.vmdk@before-patch inside itself' });
  }, 30_000);
});

describe("the page's datastores and adapter bytes, from the same shared view", () => {
  it('shows nothing and starts no VMFS driver before VMFS runs; then each volume once, with every host that mounts it', async () => {
    const { host, run } = await session();
    const fresh = snapshot(host);
    expect(fresh.datastores).toEqual({ volumes: [], clones: [] });
    expect(existingVmfs(host)).toBeUndefined(); // looking probed no device
    const commandsBefore = host.psa.paths.reduce((n, p) => n + p.counters.commands, 0);
    snapshot(host);
    expect(host.psa.paths.reduce((n, p) => n + p.counters.commands, 0)).toBe(commandsBefore);

    await run(`vmkfstools -C vmfs6 -S shared01 /vmfs/devices/disks/${AA1}`);
    await run('on esxi02 esxcli storage filesystem rescan');
    await run(`vmkfstools -c 4m ${DS}/a.vmdk`);
    await run(`vmkfstools -i ${DS}/a.vmdk ${DS}/b.vmdk`);
    await run(`fio --name a --filename ${DS}/a.vmdk --rw randread --bs 4k --runtime 1h &`);
    await run('sleep 4s');
    const { datastores, topology } = snapshot(host);
    expect(datastores.volumes).toHaveLength(1);
    const [v] = datastores.volumes;
    expect(v).toMatchObject({ label: 'shared01', device: AA1, sizeBytes: 1024 ** 4 });
    expect(v.files.map((f) => [f.name, f.sizeBytes, f.lockMode, f.lockHolder])).toEqual([
      ['a.vmdk', 4 * 2 ** 20, 'exclusive', 'esxi01.pathlab.local'],
      ['b.vmdk', 4 * 2 ** 20, 'free', ''],
    ]);
    expect(v.mounts.map((m) => [m.host, m.hostUp, m.heartbeat])).toEqual([
      ['esxi01.pathlab.local', true, 'live'],
      ['esxi02.pathlab.local', true, 'live'],
    ]);
    expect(v.mounts[0].vaai.ats).toBeGreaterThan(0);
    expect(v.mounts[0].vaai.cloneWr).toBe(1);
    expect(datastores.clones).toEqual([{ host: 'esxi01.pathlab.local', clone: expect.objectContaining({ destination: `${DS}/b.vmdk`, mover: 'hardware', xcopyCommands: 1 }) }]);
    // The adapters' bytes are esxcli's Bytes Sent and Received.
    const stats = esxcli(host, ['storage', 'core', 'adapter', 'stats', 'get', '-a', 'vmhba1']).output;
    const vmhba1 = topology.adapters.find((a) => a.name === 'vmhba1')!;
    expect(vmhba1.bytesSent).toBe(Number(/Bytes Sent: (\d+)/.exec(stats)![1]));
    expect(vmhba1.bytesReceived).toBe(Number(/Bytes Received: (\d+)/.exec(stats)![1]));
    expect(vmhba1.bytesSent).toBeGreaterThan(0);

    // esxi02 crashes: its line stays, down, its heartbeat stopped and then stale past the lease.
    await run('fault host esxi02');
    await run('sleep 5s');
    expect(snapshot(host).datastores.volumes[0].mounts[1]).toMatchObject({ hostUp: false, heartbeat: 'stopped' });
    await run('sleep 15s');
    expect(snapshot(host).datastores.volumes[0].mounts[1]).toMatchObject({ hostUp: false, heartbeat: 'stale' });
  }, 60_000);
});
