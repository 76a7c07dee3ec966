// The valid-answer checker for one CDB: decides from SPC/SBC whether an array's answer is one a
// real target could give (reference/scsi.md). A valid status; with CHECK CONDITION sense data that
// decodes, whose field pointer points inside what it names, with the condition the command and LUN
// allow (no unit attention on INQUIRY, LOGICAL UNIT NOT SUPPORTED only where no LUN is, INVALID
// COMMAND OPERATION CODE only for what the LUN does not implement); data-in no longer than allowed;
// and the block commands against the shadow (cdb-blocks.ts). Returns what is wrong, or undefined.

import type { LogicalUnit } from '../src/stack/arrays/logical-unit';
import type { CdbCodec } from '../src/stack/scsi/cdb-codec';
import type { SgResponse } from '../src/stack/initiator/sg-request';
import { checkBlocks, type NaaLookup } from './cdb-blocks';
import { checkDataIn } from './cdb-data';
import { allocationLength, ALWAYS_IMPLEMENTED, ANSWERED_WITHOUT_LUN, be16, be32, cdbLength, CODEC_OPCODES, padded } from './cdb-fields';
import type { CdbCase } from './cdb-gen';
import { crossCheck, decodeSense, type DecodedSense } from './sense-check';
import type { Shadow } from './shadow';

/** SAM status codes a target may return (reference/scsi.md §3). */
const STATUSES = new Set([0x00, 0x02, 0x04, 0x08, 0x18, 0x28]);

/** What the checker knows about where the command went. */
export interface Destination {
  /** The addressed LU (undefined: no LUN there for this initiator). */
  lun: LogicalUnit | undefined;
  personality: 'active-active' | 'active-passive' | 'alua';
  /** The array answers SET TARGET PORT GROUPS (explicit ALUA). */
  setGroups: boolean;
  /** The array is an EXTENDED COPY manager (its LUNs have NAA designators). */
  copyManager: boolean;
  lookup: NaaLookup;
}

export function checkAnswer(codec: CdbCodec, k: CdbCase, to: Destination, r: SgResponse, shadow: Shadow): string | undefined {
  const c = padded(k.cdb);
  const op = c[0];
  const lun = to.lun;
  if (r.hostStatus !== 0 && r.hostStatus !== 0x7) return `host status ${r.hostStatus}: the port should answer`;
  if (!STATUSES.has(r.status)) return `status 0x${r.status.toString(16)} is not a SAM status`;
  if (r.status !== 0x02 && r.sense.length > 0) return `sense data with status 0x${r.status.toString(16)}`;
  let sense: DecodedSense | undefined;
  if (r.status === 0x02) {
    const d = decodeSense(r.sense);
    if (typeof d === 'string') return d;
    const cross = crossCheck(codec, r.sense, d);
    if (cross) return cross;
    sense = d;
    const wrong = checkCondition(c, k, to, d);
    if (wrong) return wrong;
  }
  if (r.status !== 0x00 && r.dataIn.length > 0) return `${r.dataIn.length} bytes of data-in with status 0x${r.status.toString(16)}`;
  const buffer = k.dataOut ? 0 : k.dataIn;
  const limit = Math.min(allocationLength(c, lun?.blockSize ?? 512), buffer);
  if (r.status === 0x00 && r.hostStatus === 0) {
    if (!CODEC_OPCODES.has(op)) return `GOOD for opcode ${op.toString(16)}, which the arrays do not implement`;
    if (!lun && !ANSWERED_WITHOUT_LUN.has(op)) return `GOOD for opcode ${op.toString(16)} where no LUN is`;
    const bad = checkDataIn(c, r.dataIn, limit, lun);
    if (bad) return bad;
  }
  if (lun) return checkBlocks(c, k.dataOut, limit, lun, { status: r.status, hostStatus: r.hostStatus, dataIn: r.dataIn, sense }, shadow, to.lookup);
  return r.hostStatus === 0 ? undefined : `host status ${r.hostStatus} where no LUN is`;
}

/** Whether this CHECK CONDITION fits the command and the LUN. */
function checkCondition(c: Uint8Array, k: CdbCase, to: Destination, s: DecodedSense): string | undefined {
  const op = c[0];
  const code = `${s.key.toString(16)}/${s.asc.toString(16).padStart(2, '0')}/${s.ascq.toString(16).padStart(2, '0')}`;
  if (s.field) {
    const within = s.field.cdb ? cdbLength(op) || 16 : parameterListLength(c, k);
    if (s.field.byte >= within) return `${code} points at byte ${s.field.byte} of a ${s.field.cdb ? 'CDB' : 'parameter list'} of ${within} bytes`;
  }
  if (s.key === 0x6 && ANSWERED_WITHOUT_LUN.has(op)) return `unit attention ${code} on opcode ${op.toString(16)}, which SPC-4 answers without one`;
  if (s.asc === 0x25 && to.lun) return `${code} LOGICAL UNIT NOT SUPPORTED where a LUN answers`;
  if (s.asc === 0x20) {
    if (ALWAYS_IMPLEMENTED.has(op)) return `${code} for opcode ${op.toString(16)}, which every LUN implements`;
    if (op === 0x42 && to.lun?.thin) return `${code} for UNMAP on a thin LUN`;
    if ((op === 0x83 || op === 0x84) && to.copyManager) return `${code} for a copy command on a copy manager`;
    if (op === 0xa3 && to.personality === 'alua') return `${code} for REPORT TARGET PORT GROUPS on an ALUA array`;
    if (op === 0xa4 && to.setGroups) return `${code} for SET TARGET PORT GROUPS on an explicit ALUA array`;
  }
  if (!to.lun && s.asc !== 0x25 && s.asc !== 0x20 && s.asc !== 0x24 && !ANSWERED_WITHOUT_LUN.has(op)) {
    return `${code} where no LUN is (05/25/00 expected)`;
  }
  if (s.key === 0x2 && s.asc === 0x04) {
    if (s.ascq === 0x03 && to.personality !== 'active-passive') return `${code} (passive path) on a ${to.personality} array`;
    if (s.ascq !== 0x03 && to.personality !== 'alua') return `${code} (ALUA state) on a ${to.personality} array`;
  }
  return undefined;
}

/** The data-out length the command announces (its parameter list length), bounded by what was sent. */
function parameterListLength(c: Uint8Array, k: CdbCase): number {
  const sent = k.dataOut?.length ?? 0;
  switch (c[0]) {
    case 0x42: return Math.min(be16(c, 7), sent);
    case 0xa4: return Math.min(be32(c, 6), sent);
    case 0x83: return Math.min(be32(c, 10), sent);
    default: return sent;
  }
}
