// The page the browser bench measures: a production build of its own (dist-bench/, git-ignored),
// rebuilt only when a source is newer than it, so a second `npm run bench` starts at once and a
// stale build is never measured.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the build reads: a change to any of these makes the build stale. */
const INPUTS = ['src', 'lessons', 'public', 'asm/build', 'index.html', 'vite.config.ts', 'scripts/vite-offline.js', 'package-lock.json'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs);
}

/** Builds the page into `dir` unless a build there is newer than every input; says which it did. */
export function freshBuild(dir: string): 'built' | 'reused' {
  const built = existsSync(join(dir, 'index.html')) ? statSync(join(dir, 'index.html')).mtimeMs : 0;
  if (built > Math.max(...INPUTS.map(newest))) return 'reused';
  const run = spawnSync('npx', ['vite', 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'error'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`vite build failed:\n${run.stdout}${run.stderr}`);
  return 'built';
}
