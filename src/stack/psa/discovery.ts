// Path discovery, as a rescan does it: each usable adapter asks each target port its fabric reaches
// for REPORT LUNS, then each LUN for INQUIRY, VPD pages 0x83, 0x00 and (where listed) 0xB0 and 0xB2,
// and READ CAPACITY (16). Runtime names, device ids and the offloads (VAAI) a device supports come
// only from these answers. Discovery commands never touch block data, so they
// complete at once and a scan is one step of virtual time.

import type { StorageArray } from '../arrays/storage-array';
import type { TargetPort } from '../arrays/ports';
import type { HostAdapter } from '../fabric/adapter';
import type { Fabric } from '../fabric/fabric';
import { sendCdbSync, type SgResponse } from '../initiator/sg-request';
import type { Arena } from '../memory/arena';
import { Status } from '../scsi/status';
import type { Identity, Offloads } from './path';

export interface FoundPath {
  adapter: HostAdapter;
  fabric: Fabric;
  array: StorageArray;
  port: TargetPort;
  targetNumber: number;
  lun: number;
  identity: Identity;
}

function ask(arena: Arena, adapter: HostAdapter, array: StorageArray, port: TargetPort, lun: number, cdb: number[]): SgResponse {
  const send = () => sendCdbSync(arena, array, port, lun, { cdb, initiator: adapter.wwpn || adapter.name, dataIn: 4096 });
  const r = send();
  // A unit attention only reports an event (e.g. an ALUA change): take it and ask again.
  return r.status === Status.CHECK_CONDITION && (r.sense[2] & 0x0f) === 6 ? send() : r;
}

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to)).trim();

/** Device id from VPD 0x83's LU designators, in esxcli's preference order: naa, eui, t10. */
function deviceIdFrom(page: Uint8Array): { id?: string; naa?: Uint8Array } {
  const found: Record<number, Uint8Array> = {};
  const end = Math.min(page.length, 4 + ((page[2] << 8) | page[3]));
  for (let at = 4; at + 4 <= end; at += 4 + page[at + 3]) {
    const association = (page[at + 1] >> 4) & 3;
    const type = page[at + 1] & 0x0f;
    if (association === 0 && found[type] === undefined) found[type] = page.subarray(at + 4, at + 4 + page[at + 3]);
  }
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  if (found[3]) return { id: `naa.${hex(found[3])}`, naa: found[3].slice() };
  if (found[2]) return { id: `eui.${hex(found[2])}` };
  if (found[1]) return { id: `t10.${ascii(found[1], 0, found[1].length).replace(/\s+/g, '_')}` };
  return {};
}

/** The page's bytes after its 4-byte header (as much as the PAGE LENGTH and the answer hold), or undefined. */
function vpdBody(r: SgResponse, page: number): Uint8Array | undefined {
  if (r.status !== Status.GOOD || r.dataIn.length < 4 || r.dataIn[1] !== page) return undefined;
  return r.dataIn.subarray(4, Math.min(r.dataIn.length, 4 + ((r.dataIn[2] << 8) | r.dataIn[3])));
}

/** INQUIRY 3PC, Block Limits (0xB0) and Logical Block Provisioning (0xB2) when the LUN lists them. */
function offloadsOf(ask: (cdb: number[]) => SgResponse, std: Uint8Array, lbpme: boolean | undefined): Offloads {
  const pages = vpdBody(ask([0x12, 1, 0x00, 0, 255, 0]), 0x00) ?? new Uint8Array(0);
  const limits = pages.includes(0xb0) ? vpdBody(ask([0x12, 1, 0xb0, 0, 64, 0]), 0xb0) : undefined;
  const provisioning = pages.includes(0xb2) ? vpdBody(ask([0x12, 1, 0xb2, 0, 8, 0]), 0xb2) : undefined;
  const u32 = (b: Uint8Array | undefined, at: number) => (b && b.length >= at + 4 ? new DataView(b.buffer, b.byteOffset).getUint32(at) : 0);
  return {
    thirdPartyCopy: (std[5] & 0x08) !== 0,
    maxCompareAndWrite: limits && limits.length > 1 ? limits[1] : 0,
    maxWriteSame: u32(limits, 32) * 4294967296 + u32(limits, 36),
    maxUnmap: u32(limits, 16),
    lbpu: provisioning !== undefined && provisioning.length > 1 && (provisioning[1] & 0x80) !== 0,
    lbpws: provisioning !== undefined && provisioning.length > 1 && (provisioning[1] & 0x40) !== 0,
    lbpme,
  };
}

function discoverLun(arena: Arena, adapter: HostAdapter, array: StorageArray, port: TargetPort, target: number, lun: number): Identity | undefined {
  const std = ask(arena, adapter, array, port, lun, [0x12, 0, 0, 0, 96, 0]);
  if (std.status !== Status.GOOD || std.dataIn.length < 36 || std.dataIn[0] >> 5 !== 0) return undefined;
  const vpd = ask(arena, adapter, array, port, lun, [0x12, 1, 0x83, 0, 255, 0]);
  const { id, naa } = vpd.status === Status.GOOD ? deviceIdFrom(vpd.dataIn) : {};
  const cap = ask(arena, adapter, array, port, lun, [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]);
  let blocks = 0;
  let blockSize = 0;
  let lbpme: boolean | undefined;
  if (cap.status === Status.GOOD && cap.dataIn.length >= 12) {
    const dv = new DataView(cap.dataIn.buffer, cap.dataIn.byteOffset);
    blocks = dv.getUint32(0) * 4294967296 + dv.getUint32(4) + 1;
    blockSize = dv.getUint32(8);
    lbpme = cap.dataIn.length > 14 && (cap.dataIn[14] & 0x80) !== 0;
  }
  return {
    vendor: ascii(std.dataIn, 8, 16),
    model: ascii(std.dataIn, 16, 32),
    revision: ascii(std.dataIn, 32, 36),
    // Without a designator the host names the device after the first path it found (not persistent).
    deviceId: id ?? `mpx.${adapter.name}:C0:T${target}:L${lun}`,
    naa,
    tpgs: (std.dataIn[5] >> 4) & 3,
    conglomerate: (std.dataIn[1] & 0x40) !== 0, // LU_CONG: a vVol protocol endpoint
    blocks,
    blockSize,
    offloads: offloadsOf((cdb) => ask(arena, adapter, array, port, lun, cdb), std.dataIn, lbpme),
  };
}

/** Every path the usable adapters can see now. */
export function discover(arena: Arena, fabrics: Fabric[]): FoundPath[] {
  const found: FoundPath[] = [];
  for (const fabric of fabrics) {
    for (const adapter of fabric.adapters) {
      for (const t of fabric.targets) {
        if (!fabric.connects(adapter, t.array, t.port)) continue;
        const targetNumber = adapter.targetNumber(t.port.wwpn);
        const report = ask(arena, adapter, t.array, t.port, 0, [0xa0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0]);
        if (report.status !== Status.GOOD) continue;
        const listLength = new DataView(report.dataIn.buffer, report.dataIn.byteOffset).getUint32(0);
        for (let at = 8; at + 8 <= Math.min(report.dataIn.length, 8 + listLength); at += 8) {
          const lun = ((report.dataIn[at] & 0x3f) << 8) | report.dataIn[at + 1];
          const identity = discoverLun(arena, adapter, t.array, t.port, targetNumber, lun);
          if (identity) found.push({ adapter, fabric, array: t.array, port: t.port, targetNumber, lun, identity });
        }
      }
    }
  }
  return found;
}
