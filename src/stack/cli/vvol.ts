// `vvol`: virtual volumes in the lab console. VMs whose disks are vVols, storage policies, bindings
// and compliance, over the host's vVol daemon (src/stack/vvol). esxcli storage vvol shows the same
// objects the way ESXi does; this command is the lab's vCenter and VASA side.
//
//   vvol vm create NAME --container C [--policy P] [--disk SIZE]... [--memory SIZE] [--reservation SIZE] [--override CAP=VALUE]...
//   vvol vm list | poweron NAME | poweroff NAME | delete NAME
//   vvol vm snapshot NAME [--name SNAP] [--memory]       array-native, one snapshot vVol per data vVol
//   vvol vm clone NAME NEWNAME                           array-side copy of config and data vVols
//   vvol vm policy NAME [--policy P] [--override CAP=VALUE]... [--clear-overrides]   apply (again)
//   vvol policy create NAME [--rule CAP=VALUE]... | set NAME [--rule CAP=VALUE]... [--remove CAP]... | delete NAME | list
//   vvol list [--vm NAME] [--container C] [--bound]      the vVols, their bindings and compliance
//   vvol bind ID | unbind ID | delete ID                 one vVol by id (or unique name)
//   vvol compliance [NAME]                               each vVol against its VM's policy
//   vvol sg [--array A] [--data-out HEX] [--request LEN] LUN CDB-BYTES...   one command to "255" or "255:1"

import { SECOND_LEVEL, lunText, parseLunText } from '../arrays/vvol-conglomerate';
import type { Host } from '../host';
import { sendCdb } from '../initiator/sg-request';
import { parseSense } from '../scsi/cdb-fields';
import { additionalSenseText, senseKeyName } from '../scsi/sense-text';
import { HostStatus, Status } from '../scsi/status';
import { vvols } from '../vvol';
import { CAPABILITY_NAMES, formatRules, isCapability, parseRule, type CapabilityName, type Requirements } from '../vvol/capabilities';
import { mib } from '../vvol/container';
import { HOST_ID, type VvolDaemon } from '../vvol/vvold';
import type { VirtualVolume } from '../vvol/vvol';
import { table } from './esxcli/format';
import { hexDump, parseHexBytes } from './hex';

export interface CommandResult {
  output: string;
  ok: boolean;
}

export const VVOL_USAGE = `Usage: vvol <vm|policy|list|bind|unbind|delete|compliance|sg> ...
  vvol vm create NAME --container C [--policy P] [--disk SIZE]... [--memory SIZE] [--reservation SIZE] [--override CAP=VALUE]...
  vvol vm list | poweron NAME | poweroff NAME | delete NAME
  vvol vm snapshot NAME [--name SNAP] [--memory]
  vvol vm clone NAME NEWNAME
  vvol vm policy NAME [--policy P] [--override CAP=VALUE]... [--clear-overrides]
  vvol policy create NAME [--rule CAP=VALUE]...
  vvol policy set NAME [--rule CAP=VALUE]... [--remove CAP]...
  vvol policy delete NAME | vvol policy list
  vvol list [--vm NAME] [--container C] [--bound]
  vvol bind ID | vvol unbind ID | vvol delete ID
  vvol compliance [NAME]
  vvol sg [--array A] [--data-out HEX] [--request LEN] LUN CDB-BYTES...
Capabilities: ${CAPABILITY_NAMES.join(', ')}. Sizes: 512m, 16g, 1t.`;

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function parseSizeArg(option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)(i?b)?$/i.exec(text.trim());
  const bytes = m ? Math.round(Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()]) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new Error(`--${option}: "${text}" is not a size (e.g. 512m, 16g)`);
  return bytes;
}

