// MODE SENSE (6) and (10) with the caching (0x08) and control (0x0A) pages (SPC-4 6.11, 7.5;
// SBC-3 6.4). The pages are read-only here: there is no MODE SELECT, so nothing is changeable.

import { FLAG_DBD, FLAG_LLBAA, OP_MODE_SENSE_6 } from '../../../../asm/cdb/layout';
import { SenseKey } from '../../scsi/status';
import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';

const CACHING = 0x08;
const CONTROL = 0x0a;
const ALL_PAGES = 0x3f;
const PC_CHANGEABLE = 1;
const PC_SAVED = 3;

export function modeSense(x: Exchange, lun: LogicalUnit): void {
  const six = x.opcode === OP_MODE_SENSE_6;
  const pc = x.param;
  if (pc === PC_SAVED) return x.checkCondition(SenseKey.ILLEGAL_REQUEST, 0x39, 0x00); // saving parameters not supported
  if (x.subpage !== 0 && !(x.page === ALL_PAGES && x.subpage === 0xff)) return x.invalidField(3);
  let pages: Uint8Array[];
  if (x.page === CACHING) pages = [cachingPage(lun, pc)];
  else if (x.page === CONTROL) pages = [controlPage(lun, pc)];
  else if (x.page === ALL_PAGES) pages = [cachingPage(lun, pc), controlPage(lun, pc)];
  else return x.invalidField(2, 5);

  const longLba = !six && x.has(FLAG_LLBAA);
  const descriptor = x.has(FLAG_DBD) ? new Uint8Array(0) : blockDescriptor(lun, longLba);
  const headerLength = six ? 4 : 8;
  const total = headerLength + descriptor.length + pages.reduce((n, p) => n + p.length, 0);
  const d = new Uint8Array(total);
  const dv = new DataView(d.buffer);
  if (six) {
    d[0] = total - 1;
    d[2] = 0x10; // DPOFUA: DPO and FUA are honoured
    d[3] = descriptor.length;
  } else {
    dv.setUint16(0, total - 2);
    d[3] = 0x10;
    d[4] = longLba && descriptor.length > 0 ? 1 : 0;
    dv.setUint16(6, descriptor.length);
  }
  d.set(descriptor, headerLength);
  let at = headerLength + descriptor.length;
  for (const p of pages) {
    d.set(p, at);
    at += p.length;
  }
  x.dataIn(d, x.length);
}

function blockDescriptor(lun: LogicalUnit, long: boolean): Uint8Array {
  const d = new Uint8Array(long ? 16 : 8);
  const dv = new DataView(d.buffer);
  if (long) {
    dv.setUint32(0, Math.floor(lun.blocks / 4294967296));
    dv.setUint32(4, lun.blocks >>> 0);
    dv.setUint32(12, lun.blockSize);
  } else {
    dv.setUint32(0, Math.min(lun.blocks, 0xffffffff));
    dv.setUint32(4, lun.blockSize & 0xffffff); // byte 4 is reserved, block length in 5..7
  }
  return d;
}

function cachingPage(lun: LogicalUnit, pc: number): Uint8Array {
  const p = new Uint8Array(20);
  p[0] = CACHING;
  p[1] = p.length - 2;
  if (pc !== PC_CHANGEABLE) p[2] = lun.cacheMode === 'write-back' ? 0x04 : 0x00; // WCE
  return p;
}

function controlPage(lun: LogicalUnit, pc: number): Uint8Array {
  const p = new Uint8Array(12);
  p[0] = CONTROL;
  p[1] = p.length - 2;
  if (pc !== PC_CHANGEABLE) {
    p[2] = (lun.descriptorSense ? 0x04 : 0) | 0x02; // D_SENSE, GLTSD (no log parameters saved)
    p[3] = 0x10; // queue algorithm modifier 1: unrestricted reordering
    new DataView(p.buffer).setUint16(10, 30); // extended self-test completion time, seconds
  }
  return p;
}
