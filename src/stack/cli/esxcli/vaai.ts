// esxcli storage core device vaai status get: which array offloads (VAAI primitives) each device
// supports. The host decides from what the device said at discovery (INQUIRY 3PC, VPD 0xB0 and
// 0xB2, READ CAPACITY (16) LBPME), as ESXi does for T10-compliant arrays, which need no VAAI plugin:
// hence the empty "VAAI Plugin Name".

import type { LogicalDevice } from '../../psa/device';
import type { Offloads } from '../../psa/path';
import { str, type CommandSpec } from './command';
import { records, type Field } from './format';
import { requireDevice } from './lookup';

export type PrimitiveStatus = 'supported' | 'unsupported';

export interface VaaiStatus {
  /** Atomic test and set: COMPARE AND WRITE (VPD 0xB0 MAXIMUM COMPARE AND WRITE LENGTH > 0). */
  ats: PrimitiveStatus;
  /** Full copy: EXTENDED COPY (INQUIRY 3PC). */
  clone: PrimitiveStatus;
  /** Block zero: WRITE SAME (16) (VPD 0xB0 MAXIMUM WRITE SAME LENGTH > 0). */
  zero: PrimitiveStatus;
  /** Dead space reclamation: UNMAP on a thin LUN (READ CAPACITY (16) LBPME and VPD 0xB2 LBPU). */
  delete: PrimitiveStatus;
}

/** The offloads a device reported, from a path that could read its capacity (not a passive one) if any. */
export function offloadsOf(d: LogicalDevice): Offloads | undefined {
  return (d.paths.find((p) => p.identity.offloads.lbpme !== undefined) ?? d.paths[0])?.identity.offloads;
}

export function vaaiStatus(d: LogicalDevice): VaaiStatus {
  const o = offloadsOf(d);
  const status = (supported: boolean | undefined): PrimitiveStatus => (supported ? 'supported' : 'unsupported');
  return {
    ats: status(o && o.maxCompareAndWrite > 0),
    clone: status(o?.thirdPartyCopy),
    zero: status(o && o.maxWriteSame > 0),
    delete: status(o?.lbpme === true && o.lbpu),
  };
}

function statusFields(d: LogicalDevice): Field[] {
  const s = vaaiStatus(d);
  return [
    ['VAAI Plugin Name', ''],
    ['ATS Status', s.ats],
    ['Clone Status', s.clone],
    ['Zero Status', s.zero],
    ['Delete Status', s.delete],
  ];
}

const get: CommandSpec = {
  path: ['storage', 'core', 'device', 'vaai', 'status', 'get'],
  description: 'Get the VAAI status of devices.',
  options: [{ short: 'd', long: 'device', type: 'str', help: 'Filter the output of this command to only show a single device.' }],
  run(host, opts) {
    const id = str(opts, 'device');
    const devices = id !== undefined ? [requireDevice(host, id)] : [...host.psa.devices.values()].sort((a, b) => a.id.localeCompare(b.id));
    return records(devices.map((d) => ({ id: d.id, fields: statusFields(d) })));
  },
};

export const vaaiCommands = [get];
