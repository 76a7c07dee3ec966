// Opening the lab as a learner does, for the browser specs: the page up (WebAssembly engine, the
// topology drawn, the lessons listed), optionally on the sandbox, with a console that types one
// line at a time and waits until the page has run it.

import { join } from 'node:path';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { guardPage } from './page-guard';

/** Waits until the stack is up and the workbench drawn. */
export async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly');
  await expect(page.getByRole('button', { name: 'Adapter vmhba1' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Lesson' }).getByRole('button', { name: 'The life of an I/O' })).toBeVisible();
}

/**
 * Opens the page, recording requests and errors (call verifyClean at the end). A first visit opens
 * lesson 01; with `sandbox` the lab moves to the sandbox first.
 */
export async function openLab(page: Page, baseURL: string | undefined, options: { sandbox?: boolean } = {}) {
  const guard = guardPage(page, baseURL);
  await page.goto('./');
  await ready(page);
  if (options.sandbox) {
    const pane = page.getByRole('complementary', { name: 'Lesson' });
    await pane.getByRole('button', { name: 'Sandbox' }).click();
    await expect(pane).toContainText('Sandbox: no lesson is open');
  }
  const input = page.getByRole('textbox', { name: 'Console', exact: true });
  const log = page.getByRole('log');
  const section = page.getByRole('region', { name: 'Console output and input' });
  return {
    console: input,
    log,
    /** Types one line at the console and waits until the page has run it (input cleared, line echoed, not busy). */
    async type(line: string) {
      const echoed = log.locator('pre.command', { hasText: `# ${line}` });
      const before = await echoed.count();
      await input.fill(line);
      await input.press('Enter');
      await expect(input).toHaveValue('');
      await expect(echoed).toHaveCount(before + 1);
      await expect(section).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
    },
    /** The text of the newest output block in the log. */
    lastOutput: () => log.locator('pre.output, pre.error').last().innerText(),
    /** Nothing left the origin or the sub-path, and nothing reached the browser console as an error. */
    verifyClean: () => guard.verifyClean(),
  };
}

/** A screenshot of the whole page, kept with the test output. */
export const shot = (page: Page, info: TestInfo, name: string) =>
  page.screenshot({ path: join(info.project.outputDir, 'screenshots', `${name}.png`), fullPage: true });

/** The PSP the Devices tab shows for `device`. */
export async function pspShown(page: Page, device: string): Promise<string> {
  await page.getByRole('tab', { name: 'Devices', exact: true }).click();
  return page
    .getByRole('tabpanel')
    .locator('tbody tr')
    .filter({ has: page.locator('td', { hasText: new RegExp(`^${device}$`) }) })
    .locator('td[data-column="PSP"]')
    .innerText();
}
