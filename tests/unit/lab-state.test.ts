// A lab survives a reload and an export/import: its rules, PSP choices, disabled paths, faults,
// console history and blocks. A file that is not a lab, or a broken one, changes nothing.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { IndexedDbBlockStore } from '../../src/stack/blockstore/indexeddb-store';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { sendCdb } from '../../src/stack/initiator/sg-request';
import { captureState, LabStateError, restoreState } from '../../src/stack/workbench/lab-state';
import { exportLab, LabStore, readExport } from '../../src/stack/workbench/lab-store';
import { snapshot } from '../../src/stack/workbench/snapshot';

const AA0 = 'naa.600140500aaa00030000000000000000';
const ALUA0 = 'naa.600140500a1a00010000000000000000';
const pattern = Uint8Array.from({ length: 512 }, (_, i) => (i * 13 + 5) & 0xff);

async function changedLab(db: string): Promise<{ host: Host; history: string[] }> {
  const host = await Host.boot({ store: 'indexeddb', databaseName: db });
  const session = new LabSession(host);
  const history = [
    'esxcli storage core claiming unclaim -t location -A vmhba2 -C 0 -T 1 -L 0',
    'esxcli storage core claimrule add -r 200 -t location -A vmhba2 -C 0 -T 1 -L 0 -P MASK_PATH',
    'esxcli storage core claimrule load',
    'esxcli storage core claimrule run',
    'esxcli storage core claimrule add -r 300 -t vendor -V NOBODY -M NOTHING -P MASK_PATH',
    `esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`,
    `esxcli storage nmp psp roundrobin deviceconfig set -d ${ALUA0} -t iops -I 7`,
    `esxcli storage nmp device set -d ${AA0} --psp VMW_PSP_FIXED`,
    `esxcli storage nmp psp fixed deviceconfig set -d ${AA0} -p vmhba2:C0:T3:L0`,
    'esxcli storage core path set -p vmhba1:C0:T0:L2 --state off',
    'fault link vmhba2',
  ];
  for (const line of history) expect((await session.run(line)).ok, line).toBe(true);
  const array = host.array('aa-array')!;
  const w = await sendCdb(host.arena, array, array.ports[0], 0, { cdb: [0x2a, 0, 0, 0, 0, 9, 0, 0, 1, 0], dataOut: pattern });
  expect(w.status).toBe(0);
  return { host, history };
}

/** What must come back: everything a learner sees, except time and counters. */
function essence(host: Host) {
  const s = snapshot(host);
  return {
    rules: s.claimRules,
    devices: s.devices.map((d) => [d.id, d.psp, d.pspConfig, d.status]),
    paths: s.paths.map((p) => [p.name, p.state, p.masked, p.plugin]),
    adapters: s.topology.adapters.map((a) => [a.name, a.linkUp]),
    preferred: host.psa.paths.filter((p) => p.preferred).map((p) => p.name),
  };
}

async function readBlock(host: Host): Promise<Uint8Array> {
  const array = host.array('aa-array')!;
  return (await sendCdb(host.arena, array, array.ports[0], 0, { cdb: [0x28, 0, 0, 0, 0, 9, 0, 0, 1, 0], dataIn: 512 })).dataIn;
}

describe('lab state', () => {
  it('survives a reload: saved, then restored on a freshly booted host with the same blocks', async () => {
    const db = `lab-${Math.random()}`;
    const { host, history } = await changedLab(db);
    const expected = essence(host);
    const store = await LabStore.open(`${db}-state`);
    await store.save(captureState(host, { consoleHistory: history, lessons: { '01-life-of-an-io': 'solved' } }));
    host.close();

    const again = await Host.boot({ store: 'indexeddb', databaseName: db });
    const state = (await store.load())!;
    restoreState(again, state);
    expect(essence(again)).toEqual(expected);
    expect(state.consoleHistory).toEqual(history);
    expect(state.lessons).toEqual({ '01-life-of-an-io': 'solved' });
    expect(Array.from(await readBlock(again))).toEqual(Array.from(pattern));
    // Restored rules still behave: the masked path stays hidden from NMP's device.
    expect(again.nmp.device(ALUA0)!.paths.map((p) => p.name)).not.toContain('vmhba2:C0:T1:L0');
    again.close();
  });

  it('exports to one file and imports into another lab', async () => {
    const { host, history } = await changedLab(`lab-${Math.random()}`);
    const expected = essence(host);
    const file = await exportLab(captureState(host, { consoleHistory: history, lessons: {} }), host.store as IndexedDbBlockStore);
    host.close();

    const db = `lab-${Math.random()}`;
    const target = await Host.boot({ store: 'indexeddb', databaseName: db });
    const { state, extents } = readExport(file);
    expect(extents.length).toBeGreaterThan(0);
    await (target.store as IndexedDbBlockStore).replaceExtents(extents);
    target.close();
    const imported = await Host.boot({ store: 'indexeddb', databaseName: db });
    restoreState(imported, state);
    expect(essence(imported)).toEqual(expected);
    expect(Array.from(await readBlock(imported))).toEqual(Array.from(pattern));
    imported.close();
  });

  it.each([
    ['not JSON', '{', /the file is not JSON/],
    ['another format', JSON.stringify({ format: 'something-else' }), /format is "something-else"/],
    ['a newer version', JSON.stringify({ format: 'pathlab-lab', state: { format: 'pathlab-lab', version: 99 } }), /version 99 is not supported/],
    ['a broken rule', JSON.stringify({ state: { format: 'pathlab-lab', version: 1, scenario: 'classroom', claimRules: { file: [{ rule: 'x' }], runtime: [] } } }), /a claim rule is malformed/],
  ])('refuses %s with a clear message', (_, text, message) => {
    expect(() => readExport(text)).toThrow(LabStateError);
    expect(() => readExport(text)).toThrow(message);
  });

  it('refuses a file with a broken block, and the lab it was meant for keeps its blocks', async () => {
    const { host, history } = await changedLab(`lab-${Math.random()}`);
    const good = JSON.parse(await exportLab(captureState(host, { consoleHistory: history, lessons: {} }), host.store as IndexedDbBlockStore));
    good.blocks[0].data = good.blocks[0].data.slice(0, 100);
    expect(() => readExport(JSON.stringify(good))).toThrow(/block 0 holds \d+ bytes, not 32768/);
    // Nothing was written: the lab still reads its own pattern.
    expect(Array.from(await readBlock(host))).toEqual(Array.from(pattern));
    host.close();
  });
});
