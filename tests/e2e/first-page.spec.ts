import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { guardPage } from './page-guard';
import { bootStack } from '../../src/stack/boot';
import type { ArrayInventory, Personality } from '../../src/stack/api';

// Expected text, written independently of the lab's own formatting code.
const personality: Record<Personality, string> = {
  'active-active': 'Active/active',
  'active-passive': 'Active/passive',
  alua: 'ALUA',
};

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.min(Math.floor(Math.log2(bytes) / 10), 5);
  return `${(bytes / 2 ** (10 * exp)).toFixed(1)} ${['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'][exp]}`;
}

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

test('the first page shows the engine and every LUN of the default scenario', async ({ page, baseURL }, testInfo) => {
  // The same scenario, booted in Node: the source of truth for what the page must show.
  const stack = await bootStack();
  const expected: ArrayInventory[] = await stack.inventory();
  expect(expected.length).toBeGreaterThan(0);

  const guard = guardPage(page, baseURL);

  await page.goto('./');
  await expect(page).toHaveTitle('PathLab');
  await expect(page.getByRole('heading', { level: 1, name: 'PathLab' })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly');
  // A first visit opens on lesson 01, its goals not met yet.
  const lesson = page.getByRole('complementary', { name: 'Lesson' }).getByRole('article', { name: 'The life of an I/O' });
  await expect(lesson.getByRole('heading', { name: 'The life of an I/O' })).toBeVisible();
  await expect(lesson.getByRole('listitem').filter({ hasText: '(not met)' }).first()).toBeVisible();

  // The inventory read through SCSI commands is the workbench's Arrays tab.
  await page.getByRole('tab', { name: 'Arrays', exact: true }).click();
  const arrays = page.getByRole('tabpanel');

  for (const array of expected) {
    const section = arrays.getByRole('region', { name: array.name, exact: true });
    await expect(section.getByRole('heading', { level: 2, name: array.name, exact: true })).toBeVisible();
    await expect(section).toContainText(`Personality: ${personality[array.personality]}`);

    const table = section.getByRole('table', { name: `LUNs of ${array.name}` });
    await expect(table.getByRole('columnheader')).toHaveText(['LUN', 'Vendor', 'Product', 'Revision', 'Device', 'Capacity']);
    const rows = table.locator('tbody tr');
    await expect(rows).toHaveCount(array.luns.length);
    for (const [i, lun] of array.luns.entries()) {
      // The local disk reports no LU designator; every array LUN has an NAA 6 id.
      expect(lun.naa).toMatch(array.name === 'local-disk' ? /^$/ : /^naa\.6[0-9a-f]{31}$/);
      expect(lun.capacityBytes).toBe(lun.blocks * lun.blockSize);
      await expect(rows.nth(i).getByRole('cell')).toHaveText([
        String(lun.lun),
        lun.vendor,
        lun.product,
        lun.revision,
        lun.naa || 'none in VPD 0x83 (the host names it mpx.)',
        `${human(lun.capacityBytes)} (${grouped(lun.blocks)} blocks of ${grouped(lun.blockSize)} B)`,
      ]);
    }
  }
  await expect(arrays.getByRole('region')).toHaveCount(expected.length);
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'first-page.png'), fullPage: true });

  // The worker and its .wasm modules came from the page's own origin, and nothing else was asked for.
  expect(guard.requests.some((u) => u.endsWith('.wasm'))).toBe(true);
  guard.verifyClean();
});
