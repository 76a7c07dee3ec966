// `pathlab sg`: PathLab's sg_raw. Sends one CDB to a LUN of the scenario through the same array
// code the browser runs, and prints status, sense and data-in. Pure: arguments in, text out.

import type { Stack } from '../boot';
import type { StorageArray } from '../arrays/storage-array';
import type { TargetPort } from '../arrays/ports';
import { sendCdb, DEFAULT_DATA_IN, type SgResponse } from '../initiator/sg-request';
import { parseSense } from '../scsi/cdb-fields';
import { additionalSenseText, senseKeyName } from '../scsi/sense-text';
import { HostStatus, Status } from '../scsi/status';
import { hexDump, parseHexBytes, toHex } from './hex';

export const SG_USAGE = `Usage: pathlab sg [--array NAME] [--lun N] [--port PORT] [--data-out HEX] [--request LEN] [--json] CDB-BYTES...
                  [--then [OPTIONS] CDB-BYTES...]...
       pathlab sg --list
  Sends one SCSI command to a LUN of the default scenario and prints status, sense and data-in.
  CDB-BYTES   hex bytes, as separate arguments or one string: 12 00 00 00 24 00
  --array     array name (default: the first array; see --list)
  --lun       LUN number (default 0)
  --port      target port: WWPN or relative port number (default: a port of the SP owning the LUN)
  --data-out  bytes to send (WRITE data, parameter lists), hex
  --request   size of the data-in buffer in bytes (default ${DEFAULT_DATA_IN})
  --json      one line per command: {"status": N, "sense": "hex", "dataIn": "hex"}
  --then      then another command in the same run (the blocks stay as the one before left them):
              a write and its read-back, a COMPARE AND WRITE and the blocks after it. It goes to
              the same array, LUN and port unless it says otherwise; one answer per command`;

export interface CommandResult {
  output: string;
  exitCode: number;
}

/** CDB length by opcode group (SPC-4 4.2.5); 0 where the group is reserved or vendor specific. */
const GROUP_LENGTH = [6, 10, 10, 0, 16, 12, 0, 0];

const STATUS_TEXT: Record<number, string> = {
  [Status.GOOD]: 'Good',
  [Status.CHECK_CONDITION]: 'Check Condition',
  [Status.CONDITION_MET]: 'Condition Met',
  [Status.BUSY]: 'Busy',
  [Status.RESERVATION_CONFLICT]: 'Reservation Conflict',
  [Status.TASK_SET_FULL]: 'Task set full',
  [Status.ACA_ACTIVE]: 'ACA active',
  [Status.TASK_ABORTED]: 'Task aborted',
};

const HOST_TEXT: Record<number, string> = Object.fromEntries(Object.entries(HostStatus).map(([k, v]) => [v, k]));

class UsageError extends Error {}

interface SgOptions {
  array?: string;
  lun: number;
  port?: string;
  dataOut?: Uint8Array;
  request?: number;
  json: boolean;
  list: boolean;
  cdb: Uint8Array;
}

function integer(name: string, value: string | undefined, max: number): number {
  if (value === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(value)) throw new UsageError(`${name} needs a number, got ${value ?? 'nothing'}`);
  const n = Number(value);
  if (n > max) throw new UsageError(`${name} ${value} is larger than ${max}`);
  return n;
}

/** `previous`: the command before a --then, whose array, LUN and port this one keeps unless given. */
function parseArgs(argv: string[], previous?: SgOptions): SgOptions {
  const o: SgOptions = { array: previous?.array, lun: previous?.lun ?? 0, port: previous?.port, json: false, list: false, cdb: new Uint8Array(0) };
  const cdbParts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--array': o.array = value(); break;
      case '--lun': o.lun = integer('--lun', value(), 16383); break;
      case '--port': o.port = value(); break;
      case '--data-out': o.dataOut = parseHexBytes(value(), '--data-out'); break;
      case '--request': o.request = integer('--request', value(), 64 * 1024 * 1024); break;
      case '--json': o.json = true; break;
      case '--list': o.list = true; break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        cdbParts.push(arg);
    }
  }
  if (o.list) return o;
  if (cdbParts.length === 0) throw new UsageError('no CDB given');
  o.cdb = parseHexBytes(cdbParts.join(' '), 'CDB');
  const expected = GROUP_LENGTH[o.cdb[0] >> 5];
  if (expected && o.cdb.length !== expected) {
    throw new UsageError(`a CDB with opcode 0x${o.cdb[0].toString(16).padStart(2, '0')} is ${expected} bytes long, got ${o.cdb.length}`);
  }
  if (!expected && (o.cdb.length < 6 || o.cdb.length > 16)) throw new UsageError(`a CDB is 6 to 16 bytes long, got ${o.cdb.length}`);
  return o;
}

