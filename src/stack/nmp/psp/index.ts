// The PSPs NMP ships with. NMP iterates this list; it never imports a policy by name.

import type { PspModule } from '../../plugin-api';
import fixed from './fixed';
import mru from './mru';
import roundRobin from './round-robin';

export const builtinPsps: PspModule[] = [fixed, mru, roundRobin];
