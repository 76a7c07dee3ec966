// `sg` at the lab's console: `pathlab sg` (PathLab's sg_raw) on this host's own arrays. One CDB goes
// straight to a LUN through a target port, past the host's multipathing, on the very blocks the lab
// keeps: a WRITE answers Good only once the LUN's cache mode says it is kept, and SYNCHRONIZE CACHE
// only once the write-back data is. Same options and output as on the command line.

import { Stack } from '../boot';
import type { Host } from '../host';
import { runSg } from './sg-command';

export async function labSg(host: Host, args: string[]): Promise<{ output: string; ok: boolean }> {
  const r = await runSg(new Stack(host.engines, host.arena, host.store, host.arrays), args);
  return { output: r.output, ok: r.exitCode === 0 };
}
