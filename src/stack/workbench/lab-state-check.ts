// The entries of a lab state that restoreState applies field by field (rules, device settings,
// disabled paths, faults), checked one by one: a lab file is untrusted, and an entry of the wrong
// shape must be refused with a message before anything is restored, not crash the restore (found
// by `npm run fuzz`: `"faults": {"arrays": [null]}` threw a TypeError in restoreState).

type Fail = (what: string) => never;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const optional = (x: unknown, type: 'string' | 'number'): boolean => x === undefined || typeof x === type;
const isBooleans = (x: unknown): boolean => Array.isArray(x) && x.every((b) => typeof b === 'boolean');
const isCount = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0;
const isMicroseconds = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const show = (x: unknown): string => JSON.stringify(x)?.slice(0, 200) ?? String(x);

const CLAIM_RULE_TEXT = ['vendor', 'model', 'adapter', 'driver', 'transport', 'device'];
const CLAIM_RULE_NUMBERS = ['channel', 'target', 'lun'];
const SATP_RULE_TEXT = ['device', 'vendor', 'model', 'driver', 'transport', 'options', 'claimOptions', 'psp', 'pspOptions', 'description'];

/** Checks the entries of a state whose lists checkState has already found to be lists. */
export function checkEntries(v: Record<string, unknown>, fail: Fail): void {
  const rules = v.claimRules as { file: unknown[]; runtime: unknown[] };
  for (const r of [...rules.file, ...rules.runtime] as Record<string, unknown>[]) {
    if (CLAIM_RULE_TEXT.some((k) => !optional(r[k], 'string')) || CLAIM_RULE_NUMBERS.some((k) => !optional(r[k], 'number'))) {
      fail(`a claim rule is malformed: ${show(r)}`);
    }
  }
  for (const r of v.satpRules as unknown[]) {
    if (!isObject(r) || typeof r.satp !== 'string' || SATP_RULE_TEXT.some((k) => !optional(r[k], 'string'))) fail(`an SATP rule is malformed: ${show(r)}`);
  }
  for (const [satp, psp] of Object.entries(v.satpDefaultPsp as object)) {
    if (typeof psp !== 'string') fail(`satpDefaultPsp: ${satp} must name a PSP, got ${show(psp)}`);
  }
  for (const d of v.devices as unknown[]) {
    const settings = isObject(d) && isObject(d.pspConfig) && Object.values(d.pspConfig).every((s) => ['string', 'number', 'boolean'].includes(typeof s));
    if (!isObject(d) || typeof d.id !== 'string' || !optional(d.psp, 'string') || !optional(d.preferred, 'string') || !settings) {
      fail(`a device's settings are malformed: ${show(d)}`);
    }
  }
  if ((v.disabledPaths as unknown[]).some((p) => typeof p !== 'string')) fail('disabledPaths must be path names');
  const faults = v.faults as Record<string, unknown[]>;
  for (const a of faults.adapters) {
    if (!isObject(a) || typeof a.name !== 'string' || typeof a.up !== 'boolean' || typeof a.linkUp !== 'boolean') fail(`an adapter's fault state is malformed: ${show(a)}`);
  }
  for (const f of faults.fabrics) {
    if (!isObject(f) || typeof f.name !== 'string' || typeof f.up !== 'boolean' || !isMicroseconds(f.extraLatencyUs)) fail(`a fabric's fault state is malformed: ${show(f)}`);
  }
  for (const a of faults.arrays) {
    const luns = isObject(a) && Array.isArray(a.luns) && a.luns.every((l) => isObject(l) && isCount(l.lun) && typeof l.lost === 'boolean' && isCount(l.owner));
    if (!isObject(a) || typeof a.name !== 'string' || typeof a.up !== 'boolean' || !isMicroseconds(a.extraServiceUs) || !isBooleans(a.sps) || !isBooleans(a.ports) || !luns) {
      fail(`an array's fault state is malformed: ${show(a)}`);
    }
  }
}
