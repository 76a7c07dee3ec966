// A Vite plugin that writes dist/sw.js: the service worker of src/offline/service-worker.js with
// the list of every built file to precache, so the lab works offline after its first load.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const SOURCE = 'src/offline/service-worker.js';
const NAME = 'sw.js';

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((f) => f !== NAME)
    .sort();
}

/** @returns {import('vite').Plugin} */
export function offlineServiceWorker() {
  let root = '';
  return {
    name: 'pathlab:offline-service-worker',
    apply: 'build',
    configResolved: (config) => void (root = config.root),
    // After every file is written, so the list is exactly what dist/ holds.
    writeBundle({ dir }) {
      if (!dir) return;
      const files = filesUnder(dir);
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(dir, f)));
      const version = hash.digest('hex').slice(0, 16);
      const precache = ['./', ...files.map((f) => `./${f}`)];
      const source = readFileSync(join(root, SOURCE), 'utf8')
        .replace('__PRECACHE__', JSON.stringify(precache))
        .replace('__VERSION__', version);
      writeFileSync(join(dir, NAME), source);
    },
  };
}
