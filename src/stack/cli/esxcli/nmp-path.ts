// esxcli storage nmp path list: NMP's view of each path (group state, SATP and PSP path config).

import type { Host } from '../../host';
import type { NmpDevice } from '../../nmp/nmp-device';
import type { PathImpl } from '../../psa/path';
import { EsxcliError, str, type CommandSpec } from './command';
import { records, type Field } from './format';
import { fixedPreferred, requirePath } from './lookup';

function groupState(p: PathImpl): string {
  if (p.state === 'dead') return p.alua === 'UNAV' ? 'unavailable' : 'dead';
  if (p.state === 'active') return p.alua === 'ANO' ? 'active unoptimized' : 'active';
  return p.state; // standby, disabled, unknown
}

const ALUA_NAMES: Record<string, string> = { AO: 'AO', ANO: 'ANO', STBY: 'STBY', UNAV: 'UNAV', TRANS: 'TRANS' };

function satpPathConfig(d: NmpDevice, p: PathImpl): string {
  if (d.satp.name !== 'VMW_SATP_ALUA') return `SATP ${d.satp.name} does not support path configuration.`;
  const tpg = (d.satpView.state as { tpg?: Record<string, number> }).tpg?.[p.name] ?? p.port.sp.groupId;
  const state = ALUA_NAMES[p.alua] ?? 'unknown';
  const health = p.state === 'dead' ? 'DOWN' : 'UP';
  return `{TPG_id=${tpg},TPG_state=${state},RTP_id=${p.port.relativeId},RTP_health=${health}}`;
}

/** Per PSP as ESXi prints it: Fixed shows current/preferred, RR has none, MRU (and others) a rank. */
function pspPathConfig(d: NmpDevice, p: PathImpl): string {
  const current = d.workingPaths().includes(p);
  if (d.psp.name === 'VMW_PSP_RR') return 'PSP VMW_PSP_RR does not support path configuration.';
  if (d.psp.name === 'VMW_PSP_FIXED') {
    const preferred = fixedPreferred(d) === p.name;
    return `{current: ${current ? 'yes' : 'no'}; preferred: ${preferred ? 'yes' : 'no'}}`;
  }
  return `{${current ? 'current' : 'non-current'} path; rank: 0}`;
}

function nmpPathFields(d: NmpDevice, p: PathImpl): Field[] {
  return [
    ['Runtime Name', p.name],
    ['Device', d.logical.id],
    ['Device Display Name', d.logical.displayName],
    ['Group State', groupState(p)],
    ['Array Priority', 0],
    ['Storage Array Type Path Config', satpPathConfig(d, p)],
    ['Path Selection Policy Path Config', pspPathConfig(d, p)],
  ];
}

const list: CommandSpec = {
  path: ['storage', 'nmp', 'path', 'list'],
  description: 'List the paths currently claimed by the VMware NMP Multipath Plugin',
  options: [
    { short: 'd', long: 'device', type: 'str', help: 'Show the paths claimed by NMP for the given device.' },
    { short: 'p', long: 'path', type: 'str', help: 'Show the NMP information for a single path.' },
  ],
  run(host: Host, opts) {
    let paths = host.psa.paths.filter((p) => p.owner === 'NMP');
    const pathName = str(opts, 'path');
    const deviceId = str(opts, 'device');
    if (pathName !== undefined) {
      const path = requirePath(host, pathName);
      if (path.owner !== 'NMP') throw new EsxcliError(`Path ${pathName} is not claimed by NMP`);
      paths = [path];
    }
    if (deviceId !== undefined) {
      const device = host.nmp.device(deviceId);
      if (!device) throw new EsxcliError(`Unknown device ${deviceId}`);
      paths = paths.filter((p) => device.paths.includes(p));
    }
    return records(
      paths.flatMap((p) => {
        const d = host.nmp.deviceOfPath(p);
        return d ? [{ id: p.uid, fields: nmpPathFields(d, p) }] : [];
      }),
    );
  },
};

export const nmpPathCommands = [list];
