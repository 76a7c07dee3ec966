// Active/active: every port of every SP serves every LUN equally.

import type { PersonalityOps } from './personality';

export const activeActive: PersonalityOps = {
  tpgsBits: () => 0,
  reportsGroups: false,
  supportsSetGroups: () => false,
  admit: () => true,
  spChanged: () => {},
};
