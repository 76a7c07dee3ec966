// Where the CDB fuzzer sends: every array of the classroom scenario on memory block stores (booted
// alone by bootStack, on a virtual clock the fuzzer advances) and the vVol array of a booted host
// with vVols bound behind its protocol endpoint; every target port (passive SPs too); existing LUNs,
// missing ones and second-level ones, from two initiators. Before the run a known pattern goes to
// LBAs no valid case writes and to a bound vVol no case addresses; the shadow holds both.

import type { LogicalUnit } from '../src/stack/arrays/logical-unit';
import type { TargetPort } from '../src/stack/arrays/ports';
import type { StorageArray } from '../src/stack/arrays/storage-array';
import { conglomerateLun, SECOND_LEVEL } from '../src/stack/arrays/vvol-conglomerate';
import { bootStack, type Stack } from '../src/stack/boot';
import type { EngineChoice } from '../src/stack/engine';
import { Host } from '../src/stack/host';
import type { Arena } from '../src/stack/memory/arena';
import { EXTENT_SIZE } from '../src/stack/blockstore/block-store';
import { vvols } from '../src/stack/vvol';
import { isCopyManager } from '../src/stack/arrays/commands/copy-results';
import type { Destination } from './cdb-check';
import { WRITE_WINDOW } from './cdb-gen';
import { Shadow } from './shadow';

export interface Target {
  array: StorageArray;
  arena: Arena;
  port: TargetPort;
  lun: number;
  initiators: string[];
  label: string;
}

export interface Unit {
  array: StorageArray;
  arena: Arena;
  lun: LogicalUnit;
  number: number;
  initiator: string;
}

export interface Rig {
  stack: Stack;
  host: Host;
  targets: Target[];
  shadow: Shadow;
  /** Virtual time of the bootStack arrays, microseconds; the runner moves it on. */
  clock: { now: number };
  /** Every LU the fuzz can reach (and the reserved vVol), with the LUN and initiator that reach it. */
  units: Unit[];
  /** The LUs that hold the reserved pattern at RESERVED_LBA. */
  reserved: Unit[];
  destination(t: Target, initiator: string): Destination;
  close(): void;
}

export const RESERVED_LBA = WRITE_WINDOW * 2;
export const RESERVED_BLOCKS = 32;
const INITIATORS = ['21:00:00:24:ff:f0:00:01', '21:00:00:24:ff:f0:00:02'];
const STRANGER = '21:00:00:24:ff:99:99:99';

export async function bootRig(engine: EngineChoice = 'auto'): Promise<Rig> {
  const stack = await bootStack({ engine });
  const clock = { now: 0 };
  for (const array of stack.arrays) array.now = () => clock.now;
  const host = await Host.boot({ engine });
  const vvolArray = host.array('vvol-array')!;
  const daemon = vvols(host);
  const bound = [
    daemon.createVvol({ container: 'vvol-gold', sizeBytes: 64 << 20, provisioning: 'thin' }),
    daemon.createVvol({ container: 'vvol-gold', sizeBytes: 32 << 20, provisioning: 'thick' }),
    daemon.createVvol({ container: 'vvol-gold', sizeBytes: 16 << 20, name: 'reserved' }),
  ];
  const bindings = bound.map((v) => daemon.bind(v));
  const hostInitiator = host.adapters[1].wwpn;

  const targets: Target[] = [];
  for (const array of stack.arrays) {
    if (array.name === 'vvol-array') continue; // the host's copy has the vVols
    const luns = [...array.luns.map((l) => l.number), 7, 254, 16383, conglomerateLun(0, 1)];
    for (const port of array.ports) for (const lun of luns) targets.push({ array, arena: stack.arena, port, lun, initiators: INITIATORS, label: `${array.name} ${port.wwpn} LUN ${lun}` });
  }
  // The vVol array: the PE, two bound vVols, one never bound; never the reserved vVol (the third).
  const slus = [vvolArray.luns[0].number, bindings[0].lun, bindings[1].lun, conglomerateLun(255, 9), 3];
  for (const port of vvolArray.ports) {
    for (const lun of slus) targets.push({ array: vvolArray, arena: host.arena, port, lun, initiators: [hostInitiator, STRANGER], label: `vvol-array ${port.wwpn} LUN ${lunName(lun)}` });
  }

  const units: Unit[] = [];
  for (const array of stack.arrays) {
    if (array.name === 'vvol-array') continue;
    for (const lun of array.luns) units.push({ array, arena: stack.arena, lun, number: lun.number, initiator: INITIATORS[0] });
  }
  units.push({ array: vvolArray, arena: host.arena, lun: vvolArray.luns[0], number: vvolArray.luns[0].number, initiator: hostInitiator });
  bound.forEach((v, i) => units.push({ array: vvolArray, arena: host.arena, lun: v.unit, number: bindings[i].lun, initiator: hostInitiator }));
  const shadow = new Shadow();
  const reserved = units.filter((u) => u.lun.blocks > RESERVED_LBA + RESERVED_BLOCKS);
  for (const u of reserved) {
    const data = new Uint8Array(RESERVED_BLOCKS * u.lun.blockSize);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + u.number * 7 + 0x5a) & 0xff;
    // Straight into the volume: the pattern is the starting state, not a command under test.
    await writeDirect(u.arena, u.lun, RESERVED_LBA, data);
    shadow.write(u.lun, RESERVED_LBA, data);
  }

  const destination = (t: Target, initiator: string): Destination => {
    const a = t.array;
    const lun = t.lun < SECOND_LEVEL ? a.lun(t.lun) : a.conglomerate?.subsidiary(t.lun, initiator);
    return {
      lun,
      personality: a.config.personality,
      setGroups: a.personality.supportsSetGroups(a),
      copyManager: isCopyManager(a),
      lookup: (naa) => a.luns.find((l) => !l.lost && l.naa.length === naa.length && l.naa.every((b, i) => b === naa[i])),
    };
  };
  return { stack, host, targets, shadow, clock, units, reserved, destination, close: () => (stack.close(), host.close()) };
}

function lunName(lun: number): string {
  return lun < SECOND_LEVEL ? String(lun) : `${lun % SECOND_LEVEL}:${Math.floor(lun / SECOND_LEVEL)}`;
}

/** Writes bytes at an LBA of a LUN's volume, straight into its extents. */
async function writeDirect(arena: Arena, lun: LogicalUnit, lba: number, data: Uint8Array): Promise<void> {
  const table = arena.alloc(4);
  let at = 0;
  while (at < data.length) {
    const byte = lba * lun.blockSize + at;
    const extent = Math.floor(byte / EXTENT_SIZE);
    const from = byte - extent * EXTENT_SIZE;
    const n = Math.min(EXTENT_SIZE - from, data.length - at);
    const pending = lun.volume.map(extent, 1, true, table);
    if (pending) {
      await pending; // a vVol opens its volume on first use
      continue;
    }
    const addr = arena.dv.getUint32(table, true);
    arena.u8.set(data.subarray(at, at + n), addr + from);
    lun.volume.written(extent, 1);
    at += n;
  }
  arena.free(table, 4);
}
