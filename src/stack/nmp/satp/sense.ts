// Reading a failed command, as the built-in SATPs need it: host status first (the command never
// got a SCSI answer), then SCSI status, then sense key / ASC / ASCQ (reference/scsi.md §3).
// ESXi logs the same three layers as "H:0x.. D:0x.. Valid sense data: key asc ascq".

import type { CommandOutcome } from '../../plugin-api';

export const Host = { OK: 0, NO_CONNECT: 1, TIMEOUT: 3, ABORT: 5, ERROR: 7, RESET: 8 } as const;
export const Scsi = { GOOD: 0, CHECK_CONDITION: 2, BUSY: 0x08, TASK_SET_FULL: 0x28 } as const;
export const Key = { NOT_READY: 2, MEDIUM_ERROR: 3, ILLEGAL_REQUEST: 5, UNIT_ATTENTION: 6 } as const;

export const TEST_UNIT_READY = [0x00, 0, 0, 0, 0, 0] as const;

export const isGood = (o: CommandOutcome): boolean => o.host === Host.OK && o.status === Scsi.GOOD;

/** The target port, link or SP is gone (DID_NO_CONNECT): the one failover trigger on A/A arrays. */
export const isNoConnect = (o: CommandOutcome): boolean => o.host === Host.NO_CONNECT;

/** The path lost the command: no connection, a timeout or an abort. */
export const isPathLoss = (o: CommandOutcome): boolean =>
  o.host === Host.NO_CONNECT || o.host === Host.TIMEOUT || o.host === Host.ABORT;

/** CHECK CONDITION with this sense key and ASC (and ASCQ, when given). */
export function isSense(o: CommandOutcome, key: number, asc: number, ascq?: number): boolean {
  return (
    o.host === Host.OK && o.status === Scsi.CHECK_CONDITION && o.senseKey === key && o.asc === asc &&
    (ascq === undefined || o.ascq === ascq)
  );
}

export const isUnitAttention = (o: CommandOutcome): boolean =>
  o.host === Host.OK && o.status === Scsi.CHECK_CONDITION && o.senseKey === Key.UNIT_ATTENTION;

/** BUSY or TASK SET FULL: the target is there but cannot take the command now. */
export const isBusy = (o: CommandOutcome): boolean =>
  o.host === Host.OK && (o.status === Scsi.BUSY || o.status === Scsi.TASK_SET_FULL);

/** 05/25/00 LOGICAL UNIT NOT SUPPORTED: permanent device loss when every path says it. */
export const isPdl = (o: CommandOutcome): boolean => isSense(o, Key.ILLEGAL_REQUEST, 0x25, 0x00);

/** 02/04/01 LOGICAL UNIT IS IN PROCESS OF BECOMING READY. */
export const isBecomingReady = (o: CommandOutcome): boolean => isSense(o, Key.NOT_READY, 0x04, 0x01);

/** x/04/03 LU NOT READY, MANUAL INTERVENTION REQUIRED: the LUN is owned by the other SP (A/P).
 * KB 1003433 lists it with key 2 and 5 (and 3 in some copies). */
export const isPassive = (o: CommandOutcome): boolean =>
  isSense(o, Key.NOT_READY, 0x04, 0x03) || isSense(o, Key.ILLEGAL_REQUEST, 0x04, 0x03) || isSense(o, Key.MEDIUM_ERROR, 0x04, 0x03);

/** 02/04/0A asymmetric access state transition in progress. */
export const isTransitioning = (o: CommandOutcome): boolean => isSense(o, Key.NOT_READY, 0x04, 0x0a);
