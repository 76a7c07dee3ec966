// The scenario's vVol part (arrays[].vasa): what the classroom declares, and every broken input
// reported with its JSON path, in the style of the rest of the scenario validator.

import { describe, expect, it } from 'vitest';
import data from '../../src/stack/scenario/classroom.json' with { type: 'json' };
import { parseScenario, ScenarioError } from '../../src/stack/scenario/validate';

type Json = Record<string, any>;

const clone = (): Json => structuredClone(data) as Json;
const VVOL = 4; // arrays[4] is vvol-array
const vasaOf = (s: Json): Json => s.arrays[VVOL].vasa;

function problemsOf(input: unknown): string[] {
  try {
    parseScenario(input);
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems;
    throw e;
  }
  return [];
}

describe('the classroom scenario has a vVol array', () => {
  const s = parseScenario(data);

  it('vvol-array: one VASA provider, a SCSI PE at LUN 255, an NFS PE, two containers', () => {
    const array = s.arrays[VVOL];
    expect(array.name).toBe('vvol-array');
    expect(array.luns).toEqual([]);
    expect(array.vasa!.provider).toBe('pathlab-vasa');
    expect(array.vasa!.protocolEndpoints).toEqual([
      { protocol: 'scsi', lun: 255 },
      { protocol: 'nfs', server: '192.168.50.10', share: '/vvol-pe', latencyUs: 150 },
    ]);
    expect(array.vasa!.containers.map((c) => [c.name, c.protocol, c.capacityGiB])).toEqual([
      ['vvol-gold', 'scsi', 512],
      ['vvol-nfs', 'nfs', 128],
    ]);
    expect(array.vasa!.containers[0].capabilities.iopsLimit).toEqual([100, 50000]);
  });

  it('the other arrays have no vasa part (it stays out when absent)', () => {
    expect(s.arrays.filter((a) => a.vasa).map((a) => a.name)).toEqual(['vvol-array']);
    expect('vasa' in s.arrays[2]).toBe(false);
  });
});

