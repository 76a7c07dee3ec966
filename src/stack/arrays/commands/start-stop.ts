// START STOP UNIT (SBC-3 5.25). The LUNs never spin down, so stopping is a no-op; but on an
// active/passive array START through a passive port activates it there: the LUN trespasses to that
// port's SP, which is how Linux's hp_sw handler and VMW_SATP_DEFAULT_AP bring a passive path up.

import { FLAG_START } from '../../../../asm/cdb/layout';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';

export function startStopUnit(x: Exchange, array: StorageArray, lun: LogicalUnit): void {
  if (x.param !== 0) return x.invalidField(4, 7); // power conditions are not supported
  if (x.has(FLAG_START) && array.config.personality === 'active-passive') array.trespass(lun, x.port.sp.index);
  x.good();
}
