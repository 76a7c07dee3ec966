// Acknowledgements and durability on an IndexedDB-backed host (fake-indexeddb in Node): a write is
// acknowledged only once its own extent is in IndexedDB, whatever happens to the command object
// that carried an earlier write, and aborting commands that wait for durability keeps every count.
// `sg` at the console answers as the LUN's cache mode says: write-through once durable, write-back
// at once until SYNCHRONIZE CACHE.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EXTENT_SIZE } from '../../src/stack/blockstore/block-store';
import { IndexedDbBlockStore } from '../../src/stack/blockstore/indexeddb-store';
import { Arena } from '../../src/stack/memory/arena';
import { TsSgCopy } from '../../src/stack/memory/sgcopy';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function idbHost(): Promise<Host> {
  return Host.boot({ store: 'indexeddb', databaseName: `durability-${Math.random()}` });
}

describe('durability of acknowledged writes', () => {
  it('a reused command is not acknowledged by the durability of the write it carried before', async () => {
    const host = await idbHost();
    const device = host.vms.find((v) => v.name === 'web01')!.disks[0].device!;
    const path = device.paths.find((p) => p.state === 'active' && p.alua === 'AO')!;
    const volume = path.array.lun(path.lun)!.volume as unknown as { persisted: Set<number> };
    const io = host.psa.io.newRequest(4096);
    io.cmd.initiator = path.adapterRef.wwpn;
    // W1 at LBA 0: answered, durability pending, then its flush starts.
    host.psa.io.prepareReadWrite(io, 'write', 0, 8, device.blockSize);
    path.array.submit(io.cmd, path.port, path.lun, () => {});
    expect(io.cmd.pendingDurability).toBe(true);
    await tick();
    // The same command object carries W2 to another extent before W1's flush commits.
    const lba = 1_000_000;
    host.psa.io.prepareReadWrite(io, 'write', lba, 8, device.blockSize);
    path.array.submit(io.cmd, path.port, path.lun, () => {});
    const extent = Math.floor((lba * device.blockSize) / EXTENT_SIZE);
    const persistedAtAck = await new Promise<boolean>((resolve) => (io.cmd.onDurable = () => resolve(volume.persisted.has(extent))));
    expect(persistedAtAck).toBe(true);
    host.close();
  });

  it('a LUN reset while an acknowledgement waits for IndexedDB leaves every count whole', async () => {
    const host = await idbHost();
    const session = new LabSession(host);
    const device = host.vms.find((v) => v.name === 'web01')!.disks[0].device!;
    await session.run('fio --name j --vm web01 --rw randwrite --bs 4k --iodepth 8 --size 1m --runtime 400ms --verify &');
    const running = host.advance(200_000);
    // Wait for a moment where the clock is held by an ack that waits for durability.
    let held = false;
    for (let i = 0; i < 100_000 && !held; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      held = host.clock.held && device.outstanding > 0;
    }
    expect(held).toBe(true);
    const reset = host.psa.io.resetLun(device, device.paths.find((p) => p.state === 'active')!);
    expect(reset).toBeGreaterThan(0);
    await running;
    const summary = (await session.run('wait')).output;
    expect(summary).toMatch(/verify: \d+ blocks checked, 0 failed/);
    expect(summary).toMatch(/errors: 0/);
    for (const p of device.paths) expect(p.outstanding).toBe(0);
    for (const a of host.adapters) expect(a.outstanding).toBe(0);
    expect(device.outstanding).toBe(0);
    host.close();
  });
});

