// CDBs to throw at the arrays: valid ones (every command the arrays implement and some they do
// not, with in-range fields and well-formed parameter lists), the same mutated (bits flipped,
// reserved bits set, huge lengths, LBAs at and past the end, CDBs cut short or padded, data-out cut,
// padded or replaced), and random bytes. Seeded: the same seed gives the same cases.

import type { LogicalUnit } from '../src/stack/arrays/logical-unit';
import { SeededRandom } from '../src/stack/sim/random';
import { cdb12, cdb16, fillLba, fillLength, putLba64, rw10, rw16 } from './cdb-bytes';

export type Origin = 'valid' | 'mutated' | 'random';

export interface CdbCase {
  cdb: Uint8Array;
  /** Data-out (the command is sent as a data-out one), or undefined for data-in of `dataIn` bytes. */
  dataOut: Uint8Array | undefined;
  dataIn: number;
  origin: Origin;
}

/** What the generator knows of the LUN it writes a valid command for. */
export interface LunView {
  blocks: number;
  blockSize: number;
  /** NAA designators of the array's LUNs (EXTENDED COPY names them), empty when it has none. */
  naas: Uint8Array[];
  /** Current bytes of blocks, so a valid COMPARE AND WRITE can match (the shadow). */
  read(lba: number, count: number, out: Uint8Array): void;
}

/** Valid writes stay below this LBA; the reserved pattern lives above it (cdb-targets.ts). */
export const WRITE_WINDOW = 1024;

/** Opcodes the arrays do not implement: they must answer 20/00 (or refuse a field first). */
const UNSUPPORTED = [0x04, 0x08, 0x0a, 0x15, 0x1d, 0x2f, 0x41, 0x4d, 0x55, 0x5e, 0x5f, 0x7f, 0x8f, 0xa8, 0xaa, 0xb7, 0x48, 0x9b];
/** Every opcode the codec knows, for random CDBs that should get past the first check. */
const KNOWN = [0x00, 0x03, 0x12, 0x1a, 0x1b, 0x25, 0x28, 0x2a, 0x35, 0x42, 0x5a, 0x83, 0x84, 0x88, 0x89, 0x8a, 0x93, 0x9e, 0xa0, 0xa3, 0xa4];
const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 18, 31, 32, 36, 63, 64, 95, 96, 252, 255, 256, 4095, 4096, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0xffffffff];

