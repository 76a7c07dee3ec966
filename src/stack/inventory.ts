// What a host learns of each array by asking it, as ESXi does at discovery: REPORT LUNS, then per
// LUN a standard INQUIRY, VPD page 0x83 for the device id, and READ CAPACITY (16).

import type { ArrayInventory, LunInventory } from './api';
import type { Arena } from './memory/arena';
import type { StorageArray } from './arrays/storage-array';
import type { Host } from './host';
import { sendCdb, type SgResponse } from './initiator/sg-request';
import { Status } from './scsi/status';

const INITIATOR = 'pathlab-inventory';

/** Sends through each port in turn until one answers GOOD (a passive port may refuse). */
async function ask(arena: Arena, array: StorageArray, lun: number, cdb: number[]): Promise<SgResponse> {
  let last: SgResponse | undefined;
  for (const port of array.ports) {
    last = await sendCdb(arena, array, port, lun, { cdb, initiator: INITIATOR });
    if (last.hostStatus === 0 && last.status === Status.GOOD) return last;
  }
  throw new Error(`${array.name} LUN ${lun}: no port answered ${cdb[0].toString(16)} (status ${last?.status}, host ${last?.hostStatus})`);
}

function text(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to)).trim();
}

/** The LU's NAA designator (association 0, type 3) from VPD page 0x83, as "naa.<hex>". */
export function naaFromVpd83(page: Uint8Array): string | undefined {
  const end = 4 + ((page[2] << 8) | page[3]);
  for (let at = 4; at + 4 <= end; at += 4 + page[at + 3]) {
    const association = (page[at + 1] >> 4) & 3;
    const type = page[at + 1] & 0x0f;
    if (association === 0 && type === 3) {
      return 'naa.' + Array.from(page.subarray(at + 4, at + 4 + page[at + 3]), (b) => b.toString(16).padStart(2, '0')).join('');
    }
  }
  return undefined;
}

export async function inventoryOf(arena: Arena, array: StorageArray): Promise<ArrayInventory> {
  const report = await ask(arena, array, 0, [0xa0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0]);
  const listLength = new DataView(report.dataIn.buffer).getUint32(0);
  const luns: LunInventory[] = [];
  for (let at = 8; at < 8 + listLength; at += 8) {
    const lun = ((report.dataIn[at] & 0x3f) << 8) | report.dataIn[at + 1];
    const std = (await ask(arena, array, lun, [0x12, 0, 0, 0, 96, 0])).dataIn;
    const vpd = (await ask(arena, array, lun, [0x12, 1, 0x83, 0, 255, 0])).dataIn;
    const cap = (await ask(arena, array, lun, [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0])).dataIn;
    const dv = new DataView(cap.buffer);
    const blocks = dv.getUint32(0) * 4294967296 + dv.getUint32(4) + 1;
    const blockSize = dv.getUint32(8);
    luns.push({
      lun,
      vendor: text(std, 8, 16),
      product: text(std, 16, 32),
      revision: text(std, 32, 36),
      naa: naaFromVpd83(vpd) ?? '',
      blockSize,
      blocks,
      capacityBytes: blocks * blockSize,
    });
  }
  return { name: array.name, personality: array.config.personality, luns };
}

/**
 * The same view from what the host's discovery already read (REPORT LUNS, INQUIRY, VPD 0x83 and
 * READ CAPACITY through each path). Asking again would be real I/O that draws on the arrays'
 * seeded service times, so merely looking at the page would change the run that follows.
 */
export function discoveredInventory(host: Host): ArrayInventory[] {
  return host.arrays.map((array) => {
    const luns = new Map<number, LunInventory>();
    for (const path of host.psa.paths) {
      if (path.array !== array || luns.has(path.lun)) continue;
      const id = path.identity;
      const device = host.psa.device(id.deviceId);
      const blocks = device?.blocks || id.blocks;
      const blockSize = device?.blockSize || id.blockSize;
      luns.set(path.lun, {
        lun: path.lun,
        vendor: id.vendor,
        product: id.model,
        revision: id.revision,
        naa: id.deviceId.startsWith('naa.') ? id.deviceId : '',
        blockSize,
        blocks,
        capacityBytes: blocks * blockSize,
      });
    }
    return { name: array.name, personality: array.config.personality, luns: [...luns.values()].sort((a, b) => a.lun - b.lun) };
  });
}
