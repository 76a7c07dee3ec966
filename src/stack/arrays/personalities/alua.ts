// ALUA (SPC-4 5.15): each SP's ports form a target port group with its own asymmetric access
// state per LUN. Active states serve everything; standby, unavailable and transitioning serve only
// the commands SPC-4 allows and report why with NOT READY 04/0B, 04/0C or 04/0A.

import { AccessState, TpgStatus } from '../alua';
import { SenseKey } from '../../scsi/status';
import { alwaysAllowed, isModeSense, type PersonalityOps } from './personality';
import { OP_READ_10, OP_READ_16, OP_WRITE_10, OP_WRITE_16 } from '../../../../asm/cdb/layout';

const TPGS = { implicit: 1, explicit: 2, both: 3 } as const;

function isMedia(opcode: number): boolean {
  return opcode === OP_READ_10 || opcode === OP_READ_16 || opcode === OP_WRITE_10 || opcode === OP_WRITE_16;
}

export const alua: PersonalityOps = {
  tpgsBits: (array) => TPGS[array.config.alua ?? 'both'],
  reportsGroups: true,
  supportsSetGroups: (array) => (array.config.alua ?? 'both') !== 'implicit',

  admit(x, array, lun) {
    const group = x.port.sp.index;
    const state = lun.alua.stateAt(group, array.now());
    if (state === AccessState.ACTIVE_OPTIMIZED || state === AccessState.ACTIVE_NON_OPTIMIZED) {
      if (isMedia(x.opcode)) followIo(array, lun, group, state);
      return true;
    }
    if (alwaysAllowed(x.opcode)) return true;
    if (state === AccessState.STANDBY) {
      if (isModeSense(x.opcode)) return true;
      x.checkCondition(SenseKey.NOT_READY, 0x04, 0x0b);
    } else if (state === AccessState.UNAVAILABLE) {
      x.checkCondition(SenseKey.NOT_READY, 0x04, 0x0c);
    } else {
      x.checkCondition(SenseKey.NOT_READY, 0x04, 0x0a);
    }
    return false;
  },

  spChanged(array, sp, up) {
    const now = array.now();
    for (const lun of array.luns) {
      if (!up) {
        // The surviving SP takes over the LUNs the failed one owned: an implicit transition.
        lun.alua.set(sp, AccessState.UNAVAILABLE, now, 0, TpgStatus.IMPLICIT);
        if (lun.owner === sp) {
          const survivor = array.sps.find((s) => s.up && s.index !== sp);
          if (survivor) {
            lun.owner = survivor.index;
            lun.alua.set(survivor.index, AccessState.ACTIVE_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
          }
        }
      } else {
        lun.alua.set(sp, AccessState.ACTIVE_NON_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
      }
      lun.raiseAttention(0x2a, 0x06);
    }
  },
};

/** Implicit follow-over: enough consecutive I/O through the non-optimized group moves the LUN there. */
function followIo(array: import('../storage-array').StorageArray, lun: import('../logical-unit').LogicalUnit, group: number, state: number): void {
  const threshold = array.config.implicitFollowIo ?? 0;
  if (state === AccessState.ACTIVE_OPTIMIZED || threshold === 0) {
    lun.nonOptimizedRun = 0;
    return;
  }
  if (++lun.nonOptimizedRun < threshold) return;
  lun.nonOptimizedRun = 0;
  const now = array.now();
  lun.alua.set(lun.owner, AccessState.ACTIVE_NON_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
  lun.alua.set(group, AccessState.ACTIVE_OPTIMIZED, now, array.transitionUs, TpgStatus.IMPLICIT);
  lun.owner = group;
  lun.raiseAttention(0x2a, 0x06);
}
