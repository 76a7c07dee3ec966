// Checks the "arrays" part of a scenario (see validate.ts): each array's identity, storage
// processors, target ports, LUNs and options, with the defaults that config.ts documents. Where a
// part is broken, a placeholder stands in so that checking goes on; the caller throws before any
// placeholder can escape.

import type { Personality } from '../api';
import type { ArrayConfig, CacheMode, LunConfig, Provisioning, ServiceTimeModel, StorageProcessorConfig } from '../arrays/config';
import { at, Checker, keysOf } from './check';
import { checkVasa } from './validate-vvol';

const ARRAY_KEYS = keysOf<ArrayConfig>({
  name: 0, personality: 0, vendor: 0, product: 0, revision: 0, oui: 0, serial: 0, sps: 0, luns: 0, serviceTime: 0,
  alua: 0, transitionUs: 0, implicitFollowIo: 0, autoTrespass: 0, descriptorSense: 0, identifiers: 0, vasa: 0,
});
const SP_KEYS = keysOf<StorageProcessorConfig>({ name: 0, ports: 0 });
const PORT_KEYS = ['wwpn'];
const LUN_KEYS = keysOf<LunConfig>({ lun: 0, blocks: 0, blockSize: 0, cacheMode: 0, provisioning: 0, owner: 0 });
const SERVICE_KEYS = keysOf<ServiceTimeModel>({ fixedUs: 0, perKiBUs: 0, jitterUs: 0 });
const PERSONALITIES = keysOf<Record<Personality, 0>>({ 'active-active': 0, 'active-passive': 0, alua: 0 });
const CACHE_MODES = keysOf<Record<CacheMode, 0>>({ 'write-through': 0, 'write-back': 0 }) as CacheMode[];
const PROVISIONING = keysOf<Record<Provisioning, 0>>({ thick: 0, thin: 0 }) as Provisioning[];

/** Flat LUN addressing (SAM): 14 bits. */
export const MAX_LUN = 16383;
/** The NAA 6 vendor-specific identifier the serial fills has 36 bits. */
const MAX_SERIAL = 2 ** 36 - 1;

/** What the rest of the scenario may refer to: arrays by name with their LUN numbers. */
export type LunIndex = Map<string, Set<number>>;

/**
 * Checks `value` as the scenario's array list. Every target port WWPN goes into `wwpns` (WWPN ->
 * path of first use), which the caller shares with the adapters so that a WWPN is unique host-wide.
 * Returns the arrays, their LUN numbers by array name, and their target port WWPNs (lower case).
 */
export function checkArrays(c: Checker, value: unknown, wwpns: Map<string, string>): { arrays: ArrayConfig[]; luns: LunIndex; ports: Set<string> } {
  const arrays: ArrayConfig[] = [];
  const luns: LunIndex = new Map();
  const ports = new Set<string>();
  const names = new Map<string, string>();
  const naaIds = new Map<string, string>();
  (c.list('arrays', value) ?? []).forEach((raw, i) => {
    const path = at('arrays', i);
    const o = c.object(path, raw, ARRAY_KEYS);
    if (!o) return;
    const name = c.string(at(path, 'name'), o.name);
    c.unique(names, name, at(path, 'name'), 'array name');
    const oui = c.int(at(path, 'oui'), o.oui, 0, 0xffffff);
    const serial = c.int(at(path, 'serial'), o.serial, 0, MAX_SERIAL);
    const identifiers = o.identifiers === undefined ? 'naa' : c.oneOf(at(path, 'identifiers'), o.identifiers, ['naa', 'none'] as const);
    // Two arrays with the same OUI and serial would give their LUNs the same NAA device ids.
    if (identifiers === 'naa' && oui !== undefined && serial !== undefined) {
      const id = `OUI 0x${oui.toString(16).padStart(6, '0')} serial 0x${serial.toString(16)}`;
      c.unique(naaIds, id, at(path, 'serial'), 'NAA identity');
    }
    const sps = checkSps(c, path, o.sps, wwpns);
    for (const sp of sps ?? []) for (const port of sp.ports) ports.add(port.wwpn);
    const lunList = checkLuns(c, path, o.luns, sps?.length);
    if (name !== undefined && !luns.has(name)) luns.set(name, new Set(lunList?.map((l) => l.lun)));
    const array: ArrayConfig = {
      name: name as string,
      personality: c.oneOf(at(path, 'personality'), o.personality, PERSONALITIES) as Personality,
      vendor: c.ascii(at(path, 'vendor'), o.vendor, 8) as string,
      product: c.ascii(at(path, 'product'), o.product, 16) as string,
      revision: c.ascii(at(path, 'revision'), o.revision, 4) as string,
      oui: oui as number,
      serial: serial as number,
      sps: sps as StorageProcessorConfig[],
      luns: lunList as LunConfig[],
      serviceTime: checkServiceTime(c, at(path, 'serviceTime'), o.serviceTime),
      alua: o.alua === undefined ? 'both' : c.oneOf(at(path, 'alua'), o.alua, ['implicit', 'explicit', 'both'] as const),
      transitionUs: o.transitionUs === undefined ? 200_000 : c.number(at(path, 'transitionUs'), o.transitionUs, 0),
      implicitFollowIo: o.implicitFollowIo === undefined ? 0 : c.int(at(path, 'implicitFollowIo'), o.implicitFollowIo, 0),
      autoTrespass: o.autoTrespass === undefined ? false : c.bool(at(path, 'autoTrespass'), o.autoTrespass),
      descriptorSense: o.descriptorSense === undefined ? false : c.bool(at(path, 'descriptorSense'), o.descriptorSense),
      identifiers,
    };
    // Virtual volumes: left out when absent, so saved scenarios stay as written.
    if (o.vasa !== undefined) array.vasa = checkVasa(c, at(path, 'vasa'), o.vasa, new Set(lunList?.map((l) => l.lun)));
    arrays.push(array);
  });
  return { arrays, luns, ports };
}

