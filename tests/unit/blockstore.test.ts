// The block stores behind the LUNs: sparse extents in the data arena (memory), plus durability,
// batching and reload (IndexedDB, here on fake-indexeddb). Then the same through the arrays: a
// write-through WRITE is GOOD only once durable, a write-back one at once until SYNCHRONIZE CACHE.

import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXTENT_SIZE, type BlockStore, type Volume } from '../../src/stack/blockstore/block-store';
import { MemoryBlockStore } from '../../src/stack/blockstore/memory-store';
import { IndexedDbBlockStore, MAX_EXTENTS_PER_TRANSACTION } from '../../src/stack/blockstore/indexeddb-store';
import { measureIdbWrites } from '../../src/stack/blockstore/write-meter';
import { Arena } from '../../src/stack/memory/arena';
import { TsSgCopy, wasmSgCopy } from '../../src/stack/memory/sgcopy';
import { loadWasm } from '../../src/stack/wasm/load';
import { bootStack } from '../../src/stack/boot';
import { sendCdb, type SgResponse } from '../../src/stack/initiator/sg-request';

// ---- IndexedDB instrumentation: read-write transactions created and committed, puts issued ----

const tally = { readwrite: 0, committed: 0, puts: 0, events: [] as string[], durability: new Set<string>(), abortNth: 0 };
const originalTransaction = IDBDatabase.prototype.transaction;
const originalPut = IDBObjectStore.prototype.put;

function resetTally(): void {
  tally.readwrite = tally.committed = tally.puts = tally.abortNth = 0;
  tally.events = [];
  tally.durability.clear();
}

beforeEach(() => {
  resetTally();
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    const tx = originalTransaction.apply(this, args);
    if (tx.mode === 'readwrite') {
      tally.readwrite++;
      tally.durability.add(tx.durability);
      // Abort the Nth read-write transaction once its requests are queued, as a full disk would.
      if (tally.readwrite === tally.abortNth) queueMicrotask(() => tx.abort());
      // Listeners added here run before the store's own oncomplete handler.
      tx.addEventListener('complete', () => {
        tally.committed++;
        tally.events.push('commit');
      });
    }
    return tx;
  } as IDBDatabase['transaction'];
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    tally.puts++;
    return originalPut.apply(this, args);
  };
});

afterEach(() => {
  IDBDatabase.prototype.transaction = originalTransaction;
  IDBObjectStore.prototype.put = originalPut;
});

let dbCounter = 0;
const freshDbName = (label: string) => `blockstore-test-${label}-${process.pid}-${++dbCounter}`;

// ---- helpers over a volume ----

/** Maps extents [first, first+count) and returns their arena addresses (0 = hole). */
function mapNow(arena: Arena, volume: Volume, first: number, count: number, forWrite: boolean): number[] {
  const table = arena.alloc(4 * count);
  try {
    const pending = volume.map(first, count, forWrite, table);
    expect(pending, 'map completes synchronously').toBeNull();
    const dv = arena.dv;
    return Array.from({ length: count }, (_, i) => dv.getUint32(table + 4 * i, true));
  } finally {
    arena.free(table, 4 * count);
  }
}

/** Maps, waiting for extents to load when map asks for it; reports whether it had to wait. */
async function mapLoaded(arena: Arena, volume: Volume, first: number, count: number): Promise<{ waited: boolean; addrs: number[] }> {
  const table = arena.alloc(4 * count);
  try {
    let waited = false;
    let pending = volume.map(first, count, false, table);
    while (pending) {
      waited = true;
      await pending;
      pending = volume.map(first, count, false, table);
    }
    const dv = arena.dv;
    return { waited, addrs: Array.from({ length: count }, (_, i) => dv.getUint32(table + 4 * i, true)) };
  } finally {
    arena.free(table, 4 * count);
  }
}

