import { test, expect, type Page } from '@playwright/test';
import { openLab, ready, shot } from './lab-page';

// A learner writes a PSP in the page: types it, sees TypeScript's error, fixes it, loads it into
// the running stack while I/O runs and watches it balance the device's paths. A PSP that never
// returns can't freeze the page: the stack stops it, says where, and the device falls back.

const AA0 = 'naa.600140500aaa00030000000000000000'; // db01's disk 1 on the A/A array, two paths
const AA_PATHS = ['vmhba1:C0:T3:L0', 'vmhba2:C0:T3:L0'];

async function openEditor(page: Page) {
  await page.getByRole('button', { name: 'Plugins', exact: true }).click();
  const editor = page.getByRole('region', { name: 'Plugin editor' });
  await expect(editor.getByRole('button', { name: 'New PSP', exact: true })).toBeVisible({ timeout: 30_000 });
  return editor;
}

/** Replaces the editor's text as typed (Monaco's own input, not a test hook). */
async function typeSource(page: Page, lines: string[]) {
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(lines.join('\n'));
}

/** Commands completed per path, as the Paths tab shows them. */
async function pathCommands(page: Page): Promise<Record<string, number>> {
  await page.getByRole('tab', { name: 'Paths', exact: true }).click();
  const rows = page.getByRole('tabpanel').locator('tbody tr');
  const out: Record<string, number> = {};
  for (const name of AA_PATHS) {
    const row = rows.filter({ has: page.locator('td', { hasText: new RegExp(`^${name}$`) }) });
    out[name] = Number(await row.locator('td[data-column="Commands"]').innerText());
  }
  return out;
}

const LQD = [
  "import type { PspModule } from 'pathlab';",
  '',
  '// Least queue depth: the usable path with the fewest commands in flight.',
  'export default {',
  "  name: 'LAB_PSP_MINE',",
  '  selectPath(io, paths) {',
  '    let best = paths[0];',
  '    for (const p of paths) if (p.outstanding < best.outstanding) best = p;',
  '    return best;',
  '  },',
  '} satisfies PspModule;',
  '',
];

test('a learner types a least-queue-depth PSP, fixes its type error, loads it while I/O runs and sees it balance', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const lab = await openLab(page, baseURL, { sandbox: true });
  const editor = await openEditor(page);
  await editor.getByRole('button', { name: 'New PSP', exact: true }).click();
  // First try: returns the path's name, not the path. TypeScript says so before anything runs.
  await typeSource(page, LQD.map((l) => l.replace('return best;', 'return best.name;')));
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1, { timeout: 30_000 });
  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('Fix the 1 error first');
  await shot(page, info, 'plugin-type-error');

  await typeSource(page, LQD);
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0, { timeout: 30_000 });

  // I/O runs (under the device's default PSP, Fixed: one path) while the plugin loads.
  await lab.type('fio --name bg --vm db01 --disk 1 --rw randread --bs 4k --iodepth 16 --runtime 60s &');
  await page.getByRole('button', { name: '1x', exact: true }).click();
  await expect.poll(async () => Object.values(await pathCommands(page)).reduce((a, b) => a + b, 0), { timeout: 15_000 }).toBeGreaterThan(200);
  const fixed = await pathCommands(page);
  expect(Math.min(...Object.values(fixed))).toBe(0); // Fixed: every command on the preferred path

  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('LAB_PSP_MINE (PSP) loaded from');
  await expect(lab.log).toContainText('LAB_PSP_MINE (PSP) loaded from');
  await lab.type(`esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_MINE`);

  // Both paths now carry the device's I/O, nearly evenly.
  await expect
    .poll(
      async () => {
        const now = await pathCommands(page);
        const delta = AA_PATHS.map((p) => now[p] - fixed[p]);
        return Math.min(...delta) > 300 && Math.min(...delta) / Math.max(...delta) > 0.8;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('tab', { name: 'Devices', exact: true }).click();
  await expect(page.getByRole('tabpanel').locator('tbody tr').filter({ hasText: AA0 }).locator('td[data-column="PSP"]')).toHaveText('LAB_PSP_MINE');
  await shot(page, info, 'plugin-balanced');
  lab.verifyClean();
});

