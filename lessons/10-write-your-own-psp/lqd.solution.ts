// LAB_PSP_LQD: least queue depth (lesson 10's solution). Every command goes down the usable path
// with the fewest commands in flight: a slow path holds its commands longer, so its queue is the
// longer one and it gets less of the new work. Equal queues take turns.

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
    // With ALUA, only the optimized (AO) paths while there are any.
    const optimized = paths.filter((p) => p.alua === 'AO');
    const candidates = optimized.length > 0 ? optimized : paths;
    // The smallest queue wins; on a tie, the first one after the last pick.
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
    state(device).next = 0;
  },

  describe(device) {
    const picks = Object.entries(state(device).picks).map(([name, n]) => `${name}=${n}`);
    return `{policy=lqd; picks: ${picks.join(', ') || 'none yet'}}`;
  },
} satisfies PspModule;
