// Eager-zeroed disks: zeroed by the array with WRITE SAME (16) when the device offers Zero and
// /DataMover/HardwareAcceleratedInit is 1, else by the host's own WRITEs; either way the disk reads
// zeros where a deleted disk's data was.

import { expect, it } from 'vitest';
import { esxcli } from '../../src/stack/cli/esxcli';
import { compareFiles } from '../../src/stack/vmfs/api';
import { allVaaiCounters } from '../../src/stack/vmfs/disk-io';
import { sharedDatastores } from '../../src/stack/vmfs/shared-view';
import { fabricBytes } from '../../src/stack/vmfs/clone';
import { AA0, lab, sgRead, vmk } from './vmfs-lab';
import { succeeds } from './lab-lines';

const DS = '/vmfs/volumes/zds';

it('eagerzeroedthick zeroes with WRITE SAME, or with the host when HardwareAcceleratedInit is 0', async () => {
  const { host, one } = await lab();
  await vmk(host, `-C vmfs6 -S zds /vmfs/devices/disks/${AA0}`);
  // Leave data behind where the next disks will be allocated.
  await vmk(host, `-c 16m ${DS}/old.vmdk`);
  await succeeds(one, `fio --name dirty --filename ${DS}/old.vmdk --rw write --bs 1m --iodepth 2`);
  // The volume's data starts at file block 1 (LBA 2048 in 512-byte blocks): old.vmdk's first blocks.
  expect((await sgRead(host, 'aa-array', 0, 2048, 64)).some((b) => b !== 0)).toBe(true);
  await vmk(host, `-U ${DS}/old.vmdk`);
  expect(sharedDatastores(host)[0].files).toEqual([]);

  const zero = () => allVaaiCounters(host).get(AA0)?.zero ?? 0;
  const z0 = zero();
  let before = fabricBytes(host);
  expect(await vmk(host, `-c 16m -d eagerzeroedthick ${DS}/hw.vmdk`)).toBe('Create: 100% done.\nZeroed by the array: 1 WRITE SAME (16) commands (Zero)');
  expect(zero() - z0).toBe(1);
  expect(fabricBytes(host) - before).toBeLessThan(1024 * 1024); // one block of data-out, and metadata
  await vmk(host, `-c 16m ${DS}/blank.vmdk`);

  esxcli(host, ['system', 'settings', 'advanced', 'set', '-o', '/DataMover/HardwareAcceleratedInit', '-i', '0']);
  await vmk(host, `-U ${DS}/hw.vmdk`);
  before = fabricBytes(host);
  expect(await vmk(host, `-c 16m -d eagerzeroedthick ${DS}/sw.vmdk`)).toBe('Create: 100% done.\nZeroed by the host: 16 WRITE commands');
  expect(zero() - z0).toBe(1);
  expect(fabricBytes(host) - before).toBeGreaterThanOrEqual(16 * 1024 * 1024);

  // sw.vmdk took hw.vmdk's blocks, which took old.vmdk's: all zeros now, like a fresh thin LUN's blank disk.
  const files = sharedDatastores(host)[0].files.map((f) => f.name).sort();
  expect(files).toEqual(['blank.vmdk', 'sw.vmdk']);
  const sw = await sgRead(host, 'aa-array', 0, 2048, 64);
  expect(sw.every((b) => b === 0)).toBe(true);
  expect((await compareFiles(host, `${DS}/sw.vmdk`, `${DS}/blank.vmdk`)).equal).toBe(true);
}, 60_000);
