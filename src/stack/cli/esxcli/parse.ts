// Command-line handling: a shell-like splitter, and esxcli's option parser (-d X, --device X,
// --device=X; flags take no value; <long> must be an integer, <bool> true/false/yes/no/1/0).

import { EsxcliError, type OptionSpec, type Options } from './command';

/** Splits a line as a shell would: whitespace separates words; "..." and '...' group; \ escapes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) words.push(word);
  return words;
}

export function optionLabel(spec: OptionSpec): string {
  return spec.short ? `-${spec.short}|--${spec.long}` : `--${spec.long}`;
}

function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (['true', 'yes', '1', 'y', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'n', 'off'].includes(v)) return false;
  return undefined;
}

/** Parses the words after the command; keys of the result are the long option names. */
export function parseOptions(specs: OptionSpec[], args: string[]): Options {
  const opts: Options = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
      spec = specs.find((s) => s.long === name);
    } else if (arg.startsWith('-') && arg.length >= 2 && arg[1] !== '-') {
      spec = specs.find((s) => s.short === arg[1]);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    } else {
      throw new EsxcliError(`Invalid argument ${arg}: options need a -x or --name in front`, true);
    }
    if (!spec) throw new EsxcliError(`Invalid option ${arg.split('=')[0]}`, true);
    if (spec.type === 'flag') {
      if (inline !== undefined) throw new EsxcliError(`Option ${optionLabel(spec)} takes no value`, true);
      opts[spec.long] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length) throw new EsxcliError(`Missing value for option ${optionLabel(spec)}`, true);
      value = args[++i];
    }
    opts[spec.long] = convert(spec, value);
  }
  for (const spec of specs) {
    if (spec.required && opts[spec.long] === undefined) throw new EsxcliError(`Missing required parameter ${optionLabel(spec)}`, true);
  }
  return opts;
}

function convert(spec: OptionSpec, value: string): string | number | boolean {
  if (spec.type === 'long') {
    if (!/^-?\d+$/.test(value.trim())) {
      throw new EsxcliError(`Invalid value '${value}' for parameter ${optionLabel(spec)}: expected an integer (<long>)`, true);
    }
    return Number(value);
  }
  if (spec.type === 'bool') {
    const b = parseBool(value);
    if (b === undefined) throw new EsxcliError(`Invalid value '${value}' for parameter ${optionLabel(spec)}: expected a boolean (<bool>)`, true);
    return b;
  }
  return value;
}
