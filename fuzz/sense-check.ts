// Is this valid sense data? Decided from the bytes alone, by SPC-4 4.5 (reference/scsi.md §3),
// independently of the stack's own sense codec, then cross-checked with that codec: response code,
// additional length consistent with the bytes, a sense key and an ASC/ASCQ that SPC assigns and
// that belong together, a sense-key-specific field pointer that points inside what it names.

import type { CdbCodec } from '../src/stack/scsi/cdb-codec';
import { parseSense } from '../src/stack/scsi/cdb-fields';

export interface DecodedSense {
  key: number;
  asc: number;
  ascq: number;
  /** INFORMATION, when VALID. */
  info: number | undefined;
  /** Sense-key-specific field pointer, when SKSV: C/D (in the CDB), byte, bit (undefined without BPV). */
  field: { cdb: boolean; byte: number; bit: number | undefined } | undefined;
}

/**
 * The ASC/ASCQ pairs an SBC disk target may report (SPC-4 table D.1), each with the sense keys it
 * goes with. A pair outside this table, or with another key, is an invalid answer.
 */
const PAIRS: Record<string, number[]> = {
  '00/00': [0x0, 0x1],
  '04/03': [0x2],
  '04/0a': [0x2],
  '04/0b': [0x2],
  '04/0c': [0x2],
  '04/12': [0x2],
  '0d/02': [0xa],
  '11/00': [0x3],
  '1a/00': [0x5],
  '1d/00': [0xe],
  '20/00': [0x5],
  '21/00': [0x5],
  '24/00': [0x5],
  '25/00': [0x5],
  '26/00': [0x5],
  '26/06': [0x5],
  '26/07': [0x5],
  '26/08': [0x5],
  '26/09': [0x5],
  '26/0a': [0x5],
  '26/0b': [0x5],
  '27/00': [0x7],
  '27/07': [0x7],
  '29/00': [0x6],
  '29/07': [0x6],
  '2a/01': [0x6],
  '2a/06': [0x6],
  '2a/07': [0x6],
  '2a/09': [0x6],
  '39/00': [0x5],
  '3f/03': [0x6],
  '3f/0e': [0x6],
  '44/00': [0x4],
  '55/03': [0x5],
};

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
export const toHex = (bytes: ArrayLike<number>): string => Array.from(bytes, hex2).join(' ');

/** Decodes sense bytes or says what is wrong with them (a string). */
export function decodeSense(s: Uint8Array): DecodedSense | string {
  if (s.length < 8) return `sense data of ${s.length} bytes (at least 8 needed)`;
  const response = s[0] & 0x7f;
  if (8 + s[7] !== s.length) return `ADDITIONAL SENSE LENGTH ${s[7]} does not match ${s.length} bytes of sense`;
  let d: DecodedSense;
  if (response === 0x70 || response === 0x71) {
    if (s.length < 18) return `fixed-format sense of ${s.length} bytes (18 needed for ASC/ASCQ and the SKS bytes)`;
    const info = (s[3] * 2 ** 24) + ((s[4] << 16) | (s[5] << 8) | s[6]);
    d = { key: s[2] & 0x0f, asc: s[12], ascq: s[13], info: s[0] & 0x80 ? info : undefined, field: sks(s, 15) };
  } else if (response === 0x72 || response === 0x73) {
    d = { key: s[1] & 0x0f, asc: s[2], ascq: s[3], info: undefined, field: undefined };
    for (let at = 8; at < s.length; ) {
      if (at + 2 > s.length) return `a sense descriptor header is cut at byte ${at}`;
      const type = s[at];
      const length = s[at + 1];
      if (at + 2 + length > s.length) return `sense descriptor type ${hex2(type)} at byte ${at} runs past the end`;
      if (type === 0x00) {
        if (length !== 0x0a) return `information descriptor with length ${length} (0x0a expected)`;
        if (s[at + 2] & 0x80) d.info = (s[at + 4] * 2 ** 24 + ((s[at + 5] << 16) | (s[at + 6] << 8) | s[at + 7])) * 2 ** 32
          + (s[at + 8] * 2 ** 24 + ((s[at + 9] << 16) | (s[at + 10] << 8) | s[at + 11]));
      } else if (type === 0x02) {
        if (length !== 0x06) return `sense-key-specific descriptor with length ${length} (0x06 expected)`;
        d.field = sks(s, at + 4);
      } else {
        return `unexpected sense descriptor type ${hex2(type)}`;
      }
      at += 2 + length;
    }
  } else {
    return `response code ${hex2(s[0])} is neither fixed (70/71) nor descriptor (72/73) format`;
  }
  const pair = `${hex2(d.asc)}/${hex2(d.ascq)}`;
  const keys = PAIRS[pair];
  if (!keys) return `ASC/ASCQ ${pair} is not one an SBC disk target reports`;
  if (!keys.includes(d.key)) return `sense key ${d.key} does not go with ASC/ASCQ ${pair}`;
  return d;
}

function sks(s: Uint8Array, at: number): DecodedSense['field'] {
  const b0 = s[at];
  if (!(b0 & 0x80)) return undefined;
  return { cdb: (b0 & 0x40) !== 0, byte: (s[at + 1] << 8) | s[at + 2], bit: b0 & 0x08 ? b0 & 7 : undefined };
}

/** The stack's own sense parser must read the same fields (it is what the console prints from). */
export function crossCheck(codec: CdbCodec, s: Uint8Array, d: DecodedSense): string | undefined {
  const p = parseSense(codec, s);
  if (!p) return 'the stack\'s sense parser refuses sense data that decodes';
  if (p.key !== d.key || p.asc !== d.asc || p.ascq !== d.ascq) return 'the stack\'s sense parser reads another key/ASC/ASCQ';
  if (p.sksValid !== (d.field !== undefined) || (d.field && (p.fieldPointer !== d.field.byte || p.cd !== d.field.cdb))) {
    return 'the stack\'s sense parser reads another field pointer';
  }
  return undefined;
}
