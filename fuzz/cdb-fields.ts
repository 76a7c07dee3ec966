// The fields the answer checker reads back out of a CDB, by its operation code, independently of
// the stack's codec: the CDB as the array sees it (zero-padded to 16 bytes), its length by group,
// the allocation length that bounds the data-in, and LBA and block count of the block commands.

const GROUP_LENGTHS = [6, 10, 10, 0, 16, 12, 0, 0];

export const cdbLength = (op: number): number => GROUP_LENGTHS[op >> 5];

export const be16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];
export const be32 = (b: Uint8Array, at: number): number => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
export const be64 = (b: Uint8Array, at: number): number => be32(b, at) * 2 ** 32 + be32(b, at + 4);

/** The CDB as the target reads it: the bytes sent, then zeros up to 16. */
export function padded(cdb: Uint8Array): Uint8Array {
  const c = new Uint8Array(16);
  c.set(cdb.subarray(0, 16));
  return c;
}

/** Most data-in bytes the command may return (before the buffer's own size is applied). */
export function allocationLength(c: Uint8Array, blockSize: number): number {
  switch (c[0]) {
    case 0x12: return be16(c, 3);
    case 0x03: case 0x1a: return c[4];
    case 0x5a: return be16(c, 7);
    case 0xa0: case 0xa3: return be32(c, 6);
    case 0x84: case 0x9e: return be32(c, 10);
    case 0x25: return 8;
    case 0x28: return be16(c, 7) * blockSize;
    case 0x88: return be32(c, 10) * blockSize;
    default: return 0;
  }
}

/** LBA and NUMBER OF LOGICAL BLOCKS of a block command, or undefined for other commands. */
export function blockRange(c: Uint8Array): { lba: number; count: number } | undefined {
  switch (c[0]) {
    case 0x28: case 0x2a: return { lba: be32(c, 2), count: be16(c, 7) };
    case 0x88: case 0x8a: case 0x93: return { lba: be64(c, 2), count: be32(c, 10) };
    case 0x89: return { lba: be64(c, 2), count: c[13] };
    default: return undefined;
  }
}

/** Opcodes the codec decodes; any other must be refused with 20/00 INVALID COMMAND OPERATION CODE. */
export const CODEC_OPCODES = new Set([0x00, 0x03, 0x12, 0x1a, 0x1b, 0x25, 0x28, 0x2a, 0x35, 0x42, 0x5a, 0x83, 0x84, 0x88, 0x89, 0x8a, 0x93, 0x9e, 0xa0, 0xa3, 0xa4]);

/** Opcodes every LUN of every array implements: 20/00 for them is wrong. */
export const ALWAYS_IMPLEMENTED = new Set([0x00, 0x03, 0x12, 0x1a, 0x1b, 0x25, 0x28, 0x2a, 0x35, 0x5a, 0x88, 0x89, 0x8a, 0x93, 0x9e, 0xa0]);

/** Commands answered whatever the LUN (before any unit attention or LUN check). */
export const ANSWERED_WITHOUT_LUN = new Set([0x12, 0xa0, 0x03]);
