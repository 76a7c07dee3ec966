// The workbench snapshot's vVols: plain data the vVols tab draws, read from the vVol model without
// starting the host's vVol daemon, and following the VM lifecycle run at the console.

import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { existingVvols, vvols } from '../../src/stack/vvol';
import { snapshot } from '../../src/stack/workbench/snapshot';

const PE = 'naa.600140500aba000400000000000000ff'; // vvol-array LUN 255
const GiB = 1024 ** 3;

async function session() {
  const host = await Host.boot();
  const s = new LabSession(host);
  const ok = async (line: string) => {
    const r = await s.run(line);
    expect(r.ok, `${line}\n${r.output}`).toBe(true);
    return r.output;
  };
  return { host, s, ok };
}

describe('snapshot vvols', () => {
  it('before any vVol command: the scenario\'s containers and PEs, empty, and no daemon made', async () => {
    const { host } = await session();
    const v = snapshot(host).vvols!;
    expect(existingVvols(host)).toBeUndefined();
    expect(() => structuredClone(v)).not.toThrow();
    expect(v.started).toBe(false);
    expect(v.containers.map((c) => [c.name, c.protocol, c.arrays, c.capacityBytes, c.usedBytes, c.id])).toEqual([
      ['vvol-gold', 'SCSI', ['vvol-array'], 512 * GiB, 0, ''],
      ['vvol-nfs', 'NFS', ['vvol-array'], 128 * GiB, 0, ''],
    ]);
    expect(v.containers[0].offers).toContain('iopsLimit: 100..50000');
    expect(v.protocolEndpoints).toEqual([
      { array: 'vvol-array', lun: 255, type: 'SCSI', id: PE, bound: 0 },
      { array: 'vvol-array', lun: null, type: 'NFS', id: '192.168.50.10:/vvol-pe', bound: 0 },
    ]);
    expect(v.policies.map((p) => p.name)).toEqual(['VVol No Requirements Policy']);
    expect(v.vms).toEqual([]);
  });

  it('follows create, power on, snapshot, power off and delete, as plain data', async () => {
    const { host, ok } = await session();
    await ok('vvol policy create gold --rule iopsLimit=1000 --rule provisioning=thin');
    await ok('vvol vm create web02 --container vvol-gold --policy gold --disk 8g --disk 2g');
    let v = snapshot(host).vvols!;
    expect(v.started).toBe(true);
    expect(v.containers[0].id).toMatch(/^vvol:[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(v.containers[0].usedBytes).toBe(14 * GiB); // 4 GiB config + 8 + 2
    expect(v.containers[0].vvolCount).toBe(3);
    expect(v.policies.find((p) => p.name === 'gold')).toEqual({
      name: 'gold', version: 1, rules: { iopsLimit: 1000, provisioning: 'thin' }, text: 'iopsLimit=1000, provisioning=thin', vms: ['web02'],
    });
    let vm = v.vms[0];
    expect(vm).toMatchObject({ name: 'web02', container: 'vvol-gold', array: 'vvol-array', policy: 'gold', state: 'poweredOff' });
    expect(vm.vvols.map((x) => [x.name, x.type, x.disk, x.sizeBytes, x.bound, x.binding, x.compliance])).toEqual([
      ['web02-config', 'config', null, 4 * GiB, false, null, 'compliant'],
      ['web02.vmdk', 'data', 0, 8 * GiB, false, null, 'compliant'],
      ['web02_1.vmdk', 'data', 1, 2 * GiB, false, null, 'compliant'],
    ]);
    expect(vm.vvols[1].iopsLimit).toBe(1000);
    expect(vm.vvols[0].id).toMatch(/^rfc4122\./);

    await ok('vvol vm poweron web02');
    v = snapshot(host).vvols!;
    expect(() => structuredClone(v)).not.toThrow();
    vm = v.vms[0];
    expect(vm.state).toBe('poweredOn');
    expect(vm.vvols.map((x) => [x.type, x.binding])).toEqual([
      ['config', '255:1'],
      ['data', '255:2'],
      ['data', '255:3'],
      ['swap', '255:4'],
    ]);
    expect(vm.vvols.find((x) => x.type === 'swap')!.compliance).toBe('notApplicable');
    expect(v.protocolEndpoints.find((p) => p.type === 'SCSI')!.bound).toBe(4);

    await ok('vvol vm snapshot web02 --name s1');
    vm = snapshot(host).vvols!.vms[0];
    const snaps = vm.vvols.filter((x) => x.type === 'snapshot');
    expect(snaps.map((x) => [x.name, x.disk, x.bound, x.binding, x.compliance])).toEqual([
      ['web02.vmdk@s1', 0, false, null, 'notApplicable'],
      ['web02_1.vmdk@s1', 1, false, null, 'notApplicable'],
    ]);

    await ok('vvol vm poweroff web02');
    v = snapshot(host).vvols!;
    expect(v.vms[0].vvols.some((x) => x.bound || x.type === 'swap')).toBe(false);
    expect(v.protocolEndpoints.every((p) => p.bound === 0)).toBe(true);

    await ok('vvol vm delete web02');
    v = snapshot(host).vvols!;
    expect(v.vms).toEqual([]);
    expect(v.containers[0].usedBytes).toBe(0);
  });

  it('a failed create leaves nothing in the snapshot', async () => {
    const { host, s } = await session();
    const r = await s.run('vvol vm create big --container vvol-nfs --disk 200g');
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/storage container vvol-nfs is out of capacity: .*nothing was created/);
    const v = snapshot(host).vvols!;
    expect(v.vms).toEqual([]);
    expect(v.containers.find((c) => c.name === 'vvol-nfs')).toMatchObject({ usedBytes: 0, vvolCount: 0 });
  });

  it('stays cheap at scale: 10,000 vVols (1,000 bound) outside VMs are counted, not listed', async () => {
    const { host, ok } = await session();
    const d = vvols(host);
    const made = [];
    for (let i = 0; i < 10_000; i++) made.push(d.createVvol({ container: 'vvol-gold', sizeBytes: 32 * 1024 * 1024, name: `bulk-${i}` }));
    for (let i = 0; i < 1000; i++) d.bind(made[i * 10]);
    await ok('vvol vm create web02 --container vvol-gold --disk 1g');
    const started = performance.now();
    const v = snapshot(host).vvols!;
    expect(performance.now() - started).toBeLessThan(100);
    expect(v.containers[0].vvolCount).toBe(10_002);
    expect(v.protocolEndpoints.find((p) => p.type === 'SCSI')!.bound).toBe(1000);
    expect(v.vms.map((vm) => vm.vvols.length)).toEqual([2]);
    expect(structuredClone(v)).toEqual(v);
  });
});