describe('sg at the lab console, on an IndexedDB-backed host', () => {
  /** Extents a second connection to the database finds for a LUN: what is durable. */
  async function durableExtents(databaseName: string, key: string): Promise<number> {
    const store = await IndexedDbBlockStore.open(new Arena(new TsSgCopy()), databaseName);
    try {
      return (await store.open(key)).allocatedExtents();
    } finally {
      store.close();
    }
  }

  it('answers a write-through WRITE once durable, and a write-back one at once until SYNCHRONIZE CACHE', async () => {
    const databaseName = `durability-sg-${Math.random()}`;
    const host = await Host.boot({ store: 'indexeddb', databaseName });
    const session = new LabSession(host);
    const run = async (line: string) => {
      const r = await session.run(line);
      expect(r.ok, r.output).toBe(true);
      return JSON.parse(r.output) as { status: number; sense: string; dataIn: string };
    };
    const through = host.array('alua-array')!.lun(0)!;
    const back = host.array('aa-array')!.lun(1)!;
    expect([through.cacheMode, back.cacheMode]).toEqual(['write-through', 'write-back']);
    // WRITE(10) of one 512-byte block at LBA 100000: Good means a second connection sees it.
    expect((await run(`sg --json --array alua-array --lun 0 --data-out ${'5a'.repeat(512)} 2a 00 00 01 86 a0 00 00 01 00`)).status).toBe(0);
    expect(await durableExtents(databaseName, through.naaId)).toBe(1);
    // Write-back: Good at once, not durable yet; SYNCHRONIZE CACHE (10) makes it so before its Good.
    expect((await run(`sg --json --array aa-array --lun 1 --data-out ${'a5'.repeat(4096)} 2a 00 00 00 27 10 00 00 01 00`)).status).toBe(0);
    expect(await durableExtents(databaseName, back.naaId)).toBe(0);
    expect((await run('sg --json --array aa-array --lun 1 35 00 00 00 00 00 00 00 00 00')).status).toBe(0);
    expect(await durableExtents(databaseName, back.naaId)).toBe(1);
    // And it reads back through the console what was written.
    const read = await run('sg --json --array aa-array --lun 1 --request 4096 28 00 00 00 27 10 00 00 01 00');
    expect(read.dataIn).toBe(Array(4096).fill('a5').join(' '));
    // A mistake is a clear message, with nothing sent.
    const bad = await session.run('sg --array nowhere 00 00 00 00 00 00');
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/no array named nowhere; arrays: alua-array/);
    host.close();
  });
});

describe('a device lost for good can come back', () => {
  it('after PDL, presenting the LUN again and rescanning brings the device back', async () => {
    const host = await Host.boot();
    const session = new LabSession(host);
    const id = 'naa.600140500a1a00010000000000000000';
    let out = '';
    for (const line of [
      'fio --name j --vm web01 --rw randrw --bs 4k --iodepth 8 --size 4m --runtime 3s --verify &',
      'sleep 500ms',
      'fault lun alua-array 0',
      'sleep 500ms',
      'repair lun alua-array 0',
      'esxcli storage core adapter rescan --all',
      'wait',
      `esxcli storage core device list -d ${id}`,
      'fio --name again --vm web01 --rw randread --bs 4k --iodepth 4 --runtime 1s',
    ]) {
      const r = await session.run(line);
      expect(r.ok, `${line}\n${r.output}`).toBe(true);
      out += r.output + '\n';
    }
    expect(host.nmp.device(id)!.logical.permanentlyLost).toBe(false);
    expect(out).toMatch(/Status: on/);
    // The second job ran clean on the device that came back.
    const again = out.slice(out.lastIndexOf('again: (groupid'));
    expect(again).toMatch(/errors: 0/);
    expect(host.logLines.some((l) => l.includes(`${id} is back`))).toBe(true);
  });
});

describe('the lab session', () => {
  it('runs lines one at a time in the order asked, even when callers do not wait', async () => {
    const host = await Host.boot();
    const session = new LabSession(host);
    const start = host.clock.now;
    const a = session.run('sleep 2s');
    const b = session.run('fault link vmhba1');
    await Promise.all([a, b]);
    // The fault came after the whole sleep, at 2 s of virtual time, not somewhere inside it.
    const stamp = `${((start + 2_000_000) / 1e6).toFixed(6)}s `;
    expect(host.logLines.find((l) => l.includes('fault: vmhba1 link down'))?.startsWith(stamp)).toBe(true);
  });
});
