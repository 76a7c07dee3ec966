// `npm test`: every test. Type checks, unit, parity and oracle tests (vitest), then the built page
// in a real Chromium (Playwright). Ends with one line "tests: N passed, N failed" over both runners.
// Never passes by skipping the browser: with no Chromium, Playwright's config fails and says why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });

function run(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

let failedSteps = 0;
failedSteps += run('node', ['scripts/build-asm.js']) === 0 ? 0 : 1;
failedSteps += run('npm', ['run', '--silent', 'typecheck']) === 0 ? 0 : 1;
const unitStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json']);
failedSteps += unitStatus === 0 ? 0 : 1;
// Read now: Playwright empties test-results/ (its output folder) when it starts.
const unit = readJson('test-results/unit.json');
const buildStatus = run('npx', ['vite', 'build', '--logLevel', 'warn']);
failedSteps += buildStatus === 0 ? 0 : 1;
const e2eStatus = buildStatus === 0 ? run('npx', ['playwright', 'test']) : 1;
failedSteps += e2eStatus === 0 ? 0 : 1;

const e2e = existsSync('test-results/e2e.json') ? readJson('test-results/e2e.json') : undefined;
let passed = 0;
let failed = 0;
let skipped = 0;
if (!unit) {
  console.error('the unit tests wrote no report');
  failedSteps++;
} else {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
  skipped += unit.numPendingTests + unit.numTodoTests;
}
if (e2e) {
  passed += e2e.stats.expected;
  failed += e2e.stats.unexpected + e2e.stats.flaky;
  skipped += e2e.stats.skipped;
}
// A skipped test counts against the run: the suite must not go green by leaving tests out.
if (skipped > 0) console.error(`${skipped} tests were skipped`);
if (e2eStatus === 0 && (!e2e || e2e.stats.expected === 0)) {
  console.error('the browser tests did not run');
  failedSteps++;
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failedSteps > 0 || failed > 0 || skipped > 0 ? 1 : 0);
