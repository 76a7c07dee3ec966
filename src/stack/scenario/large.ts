// The built-in "large" scenario: a host the size of a busy production cluster member, generated
// from a few numbers, to see the stack and the page at scale (and to measure them: `npm run bench`
// opens it in Chromium). Two FC fabrics, one adapter on each; every array has two SPs with one
// port on each fabric, so each LUN has four paths (two per adapter), as a dual-fabric SAN cabled by
// the book gives. The arrays cycle through the personalities, so NMP picks every SATP.
// The generated file goes through the same validator as a learner's scenario file.

import type { Personality } from '../api';
import { parseScenario } from './validate';
import type { Scenario } from './types';

export interface LargeScenarioSize {
  arrays: number;
  lunsPerArray: number;
  /** VMs, each with one disk, spread over the arrays. */
  vms: number;
}

/** 4 arrays x 64 LUNs = 256 devices, 4 paths each = 1024 paths. */
export const LARGE_SIZE: LargeScenarioSize = { arrays: 4, lunsPerArray: 64, vms: 8 };

const PERSONALITIES: Personality[] = ['alua', 'active-active', 'alua', 'active-passive'];
const FABRICS = ['fabric-a', 'fabric-b'];
const hex = (n: number) => n.toString(16).padStart(2, '0');
/** Array a's SP s port on fabric f: 50:01:40:5b:<array>:00:<sp>:<fabric> (the classroom's arrays use 5a). */
const targetWwpn = (a: number, sp: number, f: number) => `50:01:40:5b:${hex(a + 1)}:00:${hex(sp)}:${hex(f)}`;

export function largeScenario(size: LargeScenarioSize = LARGE_SIZE): Scenario {
  const arrays = Array.from({ length: size.arrays }, (_, a) => {
    const personality = PERSONALITIES[a % PERSONALITIES.length];
    return {
      name: `array${String(a + 1).padStart(2, '0')}`,
      personality,
      vendor: 'PATHLAB',
      product: personality === 'alua' ? 'ALUA-VA' : personality === 'active-passive' ? 'AP-VA' : 'AA-VA',
      revision: '0100',
      oui: 5125,
      serial: 0x0b000000 + a + 1,
      sps: ['SPA', 'SPB'].map((name, sp) => ({ name, ports: FABRICS.map((_f, f) => ({ wwpn: targetWwpn(a, sp, f) })) })),
      // 1 GiB each, owners alternating so both SPs carry I/O; every fourth LUN thin.
      luns: Array.from({ length: size.lunsPerArray }, (_l, lun) => ({
        lun,
        blocks: 2_097_152,
        blockSize: 512,
        owner: lun % 2,
        ...(lun % 4 === 3 ? { provisioning: 'thin' } : {}),
      })),
      serviceTime: { fixedUs: 150, perKiBUs: 2, jitterUs: 50 },
    };
  });
  const adapters = FABRICS.map((_f, i) => {
    const id = `21:00:00:24:ff:4e:0b:${hex(0x10 + i)}`;
    return {
      name: `vmhba${i + 1}`,
      transport: 'fc',
      driver: 'qlnativefc',
      queueDepth: 4096,
      wwpn: id,
      wwnn: `20${id.slice(2)}`,
      description: 'QLogic Corp QLE2692 Dual Port 16Gb Fibre Channel to PCIe Adapter',
    };
  });
  const fabrics = FABRICS.map((name, f) => ({
    name,
    adapters: [adapters[f].name],
    targets: arrays.flatMap((_a, a) => [0, 1].map((sp) => targetWwpn(a, sp, f))),
    latencyUs: 20,
  }));
  const vms = Array.from({ length: size.vms }, (_, v) => ({
    name: `app${String(v + 1).padStart(2, '0')}`,
    shares: (['low', 'normal', 'high'] as const)[v % 3],
    disks: [{ array: arrays[v % arrays.length].name, lun: Math.floor(v / arrays.length) }],
  }));
  return parseScenario({
    name: 'large',
    description: `${size.arrays} arrays of ${size.lunsPerArray} LUNs on two FC fabrics: ${size.arrays * size.lunsPerArray} devices with four paths each.`,
    seed: 1,
    adapters,
    fabrics,
    arrays,
    vms,
    settings: { pathEvalIntervalSec: 30 },
  });
}
