// What the crash-consistency specs share: a browser profile on disk (optionally with a small
// storage quota), the lab's console driven line by line or in a burst from inside the page, the
// kill (page closed or renderer crashed), SCSI commands at the console (`sg`), a model of what each
// block may hold after a crash, and readers of what IndexedDB kept (fio's stamps checked by the
// stack's own verifier).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { bootStack } from '../../src/stack/boot';
import { Host } from '../../src/stack/host';
import { blockMatches, patternWord } from '../../src/stack/sim/workload-host';
import { openLab, pspShown } from './lab-page';

export const ALUA0 = 'naa.600140500a1a00010000000000000000';
export const SET_RR = `esxcli storage nmp device set -d ${ALUA0} --psp VMW_PSP_RR`;
/** Blocks per extent (32 KiB) for a LUN's block size. */
const perExtent = (blockSize: number) => (32 * 1024) / blockSize;

// ---- the browser profile, the console, the kill ----

export async function profile(info: TestInfo, baseURL: string | undefined, quotaSize?: number): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pathlab-crash-')), {
    ...info.project.use.launchOptions,
    baseURL,
  });
  if (quotaSize !== undefined) {
    // Before the lab opens its databases: Chromium reads an origin's quota when it opens them.
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize });
  }
  return context;
}

export async function openConsole(page: Page, baseURL: string | undefined, sandbox: boolean) {
  const lab = await openLab(page, baseURL, { sandbox });
  const commands = lab.log.locator('pre.command');
  const busy = page.getByRole('region', { name: 'Console output and input' });
  return {
    ...lab,
    page,
    /** Types a line; unless `wait` is false, waits for its output and returns it. */
    async line(text: string, wait = true): Promise<string> {
      const before = await commands.count();
      await lab.console.fill(text);
      await lab.console.press('Enter');
      if (!wait) return '';
      await expect(commands).toHaveCount(before + 1);
      await expect(busy).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
      return lab.lastOutput();
    },
  };
}
export type Console = Awaited<ReturnType<typeof openConsole>>;

export type Kill = 'page closed' | 'renderer crashed';

/** Kills the page with its stack worker, whatever it is doing. */
export async function kill(page: Page, how: Kill): Promise<void> {
  if (how === 'page closed') return page.close();
  const crashed = page.waitForEvent('crash');
  const cdp = await page.context().newCDPSession(page);
  void cdp.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
  await crashed;
  await page.close();
}

// ---- SCSI at the console ----

