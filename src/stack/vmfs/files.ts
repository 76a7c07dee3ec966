// Files on a volume: creating one (blocks allocated under the resource lock, then the descriptor
// written with ATS), zeroing an eager-zeroed disk (WRITE SAME when the device offers Zero and
// /DataMover/HardwareAcceleratedInit is 1, else the host writes zeros), deleting one (under its own
// exclusive lock, so a file open elsewhere cannot go), and opening one under its on-disk lock.

import type { Host } from '../host';
import { vaaiStatus } from '../cli/esxcli/vaai';
import { settingValue } from './advanced-settings';
import { ats, readBlocks, writeBlocks, writeSameZero } from './disk-io';
import {
  BITMAP_LBA, decodeDescriptor, decodeLockBlock, encodeDescriptor, emptyFile, FILE_BLOCK, freeLock, MAX_FILES, NAME_BYTES,
  RESOURCE_LOCK_LBA, type DiskFormat, type FileRecord, type LockMode,
} from './layout';
import { setBits, findFreeRun } from './bitmap';
import { acquire, release } from './locks';
import type { Task } from './task';
import type { FileEntry, Volume } from './volume';

/** Bytes the host writes per command when it zeroes without WRITE SAME. */
const HOST_ZERO_CHUNK = FILE_BLOCK;
/** The arrays' MAXIMUM WRITE SAME LENGTH, in bytes. */
const WRITE_SAME_CHUNK = 32 * FILE_BLOCK;

/** A file name as PathLab's flat volumes take it: NAME.vmdk, no directories. */
export function checkFileName(name: string): void {
  if (!/^[\w.+-]+\.vmdk$/.test(name)) throw new Error(`"${name}" is not a disk name PathLab takes: NAME.vmdk (letters, digits, . _ - +), without directories`);
  if (new TextEncoder().encode(name).length >= NAME_BYTES) throw new Error(`"${name}" is longer than ${NAME_BYTES - 1} bytes`);
}

const decodeFdLock = (image: Uint8Array) => decodeDescriptor(image).lock;
const decodeResource = (image: Uint8Array) => decodeLockBlock(image);

/** How long a host waits for the resource lock while another live host holds it. */
export const RESOURCE_LOCK_PATIENCE_US = 30_000_000;

/**
 * Runs `work` under the volume's resource lock (the allocation lock), releasing it whatever happens.
 * Another host holds it for milliseconds: this host waits and retries (bounded), as VMFS does.
 */
function* underResourceLock<T>(host: Host, vol: Volume, work: () => Task<T>): Task<T> {
  yield* acquire(host, vol, RESOURCE_LOCK_LBA, 'exclusive', `the resource lock of ${vol.label}`, decodeResource, undefined, { patienceUs: RESOURCE_LOCK_PATIENCE_US });
  try {
    return yield* work();
  } finally {
    yield* release(host, vol, RESOURCE_LOCK_LBA, decodeResource);
  }
}

/** How an eager-zeroed disk was zeroed. */
export interface Zeroing {
  offload: boolean;
  commands: number;
}

/**
 * Creates NAME on the volume: `sizeBytes` rounded up to whole file blocks, one contiguous run. An
 * eager-zeroed disk is zeroed unless `zero` is false (a clone's destination: the copy writes every block).
 */
export function* createFile(host: Host, vol: Volume, name: string, sizeBytes: number, format: DiskFormat, zero = true): Task<FileEntry & { zeroing?: Zeroing }> {
  checkFileName(name);
  const blocks = Math.ceil(sizeBytes / FILE_BLOCK);
  const bs = vol.blockSize;
  // Refused from what this host knows before any lock is taken: a refusal writes nothing.
  yield* vol.refresh();
  if (vol.file(name)) throw new Error(`File ${name} already exists on ${vol.label}`);
  if (blocks > vol.freeFileBlocks) throw new Error(noSpace(vol, name, blocks));
  const entry = yield* underResourceLock(host, vol, function* () {
    yield* vol.refresh();
    if (vol.file(name)) throw new Error(`File ${name} already exists on ${vol.label}`);
    const free = vol.files.find((f) => !f.file.inUse);
    if (!free) throw new Error(`${vol.label} has no free file descriptor (at most ${MAX_FILES} files)`);
    const bitmap = yield* readBlocks(host, vol.device, BITMAP_LBA, vol.header.bitmapBlocks);
    const first = findFreeRun(bitmap, vol.header.fileBlocks, vol.header.dataStart, blocks);
    if (first < 0) throw new Error(noSpace(vol, name, blocks));
    setBits(bitmap, first, blocks, true);
    const file: FileRecord = { inUse: true, name, format, sizeBytes, firstBlock: first, blockCount: blocks, gen: free.file.gen + 1 };
    const before = encodeDescriptor({ lock: free.lock, file: free.file }, bs);
    const after = encodeDescriptor({ lock: { ...free.lock }, file }, bs);
    // The descriptor first (ATS: only if the slot is still what we read), then the bitmap.
    if (!(yield* ats(host, vol.device, vol.fdLba(free.index), before, after))) throw new Error(`the descriptor slot of ${name} changed under this host: try again`);
    yield* writeBlocks(host, vol.device, BITMAP_LBA, bitmap, true);
    yield* vol.refresh();
    return vol.file(name)!;
  });
  if (format === 'eagerzeroedthick' && zero) return { ...entry, zeroing: yield* zeroFile(host, vol, entry) };
  return entry;
}

