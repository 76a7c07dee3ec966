// The browser bench's hands on the page: open it, wait until the lab is up, type at its console,
// press its buttons, and sample its frames. Only what a learner sees and does, plus the worker API
// the page exposes for the developer console (window.pathlab).

import type { Page } from '@playwright/test';
import type { StackApi } from '../src/stack/api';

export type PageApi = StackApi;
declare global {
  interface Window {
    pathlab: StackApi;
  }
}

/** Waits until the stack runs on WebAssembly and the topology is drawn. */
export async function labReady(page: Page): Promise<void> {
  const banner = page.getByRole('banner');
  await banner.getByText('Engine: WebAssembly').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Adapter vmhba1' }).waitFor({ timeout: 60_000 });
}

/** Types one line at the console and waits until the page has run it (the input cleared, not busy). */
export async function typeLine(page: Page, line: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Console', exact: true });
  await input.fill(line);
  await input.press('Enter');
  await page.getByRole('region', { name: 'Console output and input' }).and(page.locator('[aria-busy="false"]')).waitFor({ timeout: 60_000 });
}

/** The time controls' buttons: Pause, Step, 1x, 10x, Max. */
export const speed = (page: Page, label: 'Pause' | 'Max') =>
  page.getByRole('group', { name: 'Time controls' }).getByRole('button', { name: label, exact: true }).click();

/**
 * The time between successive animation frames over `ms` of wall time, in milliseconds: what the
 * learner sees as smooth (about 16.7 at 60 Hz) or stuck (one long frame).
 */
export function frameDeltas(page: Page, ms: number): Promise<number[]> {
  // Passed as text: tsx would wrap a named inner function with a helper the page does not have.
  return page.evaluate(`new Promise((done) => {
    const deltas = [];
    let last = -1;
    let end = Infinity;
    const tick = (t) => {
      if (last < 0) end = t + ${Number(ms)};
      else deltas.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(tick);
      else done(deltas);
    };
    requestAnimationFrame(tick);
  })`);
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) throw new Error('no frames were drawn');
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
