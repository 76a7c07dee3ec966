// LAB_MPP_EXAMPLE: a whole multipathing plugin beside NMP. It takes the paths of one array model,
// the framework groups them into devices, and the plugin picks a path for every command (round
// robin) and says what a failed command means. No SATP, no PSP: this plugin is both.
//
// Try it: Load, then give it the A/A array's paths with a claim rule and reclaim them:
//   esxcli storage core claimrule add -r 200 -t vendor -V PATHLAB -M AA-VA -P LAB_MPP_EXAMPLE
//   esxcli storage core claimrule load
// (then unclaim the array's paths and run the rules, as the Claim rules tab explains).

import type { CommandOutcome, MppModule } from 'pathlab';

/** INQUIRY vendor and product of the classroom's active/active array (all its arrays say PATHLAB). */
const VENDOR = 'PATHLAB';
const MODEL = 'AA-VA';

const HOST = { OK: 0, NO_CONNECT: 1, TIMEOUT: 3, ABORT: 5, RESET: 8 };
const GOOD = 0, BUSY = 0x08, TASK_SET_FULL = 0x28, CHECK_CONDITION = 2, UNIT_ATTENTION = 6;

/** The command never reached the LUN: the link, the port or the storage processor is gone. */
const transportError = (o: CommandOutcome) => o.host === HOST.NO_CONNECT || o.host === HOST.TIMEOUT || o.host === HOST.ABORT;

export default {
  name: 'LAB_MPP_EXAMPLE',
  description: 'Round robin over every path of the classroom A/A array',

  claimPath(path) {
    // INQUIRY strings are space-padded (8 and 16 bytes).
    return path.vendor.trim() === VENDOR && path.model.trim() === MODEL;
  },

  openDevice(device) {
    device.state.next = 0;
  },

  startCommand(_io, paths, device) {
    // An active/active array serves every path equally: take them in turn.
    const i = Number(device.state.next ?? 0) % paths.length;
    device.state.next = i + 1;
    return paths[i];
  },

  commandDone(_io, path, outcome, device) {
    if (outcome.host === HOST.OK && outcome.status === GOOD) return; // done, nothing to decide
    if (transportError(outcome)) return 'failover'; // the framework marks the path dead; try another
    if (outcome.host === HOST.RESET || outcome.status === BUSY || outcome.status === TASK_SET_FULL) return 'retry';
    if (outcome.status === CHECK_CONDITION && outcome.senseKey === UNIT_ATTENTION) return 'retry'; // an event, not an error
    return 'fail'; // the LUN answered with a real error: the guest gets it
  },

  pathStateChanged(path, device) {
    // A path came back (or went): restart the rotation so it gets its turn at once.
    if (path.state === 'active') device.state.next = 0;
  },
} satisfies MppModule;
