// How a command ended, as a multipathing plugin reads it (ESXi logs it as H:0x.. D:0x.. sense):
// host status, SCSI status and sense key / ASC / ASCQ, from fixed or descriptor sense. Frozen,
// because the PSP sees an outcome before the SATP (or an MPP) decides on it, and neither may change
// it for the other.

import type { CommandOutcome } from '../plugin-api';
import type { IoRequest } from './io-request';

/** The outcome of every good command: one object, so a good completion allocates nothing. */
export const GOOD: CommandOutcome = Object.freeze({ host: 0, status: 0, senseKey: 0, asc: 0, ascq: 0 });

export function outcomeOf(io: IoRequest): CommandOutcome {
  const cmd = io.cmd;
  // Fixed format is response code 70h/71h, with or without VALID (bit 7: the INFORMATION field is set).
  const fixed = (cmd.sense[0] & 0x7f) === 0x70 || (cmd.sense[0] & 0x7f) === 0x71;
  const hasSense = cmd.senseLength > 0;
  return Object.freeze({
    host: cmd.hostStatus,
    status: cmd.status,
    senseKey: hasSense ? (fixed ? cmd.sense[2] : cmd.sense[1]) & 0x0f : 0,
    asc: hasSense ? (fixed ? cmd.sense[12] : cmd.sense[2]) : 0,
    ascq: hasSense ? (fixed ? cmd.sense[13] : cmd.sense[3]) : 0,
  });
}