function checkSps(c: Checker, path: string, value: unknown, wwpns: Map<string, string>): StorageProcessorConfig[] | undefined {
  const list = c.list(at(path, 'sps'), value, true);
  if (!list) return undefined;
  const names = new Map<string, string>();
  return list.map((raw, s) => {
    const spPath = at(at(path, 'sps'), s);
    const o = c.object(spPath, raw, SP_KEYS);
    if (!o) return { name: '', ports: [] };
    const name = c.string(at(spPath, 'name'), o.name);
    c.unique(names, name, at(spPath, 'name'), 'storage processor name');
    const ports = (c.list(at(spPath, 'ports'), o.ports, true) ?? []).map((rawPort, p) => {
      const portPath = at(at(spPath, 'ports'), p);
      const port = c.object(portPath, rawPort, PORT_KEYS);
      if (!port) return { wwpn: '' };
      const wwpn = c.wwn(at(portPath, 'wwpn'), port.wwpn);
      c.unique(wwpns, wwpn, at(portPath, 'wwpn'), 'WWPN');
      return { wwpn: wwpn as string };
    });
    return { name: name as string, ports };
  });
}

function checkLuns(c: Checker, path: string, value: unknown, spCount: number | undefined): LunConfig[] | undefined {
  const list = c.list(at(path, 'luns'), value);
  if (!list) return undefined;
  const numbers = new Map<string, string>();
  return list.map((raw, l) => {
    const lunPath = at(at(path, 'luns'), l);
    const o = c.object(lunPath, raw, LUN_KEYS);
    if (!o) return { lun: -1, blocks: 0, blockSize: 512 };
    const lun = c.int(at(lunPath, 'lun'), o.lun, 0, MAX_LUN);
    c.unique(numbers, lun?.toString(), at(lunPath, 'lun'), 'LUN number');
    const config: LunConfig = {
      lun: lun as number,
      blocks: c.int(at(lunPath, 'blocks'), o.blocks, 1) as number,
      blockSize: c.oneOf(at(lunPath, 'blockSize'), o.blockSize, [512, 4096] as const) as 512 | 4096,
    };
    if (o.cacheMode !== undefined) config.cacheMode = c.oneOf(at(lunPath, 'cacheMode'), o.cacheMode, CACHE_MODES);
    // Absent means thick (LogicalUnit's default), left out like cacheMode so saved scenarios stay as written.
    if (o.provisioning !== undefined) config.provisioning = c.oneOf(at(lunPath, 'provisioning'), o.provisioning, PROVISIONING);
    if (o.owner !== undefined) {
      // With a broken sps list, any index is as good as another: the sps problem is reported.
      config.owner = spCount ? c.int(at(lunPath, 'owner'), o.owner, 0, spCount - 1) : (o.owner as number);
    }
    return config;
  });
}

function checkServiceTime(c: Checker, path: string, value: unknown): ServiceTimeModel {
  const o = c.object(path, value, SERVICE_KEYS);
  if (!o) return { fixedUs: 0, perKiBUs: 0, jitterUs: 0 };
  return {
    fixedUs: c.number(at(path, 'fixedUs'), o.fixedUs, 0) as number,
    perKiBUs: c.number(at(path, 'perKiBUs'), o.perKiBUs, 0) as number,
    jitterUs: c.number(at(path, 'jitterUs'), o.jitterUs, 0) as number,
  };
}
