// What differs between array personalities: how a LUN may be reached through a given port.
// Each personality is one small file; the array knows them only through this table.

import type { Exchange } from '../exchange';
import type { LogicalUnit } from '../logical-unit';
import type { StorageArray } from '../storage-array';
import { OP_INQUIRY, OP_MAINTENANCE_IN, OP_MAINTENANCE_OUT, OP_MODE_SENSE_10, OP_MODE_SENSE_6, OP_REPORT_LUNS, OP_REQUEST_SENSE } from '../../../../asm/cdb/layout';

export interface PersonalityOps {
  /** INQUIRY byte 5 TPGS field: 0 none, 1 implicit ALUA, 2 explicit, 3 both. */
  tpgsBits(array: StorageArray): number;
  /** Whether REPORT / SET TARGET PORT GROUPS exist on this array. */
  reportsGroups: boolean;
  supportsSetGroups(array: StorageArray): boolean;
  /** Decides whether the command may run through this port; answers it (and returns false) if not. */
  admit(x: Exchange, array: StorageArray, lun: LogicalUnit): boolean;
  /** An SP went down or came back. */
  spChanged(array: StorageArray, sp: number, up: boolean): void;
}

/** Commands that any port answers whatever the LUN's access state (SPC-4 5.15.2.4). */
export function alwaysAllowed(opcode: number): boolean {
  return (
    opcode === OP_INQUIRY ||
    opcode === OP_REPORT_LUNS ||
    opcode === OP_REQUEST_SENSE ||
    opcode === OP_MAINTENANCE_IN ||
    opcode === OP_MAINTENANCE_OUT
  );
}

export function isModeSense(opcode: number): boolean {
  return opcode === OP_MODE_SENSE_6 || opcode === OP_MODE_SENSE_10;
}
