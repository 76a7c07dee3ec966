// Block store in memory: extents live only in the arena. Durable as soon as written, which is
// what Node tests, benchmarks and the command line need.

import type { Arena } from '../memory/arena';
import { EXTENT_SIZE, type BlockStore, type Volume } from './block-store';
import { ExtentTable } from './extent-table';

class MemoryVolume implements Volume {
  private readonly extents = new ExtentTable();

  constructor(
    readonly key: string,
    private readonly arena: Arena,
  ) {}

  map(first: number, count: number, forWrite: boolean, table: number): null {
    for (let i = 0; i < count; i++) {
      let addr = this.extents.get(first + i);
      if (addr === 0 && forWrite) {
        addr = this.arena.alloc(EXTENT_SIZE);
        this.extents.set(first + i, addr);
      }
      // Re-read the view each time: an alloc may have grown (and so replaced) the wasm memory.
      this.arena.dv.setUint32(table + 4 * i, addr, true);
    }
    return null;
  }

  written(): void {}

  deallocate(first: number, count: number): void {
    for (let i = first; i < first + count; i++) {
      const addr = this.extents.get(i);
      if (addr === 0) continue;
      this.arena.free(addr, EXTENT_SIZE);
      this.extents.set(i, 0);
    }
  }

  whenDurable(done: (error?: Error) => void): void {
    done();
  }

  allocatedExtents(): number {
    return this.extents.size;
  }

  allocatedIndexes(): number[] {
    return [...this.extents.entries()].map(([index]) => index);
  }

  release(): void {
    for (const [, addr] of this.extents.entries()) this.arena.free(addr, EXTENT_SIZE);
  }
}

export class MemoryBlockStore implements BlockStore {
  readonly kind = 'memory';
  private readonly volumes = new Map<string, MemoryVolume>();

  constructor(private readonly arena: Arena) {}

  async open(key: string): Promise<Volume> {
    let volume = this.volumes.get(key);
    if (!volume) this.volumes.set(key, (volume = new MemoryVolume(key, this.arena)));
    return volume;
  }

  async storedExtents(prefix: string): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (const [key, volume] of this.volumes) if (key.startsWith(prefix)) out.set(key, volume.allocatedIndexes());
    return out;
  }

  async clear(): Promise<void> {
    for (const volume of this.volumes.values()) volume.release();
    this.volumes.clear();
  }

  close(): void {}
}
