// Scenario files are untrusted JSON (a learner's edit, a lesson's file, a saved lab). parseScenario
// checks one against the schema in types.ts, collects every problem with the JSON path of the bad
// field and what was expected ("arrays[1].luns[0].blockSize: must be 512 or 4096, got 1000"),
// and throws them all at once; or returns the scenario with every documented default filled in.

import { at, Checker, keysOf } from './check';
import { checkArrays, type LunIndex } from './validate-arrays';
import { checkVasaLinks } from './validate-vvol';
import {
  DEFAULT_HOST_NAME,
  DEFAULT_SETTINGS,
  type AdapterConfig,
  type FabricConfig,
  type HostSettings,
  type PeerHostConfig,
  type Scenario,
  type Transport,
  type VmConfig,
  type VmDiskConfig,
} from './types';

export class ScenarioError extends Error {
  /** One line per problem: "<json path>: <what is wrong>". */
  readonly problems: string[];

  constructor(problems: string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid scenario (${count}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

const SHARES = { low: 500, normal: 1000, high: 2000 } as const;

/** Disk shares as a number: low 500, normal 1000, high 2000, or the custom number itself. */
export function sharesValue(shares: VmConfig['shares']): number {
  return typeof shares === 'number' ? shares : SHARES[shares];
}

const SCENARIO_KEYS = keysOf<Scenario>({ name: 0, description: 0, hostName: 0, peers: 0, seed: 0, adapters: 0, fabrics: 0, arrays: 0, vms: 0, settings: 0 });
const PEER_KEYS = keysOf<PeerHostConfig>({ name: 0, adapters: 0, zones: 0 });
const ZONE_KEYS = ['fabric', 'adapters', 'targets'];
/** A host name as vCenter shows one: DNS labels, the first of which `on NAME` takes. */
const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const ADAPTER_KEYS = keysOf<AdapterConfig>({ name: 0, transport: 0, driver: 0, queueDepth: 0, wwpn: 0, wwnn: 0, description: 0 });
const FABRIC_KEYS = keysOf<FabricConfig>({ name: 0, adapters: 0, targets: 0, latencyUs: 0 });
const VM_KEYS = keysOf<VmConfig>({ name: 0, shares: 0, iopsLimit: 0, disks: 0 });
const DISK_KEYS = keysOf<VmDiskConfig>({ array: 0, lun: 0 });
const TRANSPORTS = keysOf<Record<Transport, 0>>({ fc: 0, iscsi: 0, sas: 0, sata: 0, block: 0, usb: 0, ide: 0, parallel: 0, unknown: 0 });

/** The checks of each host setting (all optional in a file: absent ones take DEFAULT_SETTINGS). */
const SETTINGS: Record<keyof HostSettings, (c: Checker, path: string, v: unknown) => number | undefined> = {
  apdTimeoutSec: (c, p, v) => c.int(p, v, 20, 99999), // Misc.APDTimeout's range
  // At least a second: each evaluation checks every path, so a tiny interval is unbounded work.
  pathEvalIntervalSec: (c, p, v) => c.number(p, v, 1, 86400),
  commandTimeoutSec: (c, p, v) => c.number(p, v, 1, 3600),
  schedNumReqOutstanding: (c, p, v) => c.int(p, v, 1, 8192),
  deviceQueueDepth: (c, p, v) => c.int(p, v, 1, 8192),
};

/** Checks an untrusted, already JSON.parse'd value; returns the defaulted scenario or throws ScenarioError. */
export function parseScenario(input: unknown): Scenario {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ScenarioError([`scenario: must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input}`]);
  }
  const c = new Checker();
  const o = c.object('', input, SCENARIO_KEYS) as Record<string, unknown>;
  const name = c.string('name', o.name);
  const description = o.description === undefined ? undefined : c.string('description', o.description, 'a string', () => true);
  const seed = o.seed === undefined ? 1 : c.int('seed', o.seed, 0, 0xffffffff);

  // WWPN -> path of first use, shared by adapters and target ports: a WWPN names one port host-wide.
  const wwpns = new Map<string, string>();
  const adapters = checkAdapters(c, 'adapters', o.adapters, wwpns);
  const { arrays, luns, ports } = checkArrays(c, o.arrays, wwpns);
  checkVasaLinks(c, arrays);
  const fabrics = checkFabrics(c, o.fabrics, adapters, ports);
  const vms = checkVms(c, o.vms, luns);
  const settings = checkSettings(c, o.settings);
  const hostName = o.hostName === undefined ? undefined : c.string('hostName', o.hostName, 'a host name like "esxi01.pathlab.local"', (s) => HOST_NAME.test(s));
  const peers = o.peers === undefined ? undefined : checkPeers(c, o.peers, fabrics, wwpns, hostName ?? DEFAULT_HOST_NAME);

  if (c.problems.length > 0) throw new ScenarioError(c.problems);
  const scenario: Scenario = { name: name as string, seed: seed as number, adapters, fabrics, arrays, vms, settings };
  if (description !== undefined) scenario.description = description;
  if (hostName !== undefined) scenario.hostName = hostName;
  if (peers !== undefined) scenario.peers = peers;
  return scenario;
}

function checkAdapters(c: Checker, listPath: string, value: unknown, wwpns: Map<string, string>): AdapterConfig[] {
  const names = new Map<string, string>();
  const adapters: AdapterConfig[] = [];
  (c.list(listPath, value) ?? []).forEach((raw, i) => {
    const path = at(listPath, i);
    const o = c.object(path, raw, ADAPTER_KEYS);
    if (!o) return;
    const name = c.string(at(path, 'name'), o.name, 'a name like "vmhba1"', (s) => /^vmhba\d+$/.test(s));
    c.unique(names, name, at(path, 'name'), 'adapter name');
    const adapter: AdapterConfig = {
      name: name as string,
      transport: c.oneOf(at(path, 'transport'), o.transport, TRANSPORTS) as Transport,
      driver: c.string(at(path, 'driver'), o.driver) as string,
      queueDepth: c.int(at(path, 'queueDepth'), o.queueDepth, 1, 8192) as number,
    };
    if (o.wwpn !== undefined) {
      adapter.wwpn = c.wwn(at(path, 'wwpn'), o.wwpn);
      c.unique(wwpns, adapter.wwpn, at(path, 'wwpn'), 'WWPN');
    }
    if (o.wwnn !== undefined) adapter.wwnn = c.wwn(at(path, 'wwnn'), o.wwnn);
    if (o.description !== undefined) adapter.description = c.string(at(path, 'description'), o.description, 'a string', () => true);
    adapters.push(adapter);
  });
  return adapters;
}

function checkFabrics(c: Checker, value: unknown, adapters: AdapterConfig[], ports: Set<string>): FabricConfig[] {
  const names = new Map<string, string>();
  // A host port and a target port each have one cable: each is in at most one fabric.
  const cabled = new Map<string, string>();
  const fabrics: FabricConfig[] = [];
  (c.list('fabrics', value) ?? []).forEach((raw, i) => {
    const path = at('fabrics', i);
    const o = c.object(path, raw, FABRIC_KEYS);
    if (!o) return;
    const name = c.string(at(path, 'name'), o.name);
    c.unique(names, name, at(path, 'name'), 'fabric name');
    const members = (key: 'adapters' | 'targets', check: (p: string, v: unknown) => string | undefined) =>
      (c.list(at(path, key), o[key]) ?? []).map((v, j) => {
        const p = at(at(path, key), j);
        const member = check(p, v);
        c.unique(cabled, member, p, key === 'adapters' ? 'adapter' : 'target port');
        return member as string;
      });
    const fabric: FabricConfig = {
      name: name as string,
      adapters: members('adapters', (p, v) => {
        const adapter = c.string(p, v, 'an adapter name');
        if (adapter === undefined || adapters.some((a) => a.name === adapter)) return adapter;
        return c.problem(p, `no adapter named "${adapter}"`);
      }),
      targets: members('targets', (p, v) => {
        const wwpn = c.wwn(p, v);
        if (wwpn !== undefined && !ports.has(wwpn)) c.problem(p, `no array target port has WWPN ${wwpn}`);
        return wwpn;
      }),
      latencyUs: c.number(at(path, 'latencyUs'), o.latencyUs, 0) as number,
    };
    fabrics.push(fabric);
  });
  return fabrics;
}

/** Peer hosts: unique names (not the learner's host's), their own adapters, zones into known fabrics. */
function checkPeers(c: Checker, value: unknown, fabrics: FabricConfig[], wwpns: Map<string, string>, hostName: string): PeerHostConfig[] {
  const names = new Map<string, string>([[hostName.split('.')[0].toLowerCase(), 'hostName']]);
  const peers: PeerHostConfig[] = [];
  (c.list('peers', value) ?? []).forEach((raw, i) => {
    const path = at('peers', i);
    const o = c.object(path, raw, PEER_KEYS);
    if (!o) return;
    const name = c.string(at(path, 'name'), o.name, 'a host name like "esxi02.pathlab.local"', (s) => HOST_NAME.test(s));
    // `on NAME` takes the first label, so first labels must differ too.
    c.unique(names, name?.split('.')[0].toLowerCase(), at(path, 'name'), 'host name (first label)');
    const adapters = checkAdapters(c, at(path, 'adapters'), o.adapters, wwpns);
    const cabled = new Map<string, string>();
    const zones = (c.list(at(path, 'zones'), o.zones) ?? []).map((rawZone, z) => {
      const zonePath = at(at(path, 'zones'), z);
      const zone = c.object(zonePath, rawZone, ZONE_KEYS);
      const fabric = zone && c.string(at(zonePath, 'fabric'), zone.fabric, 'a fabric name');
      if (fabric !== undefined && !fabrics.some((f) => f.name === fabric)) c.problem(at(zonePath, 'fabric'), `no fabric named "${fabric}"`);
      const members = (zone && c.list(at(zonePath, 'adapters'), zone.adapters)) ?? [];
      const zoned = members.map((v, j) => {
        const p = at(at(zonePath, 'adapters'), j);
        const adapter = c.string(p, v, 'an adapter name');
        if (adapter !== undefined && !adapters.some((a) => a.name === adapter)) c.problem(p, `peer has no adapter named "${adapter}"`);
        c.unique(cabled, adapter, p, 'adapter');
        return adapter as string;
      });
      // Checked against the fabric as written: a port the fabric itself got wrong is reported there once.
      const cabledTargets = fabrics.find((f) => f.name === fabric)?.targets;
      const targets = zone?.targets === undefined ? undefined : (c.list(at(zonePath, 'targets'), zone.targets) ?? []).map((v, j) => {
        const p = at(at(zonePath, 'targets'), j);
        const wwpn = c.wwn(p, v);
        if (wwpn !== undefined && cabledTargets && !cabledTargets.includes(wwpn)) c.problem(p, `fabric "${fabric}" has no target port ${wwpn}`);
        return wwpn as string;
      });
      return targets === undefined ? { fabric: fabric as string, adapters: zoned } : { fabric: fabric as string, adapters: zoned, targets };
    });
    peers.push({ name: name as string, adapters, zones });
  });
  return peers;
}

function checkVms(c: Checker, value: unknown, luns: LunIndex): VmConfig[] {
  const names = new Map<string, string>();
  const vms: VmConfig[] = [];
  (c.list('vms', value) ?? []).forEach((raw, i) => {
    const path = at('vms', i);
    const o = c.object(path, raw, VM_KEYS);
    if (!o) return;
    const name = c.string(at(path, 'name'), o.name);
    c.unique(names, name, at(path, 'name'), 'VM name');
    const sharesOk = (Number.isInteger(o.shares) && (o.shares as number) >= 200 && (o.shares as number) <= 4000) || Object.hasOwn(SHARES, o.shares as string);
    if (!sharesOk) c.expected(at(path, 'shares'), 'an integer 200..4000 or "low", "normal", "high"', o.shares);
    const iopsOk = o.iopsLimit === undefined || o.iopsLimit === -1 || (Number.isSafeInteger(o.iopsLimit) && (o.iopsLimit as number) > 0);
    if (!iopsOk) c.expected(at(path, 'iopsLimit'), '-1 (unlimited) or a positive integer', o.iopsLimit);
    const disks = (c.list(at(path, 'disks'), o.disks) ?? []).map((rawDisk, d) => {
      const diskPath = at(at(path, 'disks'), d);
      const disk = c.object(diskPath, rawDisk, DISK_KEYS);
      if (!disk) return { array: '', lun: -1 };
      const array = c.string(at(diskPath, 'array'), disk.array, 'an array name');
      const lun = c.int(at(diskPath, 'lun'), disk.lun, 0);
      if (array !== undefined && lun !== undefined) {
        const arrayLuns = luns.get(array);
        if (!arrayLuns) c.problem(diskPath, `no array named "${array}"`);
        else if (!arrayLuns.has(lun)) c.problem(diskPath, `array "${array}" has no LUN ${lun}`);
      }
      return { array: array as string, lun: lun as number };
    });
    vms.push({ name: name as string, shares: o.shares as VmConfig['shares'], iopsLimit: (o.iopsLimit as number | undefined) ?? -1, disks });
  });
  return vms;
}

function checkSettings(c: Checker, value: unknown): HostSettings {
  const settings = { ...DEFAULT_SETTINGS };
  if (value === undefined) return settings;
  const o = c.object('settings', value, Object.keys(SETTINGS));
  if (!o) return settings;
  for (const key of Object.keys(SETTINGS) as (keyof HostSettings)[]) {
    if (o[key] === undefined) continue;
    const v = SETTINGS[key](c, at('settings', key), o[key]);
    if (v !== undefined) settings[key] = v;
  }
  // Disk.SchedNumReqOutstanding cannot exceed the device queue depth (reference/psa.md §3).
  if (settings.schedNumReqOutstanding > settings.deviceQueueDepth) {
    const got = `${settings.schedNumReqOutstanding} > ${settings.deviceQueueDepth}`;
    c.problem('settings.schedNumReqOutstanding', `must not exceed settings.deviceQueueDepth, got ${got}`);
  }
  return settings;
}
