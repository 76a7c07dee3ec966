// REPORT LUNS (SPC-4 6.33): answered by the target whatever LUN it is addressed to.

import type { Exchange } from '../exchange';
import type { StorageArray } from '../storage-array';
import { encodeLun, SECOND_LEVEL } from '../vvol-conglomerate';

export function reportLuns(x: Exchange, array: StorageArray): void {
  // SELECT REPORT 0 and 2: every logical unit (we have no well-known ones); 1: none. With vVols
  // (a conglomerate, sg_luns(8)): 0x10 only administrative LUs (the PEs); 0x11 those plus the
  // non-conglomerate LUs; 0x12, sent to an ALU, that ALU and the SLUs bound behind it for this
  // initiator. Bound vVols are not in the other lists: the host never scans them as devices.
  const select = x.param;
  let luns: number[];
  if (select === 0x00 || select === 0x02 || select === 0x11) luns = array.visibleLunNumbers();
  else if (select === 0x01) luns = [];
  else if (select === 0x10) luns = array.luns.filter((l) => l.administrative && !l.lost).map((l) => l.number);
  else if (select === 0x12) {
    if (!x.lun?.administrative || x.lunNumber >= SECOND_LEVEL) return x.invalidField(2);
    luns = [x.lunNumber, ...(array.conglomerate?.subsidiaries(x.lunNumber, x.cmd.initiator) ?? [])];
  } else return x.invalidField(2);
  const d = new Uint8Array(8 + 8 * luns.length);
  new DataView(d.buffer).setUint32(0, 8 * luns.length);
  luns.forEach((lun, i) => {
    // Peripheral addressing below 256, flat space addressing above (SAM-5 4.7); conglomerate
    // members simple logical unit addressing on each level.
    encodeLun(d, 8 + 8 * i, lun, lun >= SECOND_LEVEL || (array.lun(lun)?.conglomerate ?? false));
  });
  x.dataIn(d, x.length);
}
