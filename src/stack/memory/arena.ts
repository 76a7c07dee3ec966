// The data arena: one linear memory (the sgcopy module's, or the twin's ArrayBuffer) holding guest
// buffers, scatter-gather lists, extent tables and LUN extents, so a data copy is one memory.copy.
// Allocation is by power-of-two size class with a free list per class: after warm-up the I/O path
// reuses blocks and never grows the memory.

import type { SgCopy } from './sgcopy';

const PAGE = 65536;
const MIN_CLASS = 6; // 64 bytes

export class Arena {
  readonly sg: SgCopy;
  private top: number;
  private readonly freeLists: number[][] = [];
  private u8view: Uint8Array;
  private dataView: DataView;

  constructor(sg: SgCopy) {
    this.sg = sg;
    this.top = sg.heapBase;
    this.u8view = new Uint8Array(sg.buffer());
    this.dataView = new DataView(sg.buffer());
  }

  /** Bytes of the arena; re-derived when a grow detached the previous buffer. */
  get u8(): Uint8Array {
    if (this.u8view.buffer !== this.sg.buffer() || this.u8view.byteLength === 0) this.refresh();
    return this.u8view;
  }

  get dv(): DataView {
    if (this.dataView.buffer !== this.sg.buffer() || this.dataView.byteLength === 0) this.refresh();
    return this.dataView;
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
        this.sg.grow(Math.ceil((this.top - have) / PAGE));
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
    this.u8view = new Uint8Array(this.sg.buffer());
    this.dataView = new DataView(this.sg.buffer());
  }
}

function sizeClass(bytes: number): number {
  if (!(bytes > 0) || bytes > 2 ** 30) throw new RangeError(`arena: cannot allocate ${bytes} bytes`);
  return Math.max(MIN_CLASS, 32 - Math.clz32(bytes - 1));
}
