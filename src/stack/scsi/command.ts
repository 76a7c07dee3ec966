// One SCSI command as it travels from an initiator to a logical unit and back: the CDB, where its
// data lives in the arena, and the outcome (status, host status, sense, bytes moved).

import { HostStatus, Status } from './status';

export type DataDirection = 'none' | 'in' | 'out';

/** Longest sense data the stack keeps (descriptor format with information and field pointer). */
export const SENSE_BUFFER_SIZE = 40;

export class ScsiCommand {
  /** CDB bytes; only the first cdbLength count. */
  readonly cdb = new Uint8Array(16);
  cdbLength = 0;
  direction: DataDirection = 'none';
  /** Arena address of the scatter-gather list, and its entry count. */
  sgl = 0;
  nseg = 0;
  /** Bytes the initiator's buffers can hold (data-in) or hold (data-out). */
  dataLength = 0;
  /** Who sent it: the initiator port's name, one end of the I_T nexus. */
  initiator = '';
  serial = 0;

  status: number = Status.GOOD;
  hostStatus: number = HostStatus.OK;
  readonly sense = new Uint8Array(SENSE_BUFFER_SIZE);
  senseLength = 0;
  /** Bytes actually moved; dataLength - transferred is the residual. */
  transferred = 0;
  /** Virtual microseconds the array spent on it (its service-time model). */
  serviceUs = 0;
  /**
   * A write the array has answered but its block store has not yet made durable. The initiator must
   * not take the answer as an acknowledgement until this is false; `onDurable` is called then.
   */
  pendingDurability = false;
  onDurable: (() => void) | undefined;
  /** Which attempt the pending durability belongs to: a reused command ignores an old attempt's. */
  durabilityEpoch = 0;

  setCdb(bytes: ArrayLike<number>): void {
    this.cdb.fill(0);
    this.cdb.set(bytes);
    this.cdbLength = bytes.length;
  }
}
