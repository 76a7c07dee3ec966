import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { guardPage } from './page-guard';

// A lesson's plugin files in the editor: listed under "Files of this lesson", read-only as shipped;
// "Copy to my files" puts a copy in the learner's files and opens it, and Load runs that copy.

const SHIPPED = readFileSync('lessons/10-write-your-own-psp/lqd.ts', 'utf8');
const PLUGIN = /name: '([A-Z0-9_]+)'/.exec(SHIPPED)![1]; // LAB_PSP_LQD

test("a lesson's file is copied to the learner's files, opened and loaded", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page, baseURL);
  await page.goto('./');
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly');
  const pane = page.getByRole('complementary', { name: 'Lesson' });
  await pane.getByRole('button', { name: 'Write your own PSP' }).click();
  await expect(pane.getByRole('article', { name: 'Write your own PSP' })).toBeVisible();

  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  const list = editor.getByRole('navigation', { name: 'Plugin files' });
  const shipped = list.getByRole('list', { name: 'Files of this lesson' });
  await expect(shipped).toContainText('lqd.ts', { timeout: 30_000 });
  await expect(list).toContainText('None yet: copy one of the lesson\'s');

  await shipped.getByRole('button', { name: 'Copy lqd.ts to my files', exact: true }).click();
  const mine = list.getByRole('list', { name: 'My files' });
  await expect(mine.getByRole('button', { name: 'lqd.ts', exact: true })).toHaveAttribute('aria-current', 'true');
  await expect(editor.getByRole('status').first()).toContainText("lqd.ts copied from the lesson's, saved with the lab");
  await expect(page.locator('.monaco-editor .view-lines')).toContainText(PLUGIN);
  const saved = await page.evaluate(() => (window as unknown as { pathlab: { pluginFiles(): Promise<{ name: string; source: string }[]> } }).pathlab.pluginFiles());
  expect(saved).toEqual([{ name: 'lqd.ts', source: SHIPPED }]);

  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText(`${PLUGIN} (PSP) loaded`, { timeout: 30_000 });
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0);

  // Copying again when the copy is still the lesson's as shipped asks nothing and changes nothing.
  const copy = shipped.getByRole('button', { name: 'Copy lqd.ts to my files', exact: true });
  await copy.click();
  await expect(editor.getByRole('status').first()).toContainText("Your lqd.ts is already the lesson's, as shipped.");
  await expect(mine.getByRole('button')).toHaveCount(1);

  // Once the learner changed it, a copy asks first: no keeps theirs, yes replaces it.
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('// mine\n');
  await editor.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('lqd.ts saved with the lab.');
  const asked: string[] = [];
  page.once('dialog', (d) => void (asked.push(d.message()), d.dismiss()));
  await copy.click();
  await expect(editor.getByRole('status').first()).toContainText('Nothing copied: your lqd.ts is kept');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('// mine');
  page.once('dialog', (d) => void (asked.push(d.message()), d.accept()));
  await copy.click();
  await expect(editor.getByRole('status').first()).toContainText("lqd.ts replaced by the lesson's, saved with the lab");
  await expect(page.locator('.monaco-editor .view-lines')).not.toContainText('// mine');
  expect(asked).toEqual(["You already have a lqd.ts. Replace its code with the lesson's lqd.ts?", "You already have a lqd.ts. Replace its code with the lesson's lqd.ts?"]);
  expect(await page.evaluate(() => (window as unknown as { pathlab: { pluginFiles(): Promise<unknown[]> } }).pathlab.pluginFiles())).toEqual([{ name: 'lqd.ts', source: SHIPPED }]);
  guard.verifyClean();
});
