// INQUIRY: standard data (SPC-4 6.6.2) and the VPD pages hosts read to name and group devices and
// to learn the array offloads (VAAI): 0x00 supported pages, 0x80 unit serial number, 0x83 device
// identification, 0xB0 block limits, 0xB2 logical block provisioning.

import { FLAG_EVPD } from '../../../../asm/cdb/layout';
import type { Exchange } from '../exchange';
import type { StorageArray } from '../storage-array';
import type { LogicalUnit } from '../logical-unit';
import {
  MAX_COMPARE_AND_WRITE_BLOCKS, MAX_TRANSFER_BYTES, MAX_UNMAP_DESCRIPTORS, OPTIMAL_TRANSFER_BYTES, maxUnmapBlocks,
  maxWriteSameBlocks, unmapGranularityBlocks,
} from './block-limits';
import { isCopyManager } from './copy-results';

const NO_LUN = 0x7f; // peripheral qualifier 3, device type 0x1f: no logical unit at this number
const SUPPORTED_VPD = [0x00, 0x80, 0x83, 0xb0, 0xb2];

export function inquiry(x: Exchange, array: StorageArray): void {
  const data = x.has(FLAG_EVPD) ? vpdPage(x, array) : standardInquiry(array, x.lun);
  if (data) x.dataIn(data, x.length);
}

function ascii(target: Uint8Array, at: number, width: number, text: string): void {
  for (let i = 0; i < width; i++) target[at + i] = i < text.length ? text.charCodeAt(i) & 0x7f : 0x20;
}

function standardInquiry(array: StorageArray, lun: LogicalUnit | undefined): Uint8Array {
  const d = new Uint8Array(96);
  d[0] = lun ? 0x00 : NO_LUN;
  d[1] = lun?.conglomerate ? 0x40 : 0x00; // LU_CONG: a vVol PE (ALU) or a bound vVol (SLU)
  d[2] = 0x06; // SPC-4
  d[3] = 0x12; // HISUP, response data format 2
  d[4] = d.length - 5;
  // 3PC: EXTENDED COPY works where target descriptors can name the LUNs (by their NAA designator).
  d[5] = (array.tpgsBits << 4) | (isCopyManager(array) ? 0x08 : 0);
  d[6] = 0x10; // MULTIP: the LUN is reachable through more than one port
  d[7] = 0x02; // CMDQUE
  ascii(d, 8, 8, array.config.vendor);
  ascii(d, 16, 16, array.config.product);
  ascii(d, 32, 4, array.config.revision);
  const dv = new DataView(d.buffer);
  dv.setUint16(58, 0x00c0); // SAM-6
  dv.setUint16(60, 0x0460); // SPC-4
  dv.setUint16(62, 0x04c0); // SBC-3
  dv.setUint16(64, 0x0a40); // FCP-4
  return d;
}

function vpdPage(x: Exchange, array: StorageArray): Uint8Array | undefined {
  const lun = x.lun;
  if (!lun) return new Uint8Array([NO_LUN, x.page, 0, 0]);
  switch (x.page) {
    case 0x00:
      return page(0x00, Uint8Array.from(SUPPORTED_VPD));
    case 0x80:
      return page(0x80, new TextEncoder().encode(lun.serial));
    case 0x83:
      return page(0x83, deviceIdentification(x, array, lun));
    case 0xb0:
      return page(0xb0, blockLimits(lun));
    case 0xb2:
      return page(0xb2, logicalBlockProvisioning(lun));
    default:
      x.invalidField(2);
      return undefined;
  }
}

function page(code: number, body: Uint8Array): Uint8Array {
  const d = new Uint8Array(4 + body.length);
  d[1] = code;
  new DataView(d.buffer).setUint16(2, body.length);
  d.set(body, 4);
  return d;
}

