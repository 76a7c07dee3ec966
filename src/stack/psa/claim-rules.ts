// Core claim rules (esxcli storage core claimrule): which multipathing plugin gets each path.
// Rules are numbered; the lowest-numbered rule that matches a path wins. `add`, `remove` and `move`
// change the file rules (esx.conf); `load` makes the file rules the runtime rules the VMkernel uses.

import type { PathImpl } from './path';

export type ClaimRuleType = 'vendor' | 'location' | 'driver' | 'transport' | 'device';

export interface ClaimRule {
  rule: number;
  type: ClaimRuleType;
  plugin: string;
  vendor?: string;
  model?: string;
  adapter?: string;
  channel?: number;
  target?: number;
  lun?: number;
  driver?: string;
  transport?: string;
  device?: string;
}

/** Rules 0-100 and 65436-65535 belong to VMware: adding there needs --force-reserved. */
export function isReserved(rule: number): boolean {
  return rule <= 100 || rule >= 65436;
}

export const MAX_RULE = 65535;

const SYSTEM_RULES: ClaimRule[] = [
  { rule: 50, type: 'transport', plugin: 'NMP', transport: 'usb' },
  { rule: 51, type: 'transport', plugin: 'NMP', transport: 'sata' },
  { rule: 52, type: 'transport', plugin: 'NMP', transport: 'ide' },
  { rule: 53, type: 'transport', plugin: 'NMP', transport: 'block' },
  { rule: 54, type: 'transport', plugin: 'NMP', transport: 'unknown' },
  { rule: 65535, type: 'vendor', plugin: 'NMP', vendor: '*', model: '*' },
];

/** Shipped in esx.conf, so it shows as file and runtime. */
const DEFAULT_FILE_RULES: ClaimRule[] = [{ rule: 101, type: 'vendor', plugin: 'MASK_PATH', vendor: 'DELL', model: 'Universal Xport' }];

export class ClaimRuleError extends Error {}

export class ClaimRules {
  private file: ClaimRule[] = DEFAULT_FILE_RULES.map((r) => ({ ...r }));
  private runtimeUser: ClaimRule[] = DEFAULT_FILE_RULES.map((r) => ({ ...r }));

  /** Rules the VMkernel applies now, in number order. */
  get runtime(): ClaimRule[] {
    return [...SYSTEM_RULES, ...this.runtimeUser].sort((a, b) => a.rule - b.rule);
  }

  /** Rows of `claimrule list`: each rule's runtime and file lines, by number. */
  list(): { rule: ClaimRule; class: 'runtime' | 'file' }[] {
    const rows: { rule: ClaimRule; class: 'runtime' | 'file' }[] = [];
    const numbers = new Set([...SYSTEM_RULES, ...this.runtimeUser, ...this.file].map((r) => r.rule));
    for (const n of [...numbers].sort((a, b) => a - b)) {
      const runtime = SYSTEM_RULES.find((r) => r.rule === n) ?? this.runtimeUser.find((r) => r.rule === n);
      const file = this.file.find((r) => r.rule === n);
      if (runtime) rows.push({ rule: runtime, class: 'runtime' });
      if (file) rows.push({ rule: file, class: 'file' });
    }
    return rows;
  }

  /** The next free user rule number after the highest existing one below 65436 (esxcli -u). */
  nextFreeNumber(): number {
    const used = [...SYSTEM_RULES, ...this.file].map((r) => r.rule).filter((n) => n > 100 && n < 65436);
    return Math.max(5000, ...used.map((n) => n + 1));
  }

  add(rule: ClaimRule, forceReserved = false): void {
    if (!Number.isInteger(rule.rule) || rule.rule < 0 || rule.rule > MAX_RULE) {
      throw new ClaimRuleError(`Invalid rule number ${rule.rule}: rule numbers go from 0 to ${MAX_RULE}`);
    }
    if (isReserved(rule.rule) && !forceReserved) {
      throw new ClaimRuleError(`Rule ${rule.rule} is in a range reserved for VMware (0-100, 65436-65535). Use --force-reserved to add it anyway.`);
    }
    if (this.file.some((r) => r.rule === rule.rule) || SYSTEM_RULES.some((r) => r.rule === rule.rule)) {
      throw new ClaimRuleError(`Duplicate user rule id ${rule.rule} specified`);
    }
    this.file.push({ ...rule });
  }

  remove(number: number): void {
    const at = this.file.findIndex((r) => r.rule === number);
    if (at < 0) throw new ClaimRuleError(`Unable to remove rule ${number}: rule not found in the file rules`);
    this.file.splice(at, 1);
  }

  move(number: number, to: number, forceReserved = false): void {
    const rule = this.file.find((r) => r.rule === number);
    if (!rule) throw new ClaimRuleError(`Unable to move rule ${number}: rule not found in the file rules`);
    this.remove(number);
    try {
      this.add({ ...rule, rule: to }, forceReserved);
    } catch (e) {
      this.file.push(rule); // nothing half-done: the rule keeps its old number
      throw e;
    }
  }

  /** claimrule load: the file rules become the runtime rules. */
  load(): void {
    this.runtimeUser = this.file.map((r) => ({ ...r }));
  }

  fileRules(): ClaimRule[] {
    return this.file.map((r) => ({ ...r }));
  }

  /** User rules the VMkernel applies now (loaded from the file rules at some point). */
  runtimeUserRules(): ClaimRule[] {
    return this.runtimeUser.map((r) => ({ ...r }));
  }

  /** Restores both sets of user rules (a saved lab). */
  restore(file: ClaimRule[], runtime: ClaimRule[]): void {
    this.file = file.map((r) => ({ ...r }));
    this.runtimeUser = runtime.map((r) => ({ ...r }));
  }
}

/** Whether `rule` matches `path` (vendor and model are exact INQUIRY strings or *). */
export function ruleMatches(rule: ClaimRule, path: PathImpl): boolean {
  const id = path.identity;
  const is = (pattern: string | number | undefined, value: string | number) => pattern === undefined || pattern === '*' || pattern === value;
  switch (rule.type) {
    case 'vendor':
      return is(rule.vendor, id.vendor) && is(rule.model, id.model);
    case 'location':
      return is(rule.adapter, path.adapter) && is(rule.channel, 0) && is(rule.target, path.targetNumber) && is(rule.lun, path.lun);
    case 'driver':
      return rule.driver === path.adapterRef.driver;
    case 'transport':
      return rule.transport === path.adapterRef.transport;
    case 'device':
      return rule.device === id.deviceId;
  }
}

/** esxcli's Matches column: "vendor=DELL model=Universal Xport", "adapter=vmhba1 channel=* ...". */
export function describeMatches(rule: ClaimRule): string {
  const star = (v: string | number | undefined) => (v === undefined ? '*' : String(v));
  switch (rule.type) {
    case 'vendor':
      return `vendor=${star(rule.vendor)} model=${star(rule.model)}`;
    case 'location':
      return `adapter=${star(rule.adapter)} channel=${star(rule.channel)} target=${star(rule.target)} lun=${star(rule.lun)}`;
    case 'driver':
      return `driver=${rule.driver}`;
    case 'transport':
      return `transport=${rule.transport}`;
    case 'device':
      return `device=${rule.device}`;
  }
}
