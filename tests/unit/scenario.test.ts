// Scenario files are untrusted JSON: parseScenario must accept the built-in classroom scenario with
// every documented default filled in, and reject each broken variant with problems that name the
// JSON path of the bad field and what was expected, all of them at once.

import { describe, expect, it } from 'vitest';
import data from '../../src/stack/scenario/classroom.json';
import { classroomScenario } from '../../src/stack/scenario/classroom';
import { DEFAULT_SETTINGS, type Scenario } from '../../src/stack/scenario/types';
import { parseScenario, ScenarioError, sharesValue } from '../../src/stack/scenario/validate';
import { problemsOf } from './scenario-problems';

// The JSON is broken through a loose type: the point is to feed the validator what the types forbid.
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = (): Loose => structuredClone(data);


/** LUN paths per array: for each fabric, its adapters times its targets that are ports of the array. */
function pathsPerArray(s: Scenario): Record<string, { paths: number; adapters: string[] }> {
  const out: Record<string, { paths: number; adapters: string[] }> = {};
  for (const array of s.arrays) {
    const ports = new Set(array.sps.flatMap((sp) => sp.ports.map((p) => p.wwpn)));
    const entry = { paths: 0, adapters: [] as string[] };
    for (const f of s.fabrics) {
      const targets = f.targets.filter((t) => ports.has(t)).length;
      entry.paths += targets * f.adapters.length;
      if (targets > 0) entry.adapters.push(...f.adapters);
    }
    out[array.name] = entry;
  }
  return out;
}

const TRANSPORTS = '"fc", "iscsi", "sas", "sata", "block", "usb", "ide", "parallel", "unknown"';
const WWN = 'a WWN of 8 colon-separated hex bytes like "50:01:40:5a:01:00:00:00"';

describe('the classroom scenario', () => {
  const s = classroomScenario;

  it('parses, with its adapters, fabrics, arrays and VMs', () => {
    expect(s.name).toBe('classroom');
    expect(s.adapters.map((a) => [a.name, a.transport, a.driver, a.queueDepth])).toEqual([
      ['vmhba0', 'sas', 'lsi_msgpt3', 600],
      ['vmhba1', 'fc', 'qlnativefc', 1024],
      ['vmhba2', 'fc', 'qlnativefc', 1024],
    ]);
    expect(s.adapters[1]).toMatchObject({ wwpn: '21:00:00:24:ff:3d:fa:88', wwnn: '20:00:00:24:ff:3d:fa:88' });
    expect(s.adapters[2]).toMatchObject({ wwpn: '21:00:00:24:ff:3d:fa:89', wwnn: '20:00:00:24:ff:3d:fa:89' });
    expect(s.fabrics.map((f) => [f.name, f.adapters, f.targets.length, f.latencyUs])).toEqual([
      ['fabric-a', ['vmhba1'], 5, 20],
      ['fabric-b', ['vmhba2'], 5, 20],
      ['local-sas', ['vmhba0'], 1, 5],
    ]);
    expect(s.arrays.map((a) => [a.name, a.personality, a.sps.length, a.luns.length])).toEqual([
      ['alua-array', 'alua', 2, 4],
      ['ap-array', 'active-passive', 2, 2],
      ['aa-array', 'active-active', 2, 2],
      ['local-disk', 'active-active', 1, 1],
      ['vvol-array', 'active-active', 2, 0], // vVols only: no LUN but its protocol endpoint
    ]);
    expect(s.vms.map((v) => [v.name, v.shares, v.iopsLimit, v.disks])).toEqual([
      ['web01', 'normal', -1, [{ array: 'alua-array', lun: 0 }]],
      ['db01', 'high', -1, [{ array: 'alua-array', lun: 1 }, { array: 'aa-array', lun: 0 }]],
      ['backup01', 'low', 500, [{ array: 'ap-array', lun: 0 }]],
    ]);
  });

  it('has one array of each personality and a local disk, with the identities the lessons name', () => {
    expect(s.arrays.map((a) => [a.name, a.personality, a.vendor, a.product, a.serial.toString(16), a.luns.map((l) => l.lun)])).toEqual([
      ['alua-array', 'alua', 'PATHLAB', 'ALUA-VA', 'a1a0001', [0, 1, 2, 3]],
      ['ap-array', 'active-passive', 'PATHLAB', 'AP-VA', 'a9a0002', [0, 1]],
      ['aa-array', 'active-active', 'PATHLAB', 'AA-VA', 'aaa0003', [0, 1]],
      ['local-disk', 'active-active', 'SEAGATE', 'ST300MM0008', expect.any(String), [0]],
      ['vvol-array', 'active-active', 'PATHLAB', 'VVOL-VA', 'aba0004', []],
    ]);
    expect(s.arrays.slice(0, 3).every((a) => a.oui === 0x001405)).toBe(true);
  });

  it('gives ALUA LUNs 4 paths and AP and AA LUNs 2, each through both FC adapters', () => {
    expect(pathsPerArray(s)).toEqual({
      'alua-array': { paths: 4, adapters: ['vmhba1', 'vmhba2'] },
      'ap-array': { paths: 2, adapters: ['vmhba1', 'vmhba2'] },
      'aa-array': { paths: 2, adapters: ['vmhba1', 'vmhba2'] },
      'local-disk': { paths: 1, adapters: ['vmhba0'] },
      'vvol-array': { paths: 2, adapters: ['vmhba1', 'vmhba2'] }, // per LUN: its protocol endpoint's
    });
  });

  it('puts each SP of the 1-port arrays on a different fabric', () => {
    for (const name of ['ap-array', 'aa-array']) {
      const array = s.arrays.find((a) => a.name === name)!;
      const fabricOf = (sp: number) => s.fabrics.find((f) => f.targets.includes(array.sps[sp].ports[0].wwpn))?.name;
      expect([fabricOf(0), fabricOf(1)]).toEqual(['fabric-a', 'fabric-b']);
    }
  });

  it('has a local disk without LU designators, so the host names it mpx.', () => {
    const disk = s.arrays[3];
    expect(disk).toMatchObject({ identifiers: 'none', vendor: 'SEAGATE', product: 'ST300MM0008' });
    expect(disk.luns).toEqual([{ lun: 0, blocks: 585_937_500, blockSize: 512 }]);
  });

  it('uses the default settings except a 30 s path evaluation interval', () => {
    expect(s.settings).toEqual({ ...DEFAULT_SETTINGS, pathEvalIntervalSec: 30 });
    expect(s.description).toMatch(/pathEvalIntervalSec/);
    expect(s.seed).toBe(1);
  });
});

