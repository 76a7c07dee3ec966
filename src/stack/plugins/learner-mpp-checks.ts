// What the framework decides for a learner's MPP when the learner cannot be asked (its code is off)
// or gave no usable answer, and how it reads a command's outcome. Kept apart from the adapter so the
// rules read in one place. (What a plugin hands the stack, a CDB or a path state, is checked in
// checks.ts, the same for an SATP.)

import type { CommandOutcome, ErrorAction } from '../plugin-api';
import type { IoRequest } from '../psa/io-request';
import { HostStatus, SenseKey, Status } from '../scsi/status';

export { GOOD, outcomeOf } from '../psa/outcome';

export const isGoodIo = (io: IoRequest): boolean => io.cmd.hostStatus === HostStatus.OK && io.cmd.status === Status.GOOD;

/** The path lost the command (no connection, a timeout, an abort): the framework marks it dead. */
export const isPathLoss = (o: CommandOutcome): boolean =>
  o.host === HostStatus.NO_CONNECT || o.host === HostStatus.TIMEOUT || o.host === HostStatus.ABORT;

/** Worth the same command again on the same path: a reset, a busy target, a unit attention. */
const isTransient = (o: CommandOutcome): boolean =>
  o.host === HostStatus.RESET ||
  (o.host === HostStatus.OK &&
    (o.status === Status.BUSY || o.status === Status.TASK_SET_FULL ||
      (o.status === Status.CHECK_CONDITION && o.senseKey === SenseKey.UNIT_ATTENTION)));

/**
 * The framework's own decision on a failed command, used when the learner has no commandDone, gave
 * no usable answer, or is disabled: fail over on a lost path, retry what is transient, else fail.
 */
export function builtInAction(o: CommandOutcome): ErrorAction {
  if (isPathLoss(o)) return 'failover';
  if (isTransient(o)) return 'retry';
  return 'fail';
}

export const isAction = (value: unknown): value is ErrorAction => value === 'retry' || value === 'failover' || value === 'fail';

/** "H:0x1 D:0x0 sense 0 0 0", as ESXi logs a failed command. */
export function describeOutcome(o: CommandOutcome): string {
  const h = (n: number) => n.toString(16);
  return `H:0x${h(o.host)} D:0x${h(o.status)} sense ${h(o.senseKey)} ${h(o.asc)} ${h(o.ascq)}`;
}
