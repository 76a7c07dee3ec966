// The scenario's VMFS datastores as its hosts see them together, for the page's Datastores view and
// the lessons' goals: each volume once (label, device, size, free), its files with their locks, and
// per host that mounts it: its heartbeat, its VAAI counters on the volume's device, its last clone.
// Read from the hosts' memory only: nothing here sends a command or mounts a volume, so looking
// never changes a counter or the virtual clock (a host whose VMFS driver never ran shows nothing).
//
// A file's lock is the newest record any host has read or written: every change of a lock record
// raises its version and is made by a host that keeps what it wrote, so the highest version is
// what is on disk. That shows the holder on every host's line, even on one that last read the file
// while it was free.

import type { Host } from '../host';
import type { CloneReport } from './clone';
import { allVaaiCounters, type VaaiCounters } from './disk-io';
import { LEASE_US } from './heartbeat';
import { FILE_BLOCK, isNilUuid, type LockMode, type LockRecord } from './layout';
import type { FileEntry, Volume } from './volume';
import { existingVmfs } from './vmfs';

export interface SharedFileView {
  name: string;
  sizeBytes: number;
  format: string;
  lockMode: LockMode;
  /** The holder's host name ("esxi02.pathlab.local"), else "mac address ..." from its UUID; '' when free. */
  lockHolder: string;
  /** The lock record's version (-D's "v"). */
  lockVersion: number;
}

export interface MountView {
  host: string;
  /** False once the host has crashed: its heartbeat and locks stay on disk as it left them. */
  hostUp: boolean;
  heartbeatSlot: number;
  /** The slot's beat count, and when this host last wrote it (virtual µs). */
  beat: number;
  lastBeatUs: number;
  /** live: beating; stopped: the host is down, its locks not yet stale; stale: silent past the lease. */
  heartbeat: 'live' | 'stopped' | 'stale';
  /** This host's VAAI counters on the volume's device (esxtop's ATS, ATSF, CLONE_RD, ...). */
  vaai: VaaiCounters;
}

export interface SharedDatastoreView {
  label: string;
  uuid: string;
  device: string;
  sizeBytes: number;
  freeBytes: number;
  files: SharedFileView[];
  mounts: MountView[];
}

export interface HostCloneView {
  host: string;
  clone: CloneReport;
}

const NO_COUNTERS: VaaiCounters = { ats: 0, atsf: 0, cloneRd: 0, cloneWr: 0, cloneF: 0, zero: 0, zeroF: 0 };

/** Every host of the scenario, the learner's first, whichever host asks. */
export const scenarioHosts = (host: Host): Host[] => host.hosts();

/** Every volume mounted by some host of the scenario, with what each host knows of it. */
export function sharedDatastores(host: Host): SharedDatastoreView[] {
  const byUuid = new Map<string, { host: Host; vol: Volume }[]>();
  for (const h of scenarioHosts(host)) {
    for (const vol of existingVmfs(h)?.volumes.values() ?? []) {
      const list = byUuid.get(vol.uuid) ?? [];
      list.push({ host: h, vol });
      byUuid.set(vol.uuid, list);
    }
  }
  return [...byUuid.values()].map((mounts) => {
    const first = mounts[0].vol;
    return {
      label: first.label,
      uuid: first.uuid,
      device: first.device.id,
      sizeBytes: first.sizeBytes,
      freeBytes: Math.min(...mounts.map((m) => m.vol.freeFileBlocks)) * FILE_BLOCK,
      files: filesOf(mounts.map((m) => m.vol)),
      mounts: mounts.map(({ host: h, vol }) => mountOf(h, vol)),
    };
  });
}

/** The files in use, each with the newest lock record any of the hosts has of it. */
function filesOf(vols: Volume[]): SharedFileView[] {
  const newest = new Map<number, { vol: Volume; entry: FileEntry }>();
  for (const vol of vols) {
    for (const entry of vol.files) {
      if (!entry.file.inUse) continue;
      const seen = newest.get(entry.index);
      // A newer file in the slot (higher gen) wins, then the newer lock record.
      if (!seen || entry.file.gen > seen.entry.file.gen || (entry.file.gen === seen.entry.file.gen && entry.lock.version > seen.entry.lock.version)) {
        newest.set(entry.index, { vol, entry });
      }
    }
  }
  return [...newest.values()]
    .sort((a, b) => a.entry.index - b.entry.index)
    .map(({ vol, entry }) => ({
      name: entry.file.name,
      sizeBytes: entry.file.sizeBytes,
      format: entry.file.format,
      lockMode: entry.lock.mode,
      lockHolder: holderName(vol, entry.lock),
      lockVersion: entry.lock.version,
    }));
}

export function holderName(vol: Volume, lock: LockRecord): string {
  if (lock.mode === 'free' || isNilUuid(lock.owner)) return '';
  return vol.ownerName(lock.owner);
}

function mountOf(host: Host, vol: Volume): MountView {
  const silentUs = host.clock.now - vol.heartbeat.stampUs;
  return {
    host: host.name,
    hostUp: host.up,
    heartbeatSlot: vol.slot,
    beat: vol.heartbeat.beat,
    lastBeatUs: vol.heartbeat.stampUs,
    heartbeat: host.up && vol.mounted ? 'live' : silentUs >= LEASE_US ? 'stale' : 'stopped',
    vaai: { ...(allVaaiCounters(host).get(vol.device.id) ?? NO_COUNTERS) },
  };
}

/** Each host's last clone (`vmkfstools -i`), for the hosts that made one. */
export function lastClones(host: Host): HostCloneView[] {
  return scenarioHosts(host).flatMap((h) => {
    const clone = existingVmfs(h)?.lastClone;
    return clone ? [{ host: h.name, clone: { ...clone } }] : [];
  });
}
