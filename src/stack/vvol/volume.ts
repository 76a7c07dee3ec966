// A vVol's blocks: a volume of the block store, opened on first use (creating ten thousand vVols
// costs no store work), that remembers which extents were written. The array needs that list for
// its offloads: a snapshot or a clone copies only written extents, array-side, and a deleted vVol
// gives exactly those back.

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
  ) {}

  /** Opens the store's volume (once). */
  open(): Promise<void> {
    if (this.inner) return Promise.resolve();
    this.opening ??= this.store.open(this.key).then((v) => {
      this.inner = v;
    });
    return this.opening;
  }

  map(first: number, count: number, forWrite: boolean, table: number): Promise<void> | null {
    if (!this.inner) return this.open();
    return this.inner.map(first, count, forWrite, table);
  }

  written(first: number, count: number): void {
    for (let i = first; i < first + count; i++) this.extents.add(i);
    this.inner?.written(first, count);
  }

  deallocate(first: number, count: number): void {
    if (this.extents.size < count) {
      for (const e of this.extents) if (e >= first && e < first + count) this.extents.delete(e);
    } else {
      for (let i = first; i < first + count; i++) this.extents.delete(i);
    }
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
