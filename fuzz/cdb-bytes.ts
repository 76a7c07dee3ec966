// CDB bytes for the generator: the layouts of the 10-, 12- and 16-byte commands it builds, and the
// length and LBA fields of whichever command a CDB holds, for mutations that hit them on purpose.

export function cdb12(op: number, b1: number, b2: number, length: number): Uint8Array {
  const c = Uint8Array.of(op, b1, b2, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  new DataView(c.buffer).setUint32(6, length >>> 0);
  return c;
}

export function cdb16(op: number, b1: number, b2: number, length: number): Uint8Array {
  const c = new Uint8Array(16);
  c[0] = op;
  c[1] = b1;
  c[2] = b2;
  new DataView(c.buffer).setUint32(10, length >>> 0);
  return c;
}

export function rw10(op: number, lba: number, count: number): Uint8Array {
  const c = new Uint8Array(10);
  const dv = new DataView(c.buffer);
  c[0] = op;
  dv.setUint32(2, lba >>> 0);
  dv.setUint16(7, count);
  return c;
}

export function rw16(op: number, lba: number, count: number): Uint8Array {
  const c = cdb16(op, 0, 0, count);
  putLba64(c, 2, lba);
  return c;
}

export function putLba64(b: Uint8Array, at: number, lba: number): void {
  const dv = new DataView(b.buffer, b.byteOffset);
  dv.setUint32(at, Math.floor(lba / 2 ** 32));
  dv.setUint32(at + 4, lba >>> 0);
}

/** Writes `n` into the length field of whichever command the CDB holds (by its opcode's layout). */
export function fillLength(cdb: Uint8Array, n: number): void {
  const dv = new DataView(cdb.buffer, cdb.byteOffset, cdb.length);
  const op = cdb[0];
  const put16 = (at: number) => at + 2 <= cdb.length && dv.setUint16(at, n & 0xffff);
  const put32 = (at: number) => at + 4 <= cdb.length && dv.setUint32(at, n >>> 0);
  if (op === 0x12) put16(3);
  else if (op === 0x03 || op === 0x1a) cdb.length > 4 && (cdb[4] = n & 0xff);
  else if (op === 0x28 || op === 0x2a || op === 0x35 || op === 0x42 || op === 0x5a) put16(7);
  else if (op === 0xa0 || op === 0xa3 || op === 0xa4) put32(6);
  else if (op === 0x89) cdb.length > 13 && (cdb[13] = n & 0xff);
  else if (cdb.length >= 14) put32(10);
}

export function fillLba(cdb: Uint8Array, lba: number): void {
  const op = cdb[0];
  if ((op === 0x28 || op === 0x2a || op === 0x35) && cdb.length >= 6) new DataView(cdb.buffer, cdb.byteOffset).setUint32(2, lba >>> 0);
  else if ((op === 0x88 || op === 0x8a || op === 0x89 || op === 0x93) && cdb.length >= 10) putLba64(cdb, 2, lba);
}
