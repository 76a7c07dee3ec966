// The stack_iops workload, shared by `npm run bench` in Node (bench/stack.ts) and in Chromium (the
// worker API's benchStackIops), so the two figures measure the same thing: 4 KiB random reads at
// iodepth 32 on an ALUA LUN of the classroom scenario with VMW_PSP_RR over its four paths
// (useANO=1), as fast as possible, on a host of its own (memory store): commands completed per
// second of wall time. Each command takes the whole path: CDB encoding, shares scheduler, device
// queue, PSP, adapter queue, fabric, array (CDB decoding, sgcopy), completion and statistics.
// Wall time is what is measured: the virtual clock and the seeded randomness keep the work itself
// the same on every run.

import { Host } from '../host';
import type { PspModule } from '../plugin-api';
import type { IoRequest } from '../psa/io-request';
import { SeededRandom } from './random';

const DEVICE = 'naa.600140500a1a00010000000000000000';
const IODEPTH = 32;
const BS = 4096;

/** A learner's PSP (least queue depth), compiled, guarded and given read-only views as any plugin loaded from the editor. */
const LEARNER_PSP = `
import type { PspModule } from 'pathlab';
export default {
  name: 'LAB_PSP_BENCH',
  selectPath(_io, paths) {
    let best = paths[0];
    for (const p of paths) if (p.outstanding < best.outstanding) best = p;
    return best;
  },
} satisfies PspModule;
`;

/** The learner's policy, written as a built-in (trusted: handed the stack's own paths). */
const builtinLqd: PspModule = {
  name: 'BENCH_PSP_LQD',
  selectPath(_io, paths) {
    let best = paths[0];
    for (const p of paths) if (p.outstanding < best.outstanding) best = p;
    return best;
  },
};

export type BenchPolicy = 'rr' | 'lqd' | 'learner';

export async function stackIops(engine: 'wasm' | 'typescript', commands: number, psp: BenchPolicy = 'rr'): Promise<number> {
  const host = await Host.boot({ engine, store: 'memory' });
  const device = host.nmp.device(DEVICE)!;
  if (psp === 'lqd') {
    host.nmp.psps.set(builtinLqd.name, builtinLqd);
    host.nmp.setDevicePsp(device, builtinLqd.name);
  } else if (psp === 'learner') {
    const loaded = await host.plugins.load({ name: 'bench-psp.ts', source: LEARNER_PSP });
    if (!loaded.ok) throw new Error(loaded.message);
    host.nmp.setDevicePsp(device, 'LAB_PSP_BENCH');
  } else {
    host.nmp.setDevicePsp(device, 'VMW_PSP_RR', { limitType: 'iops', iops: 1000, useANO: true });
  }
  const logical = device.logical;
  const blocks = BS / logical.blockSize;
  const span = Math.floor(Math.min(logical.blocks, 2 ** 21) / blocks); // a 1 GiB region
  const random = new SeededRandom(7);
  const io = host.psa.io;
  let completed = 0;
  let issued = 0;
  const next = (r: IoRequest) => {
    if (issued >= commands) return;
    issued++;
    io.prepareReadWrite(r, 'read', random.below(span) * blocks, blocks, logical.blockSize);
    io.submit(r, logical, 'bench');
  };
  const onDone = (r: IoRequest) => {
    completed++;
    next(r);
  };
  const requests = Array.from({ length: IODEPTH }, () => {
    const r = io.newRequest(BS);
    r.done = onDone;
    return r;
  });
  const started = performance.now();
  for (const r of requests) next(r);
  while (completed < commands) host.clock.runUntil(host.clock.now + 1_000_000);
  const seconds = (performance.now() - started) / 1000;
  host.close();
  return commands / seconds;
}