function pickPort(array: StorageArray, lun: number, name: string | undefined): TargetPort {
  if (name === undefined) {
    const owner = array.lun(lun)?.owner ?? 0;
    return array.sps[owner].ports[0] ?? array.ports[0];
  }
  const byNumber = /^\d+$/.test(name) ? array.ports[Number(name) - 1] : undefined;
  const port = byNumber ?? array.portByName(name.toLowerCase());
  if (!port) throw new UsageError(`array ${array.name} has no port ${name}; its ports: ${array.ports.map((p) => `${p.relativeId}=${p.wwpn}`).join(', ')}`);
  return port;
}

export function listArrays(stack: Stack): string {
  const width = Math.max(...stack.arrays.map((a) => a.name.length));
  return stack.arrays
    .map((a) => `${a.name.padEnd(width)}  ${a.config.personality.padEnd(14)}  ${a.visibleLunNumbers().join(' ')}`)
    .join('\n');
}

function describe(stack: Stack, array: StorageArray, lun: number, port: TargetPort, r: SgResponse): string {
  const lines = [`${array.name} LUN ${lun} via target port ${port.wwpn} (${port.sp.name}, relative port ${port.relativeId})`];
  if (r.hostStatus !== HostStatus.OK) {
    lines.push(`Host status: 0x${r.hostStatus.toString(16)} (${HOST_TEXT[r.hostStatus] ?? 'unknown'}): the command got no SCSI answer`);
    return lines.join('\n');
  }
  lines.push(`SCSI status: ${STATUS_TEXT[r.status] ?? `0x${r.status.toString(16)}`}`);
  if (r.sense.length > 0) {
    lines.push(`Sense data (${r.sense.length} bytes): ${toHex(r.sense)}`);
    const s = parseSense(stack.engines.cdb, r.sense);
    if (s) {
      const format = s.response >= 0x72 ? 'Descriptor format' : 'Fixed format';
      lines.push(` ${format}, ${s.response & 1 ? 'deferred' : 'current'}; Sense key: ${senseKeyName(s.key)}`);
      lines.push(` Additional sense: ${additionalSenseText(s.asc, s.ascq)}`);
      if (s.infoValid) lines.push(` Info fld=0x${s.info.toString(16)} [${s.info}]`);
      if (s.sksValid) {
        const where = s.cd ? 'Error in Command' : 'Error in Data parameters';
        const bit = s.bitPointer === 0xff ? '' : ` bit ${s.bitPointer}`;
        lines.push(` Sense Key Specific: ${where}: byte ${s.fieldPointer}${bit}`);
      }
    }
  }
  if (r.dataIn.length > 0) lines.push(`Received ${r.dataIn.length} bytes of data:`, hexDump(r.dataIn));
  return lines.join('\n');
}

/** The argument lists of the commands: `--then` separates them (each takes its own options). */
function splitCommands(argv: string[]): string[][] {
  const commands: string[][] = [[]];
  for (const arg of argv) {
    if (arg === '--then') commands.push([]);
    else commands[commands.length - 1].push(arg);
  }
  return commands;
}

export async function runSg(stack: Stack, argv: string[]): Promise<CommandResult> {
  try {
    const commands: SgOptions[] = [];
    for (const args of splitCommands(argv)) commands.push(parseArgs(args, commands[commands.length - 1]));
    const json = commands.some((o) => o.json); // one output format for the whole run
    if (commands.some((o) => o.list)) {
      if (commands.length > 1) throw new UsageError('--list takes no command');
      return { output: listArrays(stack), exitCode: 0 };
    }
    // Every command is checked before the first is sent: a typo in the last sends nothing.
    const targets = commands.map((o) => {
      const array = o.array === undefined ? stack.arrays[0] : stack.array(o.array);
      if (!array) throw new UsageError(`no array named ${o.array}; arrays: ${stack.arrays.map((a) => a.name).join(', ')}`);
      return { array, port: pickPort(array, o.lun, o.port) };
    });
    const outputs: string[] = [];
    for (const [i, o] of commands.entries()) {
      const { array, port } = targets[i];
      const r = await sendCdb(stack.arena, array, port, o.lun, { cdb: o.cdb, dataOut: o.dataOut, dataIn: o.request });
      if (json) {
        const line: Record<string, unknown> = { status: r.status, sense: toHex(r.sense), dataIn: toHex(r.dataIn) };
        if (r.hostStatus !== HostStatus.OK) line.hostStatus = r.hostStatus;
        outputs.push(JSON.stringify(line));
      } else {
        outputs.push(describe(stack, array, o.lun, port, r));
      }
    }
    return { output: outputs.join(json ? '\n' : '\n\n'), exitCode: 0 };
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && /^(CDB|--data-out):/.test(e.message))) {
      return { output: `pathlab sg: ${e.message}\n${SG_USAGE}`, exitCode: 1 };
    }
    throw e;
  }
}
