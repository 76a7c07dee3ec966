import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { test, expect, type Page } from '@playwright/test';
import { guardPage } from './page-guard';

// The plugin editor: Monaco loads only when the editor opens, TypeScript's errors show while
// typing and stop a load, the stack's own refusals become markers, the templates load, and a share
// link opens its code in an unsaved file that nothing saves or runs until the learner presses Load.

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

test('the three templates type-check and the stack loads each of them', async ({ page, baseURL }) => {
  const guard = guardPage(page, baseURL);
  await page.goto('./');
  await ready(page);
  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  for (const [button, name, role] of [['New PSP', 'LAB_PSP_LQD', 'PSP'], ['New SATP', 'LAB_SATP_EXAMPLE', 'SATP'], ['New MPP', 'LAB_MPP_EXAMPLE', 'MPP']]) {
    await editor.getByRole('button', { name: button, exact: true }).click();
    await expect(page.locator('.monaco-editor .view-lines')).toContainText(name);
    await editor.getByRole('button', { name: 'Load', exact: true }).click();
    await expect(editor.getByRole('status').first()).toContainText(`${name} (${role}) loaded from`, { timeout: 30_000 });
    await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0);
  }
  guard.verifyClean();
});

test("the stack's refusal shows as markers at its lines and in the console", async ({ page, baseURL }) => {
  const guard = guardPage(page, baseURL);
  await page.goto('./');
  await ready(page);
  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  await editor.getByRole('button', { name: 'New PSP', exact: true }).click();
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // Valid TypeScript that the stack refuses: a plugin must not stop the stack in a debugger.
  await page.keyboard.insertText(
    ["import type { PspModule } from 'pathlab';", 'export default {', "  name: 'LAB_PSP_DEBUG',", '  selectPath(io, paths) {', '    debugger;', '    return paths[0];', '  },', '} satisfies PspModule;', ''].join('\n'),
  );
  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('nothing loaded', { timeout: 30_000 });
  await expect(editor.getByRole('list', { name: 'Errors' })).toContainText(/Line 5:\d+ debugger is not allowed/);
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  await expect(page.getByRole('log')).toContainText('debugger is not allowed');
  const loaded = await page.evaluate(() => (window as unknown as { pathlab: { plugins(): Promise<{ name: string }[]> } }).pathlab.plugins());
  expect(loaded.map((p) => p.name)).not.toContain('LAB_PSP_DEBUG');
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
  const files = await page.evaluate(() => (window as unknown as { pathlab: { pluginFiles(): Promise<unknown[]> } }).pathlab.pluginFiles());
  expect(files).toEqual([]);

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
  expect(await page.evaluate(() => (window as unknown as { pathlab: { plugins(): Promise<unknown[]> } }).pathlab.plugins())).toEqual([]);

  // Only Load runs it.
  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('LAB_PSP_FIRST (PSP) loaded from first.ts');
  expect(await calls()).toContain('loadPlugin');
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
