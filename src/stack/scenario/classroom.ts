// The built-in "classroom" scenario (classroom.json): one array of each personality on two FC
// fabrics, a local SAS disk, and three VMs. Parsed at load, so a broken edit to the file fails
// loudly with the path of the bad field instead of surfacing later as a strange lab.

import data from './classroom.json' with { type: 'json' };
import { parseScenario } from './validate';
import type { Scenario } from './types';

export const classroomScenario: Scenario = parseScenario(data);
