// Tab completion for the console: command words, esxcli namespaces, device ids, path names and
// background jobs (%N after `kill`).
// Pure functions, no DOM.

type Tree = { [word: string]: Tree };
const leaf = (...words: string[]): Tree => Object.fromEntries(words.map((w) => [w, {}]));
const deviceconfig = { deviceconfig: leaf('get', 'set') };

export const ESXCLI: Tree = {
  storage: {
    core: {
      adapter: { ...leaf('list', 'rescan'), stats: leaf('get') },
      path: leaf('list'),
      device: { ...leaf('list', 'set'), vaai: { status: leaf('get') } },
      claimrule: leaf('list', 'add', 'remove', 'move', 'load', 'run'),
      claiming: leaf('unclaim'),
      plugin: leaf('list'),
    },
    nmp: {
      device: leaf('list', 'set'),
      path: leaf('list'),
      satp: { ...leaf('list', 'set'), rule: leaf('list', 'add', 'remove') },
      psp: { ...leaf('list'), fixed: deviceconfig, roundrobin: deviceconfig },
    },
    filesystem: leaf('list', 'rescan'),
    vvol: { protocolendpoint: leaf('list'), storagecontainer: leaf('list'), vasaprovider: leaf('list') },
  },
  system: { settings: { advanced: leaf('list', 'set') } },
};

export const COMMANDS: Tree = {
  esxcli: ESXCLI,
  fio: {},
  fault: leaf('link', 'adapter', 'port', 'sp', 'array', 'lun', 'latency', 'flap', 'alua', 'host'),
  repair: leaf('link', 'adapter', 'port', 'sp', 'array', 'lun', 'latency', 'flap', 'host'),
  sleep: {},
  esxtop: leaf('adapter', 'device', 'path', 'vm', 'vaai'),
  jobs: {},
  kill: {},
  wait: {},
  vmkfstools: {},
  plugin: leaf('load', 'list', 'unload'),
  vvol: leaf('vm', 'policy', 'list', 'bind', 'unbind', 'delete', 'compliance', 'sg'),
  sg: {},
  on: {},
};

export interface Names {
  devices: string[];
  paths: string[];
  adapters: string[];
  arrays: string[];
  psps: string[];
  vms: string[];
  /** The background jobs as `kill` takes them: %1, %2 ... */
  jobs?: string[];
}

/** The words that may stand where the line's last word is being typed. */
export function candidates(words: string[], names: Names): string[] {
  // `on HOST LINE`: LINE completes as it would on its own.
  if (words[0] === 'on' && words.length > 2) return candidates(words.slice(2), names);
  const prev = words.at(-2) ?? '';
  if (['-d', '--device'].includes(prev)) return names.devices;
  if (['-p', '--path'].includes(prev)) return names.paths;
  if (['-P', '--psp', '--plugin'].includes(prev)) return [...names.psps, 'NMP', 'MASK_PATH'];
  if (['-A', '--adapter'].includes(prev)) return names.adapters;
  if (prev === '--vm') return names.vms;
  if (words[0] === 'kill' && words.length > 1) return names.jobs ?? [];
  let tree: Tree | undefined = COMMANDS;
  for (const word of words.slice(0, -1)) tree = tree?.[word];
  if (tree && Object.keys(tree).length > 0) return Object.keys(tree);
  if (['link', 'adapter', 'flap'].includes(prev) && ['fault', 'repair'].includes(words[0])) return names.adapters;
  if (['array', 'sp', 'lun', 'latency'].includes(prev) && ['fault', 'repair'].includes(words[0])) return names.arrays;
  return [...names.devices, ...names.paths];
}

function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0];
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Completes the line's last word: the new line, and the choices when they are several. */
export function complete(line: string, names: Names): { line: string; choices: string[] } {
  const words = line.split(/\s+/);
  if (words[0] === '') words.shift();
  if (words.length === 0) words.push('');
  const partial = words.at(-1)!;
  const matches = candidates(words, names).filter((w) => w.startsWith(partial));
  if (matches.length === 0) return { line, choices: [] };
  const head = line.slice(0, line.length - partial.length);
  if (matches.length === 1) return { line: `${head}${matches[0]} `, choices: [] };
  return { line: head + commonPrefix(matches), choices: matches };
}
