// VMW_SATP_DEFAULT_AP: active/passive arrays. One SP owns each LUN; through the other SP's ports
// media commands get NOT READY 04/03 (the path is passive: 'standby'). When no path is active the
// SATP moves the LUN with START STOP UNIT (START=1) down a standby path, as Linux's hp_sw handler
// does: the array trespasses the LUN to the SP of the port the command arrives on.

import type { CommandOutcome, PathState, SatpModule } from '../../plugin-api';
import { sendOnce, turCheck } from './probe';
import { Host, isBecomingReady, isBusy, isGood, isPassive, isPathLoss, isPdl, isTransitioning, isUnitAttention } from './sense';

const START_UNIT = [0x1b, 0x00, 0x00, 0x00, 0x01, 0x00] as const;

function apState(r: CommandOutcome): PathState {
  if (r.host !== Host.OK || isPdl(r)) return 'dead';
  return isPassive(r) || isTransitioning(r) ? 'standby' : 'active';
}

const defaultAP: SatpModule = {
  name: 'VMW_SATP_DEFAULT_AP',
  description: 'Supports non-specific active/passive arrays',
  defaultPsp: 'VMW_PSP_MRU',

  onError(_io, _path, o) {
    // KB 1003433 A/P triggers: the LUN moved or is moving away, an SP check error, a lost path.
    if (isPathLoss(o) || o.host === Host.ERROR || isPassive(o) || isTransitioning(o) || isBecomingReady(o)) return 'failover';
    if (isUnitAttention(o) || isBusy(o) || o.host === Host.RESET) return 'retry';
    return 'fail';
  },

  checkPaths: (device, done) => turCheck(device, apState, done),

  activate(device, done) {
    // Try the standby paths in order until one SP accepts the LUN; then look at every path again.
    const standby = device.paths.filter((p) => p.state === 'standby');
    const attempt = (i: number): void => {
      if (i >= standby.length) return recheck();
      sendOnce(device, standby[i], START_UNIT, (r) => (isGood(r) ? recheck() : attempt(i + 1)));
    };
    const recheck = () => turCheck(device, apState, done);
    attempt(0);
  },
};

export default defaultAP;
