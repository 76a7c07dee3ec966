// The data arena: one linear memory (the sgcopy module's, or the twin's ArrayBuffer) holding guest
// buffers, scatter-gather lists, extent tables and LUN extents, so a data copy is one memory.copy.
// Allocation is by power-of-two size class with a free list per class: after warm-up the I/O path
// reuses blocks and never grows the memory. Only the arena grows its memory, so it alone refreshes
// the views, and reading them is a plain field access.

import type { SgCopy } from './sgcopy';

const PAGE = 65536;
const MIN_CLASS = 6; // 64 bytes

export class Arena {
  readonly sg: SgCopy;
  private top: number;
  private readonly freeLists: number[][] = [];
  /** Views of the arena, replaced after each grow (growing a wasm memory detaches the old buffer). */
  u8: Uint8Array;
  dv: DataView;

  constructor(sg: SgCopy) {
    this.sg = sg;
    this.top = sg.heapBase;
    this.u8 = new Uint8Array(sg.buffer());
    this.dv = new DataView(sg.buffer());
  }

  /** Reserves at least `bytes` bytes, zeroed, aligned to their size class (at most 64 KiB). */
  alloc(bytes: number): number {
    const cls = sizeClass(bytes);
    const free = this.freeLists[cls];
    let addr = free?.pop();
    if (addr === undefined) {
      const size = 1 << cls;
      const align = Math.min(size, PAGE);
      addr = Math.ceil(this.top / align) * align;
      this.top = addr + size;
      const have = this.sg.buffer().byteLength;
      if (this.top > have) {
        // Grow by half again at least: one grow per extent would copy the memory over and over.
        this.sg.grow(Math.max(Math.ceil((this.top - have) / PAGE), Math.ceil(have / PAGE / 2)));
        this.refresh();
      }
    }
    this.sg.fill(addr, 0, 1 << cls);
    return addr;
  }

  /** Returns a block from alloc(bytes) (same `bytes`) to its free list. */
  free(addr: number, bytes: number): void {
    (this.freeLists[sizeClass(bytes)] ??= []).push(addr);
  }

  private refresh(): void {
    this.u8 = new Uint8Array(this.sg.buffer());
    this.dv = new DataView(this.sg.buffer());
  }
}

function sizeClass(bytes: number): number {
  if (!(bytes > 0) || bytes > 2 ** 30) throw new RangeError(`arena: cannot allocate ${bytes} bytes`);
  return Math.max(MIN_CLASS, 32 - Math.clz32(bytes - 1));
}
