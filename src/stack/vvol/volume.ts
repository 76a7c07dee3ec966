// A vVol's blocks: a volume of the block store, opened on first use (creating ten thousand vVols
// costs no store work), that remembers which extents were written. The array needs that list for
// its offloads: a snapshot or a clone copies only written extents, array-side, and a deleted vVol
// gives exactly those back. The list is part of the lab's saved state, so a restored vVol finds
// its blocks under the same key after a reload.

import { EXTENT_SIZE, type BlockStore, type Volume } from '../blockstore/block-store';
import type { Arena } from '../memory/arena';

export class VvolVolume implements Volume {
  private inner: Volume | undefined;
  private opening: Promise<void> | undefined;
  /** Extent indexes written at least once and not given back. */
  readonly extents = new Set<number>();

  constructor(
    private readonly store: BlockStore,
    readonly key: string,
    /** Called when the list of written extents changes (the lab saves it). */
    private readonly changed: () => void = () => {},
    /**
     * A new vVol's volume must read zeros: blocks the store still has under its key (written by a
     * vVol the saved lab never recorded, say a save refused by the quota) are given back on open.
     */
    private readonly fresh = true,
  ) {}

  /** Opens the store's volume (once). */
  open(): Promise<void> {
    if (this.inner) return Promise.resolve();
    this.opening ??= this.store.open(this.key).then((v) => {
      if (this.fresh) discardStale(v);
      this.inner = v;
    });
    return this.opening;
  }

  /** A restored vVol's written extents: as saved, and as the store holds them under its key. */
  restoreExtents(extents: Iterable<number>): void {
    const before = this.extents.size;
    for (const e of extents) this.extents.add(e);
    if (this.extents.size !== before) this.changed();
  }

  map(first: number, count: number, forWrite: boolean, table: number): Promise<void> | null {
    if (!this.inner) return this.open();
    return this.inner.map(first, count, forWrite, table);
  }

  written(first: number, count: number): void {
    const before = this.extents.size;
    for (let i = first; i < first + count; i++) this.extents.add(i);
    if (this.extents.size !== before) this.changed();
    this.inner?.written(first, count);
  }

  deallocate(first: number, count: number): void {
    const before = this.extents.size;
    if (this.extents.size < count) {
      for (const e of this.extents) if (e >= first && e < first + count) this.extents.delete(e);
    } else {
      for (let i = first; i < first + count; i++) this.extents.delete(i);
    }
    if (this.extents.size !== before) this.changed();
    this.inner?.deallocate(first, count);
  }

  whenDurable(done: (error?: Error) => void): void {
    if (this.inner) this.inner.whenDurable(done);
    else done();
  }

  allocatedExtents(): number {
    return this.extents.size;
  }

  get allocatedBytes(): number {
    return this.extents.size * EXTENT_SIZE;
  }

  /** Gives every written extent back (the vVol is deleted). */
  release(): void {
    for (const e of [...this.extents].sort((a, b) => a - b)) this.deallocate(e, 1);
  }
}

/** A 64 TiB vVol's extents: no stale extent lies beyond. */
const MAX_EXTENTS = (64 * 1024 ** 4) / EXTENT_SIZE;

/** Gives back every extent a just-opened store volume holds (none, unless blocks were orphaned). */
function discardStale(volume: Volume): void {
  const CHUNK = 4096;
  for (let first = 0; volume.allocatedExtents() > 0 && first < MAX_EXTENTS; first += CHUNK) volume.deallocate(first, CHUNK);
}

async function mapped(volume: Volume, extent: number, forWrite: boolean, table: number): Promise<void> {
  for (;;) {
    const pending = volume.map(extent, 1, forWrite, table);
    if (!pending) return;
    await pending;
  }
}

/**
 * Copies every written extent of `from` into `to` inside the array (a snapshot or a clone): no
 * byte crosses the fabric. Returns the bytes copied.
 */
export async function copyExtents(arena: Arena, from: VvolVolume, to: VvolVolume): Promise<number> {
  const table = arena.alloc(8);
  try {
    const extents = [...from.extents].sort((a, b) => a - b);
    for (const e of extents) {
      await mapped(from, e, false, table);
      await mapped(to, e, true, table + 4);
      // Read both addresses after the last map: an allocation may have grown the arena.
      const src = arena.dv.getUint32(table, true);
      const dst = arena.dv.getUint32(table + 4, true);
      if (src !== 0) arena.u8.copyWithin(dst, src, src + EXTENT_SIZE);
      to.written(e, 1);
    }
    await new Promise<void>((resolve, reject) => to.whenDurable((error) => (error ? reject(error) : resolve())));
    return extents.length * EXTENT_SIZE;
  } finally {
    arena.free(table, 8);
  }
}
