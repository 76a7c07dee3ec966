// Checks an array's "vasa" part (arrays/vvol-config.ts): its VASA provider, protocol endpoints and
// storage containers, then (once every array is read) what links arrays together: container names
// are unique host-wide, and a container that spans arrays spans arrays of the same provider that
// have a protocol endpoint of its protocol. Same style as validate-arrays.ts: every problem with
// its JSON path, defaults left as written (the vVol model fills them).

import type { Provisioning } from '../arrays/config';
import type {
  ContainerCapabilities, NfsPeConfig, ProtocolEndpointConfig, Replication, ScsiPeConfig, StorageContainerConfig, VasaConfig,
} from '../arrays/vvol-config';
import { at, Checker, keysOf } from './check';

const VASA_KEYS = keysOf<VasaConfig>({ provider: 0, protocolEndpoints: 0, containers: 0 });
const SCSI_PE_KEYS = keysOf<ScsiPeConfig>({ protocol: 0, lun: 0 });
const NFS_PE_KEYS = keysOf<NfsPeConfig>({ protocol: 0, server: 0, share: 0, latencyUs: 0, version: 0 });
const CONTAINER_KEYS = keysOf<StorageContainerConfig>({ name: 0, protocol: 0, capacityGiB: 0, capabilities: 0, spans: 0 });
const CAPABILITY_KEYS = keysOf<ContainerCapabilities>({
  snapshotsAllowed: 0, snapshotRetention: 0, snapshotFrequencyMin: 0, iopsLimit: 0, replication: 0, provisioning: 0,
});
const PROTOCOLS = ['scsi', 'nfs'] as const;
const REPLICATION: Replication[] = ['none', 'async', 'sync'];
const PROVISIONING: Provisioning[] = ['thin', 'thick'];

/** Flat/simple LUN addressing: 14 bits. */
const MAX_PE_LUN = 16383;
/** 1 PiB: more than any lab needs, small enough to stay exact in bytes. */
const MAX_CAPACITY_GIB = 1024 * 1024;
export const MAX_IOPS_LIMIT = 10_000_000;
export const MAX_SNAPSHOT_RETENTION = 1024;
/** A year, in minutes. */
export const MAX_SNAPSHOT_FREQUENCY_MIN = 525_600;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * Checks `value` as the vasa part of the array at `path`. `lunNumbers`: the array's own LUN
 * numbers, which a SCSI protocol endpoint must not reuse.
 */
export function checkVasa(c: Checker, path: string, value: unknown, lunNumbers: Set<number>): VasaConfig | undefined {
  const o = c.object(path, value, VASA_KEYS);
  if (!o) return undefined;
  const provider = c.string(at(path, 'provider'), o.provider, 'a VASA provider name');
  const pes = checkProtocolEndpoints(c, at(path, 'protocolEndpoints'), o.protocolEndpoints, lunNumbers);
  const containers = (c.list(at(path, 'containers'), o.containers) ?? []).map((raw, i) => checkContainer(c, at(at(path, 'containers'), i), raw));
  // "ESXi assumes every PE on an array serves all of that array's containers": each container needs a PE of its protocol.
  containers.forEach((container, i) => {
    if (container.protocol === undefined || pes.some((pe) => pe.protocol === container.protocol)) return;
    c.problem(at(at(at(path, 'containers'), i), 'protocol'), `this array has no ${container.protocol.toUpperCase()} protocol endpoint: add one to ${at(path, 'protocolEndpoints')}`);
  });
  return { provider: provider as string, protocolEndpoints: pes, containers };
}

function checkProtocolEndpoints(c: Checker, path: string, value: unknown, lunNumbers: Set<number>): ProtocolEndpointConfig[] {
  const luns = new Map<string, string>();
  const mounts = new Map<string, string>();
  return (c.list(path, value, true) ?? []).map((raw, i): ProtocolEndpointConfig => {
    const pePath = at(path, i);
    const protocol = typeof raw === 'object' && raw !== null ? (raw as { protocol?: unknown }).protocol : undefined;
    if (protocol === 'nfs') {
      const o = c.object(pePath, raw, NFS_PE_KEYS);
      const server = c.string(at(pePath, 'server'), o?.server, 'an IP address or host name like "192.168.50.10"', (s) => HOST_NAME.test(s));
      const share = c.string(at(pePath, 'share'), o?.share, 'an exported path like "/vvol-pe"', (s) => /^\/[\x21-\x7e]*$/.test(s));
      c.unique(mounts, server !== undefined && share !== undefined ? `${server}:${share}` : undefined, pePath, 'NFS protocol endpoint');
      const pe: NfsPeConfig = {
        protocol: 'nfs',
        server: server as string,
        share: share as string,
        latencyUs: c.number(at(pePath, 'latencyUs'), o?.latencyUs, 0) as number,
      };
      if (o?.version !== undefined) pe.version = c.oneOf(at(pePath, 'version'), o.version, ['NFSv3', 'NFSv4.1'] as const);
      return pe;
    }
    if (protocol !== 'scsi') {
      c.expected(at(pePath, 'protocol'), '"scsi" or "nfs"', protocol);
      return { protocol: 'scsi', lun: -1 };
    }
    const o = c.object(pePath, raw, SCSI_PE_KEYS);
    const lun = c.int(at(pePath, 'lun'), o?.lun, 0, MAX_PE_LUN);
    if (lun !== undefined && lunNumbers.has(lun)) c.problem(at(pePath, 'lun'), `LUN ${lun} is already a LUN of this array (luns): a protocol endpoint needs a LUN number of its own`);
    c.unique(luns, lun?.toString(), at(pePath, 'lun'), 'protocol endpoint LUN');
    return { protocol: 'scsi', lun: lun as number };
  });
}

