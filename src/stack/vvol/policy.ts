// VM storage policies (SPBM): named sets of capability rules. A VM uses one policy and may override
// the policy's customisable rules; what the array must then provide for the VM's vVols is the
// policy's rules with the overrides on top. Editing a policy bumps its version, so the vVols the
// array configured for an older version show as out of date until the policy is applied again.

import { CAPABILITIES, CAPABILITY_NAMES, formatRules, type CapabilityName, type Requirements, type RuleValue } from './capabilities';

/** vSphere's default policy for vVol datastores: no rules at all. */
export const DEFAULT_POLICY = 'VVol No Requirements Policy';

export class StoragePolicy {
  /** Bumped by every edit. */
  version = 1;

  constructor(
    readonly name: string,
    public rules: Requirements,
  ) {}

  get text(): string {
    return formatRules(this.rules);
  }
}

export class PolicyCatalog {
  private readonly byName = new Map<string, StoragePolicy>();

  /** `changed` is called after every create, edit and delete (the lab saves the policies). */
  constructor(private readonly changed: () => void = () => {}) {
    this.byName.set(DEFAULT_POLICY, new StoragePolicy(DEFAULT_POLICY, {}));
  }

  get all(): StoragePolicy[] {
    return [...this.byName.values()];
  }

  get(name: string): StoragePolicy | undefined {
    return this.byName.get(name);
  }

  require(name: string): StoragePolicy {
    const policy = this.byName.get(name);
    if (!policy) throw new Error(`no storage policy named "${name}" (policies: ${[...this.byName.keys()].join(', ')})`);
    return policy;
  }

  create(name: string, rules: Requirements): StoragePolicy {
    if (!/^[\w .-]{1,64}$/.test(name) || name.trim() !== name) throw new Error(`policy name "${name}": use 1 to 64 letters, digits, spaces, dots, dashes or underscores`);
    if (this.byName.has(name)) throw new Error(`a storage policy named "${name}" already exists`);
    const policy = new StoragePolicy(name, { ...rules });
    this.byName.set(name, policy);
    this.changed();
    return policy;
  }

  /** The learner's policies, without vSphere's built-in one. */
  get userPolicies(): StoragePolicy[] {
    return this.all.filter((p) => p.name !== DEFAULT_POLICY);
  }

  /** A saved policy made again, at its saved version (its vVols' "out of date" is kept). */
  restore(name: string, rules: Requirements, version: number): StoragePolicy {
    const policy = this.create(name, rules);
    policy.version = version;
    return policy;
  }

  /** Sets and removes rules of a policy; a new version when anything changed. */
  update(name: string, set: Requirements, remove: CapabilityName[]): StoragePolicy {
    const policy = this.require(name);
    if (name === DEFAULT_POLICY) throw new Error(`"${DEFAULT_POLICY}" is vSphere's built-in policy: it cannot be edited`);
    const rules: Requirements = { ...policy.rules };
    for (const cap of remove) {
      if (rules[cap] === undefined) throw new Error(`policy "${name}" has no ${cap} rule to remove`);
      delete rules[cap];
    }
    Object.assign(rules, set);
    if (CAPABILITY_NAMES.some((n) => rules[n] !== policy.rules[n])) {
      policy.rules = rules;
      policy.version++;
      this.changed();
    }
    return policy;
  }

  delete(name: string, usedBy: string[]): void {
    this.require(name);
    if (name === DEFAULT_POLICY) throw new Error(`"${DEFAULT_POLICY}" is vSphere's built-in policy: it cannot be deleted`);
    if (usedBy.length > 0) throw new Error(`policy "${name}" is in use by ${usedBy.join(', ')}`);
    this.byName.delete(name);
    this.changed();
  }
}

/** Checks a VM's overrides against its policy: only rules the policy has, and only customisable ones. */
export function checkOverrides(policy: StoragePolicy, overrides: Requirements): void {
  for (const name of CAPABILITY_NAMES) {
    if (overrides[name] === undefined) continue;
    if (!CAPABILITIES[name].customisable) {
      throw new Error(`${name} is a fixed capability: a VM cannot override it (customisable: ${CAPABILITY_NAMES.filter((n) => CAPABILITIES[n].customisable).join(', ')})`);
    }
    if (policy.rules[name] === undefined) throw new Error(`policy "${policy.name}" has no ${name} rule to override`);
  }
}

/** What the VM's vVols must get: the policy's rules with the VM's overrides on top. */
export function effectiveRules(policy: StoragePolicy, overrides: Requirements): Requirements {
  const out: Requirements = {};
  for (const name of CAPABILITY_NAMES) {
    const value: RuleValue | undefined = overrides[name] !== undefined && policy.rules[name] !== undefined ? overrides[name] : policy.rules[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
