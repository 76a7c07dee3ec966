// UNMAP (SBC-3 5.28): VAAI's Delete (dead space reclamation) on a thin LUN. The parameter list is
// an 8-byte header (UNMAP DATA LENGTH, UNMAP BLOCK DESCRIPTOR DATA LENGTH, 4 reserved bytes) and
// 16-byte block descriptors (LBA, NUMBER OF LOGICAL BLOCKS, 4 reserved bytes). Every descriptor is
// checked before anything is unmapped, so a refused list changes nothing. Unmapped blocks read
// zeros (LBPRZ); whole extents give their memory back.

import { FLAG_ANCHOR } from '../../../../asm/cdb/layout';
import { SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import { MAX_UNMAP_DESCRIPTORS, maxUnmapBlocks } from './block-limits';
import { acknowledgeWrite, deallocateBytes, loadFailed, parameterList } from './extents';

const HEADER = 8;
const DESCRIPTOR = 16;

export function unmap(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  // A thick LUN reports LBPU 0 and MAXIMUM UNMAP LBA COUNT 0: the command is not implemented there.
  if (!lun.thin) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
  if (x.has(FLAG_ANCHOR)) return x.invalidField(1, 0); // VPD 0xB2 ANC_SUP is 0
  const list = parameterList(x, array, HEADER);
  if (!list) return;
  const ranges = parse(x, lun, list);
  if (!ranges) return;
  const next = (i: number): void => {
    if (i === ranges.length) return acknowledgeWrite(x, array, lun);
    const { lba, blocks } = ranges[i];
    deallocateBytes(array, lun, lba * lun.blockSize, blocks * lun.blockSize, (error) => (error ? loadFailed(x) : next(i + 1)));
  };
  next(0);
}

/** The block descriptors as ranges, or undefined once the list has been refused. */
function parse(x: Exchange, lun: LogicalUnit, list: Uint8Array): { lba: number; blocks: number }[] | undefined {
  const dv = new DataView(list.buffer, list.byteOffset, list.byteLength);
  const dataLength = dv.getUint16(0); // UNMAP DATA LENGTH: the bytes after this field
  const descriptorLength = dv.getUint16(2); // UNMAP BLOCK DESCRIPTOR DATA LENGTH
  if (dataLength < HEADER - 2 || dataLength + 2 > list.length) return void x.invalidParameter(0);
  if (descriptorLength > dataLength - (HEADER - 2)) return void x.invalidParameter(2);
  for (let at = 4; at < HEADER; at++) if (list[at] !== 0) return void x.invalidParameter(at);
  // SBC-3: an incomplete last descriptor is ignored.
  const count = Math.floor(descriptorLength / DESCRIPTOR);
  if (count > MAX_UNMAP_DESCRIPTORS) return void x.invalidParameter(2);
  const ranges: { lba: number; blocks: number }[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = HEADER + i * DESCRIPTOR;
    const lba = dv.getUint32(at) * 2 ** 32 + dv.getUint32(at + 4);
    const blocks = dv.getUint32(at + 8);
    for (let r = at + 12; r < at + DESCRIPTOR; r++) if (list[r] !== 0) return void x.invalidParameter(r);
    if (lba + blocks > lun.blocks) return void x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
    total += blocks;
    if (total > maxUnmapBlocks(lun)) return void x.invalidParameter(at + 8);
    if (blocks > 0) ranges.push({ lba, blocks });
  }
  return ranges;
}