const be32 = (x: number) => [x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
export const hex = (bytes: ArrayLike<number>) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
export const write10 = (lba: number, blocks: number) => hex([0x2a, 0, ...be32(lba), 0, blocks >> 8, blocks & 0xff, 0]);
export const read10 = (lba: number, blocks: number) => hex([0x28, 0, ...be32(lba), 0, blocks >> 8, blocks & 0xff, 0]);
export const SYNCHRONIZE_CACHE_10 = hex([0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

interface SgAnswer {
  status: number;
  sense: string;
  dataIn: Uint8Array;
}

export function answer(output: string): SgAnswer {
  const r = JSON.parse(output.split('\n')[0]) as { status: number; sense: string; dataIn: string };
  const dataIn = Uint8Array.from(r.dataIn === '' ? [] : r.dataIn.split(' ').map((b) => parseInt(b, 16)));
  return { status: r.status, sense: r.sense, dataIn };
}

/** Bytes no other seed gives at the same offset (seeds 1..200), and never a whole zero block. */
export function pattern(seed: number, bytes: number): Uint8Array {
  return Uint8Array.from({ length: bytes }, (_, i) => (seed * 29 + i * 7 + (i >> 9) * 3 + 1) & 0xff);
}

/**
 * What each block may hold after a crash: the first candidate is durable (zeros until a write is),
 * the others were written since and may or may not have reached IndexedDB.
 */
export class Expected {
  readonly blocks = new Map<number, Uint8Array[]>();
  /** Writes not known durable that span extents: each extent of one must be all old or all new. */
  readonly uncertain: { lba: number; data: Uint8Array }[] = [];

  constructor(readonly blockSize: number) {}

  wrote(lba: number, data: Uint8Array): void {
    for (let b = 0; b < data.length / this.blockSize; b++) {
      const list = this.blocks.get(lba + b) ?? [new Uint8Array(this.blockSize)];
      list.push(data.subarray(b * this.blockSize, (b + 1) * this.blockSize));
      this.blocks.set(lba + b, list);
    }
    this.uncertain.push({ lba, data });
  }

  /** A write-through GOOD: this write's blocks are durable, with its bytes. */
  durable(lba: number, data: Uint8Array): void {
    for (let b = 0; b < data.length / this.blockSize; b++) this.blocks.set(lba + b, [data.subarray(b * this.blockSize, (b + 1) * this.blockSize)]);
    this.uncertain.splice(this.uncertain.findIndex((w) => w.lba === lba && w.data === data), 1);
  }

  /** A completed SYNCHRONIZE CACHE: every block holds its newest write, durably. */
  synchronized(): void {
    for (const [lba, list] of this.blocks) this.blocks.set(lba, [list[list.length - 1]]);
    this.uncertain.length = 0;
  }
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Reads every block the test wrote back through the stack and checks it against what may be there. */
export async function checkBlocks(c: Console, array: string, lun: number, expected: Expected): Promise<void> {
  const { blockSize } = expected;
  const lbas = [...expected.blocks.keys()].sort((a, b) => a - b);
  const got = new Map<number, Uint8Array>();
  for (let i = 0; i < lbas.length; ) {
    // One READ per run of consecutive blocks, at most 16 KiB.
    let n = 1;
    while (i + n < lbas.length && lbas[i + n] === lbas[i] + n && (n + 1) * blockSize <= 16 * 1024) n++;
    const r = answer(await c.line(`sg --json --array ${array} --lun ${lun} --request ${n * blockSize} ${read10(lbas[i], n)}`));
    expect(r.status, `READ at LBA ${lbas[i]}: sense ${r.sense}`).toBe(0);
    for (let b = 0; b < n; b++) got.set(lbas[i] + b, r.dataIn.subarray(b * blockSize, (b + 1) * blockSize));
    i += n;
  }
  for (const [lba, candidates] of expected.blocks) {
    const block = got.get(lba)!;
    const which = candidates.findIndex((c) => same(block, c));
    expect(which, `LBA ${lba}: ${candidates.length === 1 ? 'not the bytes made durable' : 'neither the bytes made durable nor a later write: lost or mixed'}`).toBeGreaterThanOrEqual(0);
  }
  // A write that was not known durable: within each extent it touched, all its blocks or none.
  for (const w of expected.uncertain) {
    const byExtent = new Map<number, boolean[]>();
    for (let b = 0; b < w.data.length / blockSize; b++) {
      const landed = same(got.get(w.lba + b)!, w.data.subarray(b * blockSize, (b + 1) * blockSize));
      const extent = Math.floor((w.lba + b) / perExtent(blockSize));
      byExtent.set(extent, [...(byExtent.get(extent) ?? []), landed]);
    }
    for (const [extent, landed] of byExtent) expect(new Set(landed).size, `extent ${extent} half-written by the write at LBA ${w.lba}`).toBe(1);
  }
}

/**
 * A fio job rewriting the first 8 MiB of a write-back LUN at full speed in the background, its
 * blocks stamped: every flush then carries a few MiB of its dirty extents, so transactions are in
 * flight all the time and each takes a while to commit.
 */
export async function storm(page: Page, c: Console, device: string): Promise<void> {
  expect(await c.line(`fio --name storm --device ${device} --rw randwrite --bs 4k --iodepth 16 --size 8m --runtime 10m --verify &`)).toMatch(/started/);
  await page.getByRole('group', { name: 'Time controls' }).getByRole('button', { name: 'Max' }).click();
  await expect.poll(async () => c.line('jobs'), { timeout: 10_000 }).toMatch(/storm/);
  await page.waitForTimeout(1500); // a destage or two under way
}

/**
 * Types `lines` at the console from inside the page, back to back; the moment all of them have
 * answered, types `then` the same way and returns the answers. No round trip to the test in
 * between, so the kill that follows comes within milliseconds of the last answer: a store that
 * answered before its transaction committed would lose that write.
 */
export async function burst(page: Page, lines: string[], then: string[]): Promise<string[]> {
  return page.evaluate(
    async ({ lines, then }) => {
      const input = document.querySelector<HTMLInputElement>('input[aria-label="Console"]')!;
      const log = document.querySelector('[role="log"]')!;
      const outputs = () => [...log.querySelectorAll<HTMLElement>('pre.output, pre.error')];
      const type = (line: string) => {
        input.value = line;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      };
      const start = outputs().length;
      for (const line of lines) type(line);
      await new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => check());
        const check = () => {
          if (outputs().length < start + lines.length) return;
          observer.disconnect();
          resolve();
        };
        observer.observe(log, { childList: true });
        check();
      });
      for (const line of then) type(line);
      return outputs()
        .slice(start, start + lines.length)
        .map((e) => e.innerText);
    },
    { lines, then },
  );
}

/** What IndexedDB holds for a LUN (volume key: its NAA id), read by a page of the same profile. */
export async function storedExtents(page: Page, key: string): Promise<{ extent: number; bytes: Uint8Array }[]> {
  const stored = await page.evaluate(async (key) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('pathlab-blocks');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const store = db.transaction('extents', 'readonly').objectStore('extents');
    const range = IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]);
    const get = <T,>(req: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((req.onsuccess = () => resolve(req.result)), (req.onerror = () => reject(req.error))));
    const [keys, values] = await Promise.all([get(store.getAllKeys(range)), get(store.getAll(range))]);
    db.close();
    // Base64 across the wire: a few MiB as JSON arrays of numbers would take minutes.
    const base64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
    return (keys as [string, number][]).map(([, extent], i) => ({ extent, base64: base64(values[i] as Uint8Array) }));
  }, key);
  return stored.map(({ extent, base64 }) => ({ extent, bytes: new Uint8Array(Buffer.from(base64, 'base64')) }));
}

