// Shared by the built-in PSPs: how good a usable path is. Without ALUA every path is 'none' and
// ranks like an optimized one; with ALUA, active/optimized beats active/non-optimized, which beats
// a group still in transition.

import type { Path } from '../../plugin-api';

export function rank(path: Path): number {
  if (path.alua === 'AO' || path.alua === 'none') return 0;
  return path.alua === 'ANO' ? 1 : 2;
}

/** The first path of the best rank (paths come in runtime-name order, so this is stable). */
export function best(paths: readonly Path[]): Path {
  let chosen = paths[0];
  for (const p of paths) if (rank(p) < rank(chosen)) chosen = p;
  return chosen;
}

export function byName(paths: readonly Path[], name: unknown): Path | undefined {
  if (typeof name !== 'string') return undefined;
  for (let i = 0; i < paths.length; i++) if (paths[i].name === name) return paths[i];
  return undefined;
}
