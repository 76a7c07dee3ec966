// LAB_PSP_LQD: least queue depth (lesson 10). NMP calls selectPath for every command of the
// devices set to this PSP, with the device's usable paths; whatever path it returns, the command
// goes down it.
//
// As shipped, selectPath still rotates like VMW_PSP_RR with --iops 1: the slow path gets every
// other command. Make it return the path with the fewest commands in flight (path.outstanding).
// Then: plugin load lqd.ts, and set it on the device (esxcli storage nmp device set ... --psp).

import type { Device, Path, PspModule } from 'pathlab';

/** What this PSP keeps per device (device.state is its own scratch space). */
interface LqdState {
  /** Where the next pick (or tie-break) starts. */
  next: number;
}

function state(device: Device): LqdState {
  const s = device.state as Partial<LqdState>;
  s.next ??= 0;
  return s as LqdState;
}

export default {
  name: 'LAB_PSP_LQD',
  description: 'Least queue depth: the path with the fewest outstanding commands',

  init(device) {
    state(device);
  },

  selectPath(_io, paths, device) {
    const s = state(device);
    const pick: Path = paths[s.next % paths.length];
    // TODO: look at every path's `outstanding` (commands sent down it, not yet completed) and
    // return the one with the fewest. Keep the rotation below as the tie-break, so that paths
    // with equal queues (an idle device) still take turns.
    s.next = (paths.indexOf(pick) + 1) % paths.length;
    return pick;
  },

  pathStateChanged(_path, device) {
    state(device).next = 0; // the set of usable paths changed: start the rotation again
  },
} satisfies PspModule;
