// LAB_PSP_LQD: least queue depth. Every command goes down the usable path with the fewest
// commands in flight, so a slow or busy path gets less work and a fast one more, without any
// setting to tune. (ESXi ships a similar policy for some arrays; VMW_PSP_RR counts instead.)
//
// Try it: press Load, then in the console
//   esxcli storage nmp device set -d <device> --psp LAB_PSP_LQD
// and watch the paths' ACTV columns in esxtop (or the device panel's PSP menu).

import type { Device, Path, PspModule } from 'pathlab';

/** What this PSP keeps per device (device.state is its own scratch space). */
interface LqdState {
  /** Where the next tie-break starts, so equal queues share the load in turn. */
  next: number;
  /** Commands sent down each path by this PSP, for `describe`. */
  picks: Record<string, number>;
}

function state(device: Device): LqdState {
  const s = device.state as Partial<LqdState>;
  s.next ??= 0;
  s.picks ??= {};
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
    // With ALUA, prefer the optimized (AO) paths; ANO paths only when no AO path is left.
    const optimized = paths.filter((p) => p.alua === 'AO');
    const candidates = optimized.length > 0 ? optimized : paths;
    // The smallest queue wins; on a tie, the first one after the last pick (round robin).
    let best: Path = candidates[s.next % candidates.length];
    for (let i = 1; i < candidates.length; i++) {
      const p = candidates[(s.next + i) % candidates.length];
      if (p.outstanding < best.outstanding) best = p;
    }
    s.next = (candidates.indexOf(best) + 1) % candidates.length;
    s.picks[best.name] = (s.picks[best.name] ?? 0) + 1;
    return best;
  },

  pathStateChanged(_path, device) {
    state(device).next = 0; // the set of usable paths changed: start the rotation again
  },

  describe(device) {
    const picks = Object.entries(state(device).picks).map(([name, n]) => `${name}=${n}`);
    return `{policy=lqd; picks: ${picks.join(', ') || 'none yet'}}`;
  },
} satisfies PspModule;
