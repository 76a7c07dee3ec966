// `npm run fuzz -- --cases N [--seed S] [--only cdb|esxcli|script|scenario|lab|lesson] [--engine wasm|typescript]`
// Bad input of every kind a learner controls: CDBs to every array, esxcli lines and lab scripts,
// scenario files, lab import files, lesson frontmatter. Progress goes to stderr; the last line on
// stdout is the summary `fuzz: <cases> cases, <n> exceptions, <n> invalid answers`. Exits 1 on any
// exception or invalid answer, after printing the first failing inputs so they can be replayed.

import type { EngineChoice } from '../src/stack/engine';
import { FUZZ_KINDS, runFuzz, type FuzzKind } from './run';

interface Args {
  cases: number;
  seed: number;
  only: FuzzKind[];
  engine: EngineChoice;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { cases: 10_000, seed: 1, only: [...FUZZ_KINDS], engine: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--cases' || flag === '--seed') {
      if (!/^\d+$/.test(value) || Number(value) > 2 ** 32 - 1) throw new Error(`${flag} takes a whole number, got "${value}"`);
      if (flag === '--cases') args.cases = Number(value);
      else args.seed = Number(value);
    } else if (flag === '--only') {
      const kinds = value.split(',');
      const bad = kinds.filter((k) => !(FUZZ_KINDS as readonly string[]).includes(k));
      if (bad.length > 0) throw new Error(`--only takes ${FUZZ_KINDS.join(', ')} (comma-separated), got "${bad.join(',')}"`);
      args.only = kinds as FuzzKind[];
    } else if (flag === '--engine') {
      if (!['auto', 'wasm', 'typescript'].includes(value)) throw new Error(`--engine takes auto, wasm or typescript, got "${value}"`);
      args.engine = value as EngineChoice;
    } else {
      throw new Error(`unknown option ${flag} (options: --cases N, --seed S, --only KINDS, --engine E)`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz: ${(e as Error).message}\n`);
    return 2;
  }
  const tally = await runFuzz(args.cases, args.seed, {
    only: args.only,
    engine: args.engine,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const f of tally.failures) process.stdout.write(`FAIL [${f.kind}] ${f.problem}\n  input: ${f.input}\n`);
  process.stdout.write(`${tally.summary}\n`);
  return tally.exceptions + tally.invalid > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`fuzz: the fuzzer itself failed: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  },
);
