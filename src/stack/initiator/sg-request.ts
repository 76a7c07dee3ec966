// The initiator side of one pass-through command, as sg_raw sends it: a CDB, optional data-out,
// a data-in buffer; back come status, sense and the data. Used by the command line, the inventory
// and tests; the I/O path of the stack builds its commands from pools instead.

import type { Arena } from '../memory/arena';
import { setSingleSegment } from '../memory/sgl';
import { SG_ENTRY_SIZE } from '../../../asm/sgcopy/layout';
import { ScsiCommand } from '../scsi/command';
import type { StorageArray } from '../arrays/storage-array';
import type { TargetPort } from '../arrays/ports';

export interface SgRequest {
  cdb: ArrayLike<number>;
  /** Bytes sent to the target (WRITE data, parameter lists). */
  dataOut?: Uint8Array;
  /** Size of the data-in buffer; default 64 KiB. */
  dataIn?: number;
  /** Initiator port name: one end of the I_T nexus. */
  initiator?: string;
}

export interface SgResponse {
  status: number;
  hostStatus: number;
  sense: Uint8Array;
  dataIn: Uint8Array;
  serviceUs: number;
}

export const DEFAULT_DATA_IN = 64 * 1024;

/** Builds a one-segment command in the arena; `finish` reads the answer and frees the buffers. */
function prepare(arena: Arena, req: SgRequest): { cmd: ScsiCommand; finish: (done: ScsiCommand) => SgResponse } {
  const cmd = new ScsiCommand();
  cmd.setCdb(req.cdb);
  cmd.initiator = req.initiator ?? 'pathlab-sg';
  const out = req.dataOut;
  const size = out ? out.length : (req.dataIn ?? DEFAULT_DATA_IN);
  const buffer = size > 0 ? arena.alloc(size) : 0;
  const list = arena.alloc(SG_ENTRY_SIZE);
  if (out) arena.u8.set(out, buffer);
  setSingleSegment(arena, list, buffer, size);
  cmd.direction = out ? 'out' : size > 0 ? 'in' : 'none';
  cmd.sgl = list;
  cmd.nseg = size > 0 ? 1 : 0;
  cmd.dataLength = size;
  const finish = (done: ScsiCommand): SgResponse => {
    const dataIn = done.direction === 'in' ? arena.u8.slice(buffer, buffer + done.transferred) : new Uint8Array(0);
    if (size > 0) arena.free(buffer, size);
    arena.free(list, SG_ENTRY_SIZE);
    return {
      status: done.status,
      hostStatus: done.hostStatus,
      sense: done.sense.slice(0, done.senseLength),
      dataIn,
      serviceUs: done.serviceUs,
    };
  };
  return { cmd, finish };
}

export function sendCdb(arena: Arena, array: StorageArray, port: TargetPort, lun: number, req: SgRequest): Promise<SgResponse> {
  const { cmd, finish } = prepare(arena, req);
  return new Promise((resolve) =>
    array.submit(cmd, port, lun, (done) => {
      // A write-through write is acknowledged only once durable.
      if (done.pendingDurability) done.onDurable = () => resolve(finish(done));
      else resolve(finish(done));
    }),
  );
}

/**
 * Sends a command that never touches the block store (INQUIRY, REPORT LUNS, TEST UNIT READY, ...)
 * and returns its answer at once: discovery runs inside one step of virtual time.
 */
export function sendCdbSync(arena: Arena, array: StorageArray, port: TargetPort, lun: number, req: SgRequest): SgResponse {
  const { cmd, finish } = prepare(arena, req);
  let response: SgResponse | undefined;
  array.submit(cmd, port, lun, (done) => (response = finish(done)));
  if (!response) throw new Error(`command 0x${cmd.cdb[0].toString(16)} did not complete synchronously`);
  return response;
}
