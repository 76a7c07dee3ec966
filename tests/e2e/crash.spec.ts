import { expect, test } from '@playwright/test';
import {
  ALUA0, answer, burst, checkBlocks, Expected, hex, kill, openConsole, pattern, profile, reopen, SET_RR, stampChecker, storedExtents, storm,
  SYNCHRONIZE_CACHE_10, write10, writeBackLun,
} from './crash-lab';
import { openLab } from './lab-page';

// Crash consistency in a real Chromium, on a profile on disk. The sandbox's LUNs keep their blocks
// in IndexedDB; the test writes known bytes at the console (`sg`, PathLab's sg_raw) and notes each
// answer as it comes back, while a fio job keeps a write-back LUN's flushes big and frequent. Then
// the page is killed mid-run (closed, or its renderer crashed), within milliseconds of the last
// answer and with a write in flight, and the lab is reopened in the same profile. Every write
// answered GOOD on a write-through LUN, and every write followed by a completed SYNCHRONIZE CACHE
// on a write-back one, reads back intact; a write not (yet) covered reads back old or new, never a
// mix inside a block, nor inside an extent (one IndexedDB record). The lab comes back as last
// saved. When the storage quota runs out, no extent is half-written.
// What a black-box kill cannot see: a store answering a little before its commit. The console
// shows an answer only after the lab's state is saved too, which gives such a commit time to land;
// tests/unit/blockstore.test.ts checks that order (commit, then answer) directly.

for (const how of ['page closed', 'renderer crashed'] as const) {
  test(`write-through, ${how} mid-run: every write answered GOOD reads back intact, the one in flight old or new`, async ({ baseURL }, info) => {
    test.setTimeout(180_000);
    const context = await profile(info, baseURL);
    const page = context.pages()[0] ?? (await context.newPage());
    const c = await openConsole(page, baseURL, true);
    await c.line(SET_RR);
    const stormLun = await writeBackLun();
    await storm(page, c, stormLun.naa);
    const expected = new Expected(512);
    const base = 65_536; // 32 MiB into alua-array LUN 0 (write-through)
    const sgWrite = (lba: number, data: Uint8Array) => `sg --json --array alua-array --lun 0 --data-out ${hex(data).replaceAll(' ', '')} ${write10(lba, data.length / 512)}`;
    // One at a time, each noted durable when its GOOD comes back: the second crosses an extent boundary.
    const writes: [number, number][] = [[base, 2], [base + 62, 4], [base + 100, 2], [base + 200, 8], [base + 100, 2]];
    for (const [k, [lba, blocks]] of writes.entries()) {
      const data = pattern(k + 1, blocks * 512);
      expected.wrote(lba, data);
      const r = answer(await c.line(sgWrite(lba, data)));
      expect(r.status, `WRITE ${k + 1}: sense ${r.sense}`).toBe(0);
      expected.durable(lba, data);
    }
    // The last one answered, then at once the kill, with 96 blocks over three extents in flight on
    // top of acknowledged ones.
    const sixth = pattern(6, 512);
    const last = pattern(100, 96 * 512);
    expected.wrote(base + 1000, sixth);
    expected.wrote(base + 48, last);
    const [answered] = await burst(page, [sgWrite(base + 1000, sixth)], [sgWrite(base + 48, last)]);
    await kill(page, how);
    expect(answer(answered).status).toBe(0);
    expected.durable(base + 1000, sixth);

    // The history as last saved: with the line in flight if it finished in time, else without.
    const again = await reopen(context, baseURL, [sgWrite(base + 48, last), sgWrite(base + 1000, sixth)]);
    await checkBlocks(again, 'alua-array', 0, expected);
    // The storm's blocks, never acknowledged as durable: each one old (zeros) or new, none torn.
    const stamps = await stampChecker();
    const stormExtents = await storedExtents(again.page, stormLun.naa);
    expect(stormExtents.length).toBeGreaterThan(0);
    let stamped = 0;
    for (const { extent, bytes } of stormExtents) {
      for (let b = 0; b < 8; b++) {
        const state = stamps.check(bytes.subarray(b * 4096, (b + 1) * 4096), extent * 8 + b);
        expect(state, `storm LBA ${extent * 8 + b}`).not.toBe('torn');
        if (state === 'stamped') stamped++;
      }
    }
    expect(stamped).toBeGreaterThan(0);
    stamps.close();
    await again.verifyClean();
    await context.close();
  });

  test(`write-back, ${how} mid-run: every write before a completed SYNCHRONIZE CACHE reads back intact`, async ({ baseURL }, info) => {
    test.setTimeout(180_000);
    const context = await profile(info, baseURL);
    const page = context.pages()[0] ?? (await context.newPage());
    const c = await openConsole(page, baseURL, true);
    await c.line(SET_RR);
    const expected = new Expected(4096);
    const base = 10_000; // 40 MiB into aa-array LUN 1 (write-back)
    const sgWrite = (seed: number, lba: number, blocks: number) => {
      const data = pattern(seed, blocks * 4096);
      expected.wrote(lba, data);
      return `sg --json --array aa-array --lun 1 --data-out ${hex(data).replaceAll(' ', '')} ${write10(lba, blocks)}`;
    };
    // Back to back, well inside the store's 1 s destage delay: only the SYNCHRONIZE CACHE makes
    // these durable before the kill.
    const before = [sgWrite(1, base, 1), sgWrite(2, base + 7, 1), sgWrite(3, base + 8, 1), sgWrite(4, base + 20, 2)];
    const sync = `sg --json --array aa-array --lun 1 ${SYNCHRONIZE_CACHE_10}`;
    expected.synchronized(); // what the SYNCHRONIZE CACHE promises once GOOD, checked below
    // Then, acknowledged (write-back) but not synchronized, and killed at once: each may be lost,
    // none may be torn. One crosses the extent boundary, over blocks 2 and 3.
    const after = [sgWrite(5, base, 1), sgWrite(6, base + 7, 3), sgWrite(7, base + 30, 1)];
    const answers = await burst(page, [...before, sync], after);
    await kill(page, how);
    for (const [i, a] of answers.entries()) expect(answer(a).status, `answer ${i + 1}: ${a}`).toBe(0);

    const again = await reopen(context, baseURL, [sync, ...after]);
    await checkBlocks(again, 'aa-array', 1, expected);
    await again.verifyClean();
    await context.close();
  });
}