describe('defaults', () => {
  it('fills seed, settings, iopsLimit and the documented array options', () => {
    const input = clone();
    delete input.seed;
    delete input.settings;
    delete input.description;
    const s = parseScenario(input);
    expect(s.seed).toBe(1);
    expect(s.settings).toEqual(DEFAULT_SETTINGS);
    expect(s).not.toHaveProperty('description');
    expect(s.vms[0].iopsLimit).toBe(-1);
    expect(s.arrays[1]).toMatchObject({ alua: 'both', transitionUs: 200_000, implicitFollowIo: 0, autoTrespass: false, descriptorSense: false, identifiers: 'naa' });
    expect(s.arrays[0].luns[0]).not.toHaveProperty('cacheMode');
    expect(s.adapters[0]).not.toHaveProperty('wwnn');
  });

  it('merges partial settings over the defaults', () => {
    const input = clone();
    input.settings = { apdTimeoutSec: 20, deviceQueueDepth: 128 };
    expect(parseScenario(input).settings).toEqual({ ...DEFAULT_SETTINGS, apdTimeoutSec: 20, deviceQueueDepth: 128 });
  });

  it('accepts an empty world', () => {
    const s = parseScenario({ name: 'empty', adapters: [], fabrics: [], arrays: [], vms: [] });
    expect(s).toEqual({ name: 'empty', seed: 1, adapters: [], fabrics: [], arrays: [], vms: [], settings: DEFAULT_SETTINGS });
  });

  it('normalises WWNs to lower case, so a fabric may name a port in either case', () => {
    const input = clone();
    input.arrays[0].sps[0].ports[0].wwpn = '50:01:40:5A:01:00:00:00';
    input.fabrics[0].targets[0] = '50:01:40:5A:01:00:00:00';
    input.adapters[1].wwnn = '20:00:00:24:FF:3D:FA:88';
    const s = parseScenario(input);
    expect(s.arrays[0].sps[0].ports[0].wwpn).toBe('50:01:40:5a:01:00:00:00');
    expect(s.fabrics[0].targets[0]).toBe('50:01:40:5a:01:00:00:00');
    expect(s.adapters[1].wwnn).toBe('20:00:00:24:ff:3d:fa:88');
  });

  it('leaves its input untouched', () => {
    const input = clone();
    parseScenario(input);
    expect(input).toEqual(data);
  });
});