describe('broken vVol configurations', () => {
  const cases: [string, (s: Json) => void, string[]][] = [
    ['a typo in a vasa key', (s) => (vasaOf(s).protocolEndpoint = vasaOf(s).protocolEndpoints), ['arrays[4].vasa.protocolEndpoint: unknown key (did you mean "protocolEndpoints"?)']],
    ['no provider name', (s) => delete vasaOf(s).provider, ['arrays[4].vasa.provider: missing, must be a VASA provider name']],
    ['no protocol endpoint at all', (s) => (vasaOf(s).protocolEndpoints = []), [
      'arrays[4].vasa.protocolEndpoints: must not be empty',
      'arrays[4].vasa.containers[0].protocol: this array has no SCSI protocol endpoint: add one to arrays[4].vasa.protocolEndpoints',
      'arrays[4].vasa.containers[1].protocol: this array has no NFS protocol endpoint: add one to arrays[4].vasa.protocolEndpoints',
    ]],
    ['an unknown PE protocol', (s) => (vasaOf(s).protocolEndpoints[0].protocol = 'nvme'), ['arrays[4].vasa.protocolEndpoints[0].protocol: must be "scsi" or "nfs", got "nvme"']],
    ['a PE LUN beyond 14 bits', (s) => (vasaOf(s).protocolEndpoints[0].lun = 16384), ['arrays[4].vasa.protocolEndpoints[0].lun: must be an integer 0..16383, got 16384']],
    ['a PE on a data LUN\'s number', (s) => {
      s.arrays[VVOL].luns = [{ lun: 255, blocks: 2048, blockSize: 512 }];
    }, ['arrays[4].vasa.protocolEndpoints[0].lun: LUN 255 is already a LUN of this array (luns): a protocol endpoint needs a LUN number of its own']],
    ['two PEs on one LUN', (s) => vasaOf(s).protocolEndpoints.push({ protocol: 'scsi', lun: 255 }), [
      'arrays[4].vasa.protocolEndpoints[2].lun: duplicate protocol endpoint LUN "255" (first at arrays[4].vasa.protocolEndpoints[0].lun)',
    ]],
    ['an NFS share that is not a path', (s) => (vasaOf(s).protocolEndpoints[1].share = 'vvol-pe'), ['arrays[4].vasa.protocolEndpoints[1].share: must be an exported path like "/vvol-pe", got "vvol-pe"']],
    ['an NFS PE without latency', (s) => delete vasaOf(s).protocolEndpoints[1].latencyUs, ['arrays[4].vasa.protocolEndpoints[1].latencyUs: missing, must be a number ≥ 0']],
    ['a bad NFS version', (s) => (vasaOf(s).protocolEndpoints[1].version = 'NFSv2'), ['arrays[4].vasa.protocolEndpoints[1].version: must be "NFSv3" or "NFSv4.1", got "NFSv2"']],
    ['a container of no capacity', (s) => (vasaOf(s).containers[0].capacityGiB = 0), ['arrays[4].vasa.containers[0].capacityGiB: must be a number 0..1048576, got 0']],
    ['a container protocol that is neither', (s) => (vasaOf(s).containers[0].protocol = 'fc'), ['arrays[4].vasa.containers[0].protocol: must be "scsi" or "nfs", got "fc"']],
    ['an IOPS range upside down', (s) => (vasaOf(s).containers[0].capabilities.iopsLimit = [500, 100]), ['arrays[4].vasa.containers[0].capabilities.iopsLimit: the lowest limit 500 is above the highest 100']],
    ['an IOPS limit that is one number', (s) => (vasaOf(s).containers[0].capabilities.iopsLimit = 500), ['arrays[4].vasa.containers[0].capabilities.iopsLimit: must be [lowest, highest]: two integers 1..10000000, got 500']],
    ['an unknown provisioning type', (s) => (vasaOf(s).containers[0].capabilities.provisioning = ['thin', 'lazy']), [
      'arrays[4].vasa.containers[0].capabilities.provisioning[1]: must be "thin" or "thick", got "lazy"',
    ]],
    ['a capability typo', (s) => (vasaOf(s).containers[0].capabilities.snapshotAllowed = true), [
      'arrays[4].vasa.containers[0].capabilities.snapshotAllowed: unknown key (did you mean "snapshotsAllowed"?)',
    ]],
    ['two containers of one name (host-wide)', (s) => (vasaOf(s).containers[1].name = 'vvol-gold'), [
      'arrays[4].vasa.containers[1].name: duplicate storage container name "vvol-gold" (first at arrays[4].vasa.containers[0].name)',
    ]],
    ['a container spanning an array that does not exist', (s) => (vasaOf(s).containers[0].spans = ['nowhere']), ['arrays[4].vasa.containers[0].spans[0]: no array named "nowhere"']],
    ['a container spanning its own array', (s) => (vasaOf(s).containers[0].spans = ['vvol-array']), ['arrays[4].vasa.containers[0].spans[0]: a container does not span its own array "vvol-array"']],
    ['a container spanning an array without vVols', (s) => (vasaOf(s).containers[0].spans = ['aa-array']), ['arrays[4].vasa.containers[0].spans[0]: array "aa-array" has no vasa part: it serves no vVols']],
    ['a container spanning another provider\'s array', (s) => {
      s.arrays[2].vasa = { provider: 'other-vasa', protocolEndpoints: [{ protocol: 'scsi', lun: 254 }], containers: [] };
      vasaOf(s).containers[0].spans = ['aa-array'];
    }, ['arrays[4].vasa.containers[0].spans[0]: array "aa-array" belongs to VASA provider "other-vasa", not "pathlab-vasa"']],
    ['a container spanning an array with no PE of its protocol', (s) => {
      s.arrays[2].vasa = { provider: 'pathlab-vasa', protocolEndpoints: [{ protocol: 'nfs', server: '10.0.0.9', share: '/pe', latencyUs: 100 }], containers: [] };
      vasaOf(s).containers[0].spans = ['aa-array'];
    }, ['arrays[4].vasa.containers[0].spans[0]: array "aa-array" has no SCSI protocol endpoint to serve this container\'s vVols']],
  ];

  it.each(cases)('%s', (_name, breakIt, problems) => {
    const input = clone();
    breakIt(input);
    expect(problemsOf(input)).toEqual(problems);
  });

  it('a container may span another array of the same provider with a PE of its protocol', () => {
    const input = clone();
    input.arrays[2].vasa = { provider: 'pathlab-vasa', protocolEndpoints: [{ protocol: 'scsi', lun: 254 }], containers: [] };
    vasaOf(input).containers[0].spans = ['aa-array'];
    const s = parseScenario(input);
    expect(s.arrays[VVOL].vasa!.containers[0].spans).toEqual(['aa-array']);
    expect(s.arrays[2].vasa!.protocolEndpoints).toEqual([{ protocol: 'scsi', lun: 254 }]);
  });
});
