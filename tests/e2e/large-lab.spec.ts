// The large lab (?scenario=large: 256 devices, 1024 paths) opens in the page, its Paths and
// Devices tabs hold every path and device (the long tables draw only the rows in view, so the
// count is the table's aria-rowcount, and the first and last rows are checked by scrolling), and
// the console answers about it. How smooth the page stays is measured by `npm run bench`
// (ui_frame_max_ms_large), not asserted here.

import { test, expect, type Locator } from '@playwright/test';
import { Host } from '../../src/stack/host';
import { largeScenario } from '../../src/stack/scenario/large';
import { snapshot } from '../../src/stack/workbench/snapshot';
import { guardPage } from './page-guard';

/** The row of a windowed table at 1-based aria-rowindex `index` (the header is 1), scrolled into view. */
async function rowAt(table: Locator, index: number): Promise<Locator> {
  const box = table.locator('xpath=..');
  await box.evaluate((el, index) => {
    const rowHeight = el.querySelector('tbody tr[aria-rowindex]')!.getBoundingClientRect().height;
    el.scrollTop = (index - 2) * rowHeight;
  }, index);
  const row = table.locator(`tbody tr[aria-rowindex="${index}"]`);
  await expect(row).toBeVisible();
  return row;
}

test('the large lab opens, every path and device is in its tab, and the console answers', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  // The same scenario booted in Node: what the page must show.
  const host = await Host.boot({ scenario: largeScenario(), store: 'memory' });
  const expected = snapshot(host, []);
  host.close();
  expect(expected.paths).toHaveLength(1024);
  expect(expected.devices).toHaveLength(256);

  const guard = guardPage(page, baseURL);
  await page.goto('./?scenario=large');
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly', { timeout: 30_000 });
  await expect(page.getByRole('complementary', { name: 'Lesson' })).toContainText('Sandbox: no lesson is open');
  // The topology draws every array, every LUN and every path.
  const topology = page.getByRole('region', { name: 'Topology' });
  for (const array of expected.topology.arrays) await expect(topology.getByRole('button', { name: `Array ${array.name}`, exact: true })).toBeVisible();
  await expect(topology.getByRole('button', { name: /^LUN \d+ of array\d+$/ })).toHaveCount(256);
  await expect(topology.locator('line.path')).toHaveCount(1024);

  // Paths: 1024 rows (and the header), the first and the last as the stack lists them.
  const paths = page.getByRole('table', { name: 'esxcli storage core path list' });
  await expect(paths).toHaveAttribute('aria-rowcount', '1025');
  await expect(paths.locator('caption')).toContainText('1024 rows');
  for (const [i, p] of [[0, expected.paths[0]], [1023, expected.paths[1023]]] as const) {
    const cells = (await rowAt(paths, i + 2)).getByRole('cell');
    await expect(cells.nth(0)).toHaveText(p.name);
    await expect(cells.nth(1)).toHaveText(p.device!);
  }
  // Only the rows in view are drawn: a thousand rows at once would stall the page.
  expect(await paths.locator('tbody tr[aria-rowindex]').count()).toBeLessThan(200);

  // Devices: 256 rows, the last one's SATP as the stack chose it.
  await page.getByRole('tab', { name: 'Devices', exact: true }).click();
  const devices = page.getByRole('table', { name: 'esxcli storage nmp device list' });
  await expect(devices).toHaveAttribute('aria-rowcount', '257');
  const last = expected.devices[255];
  const cells = (await rowAt(devices, 257)).getByRole('cell');
  await expect(cells.nth(0)).toHaveText(last.id);
  await expect(cells.nth(1)).toHaveText(last.satp);

  // The console answers about the large lab's devices.
  const input = page.getByRole('textbox', { name: 'Console', exact: true });
  await input.fill(`esxcli storage core path list -d ${last.id}`);
  await input.press('Enter');
  const output = page.getByRole('log').locator('pre.output').last();
  await expect(output).toContainText(`Device: ${last.id}`);
  expect((await output.innerText()).match(/Runtime Name: vmhba\d:C0:T\d+:L63/g)).toHaveLength(4);
  await expect(page.getByRole('alert')).toHaveCount(0);
  guard.verifyClean();
});

test('an unknown scenario in the address is refused with the names of those there are', async ({ page }) => {
  await page.goto('./?scenario=huge');
  await expect(page.getByRole('alert')).toContainText('no built-in scenario "huge" (there are: classroom, large)');
  await expect(page.getByRole('banner')).toContainText('Engine: not running');
});
