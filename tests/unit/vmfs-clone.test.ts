// Clones of a disk on the shared volume (vmkfstools -i): with XCOPY the array copies and only the
// parameter lists cross the fabric; with the host's data mover (HardwareAcceleratedMove=0, or an
// array that refuses the copy) the disk crosses it twice. Same bytes in the destination either way.
// Then every bad input: a clear message, and nothing on disk changed.

import { describe, expect, it } from 'vitest';
import { esxcli } from '../../src/stack/cli/esxcli';
import { esxtop } from '../../src/stack/cli/esxtop';
import { compareFiles } from '../../src/stack/vmfs/api';
import { allVaaiCounters } from '../../src/stack/vmfs/disk-io';
import { lastClones } from '../../src/stack/vmfs/shared-view';
import { BITMAP_LBA, RESOURCE_LOCK_LBA } from '../../src/stack/vmfs/layout';
import { settingValue } from '../../src/stack/vmfs/advanced-settings';
import type { Host } from '../../src/stack/host';
import { AA0, ALUA0, lab, sgRead, vmk, vmkFails } from './vmfs-lab';
import { fails, succeeds } from './lab-lines';
import { LabSession } from '../../src/stack/cli/script';

const DS = '/vmfs/volumes/shared-ds';
const SIZE = 32 * 1024 * 1024;

