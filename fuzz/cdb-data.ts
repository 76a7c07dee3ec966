// Checks the data-in of a GOOD answer by the layout SPC/SBC give it (reference/scsi.md §2, §4, §5):
// the length a response declares for itself, that exactly min(allocation, that length, buffer)
// bytes came back, and the fields that must hold whatever the fuzz did (the peripheral qualifier
// of a missing LUN, the capacity, the page code echoed, RTPG descriptors that walk to the end).

import type { LogicalUnit } from '../src/stack/arrays/logical-unit';
import { be16, be32, be64 } from './cdb-fields';
import { decodeSense } from './sense-check';

/** The declared full length of a response from its first bytes, or undefined when too few came back. */
function declaredLength(c: Uint8Array, d: Uint8Array, lun: LogicalUnit | undefined): number | undefined {
  switch (c[0]) {
    case 0x12:
      if (!(c[1] & 1)) return 96;
      return d.length >= 4 ? 4 + be16(d, 2) : undefined;
    case 0x1a: return d.length >= 1 ? d[0] + 1 : undefined;
    case 0x5a: return d.length >= 2 ? be16(d, 0) + 2 : undefined;
    case 0xa0: return d.length >= 4 ? 8 + be32(d, 0) : undefined;
    case 0xa3: return d.length >= 4 ? ((c[1] >> 5) === 1 ? 8 : 4) + be32(d, 0) : undefined;
    case 0x84: return d.length >= 4 ? 4 + be32(d, 0) : undefined;
    case 0x9e: return 32;
    case 0x25: return 8;
    case 0x03: return d.length >= 8 ? 8 + d[7] : undefined;
    default: return lun ? undefined : 0;
  }
}

/** What is wrong with this GOOD data-in, or undefined. `limit` = min(allocation length, buffer). */
export function checkDataIn(c: Uint8Array, d: Uint8Array, limit: number, lun: LogicalUnit | undefined): string | undefined {
  if (d.length > limit) return `${d.length} bytes of data-in, more than the ${limit} allowed`;
  const full = declaredLength(c, d, lun);
  if (full !== undefined && d.length !== Math.min(limit, full)) {
    return `${d.length} bytes of data-in where the response is ${full} bytes and ${limit} were allowed`;
  }
  if (d.length === 0) return undefined;
  switch (c[0]) {
    case 0x12:
      if (d[0] !== (lun ? 0x00 : 0x7f)) return `INQUIRY byte 0 is ${d[0].toString(16)} for a LUN that is ${lun ? 'there' : 'missing'}`;
      if (c[1] & 1 && d.length >= 2 && d[1] !== c[2]) return `VPD page ${c[2].toString(16)} answered as page ${d[1].toString(16)}`;
      if (!(c[1] & 1) && d.length >= 5 && d[4] !== 91) return `standard INQUIRY ADDITIONAL LENGTH ${d[4]}`;
      return undefined;
    case 0xa0:
      return d.length >= 4 && be32(d, 0) % 8 !== 0 ? `LUN LIST LENGTH ${be32(d, 0)} is not a multiple of 8` : undefined;
    case 0xa3:
      return full !== undefined && d.length === full ? checkGroups(c, d) : undefined;
    case 0x25:
      if (!lun || d.length < 8) return undefined;
      if (be32(d, 0) !== Math.min(lun.blocks - 1, 0xffffffff) || be32(d, 4) !== lun.blockSize) return 'READ CAPACITY (10) reports another geometry';
      return undefined;
    case 0x9e:
      if (!lun || d.length < 12) return undefined;
      if (be64(d, 0) !== lun.blocks - 1 || be32(d, 8) !== lun.blockSize) return 'READ CAPACITY (16) reports another geometry';
      return undefined;
    case 0x03: {
      if (full === undefined || d.length !== full) return undefined;
      const s = decodeSense(d);
      if (typeof s === 'string') return `REQUEST SENSE data: ${s}`;
      if (!lun && !(s.key === 5 && s.asc === 0x25)) return 'REQUEST SENSE to a missing LUN does not report 05/25/00';
      return undefined;
    }
    default:
      return undefined;
  }
}

/** RTPG descriptors: each 8 + 4n bytes, group ids 1.., a state the array supports, walking to the end. */
function checkGroups(c: Uint8Array, d: Uint8Array): string | undefined {
  let at = (c[1] >> 5) === 1 ? 8 : 4;
  let group = 1;
  while (at < d.length) {
    if (at + 8 > d.length) return `RTPG descriptor cut at byte ${at}`;
    const state = d[at] & 0x0f;
    if (![0x0, 0x1, 0x2, 0x3, 0xe, 0xf].includes(state)) return `RTPG group ${group} in state ${state}`;
    if (be16(d, at + 2) !== group) return `RTPG group ${be16(d, at + 2)} where ${group} was expected`;
    at += 8 + 4 * d[at + 7];
    group++;
  }
  return at === d.length ? undefined : 'RTPG descriptors run past RETURN DATA LENGTH';
}
