// Memory layout shared by asm/sgcopy and its TypeScript twin (src/stack/memory/sgcopy.ts).
// The module's memory is the data arena: guest buffers, scatter-gather lists and LUN extents all
// live in it, so one memory.copy moves a piece. All fields little-endian u32.

// A scatter-gather entry: a piece of guest memory.
export const SG_ENTRY_SIZE = 8;
export const SG_ADDR = 0;
export const SG_LEN = 4;

// A copy job: one command's data movement between its scatter-gather list and the LUN's extents.
export const JOB_SIZE = 32;
export const JOB_DIR = 0; // DIR_*
export const JOB_SGL = 4; // address of the first scatter-gather entry
export const JOB_NSEG = 8; // number of entries
export const JOB_EXTENTS = 12; // address of a u32 array: base address of each extent the range touches, 0 = hole
export const JOB_OFFSET = 16; // byte offset of the range inside the first extent
export const JOB_BYTES = 20; // bytes to move
export const JOB_EXTENT_SIZE = 24; // bytes per extent
export const JOB_DONE = 28; // output: bytes moved

export const DIR_TO_SGL = 0; // data-in (READ): extents -> guest memory; a hole reads as zeros
export const DIR_FROM_SGL = 1; // data-out (WRITE): guest memory -> extents; a hole stops the job
