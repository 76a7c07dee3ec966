// Active/passive: one SP owns each LUN. Through the other SP's ports the LUN answers only
// inquiries; media access gets NOT READY, MANUAL INTERVENTION REQUIRED (04/03) until the LUN is
// trespassed to that SP: explicitly by the host (START STOP UNIT with START through that SP), or on
// I/O when the array auto-trespasses.

import { SenseKey } from '../../scsi/status';
import { OP_START_STOP_UNIT } from '../../../../asm/cdb/layout';
import { alwaysAllowed, isModeSense, type PersonalityOps } from './personality';

export const activePassive: PersonalityOps = {
  tpgsBits: () => 0,
  reportsGroups: false,
  supportsSetGroups: () => false,
  admit(x, array, lun) {
    const sp = x.port.sp.index;
    if (lun.owner === sp || alwaysAllowed(x.opcode) || isModeSense(x.opcode) || x.opcode === OP_START_STOP_UNIT) return true;
    if (array.config.autoTrespass) {
      array.trespass(lun, sp);
      return true;
    }
    x.checkCondition(SenseKey.NOT_READY, 0x04, 0x03);
    return false;
  },
  // The array does not move LUNs itself when an SP fails: the host's SATP has to activate them.
  spChanged: () => {},
};
