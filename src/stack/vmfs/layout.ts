// The on-disk format of a PathLab VMFS-6 volume. Everything lives in the LUN's own blocks, so both
// hosts see the same volume, it survives a reload on IndexedDB, and `pathlab sg` can read it.
// Every record that hosts race for fills exactly one logical block, so one COMPARE AND WRITE of
// one block (ATS) updates it atomically, whatever the block size (512 or 4096):
//
//   LBA 0                      volume header (magic, version, UUID, label, file block size, layout)
//   LBA 1 .. 32                heartbeat slots, one per host (owner UUID, mount generation, beat count)
//   LBA 33                     the resource lock (taken around every change of the block bitmap)
//   LBA 34 .. 34+127           file descriptors, each with its lock record at the start of its block
//   LBA 162 ..                 the bitmap of 1 MiB file blocks (1 = allocated)
//   file block dataStart ..    file data (the metadata above rounded up to whole file blocks)
//
// PathLab puts the volume at LBA 0 of the device, without a partition table (ESXi puts it in
// partition 1), and a file is one contiguous run of file blocks.
// Integers are little-endian, as VMFS writes them.

/** The VMFS-6 file system magic ("FS3" volumes), as VMFS stores it in its superblock. */
export const VMFS_MAGIC = 0x2fabf15e;
export const VMFS_MAJOR = 6;
export const VMFS_MINOR = 82;
/** File block size: VMFS-6 always uses 1 MiB. */
export const FILE_BLOCK = 1024 * 1024;
export const HEARTBEAT_SLOTS = 32;
export const MAX_FILES = 128;
export const HEADER_LBA = 0;
export const HEARTBEAT_LBA = 1;
export const RESOURCE_LOCK_LBA = HEARTBEAT_LBA + HEARTBEAT_SLOTS;
export const FD_LBA = RESOURCE_LOCK_LBA + 1;
export const BITMAP_LBA = FD_LBA + MAX_FILES;
/** The lock record's type, as `vmkfstools -D` prints it for a file descriptor's lock. */
export const LOCK_TYPE = 0x10c00001;
/** Heartbeat slot magic: in use, free (VMFS's HB magics). */
export const HB_MAGIC = 0xabcdef02;
export const HB_FREE = 0xabcdef01;
export const LABEL_BYTES = 64;
export const NAME_BYTES = 128;

export type LockMode = 'free' | 'exclusive' | 'read-only';
/** VMFS's numbers for lock modes, as -D prints them. */
export const LOCK_MODES: readonly LockMode[] = ['free', 'exclusive', 'read-only'];
export type DiskFormat = 'thin' | 'zeroedthick' | 'eagerzeroedthick';
export const DISK_FORMATS: readonly DiskFormat[] = ['thin', 'zeroedthick', 'eagerzeroedthick'];

export interface VolumeHeader {
  uuid: Uint8Array; // 16 bytes
  label: string;
  logicalBlockSize: number;
  /** File blocks in the volume (the device's capacity in whole MiB). */
  fileBlocks: number;
  bitmapBlocks: number;
  /** First file block that holds file data. */
  dataStart: number;
  createdUs: number;
}

export interface Heartbeat {
  magic: number;
  owner: Uint8Array;
  /** Changes each time a host mounts the volume: locks taken under an older one are stale. */
  mountGen: number;
  /** Increases on every heartbeat. */
  beat: number;
  /** Virtual time of the last beat, in µs. */
  stampUs: number;
}

export interface LockRecord {
  mode: LockMode;
  owner: Uint8Array;
  /** The owner's heartbeat slot, and its mount generation when it took the lock. */
  hbSlot: number;
  hbGen: number;
  /** Lock generation: increases on every change of the record (-D prints it as "v"). */
  version: number;
  /** Read-only holders (nHld). */
  holders: number;
  /** Virtual seconds at the last change. */
  mtime: number;
}

export interface FileRecord {
  inUse: boolean;
  name: string;
  format: DiskFormat;
  sizeBytes: number;
  firstBlock: number;
  blockCount: number;
  /** The descriptor's generation: increases every time the slot gets a new file. */
  gen: number;
}

