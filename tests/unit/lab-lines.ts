// Running lab-script lines in a test: the line must succeed (or fail), and a surprise shows the
// line and what it printed.

import { expect } from 'vitest';
import type { LabSession } from '../../src/stack/cli/script';

/** Runs `line`; it must succeed. Returns its output. */
export async function succeeds(s: LabSession, line: string): Promise<string> {
  const r = await s.run(line);
  expect(r.ok, `${line}\n${r.output}`).toBe(true);
  return r.output;
}

/** Runs `line`; it must fail. Returns its message. */
export async function fails(s: LabSession, line: string): Promise<string> {
  const r = await s.run(line);
  expect(r.ok, `${line} should fail\n${r.output}`).toBe(false);
  return r.output;
}