/** Words after the subcommand: positionals, and --name value / --name=value options (some repeat). */
function parseWords(words: string[], single: string[], repeated: string[], flags: string[]) {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const set = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('--')) {
      positional.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    const name = w.slice(2, eq < 0 ? undefined : eq);
    if (flags.includes(name)) {
      if (eq >= 0) throw new Error(`--${name} takes no value`);
      set.add(name);
      continue;
    }
    if (!single.includes(name) && !repeated.includes(name)) {
      const known = [...single, ...repeated, ...flags].map((o) => `--${o}`).join(', ');
      throw new Error(`unknown option --${name}${known ? ` (options here: ${known})` : ''}`);
    }
    let value = eq < 0 ? undefined : w.slice(eq + 1);
    if (value === undefined) {
      value = words[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      i++;
    }
    if (repeated.includes(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
    else if (values.has(name)) throw new Error(`--${name} is given twice`);
    else values.set(name, value);
  }
  return { positional, values, lists, flags: set };
}

function rules(texts: string[] | undefined): Requirements {
  const out: Requirements = {};
  for (const t of texts ?? []) {
    const [name, value] = parseRule(t);
    if (out[name] !== undefined) throw new Error(`rule ${name} is given twice`);
    out[name] = value;
  }
  return out;
}

function one(positional: string[], what: string): string {
  if (positional.length !== 1) throw new Error(`give one ${what}${positional.length > 1 ? `, not ${positional.length} (${positional.join(' ')})` : ''}`);
  return positional[0];
}

function ok(output: string): CommandResult {
  return { output, ok: true };
}

export async function vvolCommand(host: Host, args: string[]): Promise<CommandResult> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help') return { output: VVOL_USAGE, ok: sub !== undefined };
  const d = vvols(host);
  switch (sub) {
    case 'vm':
      return vmCommand(d, rest);
    case 'policy':
      return policyCommand(d, rest);
    case 'list': {
      const w = parseWords(rest, ['vm', 'container'], [], ['bound']);
      if (w.positional.length > 0) throw new Error(`list takes options only, not "${w.positional.join(' ')}"`);
      let list = d.allVvols;
      const vm = w.values.get('vm');
      const container = w.values.get('container');
      if (vm !== undefined) {
        const owner = d.vm(vm);
        list = owner.vvols;
      }
      if (container !== undefined) {
        const c = d.container(container);
        list = list.filter((v) => v.container === c);
      }
      if (w.flags.has('bound')) list = list.filter((v) => v.bound);
      return ok(vvolTable(d, list));
    }
    case 'bind': {
      const v = d.vvol(one(parseWords(rest, [], [], []).positional, 'vVol id'));
      const b = d.bind(v);
      return ok(`vVol ${v.id} (${v.name}) bound for ${HOST_ID} at ${b.pe.kind === 'scsi' ? `LUN ${b.text} (PE ${b.pe.id})` : b.text}`);
    }
    case 'unbind': {
      const v = d.vvol(one(parseWords(rest, [], [], []).positional, 'vVol id'));
      d.unbind(v);
      return ok(`vVol ${v.id} (${v.name}) unbound`);
    }
    case 'delete': {
      const v = d.vvol(one(parseWords(rest, [], [], []).positional, 'vVol id'));
      d.deleteVvol(v);
      return ok(`vVol ${v.id} (${v.name}) deleted: ${mib(v.chargeBytes)} MB back to ${v.container.name}`);
    }
    case 'compliance': {
      const w = parseWords(rest, [], [], []);
      if (w.positional.length > 1) throw new Error('give at most one VM name');
      const vms = w.positional.length === 1 ? [d.vm(w.positional[0])] : [...d.vms.values()];
      const rows = vms.flatMap((vm) =>
        [vm.config, ...vm.disks].map((v) => {
          const c = d.compliance(v);
          return [vm.name, v.name, v.type, vm.policy.name, c.status, c.reasons.join('; ')];
        }),
      );
      return ok(table(['VM', 'VVol', 'Type', 'Policy', 'Compliance', 'Reason'], rows));
    }
    case 'sg':
      return sgCommand(host, d, rest);
    default:
      return { output: `unknown vvol command '${sub}'\n${VVOL_USAGE}`, ok: false };
  }
}

async function vmCommand(d: VvolDaemon, args: string[]): Promise<CommandResult> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'create': {
      const w = parseWords(rest, ['container', 'policy', 'memory', 'reservation'], ['disk', 'override'], []);
      const name = one(w.positional, 'VM name');
      const container = w.values.get('container');
      if (container === undefined) throw new Error('vm create needs --container NAME (the vVol datastore); see esxcli storage vvol storagecontainer list');
      const vm = d.createVm({
        name,
        container,
        policy: w.values.get('policy'),
        disks: w.lists.get('disk')?.map((s) => parseSizeArg('disk', s)),
        memoryBytes: w.values.has('memory') ? parseSizeArg('memory', w.values.get('memory')!) : undefined,
        reservationBytes: w.values.has('reservation') ? parseSizeArg('reservation', w.values.get('reservation')!) : undefined,
        overrides: rules(w.lists.get('override')),
      });
      return ok(`Created VM ${name} on ${vm.container.name} (array ${vm.config.array.name}), policy "${vm.policy.name}": a config vVol and ${vm.disks.length} data vVol(s)\n${vvolTable(d, vm.vvols)}`);
    }
    case 'list': {
      if (rest.length > 0) throw new Error('vm list takes no arguments');
      const rows = [...d.vms.values()].map((vm) => [
        vm.name, vm.state, vm.container.name, vm.config.array.name, vm.policy.name, formatRules(vm.overrides), vm.disks.length, mib(vm.memoryBytes), vm.vvols.length,
      ]);
      return ok(table(['Name', 'State', 'Container', 'Array', 'Policy', 'Overrides', 'Disks', 'Memory MB', 'VVols'], rows));
    }
    case 'poweron': {
      const vm = d.powerOn(one(parseWords(rest, [], [], []).positional, 'VM name'));
      return ok(`Powered on ${vm.name}: its vVols are bound for ${HOST_ID}\n${vvolTable(d, vm.running)}`);
    }
    case 'poweroff': {
      const vm = d.powerOff(one(parseWords(rest, [], [], []).positional, 'VM name'));
      return ok(`Powered off ${vm.name}: its vVols are unbound and its swap vVol deleted`);
    }
    case 'delete': {
      const name = one(parseWords(rest, [], [], []).positional, 'VM name');
      const vm = d.vm(name);
      const count = vm.vvols.length;
      d.deleteVm(name);
      return ok(`Deleted VM ${name} and its ${count} vVol(s)`);
    }
    case 'snapshot': {
      const w = parseWords(rest, ['name'], [], ['memory']);
      const name = one(w.positional, 'VM name');
      const made = await d.snapshot(name, w.values.get('name'), w.flags.has('memory'));
      const copied = made.reduce((n, v) => n + (v.type === 'memory' ? 0 : v.chargeBytes), 0);
      return ok(
        `Snapshot ${made[0].name.slice(made[0].name.indexOf('@') + 1)} of ${name}: ${made.length} vVol(s) made by array ${made[0].array.name} (snapshotVirtualVolume): ${mib(copied)} MB copied inside the array, 0 bytes over the fabric\n${vvolTable(d, made)}`,
      );
    }
    case 'clone': {
      const w = parseWords(rest, [], [], []);
      if (w.positional.length !== 2) throw new Error('vm clone needs NAME NEWNAME');
      const vm = await d.clone(w.positional[0], w.positional[1]);
      const bytes = [vm.config, ...vm.disks].reduce((n, v) => n + v.volume.allocatedBytes, 0);
      return ok(
        `Cloned ${w.positional[0]} to ${vm.name} inside array ${vm.config.array.name} (cloneVirtualVolume): ${mib(bytes)} MB of written data copied by the array, 0 bytes over the fabric\n${vvolTable(d, vm.vvols)}`,
      );
    }
    case 'policy': {
      const w = parseWords(rest, ['policy'], ['override'], ['clear-overrides']);
      const name = one(w.positional, 'VM name');
      const vm = d.applyPolicy(name, { policy: w.values.get('policy'), overrides: w.lists.has('override') ? rules(w.lists.get('override')) : undefined, clearOverrides: w.flags.has('clear-overrides') });
      return ok(`Applied policy "${vm.policy.name}" (${vm.policy.text}; overrides: ${formatRules(vm.overrides)}) to ${name}'s vVols`);
    }
    default:
      return { output: `unknown vvol vm command '${verb ?? ''}': use create, list, poweron, poweroff, snapshot, clone, policy, delete`, ok: false };
  }
}

