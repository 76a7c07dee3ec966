// `vmkfstools`: ESXi's tool for VMFS volumes and virtual disks, on the host it runs on.
//   -C vmfs6 -S LABEL /vmfs/devices/disks/ID     format a device (refuses one that holds VMFS)
//   -c SIZE [-d FORMAT] /vmfs/volumes/LABEL/NAME.vmdk   create a disk (thin, zeroedthick, eagerzeroedthick)
//   -i SRC DST [-d FORMAT]                        clone a disk (XCOPY or the host's data mover)
//   -U FILE                                       delete a disk
//   -D FILE                                       the file's lock record and descriptor
//   --activehosts /vmfs/volumes/LABEL             hosts whose heartbeats move on the volume
//   -L lunreset /vmfs/devices/disks/ID            a LUN reset
// Async: each runs its SCSI commands through the host's I/O path in virtual time.

import type { Host } from '../host';
import { activeHosts } from '../vmfs/active-hosts';
import { cloneFile, type CloneReport } from '../vmfs/clone';
import { createFile, deleteFile } from '../vmfs/files';
import { fileOfPath, volumeOfPath } from '../vmfs/paths';
import { describeFile } from '../vmfs/describe';
import { DISK_FORMATS, type DiskFormat } from '../vmfs/layout';
import { complete } from '../vmfs/task';
import { vmfsOf } from '../vmfs/vmfs';

export const VMKFSTOOLS_USAGE = [
  'vmkfstools -L lunreset /vmfs/devices/disks/DEVICE',
  'vmkfstools -C vmfs6 -S LABEL /vmfs/devices/disks/DEVICE',
  'vmkfstools -c SIZE [-d thin|zeroedthick|eagerzeroedthick] /vmfs/volumes/LABEL/NAME.vmdk',
  'vmkfstools -i /vmfs/volumes/LABEL/SRC.vmdk /vmfs/volumes/LABEL/DST.vmdk [-d FORMAT]',
  'vmkfstools -U|-D /vmfs/volumes/LABEL/NAME.vmdk',
  'vmkfstools --activehosts /vmfs/volumes/LABEL',
].join('\n       ');

export interface VmkfstoolsResult {
  output: string;
  ok: boolean;
}

const DEVICES = '/vmfs/devices/disks/';
const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export async function vmkfstools(host: Host, args: string[]): Promise<VmkfstoolsResult> {
  try {
    return { output: await run(host, args), ok: true };
  } catch (e) {
    return { output: e instanceof Error ? e.message : String(e), ok: false };
  }
}

/** Takes `-d FORMAT` out of the arguments (anywhere), checked. */
function takeFormat(args: string[], fallback: DiskFormat): { rest: string[]; format: DiskFormat } {
  const i = args.findIndex((a) => a === '-d' || a === '--diskformat');
  if (i < 0) return { rest: args, format: fallback };
  const value = args[i + 1];
  if (!DISK_FORMATS.includes(value as DiskFormat)) throw new Error(`Unsupported disk format '${value ?? ''}': use ${DISK_FORMATS.join(', ')}`);
  return { rest: [...args.slice(0, i), ...args.slice(i + 2)], format: value as DiskFormat };
}

export function parseDiskSize(text: string): number {
  const m = /^(\d+)([kmgt]?)$/i.exec(text);
  const bytes = m ? Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()] : NaN;
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) throw new Error(`Invalid disk size '${text}': a positive number of bytes with k, m, g or t (e.g. 64m, 10g)`);
  return bytes;
}

function usage(message: string): Error {
  return new Error(`${message}\nusage: ${VMKFSTOOLS_USAGE}`);
}