test('an endless loop in a PSP leaves the page responsive, names the plugin, hook and line, and the device falls back', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const lab = await openLab(page, baseURL, { sandbox: true });
  const editor = await openEditor(page);
  await editor.getByRole('button', { name: 'New PSP', exact: true }).click();
  await typeSource(page, [
    "import type { PspModule } from 'pathlab';",
    'export default {',
    "  name: 'LAB_PSP_SPIN',",
    '  selectPath(io, paths) {',
    '    let spins = 0;',
    '    while (paths.length > 0) {',
    '      spins++;',
    '    }',
    '    return paths[spins % paths.length];',
    '  },',
    '} satisfies PspModule;',
    '',
  ]);
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0, { timeout: 30_000 });
  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('LAB_PSP_SPIN (PSP) loaded');
  await lab.type(`esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_SPIN`);
  await lab.type('fio --name bg --vm db01 --disk 1 --rw randwrite --bs 4k --iodepth 8 --runtime 100ms &');

  const started = Date.now();
  await page.getByRole('button', { name: 'Max', exact: true }).click();
  const alert = page.getByRole('alert', { name: 'Plugin faults' });
  await expect(alert).toContainText('LAB_PSP_SPIN', { timeout: 2_000 });
  expect(Date.now() - started).toBeLessThan(2_000);
  await expect(alert).toContainText('selectPath ran for more than 50 ms (an endless loop?) at line 6');
  await expect(alert).toContainText('its devices are back on their default PSP');

  // The page answers at once, and the stack runs on under the default PSP.
  const frame = await page.evaluate(() => new Promise<number>((done) => { const t = performance.now(); requestAnimationFrame(() => done(performance.now() - t)); }));
  expect(frame).toBeLessThan(500);
  await page.getByRole('tab', { name: 'Devices', exact: true }).click();
  await expect(page.getByRole('tabpanel').locator('tbody tr').filter({ hasText: AA0 }).locator('td[data-column="PSP"]')).toHaveText('VMW_PSP_FIXED');
  await expect(editor.getByRole('list', { name: 'Loaded plugins' }).or(editor)).toContainText('disabled');
  await shot(page, info, 'plugin-endless-loop');
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await lab.type('wait');
  const summary = await lab.log.locator('pre.output, pre.error').last().innerText();
  expect(summary).toMatch(/errors: 0/);
  lab.verifyClean();
});

