// Block store on IndexedDB: the arena caches extents, IndexedDB keeps them across reloads.
// Writes are group-committed: every extent dirtied since the last flush goes out together (in
// transactions of at most MAX_EXTENTS_PER_TRANSACTION extents, one after another), and the writes
// waiting for durability are acknowledged once the last of them commits; while one flush commits,
// the next gathers. A transaction is atomic and an extent is one record, so a crash or a quota
// error leaves each extent either old or new, never half-written; and no write is acknowledged
// before the transaction carrying it committed.

import type { Arena } from '../memory/arena';
import { EXTENT_SIZE, type BlockStore, type Volume } from './block-store';
import { IdbVolume, type VolumeStore } from './idb-volume';

const STORE = 'extents';
/** Write-back data is destaged this long after it was written, even without SYNCHRONIZE CACHE. */
const DESTAGE_DELAY_MS = 1000;
/**
 * After a failed transaction (the quota, most often) writes wanting durability fail at once for
 * this long instead of each retrying every dirty extent; then one transaction tries again.
 */
const RETRY_AFTER_FAILURE_MS = 1000;
/**
 * Extents per transaction (4 MiB): each put copies its extent out of the arena until the commit,
 * so a flush of much dirty data (a write-back LUN's second of writes) costs this much extra memory
 * at a time, not a copy of all of it. Batches this big already run at IndexedDB's bulk rate.
 */
export const MAX_EXTENTS_PER_TRANSACTION = 128;
/**
 * Relaxed durability (Chromium's default since 121, said here on purpose): `complete` fires once
 * the changes are handed to the operating system, without waiting for an fsync. That is what the
 * acknowledgements promise: the IndexedDB backing store lives in the browser process, not in the
 * page's renderer, so a committed transaction survives the page being closed, the renderer
 * crashing or the tab being killed; only an OS crash or power loss could still lose it, which
 * strict durability (about 1 ms per commit, 3-10x slower) would cover and a lab need not.
 */
const TX_OPTIONS: IDBTransactionOptions = { durability: 'relaxed' };

