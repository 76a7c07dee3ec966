// LAB_MPP_AA: a whole multipathing plugin for the classroom's active/active array (lesson 12's
// solution). It takes the A/A array's paths and sends each command down the usable path with the
// fewest commands in flight, equal queues in turn.

import type { CommandOutcome, MppModule } from 'pathlab';

const HOST = { OK: 0, NO_CONNECT: 1, TIMEOUT: 3, ABORT: 5, RESET: 8 };
const GOOD = 0, BUSY = 0x08, TASK_SET_FULL = 0x28, CHECK_CONDITION = 2, UNIT_ATTENTION = 6;

/** The command never reached the LUN: the link, the port or the storage processor is gone. */
const transportError = (o: CommandOutcome) => o.host === HOST.NO_CONNECT || o.host === HOST.TIMEOUT || o.host === HOST.ABORT;

export default {
  name: 'LAB_MPP_AA',
  description: 'The A/A array, balanced by the lab',

  claimPath(path) {
    // INQUIRY strings are space-padded (8 and 16 bytes).
    return path.vendor.trim() === 'PATHLAB' && path.model.trim() === 'AA-VA';
  },

  openDevice(device) {
    device.state.next = 0;
  },

  startCommand(_io, paths, device) {
    // An active/active array serves every path alike: the shortest queue, ties in turn.
    const next = Number(device.state.next ?? 0);
    let best = paths[next % paths.length];
    for (let i = 1; i < paths.length; i++) {
      const p = paths[(next + i) % paths.length];
      if (p.outstanding < best.outstanding) best = p;
    }
    device.state.next = paths.indexOf(best) + 1;
    return best;
  },

  commandDone(_io, path, outcome, device) {
    if (outcome.host === HOST.OK && outcome.status === GOOD) return; // done, nothing to decide
    if (transportError(outcome)) {
      device.setPathState(path, 'dead'); // no more commands down it until it answers again
      return 'failover';
    }
    if (outcome.host === HOST.RESET || outcome.status === BUSY || outcome.status === TASK_SET_FULL) return 'retry';
    if (outcome.status === CHECK_CONDITION && outcome.senseKey === UNIT_ATTENTION) return 'retry'; // an event, not an error
    return 'fail'; // the LUN answered with a real error: the guest gets it
  },

  pathStateChanged(path, device) {
    if (path.state === 'active') device.state.next = 0; // a path came back: it gets its turn at once
  },
} satisfies MppModule;
