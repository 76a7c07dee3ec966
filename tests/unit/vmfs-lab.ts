// Helpers for the VMFS tests: a classroom host with its peer esxi02 (the same arrays and clock),
// a console session on each, and raw reads of a LUN's blocks through `pathlab sg` (the arrays
// directly, outside both hosts' I/O paths).

import { expect } from 'vitest';
import { Stack } from '../../src/stack/boot';
import { LabSession } from '../../src/stack/cli/script';
import { runSg } from '../../src/stack/cli/sg-command';
import { vmkfstools } from '../../src/stack/cli/vmkfstools';
import { Host } from '../../src/stack/host';

/** aa-array LUN 0 (512-byte blocks, 1 TiB): the array both hosts are zoned to. */
export const AA0 = 'naa.600140500aaa00030000000000000000';
/** aa-array LUN 1: 4096-byte logical blocks, thin, write-back. */
export const AA1 = 'naa.600140500aaa00030000000000000001';
/** alua-array LUN 0: only the learner's host sees it. */
export const ALUA0 = 'naa.600140500a1a00010000000000000000';
export const LOCAL = 'mpx.vmhba0:C0:T0:L0';

export interface Lab {
  host: Host;
  peer: Host;
  one: LabSession;
  two: LabSession;
}

export async function lab(seed?: number): Promise<Lab> {
  const host = await Host.boot(seed === undefined ? {} : { seed });
  const peer = host.peer('esxi02');
  if (!peer) throw new Error('the classroom scenario has no esxi02');
  return { host, peer, one: new LabSession(host), two: new LabSession(peer) };
}

/** vmkfstools on a host: must succeed; returns its output. */
export async function vmk(host: Host, line: string): Promise<string> {
  const r = await vmkfstools(host, line.split(' '));
  expect(r.ok, `${host.name}: vmkfstools ${line}\n${r.output}`).toBe(true);
  return r.output;
}

/** vmkfstools on a host: must fail; returns its message. */
export async function vmkFails(host: Host, line: string): Promise<string> {
  const r = await vmkfstools(host, line.split(' '));
  expect(r.ok, `${host.name}: vmkfstools ${line} should fail\n${r.output}`).toBe(false);
  return r.output;
}

/** Blocks of a LUN read with `pathlab sg` (READ (16)), as a learner would. */
export async function sgRead(host: Host, array: string, lun: number, lba: number, blocks: number, blockSize = 512): Promise<Uint8Array> {
  const stack = new Stack(host.engines, host.arena, host.store, host.arrays);
  const be = (x: number, n: number) => Array.from({ length: n }, (_, i) => (Math.floor(x / 2 ** (8 * (n - 1 - i))) & 0xff).toString(16).padStart(2, '0'));
  const cdb = ['88', '00', ...be(lba, 8), ...be(blocks, 4), '00', '00'];
  const { output, exitCode } = await runSg(stack, ['--json', '--array', array, '--lun', String(lun), '--request', String(blocks * blockSize), ...cdb]);
  expect(exitCode, output).toBe(0);
  const j = JSON.parse(output);
  expect(j.status).toBe(0);
  return Uint8Array.from(j.dataIn.split(' '), (x: string) => parseInt(x, 16));
}
