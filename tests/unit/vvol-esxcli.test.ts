// esxcli storage vvol (protocolendpoint, storagecontainer, vasaprovider list) and the PE in the core
// device and path views, in esxcli's record shape; and a storage container that spans two arrays.

import { beforeEach, describe, expect, it } from 'vitest';
import data from '../../src/stack/scenario/classroom.json' with { type: 'json' };
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { parseScenario } from '../../src/stack/scenario/validate';
import { fails, succeeds } from './lab-lines';
import { parseRecords } from './esxcli-records';

const PE = 'naa.600140500aba000400000000000000ff';
const NFS_PE = '192.168.50.10:/vvol-pe';

let host: Host;
let s: LabSession;
beforeEach(async () => {
  host = await Host.boot();
  s = new LabSession(host);
});

const ok = (line: string) => succeeds(s, line);
const fail = (line: string) => fails(s, line);


describe('esxcli storage vvol', () => {
  it('the namespace lists its three list namespaces', async () => {
    const out = await ok('esxcli storage vvol');
    expect(out).toMatch(/^Usage: esxcli storage vvol \{cmd\} \[cmd options\]/);
    expect(out).toMatch(/Available Namespaces:\n {2}protocolendpoint +Operations on Virtual Volumes protocol endpoints\.\n {2}storagecontainer +.*\n {2}vasaprovider +Operations on VASA providers\./);
    expect(await ok('esxcli storage vvol vasaprovider')).toMatch(/Available Commands:\n {2}list +List the VASA Providers registered on the host\./);
  });

  it('vasaprovider list: one provider with its array', async () => {
    expect(await ok('esxcli storage vvol vasaprovider list')).toBe(
      [
        'pathlab-vasa',
        '   VP Name: pathlab-vasa',
        '   URL: https://vvol-array.pathlab.local:8443/vasa/version.xml',
        '   Status: online',
        '   Arrays:',
        '         ArrayId: com.pathlab:0aba0004',
        '         Is Active: true',
        '         Priority: 200',
      ].join('\n'),
    );
  });

  it('storagecontainer list: name, UUID, array, size and free space that follow the vVols made', async () => {
    const recs = parseRecords(await ok('esxcli storage vvol storagecontainer list'));
    expect([...recs.keys()]).toEqual(['vvol-gold', 'vvol-nfs']);
    const gold = recs.get('vvol-gold')!;
    expect(Object.keys(gold)).toEqual(['StorageContainer Name', 'UUID', 'Array', 'Size(MB)', 'Free(MB)', 'Accessible', 'Default Policy', 'Protocol', 'VVols']);
    expect(gold['UUID']).toMatch(/^vvol:[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(gold['UUID']).not.toBe(recs.get('vvol-nfs')!['UUID']);
    expect([gold['StorageContainer Name'], gold['Array'], gold['Size(MB)'], gold['Free(MB)'], gold['Accessible'], gold['Protocol'], gold['VVols']]).toEqual([
      'vvol-gold', 'com.pathlab:0aba0004', '524288', '524288', 'true', 'SCSI', '0',
    ]);
    await ok('vvol vm create web02 --container vvol-gold --disk 10g');
    const after = parseRecords(await ok('esxcli storage vvol storagecontainer list')).get('vvol-gold')!;
    expect([after['Free(MB)'], after['VVols']]).toEqual([String(524288 - 4096 - 10240), '2']);
  });

  it('protocolendpoint list: the SCSI PE (the device discovery found) and the NFS mount', async () => {
    const recs = parseRecords(await ok('esxcli storage vvol protocolendpoint list'));
    expect([...recs.keys()]).toEqual([PE, NFS_PE]);
    const containers = parseRecords(await ok('esxcli storage vvol storagecontainer list'));
    expect(recs.get(PE)).toEqual({
      'Host Id': PE, 'Array Id': 'com.pathlab:0aba0004', Type: 'SCSI', Accessible: 'true', Configured: 'true', 'Lun Id': PE,
      'Remote Host': '', 'Remote Share': '', 'NFS version': 'N/A', 'Storage Containers': containers.get('vvol-gold')!['UUID'],
      'Array Name': 'vvol-array', Lun: '255', 'Bound VVols': '0',
    });
    expect(recs.get(NFS_PE)).toEqual({
      'Host Id': NFS_PE, 'Array Id': 'com.pathlab:0aba0004', Type: 'NFS', Accessible: 'true', Configured: 'true', 'Lun Id': '',
      'Remote Host': '192.168.50.10', 'Remote Share': '/vvol-pe', 'NFS version': 'NFSv3', 'Storage Containers': containers.get('vvol-nfs')!['UUID'],
      'Array Name': 'vvol-array', Lun: '', 'Bound VVols': '0',
    });
    expect([...parseRecords(await ok('esxcli storage vvol protocolendpoint list -t NFS')).keys()]).toEqual([NFS_PE]);
    expect([...parseRecords(await ok(`esxcli storage vvol protocolendpoint list --pe ${PE}`)).keys()]).toEqual([PE]);
    expect(await fail('esxcli storage vvol protocolendpoint list -t FC')).toMatch(/^Error: Invalid PE type FC\. Valid values are: SCSI, NFS, NFS4x\n\nUsage: esxcli storage vvol protocolendpoint list/);
    expect(await fail('esxcli storage vvol protocolendpoint list -p naa.nope')).toBe('Error: Unknown protocol endpoint naa.nope');
  });

  it('a SCSI PE the host cannot reach is not accessible, nor is its container; the NFS one is', async () => {
    await ok('fault link vmhba1');
    await ok('fault link vmhba2');
    await ok('sleep 1s');
    const pes = parseRecords(await ok('esxcli storage vvol protocolendpoint list'));
    expect([pes.get(PE)!.Accessible, pes.get(NFS_PE)!.Accessible]).toEqual(['false', 'true']);
    const containers = parseRecords(await ok('esxcli storage vvol storagecontainer list'));
    expect([containers.get('vvol-gold')!.Accessible, containers.get('vvol-nfs')!.Accessible]).toEqual(['false', 'true']);
    await ok('vvol vm create web02 --container vvol-gold --disk 1g');
    expect(await fail('vvol vm poweron web02')).toMatch(
      /^vvol: cannot power on web02: cannot bind vVol rfc4122\.\S+ \(web02-config\): no SCSI protocol endpoint of array vvol-array is reachable from esxi01\.pathlab\.local; nothing was changed$/,
    );
    expect(parseRecords(await ok('esxcli storage vvol storagecontainer list')).get('vvol-gold')!['VVols']).toBe('2'); // no swap left behind
  });
});

describe('the PE in the core views', () => {
  it('storage core device list says "Is VVOL PE: true" for the PE only; it is 0 MB', async () => {
    const devices = parseRecords(await ok('esxcli storage core device list'));
    const pes = [...devices].filter(([, d]) => d['Is VVOL PE'] === 'true').map(([id]) => id);
    expect(pes).toEqual([PE]);
    expect(devices.get(PE)!['Size']).toBe('0');
    expect(devices.get(PE)!['Model']).toBe('VVOL-VA');
  });

  it('storage core path list -d PE: its two paths, which every vVol bound behind it uses; NMP serves it', async () => {
    const paths = parseRecords(await ok(`esxcli storage core path list -d ${PE}`));
    expect([...paths.values()].map((p) => [p['Runtime Name'], p['LUN'], p['Plugin'], p['State']])).toEqual([
      ['vmhba1:C0:T4:L255', '255', 'NMP', 'active'],
      ['vmhba2:C0:T4:L255', '255', 'NMP', 'active'],
    ]);
    const nmp = parseRecords(await ok(`esxcli storage nmp device list -d ${PE}`)).get(PE)!;
    expect([nmp['Storage Array Type'], nmp['Path Selection Policy']]).toEqual(['VMW_SATP_DEFAULT_AA', 'VMW_PSP_FIXED']);
  });
});

describe('a storage container that spans two arrays', () => {
  async function spanning(): Promise<void> {
    const input = structuredClone(data) as Record<string, any>;
    input.arrays[2].vasa = { provider: 'pathlab-vasa', protocolEndpoints: [{ protocol: 'scsi', lun: 254 }], containers: [] };
    input.arrays[4].vasa.containers[0].spans = ['aa-array'];
    host = await Host.boot({ scenario: parseScenario(input) });
    s = new LabSession(host);
  }

  it('one provider with both arrays; vVols placed on the array holding less of the container, each bound through its own array\'s PE', async () => {
    await spanning();
    expect(await ok('esxcli storage vvol vasaprovider list')).toMatch(/ArrayId: com\.pathlab:0aaa0003\n.*\n.*\n\n {9}ArrayId: com\.pathlab:0aba0004/);
    const gold = parseRecords(await ok('esxcli storage vvol storagecontainer list')).get('vvol-gold')!;
    expect(gold['Array']).toBe('com.pathlab:0aba0004, com.pathlab:0aaa0003');
    expect(await ok('vvol vm create one --container vvol-gold --disk 4g')).toMatch(/on vvol-gold \(array vvol-array\)/);
    expect(await ok('vvol vm create two --container vvol-gold --disk 4g')).toMatch(/on vvol-gold \(array aa-array\)/);
    // 8 GiB on each now: a tie goes to the container's own array.
    expect(await ok('vvol vm create three --container vvol-gold --disk 1g')).toMatch(/on vvol-gold \(array vvol-array\)/);
    await ok('vvol vm poweron two');
    const on = await ok('vvol vm poweron one');
    expect(on).toMatch(/one\.vmdk +data +one +4096 +thin +vvol-gold +vvol-array +255:2/);
    expect(await ok('vvol list --vm two')).toMatch(/two\.vmdk +data +two +4096 +thin +vvol-gold +aa-array +254:2/);
    const out = await ok('fio --vm two --rw randwrite --number_ios 200 --verify');
    expect(out).toContain('device=naa.600140500aaa000300000000000000fe');
    expect(/errors: (\d+)/.exec(out)![1]).toBe('0');
    expect(parseRecords(await ok('esxcli storage vvol storagecontainer list')).get('vvol-gold')!['Free(MB)']).toBe(String(524288 - 2 * (4096 + 4096) - (4096 + 1024) - 2 * 4096));
  });
});
