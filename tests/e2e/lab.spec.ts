import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLab, pspShown, ready, shot } from './lab-page';
import { chromium, test, expect, type Locator, type Page } from '@playwright/test';

// The sandbox lab as a learner keeps it: it survives a reload (IndexedDB), goes out as a file and
// comes back, refuses a file that is not a lab, and lessons are solved by typing at the console.

const ALUA0 = 'naa.600140500a1a00010000000000000000';
const SET_RR = `esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`;

const open = (page: Page, baseURL: string | undefined) => openLab(page, baseURL, { sandbox: true });


/** The text of the newest output block in the log. */
const lastOutput = (log: Locator) => log.locator('pre.output, pre.error').last().innerText();

test('a LUN written in the sandbox keeps its blocks, settings and console history across a reload', async ({ page, baseURL }) => {
  const lab = await open(page, baseURL);
  await lab.type('fio --name w --vm web01 --rw write --bs 4k --iodepth 4 --size 1m --runtime 200ms');
  const write = await lastOutput(lab.log);
  expect(write).toMatch(/errors: 0/);
  expect(Number(/io=([\d.]+)MiB/.exec(write)?.[1])).toBeGreaterThanOrEqual(1); // 200 ms covers all of the 1 MiB
  // Within this host session the job's stamps are known: reading them back verifies clean.
  await lab.type('fio --name r0 --vm web01 --rw read --bs 4k --iodepth 4 --size 1m --verify');
  const before = await lastOutput(lab.log);
  expect(before).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
  expect(before).toMatch(/errors: 0/);
  const stamped = Number(/verify: (\d+) blocks checked/.exec(before)![1]); // 1 MiB of 512-byte blocks
  await lab.type(SET_RR);
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_RR');

  await page.reload();
  await ready(page);

  // The setting and the history came back.
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_RR');
  await lab.console.click();
  await lab.console.press('ArrowUp');
  await expect(lab.console).toHaveValue(SET_RR);
  await lab.console.press('ArrowUp');
  await expect(lab.console).toHaveValue('fio --name r0 --vm web01 --rw read --bs 4k --iodepth 4 --size 1m --verify');
  await lab.console.fill('');

  // The blocks came back. The rebooted host's jobs do not know the old session's stamps, so they
  // expect zeros: every block written before the reload now "fails" verify, and the first bad
  // block carries a stamp of its own LBA with a write sequence number > 0 — the very data the
  // write job stamped before the reload, read back from IndexedDB. Zeros would pass.
  await lab.type('fio --name r --vm web01 --rw read --bs 4k --iodepth 4 --size 1m --verify');
  const after = await lastOutput(lab.log);
  expect(after).toMatch(/errors: 0/);
  const m = /verify: (\d+) blocks checked, (\d+) failed\n\s+first bad block: lba=(\d+), expected seq=0, found lba=(\d+) seq=(\d+)/.exec(after);
  expect(m, after).not.toBeNull();
  const [, checked, failed, lba, foundLba, seq] = m!.map(Number);
  expect(checked).toBe(stamped);
  expect(failed).toBe(stamped); // every block stamped before the reload, none read as zeros
  expect(foundLba).toBe(lba);
  expect(seq).toBeGreaterThan(0);
  // Space never written reads as zeros: a clean verify (db01's second disk, untouched).
  await lab.type('fio --name z --vm db01 --disk 1 --rw read --bs 4k --iodepth 4 --size 1m --verify');
  const zeros = await lastOutput(lab.log);
  expect(zeros).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
  expect(zeros).toMatch(/errors: 0/);
  await lab.verifyClean();
});

test('an exported lab, imported after a reset, brings its settings back', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  await lab.type(SET_RR);
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_RR');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export lab' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('pathlab-lab.json');
  const file = join(info.outputDir, 'pathlab-lab.json');
  await download.saveAs(file);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('blocks');

  // Reset asks first: dismissed, nothing changes.
  page.once('dialog', (d) => void d.dismiss());
  await page.getByRole('button', { name: 'Reset lab' }).click();
  await expect(page.getByRole('button', { name: 'Reset lab' })).toBeEnabled();
  expect(await pspShown(page, ALUA0)).toBe('VMW_PSP_RR');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Reset lab' }).click();
  await expect(lab.log).toContainText('Lab reset');
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_MRU');
  // The history went with it.
  await lab.console.press('ArrowUp');
  await expect(lab.console).toHaveValue('');

  await page.getByLabel('Lab file to import').setInputFiles(file);
  await expect(lab.log).toContainText('Lab imported from pathlab-lab.json');
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_RR');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await lab.console.press('ArrowUp');
  await expect(lab.console).toHaveValue(SET_RR);
  await lab.verifyClean();
});

