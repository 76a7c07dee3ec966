// One LUN's extents in the IndexedDB block store: cached in the arena once read or written, loaded
// from IndexedDB on first use, and tracked as dirty (to put) or deleted (to remove) until the
// store's next flush commits them.

import type { Arena } from '../memory/arena';
import { EXTENT_SIZE, type Volume } from './block-store';
import { ExtentTable } from './extent-table';

/** What a volume needs of its store. */
export interface VolumeStore {
  readonly arena: Arena;
  readExtents(key: string, indexes: number[]): Promise<(Uint8Array | undefined)[]>;
  /** Calls `done` once everything written so far is committed (or could not be). */
  flushSoon(done: (error?: Error) => void): void;
  /** Destages dirty data a little later, with or without anyone waiting (write-back). */
  destageLater(): void;
}

export class IdbVolume implements Volume {
  readonly cached = new ExtentTable();
  readonly dirty = new Set<number>();
  /** Persisted extents deallocated since the last flush: the flush deletes them from IndexedDB. */
  readonly deleted = new Set<number>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(
    readonly key: string,
    private readonly store: VolumeStore,
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

  /** The extents it holds: in IndexedDB, or written since (and not given back). */
  allocatedIndexes(): number[] {
    const out = [...this.persisted];
    for (const [index] of this.cached.entries()) if (!this.persisted.has(index)) out.push(index);
    return out;
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
