// The CDB and sense codec behind one interface, in two engines with byte-identical slot memory:
// asm/cdb (WebAssembly, the fast path) and its TypeScript twin here (the readable reference and the
// fallback where WebAssembly is unavailable). Callers fill slots (see asm/cdb/layout.ts or the helpers
// in cdb-fields.ts) and run a whole batch per call.

import {
  CDB_SLOT_SIZE, CDB_MAX_SLOTS, SENSE_SLOT_SIZE, SENSE_MAX_SLOTS,
} from '../../../asm/cdb/layout';
import { decodeSlot, encodeSlot } from './cdb-commands';
import { decodeSenseSlot, encodeSenseSlot } from './sense-codec';

export interface CdbCodec {
  readonly kind: 'wasm' | 'typescript';
  /** View over the whole slot memory (for wasm: the module's memory). */
  readonly bytes: Uint8Array;
  /** Same memory as `bytes`. */
  readonly view: DataView;
  /** Byte offset of CDB slot 0 in `bytes`. */
  readonly slotsOffset: number;
  /** Byte offset of sense slot 0 in `bytes`. */
  readonly senseOffset: number;
  /** Fields → CDB bytes, SLOT_CDB_LEN and SLOT_RESULT for slots first..first+count-1. */
  encode(first: number, count: number): void;
  /** CDB bytes → every field, SLOT_CDB_LEN and SLOT_RESULT (with field/bit pointer on RESULT_BAD_FIELD). */
  decode(first: number, count: number): void;
  /** Sense fields → SENSE_OUT and SENSE_LEN. */
  encodeSense(first: number, count: number): void;
  /** SENSE_OUT/SENSE_LEN → sense fields and SENSE_RESULT. */
  decodeSense(first: number, count: number): void;
}

/** Out-of-range slots would silently overwrite other memory in wasm, so both engines refuse them. */
function checkRange(first: number, count: number, max: number): void {
  if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 0 && first + count <= max)) {
    throw new RangeError(`slots ${first}..${first + count - 1} are outside 0..${max - 1}`);
  }
}

export class TsCdbCodec implements CdbCodec {
  readonly kind = 'typescript' as const;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly slotsOffset = 0;
  readonly senseOffset = CDB_SLOT_SIZE * CDB_MAX_SLOTS;

  constructor() {
    const buffer = new ArrayBuffer(CDB_SLOT_SIZE * CDB_MAX_SLOTS + SENSE_SLOT_SIZE * SENSE_MAX_SLOTS);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  encode(first: number, count: number): void {
    checkRange(first, count, CDB_MAX_SLOTS);
    for (let i = first; i < first + count; i++) encodeSlot(this.view, this.slotsOffset + i * CDB_SLOT_SIZE);
  }

  decode(first: number, count: number): void {
    checkRange(first, count, CDB_MAX_SLOTS);
    for (let i = first; i < first + count; i++) decodeSlot(this.view, this.slotsOffset + i * CDB_SLOT_SIZE);
  }

  encodeSense(first: number, count: number): void {
    checkRange(first, count, SENSE_MAX_SLOTS);
    for (let i = first; i < first + count; i++) encodeSenseSlot(this.view, this.senseOffset + i * SENSE_SLOT_SIZE);
  }

  decodeSense(first: number, count: number): void {
    checkRange(first, count, SENSE_MAX_SLOTS);
    for (let i = first; i < first + count; i++) decodeSenseSlot(this.view, this.senseOffset + i * SENSE_SLOT_SIZE);
  }
}

interface CdbExports {
  memory: WebAssembly.Memory;
  slots(): number;
  senseSlots(): number;
  encode(first: number, count: number): void;
  decode(first: number, count: number): void;
  encodeSense(first: number, count: number): void;
  decodeSense(first: number, count: number): void;
}

/** Wraps an instance of asm/build/cdb.wasm (see src/stack/wasm/load.ts). */
export function wasmCdbCodec(instance: WebAssembly.Instance): CdbCodec {
  const x = instance.exports as unknown as CdbExports;
  // The module never allocates (runtime stub), so its memory never grows and these views stay valid.
  const buffer = x.memory.buffer;
  return {
    kind: 'wasm',
    bytes: new Uint8Array(buffer),
    view: new DataView(buffer),
    slotsOffset: x.slots(),
    senseOffset: x.senseSlots(),
    encode(first, count) { checkRange(first, count, CDB_MAX_SLOTS); x.encode(first, count); },
    decode(first, count) { checkRange(first, count, CDB_MAX_SLOTS); x.decode(first, count); },
    encodeSense(first, count) { checkRange(first, count, SENSE_MAX_SLOTS); x.encodeSense(first, count); },
    decodeSense(first, count) { checkRange(first, count, SENSE_MAX_SLOTS); x.decodeSense(first, count); },
  };
}
