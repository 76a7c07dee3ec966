// READ CAPACITY (10) and (16): the last LBA and the block length (SBC-3 5.16, 5.17), and in (16)
// whether the LUN is thin provisioned.

import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';

export function readCapacity10(x: Exchange, lun: LogicalUnit): void {
  const d = new Uint8Array(8);
  const dv = new DataView(d.buffer);
  // 0xFFFFFFFF tells the host to ask again with READ CAPACITY (16).
  dv.setUint32(0, Math.min(lun.blocks - 1, 0xffffffff));
  dv.setUint32(4, lun.blockSize);
  x.dataIn(d, 8);
}

export function readCapacity16(x: Exchange, lun: LogicalUnit): void {
  const d = new Uint8Array(32);
  const dv = new DataView(d.buffer);
  const last = lun.blocks - 1;
  dv.setUint32(0, Math.floor(last / 4294967296));
  dv.setUint32(4, last >>> 0);
  dv.setUint32(8, lun.blockSize);
  // b12, b13: no protection, one logical block per physical block. b14: a thin LUN has logical block
  // provisioning management (LBPME) and unmapped blocks read zeros (LBPRZ); lowest aligned LBA 0.
  if (lun.thin) d[14] = 0x80 | 0x40;
  x.dataIn(d, x.length);
}