/** fio's stamps, checked by the stack's own verifier: a block holds the whole stamp of its LBA, or zeros. */
export async function stampChecker() {
  const host = await Host.boot();
  const pat = patternWord(host);
  const at = host.arena.alloc(16384);
  return {
    /** 'stamped' (the whole stamp fio writes for this LBA), 'zero', or 'torn' (anything else). */
    check(block: Uint8Array, lba: number): 'stamped' | 'zero' | 'torn' {
      host.arena.u8.set(block, at);
      const u32 = new Uint32Array(host.arena.u8.buffer);
      const words = block.length / 4;
      if (blockMatches(u32, at >>> 2, words, lba, 0, pat)) return 'zero';
      const seq = u32[(at >>> 2) + 2];
      return seq > 0 && blockMatches(u32, at >>> 2, words, lba, seq, pat) ? 'stamped' : 'torn';
    },
    close: () => host.close(),
  };
}


/** aa-array LUN 1 of the classroom scenario: write-back, 4 KiB blocks. */
export async function writeBackLun(): Promise<{ naa: string }> {
  const stack = await bootStack();
  const lun = stack.array('aa-array')!.lun(1)!;
  expect(lun.cacheMode).toBe('write-back');
  expect(lun.blockSize).toBe(4096);
  stack.close();
  return { naa: lun.naaId };
}

/** Reopens the lab in the same profile: where the learner was, as last saved, and answering. */
export async function reopen(context: BrowserContext, baseURL: string | undefined, lastLines: string[]): Promise<Console> {
  const page = await context.newPage();
  const c = await openConsole(page, baseURL, false);
  await expect(page.getByRole('complementary', { name: 'Lesson' })).toContainText('Sandbox: no lesson is open');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect.poll(() => pspShown(page, ALUA0)).toBe('VMW_PSP_RR');
  await c.console.click();
  await c.console.press('ArrowUp');
  expect(lastLines).toContain(await c.console.inputValue());
  await c.console.fill('');
  expect(await c.line(`esxcli storage core device list -d ${ALUA0}`)).toContain(ALUA0);
  return c;
}
