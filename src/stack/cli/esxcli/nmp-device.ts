// esxcli storage nmp device list | set.

import type { NmpDevice } from '../../nmp/nmp-device';
import { EsxcliError, str, type CommandSpec } from './command';
import { records, type Field } from './format';
import { requireNmpDevice } from './lookup';

/** What ESXi prints for an SATP with no device configuration (VMW_SATP_LOCAL, VMW_SATP_DEFAULT_AA). */
export function satpDeviceConfig(d: NmpDevice): string {
  if (!d.satp.describe) return `SATP ${d.satp.name} does not support device configuration.`;
  return d.satp.describe(d.satpView) || '{}';
}

function nmpDeviceFields(d: NmpDevice): Field[] {
  return [
    ['Device Display Name', d.logical.displayName],
    ['Storage Array Type', d.satp.name],
    ['Storage Array Type Device Config', satpDeviceConfig(d)],
    ['Path Selection Policy', d.psp.name],
    ['Path Selection Policy Device Config', d.psp.describe?.(d.pspView) || '{}'],
    ['Path Selection Policy Device Custom Config', ''],
    ['Working Paths', d.workingPaths().map((p) => p.name).join(', ')],
    ['Is USB', d.paths.some((p) => p.adapterRef.transport === 'usb')],
  ];
}

const list: CommandSpec = {
  path: ['storage', 'nmp', 'device', 'list'],
  description: 'List the devices currently controlled by the VMware NMP Multipath Plugin and show the SATP and PSP information associated with that device.',
  options: [{ short: 'd', long: 'device', type: 'str', help: 'Filter the output of this command to only show a single device.' }],
  run(host, opts) {
    const id = str(opts, 'device');
    const devices = id !== undefined ? [requireNmpDevice(host, id)] : [...host.nmp.devices].sort((a, b) => a.logical.id.localeCompare(b.logical.id));
    return records(devices.map((d) => ({ id: d.logical.id, fields: nmpDeviceFields(d) })));
  },
};

const set: CommandSpec = {
  path: ['storage', 'nmp', 'device', 'set'],
  description: 'Allow setting of the Path Selection Policy (PSP) for the given device.',
  options: [
    { short: 'E', long: 'default', type: 'flag', help: 'Set Path Selection Policy (PSP) back to default for the current Storage Array Type Policy(SATP).' },
    { short: 'd', long: 'device', type: 'str', required: true, help: 'The device you wish to set the Path Selection Policy (PSP) for.' },
    { short: 'P', long: 'psp', type: 'str', help: 'The Path Selection Policy (PSP) you wish to set on the device.' },
  ],
  run(host, opts) {
    const psp = str(opts, 'psp');
    if (psp === undefined && !opts.default) throw new EsxcliError('You must specify either --psp or --default', true);
    if (psp !== undefined && opts.default) throw new EsxcliError('--psp and --default cannot be used together', true);
    const device = requireNmpDevice(host, str(opts, 'device')!);
    if (psp !== undefined && !host.nmp.psps.has(psp)) {
      throw new EsxcliError(`Unable to set PSP for device ${device.logical.id}: ${psp} is not a valid PSP name (see esxcli storage nmp psp list)`);
    }
    host.nmp.setDevicePsp(device, psp);
    return '';
  },
};

export const nmpDeviceCommands = [list, set];
