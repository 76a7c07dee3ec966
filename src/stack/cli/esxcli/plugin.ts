// esxcli storage core plugin list.

import { EsxcliError, str, type CommandSpec } from './command';
import { table } from './format';

const CLASSES = ['MP', 'Filter', 'VAAI', 'all'];

const list: CommandSpec = {
  path: ['storage', 'core', 'plugin', 'list'],
  description: 'List loaded PSA plugins on the system.',
  options: [{ short: 'N', long: 'plugin-class', type: 'str', help: `Indicate the class of plugin to limit the list to [${CLASSES.join(', ')}].` }],
  run(host, opts) {
    const wanted = str(opts, 'plugin-class') ?? 'all';
    const cls = CLASSES.find((c) => c.toLowerCase() === wanted.toLowerCase());
    if (!cls) throw new EsxcliError(`Invalid plugin class ${wanted}. Valid values are: ${CLASSES.join(', ')}`, true);
    const plugins = host.psa.plugins.list().filter((e) => cls === 'all' || e.mpp.pluginClass === cls);
    return table(['Plugin name', 'Plugin class'], plugins.map((e) => [e.mpp.name, e.mpp.pluginClass]));
  },
};

export const pluginCommands = [list];
