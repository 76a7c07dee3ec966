// One host's VMFS driver: the volumes it has mounted, found by probing its devices (at start, after
// every adapter rescan and on `esxcli storage filesystem rescan`), and formatting. Each mounted volume
// heartbeats from this host. Everything else (files, locks, clones) works on a mounted Volume.

import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import { readBlocks, writeBlocks } from './disk-io';
import { claimSlot, freeHeartbeat, startHeartbeat } from './heartbeat';
import { hostName, volumeUuid } from './identity';
import {
  BITMAP_LBA, encodeDescriptor, encodeHeader, encodeLockBlock, emptyFile, FILE_BLOCK, formatUuid, freeLock, geometry,
  HEARTBEAT_SLOTS, LABEL_BYTES, MAX_FILES, type VolumeHeader,
} from './layout';
import { setBits } from './bitmap';
import { start, type Task } from './task';
import { probe, validHeader, Volume } from './volume';
import type { CloneReport } from './clone';

/** Smallest device VMFS-6 formats (ESXi refuses under 1.3 GB; PathLab's LUNs are all larger). */
const MIN_FILE_BLOCKS = 64;

export class Vmfs {
  readonly volumes = new Map<string, Volume>();
  lastClone: CloneReport | undefined;
  private readonly probing = new Set<string>();

  /** Whether a probe or a refresh started by a rescan is still out. */
  get busy(): boolean {
    return this.probing.size > 0;
  }

  constructor(readonly host: Host) {
    host.psa.topologyListeners.push(() => this.rescan());
  }

  /** The hosts this host knows by name (the scenario's), to name a lock's or a heartbeat's owner. */
  knownHosts(): Host[] {
    return this.host.hosts();
  }

  /** A mounted volume by label or UUID. */
  volume(nameOrUuid: string): Volume | undefined {
    return [...this.volumes.values()].find((v) => v.label === nameOrUuid || v.uuid === nameOrUuid);
  }

  volumeOn(device: LogicalDevice): Volume | undefined {
    return [...this.volumes.values()].find((v) => v.device === device);
  }

  /**
   * Probes every device not yet mounted and mounts what holds VMFS; drops volumes whose device has
   * gone; re-reads the files of those mounted. Runs in virtual time (returns at once).
   */
  rescan(): void {
    for (const vol of [...this.volumes.values()]) {
      if (this.host.psa.device(vol.device.id) !== vol.device) this.unmount(vol);
    }
    for (const device of this.host.psa.devices.values()) {
      if (this.probing.has(device.id) || device.blocks === 0) continue;
      const mounted = this.volumeOn(device);
      this.probing.add(device.id);
      start(mounted ? mounted.refresh() : this.probeAndMount(device), (error) => {
        this.probing.delete(device.id);
        if (error) this.host.log(`FS3: probing ${device.id} failed: ${error.message}`);
      });
    }
  }

  private *probeAndMount(device: LogicalDevice): Task<void> {
    const header = yield* probe(this.host, device);
    if (header && !this.volumeOn(device) && !this.volumes.has(formatUuid(header.uuid))) yield* this.mount(device, header);
  }

  *mount(device: LogicalDevice, header: VolumeHeader): Task<Volume> {
    const vol = new Volume(this.host, device, header, () => this.knownHosts());
    yield* claimSlot(this.host, vol);
    yield* vol.refresh();
    this.volumes.set(vol.uuid, vol);
    startHeartbeat(this.host, vol);
    this.host.log(`FS3: mounted VMFS-6 volume ${vol.label} (${vol.uuid}) on ${device.id}, heartbeat slot ${vol.slot}`);
    return vol;
  }

  unmount(vol: Volume): void {
    vol.mounted = false;
    this.volumes.delete(vol.uuid);
    this.host.log(`FS3: unmounted ${vol.label} (${vol.uuid}): its device is gone`);
  }

  /** vmkfstools -C vmfs6: writes a new volume on the device and mounts it. */
  *format(device: LogicalDevice, label: string): Task<Volume> {
    const host = this.host;
    if (label === '' || new TextEncoder().encode(label).length >= LABEL_BYTES) throw new Error(`the volume label must be 1..${LABEL_BYTES - 1} bytes`);
    if (this.volume(label)) throw new Error(`a volume named "${label}" is already mounted on this host`);
    const bs = device.blockSize;
    const fileBlocks = Math.floor(device.capacityBytes / FILE_BLOCK);
    const { bitmapBlocks, dataStart } = geometry(fileBlocks, bs);
    if (fileBlocks < dataStart + MIN_FILE_BLOCKS) throw new Error(`${device.id} is too small for VMFS-6 (${device.capacityBytes} bytes)`);
    const existing = validHeader(host, device, yield* readBlocks(host, device, 0, 1));
    if (existing) {
      throw new Error(`${device.id} already holds the VMFS-6 volume "${existing.label}" (${formatUuid(existing.uuid)}): PathLab does not format over a volume; delete it on the array first`);
    }
    const header: VolumeHeader = {
      uuid: volumeUuid(host, device.id, label), label, logicalBlockSize: bs, fileBlocks, bitmapBlocks, dataStart, createdUs: Math.floor(host.clock.now),
    };
    // Everything up to the bitmap's end in one image: header, free heartbeats, free resource lock,
    // empty descriptors, and the bitmap with the metadata's own file blocks allocated.
    const meta = new Uint8Array((BITMAP_LBA + bitmapBlocks) * bs);
    meta.set(encodeHeader(header, bs), 0);
    for (let i = 0; i < HEARTBEAT_SLOTS; i++) meta.set(freeHeartbeat(bs), (1 + i) * bs);
    meta.set(encodeLockBlock(freeLock(), bs), (1 + HEARTBEAT_SLOTS) * bs);
    for (let i = 0; i < MAX_FILES; i++) meta.set(encodeDescriptor({ lock: freeLock(), file: emptyFile() }, bs), (2 + HEARTBEAT_SLOTS + i) * bs);
    const bitmap = meta.subarray(BITMAP_LBA * bs);
    setBits(bitmap, 0, dataStart, true);
    // The header goes last: until it is written, no host takes the device for a volume.
    yield* writeBlocks(host, device, 1, meta.subarray(bs), true);
    yield* writeBlocks(host, device, 0, meta.subarray(0, bs), true);
    host.log(`FS3: ${hostName(host)} created VMFS-6 volume ${label} (${formatUuid(header.uuid)}) on ${device.id}`);
    return yield* this.mount(device, header);
  }
}

const registry = new WeakMap<Host, Vmfs>();

/** The host's VMFS driver, created (and its devices probed) on first use. */
export function vmfsOf(host: Host): Vmfs {
  let v = registry.get(host);
  if (!v) {
    registry.set(host, (v = new Vmfs(host)));
    v.rescan();
  }
  return v;
}

/**
 * Mounts what the host's devices hold, as ESXi does at boot: starts the VMFS driver and lets virtual
 * time run until every probe has answered (the probes of a driver already running, too).
 */
export async function mountVolumes(host: Host): Promise<Vmfs> {
  const v = vmfsOf(host);
  for (let waited = 0; v.busy && waited < PROBE_LIMIT_US; waited += PROBE_STEP_US) await host.advance(PROBE_STEP_US);
  return v;
}

const PROBE_STEP_US = 1000;
/** A device that has not answered its probe in this long is left to the probe's own timeout. */
const PROBE_LIMIT_US = 60 * 1e6;

/** The host's VMFS driver if it has run; never creates one (so looking never probes a device). */
export function existingVmfs(host: Host): Vmfs | undefined {
  return registry.get(host);
}
