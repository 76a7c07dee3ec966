// Layout shared by asm/ioqueue and its TypeScript twin (src/stack/queue/ioqueue-ts.ts).
// All fields little-endian u32.

// A request offered to the shares scheduler.
export const REQ_SIZE = 12;
export const REQ_FLOW = 0; // which world (VM) queue it comes from
export const REQ_SLOT = 4; // the command slot it stands for
export const REQ_COST = 8; // service it asks for (1 per command, or blocks)

export const RING_EMPTY = -1;
export const MAX_FLOWS = 64;
