// esxcli storage core claiming unclaim: gives matching paths back to the unclaimed pool, masked
// ones included (that is how a mask is lifted). A plugin refuses paths of devices in use.

import type { Host } from '../../host';
import type { PathImpl } from '../../psa/path';
import { EsxcliError, num, str, type CommandSpec, type Options } from './command';

const TYPES = ['location', 'path', 'driver', 'device', 'plugin', 'vendor'];

function select(host: Host, type: string, opts: Options): PathImpl[] {
  const need = (...names: string[]) => {
    if (!names.some((n) => opts[n] !== undefined)) {
      throw new EsxcliError(`Unclaim type ${type} needs ${names.map((n) => `--${n}`).join(' or ')}`, true);
    }
  };
  const all = host.psa.paths;
  switch (type) {
    case 'location': {
      need('adapter', 'channel', 'target', 'lun');
      const [a, c, t, l] = [str(opts, 'adapter'), num(opts, 'channel'), num(opts, 'target'), num(opts, 'lun')];
      return all.filter((p) => (a === undefined || p.adapter === a) && (c === undefined || c === 0) &&
        (t === undefined || p.targetNumber === t) && (l === undefined || p.lun === l));
    }
    case 'path': {
      need('path');
      const name = str(opts, 'path')!;
      return all.filter((p) => p.name === name || p.uid === name);
    }
    case 'device': {
      need('device');
      const id = str(opts, 'device')!;
      const canonical = host.psa.device(id)?.id ?? id;
      return all.filter((p) => p.identity.deviceId === canonical);
    }
    case 'plugin': {
      need('plugin');
      const plugin = str(opts, 'plugin')!;
      if (!host.psa.plugins.get(plugin)) throw new EsxcliError(`Unknown plugin ${plugin}`);
      return all.filter((p) => p.owner === plugin);
    }
    case 'vendor': {
      need('vendor');
      const [v, m] = [str(opts, 'vendor'), str(opts, 'model')];
      return all.filter((p) => p.identity.vendor === v && (m === undefined || p.identity.model === m));
    }
    default: {
      need('driver');
      return all.filter((p) => p.adapterRef.driver === str(opts, 'driver'));
    }
  }
}

const unclaim: CommandSpec = {
  path: ['storage', 'core', 'claiming', 'unclaim'],
  description: 'Unclaim a path or set of paths, disassociating them from a PSA plugin.',
  options: [
    { short: 'A', long: 'adapter', type: 'str', help: 'If the --type parameter is "location" this value indicates the name of the adapter of the paths to unclaim.' },
    { short: 'C', long: 'channel', type: 'long', help: 'If the --type parameter is "location" this value indicates the channel of the paths to unclaim.' },
    { short: 'c', long: 'claimrule-class', type: 'str', help: 'Indicate the claim rule class to use in this operation [MP, Filter, VAAI].' },
    { short: 'd', long: 'device', type: 'str', help: 'If the --type parameter is "device" attempt to unclaim all paths to the given device.' },
    { short: 'D', long: 'driver', type: 'str', help: 'If the --type parameter is "driver" attempt to unclaim all paths provided by the given HBA driver.' },
    { short: 'L', long: 'lun', type: 'long', help: 'If the --type parameter is "location" this value indicates the LUN of the paths to unclaim.' },
    { short: 'M', long: 'model', type: 'str', help: 'If the --type parameter is "vendor" attempt to unclaim the paths to devices with this model.' },
    { short: 'p', long: 'path', type: 'str', help: 'If the --type parameter is "path" attempt to unclaim this path (UID or runtime name).' },
    { short: 'P', long: 'plugin', type: 'str', help: 'If the --type parameter is "plugin" attempt to unclaim all paths claimed by this plugin.' },
    { short: 'T', long: 'target', type: 'long', help: 'If the --type parameter is "location" this value indicates the target of the paths to unclaim.' },
    { short: 't', long: 'type', type: 'str', required: true, help: `Indicate the type of unclaim [${TYPES.join(', ')}].` },
    { short: 'V', long: 'vendor', type: 'str', help: 'If the --type parameter is "vendor" attempt to unclaim the paths to devices from this vendor.' },
  ],
  run(host, opts) {
    const type = str(opts, 'type')!.toLowerCase();
    if (!TYPES.includes(type)) throw new EsxcliError(`Invalid unclaim type ${str(opts, 'type')}. Valid values are: ${TYPES.join(', ')}`, true);
    const paths = select(host, type, opts);
    if (paths.length === 0) throw new EsxcliError(`Unable to perform unclaim: no paths match the ${type} given`);
    const refused = host.psa.unclaim(paths);
    host.settle();
    if (refused.length > 0) {
      throw new EsxcliError(
        'Unable to perform unclaim. Error message was : Unable to unclaim all requested paths. ' +
          `Some paths were busy or were the last path to an in use device (device is busy): ${refused.join(', ')}`,
      );
    }
    return '';
  },
};

export const claimingCommands = [unclaim];
