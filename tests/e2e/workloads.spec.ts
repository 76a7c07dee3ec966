import { test, expect } from '@playwright/test';
import { openLab, shot } from './lab-page';

// The Workloads tab, driven with the mouse: each button is a console line (`fio ... &`, `kill %N`)
// echoed in the console, and the job's state and I/O count come back in the snapshot.

test('the Workloads tab starts, stops and restarts a VM disk fio job through console lines', async ({ page, baseURL }, info) => {
  const lab = await openLab(page, baseURL, { sandbox: true });
  await page.getByRole('tab', { name: 'Workloads', exact: true }).click();
  const panel = page.getByRole('tabpanel');
  const web = panel.getByRole('group', { name: 'Workload of web01 disk 0' });
  await expect(panel.getByRole('group', { name: 'Workload of db01 disk 1' })).toBeVisible();
  const job = web.getByRole('status', { name: 'Job of web01 disk 0' });
  const ios = async () => Number(await job.getAttribute('data-ios'));
  await expect(job).toHaveText('idle');

  // A long runtime, so the job is still running when it is stopped.
  await web.getByRole('textbox', { name: 'runtime' }).fill('600s');
  await web.getByRole('button', { name: 'Start web01 disk 0' }).click();
  await expect(lab.log).toContainText('# fio --name web01-0 --vm web01 --disk 0 --rw randread --bs 4k --iodepth 8 --runtime 600s &');
  await expect(lab.log).toContainText('[1] fio job web01-0 started on web01:0');
  await expect(job).toHaveAttribute('data-state', 'running');

  await page.getByRole('group', { name: 'Time controls' }).getByRole('button', { name: '1x' }).click();
  await expect.poll(ios).toBeGreaterThan(0);
  const first = await ios();
  await expect.poll(ios).toBeGreaterThan(first);
  await expect(job).toContainText(/%1 running · \d+ ios/);
  await shot(page, info, 'workloads-running');

  await web.getByRole('button', { name: 'Stop web01 disk 0' }).click();
  await expect(lab.log).toContainText('# kill %1');
  await expect(lab.log).toContainText(/\[1\] fio job web01-0 on web01:0 stop/);
  // Its commands in flight come back as time advances; then the count stays put.
  await expect(job).toHaveAttribute('data-state', 'done');
  const stopped = await ios();
  await page.waitForTimeout(1_000);
  expect(await ios()).toBe(stopped);
  await expect(web.getByRole('button', { name: 'Start web01 disk 0' })).toBeVisible();

  // Edit: start again, change the form, Restart: kill, then start with the new settings. (Reads:
  // the sandbox keeps written blocks in IndexedDB, and writes at 1x stall virtual time today.)
  await web.getByRole('button', { name: 'Start web01 disk 0' }).click();
  await expect(lab.log).toContainText('[2] fio job web01-0 started on web01:0');
  await web.getByRole('combobox', { name: 'rw' }).selectOption('read');
  await web.getByRole('textbox', { name: 'iodepth' }).fill('16');
  await web.getByRole('button', { name: 'Restart web01 disk 0' }).click();
  await expect(lab.log).toContainText('# kill %2');
  await expect(lab.log).toContainText('# fio --name web01-0 --vm web01 --disk 0 --rw read --bs 4k --iodepth 16 --runtime 600s &');
  await expect(job).toContainText('%3 running');

  // The console's `jobs` sees the same jobs.
  await lab.type('jobs');
  const listing = await lab.lastOutput();
  expect(listing).toMatch(/^\[1\] {2}Done {6}fio --name web01-0 .*--rw randread/m);
  expect(listing).toMatch(/^\[3\] {2}Running {3}fio --name web01-0 .*--rw read --bs 4k --iodepth 16 --runtime 600s & {2}\(world web01:0, \d+ ios\)$/m);

  await web.getByRole('button', { name: 'Stop web01 disk 0' }).click();
  await expect(lab.log).toContainText('# kill %3');
  await expect(job).toHaveAttribute('data-state', /stopping|done/);
  await expect(web.getByRole('button', { name: 'Start web01 disk 0' })).toBeVisible();
  await page.getByRole('button', { name: 'Pause' }).click();
  await shot(page, info, 'workloads-stopped');
  await lab.verifyClean();
});

test('a write job on an IndexedDB LUN at 1x keeps time moving and the console answering', async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const lab = await openLab(page, baseURL, { sandbox: true });
  await lab.type('fio --name w --vm web01 --rw randwrite --bs 4k --iodepth 8 --runtime 600s &');
  await page.getByRole('button', { name: '1x', exact: true }).click();
  const clock = page.getByRole('banner').getByText(/^t = /);
  const seconds = async () => Number(/t = ([\d.]+) s/.exec(await clock.innerText())?.[1]);
  await expect.poll(seconds, { timeout: 10_000 }).toBeGreaterThan(0.05);
  const before = await seconds();
  // Writes wait for IndexedDB, so virtual time may fall behind the wall clock, never stall.
  const started = Date.now();
  await lab.type('esxcli storage core adapter list');
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(await lab.lastOutput()).toContain('vmhba1');
  await expect.poll(seconds, { timeout: 10_000 }).toBeGreaterThan(before);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await lab.type('kill %1');
  lab.verifyClean();
});
