// `npm run bench`: each hot path against its TypeScript twin, sgcopy against a bare memory.copy, and
// the whole stack (stack_iops), measured in one run so the ratios compare like with like on whatever
// machine runs it; then the page in Chromium (bench/browser.ts): the stack in the worker, frame
// times, the first screen's size and IndexedDB writes.
// `npm run bench -- --json` prints one JSON object with the keys only.
// `npm run bench -- --no-browser` measures in Node only (as does a machine without Chromium).

import { benchBrowser, chromiumPath, type BrowserKeys } from './browser';
import { benchCdb } from './cdb';
import { benchIoqueue } from './ioqueue';
import { benchSgcopy } from './sgcopy';
import { benchStack } from './stack';

const json = process.argv.includes('--json');
const chromium = process.argv.includes('--no-browser') ? undefined : chromiumPath();

const node = {
  ...(await benchCdb()),
  ...(await benchSgcopy()),
  ...(await benchIoqueue()),
  ...(await benchStack()),
};
if (!chromium && !process.argv.includes('--no-browser')) {
  console.error('browser keys skipped: no Chromium (install it with `apt-get install -y chromium` or `npx playwright install chromium`)');
}
const browser: BrowserKeys | undefined = chromium ? await benchBrowser(chromium, (line) => json || console.log(line)) : undefined;
const results: Record<string, number> = { ...node, ...browser };

const round = (x: number) => Math.round(x * 1000) / 1000;
const rounded = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(v)]));

/** What a figure is, its value, its target, and whether the target is a floor or a ceiling. */
type Target = [what: string, value: number, target: number, kind: 'at least' | 'at most', unit: string];

if (json) {
  console.log(JSON.stringify(rounded));
} else {
  const targets: Target[] = [
    ['cdb: wasm speed-up over the twin', node.cdb_ns_ts / node.cdb_ns_wasm, 1.5, 'at least', 'x'],
    ['ioqueue: wasm speed-up over the twin', node.ioqueue_ns_ts / node.ioqueue_ns_wasm, 1.5, 'at least', 'x'],
    ['sgcopy 4 KiB: wasm share of memcpy', node.sgcopy4k_gbps_wasm / node.memcpy4k_gbps, 0.8, 'at least', 'x'],
    ['stack: millions of commands per second', node.stack_iops / 1e6, 1, 'at least', 'x'],
    // Supervision (the guard around each call, read-only views, a tick per loop pass) costs a
    // correct plugin about a quarter of a microsecond per command; the floor catches a regression.
    ["a learner's PSP: share of the same policy built in", node.stack_iops_learner_psp / node.stack_iops_lqd, 0.6, 'at least', 'x'],
  ];
  if (browser) {
    targets.push(
      // Within 1.5x of Node: Chromium's share of Node's figure at least 1/1.5.
      ['Chromium worker: share of stack_iops in Node', browser.stack_iops_chromium / node.stack_iops, 1 / 1.5, 'at least', 'x'],
      ['page at Max: 95th percentile frame time', browser.ui_frame_p95_ms, 20, 'at most', ' ms'],
      ['first screen, gzipped (no editor)', browser.first_load_kb, 250, 'at most', ' KB'],
      ['IndexedDB: 4 KiB write-through writes', browser.idb_write_mbps, 40, 'at least', ' MB/s'],
      ['large lab (1024 paths) at Max: longest frame', browser.ui_frame_max_ms_large, 50, 'at most', ' ms'],
    );
  }
  for (const [key, value] of Object.entries(rounded)) console.log(`${key.padEnd(22)} ${value}`);
  console.log('');
  for (const [what, value, target, kind, unit] of targets) {
    const met = kind === 'at least' ? value >= target : value <= target;
    const shown = (x: number) => (unit === 'x' ? x.toFixed(2) : x.toFixed(1));
    console.log(`${what.padEnd(48)} ${`${shown(value)}${unit}`.padStart(9)}  (target ${kind} ${shown(target)}${unit}) ${met ? 'met' : 'NOT MET'}`);
  }
}
