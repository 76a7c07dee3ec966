// No state corruption: after the run every LU still says who it is as before (standard INQUIRY,
// READ CAPACITY (16), the array's REPORT LUNS), an ALUA LUN reports the same target port groups
// through every port, and every block the shadow holds (the reserved pattern and whatever GOOD
// writes put elsewhere) reads back as the shadow says. Where the fuzz left a LUN passive or in
// standby, the check first makes a port active as a host would (START STOP UNIT, STPG).

import { sendCdbSync, type SgResponse } from '../src/stack/initiator/sg-request';
import type { Rig, Unit } from './cdb-targets';
import { runsOf } from './shadow';
import { toHex } from './sense-check';

const INQUIRY = [0x12, 0, 0, 0, 96, 0];
const READ_CAPACITY_16 = [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0];
const REPORT_LUNS = [0xa0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0];
const RTPG = [0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0];
const TUR = [0, 0, 0, 0, 0, 0];

export interface Baseline {
  inquiry: Map<Unit, string>;
  capacity: Map<Unit, string>;
  luns: Map<Unit['array'], string>;
}

function send(u: Unit, port: number, cdb: number[], dataOut?: Uint8Array, dataIn = 4096): SgResponse {
  const array = u.array;
  return sendCdbSync(u.arena, array, array.ports[port], u.number, { cdb, dataOut, dataIn, initiator: u.initiator });
}

/** Sends, retrying past unit attentions (each nexus collects its own once). */
function sendPast(u: Unit, port: number, cdb: number[], dataIn = 4096): SgResponse {
  let r = send(u, port, cdb, undefined, dataIn);
  for (let i = 0; i < 4 && r.status === 2 && senseKey(r.sense) === 6; i++) r = send(u, port, cdb, undefined, dataIn);
  return r;
}

export function baseline(rig: Rig): Baseline {
  const b: Baseline = { inquiry: new Map(), capacity: new Map(), luns: new Map() };
  for (const u of rig.units) {
    const port = readablePort(rig, u) ?? 0;
    b.inquiry.set(u, toHex(sendPast(u, port, INQUIRY).dataIn));
    b.capacity.set(u, toHex(sendPast(u, port, READ_CAPACITY_16).dataIn));
    if (!b.luns.has(u.array)) b.luns.set(u.array, toHex(sendPast(u, port, REPORT_LUNS).dataIn));
  }
  return b;
}

/** A port through which TEST UNIT READY is GOOD, making one so (trespass, STPG) if needed. */
function readablePort(rig: Rig, u: Unit): number | undefined {
  const ports = u.array.ports.length;
  for (let p = 0; p < ports; p++) if (sendPast(u, p, TUR).status === 0) return p;
  if (u.array.config.personality === 'active-passive') send(u, 0, [0x1b, 0, 0, 0, 1, 0]);
  if (u.array.config.personality === 'alua') {
    const group = u.array.ports[0].sp.groupId;
    send(u, 0, [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], Uint8Array.of(0, 0, 0, 0, 0, 0, group >> 8, group & 0xff));
    rig.clock.now += u.array.transitionUs + 1000;
  }
  return sendPast(u, 0, TUR).status === 0 ? 0 : undefined;
}

export function verifyRig(rig: Rig, before: Baseline): string[] {
  const problems: string[] = [];
  for (const u of rig.units) {
    const name = `${u.array.name} LUN ${u.number}`;
    const port = readablePort(rig, u);
    if (port === undefined) {
      problems.push(`${name}: no port answers TEST UNIT READY with GOOD, even after activating one`);
      continue;
    }
    if (toHex(sendPast(u, port, INQUIRY).dataIn) !== before.inquiry.get(u)) problems.push(`${name}: standard INQUIRY changed`);
    if (toHex(sendPast(u, port, READ_CAPACITY_16).dataIn) !== before.capacity.get(u)) problems.push(`${name}: READ CAPACITY (16) changed`);
    if (toHex(sendPast(u, port, REPORT_LUNS).dataIn) !== before.luns.get(u.array)) problems.push(`${name}: REPORT LUNS changed`);
    if (u.array.config.personality === 'alua') {
      const seen = new Set(u.array.ports.map((_, p) => toHex(sendPast(u, p, RTPG).dataIn)));
      if (seen.size !== 1) problems.push(`${name}: the ports report different target port groups`);
    }
  }
  for (const [lun, lbas] of rig.shadow.entries()) {
    const u = rig.units.find((x) => x.lun === lun);
    if (!u) {
      problems.push(`the shadow holds blocks of an LU the check cannot reach (${lun.naaId})`);
      continue;
    }
    const port = readablePort(rig, u) ?? 0;
    for (const [lba, count] of runsOf(lbas, 128)) {
      const cdb = [0x88, 0, ...be64(lba), ...be32(count), 0, 0];
      const r = sendPast(u, port, cdb, count * lun.blockSize);
      const expected = new Uint8Array(count * lun.blockSize);
      rig.shadow.read(lun, lba, count, expected);
      if (r.status !== 0 || r.dataIn.length < expected.length) {
        problems.push(`${u.array.name} LUN ${u.number}: READ of LBA ${lba} + ${count} answered status ${r.status} sense ${toHex(r.sense)}`);
        continue;
      }
      const at = expected.findIndex((b, i) => b !== r.dataIn[i]);
      if (at >= 0) problems.push(`${u.array.name} LUN ${u.number}: LBA ${lba + Math.floor(at / lun.blockSize)} does not read back as written (byte ${at % lun.blockSize})`);
    }
  }
  return problems;
}

const senseKey = (s: Uint8Array): number => ((s[0] & 0x7f) >= 0x72 ? s[1] : s[2]) & 0x0f;
const be32 = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const be64 = (n: number): number[] => [...be32(Math.floor(n / 2 ** 32)), ...be32(n >>> 0)];
