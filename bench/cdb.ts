// CDB codec: ns per command for encode + decode, wasm against its TypeScript twin, same slots and
// same batches for both. The mix is what the hot path sees: mostly READ/WRITE (10) and (16) at random
// LBAs, with a sprinkling of the housekeeping commands a multipathing host sends.

import { loadWasm } from '../src/stack/wasm/load';
import { TsCdbCodec, wasmCdbCodec, type CdbCodec } from '../src/stack/scsi/cdb-codec';
import { writeCdbFields, type CdbFields } from '../src/stack/scsi/cdb-fields';
import { CDB_MAX_SLOTS, FLAG_FUA, FLAG_PMI, FLAG_EVPD } from '../asm/cdb/layout';

const BATCH = CDB_MAX_SLOTS;
const ROUNDS = 200; // batches per timed run
const WARMUPS = 3;
const RUNS = 7;

/** A deterministic pseudo-random mix (xorshift32), so every run and both engines see the same work. */
function mix(): Partial<CdbFields>[] {
  let s = 0x9e3779b9;
  const next = (): number => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return s >>> 0;
  };
  const out: Partial<CdbFields>[] = [];
  for (let i = 0; i < BATCH; i++) {
    const r = next() % 100;
    const blocks = 1 + (next() % 256);
    if (r < 45) out.push({ opcode: r & 1 ? 0x28 : 0x2a, lba: next(), length: blocks, flags: r & 2 ? FLAG_FUA : 0 });
    else if (r < 90) out.push({ opcode: r & 1 ? 0x88 : 0x8a, lba: next() * 0x400 + (next() & 0x3ff), length: blocks });
    else if (r < 93) out.push({ opcode: 0x00 });
    else if (r < 95) out.push({ opcode: 0x9e, serviceAction: 0x10, length: 32, flags: 0 });
    else if (r < 97) out.push({ opcode: 0xa3, serviceAction: 0x0a, param: 1, length: 1024 });
    else if (r < 98) out.push({ opcode: 0x12, flags: FLAG_EVPD, page: 0x83, length: 252 });
    else if (r < 99) out.push({ opcode: 0x25, flags: FLAG_PMI });
    else out.push({ opcode: 0xa0, length: 4096 });
  }
  return out;
}

function timeRun(codec: CdbCodec): number {
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    codec.encode(0, BATCH);
    codec.decode(0, BATCH);
  }
  return ((performance.now() - t0) * 1e6) / (ROUNDS * BATCH);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function benchCdb(): Promise<{ cdb_ns_wasm: number; cdb_ns_ts: number }> {
  const fields = mix();
  const engines = [wasmCdbCodec(await loadWasm('cdb')), new TsCdbCodec()];
  for (const codec of engines) {
    fields.forEach((f, i) => writeCdbFields(codec, i, f));
    for (let i = 0; i < WARMUPS; i++) timeRun(codec);
  }
  // Alternate the engines so that a slow phase of the machine does not land on one side only.
  const runs: number[][] = [[], []];
  for (let i = 0; i < RUNS; i++) engines.forEach((codec, e) => runs[e].push(timeRun(codec)));
  const round = (x: number): number => Math.round(x * 100) / 100;
  return { cdb_ns_wasm: round(median(runs[0])), cdb_ns_ts: round(median(runs[1])) };
}
