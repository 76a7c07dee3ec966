// What every block the fuzzer may have touched must read back as. The arrays start empty (a fresh
// memory block store reads zeros), so a model that applies exactly the writes answered GOOD knows
// every block: a READ is checked against it, COMPARE AND WRITE's verdict too, and at the end every
// block the model holds is read back through the array.

import type { LogicalUnit } from '../src/stack/arrays/logical-unit';

export class Shadow {
  /** Per LUN: LBA -> the block's bytes (shared between blocks written with the same data). */
  private readonly luns = new Map<LogicalUnit, Map<number, Uint8Array>>();
  private readonly zeros = new Map<number, Uint8Array>();

  private blocksOf(lun: LogicalUnit): Map<number, Uint8Array> {
    let m = this.luns.get(lun);
    if (!m) this.luns.set(lun, (m = new Map()));
    return m;
  }

  zeroBlock(size: number): Uint8Array {
    let z = this.zeros.get(size);
    if (!z) this.zeros.set(size, (z = new Uint8Array(size)));
    return z;
  }

  /** Expected bytes of `count` blocks from `lba`, written into `out` from offset 0 (at most out.length bytes). */
  read(lun: LogicalUnit, lba: number, count: number, out: Uint8Array): void {
    const m = this.luns.get(lun);
    const bs = lun.blockSize;
    for (let i = 0; i < count && i * bs < out.length; i++) {
      const block = m?.get(lba + i);
      const room = Math.min(bs, out.length - i * bs);
      if (block) out.set(room === bs ? block : block.subarray(0, room), i * bs);
      else out.fill(0, i * bs, i * bs + room);
    }
  }

  /** `data` (whole blocks) written from `lba`. */
  write(lun: LogicalUnit, lba: number, data: Uint8Array): void {
    const m = this.blocksOf(lun);
    const copy = data.slice();
    const bs = lun.blockSize;
    for (let i = 0; i * bs < copy.length; i++) m.set(lba + i, copy.subarray(i * bs, (i + 1) * bs));
  }

  /** The same block (or zeros) in every one of `count` blocks from `lba`. */
  fill(lun: LogicalUnit, lba: number, count: number, block: Uint8Array | undefined): void {
    const m = this.blocksOf(lun);
    const b = block ? block.slice() : this.zeroBlock(lun.blockSize);
    for (let i = 0; i < count; i++) m.set(lba + i, b);
  }

  /** Every LUN with the LBAs the model holds for it, ascending. */
  *entries(): Iterable<[LogicalUnit, number[]]> {
    for (const [lun, m] of this.luns) yield [lun, [...m.keys()].sort((a, b) => a - b)];
  }

  get size(): number {
    let n = 0;
    for (const m of this.luns.values()) n += m.size;
    return n;
  }
}

/** Runs of consecutive LBAs, at most `max` blocks each: [lba, count][]. */
export function runsOf(lbas: number[], max: number): [number, number][] {
  const runs: [number, number][] = [];
  for (const lba of lbas) {
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === lba && last[1] < max) last[1]++;
    else runs.push([lba, 1]);
  }
  return runs;
}
