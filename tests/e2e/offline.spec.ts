import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { serveStatic } from '../../scripts/serve-dist.js';
import { guardPage } from './page-guard';

// dist/ from a sub-path of a plain static server, then the server gone: the lab still opens from
// the service worker's copy and runs. A stopped server is the real offline, not an emulation.

let server: Server;
let url: string;

test.beforeAll(async () => {
  server = (await serveStatic({ port: 0, base: '/courses/storage/pathlab/' })) as Server;
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/courses/storage/pathlab/`;
});

test.afterAll(() => {
  server.closeAllConnections();
  server.close();
});

test('after the first load the lab opens and runs with its server gone', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page, url);
  await page.goto(url);
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly');
  // Every request stayed under the sub-path: the page uses relative URLs only.
  expect(guard.requests.filter((u) => !u.startsWith(url))).toEqual([]);
  // The service worker installed its copy of dist/ and controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // It precached the first screen only: the plugin editor (megabytes) is not fetched until opened.
  const cachedUrls = () =>
    page.evaluate(async () => {
      const names = await caches.keys();
      const lists = await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url)));
      return lists.flat();
    });
  const editorFile = /editor\.api|PluginEditor|tsMode|ts\.worker/;
  expect((await cachedUrls()).some((u) => editorFile.test(u))).toBe(false);
  // Opened once online, the editor is kept for offline use too.
  await page.getByRole('button', { name: 'Plugins' }).click();
  await expect(page.getByRole('region', { name: 'Plugin editor' })).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => (await cachedUrls()).some((u) => /editor\.api/.test(u))).toBe(true);

  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  expect(await fetch(url).then(() => 'answered', () => 'refused')).toBe('refused');

  await page.reload();
  await expect(page.getByRole('banner')).toContainText('Engine: WebAssembly');
  await expect(page.getByRole('button', { name: 'Adapter vmhba1' })).toBeVisible();
  const input = page.getByRole('textbox', { name: 'Console', exact: true });
  await input.fill('esxcli storage core adapter list');
  await input.press('Enter');
  await expect(page.getByRole('log')).toContainText('vmhba1');
  await page.getByRole('button', { name: 'Plugins' }).click();
  await expect(page.getByRole('region', { name: 'Plugin editor' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'New PSP' })).toBeVisible();
  guard.verifyClean();
});