const NIL_UUID = new Uint8Array(16);
export const nilUuid = (): Uint8Array => NIL_UUID.slice();
export const sameUuid = (a: Uint8Array, b: Uint8Array): boolean => a.every((x, i) => x === b[i]);
export const isNilUuid = (a: Uint8Array): boolean => a.every((x) => x === 0);

/** Bitmap blocks a volume of `fileBlocks` needs, and where its data starts (in file blocks). */
export function geometry(fileBlocks: number, blockSize: number): { bitmapBlocks: number; dataStart: number } {
  const bitmapBlocks = Math.max(1, Math.ceil(fileBlocks / 8 / blockSize));
  const metaBytes = (BITMAP_LBA + bitmapBlocks) * blockSize;
  return { bitmapBlocks, dataStart: Math.ceil(metaBytes / FILE_BLOCK) };
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const text = new TextEncoder();
const untext = new TextDecoder();

function putString(b: Uint8Array, at: number, length: number, s: string): void {
  b.fill(0, at, at + length);
  b.set(text.encode(s).subarray(0, length - 1), at);
}

function getString(b: Uint8Array, at: number, length: number): string {
  const raw = b.subarray(at, at + length);
  const end = raw.indexOf(0);
  return untext.decode(end < 0 ? raw : raw.subarray(0, end));
}

const putU64 = (v: DataView, at: number, x: number) => {
  v.setUint32(at, x >>> 0, true);
  v.setUint32(at + 4, Math.floor(x / 2 ** 32), true);
};
const getU64 = (v: DataView, at: number) => v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;

// ---- the volume header (LBA 0) ----

export function encodeHeader(h: VolumeHeader, blockSize: number): Uint8Array {
  const b = new Uint8Array(blockSize);
  const v = view(b);
  v.setUint32(0, VMFS_MAGIC, true);
  v.setUint32(4, VMFS_MAJOR, true);
  v.setUint32(8, VMFS_MINOR, true);
  b.set(h.uuid, 16);
  putString(b, 32, LABEL_BYTES, h.label);
  v.setUint32(96, FILE_BLOCK, true);
  v.setUint32(100, h.logicalBlockSize, true);
  v.setUint32(104, h.fileBlocks, true);
  v.setUint32(108, HEARTBEAT_LBA, true);
  v.setUint32(112, HEARTBEAT_SLOTS, true);
  v.setUint32(116, RESOURCE_LOCK_LBA, true);
  v.setUint32(120, FD_LBA, true);
  v.setUint32(124, MAX_FILES, true);
  v.setUint32(128, BITMAP_LBA, true);
  v.setUint32(132, h.bitmapBlocks, true);
  v.setUint32(136, h.dataStart, true);
  putU64(v, 144, h.createdUs);
  return b;
}

/** The header, or undefined when the block holds no PathLab VMFS-6 volume. */
export function decodeHeader(b: Uint8Array): VolumeHeader | undefined {
  if (b.length < 152) return undefined;
  const v = view(b);
  if (v.getUint32(0, true) !== VMFS_MAGIC || v.getUint32(4, true) !== VMFS_MAJOR) return undefined;
  return {
    uuid: b.slice(16, 32),
    label: getString(b, 32, LABEL_BYTES),
    logicalBlockSize: v.getUint32(100, true),
    fileBlocks: v.getUint32(104, true),
    bitmapBlocks: v.getUint32(132, true),
    dataStart: v.getUint32(136, true),
    createdUs: getU64(v, 144),
  };
}

/**
 * Why a decoded header cannot describe a volume on this device, or '' when it can: its block size,
 * its size and the bitmap and data start it derives must be the device's (a header written by hand
 * with sg could claim a bitmap larger than the LUN, which no host must try to read).
 */
export function headerMismatch(h: VolumeHeader, blockSize: number, capacityBytes: number): string {
  if (h.logicalBlockSize !== blockSize) return `its logical block size ${h.logicalBlockSize} is not the device's ${blockSize}`;
  const deviceFileBlocks = Math.floor(capacityBytes / FILE_BLOCK);
  if (h.fileBlocks < 1 || h.fileBlocks > deviceFileBlocks) return `it claims ${h.fileBlocks} file blocks, the device has ${deviceFileBlocks}`;
  const g = geometry(h.fileBlocks, blockSize);
  if (h.bitmapBlocks !== g.bitmapBlocks || h.dataStart !== g.dataStart) {
    return `its bitmap (${h.bitmapBlocks} blocks, data at file block ${h.dataStart}) does not fit ${h.fileBlocks} file blocks (${g.bitmapBlocks}, ${g.dataStart})`;
  }
  return '';
}

// ---- heartbeat slots ----

export function encodeHeartbeat(h: Heartbeat, blockSize: number): Uint8Array {
  const b = new Uint8Array(blockSize);
  const v = view(b);
  v.setUint32(0, h.magic, true);
  b.set(h.owner, 8);
  putU64(v, 24, h.mountGen);
  putU64(v, 32, h.beat);
  putU64(v, 40, h.stampUs);
  return b;
}

export function decodeHeartbeat(b: Uint8Array): Heartbeat {
  const v = view(b);
  return { magic: v.getUint32(0, true), owner: b.slice(8, 24), mountGen: getU64(v, 24), beat: getU64(v, 32), stampUs: getU64(v, 40) };
}

// ---- lock records (the resource lock, and the start of every file descriptor) ----

/** Writes a lock record into the first 64 bytes of a block image. */
export function putLock(b: Uint8Array, l: LockRecord): void {
  const v = view(b);
  v.setUint32(0, LOCK_TYPE, true);
  v.setUint32(4, LOCK_MODES.indexOf(l.mode), true);
  b.set(l.owner, 8);
  v.setUint32(24, l.hbSlot, true);
  putU64(v, 28, l.hbGen);
  v.setUint32(36, l.version, true);
  v.setUint32(40, l.holders, true);
  putU64(v, 44, l.mtime);
}

function getLock(b: Uint8Array): LockRecord {
  const v = view(b);
  return {
    mode: LOCK_MODES[v.getUint32(4, true)] ?? 'free',
    owner: b.slice(8, 24),
    hbSlot: v.getUint32(24, true),
    hbGen: getU64(v, 28),
    version: v.getUint32(36, true),
    holders: v.getUint32(40, true),
    mtime: getU64(v, 44),
  };
}

export const freeLock = (): LockRecord => ({ mode: 'free', owner: nilUuid(), hbSlot: 0, hbGen: 0, version: 0, holders: 0, mtime: 0 });

export function encodeLockBlock(l: LockRecord, blockSize: number): Uint8Array {
  const b = new Uint8Array(blockSize);
  putLock(b, l);
  return b;
}

export const decodeLockBlock = (b: Uint8Array): LockRecord => getLock(b);

// ---- file descriptors: the lock record, then the file (from byte 64) ----

export interface Descriptor {
  lock: LockRecord;
  file: FileRecord;
}

export const emptyFile = (): FileRecord => ({ inUse: false, name: '', format: 'thin', sizeBytes: 0, firstBlock: 0, blockCount: 0, gen: 0 });

export function encodeDescriptor(d: Descriptor, blockSize: number): Uint8Array {
  const b = new Uint8Array(blockSize);
  putLock(b, d.lock);
  const v = view(b);
  v.setUint8(64, d.file.inUse ? 1 : 0);
  v.setUint8(65, DISK_FORMATS.indexOf(d.file.format));
  v.setUint32(68, d.file.gen, true);
  putU64(v, 72, d.file.sizeBytes);
  v.setUint32(80, d.file.firstBlock, true);
  v.setUint32(84, d.file.blockCount, true);
  putString(b, 96, NAME_BYTES, d.file.name);
  return b;
}

export function decodeDescriptor(b: Uint8Array): Descriptor {
  const v = view(b);
  return {
    lock: getLock(b),
    file: {
      inUse: v.getUint8(64) === 1,
      format: DISK_FORMATS[v.getUint8(65)] ?? 'thin',
      gen: v.getUint32(68, true),
      sizeBytes: getU64(v, 72),
      firstBlock: v.getUint32(80, true),
      blockCount: v.getUint32(84, true),
      name: getString(b, 96, NAME_BYTES),
    },
  };
}

/** "5f1e3c2a-1b2c3d4e-5f60-005056a1b2c3": VMFS's way of printing a 16-byte UUID. */
export function formatUuid(u: Uint8Array): string {
  const h = Array.from(u, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
