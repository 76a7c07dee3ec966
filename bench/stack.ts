// stack_iops: 4 KiB random reads at iodepth 32 on an ALUA LUN with VMW_PSP_RR over its four paths
// (useANO=1), as fast as possible: commands completed per second of wall time. Each command takes
// the whole path: CDB encoding, shares scheduler, device queue, PSP, adapter queue, fabric, array
// (CDB decoding, sgcopy), completion and statistics.
// stack_iops_learner_psp: the same with a learner's PSP (least queue depth, compiled, guarded and
// given read-only views as any plugin loaded from the editor), against stack_iops_lqd, the same
// policy installed as a built-in: the ratio is what supervision costs a correct plugin.

import { Host } from '../src/stack/host';
import type { PspModule } from '../src/stack/plugin-api';
import type { IoRequest } from '../src/stack/psa/io-request';
import { SeededRandom } from '../src/stack/sim/random';

const DEVICE = 'naa.600140500a1a00010000000000000000';
const IODEPTH = 32;
const BS = 4096;

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

type Policy = 'rr' | 'lqd' | 'learner';

export async function stackIops(engine: 'wasm' | 'typescript', commands: number, psp: Policy = 'rr'): Promise<number> {
  const host = await Host.boot({ engine });
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

export async function benchStack(): Promise<{ stack_iops: number; stack_iops_ts: number; stack_iops_lqd: number; stack_iops_learner_psp: number }> {
  const runs = (engine: 'wasm' | 'typescript', psp: Policy = 'rr') =>
    [1, 2, 3].reduce<Promise<number[]>>(async (acc) => [...(await acc), await stackIops(engine, 1_000_000, psp)], Promise.resolve([]));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // Warm-ups let the JIT see the whole path. The built-in PSPs are measured before any other PSP
  // has run: a call site that has seen more PSPs is slower for all of them, and stack_iops is the
  // figure for the stack as shipped.
  await stackIops('wasm', 100_000);
  await stackIops('typescript', 100_000);
  const stack_iops = median(await runs('wasm'));
  const stack_iops_ts = median(await runs('typescript'));
  await stackIops('wasm', 100_000, 'lqd');
  await stackIops('wasm', 100_000, 'learner');
  return { stack_iops, stack_iops_ts, stack_iops_lqd: median(await runs('wasm', 'lqd')), stack_iops_learner_psp: median(await runs('wasm', 'learner')) };
}
