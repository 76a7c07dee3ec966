// `pathlab run SCRIPT [--scenario FILE] [--seed N]`: runs a lab script in Node and prints each
// command's output after an echo of it. A bad line stops the run with its line number; exit 1.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LabSession } from '../stack/cli/script';
import { Host } from '../stack/host';
import { parseScenario, ScenarioError } from '../stack/scenario/validate';

export const RUN_USAGE = `Usage: pathlab run SCRIPT [--scenario FILE] [--seed N]
  Runs a lab script (esxcli, fio, wait, jobs, kill, fault, repair, sleep, esxtop, vmkfstools,
  plugin; # comments) on a fresh host.
  \`plugin load FILE\` reads FILE relative to the script.
  --scenario  a scenario JSON file (default: the built-in classroom scenario)
  --seed      seed of the run's randomness (default: the scenario's)`;

export async function runCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let script: string | undefined;
  let scenarioFile: string | undefined;
  let seed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--scenario' || arg === '--seed') {
      const value = argv[++i];
      if (value === undefined) return usage(err, `${arg} needs a value`);
      if (arg === '--scenario') scenarioFile = value;
      else if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) return usage(err, `--seed needs a whole number from 0 to 4294967295, got ${value}`);
      else seed = Number(value);
    } else if (arg.startsWith('--')) return usage(err, `unknown option ${arg}`);
    else if (script === undefined) script = arg;
    else return usage(err, `one script at a time (got ${script} and ${arg})`);
  }
  if (script === undefined) return usage(err, 'no script given');

  let text: string;
  try {
    text = await readFile(script, 'utf8');
  } catch (e) {
    err(`pathlab run: cannot read ${script}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 1;
  }
  let scenario;
  if (scenarioFile !== undefined) {
    try {
      scenario = parseScenario(JSON.parse(await readFile(scenarioFile, 'utf8')));
    } catch (e) {
      const what = e instanceof ScenarioError ? e.message : e instanceof SyntaxError ? `not JSON: ${e.message}` : (e as Error).message;
      err(`pathlab run: scenario ${scenarioFile}: ${what}\n`);
      return 1;
    }
  }
  const host = await Host.boot({ scenario, seed });
  // `plugin load FILE` reads FILE beside the script, as a learner's editor would have saved it.
  const readPluginFile = async (name: string) => {
    const path = resolve(dirname(script), name);
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const failed = await new LabSession(host, readPluginFile).runScript(text, out);
  if (failed > 0) {
    err(`pathlab run: ${script}:${failed}: the command on this line failed\n`);
    return 1;
  }
  return 0;
}

function usage(err: (s: string) => void, problem: string): number {
  err(`pathlab run: ${problem}\n${RUN_USAGE}\n`);
  return 1;
}