type ExtentKey = [string, number];
type Done = (error?: Error) => void;
/** An extent to put (or delete) in the next transaction. */
interface Dirty {
  volume: IdbVolume;
  index: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IndexedDbBlockStore implements BlockStore, VolumeStore {
  readonly kind = 'indexeddb';
  failure: string | undefined;
  private retryAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly volumes = new Map<string, IdbVolume>();
  private waiting: Done[] = [];
  /** Bumped by clear() and replaceExtents(): a flush still running must not bring old data back. */
  private generation = 0;
  /** Clears and replaces whose transaction has not yet committed or aborted. */
  private replacesPending = 0;
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

  async storedExtents(prefix: string): Promise<Map<string, number[]>> {
    // Every key string that starts with `prefix` sorts between these two.
    const range = IDBKeyRange.bound([prefix, 0], [`${prefix}\uffff`, Infinity]);
    const keys = (await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).getAllKeys(range))) as ExtentKey[];
    const out = new Map<string, number[]>();
    for (const [key, index] of keys) {
      // An open volume knows better: written since, or given back and not yet deleted.
      if (this.volumes.has(key)) continue;
      const list = out.get(key);
      if (list) list.push(index);
      else out.set(key, [index]);
    }
    for (const [key, volume] of this.volumes) if (key.startsWith(prefix)) out.set(key, volume.allocatedIndexes());
    return out;
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
    const tx = this.db.transaction(STORE, 'readwrite', TX_OPTIONS);
    this.generation++;
    const store = tx.objectStore(STORE);
    store.clear();
    for (const e of extents) store.put(e.data, [e.volume, e.extent]);
    await this.replacing(tx, () => describe(tx.error));
    for (const volume of this.volumes.values()) {
      for (const [, addr] of volume.cached.entries()) this.arena.free(addr, EXTENT_SIZE);
    }
    this.volumes.clear();
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite', TX_OPTIONS);
    this.generation++;
    tx.objectStore(STORE).clear();
    await this.replacing(tx, () => tx.error);
    for (const volume of this.volumes.values()) {
      for (const [, addr] of volume.cached.entries()) this.arena.free(addr, EXTENT_SIZE);
    }
    this.volumes.clear();
  }

  /**
   * Waits for the transaction of a clear or a replace. If it aborts, the volumes stay the lab's,
   * with what a flush superseded by it left dirty: that is destaged as usual.
   */
  private replacing(tx: IDBTransaction, error: () => unknown): Promise<void> {
    this.replacesPending++;
    return new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => {
        this.replacesPending--;
        resolve();
      };
      tx.onabort = () => {
        this.replacesPending--;
        this.destageLater();
        reject(error());
      };
    });
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
    const batch: Dirty[] = [];
    const deletions: Dirty[] = [];
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
    this.commit(batch, deletions, 0, this.generation, callbacks);
  }

  /**
   * Commits batch[from, from + MAX_EXTENTS_PER_TRANSACTION) in one transaction (the deletions ride
   * the first), then the next part; the callbacks hear once all of it committed, or of the first
   * failure. Each part copies its extents when it starts, so it carries their newest bytes.
   */
  private commit(batch: Dirty[], deletions: Dirty[], from: number, generation: number, callbacks: Done[]): void {
    if (generation !== this.generation) return this.superseded(batch, from, callbacks);
    let tx: IDBTransaction;
    try {
      tx = this.db.transaction(STORE, 'readwrite', TX_OPTIONS);
    } catch (e) {
      // The connection is closing (the host shut down mid-flush): nothing more can be kept.
      return this.failed(batch, deletions, from, callbacks, new Error(`IndexedDB write failed: ${e instanceof Error ? e.message : String(e)}`));
    }
    const part = batch.slice(from, from + MAX_EXTENTS_PER_TRANSACTION);
    const store = tx.objectStore(STORE);
    const u8 = this.arena.u8;
    // Deletions first: an extent deallocated and then written again ends up with the new bytes.
    for (const { volume, index } of deletions) store.delete([volume.key, index]);
    for (const { volume, index } of part) {
      const addr = volume.cached.get(index);
      // Deallocated since the flush began: its deletion goes with the next flush.
      if (addr !== 0) store.put(u8.slice(addr, addr + EXTENT_SIZE), [volume.key, index]);
    }
    tx.oncomplete = () => {
      for (const { volume, index } of part) {
        // Deallocated while the transaction ran: the next flush deletes it, so it is not persisted.
        if (!volume.deleted.has(index) && volume.cached.get(index) !== 0) volume.persisted.add(index);
      }
      const next = from + part.length;
      if (next < batch.length) this.commit(batch, [], next, generation, callbacks);
      else this.finish(callbacks);
    };
    tx.onabort = () => this.failed(batch, deletions, from, callbacks, describe(tx.error));
  }

  /** Parts from `from` on did not commit: they stay dirty (the parts before stay committed). */
  private failed(batch: Dirty[], deletions: Dirty[], from: number, callbacks: Done[], error: Error): void {
    for (const { volume, index } of batch.slice(from)) if (!volume.deleted.has(index)) volume.dirty.add(index);
    // A failed deletion is retried; meanwhile the extent reads zeros (it is not persisted here).
    for (const { volume, index } of deletions) volume.deleted.add(index);
    this.finish(callbacks, error);
  }

  /**
   * Cleared or replaced meanwhile (a reset, an import): the rest is not written over the new blocks,
   * and its waiters fail. That is no failure of the store: the new lab's writes must not hit the
   * backoff. The rest stays dirty, for the clear or replace may abort (the quota) and leave these
   * volumes in use; if it commits, they go with their dirty marks. Destaged once it is settled: a
   * flush queued before its commit would bring old blocks back after it.
   */
  private superseded(batch: Dirty[], from: number, callbacks: Done[]): void {
    for (const { volume, index } of batch.slice(from)) if (!volume.deleted.has(index)) volume.dirty.add(index);
    this.settle(callbacks, new Error('the blocks were replaced while these writes were being stored'));
    // Still pending: its abort destages them (see replacing).
    if (this.replacesPending === 0) this.destageLater();
  }

  private finish(callbacks: Done[], error?: Error): void {
    this.failure = error?.message;
    if (error) this.retryAt = performance.now() + RETRY_AFTER_FAILURE_MS;
    this.settle(callbacks, error);
  }

  /** Ends a flush: tells its waiters, then starts the next flush if anyone waits. */
  private settle(callbacks: Done[], error?: Error): void {
    this.flushing = false;
    for (const done of callbacks) done(error);
    if (this.waiting.length > 0) this.queueFlush();
    // Data dirtied while this flush ran still needs destaging (write-back LUNs).
    else if (!error && [...this.volumes.values()].some((v) => v.dirty.size > 0 || v.deleted.size > 0)) this.destageLater();
  }
}

function describe(error: DOMException | null): Error {
  if (error?.name === 'QuotaExceededError') return new Error('storage quota exceeded: the browser refused to store more blocks');
  return new Error(`IndexedDB write failed: ${error?.message ?? 'transaction aborted'}`);
}
