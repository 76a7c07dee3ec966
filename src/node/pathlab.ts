// `npx pathlab`: the command line over the same stack code the browser runs.

import { bootStack } from '../stack/boot';
import { runSg, SG_USAGE } from '../stack/cli/sg-command';
import { isStrayPluginViolation } from '../stack/plugins/learner-plugins';
import { runCommand, RUN_USAGE } from './run-command';

// A learner plugin's promise callback stopped by the guard: the plugin is already disabled and
// the run says so (`plugin list`); every other unhandled rejection is a bug and stops the run.
process.on('unhandledRejection', (reason) => {
  if (isStrayPluginViolation(reason)) return;
  throw reason;
});

const USAGE = `Usage: pathlab <command> [options]
Commands:
  sg      send one SCSI command to a LUN (PathLab's sg_raw)
  run     run a lab script (esxcli, fio, fault, repair, sleep, esxtop, plugin, ...)
Run 'pathlab <command> --help' for a command's options.

${SG_USAGE}

${RUN_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 1 : 0;
  }
  if (command === 'sg') {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(SG_USAGE + '\n');
      return 0;
    }
    const stack = await bootStack();
    const { output, exitCode } = await runSg(stack, rest);
    (exitCode === 0 ? process.stdout : process.stderr).write(output + '\n');
    return exitCode;
  }
  if (command === 'run') {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(RUN_USAGE + '\n');
      return 0;
    }
    return runCommand(rest, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  }
  process.stderr.write(`pathlab: unknown command '${command}'\n${USAGE}\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