describe('sharesValue', () => {
  it('maps low, normal, high to 500, 1000, 2000 and keeps custom numbers', () => {
    expect([sharesValue('low'), sharesValue('normal'), sharesValue('high'), sharesValue(3000)]).toEqual([500, 1000, 2000, 3000]);
  });
});

// Each variant breaks one thing in a clone of classroom.json; `problems` is the exact list reported.
const broken: [string, (s: Loose) => void, string[]][] = [
  ['missing name', (s) => delete s.name, ['name: missing, must be a non-empty string']],
  ['seed out of range', (s) => (s.seed = -1), ['seed: must be an integer 0..4294967295, got -1']],
  ['adapters not a list', (s) => (s.adapters = {}), ['adapters: must be a list, got an object', 'fabrics[0].adapters[0]: no adapter named "vmhba1"', 'fabrics[1].adapters[0]: no adapter named "vmhba2"', 'fabrics[2].adapters[0]: no adapter named "vmhba0"']],
  ['adapter name not vmhbaN', (s) => (s.adapters[1].name = 'hba1'), ['adapters[1].name: must be a name like "vmhba1", got "hba1"', 'fabrics[0].adapters[0]: no adapter named "vmhba1"']],
  ['duplicate adapter name', (s) => (s.adapters[2].name = 'vmhba1'), ['adapters[2].name: duplicate adapter name "vmhba1" (first at adapters[1].name)', 'fabrics[1].adapters[0]: no adapter named "vmhba2"']],
  ['unknown transport', (s) => (s.adapters[1].transport = 'fibre'), [`adapters[1].transport: must be one of ${TRANSPORTS}, got "fibre"`]],
  ['queue depth 0', (s) => (s.adapters[1].queueDepth = 0), ['adapters[1].queueDepth: must be an integer 1..8192, got 0']],
  ['queue depth fractional', (s) => (s.adapters[2].queueDepth = 1.5), ['adapters[2].queueDepth: must be an integer 1..8192, got 1.5']],
  ['queue depth as a string', (s) => (s.adapters[0].queueDepth = '600'), ['adapters[0].queueDepth: must be an integer 1..8192, got "600"']],
  ['empty driver', (s) => (s.adapters[0].driver = ''), ['adapters[0].driver: must be a non-empty string, got ""']],
  ['short adapter WWPN', (s) => (s.adapters[1].wwpn = '21:00:00:24:ff:3d:fa'), [`adapters[1].wwpn: must be ${WWN}, got "21:00:00:24:ff:3d:fa"`]],
  ['adapter WWPN reused by an array port', (s) => (s.adapters[2].wwpn = '50:01:40:5a:01:00:00:00'), ['arrays[0].sps[0].ports[0].wwpn: duplicate WWPN "50:01:40:5a:01:00:00:00" (first at adapters[2].wwpn)']],
  ['array WWPN reused, in another case', (s) => (s.arrays[2].sps[1].ports[0].wwpn = '50:01:40:5A:02:00:01:00'), ['arrays[2].sps[1].ports[0].wwpn: duplicate WWPN "50:01:40:5a:02:00:01:00" (first at arrays[1].sps[1].ports[0].wwpn)', 'fabrics[1].targets[3]: no array target port has WWPN 50:01:40:5a:03:00:01:00']],
  ['duplicate array name', (s) => (s.arrays[2].name = 'ap-array'), ['arrays[2].name: duplicate array name "ap-array" (first at arrays[1].name)', 'vms[1].disks[1]: no array named "aa-array"']],
  ['unknown personality', (s) => (s.arrays[0].personality = 'alua-implicit'), ['arrays[0].personality: must be one of "active-active", "active-passive", "alua", got "alua-implicit"']],
  ['vendor longer than 8', (s) => (s.arrays[0].vendor = 'PATHLABXX'), ['arrays[0].vendor: must be a string of 1 to 8 printable ASCII characters, got "PATHLABXX"']],
  ['product not ASCII', (s) => (s.arrays[1].product = 'AP-VÄ'), ['arrays[1].product: must be a string of 1 to 16 printable ASCII characters, got "AP-VÄ"']],
  ['revision longer than 4', (s) => (s.arrays[2].revision = '01000'), ['arrays[2].revision: must be a string of 1 to 4 printable ASCII characters, got "01000"']],
  ['OUI wider than 24 bits', (s) => (s.arrays[0].oui = 0x1000000), ['arrays[0].oui: must be an integer 0..16777215, got 16777216']],
  ['same OUI and serial as another array', (s) => (s.arrays[2].serial = s.arrays[0].serial), ['arrays[2].serial: duplicate NAA identity "OUI 0x001405 serial 0xa1a0001" (first at arrays[0].serial)']],
  ['no storage processors', (s) => (s.arrays[3].sps = []), ['arrays[3].sps: must not be empty', 'fabrics[2].targets[0]: no array target port has WWPN 50:00:c5:00:8a:3b:2c:11']],
  ['SP without ports', (s) => (s.arrays[3].sps[0].ports = []), ['arrays[3].sps[0].ports: must not be empty', 'fabrics[2].targets[0]: no array target port has WWPN 50:00:c5:00:8a:3b:2c:11']],
  ['duplicate SP name', (s) => (s.arrays[1].sps[1].name = 'SPA'), ['arrays[1].sps[1].name: duplicate storage processor name "SPA" (first at arrays[1].sps[0].name)']],
  ['duplicate LUN number', (s) => (s.arrays[0].luns[1].lun = 0), ['arrays[0].luns[1].lun: duplicate LUN number "0" (first at arrays[0].luns[0].lun)', 'vms[1].disks[0]: array "alua-array" has no LUN 1']],
  ['LUN number too large', (s) => (s.arrays[0].luns[3].lun = 16384), ['arrays[0].luns[3].lun: must be an integer 0..16383, got 16384']],
  ['zero blocks', (s) => (s.arrays[0].luns[0].blocks = 0), ['arrays[0].luns[0].blocks: must be an integer ≥ 1, got 0']],
  ['blocks beyond a safe integer', (s) => (s.arrays[0].luns[0].blocks = 2 ** 53), ['arrays[0].luns[0].blocks: must be an integer ≥ 1, got 9007199254740992']],
  ['block size 1000', (s) => (s.arrays[1].luns[0].blockSize = 1000), ['arrays[1].luns[0].blockSize: must be 512 or 4096, got 1000']],
  ['owner beyond the SPs', (s) => (s.arrays[0].luns[0].owner = 2), ['arrays[0].luns[0].owner: must be an integer 0..1, got 2']],
  ['unknown cache mode', (s) => (s.arrays[0].luns[3].cacheMode = 'writeback'), ['arrays[0].luns[3].cacheMode: must be "write-through" or "write-back", got "writeback"']],
  ['negative jitter', (s) => (s.arrays[0].serviceTime.jitterUs = -1), ['arrays[0].serviceTime.jitterUs: must be a number ≥ 0, got -1']],
  ['missing service time', (s) => delete s.arrays[1].serviceTime, ['arrays[1].serviceTime: missing, must be an object']],
  ['autoTrespass not a boolean', (s) => (s.arrays[1].autoTrespass = 'yes'), ['arrays[1].autoTrespass: must be true or false, got "yes"']],
  ['misspelt array option', (s) => (s.arrays[1].autotrespass = true), ['arrays[1].autotrespass: unknown key (did you mean "autoTrespass"?)']],
  ['fabric adapter that does not exist', (s) => s.fabrics[0].adapters.push('vmhba9'), ['fabrics[0].adapters[1]: no adapter named "vmhba9"']],
  ['fabric target that does not exist', (s) => (s.fabrics[0].targets[0] = '50:01:40:5a:01:00:00:ff'), ['fabrics[0].targets[0]: no array target port has WWPN 50:01:40:5a:01:00:00:ff']],
  ['fabric target that is an adapter', (s) => s.fabrics[0].targets.push('21:00:00:24:ff:3d:fa:89'), ['fabrics[0].targets[5]: no array target port has WWPN 21:00:00:24:ff:3d:fa:89']],
  ['target port on two fabrics', (s) => s.fabrics[1].targets.push('50:01:40:5a:01:00:00:00'), ['fabrics[1].targets[5]: duplicate target port "50:01:40:5a:01:00:00:00" (first at fabrics[0].targets[0])']],
  ['adapter on two fabrics', (s) => s.fabrics[1].adapters.push('vmhba1'), ['fabrics[1].adapters[1]: duplicate adapter "vmhba1" (first at fabrics[0].adapters[0])']],
  ['duplicate fabric name', (s) => (s.fabrics[2].name = 'fabric-a'), ['fabrics[2].name: duplicate fabric name "fabric-a" (first at fabrics[0].name)']],
  ['negative latency', (s) => (s.fabrics[2].latencyUs = -5), ['fabrics[2].latencyUs: must be a number ≥ 0, got -5']],
  ['shares "medium"', (s) => (s.vms[0].shares = 'medium'), ['vms[0].shares: must be an integer 200..4000 or "low", "normal", "high", got "medium"']],
  ['shares below 200', (s) => (s.vms[1].shares = 100), ['vms[1].shares: must be an integer 200..4000 or "low", "normal", "high", got 100']],
  ['IOPS limit 0', (s) => (s.vms[2].iopsLimit = 0), ['vms[2].iopsLimit: must be -1 (unlimited) or a positive integer, got 0']],
  ['disk on an unknown array', (s) => (s.vms[2].disks[0].array = 'x'), ['vms[2].disks[0]: no array named "x"']],
  ['disk on a missing LUN', (s) => (s.vms[2].disks[0].lun = 7), ['vms[2].disks[0]: array "ap-array" has no LUN 7']],
  ['duplicate VM name', (s) => (s.vms[2].name = 'web01'), ['vms[2].name: duplicate VM name "web01" (first at vms[0].name)']],
  ['VM without a disks list', (s) => delete s.vms[0].disks, ['vms[0].disks: missing, must be a list']],
  ['APD timeout below 20 s', (s) => (s.settings.apdTimeoutSec = 10), ['settings.apdTimeoutSec: must be an integer 20..99999, got 10']],
  ['path evaluation interval 0', (s) => (s.settings.pathEvalIntervalSec = 0), ['settings.pathEvalIntervalSec: must be a number 1..86400, got 0']],
  ['path evaluation interval under a second', (s) => (s.settings.pathEvalIntervalSec = 0.001), ['settings.pathEvalIntervalSec: must be a number 1..86400, got 0.001']],
  ['DSNRO above the device queue depth', (s) => (s.settings.schedNumReqOutstanding = 65), ['settings.schedNumReqOutstanding: must not exceed settings.deviceQueueDepth, got 65 > 64']],
  ['unknown setting', (s) => (s.settings.apdTimeout = 140), ['settings.apdTimeout: unknown key (did you mean "apdTimeoutSec"?)']],
  ['misspelt top-level key', (s) => (s.setings = {}), ['setings: unknown key (did you mean "settings"?)']],
  ['unknown top-level key', (s) => (s.hosts = []), ['hosts: unknown key (known keys: name, description, hostName, peers, seed, adapters, fabrics, arrays, vms, settings)']],
];

