// When a host mounts the VMFS volumes on its devices: at the first datastore command on a host
// whose VMFS driver never ran, when a crashed peer boots again, and when the sandbox lab is
// reopened (its hosts boot again on the blocks IndexedDB kept), as ESXi mounts at boot.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { existingVmfs } from '../../src/stack/vmfs/vmfs';
import { Lab as PageLab } from '../../src/stack/workbench/lab';
import { AA1, lab, vmk } from './vmfs-lab';
import { succeeds } from './lab-lines';

describe('mounting VMFS volumes', () => {
  it('a host that never ran a datastore command finds the volume at its first `esxcli storage filesystem list`', async () => {
    const { host, peer, one } = await lab();
    await vmk(host, `-C vmfs6 -S shared-ds /vmfs/devices/disks/${AA1}`);
    expect(existingVmfs(peer)).toBeUndefined();
    expect(await succeeds(one, 'on esxi02 esxcli storage filesystem list')).toMatch(/^\/vmfs\/volumes\/\S+ +shared-ds +\S+ +true +VMFS-6/m);
    host.close();
  });

  it('a crashed peer mounts the volume again when it boots, and heartbeats there', async () => {
    const { host, one } = await lab();
    await vmk(host, `-C vmfs6 -S shared-ds /vmfs/devices/disks/${AA1}`);
    await succeeds(one, 'on esxi02 esxcli storage filesystem rescan');
    await succeeds(one, 'fault host esxi02');
    await succeeds(one, 'repair host esxi02');
    const fresh = host.peer('esxi02')!;
    expect([...existingVmfs(fresh)!.volumes.values()].map((v) => v.label)).toEqual(['shared-ds']);
    await succeeds(one, 'sleep 10s');
    expect(await succeeds(one, 'vmkfstools --activehosts /vmfs/volumes/shared-ds')).toMatch(/^Found 2 actively heartbeating hosts/);
    host.close();
  });

  it('the sandbox, opened again on its saved blocks, mounts the volume on both hosts', async () => {
    globalThis.indexedDB = new IDBFactory(); // an empty browser profile
    const options = { lessons: [], onFrame: () => {}, persistent: true };
    let page = await PageLab.open(options);
    expect((await page.run(`vmkfstools -C vmfs6 -S kept /vmfs/devices/disks/${AA1}`)).ok).toBe(true);
    expect((await page.run('on esxi02 esxcli storage filesystem rescan')).ok).toBe(true);
    page.host.close();
    page = await PageLab.open(options);
    for (const h of page.host.hosts()) expect([...existingVmfs(h)!.volumes.values()].map((v) => v.label)).toEqual(['kept']);
    page.host.close();
  });
});