/** Bytes every adapter of the host has moved (esxcli's Bytes Sent + Bytes Received). */
function adapterBytes(host: Host): number {
  const out = esxcli(host, ['storage', 'core', 'adapter', 'stats', 'get']).output;
  return [...out.matchAll(/Bytes (?:Sent|Received): (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

/** The host's last clone, as the page's Datastores view shows it. */
function lastClone(host: Host) {
  const mine = lastClones(host).find((c) => c.host === host.name);
  expect(mine, `${host.name} has made no clone`).toBeDefined();
  return mine!.clone;
}

async function volumeWithData() {
  const l = await lab();
  await vmk(l.host, `-C vmfs6 -S shared-ds /vmfs/devices/disks/${AA0}`);
  await vmk(l.host, `-c 32m -d thin ${DS}/a.vmdk`);
  await succeeds(l.one, `fio --name fill --filename ${DS}/a.vmdk --rw write --bs 1m --iodepth 4`);
  return l;
}

describe('vmkfstools -i', () => {
  it('XCOPY and the host copy leave the same bytes; the fabric carries ~0 against twice the disk', async () => {
    const { host } = await volumeWithData();
    // The source is not blank: the fill job's stamps are there.
    const firstBlocks = await sgRead(host, 'aa-array', 0, (8 * 2 ** 20) / 512, 8);
    expect(firstBlocks.some((b) => b !== 0)).toBe(true);

    const fabricBefore = adapterBytes(host);
    const hw = await vmk(host, `-i ${DS}/a.vmdk ${DS}/b.vmdk`);
    expect(hw).toMatch(/^Destination disk format: VMFS zeroedthick\nCloning disk '\/vmfs\/volumes\/shared-ds\/a.vmdk'...\nClone: 100% done.\n/);
    expect(hw).toContain('Data mover: hardware (XCOPY): 8 EXTENDED COPY commands'); // 32 MiB in 4096 KB commands
    const xcopy = lastClone(host);
    expect(xcopy).toMatchObject({ mover: 'hardware', xcopyCommands: 8, readCommands: 0, writeCommands: 0, bytes: SIZE });
    expect(xcopy.fabricBytes).toBeGreaterThan(0);
    expect(xcopy.fabricBytes).toBeLessThan(4096); // eight 76-byte parameter lists (and a heartbeat, maybe)
    expect(await compareFiles(host, `${DS}/a.vmdk`, `${DS}/b.vmdk`)).toEqual({ equal: true, firstDifference: -1 });
    expect(esxtop(host, 'vaai')).toMatch(new RegExp(`^${AA0} +8 +8 +0 +\\d+ +0 `, 'm'));

    expect(esxcli(host, ['system', 'settings', 'advanced', 'set', '-o', '/DataMover/HardwareAcceleratedMove', '-i', '0']).ok).toBe(true);
    expect(esxcli(host, ['system', 'settings', 'advanced', 'list', '-o', '/DataMover/HardwareAcceleratedMove']).output).toBe(
      [
        '   Path: /DataMover/HardwareAcceleratedMove',
        '   Type: integer',
        '   Int Value: 0',
        '   Default Int Value: 1',
        '   Min Value: 0',
        '   Max Value: 1',
        '   String Value:',
        '   Default String Value:',
        '   Valid Characters:',
        '   Description: Enable hardware accelerated VMFS data movement (requires compliant hardware)',
      ].join('\n'),
    );
    const sw = await vmk(host, `-i ${DS}/a.vmdk ${DS}/c.vmdk -d thin`);
    expect(sw).toContain('Data mover: software (/DataMover/HardwareAcceleratedMove is 0): 32 READ and 32 WRITE commands');
    const soft = lastClone(host);
    expect(soft.fabricBytes).toBeGreaterThanOrEqual(2 * SIZE);
    expect(soft.fabricBytes).toBeLessThan(2 * SIZE + 65536);
    expect(await compareFiles(host, `${DS}/a.vmdk`, `${DS}/c.vmdk`)).toEqual({ equal: true, firstDifference: -1 });
    // esxcli's adapter stats saw both: ~0 for the XCOPY clone, twice the disk for the host's.
    expect(adapterBytes(host) - fabricBefore).toBeGreaterThanOrEqual(2 * SIZE);
    // The copy is real: a changed source no longer matches.
    await succeeds(new LabSession(host), `fio --name again --filename ${DS}/a.vmdk --rw write --bs 1m --size 1m`);
    expect((await compareFiles(host, `${DS}/a.vmdk`, `${DS}/c.vmdk`)).equal).toBe(false);
  }, 60_000);

  it('MaxHWTransferSize sizes the XCOPY commands; a LUN in another array falls back to the host', async () => {
    const { host } = await volumeWithData();
    esxcli(host, ['system', 'settings', 'advanced', 'set', '-o', '/DataMover/MaxHWTransferSize', '-i', '1024']);
    expect(await vmk(host, `-i ${DS}/a.vmdk ${DS}/d.vmdk`)).toContain('32 EXTENDED COPY commands');
    await vmk(host, `-C vmfs6 -S other-ds /vmfs/devices/disks/${ALUA0}`);
    const cross = await vmk(host, `-i ${DS}/a.vmdk /vmfs/volumes/other-ds/e.vmdk`);
    expect(cross).toMatch(/Data mover: software \(the array refused EXTENDED COPY \(.*sense 0a\/0d\/02\); the host copied the disk\): 32 READ and 32 WRITE commands/);
    expect(allVaaiCounters(host).get(AA0)?.cloneF).toBe(1);
    expect(await compareFiles(host, `${DS}/a.vmdk`, '/vmfs/volumes/other-ds/e.vmdk')).toEqual({ equal: true, firstDifference: -1 });
  }, 60_000);

  it('bad inputs give clear messages and change nothing', async () => {
    const { host } = await volumeWithData();
    const metadata = async () => sgRead(host, 'aa-array', 0, RESOURCE_LOCK_LBA, BITMAP_LBA - RESOURCE_LOCK_LBA + 2);
    const before = await metadata();
    expect(await vmkFails(host, `-i ${DS}/missing.vmdk ${DS}/x.vmdk`)).toContain('Failed to open');
    expect(await vmkFails(host, `-i ${DS}/a.vmdk ${DS}/a.vmdk`)).toContain('already exists');
    expect(await vmkFails(host, `-c 12x ${DS}/x.vmdk`)).toMatch(/^Invalid disk size '12x'/);
    expect(await vmkFails(host, `-c 0 ${DS}/x.vmdk`)).toMatch(/^Invalid disk size '0'/);
    expect(await vmkFails(host, `-c 2t ${DS}/x.vmdk`)).toMatch(/not enough space on the file system.*x\.vmdk needs 2097152 MB/);
    expect(await vmkFails(host, `-c 1m -d sparse ${DS}/x.vmdk`)).toBe("Unsupported disk format 'sparse': use thin, zeroedthick, eagerzeroedthick");
    expect(await vmkFails(host, '-c 1m /vmfs/volumes/nowhere/x.vmdk')).toMatch(/^Volume nowhere is not mounted on this host/);
    expect(await vmkFails(host, `-c 1m ${DS}/dir/x.vmdk`)).toMatch(/no directories/);
    expect(await vmkFails(host, `-c 1m ${DS}/x.txt`)).toMatch(/NAME\.vmdk/);
    expect(await vmkFails(host, `-U ${DS}/missing.vmdk`)).toMatch(/does not exist \(files on shared-ds: a\.vmdk\)/);
    expect(await vmkFails(host, `-D ${DS}/missing.vmdk`)).toMatch(/does not exist/);
    expect(await vmkFails(host, '-Z')).toMatch(/^unknown option -Z\nusage:/);
    const set = (...a: string[]) => esxcli(host, ['system', 'settings', 'advanced', 'set', ...a]);
    expect(set('-o', '/DataMover/HardwareAcceleratedMove', '-i', '5')).toEqual({ ok: false, output: 'Error: Invalid value 5 for /DataMover/HardwareAcceleratedMove: it must be an integer in 0..1' });
    expect(set('-o', '/DataMover/Nope', '-i', '1').output).toMatch(/^Error: Unable to find option Nope/);
    expect(set('-o', '/DataMover/MaxHWTransferSize').ok).toBe(false);
    expect(settingValue(host, '/DataMover/HardwareAcceleratedMove')).toBe(1);
    expect(esxcli(host, ['storage', 'core', 'adapter', 'stats', 'get', '-a', 'vmhba9']).output).toMatch(/^Error: Unknown adapter vmhba9/);
    const session = new LabSession(host);
    expect(await fails(session, `fio --filename ${DS}/missing.vmdk`)).toMatch(/^fio: --filename: File \/vmfs\/volumes\/shared-ds\/missing\.vmdk does not exist/);
    expect(await fails(session, 'fio --filename /vmfs/volumes/nowhere/a.vmdk')).toMatch(/^fio: --filename: Volume nowhere is not mounted/);
    expect(await fails(session, `fio --filename ${DS}/a.vmdk --size 64m`)).toBe("fio: --size: 67108864 is more than the file's 33554432 bytes");
    expect(await fails(session, `fio --filename ${DS}/a.vmdk --device ${AA0}`)).toMatch(/give either --vm, --device or --filename/);
    expect(await metadata()).toEqual(before);
  }, 60_000);
});
