// The stack gives the same answers, byte for byte, whichever engine runs its hot paths, and says
// which one runs and why.

import { describe, expect, it } from 'vitest';
import { bootStack } from '../../src/stack/boot';
import { loadEngines } from '../../src/stack/engine';
import { sendCdb } from '../../src/stack/initiator/sg-request';

/** A session of commands touching every handler, with writes, reads and an ALUA change. */
async function session(engine: 'wasm' | 'typescript', seed = 42): Promise<string[]> {
  const stack = await bootStack({ engine, seed });
  const out: string[] = [];
  const block = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 0xff);
  for (const array of stack.arrays) {
    for (const port of array.ports) {
      const cdbs: { cdb: number[]; dataOut?: Uint8Array }[] = [
        { cdb: [0x12, 0, 0, 0, 96, 0] },
        { cdb: [0x12, 1, 0x83, 0, 255, 0] },
        { cdb: [0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0] },
        { cdb: [0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0] },
        { cdb: [0x2a, 0, 0, 0, 0, 60, 0, 0, 8, 0], dataOut: block },
        { cdb: [0x28, 0, 0, 0, 0, 58, 0, 0, 12, 0] },
        { cdb: [0x5a, 0, 0x3f, 0, 0, 0, 0, 1, 0, 0] },
        { cdb: [0xa3, 0x2a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0] },
        { cdb: [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], dataOut: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2) },
        { cdb: [0x00, 0, 0, 0, 0, 0] },
        { cdb: [0x03, 1, 0, 0, 252, 0] },
        { cdb: [0xc5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      ];
      for (const { cdb, dataOut } of cdbs) {
        const r = await sendCdb(stack.arena, array, port, 1, { cdb, dataOut, initiator: 'host-a' });
        out.push(`${array.name} ${port.wwpn} ${cdb[0]}: ${r.status} ${r.hostStatus} ${r.serviceUs} ${Buffer.from(r.sense).toString('hex')} ${Buffer.from(r.dataIn).toString('hex')}`);
      }
    }
  }
  return out;
}

describe('engines', () => {
  it('wasm and the TypeScript twins answer a whole session with identical bytes', async () => {
    const [wasm, ts] = await Promise.all([session('wasm'), session('typescript')]);
    expect(wasm.length).toBe(11 * 12); // 11 target ports (local disk and vvol-array included), 12 commands each
    expect(ts).toEqual(wasm);
  });

  it('the same seed gives the same session; another seed changes only the service times', async () => {
    const first = await session('wasm');
    expect(await session('wasm')).toEqual(first);
    const other = await session('wasm', 43);
    expect(other).not.toEqual(first);
    const withoutTimes = (lines: string[]) => lines.map((l) => l.split(' ').filter((_, i) => i !== 5).join(' '));
    expect(withoutTimes(other)).toEqual(withoutTimes(first));
  });

  it('says which engine runs, and why the twins run when asked for', async () => {
    expect((await loadEngines('auto')).engine).toBe('wasm');
    const twins = await loadEngines('typescript');
    expect(twins.engine).toBe('typescript');
    expect(twins.reason).toMatch(/requested/);
    expect(twins.cdb.kind).toBe('typescript');
    expect(twins.sgcopy.kind).toBe('typescript');
    expect(twins.ioqueue.kind).toBe('typescript');
  });
});
