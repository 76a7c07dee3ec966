// esxcli's two output shapes. Tables: columns two spaces apart, a dashed underline as wide as each
// column. Text columns are left-aligned; real esxcli right-aligns integer and boolean columns (the
// Rule number in `claimrule list`), so a column may ask for that. Trailing blanks are trimmed.
// Records: the object's id on its own line, then "   Key: value" lines, a blank line between.

import type { CommandSpec } from './command';
import { optionLabel } from './parse';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function table(columns: (Column | string)[], rows: (string | number | boolean)[][]): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const cells = rows.map((r) => r.map((v) => String(v)));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (cols[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export type Field = [key: string, value: string | number | boolean];

/** Key: value lines, indented three spaces as esxcli prints a structure's fields. */
export function fields(list: Field[]): string {
  return list.map(([k, v]) => `   ${k}: ${v}`.trimEnd()).join('\n');
}

export function records(list: { id: string; fields: Field[] }[]): string {
  return list.map((r) => `${r.id}\n${fields(r.fields)}`).join('\n\n');
}

/** Two-column help lines: the name padded to 22 characters, then its description. */
function helpLine(name: string, text: string): string {
  return `  ${name.length < 22 ? name.padEnd(22) : name + ' '}${text}`;
}

export function commandUsage(spec: CommandSpec): string {
  const options = [...spec.options].sort((a, b) => a.long.localeCompare(b.long));
  return [
    `Usage: esxcli ${spec.path.join(' ')} [cmd options]`,
    '',
    'Description:',
    helpLine(spec.path[spec.path.length - 1], spec.description),
    '',
    'Cmd options:',
    ...options.map((o) =>
      helpLine(`${optionLabel(o)}${o.type === 'flag' ? '' : `=<${o.type}>`}`, `${o.help}${o.required ? ' (required)' : ''}`),
    ),
  ].join('\n');
}

export function namespaceUsage(path: string[], namespaces: [string, string][], commands: [string, string][]): string {
  const lines = [`Usage: esxcli ${[...path, '{cmd}'].join(' ')} [cmd options]`];
  if (namespaces.length > 0) lines.push('', 'Available Namespaces:', ...namespaces.map(([n, d]) => helpLine(n, d)));
  if (commands.length > 0) lines.push('', 'Available Commands:', ...commands.map(([n, d]) => helpLine(n, d)));
  return lines.join('\n');
}