function policyCommand(d: VvolDaemon, args: string[]): CommandResult {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'create': {
      const w = parseWords(rest, [], ['rule'], []);
      const p = d.policies.create(one(w.positional, 'policy name'), rules(w.lists.get('rule')));
      return ok(`Created storage policy "${p.name}": ${p.text}`);
    }
    case 'set': {
      const w = parseWords(rest, [], ['rule', 'remove'], []);
      const name = one(w.positional, 'policy name');
      const remove = (w.lists.get('remove') ?? []).map((r): CapabilityName => {
        if (!isCapability(r)) throw new Error(`--remove ${r}: no capability named "${r}" (capabilities: ${CAPABILITY_NAMES.join(', ')})`);
        return r;
      });
      if (!w.lists.has('rule') && remove.length === 0) throw new Error('policy set needs --rule CAP=VALUE or --remove CAP');
      const p = d.policies.update(name, rules(w.lists.get('rule')), remove);
      const users = d.usersOf(p);
      return ok(`Storage policy "${p.name}" is now version ${p.version}: ${p.text}${users.length > 0 ? `\nVMs using it: ${users.join(', ')} (see vvol compliance; vvol vm policy NAME applies it again)` : ''}`);
    }
    case 'delete': {
      const name = one(parseWords(rest, [], [], []).positional, 'policy name');
      const p = d.policies.require(name);
      d.policies.delete(name, d.usersOf(p));
      return ok(`Deleted storage policy "${name}"`);
    }
    case 'list': {
      if (rest.length > 0) throw new Error('policy list takes no arguments');
      return ok(table(['Name', 'Version', 'Rules', 'VMs'], d.policies.all.map((p) => [p.name, p.version, p.text, d.usersOf(p).join(', ')])));
    }
    default:
      return { output: `unknown vvol policy command '${verb ?? ''}': use create, set, delete, list`, ok: false };
  }
}