export class CdbGenerator {
  constructor(private readonly r: SeededRandom) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[this.r.below(xs.length)];
  }

  private chance(p: number): boolean {
    return this.r.next() < p;
  }

  private bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const x = this.r.nextU32();
      for (let k = 0; k < 4 && i + k < n; k++) b[i + k] = x >>> (8 * k);
    }
    return b;
  }

  /** A small LBA inside the write window, or one at the LUN's end. */
  private lba(lun: LunView, count: number): number {
    if (this.chance(0.1)) return Math.max(0, lun.blocks - count - this.r.below(3));
    return this.r.below(Math.max(1, Math.min(WRITE_WINDOW, lun.blocks) - count));
  }

  next(lun: LunView): CdbCase {
    const roll = this.r.next();
    if (roll < 0.45) return this.valid(lun);
    if (roll < 0.85) return this.mutate(this.valid(lun));
    return this.random();
  }

  random(): CdbCase {
    const length = 1 + this.r.below(16);
    const cdb = this.bytes(length);
    if (this.chance(0.6)) cdb[0] = this.pick(KNOWN);
    const dataOut = this.chance(0.3) ? this.bytes(this.pick([0, 1, 8, 24, 512, 1024, 4096])) : undefined;
    return { cdb, dataOut, dataIn: this.pick([0, 512, 4096, 65536]), origin: 'random' };
  }

  valid(lun: LunView): CdbCase {
    const r = this.r;
    const c: CdbCase = { cdb: new Uint8Array(0), dataOut: undefined, dataIn: 4096, origin: 'valid' };
    const alloc = () => this.pick([0, 4, 8, 16, 36, 96, 252, 255, 512, 4096, 0xffff]);
    const choice = r.below(100);
    if (choice < 4) c.cdb = Uint8Array.of(0x00, 0, 0, 0, 0, 0);
    else if (choice < 7) c.cdb = Uint8Array.of(0x03, r.below(2), 0, 0, this.pick([0, 8, 18, 32, 252]), 0);
    else if (choice < 14) {
      const evpd = this.chance(0.6);
      const n = alloc();
      c.cdb = Uint8Array.of(0x12, evpd ? 1 : 0, evpd ? this.pick([0x00, 0x80, 0x83, 0xb0, 0xb2, 0xb1, 0x86]) : 0, n >> 8, n & 0xff, 0);
    } else if (choice < 17) {
      c.cdb = Uint8Array.of(0x1a, r.below(2) << 3, (r.below(4) << 6) | this.pick([0x08, 0x0a, 0x3f, 0x1c]), 0, this.pick([0, 4, 12, 24, 255]), 0);
    } else if (choice < 20) {
      const n = alloc();
      c.cdb = Uint8Array.of(0x5a, (r.below(2) << 4) | (r.below(2) << 3), (r.below(4) << 6) | this.pick([0x08, 0x0a, 0x3f]), 0, 0, 0, 0, n >> 8, n & 0xff, 0);
    } else if (choice < 22) c.cdb = Uint8Array.of(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    else if (choice < 25) c.cdb = cdb16(0x9e, 0x10, 0, this.pick([0, 8, 12, 32, 64]));
    else if (choice < 28) c.cdb = cdb12(0xa0, 0, this.pick([0, 1, 2, 0x10, 0x11, 0x12]), this.pick([16, 24, 64, 4096, 0xffffffff]));
    else if (choice < 31) c.cdb = cdb12(0xa3, this.pick([0x0a, 0x2a]), 0, this.pick([4, 8, 16, 36, 64, 1024]));
    else if (choice < 33) this.stpg(c);
    else if (choice < 34) c.cdb = Uint8Array.of(0x1b, r.below(2), 0, 0, r.below(2), 0);
    else if (choice < 36) c.cdb = Uint8Array.of(0x35, r.below(2) << 1, 0, 0, 0, r.below(8), 0, 0, r.below(16), 0);
    else if (choice < 52) this.read(c, lun);
    else if (choice < 70) this.write(c, lun);
    else if (choice < 76) this.compareAndWrite(c, lun);
    else if (choice < 81) this.writeSame(c, lun);
    else if (choice < 86) this.unmap(c, lun);
    else if (choice < 90) this.extendedCopy(c, lun);
    else if (choice < 93) c.cdb = cdb16(0x84, this.pick([0x00, 0x03]), r.below(4), this.pick([0, 12, 46, 64, 4096]));
    else {
      c.cdb = new Uint8Array([6, 10, 10, 16, 16, 12, 10, 10][r.below(8)]);
      c.cdb[0] = this.pick(UNSUPPORTED);
    }
    return c;
  }

  private read(c: CdbCase, lun: LunView): void {
    const count = this.pick([0, 1, 1, 2, 8, 16, 64, 128]);
    const lba = this.lba(lun, count);
    c.cdb = this.chance(0.5) ? rw10(0x28, lba, count) : rw16(0x88, lba, count);
    if (this.chance(0.2)) c.cdb[1] |= 0x08; // FUA
    c.dataIn = this.chance(0.8) ? count * lun.blockSize : this.pick([0, 512, 4096, 65536]);
  }

  private write(c: CdbCase, lun: LunView): void {
    const count = this.pick([0, 1, 1, 2, 4, 8, 16]);
    const lba = this.lba(lun, count);
    c.cdb = this.chance(0.5) && lba < 2 ** 32 ? rw10(0x2a, lba, count) : rw16(0x8a, lba, count);
    if (this.chance(0.2)) c.cdb[1] |= 0x08;
    c.dataOut = this.bytes(count * lun.blockSize);
  }

  private compareAndWrite(c: CdbCase, lun: LunView): void {
    const count = this.pick([0, 1, 1, 1, 2, 8, 9]);
    const lba = this.lba(lun, count);
    c.cdb = cdb16(0x89, 0, 0, 0);
    putLba64(c.cdb, 2, lba);
    c.cdb[13] = count;
    const bytes = count * lun.blockSize;
    c.dataOut = this.bytes(2 * bytes);
    // Mostly the blocks as they are (the test succeeds), sometimes one byte off (a miscompare).
    if (this.chance(0.7)) lun.read(lba, count, c.dataOut.subarray(0, bytes));
    if (bytes > 0 && this.chance(0.2)) c.dataOut[this.r.below(bytes)] ^= 1 << this.r.below(8);
  }

  private writeSame(c: CdbCase, lun: LunView): void {
    const count = this.pick([0, 1, 2, 8, 64, 65]);
    const lba = this.lba(lun, count);
    c.cdb = cdb16(0x93, this.pick([0x00, 0x00, 0x08, 0x01, 0x09]), 0, count);
    putLba64(c.cdb, 2, lba);
    const zero = this.chance(0.3);
    c.dataOut = c.cdb[1] & 1 ? new Uint8Array(0) : zero ? new Uint8Array(lun.blockSize) : this.bytes(lun.blockSize);
  }

  private unmap(c: CdbCase, lun: LunView): void {
    const n = this.r.below(4);
    const list = new Uint8Array(8 + 16 * n);
    const dv = new DataView(list.buffer);
    dv.setUint16(0, list.length - 2);
    dv.setUint16(2, 16 * n);
    for (let i = 0; i < n; i++) {
      const count = this.pick([0, 1, 8, 64, 100]);
      putLba64(list, 8 + 16 * i, this.lba(lun, count));
      dv.setUint32(16 + 16 * i, count);
    }
    c.cdb = Uint8Array.of(0x42, 0, 0, 0, 0, 0, 0, list.length >> 8, list.length & 0xff, 0);
    c.dataOut = list;
  }

  /** EXTENDED COPY (LID1): two identification CSCD descriptors naming LUNs by NAA, one or two segments. */
  private extendedCopy(c: CdbCase, lun: LunView): void {
    const naas = lun.naas.length > 0 ? lun.naas : [this.bytes(16)];
    const targets = [this.pick(naas), this.pick(naas)];
    const segments = 1 + this.r.below(2);
    const list = new Uint8Array(16 + 32 * targets.length + 28 * segments);
    const dv = new DataView(list.buffer);
    list[0] = this.r.below(256);
    list[1] = this.chance(0.5) ? 0x18 : 0x00; // LIST ID USAGE 11b: no list identifier
    if (list[1]) list[0] = 0;
    dv.setUint16(2, 32 * targets.length);
    dv.setUint32(8, 28 * segments);
    targets.forEach((naa, i) => {
      const at = 16 + 32 * i;
      list[at] = 0xe4;
      list[at + 4] = 0x01;
      list[at + 5] = 0x03;
      list[at + 7] = naa.length;
      list.set(naa, at + 8);
      const bs = lun.blockSize;
      list[at + 29] = bs >> 16;
      list[at + 30] = (bs >> 8) & 0xff;
      list[at + 31] = bs & 0xff;
    });
    for (let s = 0; s < segments; s++) {
      const at = 16 + 32 * targets.length + 28 * s;
      const blocks = this.pick([0, 1, 8, 16]);
      list[at] = 0x02;
      dv.setUint16(at + 2, 24);
      dv.setUint16(at + 4, this.r.below(2));
      dv.setUint16(at + 6, this.r.below(2));
      dv.setUint16(at + 10, blocks);
      putLba64(list, at + 12, this.r.below(WRITE_WINDOW - 16));
      putLba64(list, at + 20, this.r.below(WRITE_WINDOW - 16));
    }
    c.cdb = cdb16(0x83, 0, 0, list.length);
    c.dataOut = list;
  }

  private stpg(c: CdbCase): void {
    const n = 1 + this.r.below(2);
    const list = new Uint8Array(4 + 4 * n);
    for (let i = 0; i < n; i++) {
      // Mostly active/optimized, so the ALUA array does not sit in standby for the whole run.
      list[4 + 4 * i] = this.chance(0.7) ? 0 : this.pick([0x1, 0x2, 0x3, 0xe, 0x5]);
      list[7 + 4 * i] = this.pick([1, 2, 1, 2, 3, 0]);
    }
    c.cdb = cdb12(0xa4, 0x0a, 0, list.length);
    c.dataOut = list;
  }

  /** One to three mutations of a valid case: CDB bits and fields, its length, its data. */
  mutate(c: CdbCase): CdbCase {
    const r = this.r;
    let cdb: Uint8Array = c.cdb.slice();
    let dataOut: Uint8Array | undefined = c.dataOut?.slice();
    let dataIn = c.dataIn;
    for (let n = 1 + r.below(3); n > 0; n--) {
      const what = r.below(11);
      const at = r.below(cdb.length);
      if (what === 0) cdb[at] ^= 1 << r.below(8);
      else if (what === 1) cdb[at] = this.pick([0x00, 0xff, 0x80, 0x01, r.below(256)]);
      else if (what === 2) cdb[1] |= 1 << r.below(8); // reserved and obsolete bits of byte 1
      else if (what === 3) cdb[cdb.length - 1] = this.pick([0x04, 0x01, 0x80, 0xff]); // control: NACA, link, vendor
      else if (what === 4) fillLength(cdb, this.pick(SIZES)); // allocation, transfer or list length
      else if (what === 5) fillLba(cdb, this.pick([2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, r.nextU32(), 0]));
      else if (what === 6) cdb = cdb.subarray(0, 1 + r.below(Math.max(1, cdb.length - 1))).slice();
      else if (what === 7) cdb = Uint8Array.from([...cdb, ...this.bytes(1 + r.below(16 - Math.min(15, cdb.length)))]).slice(0, 16);
      else if (what === 8 && dataOut) dataOut = dataOut.subarray(0, r.below(dataOut.length + 1)).slice();
      else if (what === 9 && dataOut) dataOut = Uint8Array.from([...dataOut, ...this.bytes(1 + r.below(600))]);
      else if (what === 10) {
        if (dataOut && this.chance(0.5)) {
          for (let i = 0; i < 1 + r.below(4) && dataOut.length > 0; i++) dataOut[r.below(dataOut.length)] = r.below(256);
        } else if (dataOut) {
          dataOut = undefined; // sent as a data-in command instead
          dataIn = this.pick([0, 512, 4096, 65536]);
        } else {
          dataOut = this.bytes(this.pick([0, 16, 512, 4096])); // data-out for a data-in command
        }
      }
    }
    return { cdb, dataOut, dataIn, origin: 'mutated' };
  }
}

/** The generator's view of a LUN (its geometry and current blocks), or a stand-in for a missing one. */
export function lunView(lun: LogicalUnit | undefined, naas: Uint8Array[], read: LunView['read']): LunView {
  return { blocks: lun?.blocks ?? 4096, blockSize: lun?.blockSize ?? 512, naas, read };
}
