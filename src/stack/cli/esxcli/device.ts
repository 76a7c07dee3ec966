// esxcli storage core device list | set. Fields the stack knows come from the device (thin
// provisioning and VAAI from what it reported at discovery, see vaai.ts); the rest are what ESXi 7
// prints for a plain SCSI disk without T10 PI.

import type { Host } from '../../host';
import type { LogicalDevice } from '../../psa/device';
import { EsxcliError, num, str, type CommandSpec } from './command';
import { records, type Field } from './format';
import { requireDevice } from './lookup';
import { offloadsOf, vaaiStatus } from './vaai';

/**
 * The device list's VAAI Status (hardware acceleration): supported when ATS, Clone and Zero all are,
 * unsupported when none is, unknown for partial support (vSphere Storage, "Hardware Acceleration").
 */
function acceleration(d: LogicalDevice): string {
  const s = vaaiStatus(d);
  const supported = [s.ats, s.clone, s.zero].filter((x) => x === 'supported').length;
  return supported === 3 ? 'supported' : supported === 0 ? 'unsupported' : 'unknown';
}

function deviceFields(d: LogicalDevice): Field[] {
  const transports = new Set(d.paths.map((p) => p.adapterRef.transport));
  const sas = transports.has('sas');
  const usb = transports.has('usb');
  return [
    ['Display Name', d.displayName],
    ['Has Settable Display Name', true],
    // Real esxcli names this field "Size" and gives megabytes.
    ['Size', Math.floor(d.capacityBytes / (1024 * 1024))],
    ['Device Type', 'Direct-Access'],
    ['Multipath Plugin', d.owner.name],
    ['Devfs Path', `/vmfs/devices/disks/${d.id}`],
    ['Vendor', d.vendor],
    ['Model', d.model],
    ['Revision', d.revision],
    ['SCSI Level', 6],
    ['Is Pseudo', false],
    ['Status', d.status],
    ['Is RDM Capable', !d.isLocal],
    ['Is Local', d.isLocal],
    ['Is Removable', false],
    ['Is SSD', false],
    ['Is VVOL PE', d.paths.some((p) => p.identity.conglomerate === true)], // INQUIRY LU_CONG; printed by ESXi 6.0 and later
    ['Is Offline', d.status === 'off'],
    ['Is Perennially Reserved', false],
    ['Queue Full Sample Size', 0],
    ['Queue Full Threshold', 8],
    // ESXi prints yes for a thin LUN (LBPME) and unknown for a thick one.
    ['Thin Provisioning Status', offloadsOf(d)?.lbpme ? 'yes' : 'unknown'],
    ['Attached Filters', ''],
    ['VAAI Status', acceleration(d)],
    ['Other UIDs', [d.vmlId, ...d.pluginIds].filter(Boolean).join(', ')],
    ['Is Shared Clusterwide', !d.isLocal],
    ['Is Local SAS Device', d.isLocal && sas],
    ['Is SAS', sas],
    ['Is USB', usb],
    ['Is Boot Device', false],
    ['Device Max Queue Depth', d.queueDepth],
    ['No of outstanding IOs with competing worlds', d.schedNumReqOutstanding],
    ['Drive Type', d.isLocal ? 'physical' : 'unknown'],
    ['RAID Level', d.isLocal ? 'NA' : 'unknown'],
    ['Number of Physical Drives', d.isLocal ? 1 : 'unknown'],
    ['Protection Enabled', false],
    ['PI Activated', false],
    ['PI Type', 0],
    ['PI Protection Mask', 'NO PROTECTION'],
    ['Supported Guard Types', 'NO GUARD SUPPORT'],
    ['DIX Enabled', false],
    ['DIX Guard Type', 'NO GUARD SUPPORT'],
    ['Emulated DIX/DIF Enabled', false],
  ];
}

const list: CommandSpec = {
  path: ['storage', 'core', 'device', 'list'],
  description: 'List the devices currently registered with the PSA.',
  options: [{ short: 'd', long: 'device', type: 'str', help: 'Filter the output of this command to only show a single device.' }],
  run(host, opts) {
    const id = str(opts, 'device');
    const devices = id !== undefined ? [requireDevice(host, id)] : [...host.psa.devices.values()].sort((a, b) => a.id.localeCompare(b.id));
    return records(devices.map((d) => ({ id: d.id, fields: deviceFields(d) })));
  },
};

/** The device queue depth cap ESXi accepts (Disk.MaxQueueDepth's range is 1 to 4096 per device here). */
const MAX_QUEUE_DEPTH = 4096;

const set: CommandSpec = {
  path: ['storage', 'core', 'device', 'set'],
  description: 'Provide control to allow a user to modify a SCSI device\'s state.',
  options: [
    { short: 'd', long: 'device', type: 'str', required: true, help: 'The device upon which to operate.' },
    { short: 'm', long: 'max-queue-depth', type: 'long', help: 'Set device\'s max queue depth.' },
    {
      short: 'O', long: 'sched-num-req-outstanding', type: 'long',
      help: 'Set number of outstanding IOs with competing worlds (DSNRO); it cannot exceed the device\'s max queue depth.',
    },
  ],
  run(host: Host, opts) {
    const device = requireDevice(host, str(opts, 'device')!);
    const depth = num(opts, 'max-queue-depth');
    const dsnro = num(opts, 'sched-num-req-outstanding');
    if (depth === undefined && dsnro === undefined) {
      throw new EsxcliError('Nothing to set: give --sched-num-req-outstanding or --max-queue-depth', true);
    }
    if (depth !== undefined && (depth < 1 || depth > MAX_QUEUE_DEPTH)) {
      throw new EsxcliError(`Unable to set device's max queue depth: value ${depth} is out of range (1-${MAX_QUEUE_DEPTH})`);
    }
    const newDepth = depth ?? device.queueDepth;
    if (dsnro !== undefined && (dsnro < 1 || dsnro > newDepth)) {
      throw new EsxcliError(
        `Unable to set device's sched-num-req-outstanding: value ${dsnro} is out of range (1-${newDepth}); it cannot exceed the max queue depth ${newDepth}`,
      );
    }
    device.queueDepth = newDepth;
    // A lower max queue depth lowers DSNRO with it: DSNRO never exceeds DQLEN.
    device.schedNumReqOutstanding = Math.min(dsnro ?? device.schedNumReqOutstanding, newDepth);
    return '';
  },
};

export const deviceCommands = [list, set];
