import { test, expect } from '@playwright/test';
import { openLab, ready, shot } from './lab-page';

// The vVols tab, driven with the mouse: the form and the buttons are `vvol ...` console lines,
// echoed in the console, and the VM's vVols (bindings, snapshots, compliance) come back in the
// snapshot. A VM too big for its container fails with the container's message and leaves nothing.
// The VMs, their vVols and bindings are part of the saved lab: a reload shows them again.

test('the vVols tab creates a VM with a policy, powers it on, snapshots it and shows its vVols', async ({ page, baseURL }, info) => {
  test.setTimeout(90_000);
  const lab = await openLab(page, baseURL, { sandbox: true });
  await page.getByRole('tab', { name: 'vVols', exact: true }).click();
  const panel = page.getByRole('tabpanel');
  const containers = panel.getByRole('table', { name: 'esxcli storage vvol storagecontainer list' });
  await expect(containers.getByRole('row', { name: /vvol-gold/ })).toContainText('524288');
  await expect(panel.getByRole('table', { name: 'esxcli storage vvol protocolendpoint list' })).toContainText('naa.600140500aba000400000000000000ff');

  // A policy at the console; the tab lists it and offers it in the form.
  await lab.type('vvol policy create gold --rule iopsLimit=1000 --rule provisioning=thin');
  await expect(panel.getByRole('table', { name: 'vvol policy list' }).getByRole('row', { name: /gold/ })).toContainText('iopsLimit=1000, provisioning=thin');

  const form = panel.getByRole('group', { name: 'Create VM' });
  await form.getByRole('textbox', { name: 'name' }).fill('web02');
  await form.getByRole('combobox', { name: 'container' }).selectOption('vvol-gold');
  await form.getByRole('combobox', { name: 'policy' }).selectOption('gold');
  await form.getByRole('textbox', { name: 'disk sizes' }).fill('8g, 2g');
  await form.getByRole('button', { name: 'Create VM' }).click();
  await expect(lab.log).toContainText('# vvol vm create web02 --container vvol-gold --policy gold --disk 8g --disk 2g');
  await expect(lab.log).toContainText('Created VM web02 on vvol-gold');

  const vm = panel.getByRole('region', { name: 'vVol VM web02' });
  const vvolTable = vm.getByRole('table', { name: 'vvol list --vm web02' });
  const row = (name: string) => vvolTable.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
  await expect(row('web02-config')).toContainText(/config\s*4096\s*unbound\s*compliant/);
  await expect(row('web02.vmdk')).toContainText(/data\s*8192\s*unbound\s*1000\s*compliant/);
  await expect(row('web02_1.vmdk')).toContainText(/data\s*2048\s*unbound/);
  await expect(vm).toContainText('poweredOff');
  await expect(containers.getByRole('row', { name: /vvol-gold/ })).toContainText(/14336/); // 4 GiB config + 8 + 2, in MB

  // Power on: every vVol bound behind PE 255, and a swap vVol.
  await vm.getByRole('button', { name: 'Power on web02' }).click();
  await expect(lab.log).toContainText('# vvol vm poweron web02');
  await expect(vm).toContainText('poweredOn');
  await expect(row('web02-config')).toContainText('255:1');
  await expect(row('web02.vmdk')).toContainText('255:2');
  await expect(row('web02_1.vmdk')).toContainText('255:3');
  await expect(row('web02.vswp')).toContainText(/swap\s*4096\s*255:4/);
  await expect(panel.getByRole('table', { name: 'esxcli storage vvol protocolendpoint list' }).getByRole('row', { name: /naa\.600140500aba/ })).toContainText(/SCSI\s*255\s*4/);

  // Snapshot from the button: one snapshot vVol per data vVol, made by the array, not bound.
  await vm.getByRole('button', { name: 'Snapshot web02' }).click();
  await expect(lab.log).toContainText('# vvol vm snapshot web02');
  await expect(lab.log).toContainText('Snapshot snapshot-1 of web02: 2 vVol(s) made by array vvol-array');
  await expect(row('web02.vmdk@snapshot-1')).toContainText(/snapshot\s*8192\s*unbound\s*notApplicable/);
  await expect(row('web02_1.vmdk@snapshot-1')).toContainText('snapshot');

  // I/O through the PE with the vVol's secondary id, checked.
  await lab.type('fio --vm web02 --disk 0 --rw randwrite --bs 4k --iodepth 8 --size 16m --number_ios 500 --verify');
  const fio = await lab.lastOutput();
  expect(fio).toContain('world=web02:0');
  expect(fio).toMatch(/verify: \d+ blocks checked, 0 failed/);
  expect(fio).toMatch(/^ {2}errors: 0$/m);

  // Clone with the inline field; delete the clone (asked first).
  await vm.getByRole('button', { name: 'Clone web02' }).click();
  await vm.getByRole('textbox', { name: 'Name of the clone of web02' }).fill('web03');
  await vm.getByRole('button', { name: 'Clone', exact: true }).click();
  await expect(lab.log).toContainText('# vvol vm clone web02 web03');
  const clone = panel.getByRole('region', { name: 'vVol VM web03' });
  await expect(clone.getByRole('table', { name: 'vvol list --vm web03' })).toContainText('web03.vmdk');
  page.once('dialog', (d) => void d.accept());
  await clone.getByRole('button', { name: 'Delete web03' }).click();
  await expect(lab.log).toContainText('# vvol vm delete web03');
  await expect(clone).toHaveCount(0);
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await shot(page, info, 'vvols-vm');
  await lab.verifyClean();
});

