// Finding what a command names: devices by any identifier, paths by runtime name or UID. Masked
// paths (owned by MASK_PATH) are invisible to every listing, as on ESXi.

import type { Host } from '../../host';
import type { NmpDevice } from '../../nmp/nmp-device';
import type { LogicalDevice } from '../../psa/device';
import type { PathImpl } from '../../psa/path';
import { EsxcliError } from './command';

export const MASK_PATH = 'MASK_PATH';

export function visiblePaths(host: Host): PathImpl[] {
  return host.psa.paths.filter((p) => p.owner !== MASK_PATH);
}

export function findPath(host: Host, name: string): PathImpl | undefined {
  return visiblePaths(host).find((p) => p.name === name || p.uid === name);
}

export function requirePath(host: Host, name: string): PathImpl {
  const path = findPath(host, name);
  if (!path) throw new EsxcliError(`Unable to find path ${name}: no path with that runtime name or UID`);
  return path;
}

export function requireDevice(host: Host, id: string): LogicalDevice {
  const device = host.psa.device(id);
  if (!device) throw new EsxcliError(`Unknown device ${id}`);
  return device;
}

export function requireNmpDevice(host: Host, id: string): NmpDevice {
  const device = host.nmp.device(id);
  if (!device) {
    if (host.psa.device(id)) throw new EsxcliError(`Device ${id} is not claimed by NMP`);
    throw new EsxcliError(`Unknown device ${id}`);
  }
  return device;
}

/** The display name of the device behind a path (unclaimed paths have none). */
export function deviceOfPath(host: Host, path: PathImpl): LogicalDevice | undefined {
  return path.owner ? host.psa.devices.get(path.identity.deviceId) : undefined;
}

/** The Fixed PSP's preferred path: the one set with deviceconfig set, else the one it chose at boot. */
export function fixedPreferred(d: NmpDevice): string | undefined {
  return d.paths.find((p) => p.preferred)?.name ?? ((d.pspView.state as { defacto?: string }).defacto || undefined);
}
