// `npm run bench` in Chromium: the page as built for production, served as a static site and driven
// through Playwright, measured where learners run it.
//   stack_iops_chromium   the stack_iops workload (src/stack/sim/stack-iops.ts) in the page's worker
//   ui_frame_p95_ms       95th percentile time between animation frames while the stack runs as fast
//                         as possible (Max) under fio, topology and charts in view
//   first_load_kb         gzip size of every response the first screen loads, until the lab is up
//   idb_write_mbps        4 KiB write-through WRITEs acknowledged once IndexedDB committed them
//   ui_frame_max_ms_large the longest frame in the large lab (?scenario=large: 1024 paths, 256
//                         devices) at Max under fio on every VM, Paths then Devices tab open
// Speed is printed against targets (bench/index.ts), never asserted.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { serveStatic } from '../scripts/serve-dist.js';
import { freshBuild } from './browser-build';
import { frameDeltas, labReady, percentile, speed, typeLine } from './browser-page';

export interface BrowserKeys {
  stack_iops_chromium: number;
  ui_frame_p95_ms: number;
  first_load_kb: number;
  idb_write_mbps: number;
  ui_frame_max_ms_large: number;
}

const DIST = 'dist-bench';
const BASE = '/labs/pathlab/';
/** Room for the classroom's topology and the charts above the console, beside the lesson pane. */
const VIEWPORT = { width: 1600, height: 1200 };
const ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Playwright's own Chromium when installed, else the distribution's; undefined when there is none. */
export function chromiumPath(): string | undefined {
  let own = '';
  try {
    own = chromium.executablePath();
  } catch {
    // No browser registered for this platform.
  }
  return [own, '/usr/bin/chromium'].find((p) => p && existsSync(p));
}

/** The four keys and the large lab's; throws when the page cannot be measured. */
export async function benchBrowser(executablePath: string, log: (line: string) => void = () => {}): Promise<BrowserKeys> {
  log(`browser bench: ${freshBuild(DIST)} ${DIST}/`);
  const server = await serveStatic({ dir: DIST, port: Number(process.env.PATHLAB_BENCH_PORT ?? 0), base: BASE });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE}`;
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS });
  try {
    // Each in a fresh profile: no service worker, cache or IndexedDB left by the one before.
    const first_load_kb = await firstLoadKb(browser, url);
    const stack_iops_chromium = await inPage(browser, url, stackIopsChromium);
    const idb_write_mbps = await inPage(browser, url, idbWriteMbps);
    const ui_frame_p95_ms = await inPage(browser, url, uiFrameP95);
    const ui_frame_max_ms_large = await inPage(browser, `${url}?scenario=large`, uiFrameMaxLarge);
    return { stack_iops_chromium, ui_frame_p95_ms, first_load_kb, idb_write_mbps, ui_frame_max_ms_large };
  } finally {
    await browser.close();
    server.close();
  }
}

async function inPage<T>(browser: Browser, url: string, measure: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await labReady(page);
    const value = await measure(page);
    if (errors.length > 0) throw new Error(`the page failed while measured: ${errors.join('; ')}`);
    return value;
  } finally {
    await context.close();
  }
}

/**
 * Every file the first visit fetched (page, worker, wasm, the service worker's precache: each URL
 * once), gzipped. The bytes are fetched again from the server: the browser keeps no body of a
 * response it compiled while streaming (the wasm).
 */
async function firstLoadKb(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const urls = new Set<string>();
  context.on('response', (r) => {
    if (r.request().method() === 'GET' && r.status() === 200) urls.add(r.url());
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await labReady(page);
    await page.getByRole('complementary', { name: 'Lesson' }).getByRole('button', { name: 'The life of an I/O' }).waitFor();
    await page.waitForLoadState('networkidle');
  } finally {
    await context.close();
  }
  const editor = [...urls].filter((u) => /PluginEditor|editor\.api|typescript|tsMode/.test(u));
  if (editor.length > 0) throw new Error(`the first screen loaded the plugin editor: ${editor.join(', ')}`);
  let bytes = 0;
  const seen = new Set<string>(); // the page as `./` and as `./index.html` (precached) is one file
  for (const u of urls) {
    const response = await fetch(u);
    if (!response.ok) throw new Error(`${u}: ${response.status} when fetched again`);
    const body = Buffer.from(await response.arrayBuffer());
    const hash = createHash('sha256').update(body).digest('hex');
    if (!seen.has(hash)) bytes += gzipSync(body, { level: 9 }).length;
    seen.add(hash);
  }
  return bytes / 1024;
}

/** As bench/stack.ts: a warm-up, then the median of three runs of a million commands. */
async function stackIopsChromium(page: Page): Promise<number> {
  return page.evaluate(async () => {
    await window.pathlab.benchStackIops(100_000);
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await window.pathlab.benchStackIops(1_000_000));
    return runs.sort((a, b) => a - b)[1];
  });
}

/** 16 MiB in 4 KiB write-through WRITEs, 32 in flight; the median of three. */
async function idbWriteMbps(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push((await window.pathlab.measureIdbWrites(16 << 20)).mbps);
    return runs.sort((a, b) => a - b)[1];
  });
}

/** Lesson 01's classroom host under two fio jobs at Max, five seconds of frames. */
async function uiFrameP95(page: Page): Promise<number> {
  await typeLine(page, 'fio --name web --vm web01 --rw randread --bs 4k --iodepth 32 --runtime 3600s &');
  await typeLine(page, 'fio --name db --vm db01 --rw randrw --bs 8k --iodepth 16 --runtime 3600s &');
  await speed(page, 'Max');
  await page.waitForTimeout(1000);
  const deltas = await frameDeltas(page, 5000);
  await speed(page, 'Pause');
  return percentile(deltas, 95);
}

/** The large lab under fio on every VM at Max: the Paths tab for five seconds, then the Devices tab. */
async function uiFrameMaxLarge(page: Page): Promise<number> {
  for (let vm = 1; vm <= 8; vm++) {
    const name = `app${String(vm).padStart(2, '0')}`;
    await typeLine(page, `fio --name ${name} --vm ${name} --rw randrw --bs 4k --iodepth 16 --runtime 3600s &`);
  }
  // The bottom of the topology and the charts in view (the topology is 8000 pixels tall here).
  await page.getByRole('region', { name: 'Charts' }).scrollIntoViewIfNeeded();
  await speed(page, 'Max');
  await page.waitForTimeout(1000);
  const sampling = frameDeltas(page, 8000);
  await page.waitForTimeout(4000);
  await page.getByRole('tab', { name: 'Devices', exact: true }).click();
  const deltas = await sampling;
  await speed(page, 'Pause');
  return Math.max(...deltas);
}
