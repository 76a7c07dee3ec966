// Memory layout shared by asm/cdb (AssemblyScript) and its TypeScript twin (src/stack/scsi/cdb-codec.ts).
// Plain integer constants only: this file compiles both as AssemblyScript and as TypeScript.
//
// A CDB slot is 64 bytes. Multi-byte fields are little-endian (wasm native order); the CDB bytes
// themselves are big-endian as SPC/SBC define them. encode() reads the fields and writes CDB bytes;
// decode() reads CDB bytes and writes every field (fields a command does not use are written as 0).

export const CDB_SLOT_SIZE = 64;
export const CDB_MAX_SLOTS = 1024;

export const SLOT_OPCODE = 0; // u8  operation code
export const SLOT_SA = 1; // u8  service action (0 when the command has none)
export const SLOT_CDB_LEN = 2; // u8  CDB length implied by the opcode (0 for an unknown opcode)
export const SLOT_RESULT = 3; // u8  RESULT_*
export const SLOT_FIELD_PTR = 4; // u16 byte of the bad field (RESULT_BAD_FIELD)
export const SLOT_BIT_PTR = 6; // u8  bit of the bad field, NO_BIT_PTR when the whole byte is bad
export const SLOT_PROTECT = 7; // u8  RDPROTECT / WRPROTECT (0..7)
export const SLOT_FLAGS = 8; // u32 FLAG_* bits
export const SLOT_LBA_LO = 16; // u32 low half of the LBA
export const SLOT_LBA_HI = 20; // u32 high half of the LBA
export const SLOT_LENGTH = 24; // u32 transfer length (blocks), allocation length or parameter list length
export const SLOT_PAGE = 28; // u8  VPD page (INQUIRY) or mode page (MODE SENSE)
export const SLOT_SUBPAGE = 29; // u8  mode subpage
export const SLOT_PARAM = 30; // u8  MODE SENSE page control, REPORT LUNS select report, RTPG data format,
//                                  START STOP UNIT power condition, RECEIVE COPY RESULTS list identifier
export const SLOT_GROUP = 31; // u8  group number
export const SLOT_CONTROL = 32; // u8  control byte
export const SLOT_CDB = 48; // 16 bytes of CDB

export const RESULT_OK = 0;
export const RESULT_BAD_OPCODE = 1; // ILLEGAL REQUEST, 20/00
export const RESULT_BAD_FIELD = 2; // ILLEGAL REQUEST, 24/00 with SLOT_FIELD_PTR / SLOT_BIT_PTR

export const NO_BIT_PTR = 0xff;

export const FLAG_EVPD = 1; // INQUIRY
export const FLAG_DESC = 2; // REQUEST SENSE
export const FLAG_DPO = 4; // READ / WRITE
export const FLAG_FUA = 8; // READ / WRITE
export const FLAG_IMMED = 16; // SYNCHRONIZE CACHE
export const FLAG_DBD = 32; // MODE SENSE
export const FLAG_LLBAA = 64; // MODE SENSE (10)
export const FLAG_PMI = 128; // READ CAPACITY (10) and (16)
export const FLAG_START = 256; // START STOP UNIT
export const FLAG_LOEJ = 512; // START STOP UNIT
export const FLAG_ANCHOR = 1024; // WRITE SAME (16) b1.4, UNMAP b1.0
export const FLAG_UNMAP = 2048; // WRITE SAME (16) b1.3
export const FLAG_NDOB = 4096; // WRITE SAME (16) b1.0: no data-out buffer

// Operation codes and service actions handled by the codec.
export const OP_TEST_UNIT_READY = 0x00;
export const OP_REQUEST_SENSE = 0x03;
export const OP_START_STOP_UNIT = 0x1b;
export const OP_INQUIRY = 0x12;
export const OP_MODE_SENSE_6 = 0x1a;
export const OP_READ_CAPACITY_10 = 0x25;
export const OP_READ_10 = 0x28;
export const OP_WRITE_10 = 0x2a;
export const OP_SYNCHRONIZE_CACHE_10 = 0x35;
export const OP_UNMAP = 0x42;
export const OP_MODE_SENSE_10 = 0x5a;
export const OP_EXTENDED_COPY = 0x83;
export const SA_EXTENDED_COPY_LID1 = 0x00;
export const OP_RECEIVE_COPY_RESULTS = 0x84;
export const SA_COPY_STATUS_LID1 = 0x00;
export const SA_OPERATING_PARAMETERS = 0x03;
export const OP_READ_16 = 0x88;
export const OP_COMPARE_AND_WRITE = 0x89;
export const OP_WRITE_16 = 0x8a;
export const OP_WRITE_SAME_16 = 0x93;
export const OP_SERVICE_ACTION_IN_16 = 0x9e;
export const SA_READ_CAPACITY_16 = 0x10;
export const OP_REPORT_LUNS = 0xa0;
export const OP_MAINTENANCE_IN = 0xa3;
export const SA_REPORT_TARGET_PORT_GROUPS = 0x0a;
export const OP_MAINTENANCE_OUT = 0xa4;
export const SA_SET_TARGET_PORT_GROUPS = 0x0a;

// A sense slot is 64 bytes: the fields, then the sense bytes. encodeSense() builds SENSE_OUT from the
// fields; decodeSense() parses SENSE_OUT (SENSE_LEN bytes, fixed or descriptor) back into the fields.
export const SENSE_SLOT_SIZE = 64;
export const SENSE_MAX_SLOTS = 64;

export const SENSE_RESPONSE = 0; // u8  0x70/0x71 fixed, 0x72/0x73 descriptor
export const SENSE_KEY = 1; // u8
export const SENSE_ASC = 2; // u8
export const SENSE_ASCQ = 3; // u8
export const SENSE_INFO_VALID = 4; // u8  0 or 1
export const SENSE_SKS_VALID = 5; // u8  0 or 1: the field pointer below is valid
export const SENSE_CD = 6; // u8  1 = the bad field is in the CDB, 0 = in the parameter list
export const SENSE_BIT_PTR = 7; // u8  NO_BIT_PTR when none
export const SENSE_FIELD_PTR = 8; // u16
export const SENSE_LEN = 10; // u8  length of SENSE_OUT (written by encodeSense, read by decodeSense)
export const SENSE_RESULT = 11; // u8  decodeSense: 0 parsed, 1 not sense data (unknown response code or too short)
export const SENSE_INFO_LO = 12; // u32
export const SENSE_INFO_HI = 16; // u32
export const SENSE_OUT = 24; // up to 40 bytes: fixed 18, descriptor 8 + 12 (information) + 8 (sense-key specific)
export const SENSE_OUT_MAX = 40;
