// VMFS's commands to a device, sent through the host's normal I/O path: the device queue, the
// owning plugin and its PSP's choice of path, the adapter and the fabric. READ and WRITE for
// metadata and host copies; COMPARE AND WRITE (ATS) for every record hosts race for; WRITE SAME (16)
// to zero; EXTENDED COPY to clone. Each yields inside a task (task.ts) until its completion.
// The VAAI counters esxtop shows (ATS, ATSF, CLONE_RD, CLONE_WR, CLONE_F, ZERO, ZERO_F) are kept
// here, per host and device, as ESXi counts what it sent.

import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import { wait, type Task } from './task';

/** The world VMFS's own commands are issued from (ESXi's is the fs3 helper world). */
export const VMFS_WORLD = 'vmfs';

export interface VaaiCounters {
  ats: number;
  atsf: number;
  cloneRd: number;
  cloneWr: number;
  cloneF: number;
  zero: number;
  zeroF: number;
}

const zeroCounters = (): VaaiCounters => ({ ats: 0, atsf: 0, cloneRd: 0, cloneWr: 0, cloneF: 0, zero: 0, zeroF: 0 });

interface HostIo {
  pool: Map<number, IoRequest[]>;
  counters: Map<string, VaaiCounters>;
}

const registry = new WeakMap<Host, HostIo>();

function hostIo(host: Host): HostIo {
  let s = registry.get(host);
  if (!s) registry.set(host, (s = { pool: new Map(), counters: new Map() }));
  return s;
}

/** The VAAI counters of a device on this host (created on first use). */
export function vaaiCounters(host: Host, deviceId: string): VaaiCounters {
  const map = hostIo(host).counters;
  let c = map.get(deviceId);
  if (!c) map.set(deviceId, (c = zeroCounters()));
  return c;
}

export function allVaaiCounters(host: Host): Map<string, VaaiCounters> {
  return hostIo(host).counters;
}

/** A command that failed for a reason other than a MISCOMPARE. */
export class DiskError extends Error {}

interface Outcome {
  ok: boolean;
  miscompare: boolean;
  data: Uint8Array;
  /** Times the command was sent on a path (more than 1: NMP retried it, maybe after the array applied it). */
  attempts: number;
}

/** Sense key, ASC and ASCQ of fixed or descriptor sense. */
function senseOf(s: Uint8Array): [number, number, number] {
  if ((s[0] & 0x7f) >= 0x72) return [s[1] & 0x0f, s[2], s[3]];
  return [s[2] & 0x0f, s[12], s[13]];
}

function describe(io: IoRequest, what: string): string {
  const c = io.cmd;
  const s = c.senseLength > 0 ? senseOf(c.sense) : undefined;
  const sense = s ? `, sense ${s.map((x) => x.toString(16).padStart(2, '0')).join('/')}` : '';
  return `${what} failed on ${io.device.id}: H:0x${c.hostStatus.toString(16)} D:0x${c.status.toString(16)}${sense}`;
}

/** Sends one command and waits for it. `fill` prepares the CDB and data-out in the pooled request. */
function* send(host: Host, device: LogicalDevice, capacity: number, fill: (io: IoRequest) => void, dataIn = 0): Task<Outcome> {
  // The device may have gone since the work began (unclaimed, masked): its plugin no longer knows it.
  if (host.psa.device(device.id) !== device) throw new DiskError(`${device.id} is no longer a device of this host`);
  const state = hostIo(host);
  const size = Math.max(4096, 2 ** Math.ceil(Math.log2(Math.max(1, capacity))));
  let free = state.pool.get(size);
  if (!free) state.pool.set(size, (free = []));
  const io = free.pop() ?? host.psa.io.newRequest(size);
  io.secondaryId = 0;
  fill(io);
  const outcome = yield* wait<Outcome>((resume) => {
    io.done = () => {
      const c = io.cmd;
      const ok = !io.failed && c.hostStatus === 0 && c.status === 0;
      const [key, asc] = c.senseLength > 0 ? senseOf(c.sense) : [0, 0];
      const data = ok && dataIn > 0 ? host.arena.u8.slice(io.buffer, io.buffer + Math.min(dataIn, c.transferred)) : new Uint8Array(0);
      resume({ ok, miscompare: !ok && c.status === 2 && key === 0x0e && asc === 0x1d, data, attempts: io.attempts });
    };
    host.psa.io.submit(io, device, VMFS_WORLD);
  });
  if (!outcome.ok && !outcome.miscompare) {
    const message = describe(io, `0x${io.cmd.cdb[0].toString(16)}`);
    io.done = () => {};
    free.push(io);
    throw new DiskError(message);
  }
  io.done = () => {};
  free.push(io);
  return outcome;
}

/** CDB byte 1's Force Unit Access bit (SBC-4: COMPARE AND WRITE, WRITE (10/16)). */
const FUA = 0x08;

const be = (x: number, bytes: number): number[] => Array.from({ length: bytes }, (_, i) => Math.floor(x / 2 ** (8 * (bytes - 1 - i))) & 0xff);

function setData(host: Host, io: IoRequest, data: Uint8Array): void {
  host.arena.u8.set(data, io.buffer);
}

export function* readBlocks(host: Host, device: LogicalDevice, lba: number, blocks: number): Task<Uint8Array> {
  const bytes = blocks * device.blockSize;
  const r = yield* send(host, device, bytes, (io) => host.psa.io.prepareReadWrite(io, 'read', lba, blocks, device.blockSize), bytes);
  return r.data;
}

