// Who a host is on a shared volume: its name, its VMFS UUID and its management MAC, all derived
// from seeded randomness and the host's name, so the same scenario and seed give the same bytes on
// disk. VMFS UUIDs are 16 bytes printed 8-8-4-12; like ESXi's, the last six bytes are the host's
// MAC address (VMware's OUI 00:50:56).

import type { Host } from '../host';
import { SeededRandom } from '../sim/random';

export const hostName = (host: Host): string => host.name;

/** False once the host has crashed (`fault host`). */
export const hostUp = (host: Host): boolean => host.up;

function randomOf(host: Host, what: string): SeededRandom {
  return new SeededRandom(host.seed).fork(`vmfs|${what}|${hostName(host)}`);
}

export function hostMac(host: Host): Uint8Array {
  const r = randomOf(host, 'mac');
  return Uint8Array.from([0x00, 0x50, 0x56, r.below(0x40), r.below(256), r.below(256)]);
}

export function macText(mac: Uint8Array): string {
  return Array.from(mac, (x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The host's UUID: ten seeded bytes, then its MAC. */
export function hostUuid(host: Host): Uint8Array {
  const r = randomOf(host, 'uuid');
  const u = new Uint8Array(16);
  for (let i = 0; i < 10; i++) u[i] = r.below(256);
  u.set(hostMac(host), 10);
  return u;
}

/** A new volume's UUID: the virtual time in seconds (as VMFS starts its UUIDs with a timestamp),
 * seeded bytes from the device and label, and the formatting host's MAC. */
export function volumeUuid(host: Host, deviceId: string, label: string): Uint8Array {
  const r = randomOf(host, `volume|${deviceId}|${label}|${host.clock.now}`);
  const u = new Uint8Array(16);
  new DataView(u.buffer).setUint32(0, 0x5f000000 + Math.floor(host.clock.now / 1e6), false);
  for (let i = 4; i < 10; i++) u[i] = r.below(256);
  u.set(hostMac(host), 10);
  return u;
}
