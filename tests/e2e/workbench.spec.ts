import { test, expect, type Page } from '@playwright/test';
import { openLab, shot } from './lab-page';

// The workbench, driven the way a learner drives it: the console, the tabs, the topology and the
// time controls, against the built page in a real Chromium.

const ALUA0 = 'naa.600140500a1a00010000000000000000';

const open = (page: Page, baseURL: string | undefined) => openLab(page, baseURL);

async function tab(page: Page, name: string) {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
  return page.getByRole('tabpanel');
}

/** The text of one column of the table in the tab panel, for the rows whose first cell matches. */
async function column(page: Page, header: string, first: RegExp): Promise<string[]> {
  return page.getByRole('tabpanel').locator('tbody tr').evaluateAll(
    (rows, [header, source]) => {
      const re = new RegExp(source as string);
      return rows
        .filter((r) => re.test(r.querySelector('td')?.textContent ?? ''))
        .map((r) => r.querySelector(`td[data-column="${header}"]`)?.textContent?.trim() ?? '');
    },
    [header, first.source],
  );
}

test('the console runs esxcli, recalls history and completes words', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  await lab.console.fill('esxcli storage core path list');
  await lab.console.press('Enter');
  await expect(lab.log).toContainText('# esxcli storage core path list');
  await expect(lab.log).toContainText('Runtime Name: vmhba1:C0:T0:L0');
  await expect(lab.log).toContainText(`Device: ${ALUA0}`);
  await expect(lab.console).toHaveValue('');

  await lab.console.press('ArrowUp');
  await expect(lab.console).toHaveValue('esxcli storage core path list');
  await lab.console.press('ArrowDown');
  await expect(lab.console).toHaveValue('');

  await lab.console.fill('esxcli stor');
  await lab.console.press('Tab');
  await expect(lab.console).toHaveValue('esxcli storage ');
  await expect(lab.console).toBeFocused();
  await lab.console.fill('esxcli storage nmp device list -d naa.600140500aa');
  await lab.console.press('Tab');
  await expect(lab.console).toHaveValue('esxcli storage nmp device list -d naa.600140500aaa0003000000000000000');

  // A bad line shows esxcli's own error.
  await lab.console.fill('esxcli storage core nosuch');
  await lab.console.press('Enter');
  await expect(lab.log.locator('pre.error')).toHaveCount(1);
  await shot(page, info, 'console');
  await lab.verifyClean();
});

test('a PSP set in the console shows in the Devices tab, and the device panel runs its commands', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  await tab(page, 'Devices');
  expect(await column(page, 'PSP', new RegExp(`^${ALUA0}$`))).toEqual(['VMW_PSP_MRU']);

  await lab.console.fill(`esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`);
  await lab.console.press('Enter');
  await expect.poll(() => column(page, 'PSP', new RegExp(`^${ALUA0}$`))).toEqual(['VMW_PSP_RR']);

  // The panel: pick the device, switch its limit type; the command appears in the console.
  const panel = page.getByRole('region', { name: 'Device panel' });
  await panel.getByRole('combobox', { name: 'Device' }).selectOption(ALUA0);
  await panel.getByRole('combobox', { name: 'Limit type' }).selectOption('iops');
  await panel.getByRole('spinbutton', { name: 'IOPS' }).fill('1');
  await panel.getByRole('button', { name: 'Apply Round Robin settings' }).click();
  await expect(lab.log).toContainText(`# esxcli storage nmp psp roundrobin deviceconfig set -d ${ALUA0} --type iops --iops 1 --useano false`);
  await expect(panel).toContainText('policy=iops');

  // Back to Fixed from the PSP menu, then a preferred path.
  await panel.getByRole('combobox', { name: 'Path selection policy' }).selectOption('VMW_PSP_FIXED');
  await expect(lab.log).toContainText(`# esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_FIXED`);
  await expect.poll(() => column(page, 'PSP', new RegExp(`^${ALUA0}$`))).toEqual(['VMW_PSP_FIXED']);
  await panel.getByRole('combobox', { name: 'Preferred path' }).selectOption('vmhba2:C0:T1:L0');
  await panel.getByRole('button', { name: 'Set preferred path' }).click();
  await expect(lab.log).toContainText(`# esxcli storage nmp psp fixed deviceconfig set -d ${ALUA0} -p vmhba2:C0:T1:L0`);
  await expect(panel).toContainText('preferred=vmhba2:C0:T1:L0');
  await shot(page, info, 'devices');
  await lab.verifyClean();
});

