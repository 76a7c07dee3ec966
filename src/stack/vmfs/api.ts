// For lesson goals: a byte-compare of two files read straight from the array (so checking sends
// nothing through the host and moves none of its counters). What the hosts know of their volumes is
// in shared-view.ts.

import type { Host } from '../host';
import { sendCdb } from '../initiator/sg-request';
import type { LogicalDevice } from '../psa/device';
import { FILE_BLOCK } from './layout';
import { fileTarget } from './file-io';

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
