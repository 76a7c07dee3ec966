// `npm run storm -- --faults N [--seed S]`: verified workloads on every device while N faults of
// every kind come and go, then everything is repaired and read back. Progress goes to stderr; the
// last line on stdout is the summary. When anything is lost, corrupted or stuck (or a line fails),
// the fault list is shrunk, then the jobs, and the shortest lab script that still fails is printed
// before the summary, and the exit code is 1.

import { Host } from '../src/stack/host';
import { planStorm, type PlannedFault, type StormPlan } from './plan';
import { failureKinds, runStorm, summaryLine, type RunOptions, type StormResult } from './run';
import { stormScript } from './script';
import { shrink } from './shrink';

const USAGE = `Usage: npm run storm -- --faults N [--seed S] [--shrink-runs R]
  --faults N       faults to inject (1..1000000), drawn from every kind, each repaired later
  --seed S         seed of the plan (0..4294967295, default 1); same seed, same storm, same summary
  --shrink-runs R  runs the shrinker may make on a failing storm (default 200)
The arrays keep their blocks in memory: Node has no IndexedDB (the page's store is proven in
Chromium, tests/e2e/crash.spec.ts).`;

interface Args {
  faults: number;
  seed: number;
  shrinkRuns: number;
}

function parse(argv: string[]): Args {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!['--faults', '--seed', '--shrink-runs'].includes(name)) throw new Error(`unknown option ${name}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    values.set(name, value);
  }
  const integer = (name: string, fallback: number | undefined, min: number, max: number): number => {
    const text = values.get(name);
    if (text === undefined) {
      if (fallback === undefined) throw new Error(`${name} is required`);
      return fallback;
    }
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`${name} needs a whole number from ${min} to ${max}, got ${text}`);
    return Number(text);
  };
  return { faults: integer('--faults', undefined, 1, 1_000_000), seed: integer('--seed', 1, 0, 0xffffffff), shrinkRuns: integer('--shrink-runs', 200, 0, 100_000) };
}

/** A progress line on stderr at most every couple of seconds of wall time. */
function progress(what: string): (line: number, lines: number, virtualSec: number) => void {
  let last = performance.now();
  return (line, lines, virtualSec) => {
    if (performance.now() - last < 2000) return;
    last = performance.now();
    process.stderr.write(`${what}: line ${line}/${lines}, ${virtualSec.toFixed(0)} s of virtual time\n`);
  };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`storm: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const run = (script: string, faults: number, options: RunOptions = {}) => runStorm(script, faults, options);
  const planner = await Host.boot();
  const settings = planner.scenario.settings;
  const plan = planStorm(planner, args.seed, args.faults);
  planner.close();
  const started = performance.now();
  const result = await run(stormScript(plan, plan.faults, settings), plan.faults.length, { progress: progress('storm') });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`storm: seed ${args.seed}, ${seconds} s of wall time\n${result.details.join('\n')}\n`);
  const kinds = failureKinds(result);
  if (kinds.length === 0) {
    process.stdout.write(summaryLine(result) + '\n');
    return 0;
  }
  if (result.error) process.stderr.write(`storm: ${result.error}\n`);
  process.stderr.write(`storm: ${kinds.join(', ')}: shrinking the fault list (at most ${args.shrinkRuns} runs)\n`);
  const reproducesWith = async (p: StormPlan, faults: PlannedFault[]) => {
    const r = await run(stormScript(p, faults, settings), faults.length);
    return failureKinds(r).some((k) => kinds.includes(k));
  };
  const shrunk = await shrink(plan.faults, (faults) => reproducesWith(plan, faults), {
    maxRuns: args.shrinkRuns,
    progress: (runs, smallest) => process.stderr.write(`storm: shrink run ${runs}: ${smallest} fault(s) still fail\n`),
  });
  // Then the jobs: those the failure does not need go too (with the PSP or VM they set up).
  const jobs = await shrink(plan.jobs, async (jobs) => reproducesWith({ ...plan, jobs }, shrunk), {
    maxRuns: args.shrinkRuns,
    progress: (runs, smallest) => process.stderr.write(`storm: shrink run ${runs}: ${smallest} job(s) still fail\n`),
  });
  const script = stormScript({ ...plan, jobs }, shrunk, settings);
  const again: StormResult = await run(script, shrunk.length);
  process.stdout.write(`# The shortest failing script found (save it and run: npx pathlab run FILE)\n`);
  process.stdout.write(`# It gives: ${summaryLine(again)}${again.error ? ` (${again.error.replace(/\n/g, ': ')})` : ''}\n`);
  process.stdout.write(script);
  process.stdout.write(summaryLine(result) + '\n');
  return 1;
}

process.exitCode = await main();
