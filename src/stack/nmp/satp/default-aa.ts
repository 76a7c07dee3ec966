// VMW_SATP_DEFAULT_AA: active/active arrays, where every port of every SP serves every LUN. A path
// is either working or gone; only a lost connection moves I/O elsewhere (KB 1003433: H:0x1 is the
// one failover trigger for A/A; a timeout or abort on the path is treated as the same loss here).

import type { CommandOutcome, PathState, SatpModule } from '../../plugin-api';
import { turCheck } from './probe';
import { Host, isBecomingReady, isBusy, isPathLoss, isPdl, isUnitAttention } from './sense';

/** A TEST UNIT READY answer as an A/A path state: any SCSI answer but PDL means the path works. */
export function activeActiveState(r: CommandOutcome): PathState {
  if (r.host !== Host.OK || isPdl(r)) return 'dead';
  return 'active';
}

/** onError of an A/A array (also used by VMW_SATP_LOCAL). */
export function activeActiveError(o: CommandOutcome): 'retry' | 'failover' | 'fail' {
  if (isPathLoss(o)) return 'failover';
  // Transient: an event report, a full queue, a LUN spinning up, a bus reset that dropped the command.
  if (isUnitAttention(o) || isBusy(o) || isBecomingReady(o) || o.host === Host.RESET) return 'retry';
  return 'fail'; // PDL (05/25/00) and every real error belong to the command, not the path
}

const defaultAA: SatpModule = {
  name: 'VMW_SATP_DEFAULT_AA',
  description: 'Supports non-specific active/active arrays',
  defaultPsp: 'VMW_PSP_FIXED',
  onError: (_io, _path, outcome) => activeActiveError(outcome),
  checkPaths: (device, done) => turCheck(device, activeActiveState, done),
};

export default defaultAA;
