// What every browser test also checks: no request leaves the page's origin, and nothing reaches
// the browser console as an error (a CSP violation shows up there too).

import { expect, type Page } from '@playwright/test';

export interface PageGuard {
  /** Every URL the page requested, in order. */
  readonly requests: string[];
  /** Nothing left the origin and nothing went to the browser console as an error. */
  verifyClean(): void;
}

/** Starts recording; call before page.goto. */
export function guardPage(page: Page, baseURL: string | undefined): PageGuard {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return {
    requests,
    verifyClean() {
      expect(requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
      // Relative URLs only: nothing outside the sub-path the page is served from.
      expect(requests.filter((u) => u.startsWith(origin) && !u.startsWith(baseURL!))).toEqual([]);
      expect(errors).toEqual([]);
    },
  };
}