describe('broken scenarios', () => {
  it.each(broken)('%s', (_, breakIt, problems) => {
    const input = clone();
    breakIt(input);
    expect(problemsOf(input)).toEqual(problems);
  });

  it('lists every problem at once, in the error message too', () => {
    const input = clone();
    input.arrays[1].luns[0].blockSize = 1000;
    input.fabrics[0].adapters.push('vmhba9');
    input.vms[2].disks[0].lun = 7;
    input.typo = 1;
    let error: unknown;
    try {
      parseScenario(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const expected = [
      'typo: unknown key (known keys: name, description, hostName, peers, seed, adapters, fabrics, arrays, vms, settings)',
      'arrays[1].luns[0].blockSize: must be 512 or 4096, got 1000',
      'fabrics[0].adapters[1]: no adapter named "vmhba9"',
      'vms[2].disks[0]: array "ap-array" has no LUN 7',
    ];
    expect((error as ScenarioError).problems).toEqual(expected);
    const message = (error as ScenarioError).message;
    expect(message).toMatch(/^invalid scenario \(4 problems\):/);
    for (const p of expected) expect(message).toContain(p);
  });

  it.each([
    [null, 'scenario: must be a JSON object, got null'],
    [[], 'scenario: must be a JSON object, got a list'],
    ['classroom', 'scenario: must be a JSON object, got string'],
    [42, 'scenario: must be a JSON object, got number'],
    [undefined, 'scenario: must be a JSON object, got undefined'],
  ])('rejects the non-object %j', (input, problem) => {
    expect(problemsOf(input)).toEqual([problem]);
  });

  it('reports a broken element without piling up problems about its fields', () => {
    const input = clone();
    input.arrays[0].luns[2] = 'lun2';
    input.vms[0].disks[0] = null;
    expect(problemsOf(input)).toEqual(['arrays[0].luns[2]: must be an object, got "lun2"', 'vms[0].disks[0]: must be an object, got null']);
  });
});
