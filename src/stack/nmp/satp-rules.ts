// SATP claim rules (esxcli storage nmp satp rule): which SATP, and through it which PSP, a device
// gets. Searched in the order ESXi documents: driver rules, then vendor/model, then transport, then
// the default. ALUA rules carry the claim option tpgs_on, so they match only devices whose INQUIRY
// reports target port group support.

import type { Identity } from '../psa/path';
import type { Transport } from '../scenario/types';

export interface SatpRule {
  satp: string;
  device?: string;
  vendor?: string;
  model?: string;
  driver?: string;
  transport?: string;
  options?: string;
  claimOptions?: 'tpgs_on' | 'tpgs_off';
  psp?: string;
  pspOptions?: string;
  description?: string;
  group: 'system' | 'user';
}

const SYSTEM: SatpRule[] = [
  { satp: 'VMW_SATP_ALUA', claimOptions: 'tpgs_on', description: 'Any array with ALUA support', group: 'system' },
  { satp: 'VMW_SATP_DEFAULT_AP', vendor: 'PATHLAB', model: 'AP-VA', description: 'PathLab active/passive array', group: 'system' },
  { satp: 'VMW_SATP_DEFAULT_AP', vendor: 'DEC', model: 'HSG80', description: 'DEC HSG80', group: 'system' },
  { satp: 'VMW_SATP_LOCAL', transport: 'sas', description: 'Locally attached SAS devices', group: 'system' },
  { satp: 'VMW_SATP_LOCAL', transport: 'sata', group: 'system' },
  { satp: 'VMW_SATP_LOCAL', transport: 'block', group: 'system' },
  { satp: 'VMW_SATP_LOCAL', transport: 'usb', group: 'system' },
  { satp: 'VMW_SATP_LOCAL', transport: 'ide', group: 'system' },
  { satp: 'VMW_SATP_LOCAL', transport: 'parallel', group: 'system' },
  { satp: 'VMW_SATP_DEFAULT_AA', transport: 'fc', description: 'Fibre Channel Devices', group: 'system' },
  { satp: 'VMW_SATP_DEFAULT_AA', transport: 'iscsi', description: 'iSCSI Devices', group: 'system' },
];

export class SatpRules {
  private user: SatpRule[] = [];

  all(): SatpRule[] {
    return [...SYSTEM, ...this.user];
  }

  add(rule: Omit<SatpRule, 'group'>): void {
    const same = (r: SatpRule) =>
      r.satp === rule.satp && r.vendor === rule.vendor && r.model === rule.model && r.driver === rule.driver &&
      r.transport === rule.transport && r.device === rule.device && r.claimOptions === rule.claimOptions;
    if (this.all().some(same)) throw new Error('Error adding SATP user rule: Duplicate user rule found for SATP ' + rule.satp);
    this.user.push({ ...rule, group: 'user' });
  }

  remove(rule: Omit<SatpRule, 'group'>): void {
    const at = this.user.findIndex(
      (r) => r.satp === rule.satp && r.vendor === rule.vendor && r.model === rule.model && r.driver === rule.driver &&
        r.transport === rule.transport && r.device === rule.device && r.claimOptions === rule.claimOptions,
    );
    if (at < 0) throw new Error('Error deleting SATP user rule: rule not found');
    this.user.splice(at, 1);
  }

  userRules(): SatpRule[] {
    return this.user.map((r) => ({ ...r }));
  }

  setUserRules(rules: SatpRule[]): void {
    this.user = rules.map((r) => ({ ...r, group: 'user' }));
  }

  /**
   * The rule that decides a device's SATP: device, driver, vendor/model, transport, then default.
   * With `loaded`, a rule naming an SATP that is not loaded (a learner's, unloaded or disabled) is
   * passed over, so the device gets the SATP the next rule names instead of a blind default.
   */
  match(identity: Identity, driver: string, transport: Transport, loaded?: (satp: string) => boolean): SatpRule | undefined {
    const rules = [...this.user, ...SYSTEM].filter((r) => loaded === undefined || loaded(r.satp));
    const tpgsOk = (r: SatpRule) =>
      r.claimOptions === undefined || (r.claimOptions === 'tpgs_on' ? identity.tpgs !== 0 : identity.tpgs === 0);
    const stages: ((r: SatpRule) => boolean)[] = [
      (r) => r.device === identity.deviceId,
      (r) => r.driver !== undefined && r.driver === driver,
      (r) => r.vendor !== undefined && r.vendor === identity.vendor && (r.model === undefined || r.model === identity.model),
      (r) => r.transport !== undefined && r.transport === transport,
      (r) => r.claimOptions !== undefined && r.vendor === undefined && r.transport === undefined && r.driver === undefined,
    ];
    // A tpgs_on rule without vendor or transport applies before the transport default: ALUA first.
    const alua = rules.find((r) => stages[4](r) && tpgsOk(r));
    for (const [i, stage] of stages.entries()) {
      if (i === 3 && alua) return alua;
      const hit = rules.find((r) => stage(r) && tpgsOk(r));
      if (hit) return hit;
    }
    return undefined;
  }
}