test('a link fault from the topology shows as a command, dead paths and a link drawn down', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  const link = page.getByRole('button', { name: 'Link vmhba1 to fabric-a' });
  await expect(link).toHaveAttribute('data-up', 'true');
  await tab(page, 'Paths');
  const before = await column(page, 'State', /^vmhba1:/);
  expect(before).toHaveLength(13); // 12 LUN paths on the three arrays, and vvol-array's protocol endpoint
  expect(before).not.toContain('dead');

  await page.getByRole('button', { name: 'Adapter vmhba1' }).click();
  const menu = page.getByRole('menu', { name: 'Adapter vmhba1' });
  await expect(menu).toBeVisible();
  await shot(page, info, 'fault-menu');
  await menu.getByRole('menuitem', { name: 'fault link vmhba1' }).click();
  await expect(menu).toHaveCount(0);

  await expect(lab.log).toContainText('# fault link vmhba1');
  await expect(lab.log).toContainText('vmhba1 link down');
  await expect.poll(() => column(page, 'State', /^vmhba1:/)).toEqual(new Array(13).fill('dead'));
  expect(await column(page, 'State', /^vmhba2:/)).not.toContain('dead');
  await expect(link).toHaveAttribute('data-up', 'false');
  await expect(page.getByRole('button', { name: 'Adapter vmhba1' })).toHaveAttribute('data-link-up', 'false');
  await expect(page.locator('line.path[data-path="vmhba1:C0:T0:L0"]')).toHaveAttribute('data-state', 'dead');
  await shot(page, info, 'link-fault');

  // And back, from the link itself.
  await link.click();
  await page.getByRole('menu', { name: 'Link vmhba1 to fabric-a' }).getByRole('menuitem', { name: 'repair link vmhba1' }).click();
  await expect(lab.log).toContainText('# repair link vmhba1');
  await expect(link).toHaveAttribute('data-up', 'true');
  await lab.verifyClean();
});

test('Max then Pause moves virtual time, and Step advances one second', async ({ page, baseURL }) => {
  const lab = await open(page, baseURL);
  const time = page.getByRole('group', { name: 'Time controls' }).locator('output');
  const now = async () => Number(await time.getAttribute('data-us'));
  await expect(time).toContainText('t = 0.');
  const pause = page.getByRole('button', { name: 'Pause' });
  await expect(pause).toHaveAttribute('aria-pressed', 'true');
  const t0 = await now();

  await page.getByRole('button', { name: 'Max' }).click();
  await expect(page.getByRole('button', { name: 'Max' })).toHaveAttribute('aria-pressed', 'true');
  await expect(pause).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(now).toBeGreaterThan(t0 + 100_000);
  await pause.click();
  await expect(pause).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(300);
  const t1 = await now();
  expect(t1).toBeGreaterThan(t0);
  await page.waitForTimeout(500);
  expect(await now()).toBe(t1);

  await page.getByRole('button', { name: 'Step' }).click();
  await expect.poll(now).toBe(t1 + 1_000_000);
  await expect(time).toContainText(`t = ${((t1 + 1e6) / 1e6).toFixed(3)} s`);
  await lab.verifyClean();
});

