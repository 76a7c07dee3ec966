import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { offlineServiceWorker } from './scripts/vite-offline.js';
import { lessonFrontmatterAsJson } from './scripts/vite-lessons.js';

// Fails the build when an AssemblyScript module (asm/build/*.wasm) did not reach the output.
// Byte-identical modules share one emitted file, so the check compares contents, not names.
function checkWasmShipped(): Plugin {
  let root = '';
  const wasmIn = (dir: string, recursive: boolean) =>
    (readdirSync(dir, { recursive }) as string[]).filter((f) => f.endsWith('.wasm')).map((f) => join(dir, f));
  const key = (file: string) => readFileSync(file).toString('base64');
  return {
    name: 'pathlab:check-wasm-shipped',
    apply: 'build',
    configResolved: (config) => void (root = config.root),
    writeBundle({ dir }) {
      const source = join(root, 'asm/build');
      if (!dir || !existsSync(source)) return;
      const shipped = new Set(wasmIn(dir, true).map(key));
      const missing = wasmIn(source, false).filter((f) => !shipped.has(key(f)));
      if (missing.length) this.error(`missing from ${dir}: ${missing.join(', ')}`);
    },
  };
}

export default defineConfig({
  base: './', // dist/ works from any sub-path of any static server
  // The lesson plugin twice: the dev server serves the worker's modules through the page's
  // plugins; a build bundles the worker with its own.
  plugins: [svelte(), lessonFrontmatterAsJson(), checkWasmShipped(), offlineServiceWorker()],
  worker: { format: 'es', plugins: () => [lessonFrontmatterAsJson()] },
  build: {
    target: 'es2022',
    // Never inline the AssemblyScript modules as data: URLs: the CSP forbids fetching them,
    // and dist/ must carry each .wasm as its own file.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
