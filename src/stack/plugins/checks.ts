// What a learner's SATP and MPP both hand the stack, checked the same way: the CDB and data-out of a
// management command they send down a path, and a path state they set. Each check answers with
// what it will use (its own copy, so the learner cannot change it later) or with the problem, in
// words that follow "gave send" or "device.send:"; the caller decides how to tell the learner.
// Also the one way of naming a value a plugin gave in a message without running any of its code.

import type { AluaState, PathState } from '../plugin-api';
import { PASSTHROUGH_BYTES } from '../psa/io-path';

/** Data-out of one management command: the stack's passthrough buffer holds this much. */
const MAX_DATA_OUT = PASSTHROUGH_BYTES;

const CDB_LENGTHS: readonly number[] = [6, 10, 12, 16];

/**
 * Commands that change a LUN's data. A plugin sends management commands (TEST UNIT READY, INQUIRY,
 * REPORT / SET TARGET PORT GROUPS...): writing blocks behind the issuers' backs could overwrite an
 * acknowledged write.
 */
const CHANGES_DATA: ReadonlyMap<number, string> = new Map([
  [0x04, 'FORMAT UNIT'],
  [0x07, 'REASSIGN BLOCKS'],
  [0x0a, 'WRITE(6)'],
  [0x2a, 'WRITE(10)'],
  [0x2e, 'WRITE AND VERIFY(10)'],
  [0x3b, 'WRITE BUFFER'],
  [0x3f, 'WRITE LONG(10)'],
  [0x41, 'WRITE SAME(10)'],
  [0x42, 'UNMAP'],
  [0x48, 'SANITIZE'],
  [0x7f, 'a variable-length command (WRITE(32) ...)'],
  [0x83, 'EXTENDED COPY'],
  [0x89, 'COMPARE AND WRITE'],
  [0x8a, 'WRITE(16)'],
  [0x8b, 'ORWRITE(16)'],
  [0x8e, 'WRITE AND VERIFY(16)'],
  [0x93, 'WRITE SAME(16)'],
  [0x9a, 'WRITE STREAM(16)'],
  [0x9c, 'WRITE ATOMIC(16)'],
  [0x9f, 'SERVICE ACTION OUT(16) (WRITE LONG(16), WRITE SCATTERED(16))'],
  [0xaa, 'WRITE(12)'],
  [0xae, 'WRITE AND VERIFY(12)'],
]);

/** The name of a command that changes the LUN's data, or undefined. */
const changesData = (opcode: number): string | undefined => CHANGES_DATA.get(opcode);

/**
 * The CDB a plugin gave send, copied as plain bytes (it may be an array or a Uint8Array), or why it
 * cannot be sent: "a CDB of 7 bytes; a CDB has 6, 10, 12 or 16".
 */
export function readCdb(value: unknown): { cdb: number[] } | { problem: string } {
  // A Uint8Array is copied through its internal slots (no getter of the plugin's is read).
  const bytes = isUint8Array(value) ? copyBytes(value) : undefined;
  if (bytes === null) return { problem: 'a CDB whose buffer was detached (transferred)' };
  if (bytes === undefined && !Array.isArray(value)) return { problem: `a CDB that is ${describeValue(value)}, not an array of bytes` };
  const source: ArrayLike<unknown> = bytes ?? (value as unknown[]);
  const length = source.length;
  if (!CDB_LENGTHS.includes(length)) return { problem: `a CDB of ${describeValue(length)} bytes; a CDB has 6, 10, 12 or 16` };
  const cdb: number[] = [];
  for (let i = 0; i < length; i++) {
    const b = source[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return { problem: `a CDB whose byte ${i} is ${describeValue(b)}, not a whole number 0..255` };
    cdb.push(b);
  }
  const name = changesData(cdb[0]);
  if (name !== undefined) {
    return { problem: `${name} (opcode 0x${cdb[0].toString(16).padStart(2, '0')}), a command that changes the LUN's data: a plugin may send only management commands` };
  }
  return { cdb };
}

/** The data-out a plugin gave send, copied (it may change its array later), or why it cannot go. */
export function readDataOut(value: unknown): { data: Uint8Array } | { problem: string } {
  if (!isUint8Array(value)) return { problem: `data-out that is ${describeValue(value)}, not a Uint8Array` };
  // Its length and bytes are read through the array's internal slots: no getter of the plugin's runs.
  const length = Reflect.apply(typedArrayLength, value, []) as number;
  if (length > MAX_DATA_OUT) return { problem: `${length} bytes of data-out; at most ${MAX_DATA_OUT}` };
  const data = copyBytes(value);
  if (data === null) return { problem: 'data-out whose buffer was detached (transferred)' };
  return { data };
}

/** States a plugin may give a path: 'disabled' is the administrator's (esxcli storage core path set --state off). */
const SETTABLE_STATES: readonly unknown[] = ['active', 'standby', 'dead', 'unknown'] satisfies PathState[];
const ALUA_STATES: readonly unknown[] = ['AO', 'ANO', 'STBY', 'UNAV', 'TRANS', 'none'] satisfies AluaState[];

/**
 * Why a plugin may not set path `path` to `state` (with ALUA state `alua`, when given), or
 * undefined: "set path vmhba1:C0:T0:L0 to 'sleeping': a plugin sets active, standby, dead or unknown".
 */
export function pathStateProblem(path: string, state: unknown, alua: unknown): string | undefined {
  if (!SETTABLE_STATES.includes(state)) {
    const why = state === 'disabled'
      ? "'disabled' is the administrator's state (esxcli storage core path set --state off); a plugin sets active, standby, dead or unknown"
      : 'a plugin sets active, standby, dead or unknown';
    return `set path ${path} to ${describeValue(state)}: ${why}`;
  }
  if (alua !== undefined && !ALUA_STATES.includes(alua)) return `set the ALUA state of ${path} to ${describeValue(alua)}, not one of AO, ANO, STBY, UNAV, TRANS or none`;
  return undefined;
}

/**
 * A value a plugin gave, for a message, without running any of its code (no toString, no getter,
 * no Proxy trap): 'banana', 42, undefined, a function, an array, an object.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value).replace(/^"|"$/g, "'");
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${String(value)}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (isUint8Array(value)) return 'a Uint8Array';
  try {
    return Array.isArray(value) ? 'an array' : 'an object';
  } catch {
    return 'an object'; // a revoked Proxy
  }
}

/** The typed arrays' own getters: they read internal slots, never the plugin's code. */
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag)!.get!;
const typedArrayLength = Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'length')!.get!;

/** A real Uint8Array (not a Proxy or an object that claims to be one). */
function isUint8Array(value: unknown): value is Uint8Array {
  return typeof value === 'object' && value !== null && Reflect.apply(typedArrayTag, value, []) === 'Uint8Array';
}

/** A copy of a real Uint8Array (null when its buffer was detached). */
function copyBytes(value: Uint8Array): Uint8Array | null {
  try {
    return new Uint8Array(value);
  } catch {
    return null;
  }
}
