// The shape of one esxcli command: its place in the namespace tree, its options and what it does.
// Handlers throw EsxcliError for anything esxcli reports as an error; index.ts turns it into text.

import type { Host } from '../../host';

export interface EsxcliResult {
  output: string;
  ok: boolean;
}

/** esxcli's option value types: <str>, <long>, <bool>, or a flag that takes no value. */
export type OptionType = 'str' | 'long' | 'bool' | 'flag';

export interface OptionSpec {
  /** One letter, without the dash ("d" for -d). */
  short?: string;
  /** Long name, without the dashes ("device" for --device). */
  long: string;
  type: OptionType;
  required?: boolean;
  help: string;
}

export type Options = Record<string, string | number | boolean | undefined>;

export interface CommandSpec {
  /** The words after `esxcli`, e.g. ['storage', 'nmp', 'device', 'set']. */
  path: string[];
  description: string;
  options: OptionSpec[];
  run(host: Host, opts: Options): string;
}

/** An error esxcli prints; `usage` appends the command's usage block. */
export class EsxcliError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

export const str = (opts: Options, name: string): string | undefined => (opts[name] === undefined ? undefined : String(opts[name]));
export const num = (opts: Options, name: string): number | undefined => (opts[name] === undefined ? undefined : Number(opts[name]));