test('when the quota runs out mid-run, every extent in IndexedDB is entirely old or entirely new', async ({ baseURL }, info) => {
  test.setTimeout(120_000);
  const context = await profile(info, baseURL, 256 * 1024);
  const page = context.pages()[0] ?? (await context.newPage());
  const c = await openConsole(page, baseURL, true);
  // Writes of one whole extent each, stamped by fio (LBA, sequence, pattern) in every block, one
  // at a time so that some transactions fit before the quota runs out.
  const fill = await c.line(`fio --name fill --device ${ALUA0} --rw write --bs 32k --iodepth 1 --size 8m --verify`);
  expect(Number(/errors: (\d+)/.exec(fill)?.[1]), fill).toBeGreaterThan(0);
  await expect(page.getByRole('alert')).toContainText('storage quota exceeded');
  await kill(page, 'page closed');

  // What IndexedDB holds for the LUN, read in a new page of the same profile.
  const reader = await context.newPage();
  await reader.goto('./');
  const stored = await storedExtents(reader, ALUA0);
  expect(stored.length, 'some extents were kept before the quota ran out').toBeGreaterThan(0);
  expect(stored.length, 'and not all of them').toBeLessThan(256);
  // Each extent kept holds all 64 blocks fio stamped in it; one not kept reads zeros (old).
  const stamps = await stampChecker();
  for (const { extent, bytes } of stored) {
    expect(bytes.length).toBe(32 * 1024);
    for (let b = 0; b < 64; b++) expect(stamps.check(bytes.subarray(b * 512, (b + 1) * 512), extent * 64 + b), `extent ${extent}, block ${b}`).toBe('stamped');
  }
  stamps.close();
  await context.close();
});

test('the idb_write_mbps meter times 4 KiB write-through WRITEs into IndexedDB and keeps every one', async ({ page, baseURL }) => {
  await openLab(page, baseURL);
  // The built stack worker, called as the page calls it (comlink's wire format), in a worker of its own.
  const url = page.workers().map((w) => w.url()).find((u) => /\/worker-[^/]*\.js$/.test(u));
  expect(url).toBeDefined();
  const m = await page.evaluate(async (url) => {
    const worker = new Worker(url, { type: 'module' });
    const reply = await new Promise<{ type: string; value: unknown }>((resolve) => {
      worker.addEventListener('message', (e: MessageEvent) => e.data?.id === 'meter' && resolve(e.data));
      worker.postMessage({ id: 'meter', type: 'APPLY', path: ['measureIdbWrites'], argumentList: [{ type: 'RAW', value: 1 << 20 }] });
    });
    worker.terminate();
    const names = (await indexedDB.databases()).map((d) => d.name);
    return { reply, names };
  }, url!);
  expect(m.reply.type).toBe('RAW');
  const r = m.reply.value as { mbps: number; writes: number; bytes: number; seconds: number; extentsStored: number };
  expect(r.writes).toBe(256);
  expect(r.extentsStored).toBe(32); // 1 MiB of 32 KiB extents, found by a fresh connection
  expect(r.mbps).toBeCloseTo(r.bytes / 1e6 / r.seconds, 6);
  expect(m.names).not.toContain('pathlab-idb-write-meter');
});
