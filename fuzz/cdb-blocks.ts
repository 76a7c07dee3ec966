// The block commands against the shadow (shadow.ts): a GOOD READ returned exactly the blocks the
// model holds; a GOOD WRITE, COMPARE AND WRITE, WRITE SAME, UNMAP or EXTENDED COPY changes the
// model as SBC-3/SPC-4 say it changes the blocks; COMPARE AND WRITE's verdict and miscompare
// offset agree with the model. Anything else must leave the blocks alone (verified at the end).

import type { LogicalUnit } from '../src/stack/arrays/logical-unit';
import type { DecodedSense } from './sense-check';
import { be16, be32, be64, blockRange } from './cdb-fields';
import type { Shadow } from './shadow';

export interface BlockAnswer {
  status: number;
  hostStatus: number;
  dataIn: Uint8Array;
  sense: DecodedSense | undefined;
}

/** Looks a LUN of the same array up by its NAA designator (EXTENDED COPY's CSCD descriptors). */
export type NaaLookup = (naa: Uint8Array) => LogicalUnit | undefined;

/** Model bytes for one READ (at most 64 KiB of data-in) or one COMPARE AND WRITE (at most 255 blocks of 4 KiB). */
const scratch = new Uint8Array(2 * 1024 * 1024);

/**
 * Checks a block command's answer against the model and applies a GOOD change; an error or undefined.
 * `limit` is the data-in allowed: min(allocation length, buffer).
 */
export function checkBlocks(
  c: Uint8Array, dataOut: Uint8Array | undefined, limit: number, lun: LogicalUnit, a: BlockAnswer, shadow: Shadow, lookup: NaaLookup,
): string | undefined {
  const op = c[0];
  const range = blockRange(c);
  const bs = lun.blockSize;
  if (range && a.status === 0 && a.hostStatus === 0 && range.count > 0 && range.lba + range.count > lun.blocks) {
    return `GOOD for LBA ${range.lba} + ${range.count} blocks past the end (${lun.blocks} blocks)`;
  }
  if (range && a.sense?.asc === 0x21 && range.lba + range.count <= lun.blocks) {
    return `LBA OUT OF RANGE for LBA ${range.lba} + ${range.count} blocks inside ${lun.blocks} blocks`;
  }
  const out = dataOut?.length ?? -1; // -1: sent as data-in
  if (a.hostStatus !== 0) {
    // An underrun: only a data-out command whose data-out is short, and then nothing is written.
    const needed = range ? (op === 0x89 ? 2 : op === 0x93 ? 0 : 1) * range.count * bs + (op === 0x93 && !(c[1] & 1) ? bs : 0) : 0;
    if (a.hostStatus === 0x7 && range && out < needed) return undefined;
    return `host status ${a.hostStatus} for a command with ${out < 0 ? 'no' : out} bytes of data-out`;
  }
  if (op === 0x89 && range && range.count > 0) return compareAndWrite(range.lba, range.count, dataOut, lun, a, shadow);
  if (a.status !== 0) return undefined;
  if (op === 0x28 || op === 0x88) {
    if (!range) return undefined;
    // Data-in: exactly min(blocks asked, buffer); sent with a data-out buffer instead, nothing comes back.
    if (a.dataIn.length !== (out < 0 ? limit : 0)) return `GOOD READ returned ${a.dataIn.length} bytes where ${out < 0 ? limit : 0} were due`;
    const d = a.dataIn;
    const model = scratch.subarray(0, d.length);
    shadow.read(lun, range.lba, range.count, model);
    for (let i = 0; i < d.length; i++) if (d[i] !== model[i]) return `READ byte ${i} (LBA ${range.lba + Math.floor(i / bs)}) is ${d[i]}, the model says ${model[i]}`;
    return undefined;
  }
  if ((op === 0x2a || op === 0x8a) && range && range.count > 0) {
    if (out < range.count * bs) return `GOOD WRITE of ${range.count} blocks with ${out < 0 ? 'no' : out} bytes of data-out`;
    shadow.write(lun, range.lba, dataOut!.subarray(0, range.count * bs));
  } else if (op === 0x93 && range) {
    const ndob = (c[1] & 1) !== 0;
    if (!ndob && out < bs) return `GOOD WRITE SAME with ${out < 0 ? 'no' : out} bytes of data-out`;
    shadow.fill(lun, range.lba, range.count, ndob ? undefined : dataOut!.subarray(0, bs));
  } else if (op === 0x42 && dataOut) {
    unmap(c, dataOut, lun, shadow);
  } else if (op === 0x83 && dataOut) {
    return extendedCopy(c, dataOut, shadow, lookup);
  }
  return undefined;
}

function compareAndWrite(lba: number, count: number, dataOut: Uint8Array | undefined, lun: LogicalUnit, a: BlockAnswer, shadow: Shadow): string | undefined {
  const bytes = count * lun.blockSize;
  const miscompare = a.status === 2 && a.sense?.key === 0xe;
  if (a.status !== 0 && !miscompare) return undefined;
  if (!dataOut || dataOut.length < 2 * bytes) return `COMPARE AND WRITE answered ${miscompare ? 'MISCOMPARE' : 'GOOD'} with ${dataOut?.length ?? 'no'} bytes of data-out`;
  const model = scratch.subarray(0, bytes);
  shadow.read(lun, lba, count, model);
  let first = -1;
  for (let i = 0; i < bytes; i++) if (model[i] !== dataOut[i]) { first = i; break; }
  if (a.status === 0) {
    if (first >= 0) return `COMPARE AND WRITE GOOD although the blocks differ from the verify data at byte ${first}`;
    shadow.write(lun, lba, dataOut.subarray(bytes, 2 * bytes));
    return undefined;
  }
  if (first < 0) return 'MISCOMPARE although the blocks equal the verify data';
  if (a.sense?.info !== first) return `MISCOMPARE at offset ${a.sense?.info}, the first difference is at ${first}`;
  return undefined;
}

function unmap(c: Uint8Array, list: Uint8Array, lun: LogicalUnit, shadow: Shadow): void {
  const length = Math.min(be16(c, 7), list.length);
  if (length < 8) return;
  const count = Math.floor(be16(list, 2) / 16);
  for (let i = 0; i < count && 8 + 16 * (i + 1) <= length; i++) {
    const at = 8 + 16 * i;
    shadow.fill(lun, be64(list, at), be32(list, at + 8), undefined);
  }
}

function extendedCopy(c: Uint8Array, p: Uint8Array, shadow: Shadow, lookup: NaaLookup): string | undefined {
  if (be32(c, 10) === 0) return undefined;
  const targetLength = be16(p, 2);
  const base = 16 + targetLength;
  const segmentEnd = base + be32(p, 8);
  for (let at = base; at + 28 <= segmentEnd; at += 28) {
    const name = (index: number) => {
      const t = 16 + 32 * index;
      return lookup(p.subarray(t + 8, t + 8 + p[t + 7]));
    };
    const source = name(be16(p, at + 4));
    const destination = name(be16(p, at + 6));
    if (!source || !destination) return 'GOOD EXTENDED COPY naming a LUN that is not in the array';
    const bytes = be16(p, at + 10) * (p[at + 1] & 0x02 ? destination.blockSize : source.blockSize);
    if (bytes === 0) continue;
    const buffer = new Uint8Array(bytes);
    shadow.read(source, be64(p, at + 12), bytes / source.blockSize, buffer);
    shadow.write(destination, be64(p, at + 20), buffer);
  }
  return undefined;
}
