// stack_iops: 4 KiB random reads at iodepth 32 on an ALUA LUN with VMW_PSP_RR over its four paths
// (useANO=1), as fast as possible: commands completed per second of wall time. The workload is
// src/stack/sim/stack-iops.ts, shared with the browser bench (stack_iops_chromium, in the worker).
// stack_iops_learner_psp: the same with a learner's PSP (least queue depth, compiled, guarded and
// given read-only views as any plugin loaded from the editor), against stack_iops_lqd, the same
// policy installed as a built-in: the ratio is what supervision costs a correct plugin.

import { stackIops, type BenchPolicy } from '../src/stack/sim/stack-iops';

export async function benchStack(): Promise<{ stack_iops: number; stack_iops_ts: number; stack_iops_lqd: number; stack_iops_learner_psp: number }> {
  const runs = (engine: 'wasm' | 'typescript', psp: BenchPolicy = 'rr') =>
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
