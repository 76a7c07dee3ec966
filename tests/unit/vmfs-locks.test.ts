// Locks on a shared volume between esxi01 and its peer esxi02: a fio job on a file holds its lock
// (ATS), the other host sees it with -D and is refused; two hosts opening a free file at the same
// instant leave exactly one winner and one ATS miscompare; a crashed holder's heartbeat stops and
// its lock is broken after the lease, not before.

import { describe, expect, it } from 'vitest';
import { esxcli } from '../../src/stack/cli/esxcli';
import { esxtop } from '../../src/stack/cli/esxtop';
import { hostUuid, macText, hostMac } from '../../src/stack/vmfs/identity';
import { decodeHeartbeat, formatUuid, HEARTBEAT_LBA } from '../../src/stack/vmfs/layout';
import { allVaaiCounters } from '../../src/stack/vmfs/disk-io';
import { sharedDatastores } from '../../src/stack/vmfs/shared-view';
import { existingVmfs } from '../../src/stack/vmfs/vmfs';
import { LEASE_US } from '../../src/stack/vmfs/heartbeat';
import { refreshFioTarget } from '../../src/stack/vmfs/file-io';
import { AA0, lab, sgRead, vmk, type Lab } from './vmfs-lab';
import { fails, succeeds } from './lab-lines';

const FILE = '/vmfs/volumes/shared-ds/a.vmdk';
const job = (name: string, extra = '--runtime 30s') => `fio --name ${name} --filename ${FILE} --rw randwrite --bs 4k --iodepth 4 ${extra}`;

/** A volume on the shared LUN, mounted by both hosts, with one 64 MiB disk. */
async function shared(): Promise<Lab> {
  const l = await lab();
  await vmk(l.host, `-C vmfs6 -S shared-ds /vmfs/devices/disks/${AA0}`);
  esxcli(l.peer, ['storage', 'filesystem', 'rescan']);
  await l.peer.finishSettling();
  await vmk(l.host, `-c 64m ${FILE}`);
  // The peer learns of the new file from the resource lock's generation at its next heartbeat.
  await l.host.advance(3_500_000);
  return l;
}

const ats = (host: Lab['host']) => allVaaiCounters(host).get(AA0) ?? { ats: 0, atsf: 0 };

