// A learner's plugin is untrusted code run on the stack's own thread: these tests compile real
// TypeScript, run it under the guard, and check what gets refused, stopped, and reported at which line.

import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compilePlugin, errorLine, originalLine, type CompiledPlugin } from '../../src/stack/plugins/compile';
import { ALLOWED_GLOBALS, evaluatePlugin, shadowedGlobals } from '../../src/stack/plugins/evaluate';
import { PluginGuard, PluginViolation } from '../../src/stack/plugins/guard';

function compiled(source: string, fileName = 'lab.ts'): CompiledPlugin {
  const result = compilePlugin(source, fileName);
  if (!result.ok) throw new Error(`did not compile: ${JSON.stringify(result.errors)}`);
  return result.plugin;
}

/** Compiles and loads a plugin; `hooks` runs its hooks under the guard as the stack would. */
function load(source: string, guard = new PluginGuard()) {
  const plugin = compiled(source);
  const module = evaluatePlugin(plugin, guard, 'LAB_PSP_X') as Record<string, (...args: unknown[]) => unknown>;
  const hook = (name: string, ...args: unknown[]) => guard.call('LAB_PSP_X', name, () => module[name](...args));
  return { plugin, module, guard, hook };
}

function violationOf(fn: () => unknown): PluginViolation {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PluginViolation);
    return error as PluginViolation;
  }
  throw new Error('expected a PluginViolation');
}

function errorsOf(source: string) {
  const result = compilePlugin(source, 'lab.ts');
  if (result.ok) throw new Error('expected compile errors');
  return result.errors;
}

const path = (name: string, outstanding: number) => ({ name, outstanding });

