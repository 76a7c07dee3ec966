// `vmkfstools -L lunreset|targetreset|reset /vmfs/devices/disks/ID`: how an administrator sends
// a reset to a device. PathLab implements the LUN reset; the others answer as unsupported here.

import type { Host } from '../host';

export const VMKFSTOOLS_USAGE = 'vmkfstools -L lunreset /vmfs/devices/disks/DEVICE';

export function vmkfstools(host: Host, args: string[]): { output: string; ok: boolean } {
  if (args.length !== 3 || args[0] !== '-L') return { output: `usage: ${VMKFSTOOLS_USAGE}`, ok: false };
  const [, kind, devfs] = args;
  const id = devfs.replace(/^\/vmfs\/devices\/disks\//, '');
  const device = host.psa.device(id);
  if (!device) return { output: `Could not open ${devfs}: no such device`, ok: false };
  if (kind !== 'lunreset') return { output: `${kind} is not supported in PathLab: use lunreset`, ok: false };
  const path = device.paths.find((p) => p.state === 'active' && p.connected);
  if (!path) return { output: `Could not reset ${id}: the device has no usable path`, ok: false };
  const aborted = host.psa.io.resetLun(device, path);
  host.log(`PSA: LUN reset on ${id} through ${path.name}: ${aborted} commands aborted`);
  return { output: `Lun Reset succeeded on ${id} (${aborted} commands aborted)`, ok: true };
}
