// esxcli storage core claimrule list | add | remove | move | load | run. add/remove/move change the
// file rules; load makes them the runtime rules; run offers the unclaimed paths to the plugins.

import type { Host } from '../../host';
import { ClaimRuleError, describeMatches, type ClaimRule, type ClaimRuleType } from '../../psa/claim-rules';
import { EsxcliError, num, str, type CommandSpec, type OptionSpec, type Options } from './command';
import { table } from './format';

const CLASS: OptionSpec = {
  short: 'c', long: 'claimrule-class', type: 'str',
  help: 'Indicate the claim rule class to use in this operation [MP, Filter, VAAI, all].',
};
const TYPES: ClaimRuleType[] = ['vendor', 'location', 'driver', 'transport', 'device'];
export const TRANSPORTS = ['block', 'fc', 'iscsi', 'iscsivendor', 'ide', 'sas', 'sata', 'usb', 'parallel', 'unknown'];

/** The class option: MP (the default) is the only class with rules here; Filter and VAAI are empty. */
function ruleClass(opts: Options, allowAll: boolean): string {
  const c = str(opts, 'claimrule-class') ?? 'MP';
  const known = ['MP', 'Filter', 'VAAI', ...(allowAll ? ['all'] : [])];
  const match = known.find((k) => k.toLowerCase() === c.toLowerCase());
  if (!match) throw new EsxcliError(`Invalid claimrule class ${c}. Valid values are: ${known.join(', ')}`, true);
  return match;
}

/** Turns a ClaimRules error into esxcli's. */
function guard(action: () => void): void {
  try {
    action();
  } catch (e) {
    if (e instanceof ClaimRuleError) throw new EsxcliError(e.message);
    throw e;
  }
}

const list: CommandSpec = {
  path: ['storage', 'core', 'claimrule', 'list'],
  description: 'List all the claimrules on the system.',
  options: [CLASS],
  run(host, opts) {
    const cls = ruleClass(opts, true);
    const rows = cls === 'MP' || cls === 'all' ? host.psa.claimRules.list() : [];
    return table(
      [
        'Rule Class', { header: 'Rule', align: 'right' }, 'Class', 'Type', 'Plugin', 'Matches',
        { header: 'XCOPY Use Array Reported Values', align: 'right' },
        { header: 'XCOPY Use Multiple Segments', align: 'right' },
        { header: 'XCOPY Max Transfer Size KiB', align: 'right' },
      ],
      rows.map((r) => ['MP', r.rule.rule, r.class, r.rule.type, r.rule.plugin, describeMatches(r.rule), false, false, 0]),
    );
  },
};

const MATCH_OPTIONS: Record<ClaimRuleType, string[]> = {
  vendor: ['vendor', 'model'],
  location: ['adapter', 'channel', 'target', 'lun'],
  driver: ['driver'],
  transport: ['transport'],
  device: ['device'],
};

