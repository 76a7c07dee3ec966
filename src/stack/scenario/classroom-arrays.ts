// The arrays of the built-in "classroom" scenario: one of each personality, as a storage
// administrator would meet them. Identifiers are derived from the OUI and serial numbers, as a real
// array derives them; the host learns them only through INQUIRY and VPD 0x83.

import type { ArrayConfig } from '../arrays/config';

/** Linux-IO's IEEE OUI: these are software targets, as LIO's are. */
const OUI = 0x001405;
const GiB = 1024 ** 3;

function wwpn(array: number, sp: number, port: number): string {
  return ['50', '01', '40', '5a', array.toString(16).padStart(2, '0'), '00', sp.toString(16).padStart(2, '0'), port.toString(16).padStart(2, '0')].join(':');
}

function sps(array: number, names: string[], portsPerSp: number) {
  return names.map((name, s) => ({ name, ports: Array.from({ length: portsPerSp }, (_, p) => ({ wwpn: wwpn(array, s, p) })) }));
}

export const classroomArrays: ArrayConfig[] = [
  {
    name: 'alua-array',
    personality: 'alua',
    vendor: 'PATHLAB',
    product: 'ALUA-VA',
    revision: '0100',
    oui: OUI,
    serial: 0xa1a0001,
    sps: sps(1, ['SPA', 'SPB'], 2),
    luns: [
      { lun: 0, blocks: (10 * GiB) / 512, blockSize: 512, owner: 0 },
      { lun: 1, blocks: (10 * GiB) / 512, blockSize: 512, owner: 1 },
      { lun: 2, blocks: (20 * GiB) / 4096, blockSize: 4096, owner: 0 },
      { lun: 3, blocks: (100 * GiB) / 512, blockSize: 512, owner: 1, cacheMode: 'write-back' },
    ],
    serviceTime: { fixedUs: 150, perKiBUs: 2, jitterUs: 50 },
    alua: 'both',
    transitionUs: 200_000,
  },
  {
    name: 'ap-array',
    personality: 'active-passive',
    vendor: 'PATHLAB',
    product: 'AP-VA',
    revision: '0100',
    oui: OUI,
    serial: 0xa9a0002,
    sps: sps(2, ['SPA', 'SPB'], 1),
    luns: [
      { lun: 0, blocks: (50 * GiB) / 512, blockSize: 512, owner: 0 },
      { lun: 1, blocks: (50 * GiB) / 512, blockSize: 512, owner: 1 },
    ],
    serviceTime: { fixedUs: 300, perKiBUs: 4, jitterUs: 100 },
  },
  {
    name: 'aa-array',
    personality: 'active-active',
    vendor: 'PATHLAB',
    product: 'AA-VA',
    revision: '0100',
    oui: OUI,
    serial: 0xaaa0003,
    sps: sps(3, ['CTL0', 'CTL1'], 1),
    luns: [
      { lun: 0, blocks: (1024 * GiB) / 512, blockSize: 512 },
      { lun: 1, blocks: (1024 * GiB) / 4096, blockSize: 4096, cacheMode: 'write-back' },
    ],
    serviceTime: { fixedUs: 100, perKiBUs: 1, jitterUs: 30 },
  },
];
