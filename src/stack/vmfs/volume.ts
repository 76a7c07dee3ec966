// A VMFS volume as one host has it mounted: its header, this host's heartbeat slot, and a cache of
// its file descriptors. The cache is re-read after this host changes the volume, on a rescan, and
// whenever the resource lock's generation has moved (another host allocated or freed blocks): the
// heartbeat reads that one block every beat, as VMFS re-validates its cached metadata by lock versions.

import type { Host } from '../host';
import type { LogicalDevice } from '../psa/device';
import { readBlocks } from './disk-io';
import { hostName, hostUuid, macText } from './identity';
import {
  BITMAP_LBA, decodeDescriptor, decodeHeader, decodeLockBlock, headerMismatch, FD_LBA, FILE_BLOCK, formatUuid, HEADER_LBA, MAX_FILES,
  RESOURCE_LOCK_LBA, sameUuid, type Descriptor, type Heartbeat, type VolumeHeader,
} from './layout';
import { freeBlocks } from './bitmap';
import type { Task } from './task';

export interface FileEntry extends Descriptor {
  /** Index of the descriptor (its block is FD_LBA + index). */
  index: number;
}

export class Volume {
  mounted = true;
  slot = 0;
  heartbeat!: Heartbeat;
  heartbeatImage!: Uint8Array;
  files: FileEntry[] = [];
  freeFileBlocks = 0;
  /** The resource lock's generation when the file cache was last read. */
  private seenResourceVersion = -1;

  constructor(
    readonly host: Host,
    readonly device: LogicalDevice,
    readonly header: VolumeHeader,
    /** Names of the hosts this host knows (its peers), by UUID text, for messages. */
    private readonly knownHosts: () => Host[],
  ) {}

  get uuid(): string {
    return formatUuid(this.header.uuid);
  }

  get label(): string {
    return this.header.label;
  }

  get blockSize(): number {
    return this.device.blockSize;
  }

  /** LBA of the first logical block of file block `fileBlock`. */
  lbaOf(fileBlock: number): number {
    return (fileBlock * FILE_BLOCK) / this.blockSize;
  }

  fdLba(index: number): number {
    return FD_LBA + index;
  }

  file(name: string): FileEntry | undefined {
    return this.files.find((f) => f.file.inUse && f.file.name === name);
  }

  get sizeBytes(): number {
    return this.header.fileBlocks * FILE_BLOCK;
  }

  /**
   * A lock owner as ESXi prints it, by the MAC address inside its UUID (all the disk knows), with
   * the host's name after it when it is a host of this scenario.
   */
  hostNameOf(uuid: Uint8Array): string {
    const known = this.knownHosts().find((h) => sameUuid(hostUuid(h), uuid));
    const mac = `host having mac address ${macText(uuid.subarray(10, 16))}`;
    return known ? `${mac} (${hostName(known)})` : mac;
  }

  /** An owner for a table: the scenario host's name, else "mac address ..." from its UUID. */
  ownerName(uuid: Uint8Array): string {
    const known = this.knownHosts().find((h) => sameUuid(hostUuid(h), uuid));
    return known ? hostName(known) : `mac address ${macText(uuid.subarray(10, 16))}`;
  }

  /** Re-reads the descriptors and the bitmap into the cache. */
  *refresh(): Task<void> {
    const bs = this.blockSize;
    const lockImage = yield* readBlocks(this.host, this.device, RESOURCE_LOCK_LBA, 1);
    const fds = yield* readBlocks(this.host, this.device, FD_LBA, MAX_FILES);
    const bitmap = yield* readBlocks(this.host, this.device, BITMAP_LBA, this.header.bitmapBlocks);
    this.files = Array.from({ length: MAX_FILES }, (_, i) => ({ index: i, ...decodeDescriptor(fds.subarray(i * bs, (i + 1) * bs)) }));
    this.freeFileBlocks = freeBlocks(bitmap, this.header.fileBlocks);
    this.seenResourceVersion = decodeLockBlock(lockImage).version;
  }

  /** After each heartbeat: one block tells whether another host changed the volume's files. */
  *afterBeat(): Task<void> {
    const lock = decodeLockBlock(yield* readBlocks(this.host, this.device, RESOURCE_LOCK_LBA, 1));
    if (lock.version !== this.seenResourceVersion) yield* this.refresh();
  }
}

/** The volume header on a device, or undefined when it holds no VMFS (or a header that does not fit the device). */
export function* probe(host: Host, device: LogicalDevice): Task<VolumeHeader | undefined> {
  return validHeader(host, device, yield* readBlocks(host, device, HEADER_LBA, 1));
}

/** The header in a block read from the device, when it is one that fits the device; an inconsistent one is logged. */
export function validHeader(host: Host, device: LogicalDevice, block: Uint8Array): VolumeHeader | undefined {
  const header = decodeHeader(block);
  if (!header) return undefined;
  const mismatch = headerMismatch(header, device.blockSize, device.capacityBytes);
  if (mismatch === '') return header;
  host.log(`FS3: ${device.id} has a VMFS-6 header that is not a valid volume (${mismatch}): not mounted`);
  return undefined;
}