test('a workload from the console feeds the charts and esxtop', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  const chart = page.getByRole('figure', { name: 'Per-path IOPS' });
  await expect(chart).toHaveAttribute('data-frames', '0');
  await lab.console.fill('fio --vm web01 --rw randread --bs 4k --iodepth 8 --runtime 5s &');
  await lab.console.press('Enter');
  await expect(lab.log).toContainText('fio job');
  await page.getByRole('button', { name: 'Max' }).click();

  await expect.poll(async () => Number(await chart.getAttribute('data-frames'))).toBeGreaterThan(5);
  // web01's disk is LUN 0 of the ALUA array, on its MRU path: that path carried I/O.
  await expect(chart).toHaveAttribute('data-series', /vmhba1:C0:T0:L0/);
  await expect(page.getByRole('figure', { name: 'Per-path latency (ms)' })).toHaveAttribute('data-series', /vmhba1:C0:T0:L0/);
  await expect(page.getByRole('figure', { name: 'Per-VM throughput (MB/s)' })).toHaveAttribute('data-series', /web01/);
  await expect(chart.locator('canvas')).toHaveCount(1);

  const panel = await tab(page, 'esxtop');
  await panel.getByRole('button', { name: 'path' }).click();
  await expect(panel.locator('pre')).toContainText('vmhba1:C0:T0:L0');
  await page.getByRole('button', { name: 'Pause' }).click();
  await shot(page, info, 'workload');
  await lab.verifyClean();
});

test('the claim-rule editor adds, loads and reports esxcli errors', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  const panel = await tab(page, 'Claim rules');
  const form = panel.getByRole('form', { name: 'Add a claim rule' });
  await form.getByRole('textbox', { name: 'Rule' }).fill('200');
  await form.getByRole('textbox', { name: 'Target' }).fill('1');
  await form.getByRole('textbox', { name: 'LUN' }).fill('0');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(lab.log).toContainText('# esxcli storage core claimrule add -r 200 -t location -A vmhba2 -C 0 -T 1 -L 0 -P MASK_PATH');
  await expect.poll(() => column(page, 'Class', /^200$/)).toEqual(['file']);
  await form.getByRole('button', { name: 'Load' }).click();
  await expect.poll(() => column(page, 'Class', /^200$/)).toEqual(['runtime', 'file']);

  // The same rule again: esxcli refuses, and the form shows why.
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(panel.getByRole('alert')).toContainText(/200/);
  await shot(page, info, 'claim-rules');
  await lab.verifyClean();
});

test('a lesson opens with its text and goals, gives hints, and shows its solution on request', async ({ page, baseURL }, info) => {
  const lab = await open(page, baseURL);
  const pane = page.getByRole('complementary', { name: 'Lesson' });
  await expect(pane.getByRole('button', { name: 'Sandbox' })).toBeVisible();
  await pane.getByRole('button', { name: 'The life of an I/O' }).click();
  const lesson = pane.getByRole('article', { name: 'The life of an I/O' });
  await expect(lesson.getByRole('heading', { name: 'The life of an I/O' })).toBeVisible();
  await expect(lesson.locator('.body strong').first()).toHaveText('device'); // markdown rendered
  const goals = lesson.getByRole('listitem').filter({ hasText: /\((not )?met\)/ });
  await expect(goals).toHaveCount(3);
  await expect(goals.filter({ hasText: '(not met)' })).toHaveCount(3);

  // A goal ticks live after a console command.
  await lab.console.fill('esxcli storage nmp device list -d naa.600140500a1a00010000000000000000');
  await lab.console.press('Enter');
  await expect(goals.filter({ hasText: '(not met)' })).toHaveCount(2);

  await lesson.getByRole('button', { name: /^Hint/ }).click();
  await expect(lesson.getByRole('list').filter({ hasText: "web01's only disk" })).toBeVisible();
  await shot(page, info, 'lesson');

  // The solution asks first; dismissed, nothing happens.
  page.once('dialog', (d) => void d.dismiss());
  await lesson.getByRole('button', { name: 'Show solution' }).click();
  await expect(goals.filter({ hasText: '(not met)' })).toHaveCount(2);
  page.once('dialog', (d) => void d.accept());
  await lesson.getByRole('button', { name: 'Show solution' }).click();
  await expect(goals.filter({ hasText: '(met)' })).toHaveCount(3, { timeout: 15_000 });
  await expect(lesson.getByRole('status')).toHaveText('Solved (with help)!');
  await expect(pane.getByRole('listitem').filter({ hasText: 'The life of an I/O' })).toContainText('✓ (with help)');

  await lesson.getByRole('button', { name: 'Next lesson' }).click();
  await expect(pane.getByRole('article', { name: 'Discovery and naming' })).toBeVisible();
  await pane.getByRole('button', { name: 'Sandbox' }).click();
  await expect(pane.getByRole('article')).toHaveCount(0);
  await lab.verifyClean();
});
