import { existsSync } from 'node:fs';
import { defineConfig, devices, chromium } from '@playwright/test';

// Playwright's own Chromium when it is installed, else the distribution's (its download fails here).
function chromiumPath(): string {
  let own = '';
  try {
    own = chromium.executablePath();
  } catch {
    // No browser registered for this platform.
  }
  if (own && existsSync(own)) return own;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error(
    'No Chromium found: run `apt-get install -y chromium` (Debian) or `npx playwright install chromium`',
  );
}

// PATHLAB_E2E_PORT and PATHLAB_E2E_DIST let two checkouts (or two people on one machine) run the
// suite at once without testing each other's build.
const port = Number(process.env.PATHLAB_E2E_PORT ?? 4173);
const dist = process.env.PATHLAB_E2E_DIST ?? 'dist';
// The built page is served from a sub-path, as on a shared static host.
const base = '/labs/pathlab/';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}${base}`,
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        headless: true,
        launchOptions: {
          executablePath: chromiumPath(),
          args: [
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-quic',
          ],
        },
      },
    },
  ],
  webServer: {
    // Serves the built dist/ under the sub-path (`npm run test:e2e` runs `vite build` first).
    command: `node scripts/serve-dist.js --port ${port} --base ${base} --dir ${dist}`,
    url: `http://127.0.0.1:${port}${base}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