test('a PSP stuck where the guard cannot reach (a runaway regular expression) gets the stack restarted without it', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const lab = await openLab(page, baseURL, { sandbox: true });
  const editor = await openEditor(page);
  await editor.getByRole('button', { name: 'New PSP', exact: true }).click();
  await typeSource(page, [
    "import type { PspModule } from 'pathlab';",
    'export default {',
    "  name: 'LAB_PSP_REGEX',",
    '  selectPath(io, paths) {',
    "    // One call into the regular-expression engine: no loop of the plugin's own to guard.",
    "    const odd = /^(a+)+$/.test('a'.repeat(40) + '!');",
    '    return paths[odd ? 1 : 0];',
    '  },',
    '} satisfies PspModule;',
    '',
  ]);
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(0, { timeout: 30_000 });
  await editor.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(editor.getByRole('status').first()).toContainText('LAB_PSP_REGEX (PSP) loaded');
  await lab.type(`esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_REGEX`);

  // The next command hangs the stack's thread; the page stays responsive, its watchdog restarts
  // the stack from the lab as saved, without the plugin, and says why.
  const input = page.getByRole('textbox', { name: 'Console', exact: true });
  await input.fill('fio --name stuck --vm db01 --disk 1 --rw randread --bs 4k --iodepth 4 --size 64k');
  await input.press('Enter');
  const frame = await page.evaluate(() => new Promise<number>((done) => { const t = performance.now(); requestAnimationFrame(() => done(performance.now() - t)); }));
  expect(frame).toBeLessThan(500);
  const alert = page.getByRole('alert', { name: 'Plugin faults' });
  await expect(alert).toContainText('was not loaded again: the stack stopped answering', { timeout: 20_000 });
  await expect(alert).toContainText('lqd-psp.ts');
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly');
  await shot(page, info, 'plugin-stack-restarted');

  // The lab came back as saved, the device on its default PSP, and the stack runs.
  await page.getByRole('tab', { name: 'Devices', exact: true }).click();
  await expect(page.getByRole('tabpanel').locator('tbody tr').filter({ hasText: AA0 }).locator('td[data-column="PSP"]')).toHaveText('VMW_PSP_FIXED');
  await lab.type('fio --name after --vm db01 --disk 1 --rw randread --bs 4k --iodepth 4 --size 64k');
  expect(await lab.lastOutput()).toMatch(/errors: 0/);
  // The file is still the learner's, to fix.
  const files = await page.evaluate(() => (window as unknown as { pathlab: { pluginFiles(): Promise<{ name: string }[]> } }).pathlab.pluginFiles());
  expect(files.map((f) => f.name)).toContain('lqd-psp.ts');
  lab.verifyClean();
});

test('a plugin that hangs the stack as the lab starts gets the lab started without it', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const lab = await openLab(page, baseURL, { sandbox: true });
  const saveFile = (source: string) =>
    page.evaluate(
      (file) => (window as unknown as { pathlab: { savePluginFile(f: { name: string; source: string }): Promise<void> } }).pathlab.savePluginFile(file),
      { name: 'boot-psp.ts', source },
    );
  const psp = (topLevel: string[]) => [
    "import type { PspModule } from 'pathlab';",
    ...topLevel,
    'export default {',
    "  name: 'LAB_PSP_BOOT',",
    '  selectPath(io, paths) {',
    '    return paths[0];',
    '  },',
    '} satisfies PspModule;',
    '',
  ].join('\n');

  // Loaded: the lab keeps it as loaded, and loads it again whenever the lab starts.
  await saveFile(psp([]));
  await lab.type('plugin load boot-psp.ts');
  await expect(lab.log).toContainText('LAB_PSP_BOOT (PSP) loaded from boot-psp.ts');
  // Then changed and saved, not loaded: its top level now hangs in the regular-expression engine
  // (one call, no loop of the plugin's own for the guard to stop), the next time the lab starts.
  await saveFile(psp(["const stuck = /^(a+)+$/.test('a'.repeat(40) + '!');", 'if (stuck) throw new Error(String(stuck));']));

  // The page's watchdog runs from the stack's creation: the boot stalls, and the page starts the
  // lab again without the plugin and says why.
  await page.reload();
  const alert = page.getByRole('alert', { name: 'Plugin faults' });
  await expect(alert).toContainText('boot-psp.ts was not loaded again: the stack stopped answering', { timeout: 60_000 });
  await expect(alert).toContainText('while the lab started with it loaded');
  await ready(page);
  await shot(page, info, 'plugin-boot-stall-restarted');

  // The lab runs, without the plugin; the file is still the learner's, to fix.
  await lab.type('plugin list');
  expect(await lab.lastOutput()).not.toMatch(/LAB_PSP_BOOT\s+PSP\s+boot-psp\.ts\s+loaded/);
  await lab.type('fio --name after --vm db01 --disk 1 --rw randread --bs 4k --iodepth 4 --size 64k');
  expect(await lab.lastOutput()).toMatch(/errors: 0/);
  const files = await page.evaluate(() => (window as unknown as { pathlab: { pluginFiles(): Promise<{ name: string }[]> } }).pathlab.pluginFiles());
  expect(files.map((f) => f.name)).toContain('boot-psp.ts');
  lab.verifyClean();
});
