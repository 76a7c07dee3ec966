// The vVol VM lifecycle through the lab-script language (LabSession), as a learner types it:
// create with a policy, power on (bind) and off (unbind), I/O through the protocol endpoint, array
// snapshots and clones, delete; capacity all or nothing; every bad input with its message.

import { beforeEach, describe, expect, it } from 'vitest';
import { conglomerateLun } from '../../src/stack/arrays/vvol-conglomerate';
import { EXTENT_SIZE } from '../../src/stack/blockstore/block-store';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { vvols } from '../../src/stack/vvol';
import type { VvolVolume } from '../../src/stack/vvol/volume';
import { fails, succeeds } from './lab-lines';

const PE = 'naa.600140500aba000400000000000000ff'; // vvol-array LUN 255
const MB = 1024 * 1024;

let s: LabSession;
let host: Host;
beforeEach(async () => {
  host = await Host.boot();
  s = new LabSession(host);
});

const ok = (line: string) => succeeds(s, line);
const fail = (line: string) => fails(s, line);

/** Table rows (after the header and dashes) as cells split on runs of 2+ spaces. */
function rows(text: string): string[][] {
  const lines = text.split('\n');
  const dashes = lines.findIndex((l) => /^-+( {2}-+)*$/.test(l));
  return lines.slice(dashes + 1).filter((l) => l.trim()).map((l) => l.trim().split(/ {2,}/));
}

/** A table as records keyed by its header. */
function table(text: string): Record<string, string>[] {
  const lines = text.split('\n');
  const dashes = lines.findIndex((l) => /^-+( {2}-+)*$/.test(l));
  const header = lines[dashes - 1];
  const starts: number[] = [];
  lines[dashes].replace(/-+/g, (m, at: number) => (starts.push(at), m));
  const cut = (line: string) => starts.map((at, i) => line.slice(at, i + 1 < starts.length ? starts[i + 1] : undefined).trim());
  const keys = cut(header);
  return lines.slice(dashes + 1).filter((l) => l.trim()).map((l) => Object.fromEntries(cut(l).map((v, i) => [keys[i], v])));
}