function* zeroFile(host: Host, vol: Volume, entry: FileEntry): Task<Zeroing> {
  const file = entry.file;
  yield* openFile(host, vol, file.name, 'exclusive');
  try {
    const offload = settingValue(host, '/DataMover/HardwareAcceleratedInit') === 1 && vaaiStatus(vol.device).zero === 'supported';
    const total = file.blockCount * FILE_BLOCK;
    const chunk = offload ? WRITE_SAME_CHUNK : HOST_ZERO_CHUNK;
    let commands = 0;
    for (let at = 0; at < total; at += chunk, commands++) {
      const bytes = Math.min(chunk, total - at);
      const lba = vol.lbaOf(file.firstBlock) + at / vol.blockSize;
      if (offload) yield* writeSameZero(host, vol.device, lba, bytes / vol.blockSize);
      else yield* writeBlocks(host, vol.device, lba, new Uint8Array(bytes));
    }
    return { offload, commands };
  } finally {
    yield* closeFile(host, vol, entry.index);
  }
}

/** Opens NAME under its lock; returns the descriptor image this host wrote. */
export function* openFile(host: Host, vol: Volume, name: string, mode: Exclude<LockMode, 'free'>, expectGen?: number): Task<Uint8Array> {
  const entry = vol.file(name);
  if (!entry) throw new Error(`${fileNotFound(vol, name)}`);
  const what = `/vmfs/volumes/${vol.label}/${name}`;
  const image = yield* acquire(host, vol, vol.fdLba(entry.index), mode, what, decodeFdLock, (current) => {
    const file = decodeDescriptor(current).file;
    if (!file.inUse || file.name !== name || (expectGen !== undefined && file.gen !== expectGen)) throw new Error(`${what} was deleted or replaced by another host`);
  });
  entry.lock = decodeDescriptor(image).lock;
  return image;
}

export function* closeFile(host: Host, vol: Volume, index: number): Task<void> {
  yield* release(host, vol, vol.fdLba(index), decodeFdLock);
  const entry = vol.files[index];
  if (entry) entry.lock = decodeDescriptor(yield* readBlocks(host, vol.device, vol.fdLba(index), 1)).lock;
}

/** Deletes NAME: its exclusive lock first (refused while another live host has it open), then its blocks. */
export function* deleteFile(host: Host, vol: Volume, name: string): Task<void> {
  yield* vol.refresh();
  const entry = vol.file(name);
  if (!entry) throw new Error(fileNotFound(vol, name));
  const locked = yield* openFile(host, vol, name, 'exclusive');
  const bs = vol.blockSize;
  let deleted = false;
  try {
    yield* underResourceLock(host, vol, function* () {
      // The descriptor goes first: blocks freed in the bitmap while a file still names them could be
      // given to another file. A miscompare here leaves both as they were.
      const cleared = encodeDescriptor({ lock: { ...freeLock(), version: decodeFdLock(locked).version + 1 }, file: { ...emptyFile(), gen: entry.file.gen } }, bs);
      if (!(yield* ats(host, vol.device, vol.fdLba(entry.index), locked, cleared))) throw new Error(`${name} changed while it was being deleted`);
      deleted = true;
      const bitmap = yield* readBlocks(host, vol.device, BITMAP_LBA, vol.header.bitmapBlocks);
      setBits(bitmap, entry.file.firstBlock, entry.file.blockCount, false);
      yield* writeBlocks(host, vol.device, BITMAP_LBA, bitmap, true);
      yield* vol.refresh();
    });
  } finally {
    // Clearing the descriptor freed its lock with it; a delete that stopped before must not leave
    // the file locked by this host (every later open here would be refused).
    if (!deleted) yield* closeFile(host, vol, entry.index);
  }
}

function noSpace(vol: Volume, name: string, blocks: number): string {
  return `Failed to create virtual disk: There is not enough space on the file system for the selected operation (${name} needs ${blocks} MB in one run, ${vol.label} has ${vol.freeFileBlocks} MB free)`;
}

export function fileNotFound(vol: Volume, name: string): string {
  const names = vol.files.filter((f) => f.file.inUse).map((f) => f.file.name);
  return `File /vmfs/volumes/${vol.label}/${name} does not exist (files on ${vol.label}: ${names.length ? names.join(', ') : 'none'})`;
}
