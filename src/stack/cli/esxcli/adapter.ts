// esxcli storage core adapter list | rescan.

import type { Host } from '../../host';
import { EsxcliError, str, type CommandSpec } from './command';
import { table } from './format';

function linkState(transport: string, up: boolean): string {
  if (transport !== 'fc' && transport !== 'iscsi') return 'link-n/a'; // local HBAs have no link to report
  return up ? 'link-up' : 'link-down';
}

const list: CommandSpec = {
  path: ['storage', 'core', 'adapter', 'list'],
  description: 'List all the SCSI Host Bus Adapters on the system.',
  options: [],
  run(host: Host) {
    return table(
      ['HBA Name', 'Driver', 'Link State', 'UID', 'Capabilities', 'Description'],
      host.adapters.map((a) => [
        a.name,
        a.driver,
        linkState(a.transport, a.up && a.linkUp),
        a.uid,
        a.transport === 'fc' || a.transport === 'iscsi' ? 'Second Level Lun ID' : '',
        a.description,
      ]),
    );
  },
};

const rescan: CommandSpec = {
  path: ['storage', 'core', 'adapter', 'rescan'],
  description: 'Rescan SCSI HBAs to search for new Devices, remove DEAD paths and update path state.',
  options: [
    { short: 'A', long: 'adapter', type: 'str', help: 'Indicate the name of the SCSI HBA to rescan.' },
    { short: 'a', long: 'all', type: 'flag', help: 'Indicate the scan should be performed on all SCSI HBAs.' },
  ],
  run(host, opts) {
    const name = str(opts, 'adapter');
    if (name === undefined && !opts.all) throw new EsxcliError('Either --adapter or --all must be specified', true);
    if (name !== undefined && !host.adapter(name)) throw new EsxcliError(`Unknown adapter ${name}`);
    // PathLab scans every adapter even when one is named: discovery is one pass over the fabrics.
    host.psa.rescan();
    host.settle();
    return '';
  },
};

export const adapterCommands = [list, rescan];
