// One command being served by an array: the decoded CDB fields and the ways to answer it.
// Exchanges are pooled per array, so serving a command allocates nothing.

import * as L from '../../../asm/cdb/layout';
import type { CdbCodec } from '../scsi/cdb-codec';
import type { ScsiCommand } from '../scsi/command';
import { SenseKey, Status } from '../scsi/status';
import type { Arena } from '../memory/arena';
import { writeToSgl } from '../memory/sgl';
import type { LogicalUnit } from './logical-unit';
import type { TargetPort } from './ports';

export type Completion = (cmd: ScsiCommand) => void;

export class Exchange {
  cmd!: ScsiCommand;
  port!: TargetPort;
  /** The addressed LUN, or undefined when no LUN answers at that number. */
  lun: LogicalUnit | undefined;
  lunNumber = 0;
  done!: Completion;

  // Decoded CDB fields (see asm/cdb/layout.ts).
  opcode = 0;
  serviceAction = 0;
  result = 0;
  fieldPointer = 0;
  bitPointer = 0;
  protect = 0;
  flags = 0;
  lba = 0;
  length = 0;
  page = 0;
  subpage = 0;
  param = 0;

  constructor(
    private readonly codec: CdbCodec,
    private readonly arena: Arena,
    private readonly release: (x: Exchange) => void,
  ) {}

  /** Decodes the command's CDB through the codec (wasm or its twin). */
  decode(): void {
    const { codec, cmd } = this;
    const at = codec.slotsOffset; // slot 0: decoding is synchronous, so one slot serves the array
    codec.bytes.set(cmd.cdb, at + L.SLOT_CDB);
    codec.decode(0, 1);
    const v = codec.view;
    this.opcode = v.getUint8(at + L.SLOT_OPCODE);
    this.serviceAction = v.getUint8(at + L.SLOT_SA);
    this.result = v.getUint8(at + L.SLOT_RESULT);
    this.fieldPointer = v.getUint16(at + L.SLOT_FIELD_PTR, true);
    this.bitPointer = v.getUint8(at + L.SLOT_BIT_PTR);
    this.protect = v.getUint8(at + L.SLOT_PROTECT);
    this.flags = v.getUint32(at + L.SLOT_FLAGS, true);
    this.lba = v.getUint32(at + L.SLOT_LBA_HI, true) * 4294967296 + v.getUint32(at + L.SLOT_LBA_LO, true);
    this.length = v.getUint32(at + L.SLOT_LENGTH, true);
    this.page = v.getUint8(at + L.SLOT_PAGE);
    this.subpage = v.getUint8(at + L.SLOT_SUBPAGE);
    this.param = v.getUint8(at + L.SLOT_PARAM);
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** Answers with data-in: at most `allocation` bytes of `data` reach the initiator. */
  dataIn(data: Uint8Array, allocation: number): void {
    const { cmd } = this;
    cmd.transferred = writeToSgl(this.arena, cmd.sgl, cmd.nseg, data, Math.min(allocation, cmd.dataLength));
    this.good();
  }

  good(): void {
    this.cmd.status = Status.GOOD;
    this.finish();
  }

  /** CHECK CONDITION with sense data in the LUN's format. */
  checkCondition(key: number, asc: number, ascq: number, info?: number): void {
    this.writeSense(key, asc, ascq, info, -1, 0, true);
    this.cmd.status = Status.CHECK_CONDITION;
    this.finish();
  }

  /** ILLEGAL REQUEST, INVALID FIELD IN CDB (24/00) or IN PARAMETER LIST (26/00), with the field pointer. */
  invalidField(byte: number, bit: number = L.NO_BIT_PTR, inCdb = true): void {
    this.writeSense(SenseKey.ILLEGAL_REQUEST, inCdb ? 0x24 : 0x26, 0, undefined, byte, bit, inCdb);
    this.cmd.status = Status.CHECK_CONDITION;
    this.finish();
  }

  /**
   * ILLEGAL REQUEST about the parameter list (data-out): 26/`ascq` (00 INVALID FIELD IN PARAMETER
   * LIST, 06..09 the EXTENDED COPY descriptor variants) with a field pointer into the list (C/D 0).
   */
  invalidParameter(byte: number, bit: number = L.NO_BIT_PTR, ascq = 0): void {
    this.writeSense(SenseKey.ILLEGAL_REQUEST, 0x26, ascq, undefined, byte, bit, false);
    this.cmd.status = Status.CHECK_CONDITION;
    this.finish();
  }

  /** Sense bytes for a condition with no information or field pointer (REQUEST SENSE data). */
  buildSense(key: number, asc: number, ascq: number, descriptor: boolean): Uint8Array {
    return this.encodeSense(descriptor, key, asc, ascq, undefined, -1, 0, true).slice();
  }

  private writeSense(key: number, asc: number, ascq: number, info: number | undefined, fieldPtr: number, bitPtr: number, cd: boolean): void {
    const sense = this.encodeSense(this.lun?.descriptorSense ?? false, key, asc, ascq, info, fieldPtr, bitPtr, cd);
    this.cmd.sense.set(sense);
    this.cmd.senseLength = sense.length;
  }

  private encodeSense(
    descriptor: boolean, key: number, asc: number, ascq: number,
    info: number | undefined, fieldPtr: number, bitPtr: number, cd: boolean,
  ): Uint8Array {
    return encodeSense(this.codec, descriptor, key, asc, ascq, info, fieldPtr, bitPtr, cd);
  }

  private finish(): void {
    const { cmd, done } = this;
    this.release(this);
    done(cmd);
  }
}

/** Builds sense data through the codec (sense slot 0); returns a view of the codec's bytes. */
export function encodeSense(
  codec: CdbCodec, descriptor: boolean, key: number, asc: number, ascq: number,
  info: number | undefined = undefined, fieldPtr = -1, bitPtr = 0, cd = true,
): Uint8Array {
  const s = codec.senseOffset;
  const v = codec.view;
  v.setUint8(s + L.SENSE_RESPONSE, descriptor ? 0x72 : 0x70);
  v.setUint8(s + L.SENSE_KEY, key);
  v.setUint8(s + L.SENSE_ASC, asc);
  v.setUint8(s + L.SENSE_ASCQ, ascq);
  v.setUint8(s + L.SENSE_INFO_VALID, info === undefined ? 0 : 1);
  v.setUint32(s + L.SENSE_INFO_LO, (info ?? 0) >>> 0, true);
  v.setUint32(s + L.SENSE_INFO_HI, Math.floor((info ?? 0) / 4294967296), true);
  v.setUint8(s + L.SENSE_SKS_VALID, fieldPtr >= 0 ? 1 : 0);
  v.setUint8(s + L.SENSE_CD, cd ? 1 : 0);
  v.setUint8(s + L.SENSE_BIT_PTR, bitPtr);
  v.setUint16(s + L.SENSE_FIELD_PTR, Math.max(fieldPtr, 0), true);
  codec.encodeSense(0, 1);
  const len = v.getUint8(s + L.SENSE_LEN);
  return codec.bytes.subarray(s + L.SENSE_OUT, s + L.SENSE_OUT + len);
}
