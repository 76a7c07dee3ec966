// Block store on IndexedDB: the arena caches extents, IndexedDB keeps them across reloads.
// Writes are batched: every extent dirtied since the last flush goes into one transaction, and the
// writes waiting for durability are acknowledged when that transaction commits. A transaction is
// atomic, so a crash or a quota error leaves each extent either old or new, never half-written.

import type { Arena } from '../memory/arena';
import { EXTENT_SIZE, type BlockStore, type Volume } from './block-store';
import { ExtentTable } from './extent-table';

const STORE = 'extents';
/** Write-back data is destaged this long after it was written, even without SYNCHRONIZE CACHE. */
const DESTAGE_DELAY_MS = 1000;
/**
 * After a failed transaction (the quota, most often) writes wanting durability fail at once for
 * this long instead of each retrying every dirty extent; then one transaction tries again.
 */
const RETRY_AFTER_FAILURE_MS = 1000;

type ExtentKey = [string, number];

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

class IdbVolume implements Volume {
  readonly cached = new ExtentTable();
  readonly dirty = new Set<number>();
  /** Persisted extents deallocated since the last flush: the flush deletes them from IndexedDB. */
  readonly deleted = new Set<number>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(
    readonly key: string,
    private readonly store: IndexedDbBlockStore,
    /** Extents that exist in IndexedDB (loaded at open, grown by every flush). */
    readonly persisted: Set<number>,
  ) {}

  map(first: number, count: number, forWrite: boolean, table: number): Promise<void> | null {
    const arena = this.store.arena;
    let missing: number[] | undefined;
    for (let i = 0; i < count; i++) {
      const index = first + i;
      if (this.cached.get(index) === 0 && this.persisted.has(index)) (missing ??= []).push(index);
    }
    if (missing) return this.load(missing);
    for (let i = 0; i < count; i++) {
      let addr = this.cached.get(first + i);
      if (addr === 0 && forWrite) {
        addr = arena.alloc(EXTENT_SIZE);
        this.cached.set(first + i, addr);
      }
      // Re-read the view each time: an alloc may have grown (and so replaced) the wasm memory.
      arena.dv.setUint32(table + 4 * i, addr, true);
    }
    return null;
  }

  written(first: number, count: number): void {
    for (let i = 0; i < count; i++) this.dirty.add(first + i);
    this.store.destageLater();
  }

  deallocate(first: number, count: number): void {
    const arena = this.store.arena;
    for (let index = first; index < first + count; index++) {
      const addr = this.cached.get(index);
      if (addr !== 0) {
        arena.free(addr, EXTENT_SIZE);
        this.cached.set(index, 0);
      }
      this.dirty.delete(index);
      // No longer persisted as far as reads go: a load still in flight must not bring it back. A
      // cached extent may be in a transaction now: delete it too, and that flush must not count it.
      if (this.persisted.delete(index) || addr !== 0) this.deleted.add(index);
    }
    if (this.deleted.size > 0) this.store.destageLater();
  }

  whenDurable(done: (error?: Error) => void): void {
    this.store.flushSoon(done);
  }

  allocatedExtents(): number {
    let n = this.persisted.size;
    for (const [index] of this.cached.entries()) if (!this.persisted.has(index)) n++;
    return n;
  }

  private load(indexes: number[]): Promise<void> {
    const waits: Promise<void>[] = [];
    const fresh: number[] = [];
    for (const index of indexes) {
      const pending = this.loading.get(index);
      if (pending) waits.push(pending);
      else fresh.push(index);
    }
    if (fresh.length > 0) {
      const loaded = this.store.readExtents(this.key, fresh).then((values) => {
        values.forEach((bytes, i) => {
          const index = fresh[i];
          this.loading.delete(index);
          // Written meanwhile (the new bytes win), or deallocated meanwhile (it reads zeros now).
          if (this.cached.get(index) !== 0 || !this.persisted.has(index)) return;
          const addr = this.store.arena.alloc(EXTENT_SIZE);
          if (bytes) this.store.arena.u8.set(bytes.subarray(0, EXTENT_SIZE), addr);
          this.cached.set(index, addr);
        });
      });
      for (const index of fresh) this.loading.set(index, loaded);
      waits.push(loaded);
    }
    return Promise.all(waits).then(() => undefined);
  }
}

