// esxcli over the stack: finds the command in the namespace tree, parses its options, runs it and
// prints what esxcli prints. Never throws: bad input comes back as an esxcli error with ok=false.

import type { Host } from '../../host';
import { adapterCommands } from './adapter';
import { ADAPTER_STATS_NAMESPACES, adapterStatsCommands } from './adapter-stats';
import { FILESYSTEM_NAMESPACES, filesystemCommands } from './filesystem';
import { SETTINGS_NAMESPACES, settingsCommands } from './settings';
import { claimingCommands } from './claiming';
import { claimruleCommands } from './claimrule';
import { EsxcliError, type CommandSpec, type EsxcliResult } from './command';
import { deviceCommands } from './device';
import { commandUsage, namespaceUsage } from './format';
import { nmpDeviceCommands } from './nmp-device';
import { nmpPathCommands } from './nmp-path';
import { parseOptions } from './parse';
import { pathCommands } from './path';
import { pluginCommands } from './plugin';
import { pspCommands } from './psp';
import { roundRobinCommands } from './roundrobin';
import { satpCommands } from './satp';
import { VVOL_NAMESPACES, vvolCommands } from './vvol';
import { vaaiCommands } from './vaai';

export type { EsxcliResult } from './command';
export { splitCommandLine } from './parse';

export const COMMANDS: CommandSpec[] = [
  ...adapterCommands, ...pathCommands, ...deviceCommands, ...vaaiCommands, ...claimruleCommands, ...claimingCommands, ...pluginCommands,
  ...nmpDeviceCommands, ...nmpPathCommands, ...satpCommands, ...pspCommands, ...roundRobinCommands, ...vvolCommands,
  ...adapterStatsCommands, ...filesystemCommands, ...settingsCommands,
];

const NAMESPACES: Record<string, string> = {
  storage: 'VMware storage commands.',
  'storage core': 'VMware core storage commands.',
  'storage core adapter': 'Operations on SCSI adapters.',
  'storage core path': 'Operations on paths to SCSI devices.',
  'storage core device': 'Operations on SCSI devices.',
  'storage core device vaai': 'Operations on the VAAI (array offload) support of devices.',
  'storage core device vaai status': 'Query the VAAI status of devices.',
  'storage core claimrule': 'Manage the claim rules for the system.',
  'storage core claiming': 'Manage the claiming of paths by the PSA plugins.',
  'storage core plugin': 'Operations on the PSA plugins.',
  'storage nmp': 'VMware Native Multipath Plugin (NMP). This is the VMware default implementation of the Pluggable Storage Architecture.',
  'storage nmp device': 'List the devices currently controlled by NMP and set their Path Selection Policy.',
  'storage nmp path': 'Information about paths claimed by the VMware NMP Multipath Plugin.',
  'storage nmp satp': 'Manage SATP configuration.',
  'storage nmp satp rule': 'Manage SATP rule configuration.',
  'storage nmp psp': 'Manage PSP configuration.',
  'storage nmp psp fixed': 'Manage the Fixed Path Selection Policy.',
  'storage nmp psp fixed deviceconfig': 'Manage Fixed PSP configuration for a device.',
  'storage nmp psp roundrobin': 'Manage the Round Robin Path Selection Policy.',
  'storage nmp psp roundrobin deviceconfig': 'Manage Round Robin PSP configuration for a device.',
  ...VVOL_NAMESPACES,
  ...ADAPTER_STATS_NAMESPACES,
  ...FILESYSTEM_NAMESPACES,
  ...SETTINGS_NAMESPACES,
};

function children(path: string[]): { namespaces: [string, string][]; commands: [string, string][] } {
  const prefix = path.join(' ');
  const namespaces = Object.entries(NAMESPACES)
    .filter(([ns]) => ns.split(' ').length === path.length + 1 && ns.startsWith(prefix ? prefix + ' ' : ''))
    .map(([ns, d]): [string, string] => [ns.split(' ').pop()!, d]);
  const commands = COMMANDS.filter((c) => c.path.length === path.length + 1 && c.path.slice(0, -1).join(' ') === prefix).map(
    (c): [string, string] => [c.path[c.path.length - 1], c.description],
  );
  return { namespaces, commands };
}

function usageOf(path: string[]): string {
  const { namespaces, commands } = children(path);
  return namespaceUsage(path, namespaces, commands);
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

export function esxcli(host: Host, argv: string[]): EsxcliResult {
  const path: string[] = [];
  let command: CommandSpec | undefined;
  let i = 0;
  for (; i < argv.length && !command; i++) {
    const word = argv[i];
    if (word.startsWith('-')) break;
    const next = [...path, word];
    command = COMMANDS.find((c) => c.path.join(' ') === next.join(' '));
    if (!command && NAMESPACES[next.join(' ')] === undefined) {
      return { output: `Error: Unknown command or namespace ${next.join(' ')}\n\n${usageOf(path)}`, ok: false };
    }
    path.push(word);
  }
  if (!command) {
    const rest = argv.slice(i);
    if (rest.length > 0 && !rest.every(isHelp)) {
      return { output: `Error: Unknown command or namespace ${[...path, ...rest].join(' ')}\n\n${usageOf(path)}`, ok: false };
    }
    return { output: usageOf(path), ok: true }; // a namespace alone lists what it holds, as esxcli does
  }
  const args = argv.slice(i);
  if (args.some(isHelp)) return { output: commandUsage(command), ok: true };
  try {
    const opts = parseOptions(command.options, args);
    return { output: command.run(host, opts), ok: true };
  } catch (e) {
    if (e instanceof EsxcliError) {
      return { output: `Error: ${e.message}${e.usage ? `\n\n${commandUsage(command)}` : ''}`, ok: false };
    }
    return { output: `Error: ${e instanceof Error ? e.message : String(e)}`, ok: false };
  }
}
