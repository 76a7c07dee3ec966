// REPORT LUNS (SPC-4 6.33): answered by the target whatever LUN it is addressed to.

import type { Exchange } from '../exchange';
import type { StorageArray } from '../storage-array';

export function reportLuns(x: Exchange, array: StorageArray): void {
  // SELECT REPORT 0 and 2: every logical unit (we have no well-known ones); 1 and 0x10-0x12: none.
  const select = x.param;
  let luns: number[];
  if (select === 0x00 || select === 0x02) luns = array.visibleLunNumbers();
  else if (select === 0x01 || (select >= 0x10 && select <= 0x12)) luns = [];
  else return x.invalidField(2);
  const d = new Uint8Array(8 + 8 * luns.length);
  new DataView(d.buffer).setUint32(0, 8 * luns.length);
  luns.forEach((lun, i) => {
    // Peripheral addressing below 256, flat space addressing above (SAM-5 4.7).
    const at = 8 + 8 * i;
    if (lun < 256) d[at + 1] = lun;
    else {
      d[at] = 0x40 | ((lun >> 8) & 0x3f);
      d[at + 1] = lun & 0xff;
    }
  });
  x.dataIn(d, x.length);
}
