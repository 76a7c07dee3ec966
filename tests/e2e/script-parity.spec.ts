// The same lab script gives the same bytes in Node and in the browser's stack worker (where the
// arrays keep their blocks in IndexedDB): virtual time and seeded randomness, nothing else.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { ScriptResult, StackApi } from '../../src/stack/api';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';

const script = readFileSync(new URL('../fixtures/newcomer.lab', import.meta.url), 'utf8');

test('a lab script prints the same bytes in the browser worker as in Node', async ({ page }) => {
  const host = await Host.boot();
  let expected = '';
  const failed = await new LabSession(host).runScript(script, (chunk) => (expected += chunk));
  expect(failed).toBe(0);

  await page.goto('./');
  await expect(page.getByText('WebAssembly')).toBeVisible();
  const result = await page.evaluate(
    (text) => (window as unknown as { pathlab: StackApi }).pathlab.runScript(text),
    script,
  ) as ScriptResult;
  expect(result.failedLine).toBe(0);
  expect(result.transcript).toBe(expected);
  // The transcript is the real thing, not an empty agreement.
  expect(expected).toContain('Path Selection Policy: VMW_PSP_RR');
  expect(expected).toContain('State: dead');
});
