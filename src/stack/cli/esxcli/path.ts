// esxcli storage core path list: one record per path, headed by the path UID. Paths MASK_PATH
// owns are hidden (lookup.ts), so a masked path vanishes from this list.

import type { Host } from '../../host';
import type { PathImpl } from '../../psa/path';
import { EsxcliError, str, type CommandSpec } from './command';
import { records, type Field } from './format';
import { deviceOfPath, requirePath, visiblePaths } from './lookup';

/** The largest I/O the adapters pass unsplit (qlnativefc and lsi_msgpt3 both report 32 MiB - 512). */
const MAX_IO_SIZE = 33553920;

function transportDetails(transport: string, wwnn: string, wwpn: string): string {
  if (transport === 'fc') return `WWNN: ${wwnn} WWPN: ${wwpn}`;
  return wwpn ? wwpn.replace(/:/g, '') : 'Unavailable or path is unclaimed';
}

export function pathFields(host: Host, p: PathImpl): Field[] {
  const device = deviceOfPath(host, p);
  const t = p.adapterRef.transport;
  return [
    ['UID', p.uid],
    ['Runtime Name', p.name],
    ['Device', device ? device.id : 'No associated device'],
    ['Device Display Name', device ? device.displayName : 'No associated device'],
    ['Adapter', p.adapter],
    ['Channel', 0],
    ['Target', p.targetNumber],
    ['LUN', p.lun],
    ['Plugin', p.owner ?? '(unclaimed)'],
    ['State', p.state],
    ['Transport', t],
    ['Adapter Identifier', p.adapterRef.uid],
    ['Target Identifier', p.targetUid],
    ['Adapter Transport Details', transportDetails(t, p.adapterRef.wwnn, p.adapterRef.wwpn)],
    ['Target Transport Details', transportDetails(t, p.targetWwnn, p.port.wwpn)],
    ['Maximum I/O Size', MAX_IO_SIZE],
  ];
}

const list: CommandSpec = {
  path: ['storage', 'core', 'path', 'list'],
  description: 'List all the SCSI paths on the system.',
  options: [
    { short: 'd', long: 'device', type: 'str', help: 'Limit the display to paths to a specific device.' },
    { short: 'p', long: 'path', type: 'str', help: 'Limit the output to a specific path. This name can be either the UID or the runtime name of the path.' },
  ],
  run(host, opts) {
    const pathName = str(opts, 'path');
    const deviceId = str(opts, 'device');
    let paths = visiblePaths(host);
    if (pathName !== undefined) paths = [requirePath(host, pathName)];
    if (deviceId !== undefined) {
      const device = host.psa.device(deviceId);
      if (!device) throw new EsxcliError(`Unknown device ${deviceId}`);
      paths = paths.filter((p) => p.owner !== undefined && p.identity.deviceId === device.id);
    }
    return records(paths.map((p) => ({ id: p.uid, fields: pathFields(host, p) })));
  },
};

const set: CommandSpec = {
  path: ['storage', 'core', 'path', 'set'],
  description: 'Provide control to allow a user to modify a single path\'s state. This will effectively allow a user to enable or disable a given path.',
  options: [
    { short: 'p', long: 'path', type: 'str', required: true, help: 'The path to set the state on. This name can be either the UID or the runtime name of the path.' },
    { short: 's', long: 'state', type: 'str', required: true, help: 'Set the path state to active or off: active, off' },
  ],
  run(host, opts) {
    const path = requirePath(host, str(opts, 'path')!);
    const state = str(opts, 'state')!.toLowerCase();
    if (state !== 'active' && state !== 'off') throw new EsxcliError(`Invalid path state ${str(opts, 'state')}. Valid values are: active, off`, true);
    host.psa.setPathEnabled(path, state === 'active');
    host.settle();
    return '';
  },
};

export const pathCommands = [list, set];
