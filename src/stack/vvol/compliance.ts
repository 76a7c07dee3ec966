// Compliance of each vVol with its VM's storage policy (SPBM), in vSphere's terms:
// - compliant: the container offers every rule and the array is configured for it;
// - noncompliant: the container cannot provide a rule (or a vVol's provisioning differs, which
//   does not change in place);
// - outOfDate: the container could, but the array still runs the vVol with older rules (the policy
//   or the VM's overrides changed since): applying the policy again fixes it;
// - notApplicable: swap, memory and snapshot vVols, which the policy does not govern here.

import { CAPABILITIES, CAPABILITY_NAMES, type Requirements } from './capabilities';
import type { VirtualVolume } from './vvol';

export type ComplianceStatus = 'compliant' | 'noncompliant' | 'outOfDate' | 'notApplicable';

export interface Compliance {
  status: ComplianceStatus;
  /** Why, one line per rule that is not met. */
  reasons: string[];
}

/** The rules of `rules` that govern a vVol of this type. */
export function rulesFor(vvol: VirtualVolume, rules: Requirements): Requirements {
  const out: Requirements = {};
  for (const name of CAPABILITY_NAMES) if (rules[name] !== undefined && CAPABILITIES[name].appliesTo.includes(vvol.type)) out[name] = rules[name];
  return out;
}

export function complianceOf(vvol: VirtualVolume, rules: Requirements): Compliance {
  if (vvol.isSnapshot || (vvol.type !== 'config' && vvol.type !== 'data')) return { status: 'notApplicable', reasons: [] };
  const want = rulesFor(vvol, rules);
  const refused = vvol.container.profile.refusals(want);
  if (want.provisioning !== undefined && want.provisioning !== vvol.provisioning) {
    refused.push(`provisioning=${want.provisioning}: the vVol is ${vvol.provisioning} (provisioning does not change in place)`);
  }
  if (refused.length > 0) return { status: 'noncompliant', reasons: refused };
  const stale: string[] = [];
  for (const name of CAPABILITY_NAMES) {
    if (name === 'provisioning' || want[name] === vvol.applied[name]) continue;
    const has = vvol.applied[name] === undefined ? 'nothing' : String(vvol.applied[name]);
    stale.push(`${name}: the array applies ${has}, the policy asks ${want[name] ?? 'nothing'}`);
  }
  return stale.length > 0 ? { status: 'outOfDate', reasons: stale } : { status: 'compliant', reasons: [] };
}
