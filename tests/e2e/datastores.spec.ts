import { test, expect, type Locator, type Page } from '@playwright/test';
import { openLab, shot } from './lab-page';

// The Datastores tab on the datastore the two hosts share: in lesson 16, esxi02 holds app01's
// lock; after esxi02 crashes and the lease runs out, the learner's job breaks the stale lock and
// the tab shows esxi01 holding it, esxi02 down and its heartbeat stale. In lesson 15, the bytes a
// clone moved over the fabric by XCOPY and by the host, in the tab and in the Adapters tab.

const DS = '/vmfs/volumes/shared01';

async function openLesson(page: Page, baseURL: string | undefined, title: string) {
  const lab = await openLab(page, baseURL);
  const pane = page.getByRole('complementary', { name: 'Lesson' });
  await pane.getByRole('button', { name: title }).click();
  await expect(pane.getByRole('article', { name: title }).getByRole('heading', { name: title })).toBeVisible();
  await page.getByRole('tab', { name: 'Datastores', exact: true }).click();
  return lab;
}

/** The row of a table whose first cell is `name`. */
const row = (table: Locator, name: string) => table.getByRole('row').filter({ has: table.page().getByRole('cell', { name, exact: true }) });
const cell = (r: Locator, column: string) => r.locator(`td[data-column="${column}"]`);
const count = async (l: Locator) => Number((await l.innerText()).replace(/,/g, ''));

test('lesson 16: the Datastores tab shows who holds a lock, before and after the holder crashes', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const lab = await openLesson(page, baseURL, 'Locking a shared datastore with ATS');
  const volume = page.getByRole('tabpanel').getByRole('region', { name: 'Datastore shared01' });
  await expect(volume).toContainText('naa.600140500aaa00030000000000000001');
  const files = volume.getByRole('table', { name: /^Files on \/vmfs\/volumes\/shared01/ });
  const hosts = volume.getByRole('table', { name: /^Hosts that mount shared01/ });
  const app01 = row(files, 'app01.vmdk');
  await expect(cell(app01, 'Lock')).toHaveText('exclusive');
  await expect(cell(app01, 'Holder')).toHaveText('esxi02');
  await expect(cell(row(files, 'scratch.vmdk'), 'Holder')).toHaveText('-');
  await expect(cell(row(hosts, 'esxi01'), 'Heartbeat')).toHaveText(/^live \(beat \d+\)$/);
  await expect(cell(row(hosts, 'esxi02'), 'Heartbeat')).toHaveText(/^live \(beat \d+\)$/);
  await expect(cell(row(hosts, 'esxi02'), 'State')).toHaveText('up');

  await lab.type('fault host esxi02');
  await lab.type(`fio --name app01 --filename ${DS}/app01.vmdk --rw randrw --bs 4k --iodepth 4 --rate_iops 500 --runtime 1h &`);
  await lab.type('sleep 5s');
  // Within the lease the dead host's lock stands: the job waits.
  await expect(cell(row(hosts, 'esxi02'), 'State')).toHaveText('down');
  await expect(cell(row(hosts, 'esxi02'), 'Heartbeat')).toHaveText(/^stopped: last beat [\d.]+ s ago$/);
  await expect(cell(app01, 'Holder')).toHaveText('esxi02');
  await lab.type('sleep 15s');
  await expect(cell(app01, 'Holder')).toHaveText('esxi01');
  await expect(cell(app01, 'Lock')).toHaveText('exclusive');
  await expect(cell(row(hosts, 'esxi02'), 'Heartbeat')).toHaveText(/^stale: last beat [\d.]+ s ago, past the lease$/);
  await lab.type('jobs');
  await expect(lab.log.locator('pre.output').last()).toContainText(/Running +fio --name app01 .*\(world fio, [1-9]\d* ios\)/);
  await shot(page, info, 'datastores-lock-broken');
  await lab.verifyClean();
});

test('lesson 15: the fabric bytes of a clone by XCOPY and by the host, in the Datastores and Adapters tabs', async ({ page, baseURL }, info) => {
  test.setTimeout(120_000);
  const lab = await openLesson(page, baseURL, 'Array-native snapshots and clones against host copies');
  const panel = page.getByRole('tabpanel');
  const clones = panel.getByRole('table', { name: 'Last clone per host (vmkfstools -i)' });
  await expect(clones).toHaveCount(0); // no clone yet
  await expect(cell(row(panel.getByRole('table', { name: /^Files on/ }), 'web01.vmdk'), 'Size(MB)')).toHaveText('32');

  /** vmhba1's Bytes Sent + Received as the Adapters tab shows them (the active/active array's LUN 1 is on it). */
  const adapterBytes = async () => {
    await page.getByRole('tab', { name: 'Adapters', exact: true }).click();
    const r = row(page.getByRole('tabpanel').getByRole('table', { name: 'esxcli storage core adapter list' }), 'vmhba1');
    await expect(cell(r, 'Bytes Sent')).toHaveText(/^[\d,]+$/);
    const bytes = (await count(cell(r, 'Bytes Sent'))) + (await count(cell(r, 'Bytes Received')));
    await page.getByRole('tab', { name: 'Datastores', exact: true }).click();
    return bytes;
  };

  const before = await adapterBytes();
  await lab.type(`vmkfstools -i ${DS}/web01.vmdk ${DS}/web01-xcopy.vmdk`);
  const esxi01 = row(clones, 'esxi01');
  await expect(cell(esxi01, 'Destination')).toHaveText(`${DS}/web01-xcopy.vmdk`);
  await expect(cell(esxi01, 'Data mover')).toHaveText('hardware (XCOPY)');
  await expect(cell(esxi01, 'Commands')).toHaveText('8 XCOPY');
  await expect(cell(esxi01, 'Disk bytes')).toHaveText('33,554,432');
  const xcopyFabric = await count(cell(esxi01, 'Bytes over the fabric'));
  expect(xcopyFabric).toBeGreaterThan(0);
  expect(xcopyFabric).toBeLessThan(4096);
  const afterXcopy = await adapterBytes();
  const xcopyDelta = afterXcopy - before;

  await lab.type('esxcli system settings advanced set -o /DataMover/HardwareAcceleratedMove -i 0');
  await lab.type(`vmkfstools -i ${DS}/web01.vmdk ${DS}/web01-host.vmdk`);
  await expect(cell(esxi01, 'Destination')).toHaveText(`${DS}/web01-host.vmdk`);
  await expect(cell(esxi01, 'Data mover')).toHaveText('software: /DataMover/HardwareAcceleratedMove is 0');
  await expect(cell(esxi01, 'Commands')).toHaveText('32 READ, 32 WRITE');
  await expect(cell(esxi01, 'Bytes over the fabric')).toHaveText('67,108,864');
  // Around each clone the host reads and writes the same metadata (descriptors, bitmap, locks);
  // beyond it, the host copy moved the disk twice, XCOPY only its parameter lists.
  const hostDelta = (await adapterBytes()) - afterXcopy;
  expect(hostDelta).toBeGreaterThan(2 * 33_554_432);
  expect(Math.abs(hostDelta - xcopyDelta - (2 * 33_554_432 - xcopyFabric))).toBeLessThan(64 * 1024);
  // Two clones now on the datastore, each 32 MB.
  const files = panel.getByRole('table', { name: /^Files on/ });
  await expect(cell(row(files, 'web01-xcopy.vmdk'), 'Size(MB)')).toHaveText('32');
  await expect(cell(row(files, 'web01-host.vmdk'), 'Size(MB)')).toHaveText('32');
  await shot(page, info, 'datastores-clones');
  await lab.verifyClean();
});
