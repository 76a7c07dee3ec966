// One fuzz run over the chosen kinds: the cases split between them (CDBs get most; the others are
// slower per case), each kind with its own seeded stream, so `--only` does not change a kind's cases.
// Used by the CLI (index.ts) and by tests/unit/fuzz.test.ts.

import type { EngineChoice } from '../src/stack/engine';
import { fuzzCdbs } from './cdb-run';
import { fuzzHostLines } from './host-lines';
import { fuzzLabImports, fuzzLessons, fuzzScenarios } from './documents';
import { Tally } from './tally';

export const FUZZ_KINDS = ['cdb', 'esxcli', 'script', 'scenario', 'lab', 'lesson'] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** Share of the cases each kind gets when all run. */
const SHARE: Record<FuzzKind, number> = { cdb: 0.965, esxcli: 0.01, script: 0.005, scenario: 0.008, lab: 0.006, lesson: 0.006 };

export interface FuzzOptions {
  only?: readonly FuzzKind[];
  engine?: EngineChoice;
  log?: (line: string) => void;
}

/** How many of `cases` each chosen kind gets: by share, every kind at least one, summing to `cases`. */
export function split(cases: number, kinds: readonly FuzzKind[]): Map<FuzzKind, number> {
  const total = kinds.reduce((n, k) => n + SHARE[k], 0);
  const counts = new Map(kinds.map((k) => [k, Math.max(cases >= kinds.length ? 1 : 0, Math.floor((cases * SHARE[k]) / total))]));
  const first = kinds[0];
  counts.set(first, Math.max(0, cases - [...counts.values()].reduce((a, b) => a + b, 0) + counts.get(first)!));
  return counts;
}

export async function runFuzz(cases: number, seed: number, options: FuzzOptions = {}): Promise<Tally> {
  const log = options.log ?? (() => {});
  const kinds = options.only ?? FUZZ_KINDS;
  const tally = new Tally();
  // A promise rejected with nobody listening is an exception too, wherever it came from.
  const stray = (reason: unknown) => tally.exception('unhandled rejection', '(during the run)', reason);
  process.on('unhandledRejection', stray);
  try {
    for (const [kind, n] of split(cases, kinds)) {
      if (n === 0) continue;
      const start = performance.now();
      const cpu = process.cpuUsage();
      const progress = (done: number) => log(`fuzz: ${kind} ${done}/${n}`);
      let part: Tally;
      if (kind === 'cdb') part = await fuzzCdbs(n, seed, { engine: options.engine, progress });
      else if (kind === 'esxcli' || kind === 'script') part = await fuzzHostLines(kind, n, seed, { engine: options.engine, progress });
      else if (kind === 'scenario') part = await fuzzScenarios(n, seed, options.engine);
      else if (kind === 'lab') part = await fuzzLabImports(n, seed, { engine: options.engine });
      else part = await fuzzLessons(n, seed, options.engine);
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6; // the machine is shared: wall time alone misleads
      log(`fuzz: ${kind}: ${part.cases} cases in ${seconds.toFixed(1)} s, ${cpuSeconds.toFixed(1)} s of CPU (${Math.round(part.cases / Math.max(seconds, 1e-3))} cases/s), ${part.exceptions} exceptions, ${part.invalid} invalid`);
      tally.add(part);
    }
  } finally {
    process.off('unhandledRejection', stray);
  }
  return tally;
}