/** "   Key: value" lines of one esxcli record (the first with `id`). */
function record(text: string, id: string): Record<string, string> {
  const block = text.split('\n\n').find((b) => b.split('\n')[0] === id);
  expect(block, `no record ${id} in\n${text}`).toBeDefined();
  return Object.fromEntries(block!.split('\n').slice(1).map((l) => [l.slice(3, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

function fioIops(out: string, dir: 'read' | 'write'): number {
  const m = new RegExp(`${dir}: IOPS=([\\d.]+)(k?)`).exec(out);
  expect(m, out).not.toBeNull();
  return Number(m![1]) * (m![2] === 'k' ? 1000 : 1);
}

const errors = (out: string) => Number(/errors: (\d+)/.exec(out)![1]);

async function freeMb(container: string): Promise<number> {
  return Number(record(await ok('esxcli storage vvol storagecontainer list'), container)['Free(MB)']);
}

/** The bytes of one block of a vVol, read inside the array (for snapshot contents). */
async function blockOf(volume: VvolVolume, lba: number): Promise<Uint8Array> {
  const arena = host.arena;
  const table = arena.alloc(4);
  const extent = Math.floor((lba * 512) / EXTENT_SIZE);
  for (;;) {
    const p = volume.map(extent, 1, false, table);
    if (!p) break;
    await p;
  }
  const addr = arena.dv.getUint32(table, true);
  arena.free(table, 4);
  if (addr === 0) return new Uint8Array(512);
  const at = addr + ((lba * 512) % EXTENT_SIZE);
  return arena.u8.slice(at, at + 512);
}

const pattern = (seed: number) => Array.from({ length: 512 }, (_, i) => ((i * 31 + seed) & 0xff).toString(16).padStart(2, '0')).join('');
const WRITE_LBA_8 = '2a 00 00 00 00 08 00 00 01 00';
const READ_LBA_8 = '28 00 00 00 00 08 00 00 01 00';

describe('creating a VM with a policy', () => {
  it('makes a config vVol and one data vVol per disk in the container, none bound; capacity is taken', async () => {
    const before = await freeMb('vvol-gold');
    await ok('vvol policy create gold --rule iopsLimit=1000 --rule provisioning=thin');
    const out = await ok('vvol vm create web02 --container vvol-gold --policy gold --disk 2g --disk 1g');
    expect(out).toMatch(/^Created VM web02 on vvol-gold \(array vvol-array\), policy "gold": a config vVol and 2 data vVol\(s\)/);
    const list = table(await ok('vvol list --vm web02'));
    expect(list.map((r) => [r.Name, r.Type, r['Size MB'], r.Provisioning, r.Binding, r['IOPS Limit'], r.Compliance])).toEqual([
      ['web02-config', 'config', '4096', 'thin', 'unbound', '', 'compliant'],
      ['web02.vmdk', 'data', '2048', 'thin', 'unbound', '1000', 'compliant'],
      ['web02_1.vmdk', 'data', '1024', 'thin', 'unbound', '1000', 'compliant'],
    ]);
    expect(list.every((r) => /^rfc4122\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r['VVol Id']))).toBe(true);
    expect(await freeMb('vvol-gold')).toBe(before - 4096 - 2048 - 1024);
    expect(rows(await ok('vvol vm list'))).toEqual([['web02', 'poweredOff', 'vvol-gold', 'vvol-array', 'gold', '(none)', '2', '4096', '3']]);
  });

  it('without --policy the VM gets vSphere\'s "VVol No Requirements Policy"; a thick policy makes thick vVols', async () => {
    await ok('vvol vm create a1 --container vvol-gold');
    expect(table(await ok('vvol list --vm a1')).map((r) => [r.Type, r['Size MB'], r.Provisioning])).toEqual([['config', '4096', 'thin'], ['data', '16384', 'thin']]);
    expect(rows(await ok('vvol policy list'))[0]).toEqual(['VVol No Requirements Policy', '1', '(none)', 'a1']);
    await ok('vvol policy create thick --rule provisioning=thick');
    await ok('vvol vm create a2 --container vvol-gold --policy thick --disk 1g');
    expect(table(await ok('vvol list --vm a2')).map((r) => r.Provisioning)).toEqual(['thick', 'thick']);
  });
});

describe('power on binds, power off unbinds', () => {
  beforeEach(async () => {
    await ok('vvol vm create web02 --container vvol-gold --disk 2g --disk 1g --memory 2g');
  });

  it('power-on binds config and data vVols and a new swap vVol behind PE 255 as 255:1..4; power-off undoes it all', async () => {
    const free = await freeMb('vvol-gold');
    const on = await ok('vvol vm poweron web02');
    expect(table(on).map((r) => [r.Name, r.Type, r['Size MB'], r.Binding])).toEqual([
      ['web02-config', 'config', '4096', '255:1'],
      ['web02.vmdk', 'data', '2048', '255:2'],
      ['web02_1.vmdk', 'data', '1024', '255:3'],
      ['web02.vswp', 'swap', '2048', '255:4'], // memory 2 GiB minus no reservation
    ]);
    expect(await freeMb('vvol-gold')).toBe(free - 2048);
    expect(record(await ok('esxcli storage vvol protocolendpoint list'), PE)['Bound VVols']).toBe('4');
    // The array lists them behind its ALU (REPORT LUNS, SELECT REPORT 0x12, sent to the PE).
    expect(await ok('vvol sg 255 a0 00 12 00 00 00 00 00 01 00 00 00')).toMatch(/LUN list: 255, 255:1, 255:2, 255:3, 255:4\n/);
    expect(rows(await ok('vvol vm list'))[0][1]).toBe('poweredOn');

    expect(await ok('vvol vm poweroff web02')).toBe('Powered off web02: its vVols are unbound and its swap vVol deleted');
    expect(table(await ok('vvol list --vm web02')).map((r) => [r.Name, r.Binding])).toEqual([
      ['web02-config', 'unbound'], ['web02.vmdk', 'unbound'], ['web02_1.vmdk', 'unbound'],
    ]);
    expect(await freeMb('vvol-gold')).toBe(free);
    expect(record(await ok('esxcli storage vvol protocolendpoint list'), PE)['Bound VVols']).toBe('0');
    expect(await ok('vvol sg 255 a0 00 12 00 00 00 00 00 01 00 00 00')).toMatch(/LUN list: 255\n/);
  });

  it('a memory reservation shrinks the swap vVol; a full reservation makes none', async () => {
    await ok('vvol vm create r1 --container vvol-gold --disk 1g --memory 4g --reservation 1g');
    expect(table(await ok('vvol vm poweron r1')).find((r) => r.Type === 'swap')!['Size MB']).toBe('3072');
    await ok('vvol vm create r2 --container vvol-gold --disk 1g --memory 1g --reservation 1g');
    expect(table(await ok('vvol vm poweron r2')).map((r) => r.Type)).toEqual(['config', 'data']);
  });

  it('a running VM pins the PE device (its plugin cannot let it go); power-off releases it', async () => {
    const pe = host.psa.devices.get(PE)!;
    await ok('vvol vm poweron web02');
    expect(pe.openCount).toBe(1);
    await ok('vvol vm poweroff web02');
    expect(pe.openCount).toBe(0);
  });

  it('secondary ids are reused smallest first after an unbind', async () => {
    await ok('vvol vm poweron web02');
    const data = table(await ok('vvol list --vm web02')).find((r) => r.Name === 'web02_1.vmdk')!;
    expect(await ok(`vvol unbind ${data['VVol Id']}`)).toBe(`vVol ${data['VVol Id']} (web02_1.vmdk) unbound`);
    await ok('vvol vm create other --container vvol-gold --disk 1g --memory 1g --reservation 1g');
    expect(table(await ok('vvol vm poweron other')).map((r) => r.Binding)).toEqual(['255:3', '255:5']);
  });
});

describe('I/O to a vVol goes through its protocol endpoint', () => {
  beforeEach(async () => {
    await ok('vvol vm create web02 --container vvol-gold --disk 1g');
    await ok('vvol vm poweron web02');
  });

  it('fio on the VM\'s disk runs on the PE device with the vVol\'s secondary id, down the paths the PE\'s PSP picks', async () => {
    await ok(`esxcli storage nmp device set -d ${PE} --psp VMW_PSP_RR`);
    await ok(`esxcli storage nmp psp roundrobin deviceconfig set -d ${PE} --type iops --iops 1`);
    const out = await ok('fio --vm web02 --rw randwrite --bs 4k --iodepth 8 --size 64m --number_ios 2000 --verify');
    expect(out).toContain(`world=web02:0: device=${PE}`);
    expect(errors(out)).toBe(0);
    expect(out).toMatch(/verify: \d+ blocks checked, 0 failed/); // a write-only verify job reads back what it wrote
    const pe = host.psa.devices.get(PE)!;
    expect(pe.counters.writes).toBe(2000);
    // Round Robin spread the vVol's commands over both of the PE's paths.
    expect(pe.paths.map((p) => p.name)).toEqual(['vmhba1:C0:T4:L255', 'vmhba2:C0:T4:L255']);
    expect(pe.paths.map((p) => p.counters.writes)).toEqual([1000, 1000]);
    // The data went to the vVol (secondary id 2), not to the PE's own block.
    const disk = vvols(host).vm('web02').disks[0];
    expect(disk.volume.allocatedExtents()).toBeGreaterThan(0);
  });

  it('a path of the PE fails during I/O: NMP fails over on the PE device and the vVol loses nothing', async () => {
    await ok('fio --name bg --vm web02 --rw randrw --bs 4k --iodepth 8 --size 16m --runtime 1s --verify &');
    await ok('sleep 200ms');
    await ok('fault link vmhba1');
    const out = await ok('wait');
    expect(errors(out)).toBe(0);
    expect(/verify: (\d+) blocks checked, 0 failed/.exec(out)).not.toBeNull();
    expect(host.psa.devices.get(PE)!.paths.map((p) => p.state)).toEqual(['dead', 'active']);
  });

  it('an unbound vVol answers nothing: fio refuses a powered-off VM, and a command to its old address gets 05/25/00', async () => {
    await ok('vvol vm poweroff web02');
    expect(await fail('fio --vm web02 --number_ios 10')).toMatch(/^fio: --vm: web02 disk 0 \(vVol rfc4122\.[^)]+\) is not bound: a vVol is passive until bound \(power web02 on\)$/);
    const out = await ok(`vvol sg 255:2 ${READ_LBA_8}`);
    expect(out).toMatch(/SCSI status: Check Condition\n Sense key: Illegal Request\n Additional sense: Logical unit not supported/);
  });

  it('unbinding one vVol of a running VM (no I/O on it) cuts its address: 255:2 answers 05/25/00 while 255:1 still works', async () => {
    const data = vvols(host).vm('web02').disks[0];
    await ok(`vvol unbind ${data.id}`);
    expect(await ok(`vvol sg 255:2 ${READ_LBA_8}`)).toMatch(/Logical unit not supported/);
    expect(await ok(`vvol sg 255:1 ${READ_LBA_8}`)).toMatch(/SCSI status: Good/);
    expect(await fail('fio --vm web02 --number_ios 10')).toMatch(/is not bound/);
    await ok(`vvol bind ${data.id}`);
    expect(errors(await ok('fio --vm web02 --number_ios 10'))).toBe(0);
  });

  it('a running fio job keeps the VM on: power-off and unbind wait for it', async () => {
    await ok('fio --name bg --vm web02 --rw randread --runtime 1s &');
    expect(await fail('vvol vm poweroff web02')).toBe('vvol: cannot power it off: fio job(s) bg still run on web02\'s disks (kill them or wait)');
    await ok('wait');
    await ok('vvol vm poweroff web02');
  });
});

describe('the NFS protocol endpoint', () => {
  it('binds the vVols of an NFS container to the mount; fio runs over it with the mount\'s latency', async () => {
    await ok('vvol vm create nfs01 --container vvol-nfs --disk 1g');
    expect(table(await ok('vvol vm poweron nfs01')).map((r) => r.Binding)).toEqual([
      'nfs 192.168.50.10:/vvol-pe#1', 'nfs 192.168.50.10:/vvol-pe#2', 'nfs 192.168.50.10:/vvol-pe#3',
    ]);
    const out = await ok('fio --vm nfs01 --rw randrw --bs 4k --iodepth 4 --size 16m --number_ios 400 --verify');
    expect(out).toContain('device=nfs:192.168.50.10:/vvol-pe');
    expect(errors(out)).toBe(0);
    expect(out).toMatch(/verify: \d+ blocks checked, 0 failed/);
    // Round trip 2 × 150 µs on the NAS path, then the array's service time (80 µs + 4 µs per 4 KiB, jitter ≤ 20).
    const min = Number(/clat \(usec\): min=(\d+)/.exec(out)![1]);
    expect(min).toBeGreaterThanOrEqual(300 + 80 + 4);
    expect(min).toBeLessThan(300 + 80 + 4 + 21);
    const pe = record(await ok('esxcli storage vvol protocolendpoint list'), '192.168.50.10:/vvol-pe');
    expect([pe.Type, pe['Bound VVols'], pe['Remote Host'], pe['Remote Share']]).toEqual(['NFS', '3', '192.168.50.10', '/vvol-pe']);
    // Nothing went over the FC fabric to the SCSI PE.
    expect(host.psa.devices.get(PE)!.counters.commands).toBe(0);
  });
});

describe('deleting', () => {
  beforeEach(async () => {
    await ok('vvol vm create web02 --container vvol-gold --disk 1g');
  });

  it('a bound vVol cannot be deleted; neither can a running VM; powered off, the VM and all its vVols go', async () => {
    const free = await freeMb('vvol-gold');
    await ok('vvol vm poweron web02');
    const swap = table(await ok('vvol list --vm web02')).find((r) => r.Type === 'swap')!;
    expect(await fail(`vvol delete ${swap['VVol Id']}`)).toBe(
      `vvol: vVol ${swap['VVol Id']} (web02.vswp) is bound at 255:3 for esxi01.pathlab.local: a bound vVol cannot be deleted; unbind it (power the VM off) first`,
    );
    expect(await fail('vvol vm delete web02')).toBe('vvol: web02 is powered on: its vVols are bound, and a bound vVol cannot be deleted; power it off first');
    const data = table(await ok('vvol list --vm web02')).find((r) => r.Type === 'data')!;
    await ok('vvol vm poweroff web02');
    expect(await fail(`vvol delete ${data['VVol Id']}`)).toBe(`vvol: vVol ${data['VVol Id']} is web02's data vVol: delete the VM (vvol vm delete web02)`);
    await ok('vvol vm snapshot web02');
    expect(await ok('vvol vm delete web02')).toBe('Deleted VM web02 and its 3 vVol(s)');
    expect(await freeMb('vvol-gold')).toBe(free + 4096 + 1024);
    expect(table(await ok('vvol list'))).toEqual([]);
    expect(await fail('vvol vm poweron web02')).toBe('vvol: no vVol VM named "web02"');
  });
});

describe('running out of a container\'s capacity leaves nothing half-made', () => {
  /** Every vVol id and the container's free space: what must not change. */
  async function state(container: string): Promise<[string[], number]> {
    return [table(await ok('vvol list')).map((r) => r['VVol Id']), await freeMb(container)];
  }

  it('creating a VM: all its vVols or none', async () => {
    const before = await state('vvol-nfs');
    expect(await fail('vvol vm create big --container vvol-nfs --disk 100g --disk 30g')).toBe(
      'vvol: storage container vvol-nfs is out of capacity: VM big (config vVol and 2 data vVol(s), 137216 MB) needs 137216 MB, 131072 MB of 131072 MB are free; nothing was created',
    );
    expect(await state('vvol-nfs')).toEqual(before);
    expect(rows(await ok('vvol vm list'))).toEqual([]);
  });

  it('powering on: no room for the swap vVol means nothing is bound and no swap is left', async () => {
    await ok('vvol vm create big --container vvol-nfs --disk 120g --memory 8g');
    const before = await state('vvol-nfs');
    expect(await fail('vvol vm poweron big')).toMatch(/^vvol: storage container vvol-nfs is out of capacity: big's swap vVol \(memory 8192 MB minus reservation 0 MB\) needs 8192 MB, 4096 MB of 131072 MB are free; nothing was created$/);
    expect(await state('vvol-nfs')).toEqual(before);
    expect(table(await ok('vvol list --bound'))).toEqual([]);
    expect(rows(await ok('vvol vm list'))[0][1]).toBe('poweredOff');
  });

  it('cloning and snapshotting: the whole request is checked before anything is made', async () => {
    await ok('vvol vm create big --container vvol-nfs --disk 50g --disk 50g --memory 1g --reservation 1g');
    await ok('vvol vm poweron big');
    // Write 2 MB into each disk, then fill the container so a snapshot of both cannot fit.
    for (const disk of [0, 1]) await ok(`fio --vm big --disk ${disk} --rw write --bs 64k --size 2m`);
    await ok('vvol vm create filler --container vvol-nfs --disk 1g');
    const d = vvols(host);
    d.createVvol({ container: 'vvol-nfs', sizeBytes: d.container('vvol-nfs').freeBytes - 3 * MB });
    const before = await state('vvol-nfs');
    expect(await fail('vvol vm snapshot big')).toMatch(/^vvol: storage container vvol-nfs is out of capacity: snapshot snapshot-1 of big needs 4 MB, 3 MB of 131072 MB are free; nothing was created$/);
    expect(await state('vvol-nfs')).toEqual(before);
    expect(await fail('vvol vm clone filler filler2')).toMatch(/out of capacity: clone filler2 of filler \(5120 MB\) needs 5120 MB, 3 MB of 131072 MB are free; nothing was created$/);
    expect(await state('vvol-nfs')).toEqual(before);
    expect(rows(await ok('vvol vm list')).map((r) => r[0])).toEqual(['big', 'filler']);
  });
});

describe('the array enforces each vVol\'s IOPS limit, in virtual time', () => {
  it('a 500 IOPS policy gives 500 IOPS (±5%) at any queue depth; an override to 2000 gives 2000; no limit is far faster', async () => {
    await ok('vvol policy create capped --rule iopsLimit=500');
    await ok('vvol vm create capped01 --container vvol-gold --policy capped --disk 1g');
    await ok('vvol vm poweron capped01');
    for (const depth of [1, 16]) {
      const out = await ok(`fio --vm capped01 --rw randread --bs 4k --iodepth ${depth} --runtime 2s`);
      const iops = fioIops(out, 'read');
      expect(iops, out).toBeGreaterThanOrEqual(475);
      expect(iops, out).toBeLessThanOrEqual(525);
    }
    await ok('vvol vm policy capped01 --override iopsLimit=2000');
    const fast = fioIops(await ok('fio --vm capped01 --rw randread --bs 4k --iodepth 16 --runtime 2s'), 'read');
    expect(fast).toBeGreaterThanOrEqual(1900);
    expect(fast).toBeLessThanOrEqual(2100);
    expect(rows(await ok('vvol compliance capped01')).map((r) => r[4])).toEqual(['compliant', 'compliant']);

    await ok('vvol vm create free01 --container vvol-gold --disk 1g');
    await ok('vvol vm poweron free01');
    expect(fioIops(await ok('fio --vm free01 --rw randread --bs 4k --iodepth 16 --runtime 500ms'), 'read')).toBeGreaterThan(20_000);
  });
});

describe('compliance', () => {
  it('flips when the policy changes: out of reach → noncompliant; reachable → out of date until applied again', async () => {
    await ok('vvol policy create gold --rule iopsLimit=1000 --rule replication=async');
    await ok('vvol vm create web02 --container vvol-gold --policy gold --disk 1g');
    const status = async () => rows(await ok('vvol compliance web02')).map((r) => [r[1], r[4]]);
    expect(await status()).toEqual([['web02-config', 'compliant'], ['web02.vmdk', 'compliant']]);

    await ok('vvol policy set gold --rule iopsLimit=99999');
    const out = await ok('vvol compliance web02');
    expect(rows(out)[1]).toEqual(['web02', 'web02.vmdk', 'data', 'gold', 'noncompliant', 'iopsLimit=99999: the container enforces IOPS limits of 100..50000']);
    expect(rows(out)[0][4]).toBe('compliant'); // the IOPS rule does not govern the config vVol
    expect(await fail('vvol vm policy web02')).toBe(
      'vvol: cannot apply policy "gold" to web02: web02.vmdk: iopsLimit=99999: the container enforces IOPS limits of 100..50000; nothing was changed',
    );

    await ok('vvol policy set gold --rule iopsLimit=3000');
    expect(rows(await ok('vvol compliance web02'))[1].slice(4)).toEqual(['outOfDate', 'iopsLimit: the array applies 1000, the policy asks 3000']);
    expect(vvols(host).vm('web02').disks[0].unit.iopsLimit).toBe(1000);
    await ok('vvol vm policy web02');
    expect(await status()).toEqual([['web02-config', 'compliant'], ['web02.vmdk', 'compliant']]);
    expect(vvols(host).vm('web02').disks[0].unit.iopsLimit).toBe(3000);

    await ok('vvol policy set gold --rule replication=sync');
    expect(rows(await ok('vvol compliance web02')).map((r) => r[4])).toEqual(['noncompliant', 'noncompliant']);
    await ok('vvol policy set gold --remove replication');
    expect(rows(await ok('vvol compliance web02')).map((r) => r[4])).toEqual(['outOfDate', 'outOfDate']);
  });

  it('a provisioning type does not change in place: a thin VM under a thick policy stays noncompliant', async () => {
    await ok('vvol policy create thin --rule provisioning=thin');
    await ok('vvol policy create thick --rule provisioning=thick');
    await ok('vvol vm create web02 --container vvol-gold --policy thin --disk 1g');
    expect(await fail('vvol vm policy web02 --policy thick')).toBe(
      'vvol: cannot apply policy "thick" to web02: web02-config: provisioning=thick: the vVol is thin (provisioning does not change in place); nothing was changed',
    );
    expect(rows(await ok('vvol vm list'))[0][4]).toBe('thin');
  });

  it('per-VM overrides change only the customisable rules of the VM\'s policy', async () => {
    await ok('vvol policy create gold --rule iopsLimit=1000 --rule snapshotRetention=4 --rule provisioning=thin');
    await ok('vvol vm create web02 --container vvol-gold --policy gold --disk 1g --override iopsLimit=200');
    expect(vvols(host).vm('web02').disks[0].unit.iopsLimit).toBe(200);
    expect(rows(await ok('vvol vm list'))[0][5]).toBe('iopsLimit=200');
    expect(await fail('vvol vm create w3 --container vvol-gold --policy gold --override provisioning=thick')).toBe(
      'vvol: provisioning is a fixed capability: a VM cannot override it (customisable: snapshotRetention, snapshotFrequencyMin, iopsLimit)',
    );
    expect(await fail('vvol vm create w3 --container vvol-gold --policy gold --override snapshotFrequencyMin=60')).toBe('vvol: policy "gold" has no snapshotFrequencyMin rule to override');
    await ok('vvol vm policy web02 --clear-overrides');
    expect(vvols(host).vm('web02').disks[0].unit.iopsLimit).toBe(1000);
  });

  it('a container that cannot satisfy a policy gets no VM of it', async () => {
    await ok('vvol policy create repl --rule replication=sync');
    expect(await fail('vvol vm create w --container vvol-gold --policy repl')).toBe(
      'vvol: storage container vvol-gold is not compatible with policy "repl": replication=sync: the container offers replication none/async',
    );
    expect(table(await ok('vvol list'))).toEqual([]);
  });
});

describe('array-native snapshots', () => {
  beforeEach(async () => {
    await ok('vvol vm create web02 --container vvol-gold --disk 1g');
    await ok('vvol vm poweron web02');
  });

  it('a snapshot is a new vVol per data vVol holding the data as it was; later writes do not reach it; no byte crosses the fabric', async () => {
    await ok(`vvol sg 255:2 ${WRITE_LBA_8} --data-out ${pattern(1)}`);
    const pe = host.psa.devices.get(PE)!;
    const commands = pe.counters.commands;
    const out = await ok('vvol vm snapshot web02 --name before');
    expect(out).toMatch(/^Snapshot before of web02: 1 vVol\(s\) made by array vvol-array \(snapshotVirtualVolume\): 0 MB copied inside the array, 0 bytes over the fabric/);
    expect(pe.counters.commands).toBe(commands);
    await ok(`vvol sg 255:2 ${WRITE_LBA_8} --data-out ${pattern(2)}`);
    const disk = vvols(host).vm('web02').disks[0];
    expect(disk.snapshots.map((v) => v.name)).toEqual(['web02.vmdk@before']);
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    expect(hex(await blockOf(disk.snapshots[0].volume, 8))).toBe(pattern(1));
    expect(hex(await blockOf(disk.volume, 8))).toBe(pattern(2));
    const row = table(await ok('vvol list --vm web02')).find((r) => r.Name === 'web02.vmdk@before')!;
    expect([row.Type, row.Binding, row.Compliance]).toEqual(['snapshot', 'unbound', 'notApplicable']);
    // A snapshot holds the container's capacity for what it copied: one 32 KiB extent.
    expect(disk.snapshots[0].chargeBytes).toBe(EXTENT_SIZE);
    expect(await fail('vvol vm snapshot web02 --name before')).toBe('vvol: web02 already has a snapshot named before');
  });

  it('the array keeps at most snapshotRetention snapshots per vVol, deleting the oldest', async () => {
    await ok('vvol policy create keep2 --rule snapshotRetention=2');
    await ok('vvol vm policy web02 --policy keep2');
    for (let i = 0; i < 3; i++) await ok('vvol vm snapshot web02');
    expect(vvols(host).vm('web02').disks[0].snapshots.map((v) => v.name)).toEqual(['web02.vmdk@snapshot-2', 'web02.vmdk@snapshot-3']);
    expect(host.logLines.some((l) => /snapshot web02.vmdk@snapshot-1 of web02.vmdk deleted by the array \(retention 2\)/.test(l))).toBe(true);
  });

  it('the array takes snapshots on the policy\'s schedule, in virtual time', async () => {
    await ok('vvol policy create every15 --rule snapshotFrequencyMin=15 --rule snapshotRetention=8');
    await ok('vvol vm policy web02 --policy every15');
    await ok('sleep 31m');
    expect(vvols(host).vm('web02').disks[0].snapshots.map((v) => v.name)).toEqual(['web02.vmdk@scheduled-1', 'web02.vmdk@scheduled-2']);
    await ok('vvol vm policy web02 --policy "VVol No Requirements Policy"');
    await ok('sleep 31m');
    expect(vvols(host).vm('web02').disks[0].snapshots).toHaveLength(2);
  });

  it('a policy that does not allow snapshots refuses them; --memory adds a memory vVol of the VM\'s memory', async () => {
    await ok('vvol policy create nosnap --rule snapshotsAllowed=false');
    await ok('vvol vm create n1 --container vvol-gold --policy nosnap --disk 1g');
    expect(await fail('vvol vm snapshot n1')).toMatch(/^vvol: vVol rfc4122\.\S+ \(n1\.vmdk\): its policy does not allow snapshots \(snapshotsAllowed=false\)$/);
    const out = await ok('vvol vm snapshot web02 --memory');
    expect(table(out).map((r) => [r.Name, r.Type, r['Size MB'], r.Provisioning])).toEqual([
      ['web02.vmdk@snapshot-1', 'snapshot', '1024', 'thin'],
      ['web02-snapshot-1.vmem', 'memory', '4096', 'thick'],
    ]);
    await ok('vvol vm poweroff web02');
    expect(await fail('vvol vm snapshot web02 --memory')).toBe('vvol: web02 is powered off: a snapshot with memory needs a running VM');
  });
});

describe('array-side clones', () => {
  it('copies the config and data vVols inside the array into a new powered-off VM with the same policy; the data is the same', async () => {
    await ok('vvol policy create gold --rule iopsLimit=1000');
    await ok('vvol vm create web02 --container vvol-gold --policy gold --disk 1g');
    await ok('vvol vm poweron web02');
    await ok(`vvol sg 255:2 ${WRITE_LBA_8} --data-out ${pattern(7)}`);
    const commands = host.psa.devices.get(PE)!.counters.commands;
    const out = await ok('vvol vm clone web02 web03');
    expect(out).toMatch(/^Cloned web02 to web03 inside array vvol-array \(cloneVirtualVolume\): 0 MB of written data copied by the array, 0 bytes over the fabric/);
    expect(host.psa.devices.get(PE)!.counters.commands).toBe(commands);
    expect(rows(await ok('vvol vm list')).map((r) => [r[0], r[1], r[4]])).toEqual([['web02', 'poweredOn', 'gold'], ['web03', 'poweredOff', 'gold']]);
    expect(table(out).map((r) => [r.Name, r.Type, r['IOPS Limit']])).toEqual([['web03-config', 'config', ''], ['web03.vmdk', 'data', '1000']]);
    const on = table(await ok('vvol vm poweron web03'));
    const slu = on.find((r) => r.Name === 'web03.vmdk')!.Binding;
    expect(await ok(`vvol sg ${slu} ${READ_LBA_8}`)).toContain(`Received 512 bytes of data:`);
    const clone = vvols(host).vm('web03').disks[0];
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    expect(hex(await blockOf(clone.volume, 8))).toBe(pattern(7));
    expect(await fail('vvol vm clone web02 web03')).toBe('vvol: a VM named "web03" already exists');
  });
});

describe('bad input', () => {
  it.each([
    ['vvol vm create w --container nowhere', 'vvol: no storage container named "nowhere" (containers: vvol-gold, vvol-nfs)'],
    ['vvol vm create w', 'vvol: vm create needs --container NAME (the vVol datastore); see esxcli storage vvol storagecontainer list'],
    ['vvol vm create w --container vvol-gold --policy nope', 'vvol: no storage policy named "nope" (policies: VVol No Requirements Policy)'],
    ['vvol vm create w --container vvol-gold --disk 10x', 'vvol: --disk: "10x" is not a size (e.g. 512m, 16g)'],
    ['vvol vm create w --container vvol-gold --disk 100k', 'vvol: disk 0 size 102400: use a whole number of 512-byte blocks, at least 1m'],
    ['vvol vm create web01 --container vvol-gold', 'vvol: a VM named "web01" already exists'],
    ['vvol vm create w --container vvol-gold --colour blue', 'vvol: unknown option --colour (options here: --container, --policy, --memory, --reservation, --disk, --override)'],
    ['vvol policy create p --rule iops=5', 'vvol: rule "iops=5": no capability named "iops" (capabilities: snapshotsAllowed, snapshotRetention, snapshotFrequencyMin, iopsLimit, replication, provisioning)'],
    ['vvol policy create p --rule iopsLimit=fast', 'vvol: rule iopsLimit=fast: iopsLimit is an integer 1..10000000'],
    ['vvol policy create p --rule provisioning=lazy', 'vvol: rule provisioning=lazy: provisioning is one of thin, thick'],
    ['vvol policy create p --rule snapshotsAllowed=yes', 'vvol: rule snapshotsAllowed=yes: snapshotsAllowed is true or false'],
    ['vvol policy create p --rule iopsLimit', 'vvol: rule "iopsLimit": write CAPABILITY=VALUE, e.g. iopsLimit=500 (capabilities: snapshotsAllowed, snapshotRetention, snapshotFrequencyMin, iopsLimit, replication, provisioning)'],
    ['vvol policy create p --rule iopsLimit=5 --rule iopsLimit=6', 'vvol: rule iopsLimit is given twice'],
    ['vvol policy set "VVol No Requirements Policy" --rule iopsLimit=5', 'vvol: "VVol No Requirements Policy" is vSphere\'s built-in policy: it cannot be edited'],
    ['vvol policy set nope --rule iopsLimit=5', 'vvol: no storage policy named "nope" (policies: VVol No Requirements Policy)'],
    ['vvol vm poweron ghost', 'vvol: no vVol VM named "ghost"'],
    ['vvol delete rfc4122.00000000-0000-4000-8000-000000000000', 'vvol: no vVol with id or name "rfc4122.00000000-0000-4000-8000-000000000000"'],
    ['vvol sg 99999:1 00 00 00 00 00 00', expect.stringMatching(/^vvol: give a LUN like 255 \(the PE\) or 255:1 \(a vVol behind it\), then the CDB bytes/)],
    ['vvol sg 254 00 00 00 00 00 00', 'vvol: no vVol array has a SCSI protocol endpoint at LUN 254'],
    ['vvol frobnicate', expect.stringMatching(/^unknown vvol command 'frobnicate'\nUsage: vvol/)],
  ])('%s', async (line, message) => {
    expect(await fail(line)).toEqual(message);
  });

  it('a policy in use cannot be deleted; an unused one can', async () => {
    await ok('vvol policy create gold --rule iopsLimit=1000');
    await ok('vvol vm create web02 --container vvol-gold --policy gold --disk 1g');
    expect(await fail('vvol policy delete gold')).toBe('vvol: policy "gold" is in use by web02');
    await ok('vvol vm delete web02');
    expect(await ok('vvol policy delete gold')).toBe('Deleted storage policy "gold"');
  });

  it('a failing line stops a script, naming it', async () => {
    let text = '';
    const line = await s.runScript('vvol vm create w --container vvol-gold --disk 1g\nvvol vm poweron w\nvvol vm delete w\n', (c) => (text += c));
    expect(line).toBe(3);
    expect(text).toContain('vvol: w is powered on: its vVols are bound, and a bound vVol cannot be deleted; power it off first');
  });
});

describe('the data path carries the secondary id', () => {
  it('a command the host sends for a vVol arrives at the array as LUN 255 plus the vVol\'s secondary id', async () => {
    await ok('vvol vm create web02 --container vvol-gold --disk 1g');
    await ok('vvol vm poweron web02');
    const array = host.array('vvol-array')!;
    const seen: number[] = [];
    const submit = array.submit.bind(array);
    array.submit = (cmd, port, lun, done) => {
      if (cmd.cdb[0] === 0x28) seen.push(lun);
      submit(cmd, port, lun, done);
    };
    await ok('fio --vm web02 --rw randread --number_ios 5');
    expect(seen).toEqual(Array(5).fill(conglomerateLun(255, 2)));
  });
});
