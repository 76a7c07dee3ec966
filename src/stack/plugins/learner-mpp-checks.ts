// What the framework decides for a learner's MPP when the learner cannot be asked (its code is off)
// or gave no usable answer, and the checks of what it hands the framework (a CDB to send, a path
// state). Kept apart from the adapter so the rules read in one place.

import type { AluaState, CommandOutcome, ErrorAction, PathState } from '../plugin-api';
import type { IoRequest } from '../psa/io-request';
import { HostStatus, SenseKey, Status } from '../scsi/status';

/** The outcome of every good command: one frozen object, so a good completion allocates nothing. */
export const GOOD: CommandOutcome = Object.freeze({ host: 0, status: 0, senseKey: 0, asc: 0, ascq: 0 });

/** How a command ended, read from its status, host status and sense (fixed or descriptor format). */
export function outcomeOf(io: IoRequest): CommandOutcome {
  const cmd = io.cmd;
  const fixed = cmd.sense[0] === 0x70 || cmd.sense[0] === 0x71;
  const hasSense = cmd.senseLength > 0;
  return Object.freeze({
    host: cmd.hostStatus,
    status: cmd.status,
    senseKey: hasSense ? (fixed ? cmd.sense[2] : cmd.sense[1]) & 0x0f : 0,
    asc: hasSense ? (fixed ? cmd.sense[12] : cmd.sense[2]) : 0,
    ascq: hasSense ? (fixed ? cmd.sense[13] : cmd.sense[3]) : 0,
  });
}

export const isGoodIo = (io: IoRequest): boolean => io.cmd.hostStatus === HostStatus.OK && io.cmd.status === Status.GOOD;

/** The path lost the command (no connection, a timeout, an abort): the framework marks it dead. */
export const isPathLoss = (o: CommandOutcome): boolean =>
  o.host === HostStatus.NO_CONNECT || o.host === HostStatus.TIMEOUT || o.host === HostStatus.ABORT;

/** Worth the same command again on the same path: a reset, a busy target, a unit attention. */
const isTransient = (o: CommandOutcome): boolean =>
  o.host === HostStatus.RESET ||
  (o.host === HostStatus.OK &&
    (o.status === Status.BUSY || o.status === Status.TASK_SET_FULL ||
      (o.status === Status.CHECK_CONDITION && o.senseKey === SenseKey.UNIT_ATTENTION)));

/**
 * The framework's own decision on a failed command, used when the learner has no commandDone, gave
 * no usable answer, or is disabled: fail over on a lost path, retry what is transient, else fail.
 */
export function builtInAction(o: CommandOutcome): ErrorAction {
  if (isPathLoss(o)) return 'failover';
  if (isTransient(o)) return 'retry';
  return 'fail';
}

export const isAction = (value: unknown): value is ErrorAction => value === 'retry' || value === 'failover' || value === 'fail';

/** "H:0x1 D:0x0 sense 0 0 0", as ESXi logs a failed command. */
export function describeOutcome(o: CommandOutcome): string {
  const h = (n: number) => n.toString(16);
  return `H:0x${h(o.host)} D:0x${h(o.status)} sense ${h(o.senseKey)} ${h(o.asc)} ${h(o.ascq)}`;
}

/** States a plugin may give a path; 'disabled' is the administrator's (esxcli storage core path set). */
const PLUGIN_STATES: readonly PathState[] = ['active', 'standby', 'dead', 'unknown'];
const ALUA_STATES: readonly AluaState[] = ['AO', 'ANO', 'STBY', 'UNAV', 'TRANS', 'none'];

export function pathStateProblem(state: unknown, alua: unknown): string | undefined {
  if (state === 'disabled') return "'disabled' is the administrator's state (esxcli storage core path set --state off): use 'standby' or 'dead'";
  if (!PLUGIN_STATES.includes(state as PathState)) return `${show(state)} is not a path state: use ${PLUGIN_STATES.map((s) => `'${s}'`).join(', ')}`;
  if (alua !== undefined && !ALUA_STATES.includes(alua as AluaState)) return `${show(alua)} is not an ALUA state: use ${ALUA_STATES.join(', ')}`;
  return undefined;
}

/** A passthrough's data buffer: larger data-out would not fit (io-path's passthrough requests). */
export const MAX_DATA_OUT = 4096;

/**
 * Opcodes that change the medium. A plugin's send is for management commands (TEST UNIT READY,
 * INQUIRY, REPORT/SET TARGET PORT GROUPS...); writing blocks behind the issuers' backs could
 * overwrite an acknowledged write.
 */
const WRITES_MEDIUM = new Set([
  0x04, // FORMAT UNIT
  0x0a, 0x2a, 0xaa, 0x8a, // WRITE (6, 10, 12, 16)
  0x2e, 0xae, 0x8e, // WRITE AND VERIFY (10, 12, 16)
  0x41, 0x93, // WRITE SAME (10, 16)
  0x42, // UNMAP
  0x83, // EXTENDED COPY
  0x89, // COMPARE AND WRITE
]);

/** The CDB a plugin gave send(), copied (it may be any array-like), or why it cannot be sent. */
export function readCdb(value: unknown): { cdb: number[] } | { problem: string } {
  if (!Array.isArray(value) && !(value instanceof Uint8Array)) return { problem: `the CDB must be an array of bytes, not ${show(value)}` };
  const cdb = Array.from(value as ArrayLike<unknown>);
  if (![6, 10, 12, 16].includes(cdb.length)) return { problem: `a CDB of ${cdb.length} bytes: a CDB has 6, 10, 12 or 16` };
  const bad = cdb.findIndex((b) => typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255);
  if (bad >= 0) return { problem: `CDB byte ${bad} is ${show(cdb[bad])}, not a byte (0-255)` };
  const bytes = cdb as number[];
  if (WRITES_MEDIUM.has(bytes[0])) {
    return { problem: `opcode 0x${bytes[0].toString(16).padStart(2, '0')} writes to the medium: send is for management commands (TEST UNIT READY, INQUIRY, REPORT TARGET PORT GROUPS...)` };
  }
  return { cdb: bytes };
}

/** A value in a message, without running any of the plugin's code (no toString, no getters). */
export function show(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return Array.isArray(value) ? 'an array' : 'an object';
}