function checkContainer(c: Checker, path: string, raw: unknown): StorageContainerConfig {
  const o = c.object(path, raw, CONTAINER_KEYS);
  if (!o) return { name: '', protocol: 'scsi', capacityGiB: 0, capabilities: {} };
  const container: StorageContainerConfig = {
    name: c.string(at(path, 'name'), o.name, 'a container name like "vvol-gold"', (s) => /^[\w.-]{1,64}$/.test(s)) as string,
    protocol: c.oneOf(at(path, 'protocol'), o.protocol, PROTOCOLS) as 'scsi' | 'nfs',
    capacityGiB: c.number(at(path, 'capacityGiB'), o.capacityGiB, 0, MAX_CAPACITY_GIB, true) as number,
    capabilities: checkCapabilities(c, at(path, 'capabilities'), o.capabilities),
  };
  if (o.spans !== undefined) container.spans = (c.list(at(path, 'spans'), o.spans) ?? []).map((v, i) => c.string(at(at(path, 'spans'), i), v, 'an array name') as string);
  return container;
}

function checkCapabilities(c: Checker, path: string, value: unknown): ContainerCapabilities {
  const o = c.object(path, value, CAPABILITY_KEYS);
  const caps: ContainerCapabilities = {};
  if (!o) return caps;
  if (o.snapshotsAllowed !== undefined) caps.snapshotsAllowed = c.bool(at(path, 'snapshotsAllowed'), o.snapshotsAllowed);
  if (o.snapshotRetention !== undefined) caps.snapshotRetention = c.int(at(path, 'snapshotRetention'), o.snapshotRetention, 1, MAX_SNAPSHOT_RETENTION);
  if (o.snapshotFrequencyMin !== undefined) {
    caps.snapshotFrequencyMin = (c.list(at(path, 'snapshotFrequencyMin'), o.snapshotFrequencyMin, true) ?? []).map(
      (v, i) => c.int(at(at(path, 'snapshotFrequencyMin'), i), v, 1, MAX_SNAPSHOT_FREQUENCY_MIN) as number,
    );
  }
  if (o.iopsLimit !== undefined) {
    const p = at(path, 'iopsLimit');
    const range = o.iopsLimit as number[];
    const ok = Array.isArray(range) && range.length === 2 && range.every((v) => Number.isSafeInteger(v) && v >= 1 && v <= MAX_IOPS_LIMIT);
    if (!ok) c.expected(p, `[lowest, highest]: two integers 1..${MAX_IOPS_LIMIT}`, o.iopsLimit);
    else if (range[0] > range[1]) c.problem(p, `the lowest limit ${range[0]} is above the highest ${range[1]}`);
    else caps.iopsLimit = [range[0], range[1]];
  }
  const choiceList = <T extends string>(key: 'replication' | 'provisioning', options: T[]): T[] | undefined => {
    if (o[key] === undefined) return undefined;
    const seen = new Map<string, string>();
    return (c.list(at(path, key), o[key], true) ?? []).map((v, i) => {
      const choice = c.oneOf(at(at(path, key), i), v, options);
      c.unique(seen, choice, at(at(path, key), i), key);
      return choice as T;
    });
  };
  const replication = choiceList('replication', REPLICATION);
  if (replication) caps.replication = replication;
  const provisioning = choiceList('provisioning', PROVISIONING);
  if (provisioning) caps.provisioning = provisioning;
  return caps;
}

/**
 * What links the arrays' vasa parts: container names unique across arrays; spanned arrays exist,
 * are other arrays of the same VASA provider, and have a protocol endpoint of the container's protocol.
 */
export function checkVasaLinks(c: Checker, arrays: { name: string; vasa?: VasaConfig }[]): void {
  const names = new Map<string, string>();
  arrays.forEach((array, a) => {
    array.vasa?.containers.forEach((container, i) => {
      const path = at(at(at(at('arrays', a), 'vasa'), 'containers'), i);
      c.unique(names, container.name || undefined, at(path, 'name'), 'storage container name');
      (container.spans ?? []).forEach((other, s) => {
        const p = at(at(path, 'spans'), s);
        const target = arrays.find((x) => x.name === other);
        if (!target) return c.problem(p, `no array named "${other}"`);
        if (target === array) return c.problem(p, `a container does not span its own array "${other}"`);
        if (!target.vasa) return c.problem(p, `array "${other}" has no vasa part: it serves no vVols`);
        if (target.vasa.provider !== array.vasa!.provider) {
          return c.problem(p, `array "${other}" belongs to VASA provider "${target.vasa.provider}", not "${array.vasa!.provider}"`);
        }
        if (!target.vasa.protocolEndpoints.some((pe) => pe.protocol === container.protocol)) {
          c.problem(p, `array "${other}" has no ${container.protocol.toUpperCase()} protocol endpoint to serve this container's vVols`);
        }
      });
    });
  });
}
