// Extent index -> arena address, as a two-level table (directory of 1024-entry pages) so a
// multi-terabyte sparse LUN costs memory only where it was written, and a lookup never hashes.

const PAGE_BITS = 10;
const PAGE_MASK = (1 << PAGE_BITS) - 1;

export class ExtentTable {
  private readonly pages: (Uint32Array | undefined)[] = [];
  private count = 0;

  get(index: number): number {
    const page = this.pages[index >>> PAGE_BITS];
    return page === undefined ? 0 : page[index & PAGE_MASK];
  }

  set(index: number, addr: number): void {
    const p = index >>> PAGE_BITS;
    const page = (this.pages[p] ??= new Uint32Array(1 << PAGE_BITS));
    const old = page[index & PAGE_MASK];
    if (old === 0 && addr !== 0) this.count++;
    else if (old !== 0 && addr === 0) this.count--; // a deallocated extent
    page[index & PAGE_MASK] = addr;
  }

  get size(): number {
    return this.count;
  }

  *entries(): IterableIterator<[number, number]> {
    for (let p = 0; p < this.pages.length; p++) {
      const page = this.pages[p];
      if (page === undefined) continue;
      for (let i = 0; i < page.length; i++) if (page[i] !== 0) yield [(p << PAGE_BITS) | i, page[i]];
    }
  }
}
