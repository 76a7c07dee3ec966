// The large built-in scenario (?scenario=large in the page): generated from a few numbers, accepted
// by the validator, and booted by discovery into as many devices and paths as its numbers say, with
// the SATP each array's personality calls for. It opens in a lab of its own, leaving the saved
// sandbox alone.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { Host } from '../../src/stack/host';
import type { Lesson } from '../../src/stack/lessons/lesson';
import { loadLessons } from '../../src/stack/lessons/loader';
import { LARGE_SIZE, largeScenario } from '../../src/stack/scenario/large';
import { parseScenario } from '../../src/stack/scenario/validate';
import { Lab } from '../../src/stack/workbench/lab';
import { snapshot } from '../../src/stack/workbench/snapshot';

let lessons: Lesson[];

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  lessons ??= await loadLessons();
});

describe('the large scenario', () => {
  it('is what its numbers say, and the validator takes it as it is', () => {
    const s = largeScenario();
    expect(LARGE_SIZE.arrays * LARGE_SIZE.lunsPerArray).toBeGreaterThanOrEqual(256);
    expect(s.arrays).toHaveLength(LARGE_SIZE.arrays);
    expect(s.arrays.flatMap((a) => a.luns)).toHaveLength(LARGE_SIZE.arrays * LARGE_SIZE.lunsPerArray);
    expect(s.vms).toHaveLength(LARGE_SIZE.vms);
    expect(parseScenario(JSON.parse(JSON.stringify(s)))).toEqual(s);
    // A smaller one from the same generator: the numbers are parameters, not decoration.
    const small = largeScenario({ arrays: 2, lunsPerArray: 3, vms: 2 });
    expect(small.arrays.flatMap((a) => a.luns.map((l) => `${a.name}/${l.lun}`))).toEqual(['array01/0', 'array01/1', 'array01/2', 'array02/0', 'array02/1', 'array02/2']);
  });

  it('boots into 256 devices of four paths each, each array under its SATP', async () => {
    const host = await Host.boot({ scenario: largeScenario(), store: 'memory' });
    try {
      const s = snapshot(host, []);
      expect(s.devices).toHaveLength(256);
      expect(s.paths).toHaveLength(1024);
      const satp = { alua: 'VMW_SATP_ALUA', 'active-active': 'VMW_SATP_DEFAULT_AA', 'active-passive': 'VMW_SATP_DEFAULT_AP' };
      const personality = new Map(s.topology.arrays.map((a) => [a.name, a.personality as keyof typeof satp]));
      const arrayOf = new Map(s.paths.map((p) => [p.name, p.array]));
      for (const device of s.devices) {
        expect(device.paths).toHaveLength(4);
        expect(device.satp).toBe(satp[personality.get(arrayOf.get(device.paths[0])!)!]);
      }
      expect(new Set(s.devices.map((d) => d.satp)).size).toBe(3);
    } finally {
      host.close();
    }
  });

  it('opens as a lab of its own: no lesson, nothing saved over the sandbox', async () => {
    const large = await Lab.open({ lessons, onFrame: () => {}, persistent: true, scenario: largeScenario() });
    expect(large.lesson).toBeUndefined();
    expect(large.host.psa.devices.size).toBe(256);
    const result = await large.run('esxcli storage core path list -d naa.600140500b0000040000000000000003');
    expect(result.ok).toBe(true);
    expect(result.output.match(/^   Runtime Name: vmhba\d:C0:T\d+:L3$/gm), result.output).toHaveLength(4);
    large.time.stop();
    // The classroom lab opens as on a first visit: the large lab wrote nothing to the browser's store.
    const classroom = await Lab.open({ lessons, onFrame: () => {}, persistent: true });
    expect(classroom.lesson?.lesson.id).toBe(lessons[0].id);
    expect(classroom.consoleHistory).toEqual([]);
  });
});
