// `npm run bench`: each hot path against its TypeScript twin, sgcopy against a bare memory.copy, and
// the whole stack (stack_iops), measured in one run so the ratios compare like with like on whatever
// machine runs it.
// `npm run bench -- --json` prints one JSON object with the keys only.

import { benchCdb } from './cdb';
import { benchIoqueue } from './ioqueue';
import { benchSgcopy } from './sgcopy';
import { benchStack } from './stack';

const json = process.argv.includes('--json');

const results = {
  ...(await benchCdb()),
  ...(await benchSgcopy()),
  ...(await benchIoqueue()),
  ...(await benchStack()),
};

const round = (x: number) => Math.round(x * 1000) / 1000;
const rounded = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(v)])) as typeof results;

if (json) {
  console.log(JSON.stringify(rounded));
} else {
  const targets = [
    ['cdb: wasm speed-up over the twin', results.cdb_ns_ts / results.cdb_ns_wasm, 1.5],
    ['ioqueue: wasm speed-up over the twin', results.ioqueue_ns_ts / results.ioqueue_ns_wasm, 1.5],
    ['sgcopy 4 KiB: wasm share of memcpy', results.sgcopy4k_gbps_wasm / results.memcpy4k_gbps, 0.8],
    ['stack: millions of commands per second', results.stack_iops / 1e6, 1],
    // Supervision (the guard around each call, read-only views, a tick per loop pass) costs a
    // correct plugin about a quarter of a microsecond per command; the floor catches a regression.
    ["a learner's PSP: share of the same policy built in", results.stack_iops_learner_psp / results.stack_iops_lqd, 0.6],
  ] as const;
  for (const [key, value] of Object.entries(rounded)) console.log(`${key.padEnd(20)} ${value}`);
  console.log('');
  for (const [what, ratio, target] of targets) {
    console.log(`${what.padEnd(48)} ${ratio.toFixed(2)}x  (target ${target}x) ${ratio >= target ? 'met' : 'NOT MET'}`);
  }
}
