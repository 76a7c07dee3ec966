// vVols survive a reload and a lab export/import: the sandbox's policies, VMs, vVols (their ids,
// snapshots, clones, bindings, capacity) and their blocks come back, new vVols get the ids they
// would have got without the reload, old blocks never leak into a new vVol, and a lab file whose
// vVol section is broken is refused with the field named, changing nothing.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXTENT_SIZE } from '../../src/stack/blockstore/block-store';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { loadLessons } from '../../src/stack/lessons/loader';
import type { Lesson } from '../../src/stack/lessons/lesson';
import { vvols } from '../../src/stack/vvol';
import type { VvolVolume } from '../../src/stack/vvol/volume';
import { buildVvols, captureVvols } from '../../src/stack/vvol/vvol-state';
import { Lab } from '../../src/stack/workbench/lab';
import { captureState, checkState, LabStateError, type LabState } from '../../src/stack/workbench/lab-state';
import { LabStore } from '../../src/stack/workbench/lab-store';
import { succeeds } from './lab-lines';

let lessons: Lesson[];
beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory(); // an empty browser profile per test
  lessons ??= await loadLessons();
});

/** The lab as a page load opens it, on the sandbox. */
async function open(): Promise<Lab> {
  const lab = await Lab.open({ lessons, onFrame: () => {}, persistent: true });
  if (lab.lesson) await lab.openSandbox();
  return lab;
}

async function ok(lab: Lab, line: string): Promise<string> {
  const r = await lab.run(line);
  expect(r.ok, `${line}\n${r.output}`).toBe(true);
  return r.output;
}

const pattern = (seed: number) => Array.from({ length: 512 }, (_, i) => ((i * 31 + seed) & 0xff).toString(16).padStart(2, '0')).join('');
const WRITE_LBA_8 = '2a 00 00 00 00 08 00 00 01 00';
const READ_LBA_8 = '28 00 00 00 00 08 00 00 01 00';
/** The 512 bytes a `vvol sg` READ printed, as hex. */
const readHex = (out: string) => [...out.matchAll(/^ [0-9a-f]{2,4}  +((?:[0-9a-f]{2} {1,2})+)/gm)].map((m) => m[1].replace(/\s+/g, '')).join('');

