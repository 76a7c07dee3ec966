// Capabilities (SPBM, reference/psa.md §5): what a storage container offers, and the rules a VM
// storage policy asks for. Each capability is fixed (a policy's value holds for every VM) or
// customisable (a VM may override the policy's value). A rule names a capability and a value:
// "iopsLimit=500", "provisioning=thick", "snapshotsAllowed=true".

import type { Provisioning } from '../arrays/config';
import type { ContainerCapabilities, Replication } from '../arrays/vvol-config';
import { MAX_IOPS_LIMIT, MAX_SNAPSHOT_FREQUENCY_MIN, MAX_SNAPSHOT_RETENTION } from '../scenario/validate-vvol';

export type VvolType = 'config' | 'data' | 'swap' | 'memory';

export type CapabilityName = 'snapshotsAllowed' | 'snapshotRetention' | 'snapshotFrequencyMin' | 'iopsLimit' | 'replication' | 'provisioning';
export type RuleValue = boolean | number | string;
/** Rules by capability: a policy's, a VM's overrides, or what the array applied to a vVol. */
export type Requirements = Partial<Record<CapabilityName, RuleValue>>;

interface CapabilitySpec {
  kind: 'bool' | 'int' | 'enum';
  min?: number;
  max?: number;
  values?: readonly string[];
  /** A VM may override the policy's value. */
  customisable: boolean;
  /** The vVol types the rule governs (compliance is checked there). */
  appliesTo: readonly VvolType[];
  description: string;
}

export const CAPABILITIES: Record<CapabilityName, CapabilitySpec> = {
  snapshotsAllowed: { kind: 'bool', customisable: false, appliesTo: ['data'], description: 'the array takes snapshots of the vVol (true, false)' },
  snapshotRetention: {
    kind: 'int', min: 1, max: MAX_SNAPSHOT_RETENTION, customisable: true, appliesTo: ['data'],
    description: 'snapshots the array keeps per vVol; older ones are deleted',
  },
  snapshotFrequencyMin: {
    kind: 'int', min: 1, max: MAX_SNAPSHOT_FREQUENCY_MIN, customisable: true, appliesTo: ['data'],
    description: 'minutes between the snapshots the array takes on its own schedule',
  },
  iopsLimit: { kind: 'int', min: 1, max: MAX_IOPS_LIMIT, customisable: true, appliesTo: ['data'], description: 'commands per second the array lets through, per vVol' },
  replication: { kind: 'enum', values: ['none', 'async', 'sync'], customisable: false, appliesTo: ['config', 'data'], description: 'replication (none, async, sync)' },
  provisioning: { kind: 'enum', values: ['thin', 'thick'], customisable: false, appliesTo: ['config', 'data'], description: 'thin or thick vVols' },
};

/** Capabilities in the order they are printed. */
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as CapabilityName[];

export function isCapability(name: string): name is CapabilityName {
  return Object.hasOwn(CAPABILITIES, name);
}

/** "iopsLimit=500" → ['iopsLimit', 500]; throws an Error that says what is wrong. */
export function parseRule(text: string): [CapabilityName, RuleValue] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`rule "${text}": write CAPABILITY=VALUE, e.g. iopsLimit=500 (capabilities: ${CAPABILITY_NAMES.join(', ')})`);
  const name = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  if (!isCapability(name)) throw new Error(`rule "${text}": no capability named "${name}" (capabilities: ${CAPABILITY_NAMES.join(', ')})`);
  return [name, parseValue(name, raw)];
}

export function parseValue(name: CapabilityName, raw: string): RuleValue {
  const spec = CAPABILITIES[name];
  if (spec.kind === 'bool') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new Error(`rule ${name}=${raw}: ${name} is true or false`);
  }
  if (spec.kind === 'int') {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < spec.min! || n > spec.max!) throw new Error(`rule ${name}=${raw}: ${name} is an integer ${spec.min}..${spec.max}`);
    return n;
  }
  if (!spec.values!.includes(raw)) throw new Error(`rule ${name}=${raw}: ${name} is one of ${spec.values!.join(', ')}`);
  return raw;
}

/** Rules as "name=value, ..." in capability order; "(none)" when empty. */
export function formatRules(rules: Requirements): string {
  const parts = CAPABILITY_NAMES.filter((n) => rules[n] !== undefined).map((n) => `${n}=${rules[n]}`);
  return parts.length > 0 ? parts.join(', ') : '(none)';
}

/** A container's capability profile with the defaults of vvol-config.ts filled in. */
export class CapabilityProfile {
  readonly snapshotsAllowed: boolean;
  readonly snapshotRetention: number;
  readonly snapshotFrequencyMin: readonly number[];
  readonly iopsLimit: readonly [number, number] | undefined;
  readonly replication: readonly Replication[];
  readonly provisioning: readonly Provisioning[];

  constructor(caps: ContainerCapabilities) {
    this.snapshotsAllowed = caps.snapshotsAllowed ?? false;
    this.snapshotRetention = caps.snapshotRetention ?? 0;
    this.snapshotFrequencyMin = caps.snapshotFrequencyMin ?? [];
    this.iopsLimit = caps.iopsLimit;
    this.replication = caps.replication ?? ['none'];
    this.provisioning = caps.provisioning ?? ['thin'];
  }

  /** Why the container cannot satisfy `name=value`, or undefined when it can. */
  refuses(name: CapabilityName, value: RuleValue): string | undefined {
    const offered = this.describe(name);
    switch (name) {
      case 'snapshotsAllowed':
        return value === true && !this.snapshotsAllowed ? 'offers no snapshots' : undefined;
      case 'snapshotRetention':
        return (value as number) > this.snapshotRetention ? `keeps ${offered}` : undefined;
      case 'snapshotFrequencyMin':
        return this.snapshotFrequencyMin.includes(value as number) ? undefined : `runs snapshot schedules of ${offered}`;
      case 'iopsLimit':
        return this.iopsLimit && (value as number) >= this.iopsLimit[0] && (value as number) <= this.iopsLimit[1] ? undefined : `enforces IOPS limits of ${offered}`;
      case 'replication':
        return this.replication.includes(value as Replication) ? undefined : `offers replication ${offered}`;
      case 'provisioning':
        return this.provisioning.includes(value as Provisioning) ? undefined : `offers ${offered} vVols`;
    }
  }

  /** What the container offers for one capability, as text. */
  describe(name: CapabilityName): string {
    switch (name) {
      case 'snapshotsAllowed':
        return String(this.snapshotsAllowed);
      case 'snapshotRetention':
        return this.snapshotRetention > 0 ? `at most ${this.snapshotRetention} snapshots` : 'no snapshots';
      case 'snapshotFrequencyMin':
        return this.snapshotFrequencyMin.length > 0 ? `${this.snapshotFrequencyMin.join('/')} minutes` : 'none';
      case 'iopsLimit':
        return this.iopsLimit ? `${this.iopsLimit[0]}..${this.iopsLimit[1]}` : 'none';
      case 'replication':
        return this.replication.join('/');
      case 'provisioning':
        return this.provisioning.join('/');
    }
  }

  /** Every rule of `rules` the container refuses, as "capability=value: why". */
  refusals(rules: Requirements): string[] {
    const out: string[] = [];
    for (const name of CAPABILITY_NAMES) {
      const value = rules[name];
      if (value === undefined) continue;
      const why = this.refuses(name, value);
      if (why) out.push(`${name}=${value}: the container ${why}`);
    }
    return out;
  }
}