test('a VM bigger than its container fails with a clear message and shows nothing half-made', async ({ page, baseURL }, info) => {
  const lab = await openLab(page, baseURL, { sandbox: true });
  await page.getByRole('tab', { name: 'vVols', exact: true }).click();
  const panel = page.getByRole('tabpanel');
  const form = panel.getByRole('group', { name: 'Create VM' });
  await form.getByRole('textbox', { name: 'name' }).fill('big01');
  await form.getByRole('combobox', { name: 'container' }).selectOption('vvol-nfs');
  await form.getByRole('textbox', { name: 'disk sizes' }).fill('100g, 100g');
  await form.getByRole('button', { name: 'Create VM' }).click();
  await expect(lab.log).toContainText('# vvol vm create big01 --container vvol-nfs --policy "VVol No Requirements Policy" --disk 100g --disk 100g');
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText('storage container vvol-nfs is out of capacity');
  await expect(alert).toContainText('nothing was created');
  await expect(lab.log.locator('pre.error').last()).toContainText('storage container vvol-nfs is out of capacity');
  await expect(panel.getByRole('region', { name: 'vVol VM big01' })).toHaveCount(0);
  await expect(panel).toContainText('No vVol VM yet.');
  const nfs = panel.getByRole('table', { name: 'esxcli storage vvol storagecontainer list' }).getByRole('row', { name: /vvol-nfs/ });
  await expect(nfs).toContainText(/NFS\s*131072\s*0\s*131072\s*0/);
  // The form keeps what was typed, to fix and try again; a fix clears the alert.
  await expect(form.getByRole('textbox', { name: 'name' })).toHaveValue('big01');
  await form.getByRole('textbox', { name: 'disk sizes' }).fill('100g');
  await form.getByRole('button', { name: 'Create VM' }).click();
  await expect(panel.getByRole('region', { name: 'vVol VM big01' })).toBeVisible();
  await expect(alert).toHaveCount(0);
  await shot(page, info, 'vvols-bad-input');
  await lab.verifyClean();
});

test('a VM made in the vVols tab, its policy and its bindings are still there after a reload', async ({ page, baseURL }, info) => {
  test.setTimeout(90_000);
  const lab = await openLab(page, baseURL, { sandbox: true });
  await page.getByRole('tab', { name: 'vVols', exact: true }).click();
  let panel = page.getByRole('tabpanel');
  await lab.type('vvol policy create silver --rule iopsLimit=800');
  const form = panel.getByRole('group', { name: 'Create VM' });
  await form.getByRole('textbox', { name: 'name' }).fill('app02');
  await form.getByRole('combobox', { name: 'container' }).selectOption('vvol-gold');
  await form.getByRole('combobox', { name: 'policy' }).selectOption('silver');
  await form.getByRole('textbox', { name: 'disk sizes' }).fill('4g');
  await form.getByRole('button', { name: 'Create VM' }).click();
  await expect(lab.log).toContainText('Created VM app02 on vvol-gold');
  await panel.getByRole('region', { name: 'vVol VM app02' }).getByRole('button', { name: 'Power on app02' }).click();
  await expect(panel.getByRole('region', { name: 'vVol VM app02' })).toContainText('poweredOn');
  await lab.type('vvol list --vm app02');
  const ids = [...(await lab.lastOutput()).matchAll(/rfc4122\.[0-9a-f-]{36}/g)].map((m) => m[0]);
  expect(ids).toHaveLength(3); // config, data, swap

  await page.reload();
  await ready(page);
  await page.getByRole('tab', { name: 'vVols', exact: true }).click();
  panel = page.getByRole('tabpanel');
  const vm = panel.getByRole('region', { name: 'vVol VM app02' });
  await expect(vm).toContainText('poweredOn');
  const vvolTable = vm.getByRole('table', { name: 'vvol list --vm app02' });
  const row = (name: string) => vvolTable.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
  await expect(row('app02-config')).toContainText(/config\s*4096\s*255:1\s*compliant/);
  await expect(row('app02.vmdk')).toContainText(/data\s*4096\s*255:2\s*800\s*compliant/);
  await expect(row('app02.vswp')).toContainText(/swap\s*4096\s*255:3/);
  await expect(panel.getByRole('table', { name: 'vvol policy list' }).getByRole('row', { name: /silver/ })).toContainText('iopsLimit=800');
  await expect(panel.getByRole('table', { name: 'esxcli storage vvol storagecontainer list' }).getByRole('row', { name: /vvol-gold/ })).toContainText(/12288/); // 4 GiB config + 4 + 4 swap, in MB
  // The same vVols, by id; I/O still reaches the bound disk.
  await lab.type('vvol list --vm app02');
  expect([...(await lab.lastOutput()).matchAll(/rfc4122\.[0-9a-f-]{36}/g)].map((m) => m[0])).toEqual(ids);
  await lab.type('fio --vm app02 --rw randwrite --bs 4k --iodepth 4 --size 1m --number_ios 100 --verify');
  expect(await lab.lastOutput()).toMatch(/^ {2}errors: 0$/m);
  await shot(page, info, 'vvols-after-reload');
  await lab.verifyClean();
});