/**
 * WRITE of whole blocks. Metadata goes with FUA (`fua`): on a write-back LUN a volume's header,
 * bitmap and descriptors must be on the medium before the host relies on them, not in a cache a
 * power loss (or a closed page) empties.
 */
export function* writeBlocks(host: Host, device: LogicalDevice, lba: number, data: Uint8Array, fua = false): Task<void> {
  const blocks = data.length / device.blockSize;
  yield* send(host, device, data.length, (io) => {
    host.psa.io.prepareReadWrite(io, 'write', lba, blocks, device.blockSize, fua);
    setData(host, io, data);
  });
}

/**
 * COMPARE AND WRITE of one block: true when the block was `before` and is now `after`, false on
 * MISCOMPARE. A retried ATS (its first attempt lost with a link, NMP sent it again) may have been
 * applied by the array the first time: its retry then miscompares against this host's own write.
 * As ESXi does, such a MISCOMPARE reads the block back, and the block holding `after` is success.
 */
export function* ats(host: Host, device: LogicalDevice, lba: number, before: Uint8Array, after: Uint8Array): Task<boolean> {
  const bs = device.blockSize;
  const counters = vaaiCounters(host, device.id);
  let r: Outcome;
  try {
    r = yield* send(host, device, 2 * bs, (io) => {
      // FUA: a lock or heartbeat the other host can read must be on the medium, not in a cache.
      other(io, [0x89, FUA, ...be(lba, 8), 0, 0, 0, 1, 0, 0], 'out', 2 * bs, lba, 1);
      host.arena.u8.set(before, io.buffer);
      host.arena.u8.set(after, io.buffer + bs);
    });
  } catch (e) {
    counters.atsf++;
    throw e;
  }
  const applied = !r.miscompare || (r.attempts > 1 && atsApplied(yield* readBlocks(host, device, lba, 1), after));
  if (applied) counters.ats++;
  else counters.atsf++;
  return applied;
}

/** Whether a retried ATS that miscompared had been applied: the block reads back as its `after`. */
export function atsApplied(readBack: Uint8Array, after: Uint8Array): boolean {
  return readBack.length === after.length && readBack.every((x, i) => x === after[i]);
}

/** WRITE SAME (16) of a zeroed block over `blocks` blocks (at most the arrays' 32 MiB per command). */
export function* writeSameZero(host: Host, device: LogicalDevice, lba: number, blocks: number): Task<void> {
  const counters = vaaiCounters(host, device.id);
  try {
    yield* send(host, device, device.blockSize, (io) => {
      other(io, [0x93, 0, ...be(lba, 8), ...be(blocks, 4), 0, 0], 'out', device.blockSize, lba, blocks);
      host.arena.u8.fill(0, io.buffer, io.buffer + device.blockSize);
    });
  } catch (e) {
    counters.zeroF++;
    throw e;
  }
  counters.zero++;
}

/** The 16-byte NAA designator of a device, for an EXTENDED COPY target descriptor. */
function naaOf(device: LogicalDevice): number[] {
  const hex = device.id.replace(/^naa\./, '');
  return Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

/** The EXTENDED COPY (LID1) parameter list: identification target descriptors naming the source
 * and destination LUNs (one when they are the same), one block-to-block segment; LIST ID USAGE 11b
 * (no results will be asked for). */
export function xcopyList(source: LogicalDevice, destination: LogicalDevice, sourceLba: number, destinationLba: number, blocks: number): Uint8Array {
  const target = (d: LogicalDevice) => {
    const naa = naaOf(d);
    return [0xe4, 0, 0, 0, 0x01, 0x03, 0, naa.length, ...naa, ...new Array(20 - naa.length).fill(0), 0, ...be(d.blockSize, 3)];
  };
  const targets = source === destination ? target(source) : [...target(source), ...target(destination)];
  const dst = source === destination ? 0 : 1;
  const segment = [0x02, 0, 0, 0x18, 0, 0, ...be(dst, 2), 0, 0, ...be(blocks, 2), ...be(sourceLba, 8), ...be(destinationLba, 8)];
  return Uint8Array.from([0, 3 << 3, ...be(targets.length, 2), 0, 0, 0, 0, ...be(segment.length, 4), 0, 0, 0, 0, ...targets, ...segment]);
}

/** One EXTENDED COPY, sent to the source's device (the copy manager); returns the list's length. */
export function* extendedCopy(host: Host, source: LogicalDevice, destination: LogicalDevice, sourceLba: number, destinationLba: number, blocks: number): Task<number> {
  const list = xcopyList(source, destination, sourceLba, destinationLba, blocks);
  const counters = vaaiCounters(host, source.id);
  const written = vaaiCounters(host, destination.id);
  try {
    yield* send(host, source, list.length, (io) => {
      other(io, [0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...be(list.length, 4), 0, 0], 'out', list.length, sourceLba, blocks);
      setData(host, io, list);
    });
  } catch (e) {
    counters.cloneF++;
    throw e;
  }
  counters.cloneRd++;
  written.cloneWr++;
  return list.length;
}

/** A command other than READ or WRITE: the device counts it but not as a read or a write. */
function other(io: IoRequest, cdb: number[], direction: 'in' | 'out', dataLength: number, lba: number, blocks: number): void {
  io.cmd.setCdb(cdb);
  io.cmd.direction = direction;
  io.cmd.dataLength = dataLength;
  io.op = 'other';
  io.lba = lba;
  io.blocks = blocks;
  io.bytes = 0;
}