const add: CommandSpec = {
  path: ['storage', 'core', 'claimrule', 'add'],
  description: 'Add a claimrule to the set of claimrules on the system.',
  options: [
    { short: 'A', long: 'adapter', type: 'str', help: 'Indicate the adapter of the paths to use in this operation.' },
    { short: 'u', long: 'autoassign', type: 'flag', help: 'The system will auto assign a rule ID.' },
    { short: 'C', long: 'channel', type: 'long', help: 'Indicate the channel of the paths to use in this operation.' },
    CLASS,
    { short: 'd', long: 'device', type: 'str', help: 'Indicate the Device Uid to use for this operation.' },
    { short: 'D', long: 'driver', type: 'str', help: 'Indicate the driver of the paths to use in this operation.' },
    { long: 'force-reserved', type: 'flag', help: 'Override protection of reserved rule ID ranges.' },
    { short: 'L', long: 'lun', type: 'long', help: 'Indicate the LUN of the paths to use in this operation.' },
    { short: 'M', long: 'model', type: 'str', help: 'Indicate the model of the paths to use in this operation.' },
    { short: 'P', long: 'plugin', type: 'str', required: true, help: 'Indicate which PSA plugin to use for this operation.' },
    { short: 'r', long: 'rule', type: 'long', help: 'Indicate the rule ID to use for this operation.' },
    { short: 'T', long: 'target', type: 'long', help: 'Indicate the target of the paths to use in this operation.' },
    { short: 'R', long: 'transport', type: 'str', help: `Indicate the transport of the paths to use in this operation. Valid Values are: ${TRANSPORTS.join(', ')}` },
    { short: 't', long: 'type', type: 'str', required: true, help: 'Indicate which type of matching is used for claim/unclaim or claimrule. [vendor, location, driver, transport, device]' },
    { short: 'V', long: 'vendor', type: 'str', help: 'Indicate the vendor of the paths to use in this operation.' },
  ],
  run(host: Host, opts) {
    if (ruleClass(opts, false) !== 'MP') throw new EsxcliError('Only MP class claim rules can be added in PathLab');
    const type = str(opts, 'type')!.toLowerCase() as ClaimRuleType;
    if (!TYPES.includes(type)) throw new EsxcliError(`Invalid claimrule type ${str(opts, 'type')}. Valid values are: ${TYPES.join(', ')}`, true);
    for (const [other, names] of Object.entries(MATCH_OPTIONS)) {
      if (other === type) continue;
      const given = names.find((n) => opts[n] !== undefined);
      if (given) throw new EsxcliError(`Option --${given} cannot be used with a ${type} claim rule`, true);
    }
    const needed = MATCH_OPTIONS[type];
    if (!needed.some((n) => opts[n] !== undefined)) {
      throw new EsxcliError(`A ${type} claim rule needs ${needed.map((n) => `--${n}`).join(' or ')}`, true);
    }
    const transport = str(opts, 'transport');
    if (transport !== undefined && !TRANSPORTS.includes(transport)) {
      throw new EsxcliError(`Invalid transport ${transport}. Valid values are: ${TRANSPORTS.join(', ')}`, true);
    }
    const plugin = str(opts, 'plugin')!;
    if (!host.psa.plugins.get(plugin)) throw new EsxcliError(`Unable to add claim rule: plugin ${plugin} is not loaded`);
    const given = num(opts, 'rule');
    if (given !== undefined && opts.autoassign) throw new EsxcliError('Specify either --rule or --autoassign, not both', true);
    if (given === undefined && !opts.autoassign) throw new EsxcliError('Must specify either --rule or --autoassign', true);
    const rule: ClaimRule = {
      rule: given ?? host.psa.claimRules.nextFreeNumber(),
      type,
      plugin,
      vendor: str(opts, 'vendor'),
      model: str(opts, 'model'),
      adapter: str(opts, 'adapter'),
      channel: num(opts, 'channel'),
      target: num(opts, 'target'),
      lun: num(opts, 'lun'),
      driver: str(opts, 'driver'),
      transport,
      device: str(opts, 'device'),
    };
    for (const key of Object.keys(rule) as (keyof ClaimRule)[]) if (rule[key] === undefined) delete rule[key];
    guard(() => host.psa.claimRules.add(rule, opts['force-reserved'] === true));
    return '';
  },
};

const remove: CommandSpec = {
  path: ['storage', 'core', 'claimrule', 'remove'],
  description: 'Delete a claimrule from the set of claimrules on the system.',
  options: [CLASS, { short: 'r', long: 'rule', type: 'long', required: true, help: 'Indicate the rule ID to use for this operation.' }],
  run(host, opts) {
    ruleClass(opts, false);
    guard(() => host.psa.claimRules.remove(num(opts, 'rule')!));
    return '';
  },
};

const move: CommandSpec = {
  path: ['storage', 'core', 'claimrule', 'move'],
  description: 'Move a claimrule from one rule id to another.',
  options: [
    CLASS,
    { short: 'n', long: 'new-rule', type: 'long', required: true, help: 'Indicate the new rule id you wish to apply to the rule given by the --rule parameter.' },
    { short: 'r', long: 'rule', type: 'long', required: true, help: 'Indicate the rule ID to use for this operation.' },
  ],
  run(host, opts) {
    ruleClass(opts, false);
    guard(() => host.psa.claimRules.move(num(opts, 'rule')!, num(opts, 'new-rule')!));
    return '';
  },
};

const load: CommandSpec = {
  path: ['storage', 'core', 'claimrule', 'load'],
  description: 'Load path claiming rules from config file into the VMkernel.',
  options: [CLASS],
  run(host, opts) {
    ruleClass(opts, true);
    host.psa.claimRules.load();
    return '';
  },
};

const run: CommandSpec = {
  path: ['storage', 'core', 'claimrule', 'run'],
  description: 'Execute path claiming rules.',
  options: [CLASS, { short: 'w', long: 'wait', type: 'flag', help: 'Wait for paths to settle before running the claim rules.' }],
  run(host, opts) {
    ruleClass(opts, false);
    host.psa.claim();
    host.settle();
    return '';
  },
};

export const claimruleCommands = [add, list, load, move, remove, run];
