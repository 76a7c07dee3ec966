// LAB_MPP_AA: a whole multipathing plugin for the classroom's active/active array (lesson 12).
// NMP, its SATPs and its PSPs step aside for the paths a claim rule gives this plugin: the PSA
// offers it each path (claimPath), groups the paths it took into devices by device id, and asks it
// where every command goes (startCommand) and what a failed one means (commandDone).
//
// Two things are left to you:
//   claimPath     take the paths of the A/A array (INQUIRY vendor PATHLAB, model AA-VA) and
//                 leave every other path to the next claim rule. As shipped it takes none.
//   startCommand  spread the commands over the usable paths. As shipped every command goes down
//                 the first one.

import type { CommandOutcome, MppModule } from 'pathlab';

const HOST = { OK: 0, NO_CONNECT: 1, TIMEOUT: 3, ABORT: 5, RESET: 8 };
const GOOD = 0, BUSY = 0x08, TASK_SET_FULL = 0x28, CHECK_CONDITION = 2, UNIT_ATTENTION = 6;

/** The command never reached the LUN: the link, the port or the storage processor is gone. */
const transportError = (o: CommandOutcome) => o.host === HOST.NO_CONNECT || o.host === HOST.TIMEOUT || o.host === HOST.ABORT;

export default {
  name: 'LAB_MPP_AA',
  description: 'The A/A array, balanced by the lab',

  claimPath(_path) {
    // TODO: path.vendor and path.model are the LUN's INQUIRY strings (space-padded: trim them).
    // Return true for PATHLAB / AA-VA, false for anything else.
    return false;
  },

  openDevice(device) {
    device.state.next = 0;
  },

  startCommand(_io, paths, _device) {
    // TODO: spread the commands: in turn (keep a counter in device.state), or to the path with the
    // fewest commands in flight (path.outstanding), as in lesson 10.
    return paths[0];
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
