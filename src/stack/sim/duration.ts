// Durations in lab scripts ("10s", "500ms", "2m", "250us") to virtual microseconds.

const UNITS: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration: use a number and a unit, e.g. 250us, 500ms, 10s, 2m`);
  const us = Number(m[1]) * UNITS[m[2]];
  if (!Number.isFinite(us) || us > 366 * 24 * 3_600_000_000) throw new Error(`duration ${text} is too long`);
  return Math.round(us);
}
