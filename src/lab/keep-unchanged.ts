// Structural sharing for data that arrives whole (a snapshot every quarter second, a table's rows
// derived from it): every part of `next` that equals the same part of `prev` is replaced by prev's
// object. Svelte compares items by identity, so a row or a path line whose data did not change is
// not touched at all; in a large lab (a thousand paths) that is nearly all of them.

type Plain = null | undefined | boolean | number | string | Plain[] | { [key: string]: Plain };

/**
 * `next`, with each unchanged sub-object (deep-equal to prev's at the same place) taken from `prev`;
 * `prev` itself when nothing changed. `next` must be fresh data of the caller's (a structured
 * clone from the worker, a new layout): it is updated in place, so sharing allocates nothing.
 */
export function keepUnchanged<T>(prev: T | null | undefined, next: T): T {
  return share(prev as Plain, next as Plain) as T;
}

function share(prev: Plain, next: Plain): Plain {
  if (prev === next || typeof next !== 'object' || next === null || typeof prev !== 'object' || prev === null) return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    for (let i = 0; i < next.length; i++) {
      const kept = share(prev[i], next[i]);
      if (kept !== prev[i]) same = false;
      next[i] = kept;
    }
    return same ? prev : next;
  }
  if (Array.isArray(prev)) return next;
  let same = true;
  let keys = 0;
  for (const key in next) {
    keys++;
    const kept = share(prev[key], next[key]);
    if (kept !== prev[key] || (kept === undefined && !(key in prev))) same = false;
    next[key] = kept;
  }
  if (same) for (const _key in prev) if (--keys < 0) return next; // prev has keys next has not
  return same ? prev : next;
}