export class IndexedDbBlockStore implements BlockStore {
  readonly kind = 'indexeddb';
  failure: string | undefined;
  private retryAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly volumes = new Map<string, IdbVolume>();
  private waiting: ((error?: Error) => void)[] = [];
  private flushing = false;
  private flushQueued = false;
  private destageTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    readonly arena: Arena,
    private readonly db: IDBDatabase,
  ) {}

  static async open(arena: Arena, name = 'pathlab-blocks', factory: IDBFactory = indexedDB): Promise<IndexedDbBlockStore> {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    return new IndexedDbBlockStore(arena, await request(req));
  }

  async open(key: string): Promise<Volume> {
    const existing = this.volumes.get(key);
    if (existing) return existing;
    const range = IDBKeyRange.bound([key, 0], [key, Number.MAX_SAFE_INTEGER]);
    const keys = (await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).getAllKeys(range))) as ExtentKey[];
    const volume = this.volumes.get(key) ?? new IdbVolume(key, this, new Set(keys.map((k) => k[1])));
    this.volumes.set(key, volume);
    return volume;
  }

  readExtents(key: string, indexes: number[]): Promise<(Uint8Array | undefined)[]> {
    const store = this.db.transaction(STORE, 'readonly').objectStore(STORE);
    return Promise.all(indexes.map((index) => request(store.get([key, index]) as IDBRequest<Uint8Array | undefined>)));
  }

  /** Flushes at the end of this turn, so every write of the turn shares one transaction. */
  flushSoon(done: (error?: Error) => void): void {
    this.waiting.push(done);
    this.queueFlush();
  }

  destageLater(): void {
    this.destageTimer ??= setTimeout(() => {
      this.destageTimer = undefined;
      this.queueFlush();
    }, DESTAGE_DELAY_MS);
  }

  /** Every persisted extent (after writing out what is dirty), for a lab export. */
  async exportExtents(): Promise<{ volume: string; extent: number; data: Uint8Array }[]> {
    await new Promise<void>((resolve, reject) => this.flushSoon((error) => (error ? reject(error) : resolve())));
    const store = this.db.transaction(STORE, 'readonly').objectStore(STORE);
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    return (keys as ExtentKey[]).map(([volume, extent], i) => ({ volume, extent, data: values[i] as Uint8Array }));
  }

  /**
   * Replaces every extent with `extents` in one transaction: all of them land, or (a quota error,
   * a crash) none do and the old blocks stay. The volumes must be opened again afterwards.
   */
  async replaceExtents(extents: { volume: string; extent: number; data: Uint8Array }[]): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    store.clear();
    for (const e of extents) store.put(e.data, [e.volume, e.extent]);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(describe(tx.error));
    });
    for (const volume of this.volumes.values()) {
      for (const [, addr] of volume.cached.entries()) this.arena.free(addr, EXTENT_SIZE);
    }
    this.volumes.clear();
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
    for (const volume of this.volumes.values()) {
      for (const [, addr] of volume.cached.entries()) this.arena.free(addr, EXTENT_SIZE);
    }
    this.volumes.clear();
  }

  close(): void {
    clearTimeout(this.destageTimer);
    clearTimeout(this.retryTimer);
    this.db.close();
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setTimeout(() => {
      this.flushQueued = false;
      if (!this.flushing) this.flush();
    }, 0);
  }

  private flush(): void {
    const callbacks = this.waiting;
    this.waiting = [];
    if (this.failure !== undefined && performance.now() < this.retryAt) {
      // Still failing: say so now, and try again once the backoff is over.
      const error = new Error(this.failure);
      for (const done of callbacks) done(error);
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.retryAt = 0;
        this.queueFlush();
      }, this.retryAt - performance.now());
      return;
    }
    const batch: { volume: IdbVolume; index: number }[] = [];
    const deletions: { volume: IdbVolume; index: number }[] = [];
    for (const volume of this.volumes.values()) {
      for (const index of volume.dirty) batch.push({ volume, index });
      for (const index of volume.deleted) deletions.push({ volume, index });
      volume.dirty.clear();
      volume.deleted.clear();
    }
    if (batch.length === 0 && deletions.length === 0) {
      for (const done of callbacks) done();
      return;
    }
    this.flushing = true;
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const u8 = this.arena.u8;
    // Deletions first: an extent deallocated and then written again ends up with the new bytes.
    for (const { volume, index } of deletions) store.delete([volume.key, index]);
    for (const { volume, index } of batch) {
      const addr = volume.cached.get(index);
      store.put(u8.slice(addr, addr + EXTENT_SIZE), [volume.key, index]);
    }
    const finish = (error?: Error) => {
      this.flushing = false;
      this.failure = error?.message;
      if (error) this.retryAt = performance.now() + RETRY_AFTER_FAILURE_MS;
      for (const { volume, index } of batch) {
        // Deallocated while the transaction ran: the next flush deletes it, so it is not persisted.
        if (volume.deleted.has(index)) continue;
        if (error) volume.dirty.add(index);
        else volume.persisted.add(index);
      }
      // A failed deletion is retried; meanwhile the extent reads zeros (it is not persisted here).
      if (error) for (const { volume, index } of deletions) volume.deleted.add(index);
      for (const done of callbacks) done(error);
      if (this.waiting.length > 0) this.queueFlush();
      // Data dirtied while this transaction ran still needs destaging (write-back LUNs).
      else if (!error && [...this.volumes.values()].some((v) => v.dirty.size > 0 || v.deleted.size > 0)) this.destageLater();
    };
    tx.oncomplete = () => finish();
    tx.onabort = () => finish(describe(tx.error));
  }
}

function describe(error: DOMException | null): Error {
  if (error?.name === 'QuotaExceededError') return new Error('storage quota exceeded: the browser refused to store more blocks');
  return new Error(`IndexedDB write failed: ${error?.message ?? 'transaction aborted'}`);
}
