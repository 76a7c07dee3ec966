// The bitmap of a volume's 1 MiB file blocks (bit i of byte i/8, 1 = allocated), and the searches
// an allocation needs: a file gets one contiguous run, first fit from the start of the data.

export const bitSet = (bitmap: Uint8Array, i: number): boolean => (bitmap[i >> 3] & (1 << (i & 7))) !== 0;

export function setBits(bitmap: Uint8Array, first: number, count: number, on: boolean): void {
  for (let i = first; i < first + count; i++) {
    if (on) bitmap[i >> 3] |= 1 << (i & 7);
    else bitmap[i >> 3] &= ~(1 << (i & 7));
  }
}

/** First run of `count` free file blocks at or after `from`, or -1. */
export function findFreeRun(bitmap: Uint8Array, fileBlocks: number, from: number, count: number): number {
  let run = 0;
  for (let i = from; i < fileBlocks; i++) {
    run = bitSet(bitmap, i) ? 0 : run + 1;
    if (run === count) return i - count + 1;
  }
  return -1;
}

export function freeBlocks(bitmap: Uint8Array, fileBlocks: number): number {
  let n = 0;
  const whole = fileBlocks >> 3;
  // A byte at a time where it is all free or all used (most of a large volume), bits elsewhere.
  for (let b = 0; b < whole; b++) {
    const x = bitmap[b];
    if (x === 0) n += 8;
    else if (x !== 0xff) for (let k = 0; k < 8; k++) n += (x >> k) & 1 ? 0 : 1;
  }
  for (let i = whole * 8; i < fileBlocks; i++) if (!bitSet(bitmap, i)) n++;
  return n;
}