describe('compiling a plugin', () => {
  it('compiles a valid PSP whose selectPath runs', () => {
    const { hook, module } = load(`
      import type { Io, Path, PspModule } from 'pathlab';
      import { type Device } from 'pathlab';
      const lqd: PspModule = {
        name: 'LAB_PSP_LQD',
        selectPath(io: Io, paths: readonly Path[], device: Device): Path {
          return paths.reduce((best, p) => (p.outstanding < best.outstanding ? p : best));
        },
      };
      export default lqd;
      export type Unused = number;
      export interface AlsoUnused { x: number }
    `);
    expect(module.name).toBe('LAB_PSP_LQD');
    const paths = [path('a', 3), path('b', 1), path('c', 2)];
    expect(hook('selectPath', {}, paths, {})).toBe(paths[1]);
  });

  it('refuses each forbidden construct at its line, with a message that says why', () => {
    const cases: [string, RegExp][] = [
      [`import { readFile } from 'fs';`, /cannot import modules: what it needs comes through its hooks' arguments/],
      [`import { type Path, Io } from 'pathlab';`, /cannot import modules/],
      [`import 'pathlab';`, /cannot import modules/],
      [`import type { Path } from './plugin-api';`, /types only from 'pathlab'/],
      [`import fs = require('fs');`, /cannot import modules/],
      [`const fs = require('fs');`, /cannot import modules/],
      [`const m = import('./x');`, /cannot import modules/],
      [`const u = import.meta.url;`, /import\.meta/],
      [`export const n = 1;`, /exports only its default/],
      [`export function f() {}`, /exports only its default/],
      [`const n = 1;\nexport { n };`, /exports only its default/],
      [`eval('1');`, /eval is not available/],
      [`const f = new Function('return 1');`, /Function\(\.\.\.\) builds code from a string/],
      [`const f = Function('return 1');`, /Function\(\.\.\.\) builds code from a string/],
      [`with ({}) {}`, /with/],
      [`function f() { debugger; }`, /debugger is not allowed/],
      [`await Promise.resolve();`, /await only inside an async function/],
      [`const __tick = () => {};`, /__tick is reserved/],
    ];
    for (const [bad, message] of cases) {
      const lines = bad.split('\n').length;
      const errors = errorsOf(`const a = 1;\n${bad}\nexport default { name: 'X', selectPath() { return 1; } };`);
      expect(errors, bad).toContainEqual(expect.objectContaining({ line: 1 + lines, message: expect.stringMatching(message) }));
    }
  });

  it('allows await inside an async function, and export default of a function or class', () => {
    expect(compilePlugin(`export default { name: 'X', async init() { await Promise.resolve(); } };`, 'a.ts').ok).toBe(true);
    expect(compilePlugin(`export default class X { selectPath() { return 1; } }`, 'b.ts').ok).toBe(true);
  });

  it('refuses export = and a module without a default export', () => {
    expect(errorsOf(`const x = { name: 'X' };\nexport = x;`)).toContainEqual(expect.objectContaining({ line: 2 }));
    expect(errorsOf(`const x = { name: 'X' };`)).toEqual([
      { line: 1, column: 1, message: 'a plugin module needs a default export: export default { name: ..., selectPath(...) {...} }' },
    ]);
  });

  it('reports a syntax error at its line and column, and compiles nothing', () => {
    const errors = errorsOf(`export default {\n  name: 'X',\n  selectPath(io) {\n    return io.;\n  },\n};`);
    expect(errors[0]).toEqual({ line: 4, column: 15, message: 'Identifier expected.' });
  });

  it('puts a tick first in every loop and function body, at the line of the loop or function', () => {
    const { code } = compiled([
      `const f = (x: number) => x + 1;`, // 1
      `for (const x of [1]) f(x);`, // 2
      `export default {`, // 3
      `  name: 'X',`, // 4
      `  get g() { return 1; },`, // 5
      `  selectPath() { do {} while (false); },`, // 6
      `};`,
    ].join('\n'));
    expect(code.match(/__tick\(\d+\)/g)).toEqual(['__tick(1)', '__tick(2)', '__tick(5)', '__tick(6)', '__tick(6)']);
    expect(code).toMatch(/\/\/# sourceURL=plugin:\/lab\.ts$/);
    expect(code).not.toMatch(/require\(/);
  });
});

describe('the guard', () => {
  it('stops an endless loop within the budget, at the line of the loop', () => {
    const { hook } = load(`export default {\n  name: 'X',\n  selectPath() {\n    while (true) {}\n  },\n};`);
    const start = performance.now();
    const v = violationOf(() => hook('selectPath'));
    expect(performance.now() - start).toBeLessThan(1000);
    expect(v).toMatchObject({ kind: 'timeout', plugin: 'LAB_PSP_X', hook: 'selectPath', line: 4 });
    expect(v.message).toBe('LAB_PSP_X: selectPath ran for more than 50 ms (an endless loop?) at line 4');
  });

  it('stops a loop that catches the timeout, and a hook that catches it and returns', () => {
    const { hook } = load([
      `export default {`,
      `  name: 'X',`,
      `  selectPath() { while (true) { try { for (;;) {} } catch {} } },`, // 3
      `  init() { try { for (;;) {} } catch { return 'swallowed'; } },`, // 4
      `  completed() { try { for (;;) {} } catch { throw new Error('mine'); } },`, // 5
      `};`,
    ].join('\n'));
    const start = performance.now();
    expect(violationOf(() => hook('selectPath'))).toMatchObject({ kind: 'timeout', line: 3 });
    expect(violationOf(() => hook('init'))).toMatchObject({ kind: 'timeout', hook: 'init', line: 4 });
    expect(violationOf(() => hook('completed'))).toMatchObject({ kind: 'timeout', hook: 'completed', line: 5 });
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('honours a per-call budget and a per-guard default', () => {
    const guard = new PluginGuard({ budgetMs: 5 });
    const { module } = load(`export default { name: 'X', selectPath() { for (;;) {} } };`, guard);
    expect(violationOf(() => guard.call('X', 'selectPath', () => module.selectPath())).message).toContain('more than 5 ms');
    expect(violationOf(() => guard.call('X', 'selectPath', () => module.selectPath(), 20)).message).toContain('more than 20 ms');
  });

  it('stops an endless loop at the top level of the module, as the load hook', () => {
    const v = violationOf(() => load(`let n = 0;\nwhile (n >= 0) n++;\nexport default { name: 'X' };`));
    expect(v).toMatchObject({ kind: 'timeout', hook: 'load', line: 2 });
  });

  it('reports deep recursion at its line instead of crashing', () => {
    const { hook } = load(`function down(n: number): number {\n  return down(n + 1) + 1;\n}\nexport default { name: 'X', selectPath() { return down(0); } };`);
    const v = violationOf(() => hook('selectPath'));
    expect(v.kind).toBe('throw');
    expect([1, 2]).toContain(v.line); // the stack runs out on entering down() or on its recursive call
    expect(v.message).toMatch(/^LAB_PSP_X: selectPath recursed too deeply \(RangeError: Maximum call stack size exceeded/);
  });

  it('reports an error the plugin throws with its message and its TypeScript line', () => {
    const { hook } = load([
      `import type { Path } from 'pathlab';`,
      `interface Pick { path: Path }`,
      `export default {`,
      `  name: 'X',`,
      `  selectPath(io: { lba: number }, paths: readonly Path[]): Path {`,
      `    const picked: Pick | undefined = undefined;`,
      `    if (io.lba > 10) throw new Error('lba out of range: ' + io.lba);`, // 7
      `    return (picked as unknown as Pick).path;`, // 8
      `  },`,
      `};`,
    ].join('\n'));
    const thrown = violationOf(() => hook('selectPath', { lba: 11 }, []));
    expect(thrown).toMatchObject({ kind: 'throw', hook: 'selectPath', line: 7 });
    expect(thrown.message).toBe('LAB_PSP_X: selectPath threw Error: lba out of range: 11 at line 7');
    expect((thrown.cause as Error).message).toBe('lba out of range: 11');
    expect(violationOf(() => hook('selectPath', { lba: 0 }, []))).toMatchObject({ kind: 'throw', line: 8 });
  });

  it('maps the line of a real error thrown by compiled code with errorLine and originalLine', () => {
    const { module, plugin, hook, guard } = load(`\n\nexport default {\n  name: 'X',\n  selectPath() {\n\n    return null.x;\n  },\n};`);
    let caught: unknown;
    try {
      guard.call('X', 'selectPath', () => module.selectPath());
    } catch (error) {
      caught = (error as PluginViolation).cause;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect(errorLine(plugin, caught)).toBe(7);
    const generated = plugin.code.split('\n').findIndex((l) => l.includes('null.x')) + 1;
    expect(originalLine(plugin, generated)).toBe(7);
    expect(errorLine(plugin, new Error('not from the plugin'))).toBeUndefined();
    expect(violationOf(() => hook('selectPath')).line).toBe(7);
  });

  it('refuses plugin code that runs outside a hook, and tells the stack', async () => {
    const seen: PluginViolation[] = [];
    const guard = new PluginGuard({ onOutsideHook: (v) => seen.push(v) });
    const { module, hook } = load([
      `let later: () => number = () => 0;`,
      `export default {`,
      `  name: 'X',`,
      `  init() { later = () => 1; return () => later(); },`, // 4
      `  selectPath() { Promise.resolve().then(() => { for (;;) {} }).catch(String); return 'p'; },`, // 5: a builtin handles the rejection
      `};`,
    ].join('\n'), guard);
    const stored = hook('init') as () => number;
    expect(violationOf(stored)).toMatchObject({ kind: 'outside-hook', plugin: 'LAB_PSP_X', line: 4 });
    expect(violationOf(() => module.selectPath())).toMatchObject({ kind: 'outside-hook', line: 5 });

    expect(hook('selectPath')).toBe('p');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen.map((v) => [v.kind, v.line])).toEqual([['outside-hook', 4], ['outside-hook', 5], ['outside-hook', 5]]);
  });

  it('is re-entrant: a hook may call the stack, which calls another hook', () => {
    const guard = new PluginGuard();
    const inner = load(`export default { name: 'IN', selectPath(ok: boolean) { if (!ok) for (;;) {} return 'in'; } };`, guard);
    const outer = load([
      `export default {`,
      `  name: 'OUT',`,
      `  selectPath(stack: (ok: boolean) => string) {`,
      `    let seen = stack(true);`,
      `    try { stack(false); } catch { seen += '+caught'; }`,
      `    for (let i = 0; i < 5000; i++) seen += '';`, // ticks after the inner frame is gone
      `    return seen;`,
      `  },`,
      `};`,
    ].join('\n'), guard);
    const stack = (ok: boolean) => guard.call('IN', 'selectPath', () => inner.module.selectPath(ok), 10);
    expect(guard.call('OUT', 'selectPath', () => outer.module.selectPath(stack))).toBe('in+caught');
    // The inner violation comes out of the outer call as it was when the outer plugin lets it through.
    const through = load(`export default { name: 'OUT', selectPath(stack: (ok: boolean) => string) { return stack(false); } };`, guard);
    expect(violationOf(() => guard.call('OUT', 'selectPath', () => through.module.selectPath(stack)))).toMatchObject({ plugin: 'IN', kind: 'timeout' });
    // And afterwards nothing is armed.
    expect(violationOf(() => outer.module.selectPath(stack)).kind).toBe('outside-hook');
  });

  it('shadows the globals through which a plugin could reach out', () => {
    const { hook } = load(`export default {\n  name: 'X',\n  selectPath() {\n    return [typeof fetch, typeof globalThis, typeof self, typeof process, typeof setTimeout, typeof eval, typeof Function, typeof performance];\n  },\n};`);
    expect(hook('selectPath')).toEqual(Array(8).fill('undefined'));
    expect(shadowedGlobals()).toEqual(expect.arrayContaining(['fetch', 'globalThis', 'process', 'require', 'Deno', 'Bun', 'setTimeout', 'queueMicrotask', 'MessageChannel', 'EventTarget', 'Date']));
    // An allowlist: whatever this runtime offers beyond the language's own is shadowed.
    expect(shadowedGlobals().filter((n) => ALLOWED_GLOBALS.has(n))).toEqual([]);
  });

  it("gets a Math whose random is seeded, so a plugin's run is repeatable", () => {
    const source = `export default { name: 'X', selectPath() { return [Math.random(), Math.random(), Math.max(1, 2)]; } };`;
    const first = load(source).hook('selectPath') as number[];
    const second = load(source).hook('selectPath');
    expect(first).toEqual(second);
    expect(first[2]).toBe(2);
  });

  it('a plugin may use the shadowed names for its own variables', () => {
    const { hook } = load(`const close = (a: number, b: number) => Math.abs(a - b) < 2;\nexport default { name: 'X', selectPath() { return close(1, 2); } };`);
    expect(hook('selectPath')).toBe(true);
  });
});

describe('instrumentation preserves behaviour', () => {
  // One piece of logic that uses every construct the compiler instruments, run twice: as compiled for a
  // plugin (ticks and all), and as plain TypeScript output. The results must be equal.
  const logic = `
    class Counter {
      static made = 0;
      static { Counter.made = 100; }
      private n = 0;
      constructor(readonly step: number) { Counter.made++; }
      get value() { return this.n; }
      set value(v: number) { this.n = v; }
      bump = () => (this.n += this.step);
    }
    class Doubler extends Counter {
      constructor() { super(2); }
      override get value() { return super.value * 2; }
      override set value(v: number) { super.value = v; }
    }
    function* evens(limit: number) { for (let i = 0; i <= limit; i += 2) yield i; }
    const square = (x: number) => x * x;
    const pair = (a: number) => ({ a, b: square(a) });
    function run(): unknown[] {
      const out: unknown[] = [];
      outer: for (const row of [[1, 2, 3], [4, 5, 6], [7, 8, 9]]) {
        for (const x of row) {
          if (x % 2 === 0) continue outer;
          if (x > 7) break outer;
          out.push(x);
        }
      }
      const c = new Doubler();
      c.bump(); c.bump(); c.value = c.value + 1;
      out.push(c.value, Counter.made);
      for (const k in { p: 1, q: 2 }) out.push(k);
      let n = 0;
      do n++; while (n < 10);
      while (n < 20) { n += 3; }
      for (let i = 0; i < 3; i++) if (i === 1) continue; else out.push(i);
      out.push(n, [...evens(6)], [1, 2, 3].map(square), pair(4), [3, 1, 2].sort((a, b) => a - b));
      out.push(function named(this: unknown) { return typeof this; }());
      return out;
    }`;

  it('gives the same results as the uninstrumented logic', () => {
    const { hook } = load(`${logic}\nexport default { name: 'X', selectPath() { return run(); } };`);
    const plain = ts.transpileModule(`${logic}\nexport default run;`, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true },
    }).outputText;
    const exports: { default?: () => unknown[] } = {};
    new Function('exports', plain)(exports);
    const expected = exports.default!();
    expect(expected).toContain('undefined'); // the check itself ran: strict `this` of a plain call
    expect(hook('selectPath')).toEqual(expected);
  });
});