/** One row per vVol: id, name, type, VM, size, container, array, binding, compliance. */
function vvolTable(d: VvolDaemon, list: VirtualVolume[]): string {
  const rows = list.map((v) => {
    const b = v.bindings.get(HOST_ID);
    return [
      v.id, v.name, v.kind, v.vm ?? '', mib(v.sizeBytes), v.provisioning, v.container.name, v.array.name,
      b ? (b.pe.kind === 'scsi' ? b.text : `nfs ${b.text}`) : 'unbound', v.unit.iopsLimit > 0 ? v.unit.iopsLimit : '', d.compliance(v).status,
    ];
  });
  return table(['VVol Id', 'Name', 'Type', 'VM', 'Size MB', 'Provisioning', 'Container', 'Array', 'Binding', 'IOPS Limit', 'Compliance'], rows);
}

const STATUS_TEXT: Record<number, string> = { [Status.GOOD]: 'Good', [Status.CHECK_CONDITION]: 'Check Condition', [Status.BUSY]: 'Busy', [Status.TASK_SET_FULL]: 'Task set full' };

/**
 * Sends one CDB to a LUN of a vVol array through one of the host's paths to the PE, as `pathlab sg`
 * sends to a LUN: "255" is the PE itself, "255:1" the vVol bound at secondary id 1.
 */
async function sgCommand(host: Host, d: VvolDaemon, args: string[]): Promise<CommandResult> {
  const w = parseWords(args, ['array', 'data-out', 'request'], [], []);
  const [lunArg, ...cdbParts] = w.positional;
  const lun = lunArg === undefined ? undefined : parseLunText(lunArg);
  if (lun === undefined) throw new Error(`give a LUN like 255 (the PE) or 255:1 (a vVol behind it), then the CDB bytes\n${VVOL_USAGE}`);
  if (cdbParts.length === 0) throw new Error('no CDB given');
  const cdb = parseHexBytes(cdbParts.join(' '), 'CDB');
  const dataOut = w.values.has('data-out') ? parseHexBytes(w.values.get('data-out')!, '--data-out') : undefined;
  const request = w.values.has('request') ? Number(w.values.get('request')) : 4096;
  if (!Number.isSafeInteger(request) || request < 0 || request > 1024 * 1024) throw new Error(`--request ${w.values.get('request')}: give 0..1048576 bytes`);
  const alu = lun % SECOND_LEVEL;
  const arrays = d.providers.flatMap((p) => p.arrays).filter((a) => a.pe(alu)?.kind === 'scsi');
  const arrayName = w.values.get('array');
  const va = arrayName === undefined ? arrays[0] : arrays.find((a) => a.name === arrayName);
  if (!va) throw new Error(`no vVol array${arrayName ? ` named ${arrayName}` : ''} has a SCSI protocol endpoint at LUN ${alu}`);
  const path = host.psa.paths.find((p) => p.array === va.array && p.lun === alu && p.state === 'active' && p.connected);
  if (!path) throw new Error(`no active path from this host to ${va.name} LUN ${alu} (the protocol endpoint)`);
  const initiator = path.adapterRef.wwpn || path.adapterRef.name;
  const r = await sendCdb(host.arena, va.array, path.port, lun, { cdb, dataOut, dataIn: dataOut ? undefined : request, initiator });
  const lines = [`${va.name} LUN ${lunText(lun)} via ${path.name} (target port ${path.port.wwpn})`];
  if (r.hostStatus !== HostStatus.OK) {
    lines.push(`Host status: 0x${r.hostStatus.toString(16)}: the command got no SCSI answer`);
    return ok(lines.join('\n'));
  }
  lines.push(`SCSI status: ${STATUS_TEXT[r.status] ?? `0x${r.status.toString(16)}`}`);
  if (r.sense.length > 0) {
    const s = parseSense(host.engines.cdb, r.sense);
    if (s) lines.push(` Sense key: ${senseKeyName(s.key)}`, ` Additional sense: ${additionalSenseText(s.asc, s.ascq)}`);
  }
  if (r.dataIn.length > 0) {
    if (cdb[0] === 0xa0 && r.dataIn.length >= 8) lines.push(`LUN list: ${lunList(r.dataIn).join(', ') || '(empty)'}`);
    lines.push(`Received ${r.dataIn.length} bytes of data:`, hexDump(r.dataIn));
  }
  return ok(lines.join('\n'));
}

/** The LUNs of a REPORT LUNS answer, two levels ("255:1"). */
function lunList(data: Uint8Array): string[] {
  const length = new DataView(data.buffer, data.byteOffset).getUint32(0);
  const out: string[] = [];
  for (let at = 8; at + 8 <= Math.min(data.length, 8 + length); at += 8) {
    const first = ((data[at] & 0x3f) << 8) | data[at + 1];
    const second = ((data[at + 2] & 0x3f) << 8) | data[at + 3];
    out.push(second === 0 ? String(first) : `${first}:${second}`);
  }
  return out;
}
