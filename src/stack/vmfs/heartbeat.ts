// Heartbeats: a host that mounts a volume claims a slot in its heartbeat region with ATS and, while
// the volume is mounted and the host is up, moves the slot's beat count forward every 3 s of
// virtual time, again with ATS (compare: the image it wrote last). Other hosts judge its locks by
// this slot: a lock whose holder's beat has not moved for the lease time (16 s) is stale.

import type { Host } from '../host';
import { ats, readBlocks } from './disk-io';
import { hostUp, hostUuid } from './identity';
import {
  decodeHeartbeat, encodeHeartbeat, HB_FREE, HB_MAGIC, HEARTBEAT_LBA, HEARTBEAT_SLOTS, isNilUuid, sameUuid, type Heartbeat,
} from './layout';
import { sleep, start, type Task } from './task';
import type { Volume } from './volume';

export const HEARTBEAT_INTERVAL_US = 3_000_000;
/** How long a holder's heartbeat must stand still before its locks may be broken. */
export const LEASE_US = 16_000_000;
/** How often a host waiting on a lock re-reads the holder's heartbeat. */
export const WATCH_INTERVAL_US = 1_000_000;

/** Claims a heartbeat slot (this host's old one if it has one, else the first free one). */
export function* claimSlot(host: Host, vol: Volume): Task<void> {
  const me = hostUuid(host);
  const bs = vol.device.blockSize;
  for (let attempt = 0; attempt < 8; attempt++) {
    const region = yield* readBlocks(host, vol.device, HEARTBEAT_LBA, HEARTBEAT_SLOTS);
    const slots = Array.from({ length: HEARTBEAT_SLOTS }, (_, i) => decodeHeartbeat(region.subarray(i * bs, (i + 1) * bs)));
    let slot = slots.findIndex((h) => h.magic === HB_MAGIC && sameUuid(h.owner, me));
    if (slot < 0) slot = slots.findIndex((h) => h.magic !== HB_MAGIC || isNilUuid(h.owner));
    if (slot < 0) throw new Error(`the volume's ${HEARTBEAT_SLOTS} heartbeat slots are all in use`);
    // Whole µs: the slot stores u64s, and this host compares what it keeps with what it reads back.
    const now = Math.floor(host.clock.now);
    const mine: Heartbeat = { magic: HB_MAGIC, owner: me, mountGen: Math.max(1, now) + slots[slot].mountGen, beat: 1, stampUs: now };
    const image = encodeHeartbeat(mine, bs);
    if (yield* ats(host, vol.device, HEARTBEAT_LBA + slot, region.slice(slot * bs, (slot + 1) * bs), image)) {
      vol.slot = slot;
      vol.heartbeat = mine;
      vol.heartbeatImage = image;
      return;
    }
  }
  throw new Error('could not claim a heartbeat slot: other hosts kept changing the region');
}

/** Beats every HEARTBEAT_INTERVAL_US while the volume is mounted and the host is up. */
export function startHeartbeat(host: Host, vol: Volume): void {
  const tick = (): void => {
    if (!vol.mounted || !hostUp(host)) return;
    if (host.psa.device(vol.device.id) !== vol.device) {
      host.log(`HB: lost access to ${vol.label}: ${vol.device.id} is gone; heartbeat stopped`);
      return;
    }
    start(beat(host, vol), (error) => {
      if (error) host.log(`HB: heartbeat on ${vol.label} failed: ${error.message}`);
      if (vol.mounted && hostUp(host)) host.clock.after(HEARTBEAT_INTERVAL_US, { onTimer: tick });
    });
  };
  host.clock.after(HEARTBEAT_INTERVAL_US, { onTimer: tick });
}

function* beat(host: Host, vol: Volume): Task<void> {
  const next: Heartbeat = { ...vol.heartbeat, beat: vol.heartbeat.beat + 1, stampUs: Math.floor(host.clock.now) };
  const image = encodeHeartbeat(next, vol.device.blockSize);
  if (yield* ats(host, vol.device, HEARTBEAT_LBA + vol.slot, vol.heartbeatImage, image)) {
    vol.heartbeat = next;
    vol.heartbeatImage = image;
    yield* vol.afterBeat();
    return;
  }
  // Someone else wrote our slot (it took us for dead): claim one again, as VMFS reclaims its heartbeat.
  host.log(`HB: heartbeat slot ${vol.slot} on ${vol.label} was taken over: reclaiming a slot`);
  yield* claimSlot(host, vol);
}

/**
 * Is the host behind `slot` alive, as a lock holder with mount generation `gen`? A slot that now
 * belongs to someone else, or to a later mount, says no at once; otherwise the slot is watched for
 * up to the lease time: a beat that moves says yes, one that stands still for the lease says no.
 */
export function* holderAlive(host: Host, vol: Volume, slot: number, owner: Uint8Array, gen: number): Task<boolean> {
  const read = function* (): Task<Heartbeat> {
    return decodeHeartbeat(yield* readBlocks(host, vol.device, HEARTBEAT_LBA + slot, 1));
  };
  const first = yield* read();
  if (first.magic !== HB_MAGIC || !sameUuid(first.owner, owner) || first.mountGen !== gen) return false;
  for (let waited = 0; waited < LEASE_US; waited += WATCH_INTERVAL_US) {
    yield* sleep(host, WATCH_INTERVAL_US);
    const now = yield* read();
    if (now.magic !== HB_MAGIC || !sameUuid(now.owner, owner) || now.mountGen !== gen) return false;
    if (now.beat !== first.beat) return true;
  }
  return false;
}

export const freeHeartbeat = (blockSize: number): Uint8Array =>
  encodeHeartbeat({ magic: HB_FREE, owner: new Uint8Array(16), mountGen: 0, beat: 0, stampUs: 0 }, blockSize);
