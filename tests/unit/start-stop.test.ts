// START STOP UNIT: a no-op start/stop on every array, and the explicit activation of a passive path
// on an active/passive array (the LUN trespasses to the SP the command came through).

import { describe, expect, it } from 'vitest';
import { bootStack } from '../../src/stack/boot';
import { sendCdb } from '../../src/stack/initiator/sg-request';

const START = [0x1b, 0, 0, 0, 0x01, 0];
const TUR = [0, 0, 0, 0, 0, 0];

describe.each(['wasm', 'typescript'] as const)('START STOP UNIT (%s)', (engine) => {
  it('through the passive SP of an active/passive array trespasses the LUN there', async () => {
    const stack = await bootStack({ engine });
    const array = stack.array('ap-array')!;
    const [spaPort, spbPort] = [array.sps[0].ports[0], array.sps[1].ports[0]];
    const send = (port: typeof spaPort, cdb: number[]) => sendCdb(stack.arena, array, port, 1, { cdb, initiator: 'vmhba1' });
    // LUN 1 belongs to SPB: SPA answers NOT READY 04/03.
    expect((await send(spaPort, TUR)).sense.slice(12, 14)).toEqual(Uint8Array.of(0x04, 0x03));
    expect((await send(spaPort, START)).status).toBe(0);
    expect((await send(spaPort, TUR)).status).toBe(0);
    const now = await send(spbPort, TUR);
    expect(now.status).toBe(2);
    expect(Array.from(now.sense.slice(12, 14))).toEqual([0x04, 0x03]);
  });

  it('is accepted without effect on the other personalities; power conditions are refused', async () => {
    const stack = await bootStack({ engine });
    for (const name of ['alua-array', 'aa-array']) {
      const array = stack.array(name)!;
      const r = await sendCdb(stack.arena, array, array.ports[0], 0, { cdb: START });
      expect(r.status).toBe(0);
    }
    const array = stack.array('aa-array')!;
    const r = await sendCdb(stack.arena, array, array.ports[0], 0, { cdb: [0x1b, 0, 0, 0, 0x30, 0] });
    expect(r.status).toBe(2);
    expect(Array.from(r.sense.slice(12, 18))).toEqual([0x24, 0x00, 0x00, 0xcf, 0x00, 0x04]);
  });
});
