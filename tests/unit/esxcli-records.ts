// esxcli's record output (an id line, then "   Key: value" lines, a blank line between records),
// read back for the tests: each record's fields by its id, in order.

import { expect } from 'vitest';

/** Records as id → { key: value }, in order; every field line must be indented three spaces. */
export function parseRecords(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const block of text.split('\n\n').filter((b) => b.trim())) {
    const [id, ...lines] = block.split('\n');
    const rec: Record<string, string> = {};
    for (const line of lines) {
      expect(line.startsWith('   ')).toBe(true);
      const at = line.indexOf(':');
      rec[line.slice(3, at)] = line.slice(at + 1).trim();
    }
    out.set(id, rec);
  }
  return out;
}