/** One 512-byte block of a vVol's volume, read from the block store as the array would. */
async function blockOf(host: Host, volume: VvolVolume, lba: number): Promise<string> {
  const table = host.arena.alloc(4);
  const extent = Math.floor((lba * 512) / EXTENT_SIZE);
  for (let p = volume.map(extent, 1, false, table); p; p = volume.map(extent, 1, false, table)) await p;
  const addr = host.arena.dv.getUint32(table, true);
  host.arena.free(table, 4);
  const at = addr + ((lba * 512) % EXTENT_SIZE);
  const bytes = addr === 0 ? new Uint8Array(512) : host.arena.u8.slice(at, at + 512);
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A world with policies, a running VM written to and snapshotted, a clone, an NFS VM, an edited policy. */
const WORLD = [
  'vvol policy create gold --rule iopsLimit=1000 --rule provisioning=thin --rule snapshotRetention=4',
  'vvol vm create web02 --container vvol-gold --policy gold --disk 1g --disk 2g --memory 1g --override iopsLimit=500',
  'vvol vm create nfs01 --container vvol-nfs --disk 1g --memory 1g --reservation 512m',
  'vvol vm poweron web02',
  `vvol sg 255:2 ${WRITE_LBA_8} --data-out ${pattern(1)}`,
  'vvol vm snapshot web02 --name before',
  `vvol sg 255:2 ${WRITE_LBA_8} --data-out ${pattern(2)}`,
  'vvol vm clone web02 web03',
  'vvol vm poweron nfs01',
  'vvol policy set gold --rule iopsLimit=2000',
];
/** What the learner sees of that world. */
const VIEWS = ['vvol list', 'vvol vm list', 'vvol policy list', 'vvol compliance', 'esxcli storage vvol storagecontainer list', 'esxcli storage vvol protocolendpoint list'];

async function views(lab: Lab): Promise<string[]> {
  const out: string[] = [];
  for (const line of VIEWS) out.push(await ok(lab, line));
  return out;
}

describe('a reload', () => {
  it('gives back the policies, VMs, vVols, bindings and capacity; the bytes read back; new ids are those of no reload', async () => {
    const lab = await open();
    for (const line of WORLD) await ok(lab, line);
    const before = await views(lab);
    expect(before[0]).toMatch(/web02\.vmdk@before/);
    expect(before[0]).toMatch(/web02\.vswp +swap .* 255:4 /);

    const again = await open(); // a new page on the same IndexedDB
    expect(await views(again)).toEqual(before);
    const d = vvols(again.host);
    const web02 = d.vm('web02');
    expect([web02.powered, web02.policy.name, web02.policy.version, web02.overrides]).toEqual([true, 'gold', 2, { iopsLimit: 500 }]);
    expect(web02.running.map((v) => v.bindings.values().next().value?.text)).toEqual(['255:1', '255:2', '255:3', '255:4']);
    expect(web02.disks[0].unit.iopsLimit).toBe(500);
    expect(d.vm('nfs01').running.map((v) => v.bindings.values().next().value?.text)).toEqual(before[0].match(/192\.168\.\S+#\d+/g));
    // The running VM's disk answers at its secondary id with the bytes written last; the snapshot
    // and the clone hold theirs, read from the block store under their saved keys.
    expect(readHex(await ok(again, `vvol sg 255:2 ${READ_LBA_8}`))).toBe(pattern(2));
    expect(await blockOf(again.host, web02.disks[0].snapshots[0].volume, 8)).toBe(pattern(1));
    expect(await blockOf(again.host, d.vm('web03').disks[0].volume, 8)).toBe(pattern(2));
    expect(web02.disks[0].snapshots[0].chargeBytes).toBe(EXTENT_SIZE);
    // The powered-on VM is bound and its PE device held open: fio runs on it.
    expect(await ok(again, 'fio --vm web02 --rw randrw --bs 4k --iodepth 4 --size 1m --number_ios 200 --verify')).toMatch(/^ {2}errors: 0$/m);
    expect(await ok(again, 'vvol vm poweroff web02')).toMatch(/^Powered off web02/);

    // The same actions on a host that never reloaded give the same ids, LUs and secondary ids.
    const host = await Host.boot();
    const s = new LabSession(host);
    for (const line of WORLD) await succeeds(s, line);
    await succeeds(s, 'vvol vm poweroff web02');
    const next = ['vvol vm create new01 --container vvol-gold --disk 1g', 'vvol vm poweron new01', 'vvol vm snapshot web03', 'vvol list --vm new01', 'vvol list --vm web03'];
    for (const line of next) expect(await ok(again, line)).toBe(await succeeds(s, line));
    const ids = new Set(buildVvols(vvols(again.host)).vvols.map((v) => v.id));
    expect(ids.size).toBe(d.allVvols.length);
  });

  it('continues snapshot schedules and their numbering', async () => {
    const lab = await open();
    await ok(lab, 'vvol policy create every15 --rule snapshotFrequencyMin=15 --rule snapshotRetention=8');
    await ok(lab, 'vvol vm create app01 --container vvol-gold --policy every15 --disk 1g');
    await ok(lab, 'sleep 16m');
    expect(vvols(lab.host).vm('app01').disks[0].snapshots.map((v) => v.name)).toEqual(['app01.vmdk@scheduled-1']);
    const again = await open();
    await ok(again, 'sleep 31m');
    expect(vvols(again.host).vm('app01').disks[0].snapshots.map((v) => v.name)).toEqual(['app01.vmdk@scheduled-1', 'app01.vmdk@scheduled-2', 'app01.vmdk@scheduled-3']);
  });

  it("never lets a new vVol read blocks an unsaved vVol left under its key", async () => {
    const lab = await open();
    await ok(lab, 'vvol vm create web02 --container vvol-gold --disk 1g');
    await ok(lab, 'vvol vm poweron web02');
    await ok(lab, `vvol sg 255:2 ${WRITE_LBA_8} --data-out ${pattern(3)}`);
    await ok(lab, 'vvol vm poweroff web02');
    const key = vvols(lab.host).vm('web02').disks[0].volume.key;
    expect((JSON.parse(await lab.exportFile()) as { blocks: { volume: string }[] }).blocks.some((b) => b.volume === key)).toBe(true);
    // The blocks reached IndexedDB but the lab state that knew the vVol did not (a save refused by
    // the quota, say): the next session's first vVol gets the same LU and key.
    const store = await LabStore.open();
    const saved = (await store.load())!;
    delete saved.vvols;
    await store.save(saved);
    store.close();
    const again = await open();
    expect(await ok(again, 'vvol vm list')).not.toMatch(/web02/);
    await ok(again, 'vvol vm create web02 --container vvol-gold --disk 1g');
    await ok(again, 'vvol vm poweron web02');
    expect(vvols(again.host).vm('web02').disks[0].volume.key).toBe(key);
    expect(readHex(await ok(again, `vvol sg 255:2 ${READ_LBA_8}`))).toBe('00'.repeat(512));
  });
});

describe('a reload after writes the last save missed', () => {
  it('keeps what a background job wrote while time played: a snapshot after the reload copies it', async () => {
    const lab = await open();
    await ok(lab, 'vvol vm create web02 --container vvol-gold --disk 1g');
    await ok(lab, 'vvol vm poweron web02');
    await ok(lab, 'fio --name bg --vm web02 --rw write --bs 64k --size 1m --number_ios 16 &');
    await lab.time.step(1_000_000); // time plays: the job runs, and no console line saves the lab
    const disk = vvols(lab.host).vm('web02').disks[0];
    expect(disk.volume.extents.size, '1 MiB written').toBe(1024 ** 2 / EXTENT_SIZE);
    await new Promise<void>((resolve, reject) => disk.volume.whenDurable((e) => (e ? reject(e) : resolve())));
    const store = await LabStore.open();
    const saved = (await store.load())!;
    store.close();
    expect(saved.vvols!.vvols.find((v) => v.id === disk.id)!.extents, 'the last save came before the writes').toEqual([]);
    const first = await blockOf(lab.host, disk.volume, 8);
    const last = await blockOf(lab.host, disk.volume, 2047);
    expect(first).not.toBe('00'.repeat(512));

    const again = await open();
    await ok(again, 'vvol vm snapshot web02 --name after');
    const reloaded = vvols(again.host).vm('web02').disks[0];
    expect(reloaded.volume.extents.size).toBe(1024 ** 2 / EXTENT_SIZE);
    const snapshot = reloaded.snapshots[0].volume;
    expect(await blockOf(again.host, snapshot, 8)).toBe(first);
    expect(await blockOf(again.host, snapshot, 2047)).toBe(last);
    // And the next save records them.
    const resaved = (JSON.parse(await again.exportFile()) as { state: LabState }).state;
    expect(resaved.vvols!.vvols.find((v) => v.id === disk.id)!.extents).toEqual([0, 1024 ** 2 / EXTENT_SIZE]);
  });
});

describe('capturing the vVol section', () => {
  it('is skipped for a host that never used vVols, and rebuilt exactly when something changed', async () => {
    const host = await Host.boot();
    const extras = { consoleHistory: [], lessons: {} };
    expect(captureState(host, extras).vvols).toBeUndefined();
    const s = new LabSession(host);
    const d = vvols(host);
    const lines = [
      ...WORLD,
      'fio --vm web02 --rw write --bs 64k --iodepth 4 --size 4m --number_ios 100',
      'vvol vm policy web02 --policy gold',
      'vvol policy create every15 --rule snapshotFrequencyMin=15',
      'vvol vm policy web03 --policy every15',
      'sleep 16m',
      'vvol vm poweroff nfs01',
      'vvol vm delete nfs01',
      // Memory minus a reservation of any bytes: a swap vVol of part of a block.
      'vvol vm create odd01 --container vvol-gold --disk 1g --memory 1g --reservation 1000',
      'vvol vm poweron odd01',
    ];
    for (const line of lines) {
      await succeeds(s, line);
      // A change the counter missed would leave the previous capture in place: it must equal a fresh one.
      const now = captureVvols(d);
      expect(now, line).toEqual(buildVvols(d));
      await succeeds(s, 'vvol list');
      expect(captureVvols(d), 'a listing changes nothing: the same capture again').toBe(now);
    }
    expect(d.vm('web03').disks[0].snapshots.map((v) => v.name)).toEqual(['web03.vmdk@scheduled-1']);
    expect(() => checkState(captureState(host, extras))).not.toThrow();
  });
});

describe('a lab file', () => {
  it('carries the vVols through export and import', async () => {
    const lab = await open();
    for (const line of WORLD) await ok(lab, line);
    const before = await views(lab);
    const file = await lab.exportFile();
    await lab.reset();
    expect(await ok(lab, 'vvol vm list')).not.toMatch(/web02/);
    await lab.importFile(file);
    expect(await views(lab)).toEqual(before);
    expect(readHex(await ok(lab, `vvol sg 255:2 ${READ_LBA_8}`))).toBe(pattern(2));
  });

  it('binds a running VM again where it can when its saved PE is gone, and says so', async () => {
    const lab = await open();
    for (const line of WORLD.slice(0, 5)) await ok(lab, line);
    const file = JSON.parse(await lab.exportFile()) as { state: LabState };
    const disk = file.state.vvols!.vvols.find((v) => v.name === 'web02.vmdk')!;
    disk.binding = { pe: 'naa.600140500aba0004000000000000fffe', secondaryId: 2 };
    await lab.importFile(JSON.stringify(file));
    const logged = (line: string) => lab.host.logLines.some((l) => l.endsWith(line));
    expect(logged(`lab: vVol ${disk.id} (web02.vmdk) could not be bound again at naa.600140500aba0004000000000000fffe #2`)).toBe(true);
    expect(logged("lab: web02's vVol web02.vmdk is bound at a new secondary id: 255:2")).toBe(true);
    expect(readHex(await ok(lab, `vvol sg 255:2 ${READ_LBA_8}`))).toBe(pattern(1));
  });

  it("whose vVol keys are another array's is refused, naming the field; a saved state like it restores none of them", async () => {
    const lab = await open();
    for (const line of WORLD.slice(0, 5)) await ok(lab, line);
    const file = JSON.parse(await lab.exportFile()) as { state: LabState };
    const web02 = file.state.vvols!.vvols.find((v) => v.name === 'web02.vmdk')!;
    const gold = file.state.vvols!.vvols.filter((v) => v.array === web02.array);
    const index = file.state.vvols!.vvols.indexOf(gold[0]);
    // Every vVol of the array under another serial's keys: consistent, so only the host can tell.
    for (const v of gold) v.key = `vvol.abcdef.${v.lun}`;
    expect(() => checkState(file.state)).not.toThrow();
    const serial = vvols(lab.host).vm('web02').disks[0].volume.key.split('.')[1];
    await expect(lab.importFile(JSON.stringify(file))).rejects.toThrow(
      new RegExp(`vvols\\.vvols\\[${index}\\]\\.key "vvol\\.abcdef\\.${gold[0].lun}" is not the block-store key array ${gold[0].array} gives its LU ${gold[0].lun} \\("vvol\\.${serial}\\.${gold[0].lun}"\\)`),
    );
    expect(readHex(await ok(lab, `vvol sg 255:2 ${READ_LBA_8}`)), 'nothing changed').toBe(pattern(1));
    // The same state saved (not imported): its vVols are not restored, and the log says why.
    const store = await LabStore.open();
    await store.save(file.state);
    store.close();
    const again = await open();
    expect(again.host.logLines.some((l) => l.endsWith(`was not restored: its block-store key vvol.abcdef.${gold[0].lun} is not vvol.${serial}.${gold[0].lun}, the one array ${gold[0].array} gives LU ${gold[0].lun}`))).toBe(true);
    expect(await ok(again, 'vvol vm list')).not.toMatch(/web02/);
  });

  it('whose vVol section is broken is refused, naming the field, and changes nothing', async () => {
    const lab = await open();
    for (const line of WORLD.slice(0, 5)) await ok(lab, line);
    const file = JSON.parse(await lab.exportFile()) as { state: LabState };
    const cases: [(s: NonNullable<LabState['vvols']>) => void, RegExp][] = [
      [(s) => (s.vms[0].disks[0] = 'rfc4122.nope'), /vvols\.vms\[0\]\.disks\[0\] names no vVol of vvols\.vvols/],
      [(s) => (s.vvols[1].sizeBytes = -512), /vvols\.vvols\[1\]\.sizeBytes must be a whole number, at least 1/],
      [(s) => (s.vvols[2].binding = { ...s.vvols[1].binding! }), /vvols\.vvols\[2\]\.binding: secondary id 2 of naa\.\w+ is bound twice/],
      [(s) => (s.vvols[0].extents = [4, 1, 2, 1]), /vvols\.vvols\[0\]\.extents: the run at 2 overlaps another/],
      [(s) => (s.policies[0].rules = { iopsLimit: 'fast' }), /vvols\.policies\[0\]\.rules\.iopsLimit: "fast" is not a value of iopsLimit/],
      [(s) => (s.vms[0].policy = 'platinum'), /vvols\.vms\[0\]\.policy "platinum" is not among vvols\.policies/],
      [(s) => (s.vvols[0].snapshotOf = s.vvols[3].id), /vvols\.vvols\[0\]\.snapshotOf must name a config vVol listed before it/],
      [(s) => ((s as unknown as Record<string, unknown>).vms = {}), /vvols\.vms must be a list/],
      // A key that is not its LU's could be the key of a vVol the array makes next.
      [(s) => (s.vvols[1].key = s.vvols[1].key.replace(/\d+$/, String(s.vvols[1].lun + 1))), /vvols\.vvols\[1\]\.key "vvol\.\w+\.\d+" is not the block-store key of LU \d+/],
      [(s) => (s.vvols[1].key = `vvol.abcdef.${s.vvols[1].lun}`), /vvols\.vvols\[1\]\.key "vvol\.abcdef\.\d+" names another serial than the other vVols of array/],
      // Runs of a few bytes that name two million extents: refused before restoring expands them.
      [(s) => Object.assign(s.vvols[1], { sizeBytes: 64 * 1024 ** 3, extents: [0, 2 ** 21] }), /vvols\.vvols\[1\]\.extents: the vVols hold more than 1048576 written extents in all/],
    ];
    for (const [breakIt, message] of cases) {
      const broken = structuredClone(file);
      breakIt(broken.state.vvols!);
      expect(() => checkState(broken.state)).toThrow(LabStateError);
      await expect(lab.importFile(JSON.stringify(broken))).rejects.toThrow(message);
    }
    expect(await ok(lab, 'vvol vm list')).toMatch(/web02 .* poweredOn/);
    expect(readHex(await ok(lab, `vvol sg 255:2 ${READ_LBA_8}`))).toBe(pattern(1));
  });
});
