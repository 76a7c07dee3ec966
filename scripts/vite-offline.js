// A Vite plugin that writes dist/sw.js: the service worker of src/offline/service-worker.js with
// the files the first screen needs to precache (the page, its static imports and styles, the stack
// worker, the wasm modules), so the lab opens offline after its first load. Parts loaded on demand
// (the plugin editor, the plugin compiler) are cached by the worker when first fetched, so the
// first visit does not download megabytes it may never use.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = 'src/offline/service-worker.js';
const NAME = 'sw.js';

/** Files reachable from the entry chunks through static imports, with their CSS and assets. */
function firstScreenFiles(bundle) {
  const files = new Set();
  const visit = (fileName) => {
    const chunk = bundle[fileName];
    if (!chunk || files.has(fileName)) return;
    files.add(fileName);
    if (chunk.type !== 'chunk') return;
    for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
    for (const asset of chunk.viteMetadata?.importedAssets ?? []) files.add(asset);
    for (const imported of chunk.imports) visit(imported);
  };
  for (const [fileName, output] of Object.entries(bundle)) {
    if (output.type === 'chunk' && output.isEntry) visit(fileName);
    // The wasm hot paths: the worker fetches them at start. HTML and public files too.
    else if (output.type === 'asset' && /\.(wasm|html|svg)$/.test(fileName)) files.add(fileName);
  }
  return [...files].sort();
}

/** @returns {import('vite').Plugin} */
export function offlineServiceWorker() {
  let root = '';
  let precache = [];
  return {
    name: 'pathlab:offline-service-worker',
    apply: 'build',
    configResolved: (config) => void (root = config.root),
    generateBundle(_options, bundle) {
      precache = firstScreenFiles(bundle);
    },
    writeBundle({ dir }) {
      if (!dir) return;
      const files = [...new Set([...precache, 'index.html', 'favicon.svg'])].filter((f) => f !== NAME);
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(dir, f)));
      const source = readFileSync(join(root, SOURCE), 'utf8')
        .replace('__PRECACHE__', JSON.stringify(['./', ...files.map((f) => `./${f}`)]))
        .replace('__VERSION__', hash.digest('hex').slice(0, 16));
      writeFileSync(join(dir, NAME), source);
    },
  };
}
