// SCSI status bytes (SAM, Linux enum sam_status) and the host status an initiator sees when a
// command never got a SCSI answer (ESXi prints these as H:0x1 and so on in vmkernel.log).

export const Status = {
  GOOD: 0x00,
  CHECK_CONDITION: 0x02,
  CONDITION_MET: 0x04,
  BUSY: 0x08,
  RESERVATION_CONFLICT: 0x18,
  TASK_SET_FULL: 0x28,
  ACA_ACTIVE: 0x30,
  TASK_ABORTED: 0x40,
} as const;

export const HostStatus = {
  OK: 0x0,
  NO_CONNECT: 0x1,
  BUS_BUSY: 0x2,
  TIMEOUT: 0x3,
  BAD_TARGET: 0x4,
  ABORT: 0x5,
  ERROR: 0x7,
  RESET: 0x8,
} as const;

export const SenseKey = {
  NO_SENSE: 0x0,
  RECOVERED_ERROR: 0x1,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  HARDWARE_ERROR: 0x4,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  DATA_PROTECT: 0x7,
  COPY_ABORTED: 0xa,
  ABORTED_COMMAND: 0xb,
  MISCOMPARE: 0xe,
} as const;
