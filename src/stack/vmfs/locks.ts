// On-disk locks, taken and released with ATS on the block that holds the lock record (a file
// descriptor, or the resource lock). Read the block; if the lock is free, COMPARE AND WRITE the
// image just read against the same image with this host as owner. A MISCOMPARE means another host
// changed the block first: read again and decide again. A lock held by another host is judged by its
// holder's heartbeat (heartbeat.ts): alive, the lock is refused; stale after the lease, it is broken
// (ATS again, against the stale image) and the breaking is logged.

import type { Host } from '../host';
import { ats, readBlocks } from './disk-io';
import { holderAlive } from './heartbeat';
import { hostUuid } from './identity';
import { formatUuid, LOCK_TYPE, nilUuid, putLock, sameUuid, type LockMode, type LockRecord } from './layout';
import { sleep, type Task } from './task';
import type { Volume } from './volume';

/** A lock that could not be taken; the message is what the console shows. */
export class LockError extends Error {}

const ATTEMPTS = 8;

/** The block image with its lock record replaced (the rest of the block is kept). */
function withLock(image: Uint8Array, lock: LockRecord): Uint8Array {
  const next = image.slice();
  putLock(next, lock);
  return next;
}

/** Who holds a lock, in the words ESXi uses when it refuses one. */
export function holderText(vol: Volume, lock: LockRecord): string {
  return `${vol.hostNameOf(lock.owner)} (owner ${formatUuid(lock.owner)})`;
}

/**
 * How long a host waits for a lock another live host holds before it gives up, or 0 to refuse at
 * once. A file lock is held for as long as the file is open: refused at once. The resource lock is
 * held for the few commands of an allocation: waited for, as VMFS retries it.
 */
export interface LockWait {
  patienceUs: number;
}

/** First and longest pause between two tries of a busy lock (doubling in between). */
const RETRY_FIRST_US = 1000;
const RETRY_MAX_US = 100_000;
/** A record unchanged this long has its holder's heartbeat checked (a dead holder never frees it). */
const STUCK_US = 1_000_000;

/**
 * Takes the lock in block `lba` in `mode`; `decode` reads the lock record from the block, `check`
 * may refuse the block's current contents (a file that was deleted meanwhile). Returns the image
 * written (what this host now believes is on disk).
 */
export function* acquire(
  host: Host,
  vol: Volume,
  lba: number,
  mode: Exclude<LockMode, 'free'>,
  what: string,
  decode: (image: Uint8Array) => LockRecord,
  check: (image: Uint8Array) => void = () => {},
  patience: LockWait = { patienceUs: 0 },
): Task<Uint8Array> {
  const me = hostUuid(host);
  const started = host.clock.now;
  let retryUs = RETRY_FIRST_US;
  let seen: { version: number; since: number } | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; ) {
    const image = yield* readBlocks(host, vol.device, lba, 1);
    check(image);
    const lock = decode(image);
    const mine = (holders: number): LockRecord => ({
      mode, owner: me, hbSlot: vol.slot, hbGen: vol.heartbeat.mountGen, version: lock.version + 1, holders, mtime: Math.floor(host.clock.now / 1e6),
    });
    if (lock.mode === 'free' || (mode === 'read-only' && lock.mode === 'read-only')) {
      const next = withLock(image, mine(mode === 'read-only' ? lock.holders + 1 : 0));
      if (yield* ats(host, vol.device, lba, image, next)) return next;
      attempt++;
      continue; // another host changed the block first
    }
    if (sameUuid(lock.owner, me) && lock.hbGen === vol.heartbeat.mountGen) {
      throw new LockError(`Failed to lock the file: ${what} is already open in ${lock.mode} mode on this host`);
    }
    const waited = host.clock.now - started;
    if (!seen || seen.version !== lock.version) seen = { version: lock.version, since: host.clock.now };
    // A busy lock that keeps changing, or has not been held long: try again shortly.
    if (waited < patience.patienceUs && host.clock.now - seen.since < STUCK_US) {
      yield* sleep(host, retryUs);
      retryUs = Math.min(RETRY_MAX_US, retryUs * 2);
      continue;
    }
    const alive = yield* holderAlive(host, vol, lock.hbSlot, lock.owner, lock.hbGen);
    if (alive) {
      if (host.clock.now - started < patience.patienceUs) {
        seen = undefined;
        continue;
      }
      const held = patience.patienceUs > 0 ? ` (still held after ${Math.round(patience.patienceUs / 1e6)} s)` : '';
      throw new LockError(`Failed to lock the file: ${what} is locked in ${lock.mode} mode by ${holderText(vol, lock)}${held}`);
    }
    const next = withLock(image, mine(mode === 'read-only' ? 1 : 0));
    if (yield* ats(host, vol.device, lba, image, next)) {
      host.log(`FS3: Breaking stale lock [type ${LOCK_TYPE.toString(16)} offset ${lba * vol.device.blockSize} v ${lock.version}] on ${what} held by ${formatUuid(lock.owner)}: its heartbeat has not moved for the lease time`);
      return next;
    }
    attempt++;
  }
  throw new LockError(`Failed to lock the file: ${what} kept changing under this host (${ATTEMPTS} attempts)`);
}

/** Releases this host's hold on the lock in block `lba` (one read-only holder, or the exclusive lock). */
export function* release(host: Host, vol: Volume, lba: number, decode: (image: Uint8Array) => LockRecord): Task<void> {
  const me = hostUuid(host);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const image = yield* readBlocks(host, vol.device, lba, 1);
    const lock = decode(image);
    if (lock.mode === 'free' || (lock.mode === 'exclusive' && !sameUuid(lock.owner, me))) {
      host.log(`FS3: lock at offset ${lba * vol.device.blockSize} on ${vol.label} was no longer held by this host`);
      return;
    }
    const holders = lock.mode === 'read-only' ? Math.max(0, lock.holders - 1) : 0;
    const next: LockRecord =
      holders > 0
        ? { ...lock, holders, version: lock.version + 1, mtime: Math.floor(host.clock.now / 1e6) }
        : { mode: 'free', owner: nilUuid(), hbSlot: 0, hbGen: 0, version: lock.version + 1, holders: 0, mtime: Math.floor(host.clock.now / 1e6) };
    if (yield* ats(host, vol.device, lba, image, withLock(image, next))) return;
  }
  throw new LockError(`could not release the lock at offset ${lba * vol.device.blockSize}: it kept changing`);
}
