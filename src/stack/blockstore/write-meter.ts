// Measures how fast 4 KiB write-through writes persist to IndexedDB (the bench key
// idb_write_mbps), in the page's own worker so the browser's real IndexedDB answers. The writes go
// through a real array and LUN of a stack booted on a scratch database, as the lab's would; each
// counts only once acknowledged, and a write-through WRITE is acknowledged only after its
// transaction committed. The scratch database is deleted afterwards, whatever happened.

import { bootStack } from '../boot';
import { sendCdb } from '../initiator/sg-request';
import { SeededRandom } from '../sim/random';

/** The write size the key is about. */
const WRITE_BYTES = 4096;
/** A database of its own: the lab's blocks (pathlab-blocks) are never touched. */
const SCRATCH_DATABASE = 'pathlab-idb-write-meter';
/** The write-through LUN written: alua-array LUN 0 of the classroom scenario (512-byte blocks). */
const ARRAY = 'alua-array';
const LUN = 0;

export interface IdbWriteOptions {
  /** WRITEs in flight at once, as fio's --iodepth (default 32). */
  queueDepth?: number;
  /** Sequential from LBA 0 (default), or 4 KiB-aligned random offsets in the first GiB (seed 1). */
  pattern?: 'sequential' | 'random';
}

export interface IdbWriteMeasurement {
  /** Megabytes (10^6 bytes) acknowledged durable per second of wall-clock time. */
  mbps: number;
  writes: number;
  bytes: number;
  seconds: number;
  /** Extents a fresh connection to the database found afterwards: proof the writes were stored. */
  extentsStored: number;
}

let running: Promise<unknown> = Promise.resolve();

/**
 * Writes `bytes` (rounded up to whole 4 KiB writes, at least one) through WRITE(10) commands on a
 * write-through LUN, `queueDepth` at a time, and times them from the first submission to the last
 * acknowledgement with performance.now(). Calls run one after another (one scratch database).
 */
export function measureIdbWrites(bytes: number, options: IdbWriteOptions = {}): Promise<IdbWriteMeasurement> {
  if (!Number.isFinite(bytes) || bytes <= 0 || bytes > 1 << 30) {
    return Promise.reject(new Error(`measureIdbWrites: bytes must be between 1 and 1 GiB, not ${bytes}`));
  }
  const depth = options.queueDepth ?? 32;
  if (!Number.isInteger(depth) || depth < 1 || depth > 1024) {
    return Promise.reject(new Error(`measureIdbWrites: queueDepth must be an integer from 1 to 1024, not ${depth}`));
  }
  const next = running.then(() => measure(Math.ceil(bytes / WRITE_BYTES), depth, options.pattern ?? 'sequential'));
  running = next.catch(() => undefined);
  return next;
}

async function measure(writes: number, depth: number, pattern: 'sequential' | 'random'): Promise<IdbWriteMeasurement> {
  await deleteDatabase(SCRATCH_DATABASE);
  try {
    const stack = await bootStack({ store: 'indexeddb', databaseName: SCRATCH_DATABASE });
    let seconds: number;
    try {
      const array = stack.array(ARRAY)!;
      const lun = array.lun(LUN)!;
      const perWrite = WRITE_BYTES / lun.blockSize;
      const random = new SeededRandom(1);
      const slots = Math.floor(Math.min(lun.blocks, (1 << 30) / lun.blockSize) / perWrite);
      const data = new Uint8Array(WRITE_BYTES);
      let issued = 0;
      const writeOne = async (): Promise<void> => {
        for (let i = issued++; i < writes; i = issued++) {
          const lba = (pattern === 'sequential' ? i % slots : random.below(slots)) * perWrite;
          data.fill(i & 0xff); // data that does not compress away to nothing
          new DataView(data.buffer).setUint32(0, i);
          const cdb = [0x2a, 0, lba >>> 24, (lba >>> 16) & 0xff, (lba >>> 8) & 0xff, lba & 0xff, 0, 0, perWrite, 0];
          const r = await sendCdb(stack.arena, array, array.ports[0], LUN, { cdb, dataOut: data });
          if (r.status !== 0 || r.hostStatus !== 0) throw new Error(`measureIdbWrites: WRITE at LBA ${lba} failed (status ${r.status}, sense ${[...r.sense.slice(0, 14)].map((b) => b.toString(16)).join(' ')})`);
        }
      };
      const start = performance.now();
      await Promise.all(Array.from({ length: Math.min(depth, writes) }, writeOne));
      seconds = (performance.now() - start) / 1000;
    } finally {
      stack.close();
    }
    // A fresh connection, as after a reload: every extent written must be there.
    const check = await bootStack({ store: 'indexeddb', databaseName: SCRATCH_DATABASE });
    let extentsStored: number;
    try {
      extentsStored = (await check.store.open(check.array(ARRAY)!.lun(LUN)!.naaId)).allocatedExtents();
    } finally {
      check.close();
    }
    const bytes = writes * WRITE_BYTES;
    return { mbps: bytes / 1e6 / seconds, writes, bytes, seconds, extentsStored };
  } finally {
    await deleteDatabase(SCRATCH_DATABASE);
  }
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(new Error(`measureIdbWrites: could not delete the scratch database: ${req.error?.message}`));
    // Another tab holding it open: deleteDatabase waits for it, which is what we want.
  });
}