describe('file locks between two hosts', () => {
  it('a file the other host created a moment ago is found: the fio line re-reads the volume first', async () => {
    const { host, peer, one } = await lab();
    await vmk(host, `-C vmfs6 -S shared-ds /vmfs/devices/disks/${AA0}`);
    esxcli(peer, ['storage', 'filesystem', 'rescan']);
    await peer.finishSettling();
    await vmk(peer, `-c 8m ${FILE}`);
    const line = job('fresh', '--runtime 1s').split(' ').slice(1);
    // esxi01's cached view of the volume has no file yet: the console's fio line looks on disk.
    expect(existingVmfs(host)!.volume('shared-ds')!.file('a.vmdk')).toBeUndefined();
    expect(await succeeds(one, `fio ${line.join(' ')}`)).toMatch(/write: IOPS=\d+/);
    await refreshFioTarget(host, line); // idempotent
  }, 60_000);

  it('a running job holds the lock; the other host sees it with -D and is refused', async () => {
    const { host, peer, one, two } = await shared();
    expect(await succeeds(one, `${job('holder')} &`)).toMatch(/^\[1\] fio job holder started/);
    await succeeds(one, 'sleep 1s');
    const d = await vmk(peer, `-D ${FILE}`);
    expect(d).toMatch(new RegExp(`mode 1, owner ${formatUuid(hostUuid(host))} mtime \\d+`));
    expect(d).toMatch(/hb offset 512\ngen [1-9]\d*/); // esxi01's slot 0, its mount generation
    const refused = await fails(two, job('intruder', '--runtime 1s'));
    expect(refused).toContain(`Failed to lock the file: ${FILE} is locked in exclusive mode by host having mac address ${macText(hostMac(host))}`);
    expect(sharedDatastores(host)[0].files[0]).toMatchObject({ name: 'a.vmdk', lockMode: 'exclusive', lockHolder: host.name });
    expect(await succeeds(one, 'kill holder')).toMatch(/stopping|stopped/);
    await succeeds(one, 'wait');
    expect(await vmk(peer, `-D ${FILE}`)).toMatch(/mode 0, owner 00000000-00000000-0000-000000000000/);
    // Now free, the peer's job takes it and runs.
    expect(await succeeds(two, job('second', '--runtime 1s'))).toMatch(/write: IOPS=\d+/);
  }, 60_000);

  it('two hosts opening the file at the same instant: exactly one wins, the other gets a MISCOMPARE', async () => {
    const { host, peer, one, two } = await shared();
    const before = [ats(host).atsf, ats(peer).atsf];
    const t = host.clock.now;
    await succeeds(one, `${job('left', '--runtime 3s')} &`);
    await succeeds(two, `${job('right', '--runtime 3s')} &`);
    expect(host.clock.now).toBe(t); // both started at the same virtual instant
    const [left] = one.jobs;
    const [right] = two.jobs;
    await succeeds(one, 'wait');
    await succeeds(two, 'wait');
    const errors = [left.job.openError, right.job.openError];
    expect(errors.filter((e) => e === undefined)).toHaveLength(1);
    const loser = errors.findIndex((e) => e !== undefined);
    const [winnerHost, loserHost] = loser === 0 ? [peer, host] : [host, peer];
    expect(errors[loser]).toMatch(/^Failed to lock the file: .* is locked in exclusive mode by host/);
    // The winner ran; the loser's ATS miscompared once (ATSF), the winner's never.
    expect([left, right][1 - loser].job.write.ios).toBeGreaterThan(1000);
    const atsf = [ats(host).atsf - before[0], ats(peer).atsf - before[1]];
    expect(atsf[loser]).toBe(1);
    expect(atsf[1 - loser]).toBe(0);
    expect(esxtop(loserHost, 'vaai')).toMatch(new RegExp(`^${AA0} +0 +0 +0 +\\d+ +1 +`, 'm'));
    expect(loserHost.logLines.some((l) => /cmd 0x89 .* sense e 1d 0/.test(l))).toBe(true);
    expect(winnerHost.logLines.some((l) => /cmd 0x89 .* sense e 1d 0/.test(l))).toBe(false);
  }, 60_000);

  it('a rebooted holder mounts with a new heartbeat generation: its old locks are stale at once', async () => {
    const { host, peer, one, two } = await shared();
    await succeeds(two, `${job('old', '--runtime 600s')} &`);
    await succeeds(one, 'sleep 1s');
    host.crashPeer(peer);
    const fresh = host.rebootPeer(peer);
    esxcli(fresh, ['storage', 'filesystem', 'rescan']);
    await fresh.finishSettling();
    expect(esxcli(fresh, ['storage', 'filesystem', 'list']).output).toContain('shared-ds');
    const at = host.clock.now;
    expect(await succeeds(one, job('after-reboot', '--runtime 1s'))).toMatch(/write: IOPS=\d+/);
    const [log] = host.logLines.filter((l) => l.includes('Breaking stale lock'));
    expect(log).toContain(formatUuid(hostUuid(fresh))); // the same host UUID, an older mount
    expect(host.clock.now - at).toBeLessThan(LEASE_US);
  }, 60_000);

  it("a crashed holder's heartbeat stops and its lock is broken after the lease, not before", async () => {
    const { host, peer, one, two } = await shared();
    expect(await vmk(host, '--activehosts /vmfs/volumes/shared-ds')).toMatch(/^Found 2 actively heartbeating hosts/);
    await succeeds(two, `${job('doomed', '--runtime 600s')} &`);
    await succeeds(one, 'sleep 1s');
    host.crashPeer(peer);
    const beats = async () => [0, 1].map(async (slot) => decodeHeartbeat(await sgRead(host, 'aa-array', 0, HEARTBEAT_LBA + slot, 1)).beat);
    const b0 = await Promise.all(await beats());
    const crashedAt = host.clock.now;
    await succeeds(one, `${job('rescuer', '--runtime 1s')} &`);
    await succeeds(one, 'sleep 10s');
    const b1 = await Promise.all(await beats());
    expect(b1[0]).toBeGreaterThan(b0[0]); // esxi01 still beats
    expect(b1[1]).toBe(b0[1]); // esxi02's heartbeat stopped with it
    // Not before the lease: the lock is still the dead host's, and the rescuer has not started.
    expect(await vmk(host, `-D ${FILE}`)).toContain(`mode 1, owner ${formatUuid(hostUuid(peer))}`);
    const [rescuer] = one.jobs;
    expect(rescuer.job.write.ios).toBe(0);
    await succeeds(one, 'wait');
    expect(rescuer.job.openError).toBeUndefined();
    expect(rescuer.job.write.ios).toBeGreaterThan(100);
    expect(rescuer.job.startedAt - crashedAt).toBeGreaterThanOrEqual(LEASE_US);
    expect(host.logLines.some((l) => l.includes(`Breaking stale lock`) && l.includes(formatUuid(hostUuid(peer))))).toBe(true);
    expect(await vmk(host, '--activehosts /vmfs/volumes/shared-ds')).toMatch(/^Found 1 actively heartbeating hosts[^]*\(1\): MAC address [0-9a-f:]+ \(esxi01\.pathlab\.local\)$/);
  }, 60_000);
});
