// Small checkers for untrusted JSON. Each takes the JSON path of the value it checks, pushes a
// problem that names that path and what was expected, and returns the value when it is good (or
// undefined when it is not), so a validator can collect every problem in one pass.

/** "arrays" + 1 -> "arrays[1]"; "arrays[1]" + "luns" -> "arrays[1].luns"; "" + "name" -> "name". */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A value as a problem message shows it: JSON-ish and short. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

/** The keys of T, listed so that the compiler rejects a list that misses or invents one. */
export function keysOf<T>(all: Record<keyof T, 0>): string[] {
  return Object.keys(all);
}

export const WWN = /^[0-9a-f]{2}(:[0-9a-f]{2}){7}$/i;
export const WWN_TEXT = 'a WWN of 8 colon-separated hex bytes like "50:01:40:5a:01:00:00:00"';

export class Checker {
  readonly problems: string[] = [];

  problem(path: string, message: string): undefined {
    this.problems.push(`${path}: ${message}`);
    return undefined;
  }

  /** "path: must be <what>, got <value>", or "path: missing, must be <what>". */
  expected(path: string, what: string, got: unknown): undefined {
    return this.problem(path, got === undefined ? `missing, must be ${what}` : `must be ${what}, got ${show(got)}`);
  }

  /** A plain object whose keys are all in `known`; unknown keys are reported (typo guard). */
  object(path: string, value: unknown, known: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.expected(path, 'an object', value);
    const o = value as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (known.includes(key)) continue;
      const near = known.find((k) => similar(k, key));
      const hint = near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`;
      this.problem(at(path, key), `unknown key (${hint})`);
    }
    return o;
  }

  list(path: string, value: unknown, nonEmpty = false): unknown[] | undefined {
    if (!Array.isArray(value)) return this.expected(path, nonEmpty ? 'a non-empty list' : 'a list', value);
    if (nonEmpty && value.length === 0) return this.problem(path, 'must not be empty');
    return value;
  }

  /** A string that passes `test` (default: non-empty); `what` says what is expected. */
  string(path: string, value: unknown, what = 'a non-empty string', test = (s: string) => s.length > 0): string | undefined {
    return typeof value === 'string' && test(value) ? value : this.expected(path, what, value);
  }

  /** An ASCII text field of a SCSI INQUIRY answer: printable ASCII, 1..max characters. */
  ascii(path: string, value: unknown, max: number): string | undefined {
    const what = `a string of 1 to ${max} printable ASCII characters`;
    return this.string(path, value, what, (s) => s.length >= 1 && s.length <= max && /^[\x20-\x7e]*$/.test(s));
  }

  /** A WWN (port or node name), returned in lower case so that names compare with ===. */
  wwn(path: string, value: unknown): string | undefined {
    return this.string(path, value, WWN_TEXT, (s) => WWN.test(s))?.toLowerCase();
  }

  int(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const what = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer ${min}..${max}`;
    return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max ? (value as number) : this.expected(path, what, value);
  }

  /** A finite number in [min, max]; `above` makes min exclusive. */
  number(path: string, value: unknown, min: number, max = Infinity, above = false): number | undefined {
    const low = above ? `> ${min}` : `≥ ${min}`;
    const what = max === Infinity ? `a number ${low}` : `a number ${min}..${max}`;
    const ok = typeof value === 'number' && Number.isFinite(value) && (above ? value > min : value >= min) && value <= max;
    return ok ? value : this.expected(path, what, value);
  }

  bool(path: string, value: unknown): boolean | undefined {
    return typeof value === 'boolean' ? value : this.expected(path, 'true or false', value);
  }

  oneOf<T extends string | number>(path: string, value: unknown, options: readonly T[]): T | undefined {
    return options.includes(value as T) ? (value as T) : this.expected(path, choices(options), value);
  }

  /** Records `key` as seen at `path`; reports a duplicate with the path where it was first seen. */
  unique(seen: Map<string, string>, key: string | undefined, path: string, what: string): void {
    if (key === undefined) return;
    const first = seen.get(key);
    if (first !== undefined) this.problem(path, `duplicate ${what} "${key}" (first at ${first})`);
    else seen.set(key, path);
  }
}

/** `512 or 4096`; `one of "a", "b", "c"`. */
export function choices(options: readonly (string | number)[]): string {
  const shown = options.map((o) => (typeof o === 'string' ? JSON.stringify(o) : String(o)));
  return shown.length === 2 ? `${shown[0]} or ${shown[1]}` : `one of ${shown.join(', ')}`;
}

/** Close enough to suggest: a case slip, a missing unit suffix ("apdTimeout"), or two typos. */
function similar(known: string, key: string): boolean {
  const k = known.toLowerCase();
  const u = key.toLowerCase();
  return k === u || (u.length >= 4 && k.startsWith(u)) || editDistance(k, u) <= 2;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
