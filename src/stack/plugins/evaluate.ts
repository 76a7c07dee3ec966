// Runs a compiled plugin's module body, under the guard, with the globals through which a plugin could
// reach out of the lab (network, storage, timers, other threads, code from strings) shadowed.

import type { CompiledPlugin } from './compile';
import type { PluginGuard } from './guard';

/**
 * Globals a plugin sees as undefined. The ones past the first list are in it too because the guard
 * cannot interrupt them: WebAssembly runs uninstrumented code, Atomics.wait blocks the thread, and a
 * plugin that replaced performance.now would blind a clock read through it.
 */
export const SHADOWED_GLOBALS = [
  'self', 'globalThis', 'window', 'document', 'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource',
  'indexedDB', 'caches', 'importScripts', 'postMessage', 'close', 'Worker', 'SharedWorker',
  'BroadcastChannel', 'navigator', 'location', 'eval', 'Function', 'setTimeout', 'setInterval',
  'queueMicrotask', 'requestAnimationFrame', 'process', 'require', 'module', 'global', 'Deno', 'Bun',
  'WebAssembly', 'Atomics', 'SharedArrayBuffer', 'performance',
] as const;

/**
 * Runs `plugin`'s module body as the 'load' hook of plugin `name` and returns its default export.
 * Throws PluginViolation when the top level throws or runs past the budget.
 */
export function evaluatePlugin(plugin: CompiledPlugin, guard: PluginGuard, name: string): unknown {
  guard.addSource(plugin);
  // The plugin's code is strict; strict code may not bind `eval`, so the shadowing parameters belong to
  // a sloppy outer function and the code runs in an inner one. The inner function opens on the body's
  // first line, so a stack line is still the body's line plus new Function's header (source-lines.ts).
  const outer = new Function('exports', '__tick' /* compile.ts's TICK */, ...SHADOWED_GLOBALS, `return function () {${plugin.code}\n};`);
  const exports: { default?: unknown } = {};
  const body = outer(exports, guard.tickFor(name)) as () => void;
  return guard.call(name, 'load', () => {
    body();
    return exports.default; // read under the guard: the plugin may have made it a getter
  });
}
