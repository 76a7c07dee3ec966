// `plugin load FILE | list | unload NAME`: the learner's plugins from a lab script or the console,
// the same in the page and under `npx pathlab run`. Where FILE comes from is the caller's business:
// the lab's plugin files in the page, the disk (beside the script) in Node.

import type { Host } from '../host';
import { table } from './esxcli/format';

const PLUGIN_USAGE = 'plugin load FILE | plugin list | plugin unload NAME';

/** Reads a plugin file's source by name; throws a clear message when there is none. */
export type PluginFileReader = (name: string) => Promise<string>;

export async function pluginCommand(host: Host, args: string[], read: PluginFileReader | undefined): Promise<{ output: string; ok: boolean }> {
  const [verb, ...rest] = args;
  if (verb === 'load' && rest.length === 1) {
    if (!read) return { output: 'plugin: this session has no plugin files to load from', ok: false };
    const file = rest[0];
    const result = await host.plugins.load({ name: file, source: await read(file) });
    const errors = result.errors.map((e) => `${file}:${e.line}:${e.column}: error: ${e.message}`);
    return { output: [...errors, result.message].join('\n'), ok: result.ok };
  }
  if (verb === 'list' && rest.length === 0) {
    const plugins = host.plugins.list();
    if (plugins.length === 0) return { output: 'no learner plugins loaded', ok: true };
    const rows = plugins.map((p) => [p.name, p.role.toUpperCase(), p.file, p.state, p.message ?? '']);
    return { output: table(['Name', 'Role', 'File', 'State', 'Message'], rows), ok: true };
  }
  if (verb === 'unload' && rest.length === 1) return { output: host.plugins.unload(rest[0]), ok: true };
  return { output: `plugin: usage: ${PLUGIN_USAGE}`, ok: false };
}
