// esxcli storage nmp satp list | set, and satp rule list | add | remove.

import type { Host } from '../../host';
import type { SatpRule } from '../../nmp/satp-rules';
import { EsxcliError, str, type CommandSpec, type OptionSpec, type Options } from './command';
import { table } from './format';
import { TRANSPORTS } from './claimrule';

const SATP: OptionSpec = { short: 's', long: 'satp', type: 'str', required: true, help: 'The SATP for which a new rule will be added.' };

function requireSatp(host: Host, name: string): void {
  if (!host.nmp.satps.has(name)) throw new EsxcliError(`Unknown SATP ${name} (see esxcli storage nmp satp list)`);
}

function requirePsp(host: Host, name: string): void {
  if (!host.nmp.psps.has(name)) throw new EsxcliError(`Unknown PSP ${name} (see esxcli storage nmp psp list)`);
}

const list: CommandSpec = {
  path: ['storage', 'nmp', 'satp', 'list'],
  description: 'List the Storage Array Type Plugins (SATP) currently loaded into the NMP system and display information about those SATPs',
  options: [],
  run(host) {
    return table(
      ['Name', 'Default PSP', 'Description'],
      [...host.nmp.satps.values()].map((s) => [s.name, host.nmp.satpDefaultPsp.get(s.name) ?? s.defaultPsp, s.description ?? '']),
    );
  },
};

const set: CommandSpec = {
  path: ['storage', 'nmp', 'satp', 'set'],
  description: 'Set the default Path Selection Policy (PSP) for the given SATP.',
  options: [
    { short: 'b', long: 'boot', type: 'flag', help: 'This is a system default rule added at boot time. Do not modify esx.conf or add to host profile.' },
    { short: 'P', long: 'default-psp', type: 'str', required: true, help: 'The default path selection policy to set for a given SATP.' },
    { short: 's', long: 'satp', type: 'str', required: true, help: 'The SATP name for the Storage Array Type Plugin on which this command will operate.' },
  ],
  run(host, opts) {
    const satp = str(opts, 'satp')!;
    const psp = str(opts, 'default-psp')!;
    requireSatp(host, satp);
    requirePsp(host, psp);
    host.nmp.satpDefaultPsp.set(satp, psp);
    // Real ESXi applies a new default only to devices claimed from now on; PathLab also moves the
    // SATP's devices that have no --psp override at once, so the change is visible in the lab.
    for (const device of host.nmp.devices) {
      if (device.satp.name !== satp || device.pspOverride !== undefined) continue;
      if (host.nmp.defaultPspName(device) !== device.psp.name) host.nmp.setDevicePsp(device, undefined);
    }
    return `Default PSP for ${satp} is now ${psp}`;
  },
};

const COLUMNS = ['Name', 'Device', 'Vendor', 'Model', 'Driver', 'Transport', 'Options', 'Rule Group', 'Claim Options', 'Default PSP', 'PSP Options', 'Description'];

const ruleList: CommandSpec = {
  path: ['storage', 'nmp', 'satp', 'rule', 'list'],
  description: 'List the claiming rules for Storage Array Type Plugins (SATP)',
  options: [{ short: 's', long: 'satp', type: 'str', help: 'Filter the SATP rules to a specific SATP' }],
  run(host, opts) {
    const satp = str(opts, 'satp');
    if (satp !== undefined) requireSatp(host, satp);
    const rules = host.nmp.satpRules.all().filter((r) => satp === undefined || r.satp === satp);
    const v = (x: string | undefined) => x ?? '';
    return table(
      COLUMNS,
      rules.map((r) => [r.satp, v(r.device), v(r.vendor), v(r.model), v(r.driver), v(r.transport), v(r.options), r.group, v(r.claimOptions), v(r.psp), v(r.pspOptions), v(r.description)]),
    );
  },
};

