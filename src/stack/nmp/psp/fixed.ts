// VMW_PSP_FIXED: always the preferred path while it is usable, and back to it as soon as it
// returns (failback). Set by `esxcli storage nmp psp fixed deviceconfig set --path`; without one,
// the first working path found (AO first) becomes the de facto preferred path, as at ESXi boot.

import type { Device, Path, PspModule } from '../../plugin-api';
import { best, byName, rank } from './rank';

interface FixedState {
  /** The path chosen when none was set (runtime name). */
  defacto?: string;
  /** The path the last command went to. */
  current?: string;
}

function preferredName(device: Device): string | undefined {
  const st = device.state as FixedState;
  return device.paths.find((p) => p.preferred)?.name ?? st.defacto;
}

const fixed: PspModule = {
  name: 'VMW_PSP_FIXED',
  description: 'Fixed Path Selection',

  init(device) {
    const st = device.state as FixedState;
    const working = device.paths.filter((p) => p.state === 'active');
    if (!device.paths.some((p) => p.preferred) && !st.defacto && working.length > 0) st.defacto = best(working).name;
  },

  selectPath(_io, paths, device) {
    const st = device.state as FixedState;
    const preferred = byName(paths, preferredName(device));
    let chosen: Path | undefined = preferred;
    if (!chosen) {
      // The preferred path is down: stay where we are unless a better-ranked (AO) path exists.
      const current = byName(paths, st.current);
      const top = best(paths);
      chosen = current && rank(current) <= rank(top) ? current : top;
      // Nothing preferred at all: this first working path becomes the preferred one.
      if (!preferredName(device)) st.defacto = chosen.name;
    }
    st.current = chosen.name;
    return chosen;
  },

  describe(device) {
    const st = device.state as FixedState;
    return `{preferred=${preferredName(device) ?? 'none'};current=${st.current ?? 'none'}}`;
  },
};

export default fixed;
