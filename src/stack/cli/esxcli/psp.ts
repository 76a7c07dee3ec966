// esxcli storage nmp psp list, and the Fixed PSP's deviceconfig get | set.

import type { Host } from '../../host';
import type { NmpDevice } from '../../nmp/nmp-device';
import { EsxcliError, str, type CommandSpec } from './command';
import { table } from './format';
import { fixedPreferred, requireNmpDevice } from './lookup';

const list: CommandSpec = {
  path: ['storage', 'nmp', 'psp', 'list'],
  description: 'List the Path Selection Plugins (PSP) currently loaded into the NMP system and display information about those PSPs',
  options: [],
  run(host) {
    return table(['Name', 'Description'], [...host.nmp.psps.values()].map((p) => [p.name, p.description ?? '']));
  },
};

/** The device, which must be using `psp` (deviceconfig commands belong to one PSP). */
export function deviceUsing(host: Host, id: string, psp: string, verb: string): NmpDevice {
  const device = requireNmpDevice(host, id);
  if (device.psp.name !== psp) {
    throw new EsxcliError(`Unable to ${verb} for device ${device.logical.id}: the device is using ${device.psp.name}, not ${psp}`);
  }
  return device;
}

const fixedGet: CommandSpec = {
  path: ['storage', 'nmp', 'psp', 'fixed', 'deviceconfig', 'get'],
  description: 'Allow retrieving of Fixed Path Selection Policy settings for a given device.',
  options: [{ short: 'd', long: 'device', type: 'str', required: true, help: 'The device you wish to get the preferred path for.' }],
  run(host, opts) {
    const device = deviceUsing(host, str(opts, 'device')!, 'VMW_PSP_FIXED', 'get the preferred path');
    return `Preferred Path: ${fixedPreferred(device) ?? 'none'}`;
  },
};

const fixedSet: CommandSpec = {
  path: ['storage', 'nmp', 'psp', 'fixed', 'deviceconfig', 'set'],
  description: 'Allow setting of the preferred path on a given device controlled by the Fixed Path Selection Policy.',
  options: [
    { short: 'E', long: 'default', type: 'flag', help: 'Clear the preferred path selection for the given device.' },
    { short: 'd', long: 'device', type: 'str', required: true, help: 'The device you wish to set the preferred path for.' },
    { short: 'p', long: 'path', type: 'str', help: 'The path you wish to set as the preferred path for the given device.' },
  ],
  run(host, opts) {
    const name = str(opts, 'path');
    if (name === undefined && !opts.default) throw new EsxcliError('You must specify either --path or --default', true);
    if (name !== undefined && opts.default) throw new EsxcliError('--path and --default cannot be used together', true);
    const device = deviceUsing(host, str(opts, 'device')!, 'VMW_PSP_FIXED', 'set the preferred path');
    const path = name === undefined ? undefined : device.paths.find((p) => p.name === name || p.uid === name);
    if (name !== undefined && !path) {
      throw new EsxcliError(`Unable to set the preferred path for device ${device.logical.id}: ${name} is not a path to this device`);
    }
    // The Fixed PSP reads `preferred` on every command, so it moves (fails back) to the path by itself.
    for (const p of device.paths) p.preferred = p === path;
    host.nmp.pspSettingsChanged(device);
    return '';
  },
};

export const pspCommands = [list, fixedGet, fixedSet];