function fillExtent(arena: Arena, addr: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(EXTENT_SIZE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (seed * 131 + i * 17 + (i >> 9)) & 0xff;
  arena.u8.set(bytes, addr);
  return bytes;
}

const extentAt = (arena: Arena, addr: number) => arena.u8.slice(addr, addr + EXTENT_SIZE);
const isZero = (b: Uint8Array) => b.every((x) => x === 0);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const durable = (volume: Volume) => new Promise<Error | undefined>((resolve) => volume.whenDurable(resolve));

// ---- both stores: sparse extents ----

type Kind = 'memory' | 'indexeddb';
async function openStore(kind: Kind, arena: Arena, dbName = freshDbName('sparse')): Promise<BlockStore> {
  return kind === 'memory' ? new MemoryBlockStore(arena) : IndexedDbBlockStore.open(arena, dbName);
}

describe.each(['memory', 'indexeddb'] as const)('%s block store: sparse extents', (kind) => {
  let arena: Arena;
  let store: BlockStore;

  beforeEach(async () => {
    arena = new Arena(new TsSgCopy());
    store = await openStore(kind, arena);
  });
  afterEach(() => store.close());

  it('a fresh volume is all holes: unwritten extents map to 0 and nothing is allocated', async () => {
    const volume = await store.open('naa.lun-a');
    expect(volume.key).toBe('naa.lun-a');
    expect(mapNow(arena, volume, 0, 8, false)).toEqual(new Array(8).fill(0));
    expect(mapNow(arena, volume, 1_000_000, 2, false)).toEqual([0, 0]);
    expect(volume.allocatedExtents()).toBe(0);
  });

  it('map(forWrite) allocates zeroed extents, keeps their addresses, and counts only those', async () => {
    const volume = await store.open('naa.lun-a');
    const [a, b] = mapNow(arena, volume, 3, 2, true);
    expect(a).not.toBe(0);
    expect(b).not.toBe(0);
    expect(a).not.toBe(b);
    expect(isZero(extentAt(arena, a))).toBe(true);
    expect(isZero(extentAt(arena, b))).toBe(true);
    volume.written(3, 2);
    expect(volume.allocatedExtents()).toBe(2);
    // A read map of a wider range shows the two extents between holes, at the same addresses.
    expect(mapNow(arena, volume, 1, 6, false)).toEqual([0, 0, a, b, 0, 0]);
    // Mapping for write again reuses them.
    expect(mapNow(arena, volume, 4, 1, true)).toEqual([b]);
    expect(volume.allocatedExtents()).toBe(2);
    // A far extent costs one more, not everything in between.
    mapNow(arena, volume, 5_000_000, 1, true);
    volume.written(5_000_000, 1);
    expect(volume.allocatedExtents()).toBe(3);
  });

  it('volumes are separate by key, and open() of the same key returns the same data', async () => {
    const a = await store.open('naa.lun-a');
    const b = await store.open('naa.lun-b');
    const [addr] = mapNow(arena, a, 0, 1, true);
    fillExtent(arena, addr, 1);
    a.written(0, 1);
    expect(mapNow(arena, b, 0, 1, false)).toEqual([0]);
    expect(b.allocatedExtents()).toBe(0);
    const again = await store.open('naa.lun-a');
    expect(mapNow(arena, again, 0, 1, false)).toEqual([addr]);
  });

  it('clear() forgets every volume; extents allocated afterwards are zeroed even when memory is reused', async () => {
    const volume = await store.open('naa.lun-a');
    const addrs = mapNow(arena, volume, 0, 3, true);
    for (const [i, addr] of addrs.entries()) fillExtent(arena, addr, i + 1);
    volume.written(0, 3);
    if (kind === 'indexeddb') await durable(volume);
    await store.clear();
    const fresh = await store.open('naa.lun-a');
    expect(fresh.allocatedExtents()).toBe(0);
    expect(mapNow(arena, fresh, 0, 3, false)).toEqual([0, 0, 0]);
    const again = mapNow(arena, fresh, 0, 3, true);
    for (const addr of again) expect(isZero(extentAt(arena, addr))).toBe(true);
  });

  it('whenDurable calls back (at once for memory, after the flush for IndexedDB) without an error', async () => {
    const volume = await store.open('naa.lun-a');
    const [addr] = mapNow(arena, volume, 0, 1, true);
    fillExtent(arena, addr, 5);
    volume.written(0, 1);
    let called = false;
    let error: Error | undefined = new Error('not called');
    volume.whenDurable((e) => {
      called = true;
      error = e;
    });
    if (kind === 'memory') expect(called, 'memory is durable at once').toBe(true);
    else expect(called, 'IndexedDB cannot be durable synchronously').toBe(false);
    await new Promise<void>((resolve) => {
      const poll = () => (called ? resolve() : setTimeout(poll, 1));
      poll();
    });
    expect(error).toBeUndefined();
  });
});

describe('memory block store on the wasm arena', () => {
  it('map(forWrite) works when allocating extents grows (and detaches) the wasm memory', async () => {
    const arena = new Arena(wasmSgCopy(await loadWasm('sgcopy')));
    const store = new MemoryBlockStore(arena);
    const volume = await store.open('naa.wasm');
    const addrs = mapNow(arena, volume, 0, 4, true);
    expect(addrs.every((a) => a !== 0)).toBe(true);
    expect(volume.allocatedExtents()).toBe(4);
  });
});

describe('IndexedDB block store on the wasm arena', () => {
  it('map(forWrite) works when allocating extents grows (and detaches) the wasm memory', async () => {
    const arena = new Arena(wasmSgCopy(await loadWasm('sgcopy')));
    const store = await IndexedDbBlockStore.open(arena, freshDbName('wasm'));
    try {
      const volume = await store.open('naa.wasm');
      const addrs = mapNow(arena, volume, 0, 4, true);
      expect(addrs.every((a) => a !== 0)).toBe(true);
    } finally {
      store.close();
    }
  });
});

// ---- IndexedDB: durability, batching, reload ----

describe('IndexedDB block store: durability and reload', () => {
  it('whenDurable fires only after the transaction committed; a new store instance then reads the data', async () => {
    const dbName = freshDbName('reload');
    const arena = new Arena(new TsSgCopy());
    const store = await IndexedDbBlockStore.open(arena, dbName);
    const volume = await store.open('naa.reload');
    const [a] = mapNow(arena, volume, 0, 1, true);
    const [b] = mapNow(arena, volume, 5, 1, true);
    const bytesA = fillExtent(arena, a, 11);
    const bytesB = fillExtent(arena, b, 12);
    volume.written(0, 1);
    volume.written(5, 1);
    resetTally();

    let committedWhenCalled = -1;
    const done = new Promise<Error | undefined>((resolve) =>
      volume.whenDurable((error) => {
        committedWhenCalled = tally.committed;
        tally.events.push('durable');
        resolve(error);
      }),
    );
    expect(tally.events).toEqual([]);
    expect(await done).toBeUndefined();
    expect(committedWhenCalled, 'the read-write transaction had committed').toBe(1);
    expect(tally.events).toEqual(['commit', 'durable']);
    expect(tally.puts).toBe(2);

    // "Reload": another arena, another connection, the same database.
    const arena2 = new Arena(new TsSgCopy());
    const store2 = await IndexedDbBlockStore.open(arena2, dbName);
    try {
      const reloaded = await store2.open('naa.reload');
      expect(reloaded.allocatedExtents()).toBe(2);
      const table = arena2.alloc(4 * 6);
      const pending = reloaded.map(0, 6, false, table);
      expect(pending, 'persisted extents must be loaded first').toBeInstanceOf(Promise);
      await pending;
      expect(reloaded.map(0, 6, false, table)).toBeNull();
      const addrs = Array.from({ length: 6 }, (_, i) => arena2.dv.getUint32(table + 4 * i, true));
      expect(addrs.slice(1, 5)).toEqual([0, 0, 0, 0]);
      expect(addrs[0]).not.toBe(0);
      expect(addrs[5]).not.toBe(0);
      expect(sameBytes(extentAt(arena2, addrs[0]), bytesA)).toBe(true);
      expect(sameBytes(extentAt(arena2, addrs[5]), bytesB)).toBe(true);
      // Another volume in the same database stays empty.
      const other = await store2.open('naa.other');
      expect(other.allocatedExtents()).toBe(0);
    } finally {
      store2.close();
      store.close();
    }
  });

  it('many writes in one turn share one transaction; a later turn gets its own', async () => {
    const dbName = freshDbName('batch');
    const arena = new Arena(new TsSgCopy());
    const store = await IndexedDbBlockStore.open(arena, dbName);
    try {
      const v1 = await store.open('naa.batch-1');
      const v2 = await store.open('naa.batch-2');
      resetTally();
      // One turn: five extents over two volumes, each with its own durability wait.
      const waits: Promise<Error | undefined>[] = [];
      for (const [volume, index] of [[v1, 0], [v1, 1], [v1, 7], [v2, 0], [v2, 3]] as const) {
        const [addr] = mapNow(arena, volume, index, 1, true);
        fillExtent(arena, addr, index + 1);
        volume.written(index, 1);
        waits.push(durable(volume));
      }
      expect(await Promise.all(waits)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(tally.readwrite, 'read-write transactions for one turn of writes').toBe(1);
      expect(tally.committed).toBe(1);
      expect(tally.puts).toBe(5);

      // The same extent written twice in one turn is put once.
      resetTally();
      const [addr] = mapNow(arena, v1, 0, 1, true);
      fillExtent(arena, addr, 40);
      v1.written(0, 1);
      const w1 = durable(v1);
      fillExtent(arena, addr, 41);
      v1.written(0, 1);
      const w2 = durable(v1);
      await Promise.all([w1, w2]);
      expect(tally.readwrite).toBe(1);
      expect(tally.puts).toBe(1);
    } finally {
      store.close();
    }
  });

  it('writes arriving while a transaction commits ride the next one together (group commit)', async () => {
    const arena = new Arena(new TsSgCopy());
    const store = await IndexedDbBlockStore.open(arena, freshDbName('group'));
    try {
      const volume = await store.open('naa.group');
      resetTally();
      const write = (index: number, seed: number) => {
        const [addr] = mapNow(arena, volume, index, 1, true);
        fillExtent(arena, addr, seed);
        volume.written(index, 1);
        return new Promise<number>((resolve) => volume.whenDurable(() => resolve(tally.committed)));
      };
      const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
      const first = write(0, 1);
      while (tally.readwrite === 0) await nextTurn(); // its transaction is on its way
      // Two more turns while it commits: both wait for the next transaction, which takes both.
      const second = write(1, 2);
      await nextTurn();
      const third = write(2, 3);
      expect(tally.committed, 'still committing the first').toBe(0);
      expect(await Promise.all([first, second, third]), 'commits seen by each acknowledgement').toEqual([1, 2, 2]);
      expect(tally.readwrite).toBe(2);
      expect(tally.puts).toBe(3);
    } finally {
      store.close();
    }
  });

  it('whenDurable with nothing written calls back without writing', async () => {
    const arena = new Arena(new TsSgCopy());
    const store = await IndexedDbBlockStore.open(arena, freshDbName('idle'));
    try {
      const volume = await store.open('naa.idle');
      resetTally();
      expect(await durable(volume)).toBeUndefined();
      expect(tally.readwrite).toBe(0);
    } finally {
      store.close();
    }
  });

  it('clear() empties the database: a new store instance finds nothing', async () => {
    const dbName = freshDbName('clear');
    const arena = new Arena(new TsSgCopy());
    const store = await IndexedDbBlockStore.open(arena, dbName);
    const volume = await store.open('naa.clear');
    const [addr] = mapNow(arena, volume, 2, 1, true);
    fillExtent(arena, addr, 3);
    volume.written(2, 1);
    await durable(volume);
    await store.clear();
    store.close();

    const arena2 = new Arena(new TsSgCopy());
    const store2 = await IndexedDbBlockStore.open(arena2, dbName);
    try {
      const reloaded = await store2.open('naa.clear');
      expect(reloaded.allocatedExtents()).toBe(0);
      expect((await mapLoaded(arena2, reloaded, 0, 4)).addrs).toEqual([0, 0, 0, 0]);
    } finally {
      store2.close();
    }
  });
});

// ---- IndexedDB: group commit in parts ----

describe('IndexedDB block store: a big flush commits in parts', () => {
  const N = MAX_EXTENTS_PER_TRANSACTION + 10;

  /** A store with N dirty extents on one volume, each filled with its own pattern. */
  async function dirtyStore(dbName: string) {
    const arena = new Arena(new TsSgCopy());
    const store = await IndexedDbBlockStore.open(arena, dbName);
    const volume = await store.open('naa.parts');
    const bytes = mapNow(arena, volume, 0, N, true).map((addr, i) => fillExtent(arena, addr, i + 1));
    volume.written(0, N);
    resetTally();
    return { arena, store, volume, bytes };
  }

  /** The extents a fresh connection finds for naa.parts. */
  async function storedExtents(dbName: string): Promise<number> {
    const store = await IndexedDbBlockStore.open(new Arena(new TsSgCopy()), dbName);
    try {
      return (await store.open('naa.parts')).allocatedExtents();
    } finally {
      store.close();
    }
  }

  it('acknowledges only after the last part committed, every extent put once, with relaxed durability', async () => {
    const dbName = freshDbName('parts');
    const { store, volume, bytes } = await dirtyStore(dbName);
    let committedWhenCalled = -1;
    const error = await new Promise<Error | undefined>((resolve) =>
      volume.whenDurable((e) => {
        committedWhenCalled = tally.committed;
        resolve(e);
      }),
    );
    store.close();
    expect(error).toBeUndefined();
    expect(tally.readwrite).toBe(2);
    expect(committedWhenCalled, 'both parts had committed').toBe(2);
    expect(tally.puts).toBe(N);
    expect([...tally.durability]).toEqual(['relaxed']);
    expect(await storedExtents(dbName)).toBe(N);
    // The last extent, in the second part, holds its own bytes.
    const last = await persistedBytes(dbName, 'naa.parts', (N - 1) * EXTENT_SIZE, EXTENT_SIZE);
    expect(sameBytes(last, bytes[N - 1])).toBe(true);
  });

  it('a part that fails tells the waiters and leaves its extents dirty; the part before stays, a later flush keeps the rest', async () => {
    const dbName = freshDbName('parts-fail');
    const { store, volume } = await dirtyStore(dbName);
    tally.abortNth = 2;
    const error = await durable(volume);
    expect(error?.message).toMatch(/IndexedDB write failed/);
    expect(store.failure).toBe(error?.message);
    expect(await storedExtents(dbName), 'the first part committed, the second did not').toBe(MAX_EXTENTS_PER_TRANSACTION);
    // Within the backoff the next wait fails at once, without a transaction.
    const before = tally.readwrite;
    expect((await durable(volume))?.message).toBe(error?.message);
    expect(tally.readwrite).toBe(before);
    // After it, the extents still dirty are kept and the failure is gone.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await durable(volume)).toBeUndefined();
    expect(store.failure).toBeUndefined();
    store.close();
    expect(await storedExtents(dbName)).toBe(N);
  });

  it('clear() while a flush is in its first part: the rest is not written after the clear, and the waiters hear so', async () => {
    const dbName = freshDbName('parts-clear');
    const { store, volume } = await dirtyStore(dbName);
    const waited = durable(volume);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the first part is on its way
    expect(tally.readwrite).toBe(1);
    await store.clear();
    expect((await waited)?.message).toMatch(/replaced while these writes were being stored/);
    expect(tally.readwrite, 'no second part after the clear').toBe(2); // the flush's first part and the clear
    store.close();
    expect(await storedExtents(dbName)).toBe(0);
  });

  it('a reset while a flush is out fails only the old waiters: the new lab\'s first write is stored, no backoff', async () => {
    const dbName = freshDbName('parts-reset');
    const { arena, store, volume } = await dirtyStore(dbName);
    const waited = durable(volume);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the first part is on its way
    await store.clear();
    expect((await waited)?.message).toMatch(/replaced while these writes were being stored/);
    expect(store.failure, 'a superseded flush is no failure of the store').toBeUndefined();
    const fresh = await store.open('naa.fresh');
    const bytes = fillExtent(arena, mapNow(arena, fresh, 0, 1, true)[0], 77);
    fresh.written(0, 1);
    expect(await durable(fresh)).toBeUndefined();
    store.close();
    expect(sameBytes(await persistedBytes(dbName, 'naa.fresh', 0, EXTENT_SIZE), bytes)).toBe(true);
    expect(await storedExtents(dbName), 'the old volume stays cleared').toBe(0);
  });

  it('a clear that aborts while a flush is out leaves the rest of that flush dirty: a later flush stores all of it', async () => {
    const dbName = freshDbName('parts-clear-abort');
    const { store, volume, bytes } = await dirtyStore(dbName);
    const waited = durable(volume);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the first part is on its way
    tally.abortNth = 2; // the clear's transaction, as a full disk would
    await expect(store.clear()).rejects.toBeDefined();
    expect((await waited)?.message).toMatch(/replaced while these writes were being stored/);
    expect(store.failure).toBeUndefined();
    // The data is still the lab's: destaged a moment later as write-back data is, with nobody waiting.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await storedExtents(dbName)).toBe(N);
    expect(await durable(volume)).toBeUndefined();
    store.close();
    const last = await persistedBytes(dbName, 'naa.parts', (N - 1) * EXTENT_SIZE, EXTENT_SIZE);
    expect(sameBytes(last, bytes[N - 1])).toBe(true);
  });

  it('a store closed between parts fails the waiters instead of leaving them waiting', async () => {
    const dbName = freshDbName('parts-close');
    const { store, volume } = await dirtyStore(dbName);
    const waited = durable(volume);
    await new Promise((resolve) => setTimeout(resolve, 0));
    store.close();
    expect((await waited)?.message).toMatch(/IndexedDB write failed/);
    expect(await storedExtents(dbName)).toBe(MAX_EXTENTS_PER_TRANSACTION);
  });
});

// ---- the idb_write_mbps meter ----

describe('measureIdbWrites (the bench key idb_write_mbps)', () => {
  it('writes 4 KiB WRITEs through a write-through LUN, stores them all, and deletes its scratch database', async () => {
    resetTally();
    const m = await measureIdbWrites(100 * 1024, { queueDepth: 8 });
    expect(m.writes).toBe(25);
    expect(m.bytes).toBe(25 * 4096);
    expect(m.extentsStored).toBe(Math.ceil((25 * 4096) / EXTENT_SIZE));
    expect(m.seconds).toBeGreaterThan(0);
    expect(m.mbps).toBeCloseTo(m.bytes / 1e6 / m.seconds, 6);
    // Acknowledged only after commits, and several WRITEs shared each transaction.
    expect(tally.committed).toBeGreaterThan(0);
    expect(tally.committed).toBeLessThan(25);
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain('pathlab-idb-write-meter');
  });

  it('random offsets land in their own extents; bad arguments are refused with a clear message', async () => {
    const m = await measureIdbWrites(64 * 4096, { pattern: 'random' });
    expect(m.writes).toBe(64);
    expect(m.extentsStored).toBeGreaterThan(32); // 64 writes over a GiB of 32 KiB extents rarely share one
    expect(m.extentsStored).toBeLessThanOrEqual(64);
    await expect(measureIdbWrites(0)).rejects.toThrow(/bytes must be between 1 and 1 GiB, not 0/);
    await expect(measureIdbWrites(4096, { queueDepth: 0.5 })).rejects.toThrow(/queueDepth must be an integer/);
  });
});

// ---- end to end through the arrays ----

const be16 = (x: number): number[] => [(x >>> 8) & 0xff, x & 0xff];
const be32 = (x: number): number[] => [(x >>> 24) & 0xff, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
const read10 = (lba: number, blocks: number) => [0x28, 0, ...be32(lba), 0, ...be16(blocks), 0];
const write10 = (lba: number, blocks: number) => [0x2a, 0, ...be32(lba), 0, ...be16(blocks), 0];
const syncCache10 = () => [0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0];

function pattern(bytes: number, seed: number): Uint8Array {
  const d = new Uint8Array(bytes);
  for (let i = 0; i < d.length; i++) d[i] = (seed * 7 + i * 13 + (i >> 9) * 5) & 0xff;
  return d;
}

function expectGood(r: SgResponse): void {
  expect(r.hostStatus, 'host status').toBe(0);
  const sense = r.sense.length ? `${r.sense[2] & 0xf}/${r.sense[12].toString(16)}/${r.sense[13].toString(16)}` : 'none';
  expect(r.status, `status (sense ${sense})`).toBe(0);
}

/** What a fresh store instance on the same database holds for `key`, bytes [offset, offset+length). */
async function persistedBytes(dbName: string, key: string, offset: number, length: number): Promise<Uint8Array> {
  const arena = new Arena(new TsSgCopy());
  const store = await IndexedDbBlockStore.open(arena, dbName);
  try {
    const volume = await store.open(key);
    const first = Math.floor(offset / EXTENT_SIZE);
    const count = Math.floor((offset + length - 1) / EXTENT_SIZE) - first + 1;
    const { addrs } = await mapLoaded(arena, volume, first, count);
    const out = new Uint8Array(count * EXTENT_SIZE);
    addrs.forEach((addr, i) => {
      if (addr !== 0) out.set(extentAt(arena, addr), i * EXTENT_SIZE);
    });
    const start = offset - first * EXTENT_SIZE;
    return out.slice(start, start + length);
  } finally {
    store.close();
  }
}

describe.each(['wasm', 'typescript'] as const)('arrays on the IndexedDB store, %s engine', (engine) => {
  it('write-through LUN: WRITE(10) is GOOD only once durable, and survives a reload', async () => {
    const databaseName = freshDbName(`wt-${engine}`);
    const stack = await bootStack({ engine, store: 'indexeddb', databaseName });
    const array = stack.array('alua-array')!;
    const lun = array.lun(0)!;
    expect(lun.cacheMode).toBe('write-through');
    // 24 blocks from LBA 56: across the boundary between extents 0 and 1.
    const data = pattern(24 * 512, 1);
    resetTally();
    let r: SgResponse;
    try {
      r = await sendCdb(stack.arena, array, array.ports[0], 0, { cdb: write10(56, 24), dataOut: data });
      expectGood(r);
      expect(tally.committed, 'committed read-write transactions when GOOD arrived').toBe(1);
      expect(tally.puts).toBe(2);
      // Durable means another connection already sees it.
      const seen = await persistedBytes(databaseName, lun.naaId, 56 * 512, data.length);
      expect(sameBytes(seen, data)).toBe(true);
    } finally {
      stack.close();
    }

    const stack2 = await bootStack({ engine, store: 'indexeddb', databaseName });
    try {
      const array2 = stack2.array('alua-array')!;
      const back = await sendCdb(stack2.arena, array2, array2.ports[2], 0, { cdb: read10(56, 24), dataIn: data.length });
      expectGood(back);
      expect(sameBytes(back.dataIn, data)).toBe(true);
      const around = await sendCdb(stack2.arena, array2, array2.ports[0], 0, { cdb: read10(48, 8), dataIn: 8 * 512 });
      expectGood(around);
      expect(isZero(around.dataIn)).toBe(true);
    } finally {
      stack2.close();
    }
  });

  it('write-through LUN: WRITEs sent in one turn are made durable by one transaction', async () => {
    const databaseName = freshDbName(`batch-${engine}`);
    const stack = await bootStack({ engine, store: 'indexeddb', databaseName });
    try {
      const array = stack.array('alua-array')!;
      resetTally();
      const writes = Array.from({ length: 6 }, (_, i) =>
        // 64 blocks of 512 bytes per extent: each WRITE lands in its own extent.
        sendCdb(stack.arena, array, array.ports[i % 2], 0, { cdb: write10(i * 64, 2), dataOut: pattern(1024, i) }),
      );
      for (const r of await Promise.all(writes)) expectGood(r);
      expect(tally.readwrite).toBe(1);
      expect(tally.puts).toBe(6);
    } finally {
      stack.close();
    }
  });

  it('write-back LUN: WRITE is GOOD before durable; after SYNCHRONIZE CACHE a new stack reads it back', async () => {
    const databaseName = freshDbName(`wb-${engine}`);
    const stack = await bootStack({ engine, store: 'indexeddb', databaseName });
    const array = stack.array('aa-array')!;
    const lun = array.lun(1)!;
    expect(lun.cacheMode).toBe('write-back');
    expect(lun.blockSize).toBe(4096);
    // 4 blocks from LBA 6: across extents 0 and 1 (8 blocks of 4096 per extent).
    const data = pattern(4 * 4096, 2);
    try {
      resetTally();
      const w = await sendCdb(stack.arena, array, array.ports[1], 1, { cdb: write10(6, 4), dataOut: data });
      expectGood(w);
      expect(tally.committed, 'nothing committed yet when the write-back GOOD arrived').toBe(0);
      const sync = await sendCdb(stack.arena, array, array.ports[0], 1, { cdb: syncCache10() });
      expectGood(sync);
      expect(tally.committed).toBeGreaterThanOrEqual(1);
      const seen = await persistedBytes(databaseName, lun.naaId, 6 * 4096, data.length);
      expect(sameBytes(seen, data)).toBe(true);
    } finally {
      stack.close();
    }

    const stack2 = await bootStack({ engine, store: 'indexeddb', databaseName });
    try {
      const array2 = stack2.array('aa-array')!;
      const back = await sendCdb(stack2.arena, array2, array2.ports[0], 1, { cdb: read10(6, 4), dataIn: data.length });
      expectGood(back);
      expect(sameBytes(back.dataIn, data)).toBe(true);
    } finally {
      stack2.close();
    }
  });
});
