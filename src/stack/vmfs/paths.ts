// Console paths to volumes and files: /vmfs/volumes/LABEL-or-UUID[/NAME.vmdk], as ESXi shows a
// volume both by its label (a symlink) and by its UUID. What a path names must be mounted on the
// host that runs the command.

import type { Host } from '../host';
import { checkFileName } from './files';
import type { Volume } from './volume';
import { vmfsOf } from './vmfs';

const VOLUMES = '/vmfs/volumes/';

export function volumeOfPath(host: Host, path: string): Volume {
  if (!path.startsWith(VOLUMES)) throw new Error(`${path} is not a volume path: use /vmfs/volumes/LABEL`);
  const name = path.slice(VOLUMES.length).replace(/\/$/, '');
  if (name === '' || name.includes('/')) throw new Error(`${path} is not a volume path: use /vmfs/volumes/LABEL`);
  return requireVolume(host, name);
}

export function requireVolume(host: Host, name: string): Volume {
  const vmfs = vmfsOf(host);
  const vol = vmfs.volume(name);
  if (vol) return vol;
  const known = [...vmfs.volumes.values()].map((v) => v.label);
  throw new Error(`Volume ${name} is not mounted on this host (mounted: ${known.length ? known.join(', ') : 'none'}; a volume formatted on another host appears after esxcli storage filesystem rescan)`);
}

/** /vmfs/volumes/LABEL/NAME.vmdk: the mounted volume and the file's name (which may not exist yet). */
export function fileOfPath(host: Host, path: string): { volume: Volume; name: string } {
  if (!path.startsWith(VOLUMES)) throw new Error(`${path} is not a file on a volume: use /vmfs/volumes/LABEL/NAME.vmdk`);
  const parts = path.slice(VOLUMES.length).split('/');
  if (parts.length !== 2 || parts[0] === '') throw new Error(`${path} is not a file on a volume: use /vmfs/volumes/LABEL/NAME.vmdk (PathLab's volumes have no directories)`);
  const volume = requireVolume(host, parts[0]);
  checkFileName(parts[1]);
  return { volume, name: parts[1] };
}
