import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { test, expect, type Page } from '@playwright/test';
import { guardPage } from './page-guard';

// The plugin editor, as far as it works without the stack's compiler: Monaco loads only when the
// editor opens, TypeScript's errors show while typing and stop a load, the stack's refusals become
// markers (a stand-in answers loadPlugin there), and a share link opens its code in an unsaved file
// without saving or loading anything.

/** Files that only the editor needs (Monaco, its workers, its font, the editor component). */
const EDITOR_FILE = /\/assets\/(editor\.api|PluginEditor|tsMode|typescript|editor\.worker|ts\.worker|codicon)-[^/]*$/;

/** A share fragment made here with Node's zlib, independently of the page's encoder. */
const fragment = (value: unknown) => `#plugin=${deflateRawSync(Buffer.from(JSON.stringify(value))).toString('base64url')}`;

async function ready(page: Page) {
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly');
  await expect(page.getByRole('button', { name: 'Plugins', exact: true })).toBeVisible();
}

/** Monaco's editable area (a textarea or an EditContext element), labelled for screen readers. */
const source = (page: Page) => page.getByRole('region', { name: 'Plugin editor' }).getByRole('textbox', { name: 'Plugin source' });

/** Puts the caret in Monaco (its input element is a 1-pixel one: click the text instead). */
async function focusEditor(page: Page) {
  await page.locator('.monaco-editor .view-lines').click();
  await expect(source(page)).toBeFocused();
}

/** Records every call of these worker-API methods the page makes (window.pathlab is the page's API). */
async function spyOnApi(page: Page, methods: string[]) {
  await page.addInitScript((names) => {
    const w = window as unknown as Record<string, unknown> & { __apiCalls: string[] };
    w.__apiCalls = [];
    let api: Record<string, (...a: unknown[]) => unknown> | undefined;
    Object.defineProperty(window, 'pathlab', {
      configurable: true,
      get: () => api,
      set(value) {
        api = value;
        for (const name of names) {
          const original = value[name];
          value[name] = (...args: unknown[]) => (w.__apiCalls.push(name), original(...args));
        }
      },
    });
  }, methods);
  return () => page.evaluate(() => (window as unknown as { __apiCalls: string[] }).__apiCalls);
}

/** Replaces the worker's loadPlugin with one that always answers `result` (and counts its calls). */
async function standInLoad(page: Page, result: unknown) {
  await page.addInitScript((answer) => {
    const w = window as unknown as { __loads: number };
    w.__loads = 0;
    let api: Record<string, unknown> | undefined;
    Object.defineProperty(window, 'pathlab', {
      configurable: true,
      get: () => api,
      set(value) {
        api = value;
        value.loadPlugin = async () => {
          w.__loads++;
          return answer;
        };
      },
    });
  }, result);
}