async function run(host: Host, args: string[]): Promise<string> {
  const [option] = args;
  switch (option) {
    case '-L':
      return lunReset(host, args);
    case '-C':
    case '--createfs':
      return format(host, args);
    case '-c':
    case '--createvirtualdisk': {
      const { rest, format: diskFormat } = takeFormat(args.slice(1), 'zeroedthick');
      if (rest.length !== 2) throw usage('vmkfstools -c needs a size and a file');
      const size = parseDiskSize(rest[0]);
      const { volume, name } = fileOfPath(host, rest[1]);
      const file = await complete(host, createFile(host, volume, name, size, diskFormat));
      const lines = ['Create: 100% done.'];
      if (file.zeroing) {
        const z = file.zeroing;
        lines.push(z.offload ? `Zeroed by the array: ${z.commands} WRITE SAME (16) commands (Zero)` : `Zeroed by the host: ${z.commands} WRITE commands`);
      }
      return lines.join('\n');
    }
    case '-i':
    case '--clonevirtualdisk': {
      const { rest, format: diskFormat } = takeFormat(args.slice(1), 'zeroedthick');
      if (rest.length !== 2) throw usage('vmkfstools -i needs a source and a destination file');
      const src = fileOfPath(host, rest[0]);
      const dst = fileOfPath(host, rest[1]);
      const report = await complete(host, cloneFile(host, src.volume, src.name, dst.volume, dst.name, diskFormat));
      vmfsOf(host).lastClone = report;
      return cloneText(report, rest[0]);
    }
    case '-U':
    case '--deletevirtualdisk': {
      if (args.length !== 2) throw usage('vmkfstools -U needs one file');
      const { volume, name } = fileOfPath(host, args[1]);
      await complete(host, deleteFile(host, volume, name));
      return '';
    }
    case '-D':
    case '--lock': {
      if (args.length !== 2) throw usage('vmkfstools -D needs one file');
      const { volume, name } = fileOfPath(host, args[1]);
      return complete(host, describeFile(host, volume, name));
    }
    case '--activehosts':
    case '-H': {
      if (args.length !== 2) throw usage('vmkfstools --activehosts needs one volume');
      const volume = volumeOfPath(host, args[1]);
      return complete(host, activeHosts(host, volume, args[1]));
    }
    default:
      throw usage(option === undefined ? 'vmkfstools needs an option' : `unknown option ${option}`);
  }
}

async function format(host: Host, args: string[]): Promise<string> {
  if (args.length !== 5 || args[2] !== '-S') throw usage('vmkfstools -C needs: -C vmfs6 -S LABEL /vmfs/devices/disks/DEVICE');
  const [, type, , label, devfs] = args;
  if (type !== 'vmfs6') throw new Error(`PathLab formats VMFS-6 only: use -C vmfs6, not ${type}`);
  const id = devfs.replace(DEVICES, '');
  const device = devfs.startsWith(DEVICES) ? host.psa.device(id) : undefined;
  if (!device) {
    throw new Error(`Could not open ${devfs}: no such device on this host (esxcli storage core device list shows the devices it has claimed)`);
  }
  const vol = await complete(host, vmfsOf(host).format(device, label));
  return [
    `create fs deviceName:'${devfs}', fsShortName:'vmfs6', fsName:'${label}'`,
    `deviceFullPath:/dev/disks/${id} deviceFile:${id}`,
    'Checking if remote hosts are using this device as a valid file system. This may take a few seconds...',
    `Creating vmfs6 file system on "${id}" with blockSize 1048576, unmapGranularity 1048576, unmapPriority default and volume label "${label}".`,
    `Successfully created new volume: ${vol.uuid}`,
  ].join('\n');
}

function cloneText(r: CloneReport, source: string): string {
  const lines = [`Destination disk format: VMFS ${r.format}`, `Cloning disk '${source}'...`, 'Clone: 100% done.'];
  if (r.mover === 'hardware') {
    lines.push(`Data mover: hardware (XCOPY): ${r.xcopyCommands} EXTENDED COPY commands${r.reason ? `, then ${r.readCommands} READ and ${r.writeCommands} WRITE commands: ${r.reason}` : ''}`);
  } else {
    lines.push(`Data mover: software (${r.reason}): ${r.readCommands} READ and ${r.writeCommands} WRITE commands`);
  }
  lines.push(`Fabric: ${r.fabricBytes} bytes moved by this host's adapters while copying ${r.bytes} bytes`);
  return lines.join('\n');
}

function lunReset(host: Host, args: string[]): string {
  if (args.length !== 3) throw usage('vmkfstools -L needs: -L lunreset /vmfs/devices/disks/DEVICE');
  const [, kind, devfs] = args;
  const id = devfs.replace(/^\/vmfs\/devices\/disks\//, '');
  const device = host.psa.device(id);
  if (!device) throw new Error(`Could not open ${devfs}: no such device`);
  if (kind !== 'lunreset') throw new Error(`${kind} is not supported in PathLab: use lunreset`);
  const path = device.paths.find((p) => p.state === 'active' && p.connected);
  if (!path) throw new Error(`Could not reset ${id}: the device has no usable path`);
  const aborted = host.psa.io.resetLun(device, path);
  host.log(`PSA: LUN reset on ${id} through ${path.name}: ${aborted} commands aborted`);
  return `Lun Reset succeeded on ${id} (${aborted} commands aborted)`;
}