test('a file that is not a lab is refused with a clear message and changes nothing', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  await lab.type(SET_RR);
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_RR');
  const importer = page.getByLabel('Lab file to import');
  const alert = page.getByRole('alert');

  await importer.setInputFiles({ name: 'notes.txt.json', mimeType: 'application/json', buffer: Buffer.from('this is not JSON') });
  await expect(alert).toContainText('notes.txt.json was refused, nothing changed');
  await expect(alert).toContainText('not JSON');
  expect(await pspShown(page, ALUA0)).toBe('VMW_PSP_RR');

  await importer.setInputFiles({ name: 'hello.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
  await expect(alert).toContainText('hello.json was refused, nothing changed');
  await expect(alert).toContainText('not a PathLab lab');
  await shot(page, info, 'import-refused');
  expect(await pspShown(page, ALUA0)).toBe('VMW_PSP_RR');
  await expect(lab.log).not.toContainText('Lab imported');
  await lab.console.press('ArrowUp');
  await expect(lab.console).toHaveValue(SET_RR);

  // And still so after a reload: the refused files did not reach the stored lab.
  await page.reload();
  await ready(page);
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_RR');
  await lab.verifyClean();
});

const lessonTitles = Object.fromEntries(
  readdirSync('lessons', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => [d.name, /^title:\s*(.+)$/m.exec(readFileSync(join('lessons', d.name, 'lesson.md'), 'utf8'))![1].replace(/^['"]|['"]$/g, '')]),
);

for (const [id, title] of Object.entries(lessonTitles)) {
  test(`a learner solves lesson ${id} by typing its solution at the console`, async ({ page, baseURL }, info) => {
    test.setTimeout(120_000);
    const lab = await open(page, baseURL);
    const pane = page.getByRole('complementary', { name: 'Lesson' });
    await pane.getByRole('button', { name: title }).click();
    const lesson = pane.getByRole('article', { name: title });
    await expect(lesson.getByRole('heading', { name: title })).toBeVisible();
    const goals = lesson.getByRole('listitem').filter({ hasText: /\((not )?met\)/ });
    const total = await goals.count();
    expect(total).toBeGreaterThan(0);
    await expect(goals.filter({ hasText: '(not met)' })).toHaveCount(total);

    // The solution's lines, as typed: `sleep` and `wait` move virtual time themselves, so no time
    // control is needed.
    const lines = readFileSync(join('lessons', id, 'solution.lab'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const line of lines) await lab.type(line);

    await expect(goals.filter({ hasText: '(met)' })).toHaveCount(total);
    await expect(goals.filter({ hasText: '(not met)' })).toHaveCount(0);
    await expect(lesson.getByRole('status')).toHaveText('Solved!');
    await expect(pane.getByRole('listitem').filter({ hasText: title })).toContainText('✓');
    await expect(pane.getByRole('listitem').filter({ hasText: title })).not.toContainText('with help');
    await shot(page, info, `lesson-${id.slice(0, 2)}-solved`);
    await lab.verifyClean();
  });
}

test('when the browser refuses to store more blocks the learner is told, and no write is acknowledged that was not kept', async ({ baseURL }, info) => {
  // A real quota, enforced by Chromium's storage layer. Test contexts are off the record, where
  // Chromium ignores a quota override; a profile on disk honours it.
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pathlab-quota-')), {
    ...info.project.use.launchOptions,
    baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const origin = new URL(baseURL!).origin;
  // Set before the lab opens its databases: Chromium reads an origin's quota when it opens them.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 256 * 1024 });
  const lab = await open(page, baseURL);
  await lab.type('fio --name fill --vm web01 --rw write --bs 64k --iodepth 4 --size 8m');
  const fill = await lastOutput(lab.log);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText("The browser's storage is full");
  await expect(alert).toContainText('storage quota exceeded');
  await shot(page, info, 'storage-full');
  // The job saw its writes fail (DATA PROTECT 27/07), not a silent success.
  const errors = Number(/errors: (\d+)/.exec(fill)?.[1]);
  expect(errors, fill).toBeGreaterThan(0);

  // Space again: once the store's backoff is over the next writes are kept and the message goes.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await page.waitForTimeout(1500);
  await lab.type('fio --name again --vm web01 --rw write --bs 4k --iodepth 4 --size 256k');
  expect(await lastOutput(lab.log)).toMatch(/errors: 0/);
  await expect(alert).toHaveCount(0);
  // Every block the job was told is written reads back as written.
  await lab.type('fio --name check --vm web01 --rw read --bs 4k --iodepth 4 --size 256k --verify');
  expect(await lastOutput(lab.log)).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
  await lab.verifyClean();
  await context.close();
});
