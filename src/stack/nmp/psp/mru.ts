// VMW_PSP_MRU: most recently used. Stay on the current path while it is usable and never fail
// back; when it fails, take an AO path first, then ANO. With ALUA, a current path that is only
// ANO moves to AO as soon as an AO path is available (psa.md §2).

import type { PspModule } from '../../plugin-api';
import { best, byName, rank } from './rank';

interface MruState {
  current?: string;
}

const mru: PspModule = {
  name: 'VMW_PSP_MRU',
  description: 'Most Recently Used Path Selection',

  selectPath(_io, paths, device) {
    const st = device.state as MruState;
    const current = byName(paths, st.current);
    const top = best(paths);
    const chosen = current && rank(current) <= rank(top) ? current : top;
    st.current = chosen.name;
    return chosen;
  },

  describe(device) {
    return `Current Path=${(device.state as MruState).current ?? 'none'}`;
  },
};

export default mru;
