// The starting points the editor offers for a new plugin: real plugins, written against the same
// contract as the learner's (src/stack/plugins/templates/), taken as text.

import type { PluginRole } from '../../stack/api';
import psp from '../../stack/plugins/templates/psp.ts?raw';
import satp from '../../stack/plugins/templates/satp.ts?raw';
import mpp from '../../stack/plugins/templates/mpp.ts?raw';

export interface Template {
  role: PluginRole;
  /** The button's name: "New PSP". */
  label: string;
  /** The new file's name, made unique with a number when taken. */
  file: string;
  source: string;
}

export const TEMPLATES: readonly Template[] = [
  { role: 'psp', label: 'New PSP', file: 'lqd-psp.ts', source: psp },
  { role: 'satp', label: 'New SATP', file: 'alua-satp.ts', source: satp },
  { role: 'mpp', label: 'New MPP', file: 'rr-mpp.ts', source: mpp },
];

/** `base` if no file has that name, else base-2.ts, base-3.ts, … */
export function freshName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  const stem = base.replace(/\.ts$/, '');
  for (let n = 2; ; n++) if (!taken(`${stem}-${n}.ts`)) return `${stem}-${n}.ts`;
}