test('the built entry and its static imports hold no Monaco', () => {
  const dist = join(process.cwd(), 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.\/([^"]+)"/.exec(html)?.[1];
  expect(entry).toBeTruthy();
  const seen = new Set<string>();
  const todo = [entry!, ...[...html.matchAll(/<link rel="modulepreload"[^>]*href="\.\/([^"]+)"/g)].map((m) => m[1])];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    expect(code, file).not.toContain('MonacoEnvironment');
    expect(code, file).not.toMatch(/monaco-editor|vs\/editor/);
    // Static imports only: import … from "./x.js" and import "./x.js" (not import("./x.js")).
    for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) todo.push(`assets/${m[1]}`);
  }
  expect([...seen].filter((f) => EDITOR_FILE.test(`/${f}`))).toEqual([]);
});

test('the first screen loads no Monaco; opening the editor does', async ({ page, baseURL }) => {
  const guard = guardPage(page, baseURL);
  await page.goto('./');
  await ready(page);
  await page.waitForLoadState('networkidle');
  expect(guard.requests.filter((u) => EDITOR_FILE.test(new URL(u).pathname))).toEqual([]);
  await expect(page.getByRole('region', { name: 'Plugin editor' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  await expect(editor).toBeVisible();
  for (const name of ['New PSP', 'New SATP', 'New MPP', 'Save', 'Load', 'Share']) {
    await expect(editor.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await expect.poll(() => guard.requests.some((u) => /\/editor\.api-/.test(u))).toBe(true);
  await expect(page.getByRole('button', { name: 'Plugins', exact: true })).toHaveAttribute('aria-expanded', 'true');
  guard.verifyClean();
});

test('a type error shows as a squiggle while typing and stops Load', async ({ page, baseURL }) => {
  const guard = guardPage(page, baseURL);
  page.on('dialog', (d) => void d.dismiss());
  await page.goto('./');
  await ready(page);
  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  await editor.getByRole('button', { name: 'New PSP', exact: true }).click();
  await expect(editor.getByRole('navigation', { name: 'Plugin files' }).getByRole('button', { name: /lqd-psp\.ts/ })).toHaveAttribute('aria-current', 'true');
  // The template itself type-checks: no squiggle once TypeScript has looked at it.
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('LAB_PSP_LQD');

  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(
    [
      "import type { PspModule } from 'pathlab';",
      'export default {',
      "  name: 'LAB_PSP_BAD',",
      '  selectPath(io, paths, device) {',
      '    return paths.length;',
      '  },',
      '} satisfies PspModule;',
      '',
    ].join('\n'),
  );
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible({ timeout: 30_000 });
  // Hover docs come from the contract's JSDoc, so the API module resolves: only the one error.
  const markers = page.locator('.monaco-editor .squiggly-error');
  await expect(markers).toHaveCount(1);

  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('Fix the 1 error first');
  await expect(editor.getByRole('list', { name: 'Errors' })).toContainText("Type 'number' is not assignable to type 'Path'");
  await expect(page.getByRole('log')).toContainText('plugin load lqd-psp.ts: Fix the 1 error first');

  // Hover docs come from the contract's JSDoc.
  // (The token's span starts with the line's indentation: hover near its end, over the name.)
  const method = page.locator('.view-line span span', { hasText: /^\s*selectPath$/ }).first();
  const box = (await method.boundingBox())!;
  await method.hover({ position: { x: box.width - 6, y: box.height / 2 } });
  await expect(page.locator('.monaco-hover').filter({ hasText: 'Called on every command' }).first()).toBeVisible();
  guard.verifyClean();
});

test('the three templates type-check: Load does not refuse them', async ({ page, baseURL }) => {
  const guard = guardPage(page, baseURL);
  await standInLoad(page, { ok: true, plugin: 'X', role: 'psp', errors: [], message: 'stand-in: loaded' });
  await page.goto('./');
  await ready(page);
  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  for (const [button, name] of [['New PSP', 'LAB_PSP_LQD'], ['New SATP', 'LAB_SATP_EXAMPLE'], ['New MPP', 'LAB_MPP_EXAMPLE']]) {
    await editor.getByRole('button', { name: button, exact: true }).click();
    await expect(page.locator('.monaco-editor .view-lines')).toContainText(name);
    await editor.getByRole('button', { name: 'Load', exact: true }).click();
    await expect(editor.getByRole('status').first()).toHaveText('stand-in: loaded');
    await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0);
  }
  expect(await page.evaluate(() => (window as unknown as { __loads: number }).__loads)).toBe(3);
  guard.verifyClean();
});

test("the stack's refusal shows as markers at its lines and in the console", async ({ page, baseURL }) => {
  const guard = guardPage(page, baseURL);
  await standInLoad(page, {
    ok: false,
    errors: [{ line: 3, column: 1, message: 'stand-in: the stack refused this line' }],
    message: 'lqd-psp.ts was not loaded: 1 error',
  });
  await page.goto('./');
  await ready(page);
  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  await editor.getByRole('button', { name: 'New PSP', exact: true }).click();
  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toHaveText('lqd-psp.ts was not loaded: 1 error');
  await expect(editor.getByRole('list', { name: 'Errors' })).toContainText('Line 3:1 stand-in: the stack refused this line');
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  await expect(page.getByRole('log')).toContainText('lqd-psp.ts:3:1 stand-in: the stack refused this line');
  guard.verifyClean();
});

test('a share link opens its code in an unsaved file and saves or loads nothing', async ({ page, baseURL }) => {
  const calls = await spyOnApi(page, ['savePluginFile', 'loadPlugin', 'deletePluginFile']);
  const guard = guardPage(page, baseURL);
  const code = "import type { PspModule } from 'pathlab';\n// shared with a friend\nexport default { name: 'LAB_PSP_FIRST', selectPath: (_io, paths) => paths[0] } satisfies PspModule;\n";
  await page.goto(`./${fragment({ name: 'first.ts', source: code })}`);
  await ready(page);
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  await expect(editor).toBeVisible();
  await expect(editor.getByRole('note')).toContainText('Code from a link: it runs only when you press Load');
  await expect(editor.getByRole('navigation', { name: 'Plugin files' })).toContainText('first.ts');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('shared with a friend');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('LAB_PSP_FIRST');

  // Typing in it does not save it either (no autosave for code from a link).
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('// edited\n');
  await page.waitForTimeout(1500);
  expect(await calls()).toEqual([]);
  const files = await page.evaluate(() =>
    (window as unknown as { pathlab: { pluginFiles(): Promise<unknown[]> } }).pathlab.pluginFiles().then(
      (list) => ({ list }),
      (e: Error) => ({ unavailable: e.message }),
    ),
  );
  if ('list' in files) expect(files.list).toEqual([]);
  else test.info().annotations.push({ type: 'note', description: `pluginFiles is not in the worker yet: ${files.unavailable}` });

  // Share gives a link (in a read-only field when the clipboard is not there) that decodes the same.
  await editor.getByRole('button', { name: 'Share', exact: true }).click();
  const link = await editor.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toContain('#plugin=');
  const round = JSON.parse(
    (await import('node:zlib')).inflateRawSync(Buffer.from(link.split('#plugin=')[1], 'base64url')).toString('utf8'),
  ) as { name: string; source: string };
  expect(round.name).toBe('first.ts');
  expect(round.source).toContain('// edited');
  expect(await calls()).toEqual([]);
  guard.verifyClean();
});

test('a broken share link says so and opens nothing', async ({ page, baseURL }) => {
  const guard = guardPage(page, baseURL);
  await page.goto('./#plugin=not-a-real-link');
  await ready(page);
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  await expect(editor.getByRole('alert')).toContainText('This share link cannot be read');
  await expect(editor.getByRole('note')).toHaveCount(0);
  await page.goto(`./${fragment({ name: '../../evil.js', source: 'x' })}`);
  await ready(page);
  await expect(editor.getByRole('alert')).toContainText('is not a plugin file name');
  guard.verifyClean();
});
