// esxcli system settings advanced list | set: the host's advanced options, as ESXi prints them
// (Path, Type, Int Value, Default Int Value, Min Value, Max Value, the string fields, Description).
// PathLab has the DataMover options that steer VMFS's clones and zeroing (vmfs/advanced-settings.ts).

import { ADVANCED_SETTINGS, findSetting, setSetting, settingValue, type AdvancedSetting } from '../../vmfs/advanced-settings';
import { EsxcliError, num, str, type CommandSpec } from './command';
import type { Host } from '../../host';

function record(host: Host, s: AdvancedSetting): string {
  return [
    `   Path: ${s.path}`,
    '   Type: integer',
    `   Int Value: ${settingValue(host, s.path)}`,
    `   Default Int Value: ${s.defaultValue}`,
    `   Min Value: ${s.min}`,
    `   Max Value: ${s.max}`,
    '   String Value:',
    '   Default String Value:',
    '   Valid Characters:',
    `   Description: ${s.description}`,
  ].join('\n');
}

function requireSetting(path: string): AdvancedSetting {
  const s = findSetting(path);
  if (!s) {
    throw new EsxcliError(`Unable to find option ${path.split('/').filter(Boolean).pop() ?? path} (PathLab has ${ADVANCED_SETTINGS.map((x) => x.path).join(', ')})`);
  }
  return s;
}

const list: CommandSpec = {
  path: ['system', 'settings', 'advanced', 'list'],
  description: 'List the advanced options available from the VMkernel.',
  options: [
    { short: 'o', long: 'option', type: 'str', help: 'Only get the information for a single VMkernel advanced option.' },
    { short: 't', long: 'tree', type: 'str', help: 'Limit the list of advanced option to a specific sub tree.' },
  ],
  run(host, opts) {
    const option = str(opts, 'option');
    const tree = str(opts, 'tree');
    if (option !== undefined) return record(host, requireSetting(option));
    const shown = ADVANCED_SETTINGS.filter((s) => tree === undefined || s.path.toLowerCase().startsWith(tree.toLowerCase().replace(/\/?$/, '/')));
    if (shown.length === 0) throw new EsxcliError(`Unable to find option tree ${tree}`);
    return shown.map((s) => record(host, s)).join('\n\n');
  },
};

const set: CommandSpec = {
  path: ['system', 'settings', 'advanced', 'set'],
  description: 'Set the value of an advanced option.',
  options: [
    { short: 'o', long: 'option', type: 'str', required: true, help: 'The name of the option to set the value of. Example: "/Misc/HostName"' },
    { short: 'i', long: 'int-value', type: 'long', help: 'If the option is an integer value use this option.' },
    { short: 'd', long: 'default', type: 'flag', help: 'Reset the option to its default value.' },
  ],
  run(host, opts) {
    const s = requireSetting(str(opts, 'option')!);
    const value = opts.default ? s.defaultValue : num(opts, 'int-value');
    if (value === undefined) throw new EsxcliError('Either --int-value or --default must be given for an integer option', true);
    try {
      setSetting(host, s.path, value);
    } catch (e) {
      throw new EsxcliError((e as Error).message);
    }
    return '';
  },
};

export const settingsCommands = [list, set];
export const SETTINGS_NAMESPACES: Record<string, string> = {
  system: 'VMKernel system properties and commands for configuring properties of the kernel core system.',
  'system settings': 'Configure the VMkernel advanced options and kernel settings.',
  'system settings advanced': 'The advanced VMkernel options.',
};
