// Runs a compiled plugin's module body under the guard, where every global outside a short list of
// the language's own (Object, Array, Map, JSON, ...) is shadowed: network, storage, timers,
// messaging, workers, the page and code from strings are out of reach, whatever this runtime
// offers. An allowlist, not a denylist: a global added by a future browser is shadowed too.

import type { CompiledPlugin } from './compile';
import type { PluginGuard } from './guard';
import { SeededRandom } from '../sim/random';

/** What a plugin may use of the global scope: the language itself, and nothing that waits or reaches out. */
export const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  'Object', 'Array', 'Boolean', 'Number', 'String', 'Symbol', 'BigInt', 'JSON', 'Reflect', 'Proxy',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'RegExp', 'Iterator',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError',
  'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI',
  'NaN', 'Infinity', 'undefined', 'Intl', 'TextEncoder', 'TextDecoder', 'atob', 'btoa', 'structuredClone', 'console',
]);

/** Given to every plugin in place of the real ones: `Math` with a seeded `random`, so a run is repeatable. */
const PROVIDED = ['Math'] as const;

/** Names a plugin's code is run with; the first two are the module's own. */
const OWN = ['exports', '__tick' /* compile.ts's TICK */];

/** Globals also shadowed where they are not globals of this runtime (a module system's names). */
const ALWAYS_SHADOWED = ['require', 'module', 'global', 'process', 'Deno', 'Bun', 'eval', 'Function', 'globalThis', 'self', 'window'];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

let shadowed: string[] | undefined;

/** Every global name of this runtime (the global object and its prototypes) not on the allowlist. */
export function shadowedGlobals(): readonly string[] {
  if (shadowed) return shadowed;
  const names = new Set<string>(ALWAYS_SHADOWED);
  for (let o: object | null = globalThis; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  shadowed = [...names].filter((n) => IDENTIFIER.test(n) && !ALLOWED_GLOBALS.has(n) && !OWN.includes(n) && !(PROVIDED as readonly string[]).includes(n));
  return shadowed;
}

/** `Math` as a plugin gets it: the same functions, `random` from a fixed seed. */
function pluginMath(): Math {
  const random = new SeededRandom(0x5eed);
  const math = Object.create(null) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(Math)) math[name] = (Math as unknown as Record<string, unknown>)[name];
  math.random = () => random.next();
  return Object.freeze(math) as unknown as Math;
}

/**
 * Runs `plugin`'s module body as the 'load' hook of plugin `name` and returns its default export.
 * Throws PluginViolation when the top level throws or runs past the budget.
 */
export function evaluatePlugin(plugin: CompiledPlugin, guard: PluginGuard, name: string): unknown {
  guard.addSource(plugin);
  // The plugin's code is strict; strict code may not bind `eval`, so the shadowing parameters belong to
  // a sloppy outer function and the code runs in an inner one. The inner function opens on the body's
  // first line, so a stack line is still the body's line plus new Function's header (source-lines.ts).
  const outer = new Function(...OWN, ...PROVIDED, ...shadowedGlobals(), `return function () {${plugin.code}\n};`);
  const exports: { default?: unknown } = {};
  const body = outer(exports, guard.tickFor(name), pluginMath()) as () => void;
  return guard.call(name, 'load', () => {
    body();
    return exports.default; // read under the guard: the plugin may have made it a getter
  });
}
