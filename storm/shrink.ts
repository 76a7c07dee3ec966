// Shrinking a failing storm: the shortest list of faults whose script still fails the same way.
// First the shortest failing prefix (faults are timed, so a prefix is also a shorter run), then
// delta debugging (Zeller's ddmin) over what is left: try each chunk alone, then each complement,
// refining the chunks until no single fault can go. Every candidate is checked by running it, so
// whatever is returned is known to fail; a budget of runs bounds the work on a long storm.

export interface ShrinkOptions {
  /** Runs at most this many candidates (the result is the smallest failing one found by then). */
  maxRuns?: number;
  /** Told after each run: how many runs so far, and the size of the smallest failing list. */
  progress?: (runs: number, smallest: number) => void;
}

/**
 * Smallest sub-list of `items` (order kept) for which `fails` holds, given that it holds for
 * `items`. 1-minimal when the budget allows: removing any single item makes it pass.
 */
export async function shrink<T>(items: readonly T[], fails: (candidate: T[]) => Promise<boolean>, options: ShrinkOptions = {}): Promise<T[]> {
  const maxRuns = options.maxRuns ?? Infinity;
  let runs = 0;
  let best = [...items];
  const test = async (candidate: T[]): Promise<boolean> => {
    if (runs >= maxRuns) return false;
    runs++;
    const result = await fails(candidate);
    if (result && candidate.length < best.length) best = candidate;
    options.progress?.(runs, best.length);
    return result;
  };
  if (items.length === 0 || (await test([]))) return [];

  // The shortest failing prefix, by bisection (failure is usually monotone in the prefix).
  let lo = 0; // prefix lengths <= lo are not known to fail
  let hi = best.length; // a prefix of this length fails
  while (hi - lo > 1 && runs < maxRuns) {
    const mid = (lo + hi) >>> 1;
    if (await test(best.slice(0, mid))) hi = mid;
    else lo = mid;
  }
  let current = best.slice(0, hi);
  if (current.length < best.length) best = current;

  // ddmin over the prefix.
  let n = 2;
  while (current.length >= 2 && runs < maxRuns) {
    const chunks = split(current, n);
    let reduced = false;
    for (const chunk of chunks) {
      if (await test(chunk)) {
        current = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && n > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.flatMap((c, j) => (j === i ? [] : c));
        if (await test(complement)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(2 * n, current.length);
    }
  }
  return best;
}

/** `items` in `n` nearly equal consecutive chunks. */
function split<T>(items: T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks.filter((c) => c.length > 0);
}