const MATCH_OPTIONS: OptionSpec[] = [
  { short: 'c', long: 'claim-option', type: 'str', help: 'Set the claim option string when adding a SATP claim rule [tpgs_on, tpgs_off].' },
  { short: 'd', long: 'device', type: 'str', help: 'Set the device when adding SATP claim rules. Device rules are mutually exclusive with vendor/model and driver rules.' },
  { short: 'D', long: 'driver', type: 'str', help: 'Set the driver string when adding a SATP claim rule. Driver rules are mutually exclusive with vendor/model rules.' },
  { short: 'M', long: 'model', type: 'str', help: 'Set the model string when adding SATP a claim rule. Vendor/Model rules are mutually exclusive with driver rules.' },
  { short: 'R', long: 'transport', type: 'str', help: 'Set the claim transport type string when adding a SATP claim rule.' },
  { short: 'V', long: 'vendor', type: 'str', help: 'Set the vendor string when adding SATP claim rules. Vendor/Model rules are mutually exclusive with driver rules.' },
];
const EXTRA_OPTIONS: OptionSpec[] = [
  { short: 'e', long: 'description', type: 'str', help: 'Set the claim rule description when adding a SATP claim rule.' },
  { short: 'o', long: 'option', type: 'str', help: 'Set the option string when adding a SATP claim rule.' },
  { short: 'P', long: 'psp', type: 'str', help: 'Set the default PSP for the SATP claim rule.' },
  { short: 'O', long: 'psp-option', type: 'str', help: 'Set the PSP options for the SATP claim rule.' },
];

function ruleFrom(host: Host, opts: Options): Omit<SatpRule, 'group'> {
  const satp = str(opts, 'satp')!;
  requireSatp(host, satp);
  if (!MATCH_OPTIONS.some((o) => opts[o.long] !== undefined)) {
    throw new EsxcliError(`A SATP rule needs at least one of ${MATCH_OPTIONS.map((o) => `--${o.long}`).join(', ')}`, true);
  }
  if ((opts.vendor !== undefined || opts.model !== undefined) && opts.driver !== undefined) {
    throw new EsxcliError('Vendor/Model rules are mutually exclusive with driver rules', true);
  }
  const claim = str(opts, 'claim-option');
  if (claim !== undefined && claim !== 'tpgs_on' && claim !== 'tpgs_off') {
    throw new EsxcliError(`Invalid claim option ${claim}. Valid values are: tpgs_on, tpgs_off`, true);
  }
  const transport = str(opts, 'transport');
  if (transport !== undefined && !TRANSPORTS.includes(transport)) {
    throw new EsxcliError(`Invalid transport ${transport}. Valid values are: ${TRANSPORTS.join(', ')}`, true);
  }
  const psp = str(opts, 'psp');
  if (psp !== undefined) requirePsp(host, psp);
  const rule: Omit<SatpRule, 'group'> = {
    satp, device: str(opts, 'device'), vendor: str(opts, 'vendor'), model: str(opts, 'model'), driver: str(opts, 'driver'),
    transport, options: str(opts, 'option'), claimOptions: claim as SatpRule['claimOptions'], psp, pspOptions: str(opts, 'psp-option'),
    description: str(opts, 'description'),
  };
  for (const key of Object.keys(rule) as (keyof typeof rule)[]) if (rule[key] === undefined) delete rule[key];
  return rule;
}

function guard(action: () => void): void {
  try {
    action();
  } catch (e) {
    throw new EsxcliError((e as Error).message);
  }
}

const ruleAdd: CommandSpec = {
  path: ['storage', 'nmp', 'satp', 'rule', 'add'],
  description: 'Add a rule to the list of claim rules for the given SATP.',
  options: [...MATCH_OPTIONS, ...EXTRA_OPTIONS, SATP],
  run(host, opts) {
    const rule = ruleFrom(host, opts);
    guard(() => host.nmp.satpRules.add(rule));
    return '';
  },
};

const ruleRemove: CommandSpec = {
  path: ['storage', 'nmp', 'satp', 'rule', 'remove'],
  description: 'Delete a rule from the list of claim rules for the given SATP.',
  options: [...MATCH_OPTIONS, ...EXTRA_OPTIONS, { ...SATP, help: 'The SATP for which a rule will be deleted.' }],
  run(host, opts) {
    const rule = ruleFrom(host, opts);
    guard(() => host.nmp.satpRules.remove(rule));
    return '';
  },
};

export const satpCommands = [list, set, ruleAdd, ruleList, ruleRemove];
