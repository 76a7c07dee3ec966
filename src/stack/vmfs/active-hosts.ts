// `vmkfstools --activehosts /vmfs/volumes/LABEL`: the hosts whose heartbeats move. Like VMFS, it
// reads the heartbeat region, waits longer than one heartbeat interval of virtual time, reads it
// again, and lists the slots whose beat moved, by the MAC address in their owner's UUID.

import type { Host } from '../host';
import { readBlocks } from './disk-io';
import { HEARTBEAT_INTERVAL_US } from './heartbeat';
import { hostName, hostUuid, macText } from './identity';
import { decodeHeartbeat, HB_MAGIC, HEARTBEAT_LBA, HEARTBEAT_SLOTS, sameUuid, type Heartbeat } from './layout';
import { sleep, type Task } from './task';
import type { Volume } from './volume';

/** The heartbeats that moved over one watch, as owner UUIDs. */
export function* movingHeartbeats(host: Host, vol: Volume): Task<Uint8Array[]> {
  const bs = vol.blockSize;
  const read = function* (): Task<Heartbeat[]> {
    const region = yield* readBlocks(host, vol.device, HEARTBEAT_LBA, HEARTBEAT_SLOTS);
    return Array.from({ length: HEARTBEAT_SLOTS }, (_, i) => decodeHeartbeat(region.subarray(i * bs, (i + 1) * bs)));
  };
  const before = yield* read();
  yield* sleep(host, HEARTBEAT_INTERVAL_US + 1_000_000);
  const after = yield* read();
  return after
    .filter((h, i) => h.magic === HB_MAGIC && (before[i].beat !== h.beat || before[i].mountGen !== h.mountGen))
    .map((h) => h.owner);
}

export function* activeHosts(host: Host, vol: Volume, path: string): Task<string> {
  const owners = yield* movingHeartbeats(host, vol);
  const lines = [`Found ${owners.length} actively heartbeating hosts on volume '${path}'`];
  owners.forEach((owner, i) => {
    const known = host.hosts().find((h) => sameUuid(hostUuid(h), owner));
    lines.push(`(${i + 1}): MAC address ${macText(owner.subarray(10, 16))}${known ? ` (${hostName(known)})` : ''}`);
  });
  return lines.join('\n');
}
