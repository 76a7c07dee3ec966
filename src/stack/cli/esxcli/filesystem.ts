// esxcli storage filesystem list | rescan: the VMFS volumes this host has mounted. A volume
// formatted on another host appears after a rescan (this one, or an adapter rescan), once this host
// has read its header and claimed a heartbeat slot on it; both run in virtual time while the
// command settles.

import { vmfsOf } from '../../vmfs/vmfs';
import { FILE_BLOCK } from '../../vmfs/layout';
import type { CommandSpec } from './command';
import { table } from './format';

const list: CommandSpec = {
  path: ['storage', 'filesystem', 'list'],
  description: 'List the volumes available to the host. This includes VMFS, NAS, VFAT and UFS partitions.',
  options: [],
  run(host) {
    const volumes = [...vmfsOf(host).volumes.values()].sort((a, b) => a.label.localeCompare(b.label));
    return table(
      ['Mount Point', 'Volume Name', 'UUID', 'Mounted', 'Type', { header: 'Size', align: 'right' }, { header: 'Free', align: 'right' }],
      volumes.map((v) => [`/vmfs/volumes/${v.uuid}`, v.label, v.uuid, v.mounted, 'VMFS-6', v.sizeBytes, v.freeFileBlocks * FILE_BLOCK]),
    );
  },
};

const rescan: CommandSpec = {
  path: ['storage', 'filesystem', 'rescan'],
  description: 'Scan storage devices for new mountable filesystems.',
  options: [],
  run(host) {
    vmfsOf(host).rescan();
    host.settle();
    return '';
  },
};

export const filesystemCommands = [list, rescan];
export const FILESYSTEM_NAMESPACES: Record<string, string> = {
  'storage filesystem': 'Operations pertaining to filesystems, also known as datastores, on the ESX host.',
};
