// Layout shared by asm/ioqueue and its TypeScript twin (src/stack/queue/ioqueue.ts, ring.ts, sfq.ts).
// All fields little-endian u32.

// A request offered to the shares scheduler.
export const REQ_SIZE = 12;
export const REQ_FLOW = 0; // which world (VM) queue it comes from
export const REQ_SLOT = 4; // the command slot it stands for
export const REQ_COST = 8; // service it asks for (1 per command, or blocks)

export const RING_EMPTY = -1;
export const MAX_FLOWS = 64;

// A ring of u32 slot ids: header, then `capacity` entries.
export const RING_HEAD = 0; // u32 index of the oldest entry
export const RING_COUNT = 4; // u32
export const RING_CAP = 8; // u32
export const RING_RESERVED = 12; // u32, kept zero
export const RING_DATA = 16;

// A shares scheduler: header, MAX_FLOWS-bounded flow records, then each flow's ring of entries.
export const SCHED_FLOWS = 0; // u32
export const SCHED_CAP = 4; // u32 capacity per flow
export const SCHED_QUEUED = 8; // u32 requests queued in all flows
export const SCHED_RESERVED = 12; // u32, kept zero
export const SCHED_VTIME = 16; // f64 virtual time v
export const SCHED_MAX_FINISH = 24; // f64 largest finish tag handed out
export const SCHED_HDR = 32;
export const FLOW_HEAD = 0; // u32 index of the oldest queued entry
export const FLOW_COUNT = 4; // u32
export const FLOW_SHARES = 8; // u32, at least 1
export const FLOW_RESERVED = 12; // u32, kept zero
export const FLOW_LAST_FINISH = 16; // f64 finish tag of the flow's latest request
export const FLOW_SIZE = 24;
export const ENTRY_SLOT = 0; // u32
export const ENTRY_START = 8; // f64 start tag
export const ENTRY_SIZE = 16;
