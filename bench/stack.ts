// stack_iops: 4 KiB random reads at iodepth 32 on an ALUA LUN with VMW_PSP_RR over its four paths
// (useANO=1), as fast as possible: commands completed per second of wall time. Each command takes
// the whole path: CDB encoding, shares scheduler, device queue, PSP, adapter queue, fabric, array
// (CDB decoding, sgcopy), completion and statistics.

import { Host } from '../src/stack/host';
import type { IoRequest } from '../src/stack/psa/io-request';
import { SeededRandom } from '../src/stack/sim/random';

const DEVICE = 'naa.600140500a1a00010000000000000000';
const IODEPTH = 32;
const BS = 4096;

export async function stackIops(engine: 'wasm' | 'typescript', commands: number): Promise<number> {
  const host = await Host.boot({ engine });
  const device = host.nmp.device(DEVICE)!;
  host.nmp.setDevicePsp(device, 'VMW_PSP_RR', { limitType: 'iops', iops: 1000, useANO: true });
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

export async function benchStack(): Promise<{ stack_iops: number; stack_iops_ts: number }> {
  await stackIops('wasm', 100_000); // warm-up: let the JIT see the whole path
  await stackIops('typescript', 100_000);
  const runs = (engine: 'wasm' | 'typescript') => [1, 2, 3].reduce<Promise<number[]>>(async (acc) => [...(await acc), await stackIops(engine, 1_000_000)], Promise.resolve([]));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { stack_iops: median(await runs('wasm')), stack_iops_ts: median(await runs('typescript')) };
}
