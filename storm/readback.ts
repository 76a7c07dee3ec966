// The storm's verdict on the data: every block the jobs tracked is read back through the host's
// I/O path (real READs, down whatever paths NMP picks) and compared with the stamp of its last
// ACKNOWLEDGED write. A block whose last write failed back to the VM is not checked (UNKNOWN), nor
// counted against the stack, nor one with a write that never came back (a stuck command). Counted per acknowledged write (a write's blocks share its sequence
// number): LOST when a block holds an older write of it or zeros, CORRUPTED when it holds anything
// else; a block that cannot be read back once everything is repaired is lost too.

import type { Host } from '../src/stack/host';
import type { LogicalDevice } from '../src/stack/psa/device';
import type { IoRequest } from '../src/stack/psa/io-request';
import { blockMatches, patternWord, state, UNKNOWN } from '../src/stack/sim/workload-host';

/** Bytes per READ of the read-back. */
const CHUNK_BYTES = 64 * 1024;
/** Virtual time one READ may take before its blocks count as unreadable: past every timeout. */
const READ_LIMIT_US = 300_000_000;
const STEP_US = 1000;

export interface ReadBack {
  /** Acknowledged writes (device, sequence) not found on the array / found damaged. */
  lost: number;
  corrupted: number;
  lostBlocks: number;
  corruptedBlocks: number;
  unreadableBlocks: number;
  checkedBlocks: number;
  /** The first few bad blocks, described for a person. */
  examples: string[];
}

const MAX_EXAMPLES = 5;

/** What a job wrote to: its stamps' key, and where a READ of them goes (a vVol: its PE and id). */
export interface ReadTarget {
  key: string;
  device: LogicalDevice;
  secondaryId: number;
}

export async function readBack(host: Host, targets: readonly ReadTarget[]): Promise<ReadBack> {
  const result: ReadBack = { lost: 0, corrupted: 0, lostBlocks: 0, corruptedBlocks: 0, unreadableBlocks: 0, checkedBlocks: 0, examples: [] };
  const pattern = patternWord(host);
  let io: IoRequest | undefined;
  const seen = new Set<string>();
  for (const target of targets) {
    const track = state(host).devices.get(target.key);
    if (!track || seen.has(target.key)) continue;
    seen.add(target.key);
    // The device as the host has it now (a rescan may have made it anew; gone: unreadable).
    const device = host.psa.device(target.device.id);
    const lostWrites = new Set<number>();
    const corruptedWrites = new Set<number>();
    const blockSize = device?.blockSize ?? 512;
    const perRead = Math.max(1, Math.floor(CHUNK_BYTES / blockSize));
    for (let first = 0; first < track.seq.length; first += perRead) {
      const blocks = Math.min(perRead, track.seq.length - first);
      let readable = false;
      let buffer = 0;
      if (device) {
        io ??= host.psa.io.newRequest(CHUNK_BYTES);
        buffer = io.buffer;
        const answer = await readOnce(host, io, device, target.secondaryId, first, blocks);
        readable = answer === 'read';
        if (answer === 'no answer') io = undefined; // still somewhere in the stack: never reuse it
      }
      const words = blockSize >>> 2;
      const u8 = host.arena.u8;
      const u32 = new Uint32Array(u8.buffer, u8.byteOffset, u8.byteLength >>> 2);
      for (let b = 0; b < blocks; b++) {
        const lba = first + b;
        const expected = track.seq[lba];
        // No acknowledged write to look for, or a write still in flight (stuck: counted as such).
        if (expected === UNKNOWN || expected === 0 || track.busy[lba] < 0) continue;
        result.checkedBlocks++;
        const w = (buffer >>> 2) + b * words;
        let verdict: 'ok' | 'lost' | 'corrupted';
        if (!readable) verdict = 'lost';
        else if (blockMatches(u32, w, words, lba, expected, pattern)) verdict = 'ok';
        else if (isOlderOrZero(u32, w, words, lba, expected, pattern)) verdict = 'lost';
        else verdict = 'corrupted';
        if (verdict === 'ok') continue;
        if (!readable) result.unreadableBlocks++;
        if (verdict === 'lost') {
          result.lostBlocks++;
          lostWrites.add(expected);
        } else {
          result.corruptedBlocks++;
          corruptedWrites.add(expected);
        }
        if (result.examples.length < MAX_EXAMPLES) {
          const found = readable ? `found lba ${u32[w] + u32[w + 1] * 4294967296} seq ${u32[w + 2]}` : 'unreadable';
          result.examples.push(`${target.key} lba ${lba}: ${verdict}, expected seq ${expected}, ${found}`);
        }
      }
    }
    // A write with a corrupted block is corrupted, whatever became of its other blocks.
    for (const seq of corruptedWrites) lostWrites.delete(seq);
    result.lost += lostWrites.size;
    result.corrupted += corruptedWrites.size;
  }
  return result;
}

/** Zeros, or the intact stamp of an earlier write of this very block: the acknowledged write is missing. */
function isOlderOrZero(u32: Uint32Array, w: number, words: number, lba: number, expected: number, pattern: number): boolean {
  if (blockMatches(u32, w, words, lba, 0, pattern)) return true;
  const seq = u32[w + 2];
  return seq !== 0 && seq < expected && blockMatches(u32, w, words, lba, seq, pattern);
}

/** One READ through the host's I/O path: read, failed back, or no answer in time. */
async function readOnce(host: Host, io: IoRequest, device: LogicalDevice, secondaryId: number, lba: number, blocks: number): Promise<'read' | 'failed' | 'no answer'> {
  let done = false;
  io.done = () => (done = true);
  host.psa.io.prepareReadWrite(io, 'read', lba, blocks, device.blockSize);
  io.secondaryId = secondaryId;
  host.arena.u8.fill(0xa5, io.buffer, io.buffer + blocks * device.blockSize); // no stale data passes
  host.psa.io.submit(io, device, 'storm-readback');
  const limit = host.clock.now + READ_LIMIT_US;
  while (!done && host.clock.now < limit) await host.advanceTo(host.clock.now + STEP_US);
  if (!done) return 'no answer';
  return io.failed ? 'failed' : 'read';
}
