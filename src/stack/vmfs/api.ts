// A read-only view of VMFS on a host, for lesson goals and the page: the volumes it has mounted and
// their files (as this host last read them), the VAAI counters, the last clone's report, and a
// byte-compare of two files read straight from the array (so checking sends nothing through the
// host and moves none of its counters).

import type { Host } from '../host';
import { sendCdb } from '../initiator/sg-request';
import type { LogicalDevice } from '../psa/device';
import type { CloneReport } from './clone';
import { allVaaiCounters, type VaaiCounters } from './disk-io';
import { FILE_BLOCK, isNilUuid } from './layout';
import { fileTarget } from './file-io';
import { vmfsOf } from './vmfs';

export interface VmfsFileView {
  name: string;
  sizeBytes: number;
  blocks: number;
  format: string;
  lockMode: 'free' | 'exclusive' | 'read-only';
  /** The holder's host name when known, else its UUID; '' when free. */
  lockHolder: string;
}

export interface DatastoreView {
  label: string;
  uuid: string;
  device: string;
  sizeBytes: number;
  freeBytes: number;
  heartbeatSlot: number;
  files: VmfsFileView[];
}

export function datastores(host: Host): DatastoreView[] {
  return [...vmfsOf(host).volumes.values()].map((v) => ({
    label: v.label,
    uuid: v.uuid,
    device: v.device.id,
    sizeBytes: v.sizeBytes,
    freeBytes: v.freeFileBlocks * FILE_BLOCK,
    heartbeatSlot: v.slot,
    files: v.files
      .filter((f) => f.file.inUse)
      .map((f) => ({
        name: f.file.name,
        sizeBytes: f.file.sizeBytes,
        blocks: f.file.blockCount,
        format: f.file.format,
        lockMode: f.lock.mode,
        lockHolder: f.lock.mode === 'free' || isNilUuid(f.lock.owner) ? '' : v.ownerName(f.lock.owner),
      })),
  }));
}

export function vaaiStats(host: Host): ({ device: string } & VaaiCounters)[] {
  return [...allVaaiCounters(host)].map(([device, c]) => ({ device, ...c }));
}

export function lastClone(host: Host): CloneReport | undefined {
  return vmfsOf(host).lastClone;
}

/** Compares two files byte for byte over the shorter's length; the offset of the first difference, or -1. */
export async function compareFiles(host: Host, pathA: string, pathB: string): Promise<{ equal: boolean; firstDifference: number }> {
  const a = fileTarget(host, pathA);
  const b = fileTarget(host, pathB);
  const length = Math.min(a.sizeBytes, b.sizeBytes);
  for (let at = 0; at < length; at += FILE_BLOCK) {
    const bytes = Math.min(FILE_BLOCK, length - at);
    const [x, y] = await Promise.all([readRaw(host, a.device, a.baseLba + at / a.device.blockSize, bytes), readRaw(host, b.device, b.baseLba + at / b.device.blockSize, bytes)]);
    for (let i = 0; i < bytes; i++) if (x[i] !== y[i]) return { equal: false, firstDifference: at + i };
  }
  return { equal: a.sizeBytes === b.sizeBytes, firstDifference: a.sizeBytes === b.sizeBytes ? -1 : length };
}

/** READ (16) straight to the array behind the device's first path, outside the host's I/O path. */
async function readRaw(host: Host, device: LogicalDevice, lba: number, bytes: number): Promise<Uint8Array> {
  const path = device.paths.find((p) => p.state === 'active') ?? device.paths[0];
  if (!path) throw new Error(`${device.id} has no path`);
  const blocks = bytes / device.blockSize;
  const be = (x: number, n: number) => Array.from({ length: n }, (_, i) => Math.floor(x / 2 ** (8 * (n - 1 - i))) & 0xff);
  const r = await sendCdb(host.arena, path.array, path.port, path.lun, { cdb: [0x88, 0, ...be(lba, 8), ...be(blocks, 4), 0, 0], dataIn: bytes, initiator: 'pathlab-check' });
  if (r.status !== 0 || r.hostStatus !== 0) throw new Error(`reading ${device.id} at LBA ${lba} failed (status 0x${r.status.toString(16)})`);
  return r.dataIn;
}
