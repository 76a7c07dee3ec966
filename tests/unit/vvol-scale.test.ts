// Scale: a container with 10,000 vVols, 1,000 of them bound behind one protocol endpoint. Made
// through the model API in a loop; then listing, binding, unbinding, deleting and I/O to the
// 1,000th bound vVol must still behave (every lookup on the way is a map or a heap, never a scan
// of the vVols, so none of this depends on the wall clock; the test asserts behaviour, not time).

import { beforeAll, describe, expect, it } from 'vitest';
import data from '../../src/stack/scenario/classroom.json' with { type: 'json' };
import { conglomerateLun } from '../../src/stack/arrays/vvol-conglomerate';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { sendCdb } from '../../src/stack/initiator/sg-request';
import { parseScenario } from '../../src/stack/scenario/validate';
import { vvols, type VvolDaemon } from '../../src/stack/vvol';
import type { VirtualVolume } from '../../src/stack/vvol/vvol';

const GiB = 1024 ** 3;
const PE = 'naa.600140500aba000400000000000000ff';

let host: Host;
let s: LabSession;
let d: VvolDaemon;
let made: VirtualVolume[];

async function ok(line: string): Promise<string> {
  const r = await s.run(line);
  expect(r.ok, `${line}\n${r.output.slice(0, 2000)}`).toBe(true);
  return r.output;
}

function record(text: string, id: string): Record<string, string> {
  const block = text.split('\n\n').find((b) => b.split('\n')[0] === id)!;
  return Object.fromEntries(block.split('\n').slice(1).map((l) => [l.slice(3, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

beforeAll(async () => {
  const input = structuredClone(data) as Record<string, any>;
  input.arrays[4].vasa.containers[0].capacityGiB = 16 * 1024;
  host = await Host.boot({ scenario: parseScenario(input) });
  s = new LabSession(host);
  d = vvols(host);
  made = [];
  for (let i = 0; i < 10_000; i++) made.push(d.createVvol({ container: 'vvol-gold', sizeBytes: GiB, name: `bulk-${i}` }));
  for (let i = 0; i < 1000; i++) d.bind(made[i * 10]);
});

describe('10,000 vVols in a container, 1,000 bound behind one PE', () => {
  it('the container counts them all and their capacity; the PE counts its bindings', async () => {
    const c = record(await ok('esxcli storage vvol storagecontainer list'), 'vvol-gold');
    expect([c['VVols'], c['Size(MB)'], c['Free(MB)']]).toEqual(['10000', String(16 * 1024 * 1024), String((16 * 1024 - 10_000) * 1024)]);
    expect(record(await ok('esxcli storage vvol protocolendpoint list'), PE)['Bound VVols']).toBe('1000');
    expect(new Set(made.map((v) => v.id)).size).toBe(10_000);
  });

  it('secondary ids are 1..1000 in bind order; vvol list --bound has exactly those', async () => {
    expect(made.filter((_, i) => i % 10 === 0).map((v) => v.bindings.values().next().value!.secondaryId)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const bound = (await ok('vvol list --bound')).split('\n').slice(2);
    expect(bound).toHaveLength(1000);
    expect(bound[999]).toMatch(/ bulk-9990 +data +1024 +thin +vvol-gold +vvol-array +255:1000 /);
    expect((await ok('vvol list --container vvol-gold')).split('\n').slice(2)).toHaveLength(10_000);
  });

  it('REPORT LUNS 0x12 to the PE lists the ALU and all 1,000 subsidiaries', async () => {
    const out = await ok('vvol sg --request 16384 255 a0 00 12 00 00 00 00 00 40 00 00 00');
    const list = /LUN list: (.*)\n/.exec(out)![1].split(', ');
    expect(list).toHaveLength(1001);
    expect([list[0], list[1], list[1000]]).toEqual(['255', '255:1', '255:1000']);
  });

  it('I/O to the 1,000th bound vVol reaches its blocks, and only its blocks', async () => {
    const array = host.array('vvol-array')!;
    const initiator = host.adapters[1].wwpn;
    const block = Uint8Array.from({ length: 512 }, (_, i) => (i * 13 + 5) & 0xff);
    const w = await sendCdb(host.arena, array, array.ports[0], conglomerateLun(255, 1000), { cdb: [0x2a, 0, 0, 0, 0x10, 0, 0, 0, 1, 0], dataOut: block, initiator });
    expect(w.status).toBe(0);
    const r = await sendCdb(host.arena, array, array.ports[1], conglomerateLun(255, 1000), { cdb: [0x28, 0, 0, 0, 0x10, 0, 0, 0, 1, 0], dataIn: 512, initiator });
    expect(Array.from(r.dataIn)).toEqual(Array.from(block));
    expect(made[9990].volume.allocatedExtents()).toBe(1);
    expect(made.reduce((n, v) => n + v.volume.allocatedExtents(), 0)).toBe(1);
  });

  it('a VM powered on now binds after them (1001..1003), and fio verifies through the PE at that scale', async () => {
    await ok('vvol vm create late --container vvol-gold --disk 1g --memory 1g');
    const on = await ok('vvol vm poweron late');
    expect(on).toMatch(/late\.vmdk +data +late +1024 +thin +vvol-gold +vvol-array +255:1002/);
    const out = await ok('fio --vm late --rw randrw --bs 4k --iodepth 8 --size 16m --number_ios 500 --verify');
    expect(out).toContain(`device=${PE}`);
    expect(/errors: (\d+)/.exec(out)![1]).toBe('0');
    expect(out).toMatch(/verify: \d+ blocks checked, 0 failed/);
    await ok('vvol vm poweroff late');
    await ok('vvol vm delete late');
  });

  it('an unbound id is given to the next bind, smallest first; a bound vVol cannot be deleted, an unbound one can', async () => {
    d.unbind(made[4990]); // secondary id 500
    d.unbind(made[10]); // secondary id 2
    expect(d.bind(made[1]).secondaryId).toBe(2);
    expect(d.bind(made[2]).secondaryId).toBe(500);
    expect(d.bind(made[3]).secondaryId).toBe(1001);
    expect(() => d.deleteVvol(made[0])).toThrow(/is bound at 255:1 for esxi01\.pathlab\.local: a bound vVol cannot be deleted/);
    d.deleteVvol(made[9999]);
    const c = record(await ok('esxcli storage vvol storagecontainer list'), 'vvol-gold');
    expect([c['VVols'], c['Free(MB)']]).toEqual(['9999', String((16 * 1024 - 9999) * 1024)]);
    expect(() => d.vvol(made[9999].id)).toThrow(`no vVol with id or name "${made[9999].id}"`);
  });
});
