// Virtual volumes on a host: one daemon per host, made on first use from the scenario's vVol
// arrays (so hosts without vVols pay nothing). Everything vVol (the console's `vvol` commands,
// esxcli storage vvol, fio on a vVol VM) goes through it.

import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import { VvolDaemon } from './vvold';

const daemons = new WeakMap<Host, VvolDaemon>();

export function vvols(host: Host): VvolDaemon {
  // One daemon drives each vVol array's provider; a peer's would take the arrays over from the
  // learner's host. PathLab models vVols from the learner's host only.
  if (host.isPeer) throw new Error(`vVols are managed from the learner's host in PathLab, not from ${host.name}`);
  let daemon = daemons.get(host);
  if (!daemon) daemons.set(host, (daemon = new VvolDaemon(host)));
  return daemon;
}

/** The host's vVol daemon if something has made it already, else undefined (makes nothing: read-only views). */
export function existingVvols(host: Host): VvolDaemon | undefined {
  return daemons.get(host);
}

/** Whether the host has a vVol VM of this name (without making the daemon for a host that has none). */
export function hasVvolVm(host: Host, name: string): boolean {
  return daemons.get(host)?.vms.has(name) ?? false;
}

/** A device only vVols use (an NFS protocol endpoint's mount), by id. */
export function vvolDevice(host: Host, id: string): LogicalDevice | undefined {
  const daemon = daemons.get(host);
  if (!daemon) return undefined;
  for (const mount of daemon.mounts.values()) if (mount.device.id === id) return mount.device;
  return undefined;
}

export { VvolDaemon } from './vvold';
