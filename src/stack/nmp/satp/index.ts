// The SATPs NMP ships with. NMP iterates this list (SATP claim rules name them); it never imports
// an SATP by name.

import type { SatpModule } from '../../plugin-api';
import alua from './alua';
import defaultAA from './default-aa';
import defaultAP from './default-ap';
import local from './local';

export const builtinSatps: SatpModule[] = [defaultAA, defaultAP, alua, local];