/** Designation descriptors: the LU's NAA id and T10 vendor id, then the port it was asked through. */
function deviceIdentification(x: Exchange, array: StorageArray, lun: LogicalUnit): Uint8Array {
  const out: number[] = [];
  const descriptor = (codeSet: number, piv_assoc_type: number, value: ArrayLike<number>) => {
    out.push(codeSet, piv_assoc_type, 0, value.length, ...Array.from(value));
  };
  // Protocol identifier 0 (Fibre Channel) in the high nibble of the first byte.
  if ((array.config.identifiers ?? 'naa') === 'naa') {
    descriptor(0x01, 0x03, lun.naa); // binary, LU, NAA
    const t10 = new Uint8Array(8 + lun.serial.length);
    ascii(t10, 0, 8, array.config.vendor);
    ascii(t10, 8, lun.serial.length, lun.serial);
    descriptor(0x02, 0x01, t10); // ASCII, LU, T10 vendor id
  }
  descriptor(0x01, 0x93, wwpnBytes(x.port.wwpn)); // PIV, target port, NAA (the port's WWPN)
  descriptor(0x01, 0x94, [0, 0, x.port.relativeId >> 8, x.port.relativeId & 0xff]); // relative target port
  if (array.tpgsBits !== 0) {
    const g = x.port.sp.groupId;
    descriptor(0x01, 0x95, [0, 0, g >> 8, g & 0xff]); // target port group
  }
  return Uint8Array.from(out);
}

/** SBC-3 6.6.3, offsets in the page minus its 4-byte header. Every LUN has ATS and WRITE SAME. */
function blockLimits(lun: LogicalUnit): Uint8Array {
  const b = new Uint8Array(0x3c);
  const dv = new DataView(b.buffer);
  b[0] = 0x01; // WSNZ: WRITE SAME with NUMBER OF LOGICAL BLOCKS 0 (to the end of the LUN) is refused
  b[1] = MAX_COMPARE_AND_WRITE_BLOCKS; // MAXIMUM COMPARE AND WRITE LENGTH
  dv.setUint16(2, 1); // OPTIMAL TRANSFER LENGTH GRANULARITY
  dv.setUint32(4, MAX_TRANSFER_BYTES / lun.blockSize); // MAXIMUM TRANSFER LENGTH
  dv.setUint32(8, OPTIMAL_TRANSFER_BYTES / lun.blockSize); // OPTIMAL TRANSFER LENGTH
  // A thick LUN leaves the UNMAP fields 0: "UNMAP not implemented".
  if (lun.thin) {
    dv.setUint32(16, maxUnmapBlocks(lun)); // MAXIMUM UNMAP LBA COUNT
    dv.setUint32(20, MAX_UNMAP_DESCRIPTORS); // MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
    dv.setUint32(24, unmapGranularityBlocks(lun)); // OPTIMAL UNMAP GRANULARITY
    dv.setUint32(28, 0x80000000); // UGAVALID, UNMAP GRANULARITY ALIGNMENT 0: extents start at LBA 0
  }
  dv.setUint32(36, maxWriteSameBlocks(lun)); // MAXIMUM WRITE SAME LENGTH (8 bytes: 32..39)
  return b;
}

/** SBC-3 6.6.4: thin LUNs unmap by UNMAP and WRITE SAME (16) and read zeros where unmapped. */
function logicalBlockProvisioning(lun: LogicalUnit): Uint8Array {
  const b = new Uint8Array(4);
  if (lun.thin) {
    b[1] = 0x80 | 0x40 | (1 << 2); // LBPU, LBPWS (not LBPWS10: no WRITE SAME (10)), LBPRZ 001b
    b[2] = 0x02; // PROVISIONING TYPE: thin provisioned
  }
  // A thick LUN is fully provisioned: PROVISIONING TYPE 0, nothing to unmap.
  return b;
}

export function wwpnBytes(wwpn: string): Uint8Array {
  const digits = wwpn.replace(/:/g, '');
  const b = new Uint8Array(8);
  for (let i = 0; i < 8; i++) b[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16) || 0;
  return b;
}
