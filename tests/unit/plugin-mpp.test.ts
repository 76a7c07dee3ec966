// A learner's whole multipathing plugin (MPP), loaded with `plugin load` and given an array's paths
// with claim rules, as a learner does it in the console: it claims, builds devices, routes every
// command and survives a cable pull. Whatever it does wrong, the stack disables it, says where,
// gives its paths back to NMP and loses no command and no acknowledged write.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { succeeds } from './lab-lines';
import { recordPathStates } from './path-states';

const AA0 = 'naa.600140500aaa00030000000000000000'; // db01's disk 1: A/A array LUN 0, 2 paths
const AA1 = 'naa.600140500aaa00030000000000000001';
const FIXTURES = 'tests/fixtures/plugins';

/** A fresh classroom host; `plugin load` reads `files` first, then tests/fixtures/plugins/. */
async function session(files: Record<string, string> = {}): Promise<LabSession> {
  const host = await Host.boot();
  return new LabSession(host, async (name) => files[name] ?? readFile(join(FIXTURES, name), 'utf8'));
}

const fixture = (name: string) => readFile(join(FIXTURES, name), 'utf8');

const run = succeeds;

/** What a learner types to give the A/A array to their MPP. */
async function giveArray(s: LabSession, plugin: string): Promise<void> {
  await run(s, `esxcli storage core claimrule add -r 200 -t vendor -V PATHLAB -M AA-VA -P ${plugin}`);
  await run(s, 'esxcli storage core claimrule load');
  await run(s, 'esxcli storage core claiming unclaim -t vendor -V PATHLAB -M AA-VA');
  await run(s, 'esxcli storage core claimrule run');
}

/** The "Multipath Plugin" of a device, as esxcli prints it. */
async function deviceOwner(s: LabSession, id: string): Promise<string> {
  return /Multipath Plugin: (\S+)/.exec(await run(s, `esxcli storage core device list -d ${id}`))![1];
}

/** The "Plugin" column of each path of a device, as esxcli prints it. */
async function pathOwners(s: LabSession, id: string): Promise<string[]> {
  return [...(await run(s, `esxcli storage core path list -d ${id}`)).matchAll(/^ {3}Plugin: (\S+)$/gm)].map((m) => m[1]);
}

/** Writes then reads back with verify; both jobs must end with no error and no bad block. */
async function writeThenVerify(s: LabSession, size = '2m'): Promise<void> {
  const w = await run(s, `fio --name w --vm db01 --disk 1 --rw randwrite --bs 4k --iodepth 16 --size ${size} --runtime 300ms`);
  expect(w).toMatch(/errors: 0/);
  const r = await run(s, `fio --name r --vm db01 --disk 1 --rw randread --bs 4k --iodepth 16 --size ${size} --runtime 300ms --verify`);
  expect(r).toMatch(/errors: 0/);
  expect(r).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
}

function summary(out: string): { checked: number; failed: number; errors: number } {
  const v = /verify: (\d+) blocks checked, (\d+) failed/.exec(out);
  const e = /errors: (\d+)/.exec(out);
  if (!v || !e) throw new Error(`no fio summary in:\n${out}`);
  return { checked: Number(v[1]), failed: Number(v[2]), errors: Number(e[1]) };
}

/** CMDS/s of each of AA0's paths on esxtop's path screen. */
function esxtopPathRates(out: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const line of out.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells[2] === AA0) rates[cells[0]] = Number(cells[5]);
  }
  return rates;
}

const job = (extra = '') => `fio --name bg --vm db01 --disk 1 --rw randrw --bs 4k --iodepth 16 --size 4m --runtime 1s --verify ${extra} &`;

describe('a learner MPP', () => {
  it('claims the A/A array by a claim rule, owns its devices and paths, and spreads I/O over both paths', async () => {
    const s = await session();
    expect(await run(s, 'plugin load mpp-rr.ts')).toBe('LAB_MPP_RR (MPP) loaded from mpp-rr.ts');
    expect(await run(s, 'esxcli storage core plugin list')).toMatch(/^LAB_MPP_RR\s+MP$/m);
    expect(await deviceOwner(s, AA0)).toBe('NMP');
    await giveArray(s, 'LAB_MPP_RR');
    expect(await run(s, 'esxcli storage core claimrule list')).toMatch(/MP\s+200\s+runtime\s+vendor\s+LAB_MPP_RR\s+vendor=PATHLAB model=AA-VA/);
    for (const id of [AA0, AA1]) {
      expect(await deviceOwner(s, id)).toBe('LAB_MPP_RR');
      expect(await pathOwners(s, id)).toEqual(['LAB_MPP_RR', 'LAB_MPP_RR']);
    }
    // The other arrays stay with NMP.
    expect(await deviceOwner(s, 'naa.600140500a1a00010000000000000000')).toBe('NMP');

    await run(s, 'esxtop path'); // the first snapshot starts the interval
    const out = await run(s, 'fio --name rw --vm db01 --disk 1 --rw randrw --bs 4k --iodepth 16 --size 4m --runtime 500ms --verify');
    expect(summary(out)).toMatchObject({ failed: 0, errors: 0 });
    expect(summary(out).checked).toBeGreaterThan(1000);
    const rates = esxtopPathRates(await run(s, 'esxtop path'));
    const [a, b] = [rates['vmhba1:C0:T3:L0'], rates['vmhba2:C0:T3:L0']];
    expect(a).toBeGreaterThan(1000);
    expect(b).toBeGreaterThan(1000);
    expect(Math.abs(a - b) / (a + b)).toBeLessThan(0.05); // round robin: one each in turn
    expect(await run(s, 'plugin list')).toMatch(/LAB_MPP_RR\s+MPP\s+mpp-rr\.ts\s+loaded/);
  });

  it('fails over inside the MPP when a cable is pulled, and takes the path back when it returns', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    await run(s, 'sleep 200ms');
    await run(s, 'fault link vmhba1');
    await run(s, 'sleep 200ms');
    expect(await run(s, 'esxcli storage core path list -p vmhba1:C0:T3:L0')).toMatch(/State: dead/);
    const survivor = s.host.psa.path('vmhba2:C0:T3:L0')!;
    const before = survivor.stats.ios;
    await run(s, 'sleep 200ms');
    expect(survivor.stats.ios).toBeGreaterThan(before + 1000); // I/O went on through vmhba2
    await run(s, 'repair link vmhba1');
    expect(await run(s, 'esxcli storage core path list -p vmhba1:C0:T3:L0')).toMatch(/State: active/);
    const v = summary(await run(s, 'wait'));
    expect(v).toMatchObject({ failed: 0, errors: 0 });
    expect(v.checked).toBeGreaterThan(1000);
    expect(s.host.logLines.some((l) => l.includes('LAB_MPP_RR: path vmhba1:C0:T3:L0 is dead'))).toBe(true);
    expect(s.host.logLines.some((l) => l.includes('LAB_MPP_RR: path vmhba1:C0:T3:L0 answers again: active'))).toBe(true);
    // Still the learner's: a failover is the MPP's business, not a fault.
    expect(await deviceOwner(s, AA0)).toBe('LAB_MPP_RR');
    expect(s.host.plugins.faults).toEqual([]);
  });

  it('parks commands while every path is down and sends them when a path returns; fails them only after the command timeout', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    await run(s, 'sleep 200ms');
    await run(s, 'fault link vmhba1');
    await run(s, 'fault link vmhba2');
    await run(s, 'sleep 5s');
    await run(s, 'repair link vmhba2');
    expect(summary(await run(s, 'wait'))).toMatchObject({ failed: 0, errors: 0 });

    // Down for longer than the command timeout (30 s): commands fail back, none hangs, nothing is lost.
    await run(s, job());
    await run(s, 'sleep 200ms');
    await run(s, 'fault link vmhba2');
    await run(s, 'sleep 40s');
    await run(s, 'repair link vmhba1');
    await run(s, 'repair link vmhba2');
    const v = summary(await run(s, 'wait'));
    expect(v.failed).toBe(0);
    expect(v.errors).toBeGreaterThan(0);
    expect(s.host.logLines.some((l) => /LAB_MPP_RR: naa\.\S+: no usable path for 30 s; command \d+ fails back/.test(l))).toBe(true);
    await writeThenVerify(s); // and the device works again
  });

  it('a LUN reset reaches its taskManagement hook; aborted commands are retried, nothing fails', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    await run(s, 'sleep 200ms');
    expect(await run(s, `vmkfstools -L lunreset /vmfs/devices/disks/${AA0}`)).toMatch(/Lun Reset succeeded on .* \([1-9]\d* commands aborted\)/);
    expect(summary(await run(s, 'wait'))).toMatchObject({ failed: 0, errors: 0 });
    expect(s.host.plugins.faults).toEqual([]);
  });

  it('a taskManagement that never calls done is stopped after its bound; the commands it held go on', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-silent-reset.ts');
    await giveArray(s, 'LAB_MPP_SILENT');
    await run(s, job());
    await run(s, 'sleep 200ms');
    await run(s, `vmkfstools -L lunreset /vmfs/devices/disks/${AA0}`);
    await run(s, 'sleep 6s');
    expect(summary(await run(s, 'wait'))).toMatchObject({ failed: 0, errors: 0 });
    const fault = s.host.plugins.faults.at(-1)!;
    expect(fault).toMatchObject({ plugin: 'LAB_MPP_SILENT', hook: 'taskManagement' });
    expect(fault.message).toMatch(/taskManagement did not call done within 5 s of virtual time/);
    expect(await deviceOwner(s, AA0)).toBe('NMP');
  });

  it('a new version replaces the one loaded before while I/O runs, losing nothing', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    await run(s, 'sleep 200ms');
    const before = s.host.psa.device(AA0)!.owner;
    expect(await run(s, 'plugin load mpp-rr.ts')).toMatch(/replaced the version loaded before/);
    const after = s.host.psa.device(AA0)!.owner;
    expect(after).not.toBe(before);
    expect(after.name).toBe('LAB_MPP_RR');
    expect(await pathOwners(s, AA0)).toEqual(['LAB_MPP_RR', 'LAB_MPP_RR']);
    expect(s.host.psa.plugins.list().filter((e) => e.mpp.name === 'LAB_MPP_RR')).toHaveLength(1);
    expect(summary(await run(s, 'wait'))).toMatchObject({ failed: 0, errors: 0 });
    await writeThenVerify(s);
  });

  it('a new version that throws while claiming is disabled, and the paths it took over go to NMP; nothing is lost', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    await run(s, 'sleep 200ms');
    expect(await run(s, 'plugin load mpp-rr-broken.ts')).toMatch(/replaced the version loaded before/);
    // Reported once the manager knows the new version: it is the one disabled, with its line.
    expect(await run(s, 'plugin list')).toMatch(/LAB_MPP_RR\s+MPP\s+mpp-rr-broken\.ts\s+disabled\s+LAB_MPP_RR: claimPath threw TypeError: .* at line 7/);
    expect(summary(await run(s, 'wait'))).toMatchObject({ failed: 0, errors: 0 });
    expect(await pathOwners(s, AA0)).toEqual(['NMP', 'NMP']);
    expect(await run(s, 'esxcli storage core plugin list')).not.toMatch(/LAB_MPP_RR/);
    await writeThenVerify(s);
  });

  it('a new version whose install fails leaves the old one as it was, serving its devices; nothing is lost', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    await run(s, 'sleep 200ms');
    const psa = s.host.psa;
    const before = psa.device(AA0)!;
    const paths = [...before.paths];
    // The claim the swap runs goes through (the new version takes every path), then fails.
    const claim = psa.claim.bind(psa);
    psa.claim = () => {
      psa.claim = claim;
      claim();
      throw new Error('the claim failed after claiming');
    };
    const load = await s.run('plugin load mpp-rr.ts');
    expect(load.ok).toBe(false);
    expect(load.output).toContain('the claim failed after claiming');
    // The old version, as it was: registered, its devices, its paths, its learner code running.
    expect(psa.plugins.list().filter((e) => e.mpp.name === 'LAB_MPP_RR')).toHaveLength(1);
    expect(psa.plugins.get('LAB_MPP_RR')).toBe(before.owner);
    expect(psa.device(AA0)).toBe(before);
    expect(before.paths).toEqual(paths);
    expect(await pathOwners(s, AA0)).toEqual(['LAB_MPP_RR', 'LAB_MPP_RR']);
    expect(await run(s, 'plugin list')).toMatch(/LAB_MPP_RR\s+MPP\s+mpp-rr\.ts\s+loaded/);
    expect(summary(await run(s, 'wait'))).toMatchObject({ failed: 0, errors: 0 });
    const [a, b] = paths.map((p) => p.stats.ios);
    await writeThenVerify(s);
    // Round robin, the learner's: both paths carry the new commands.
    expect(paths[0].stats.ios - a).toBeGreaterThan(100);
    expect(paths[1].stats.ios - b).toBeGreaterThan(100);
    expect(s.host.plugins.faults).toEqual([]);
  });

  it("an administrator's path set --state off wins: no I/O on that path until it is enabled and answers", async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, 'esxcli storage core path set -p vmhba1:C0:T3:L0 --state off');
    expect(await run(s, 'esxcli storage core path list -p vmhba1:C0:T3:L0')).toMatch(/State: disabled/);
    const off = s.host.psa.path('vmhba1:C0:T3:L0')!;
    const before = off.stats.ios;
    await writeThenVerify(s);
    expect(off.stats.ios).toBe(before);
    await run(s, 'esxcli storage core path set -p vmhba1:C0:T3:L0 --state active');
    expect(await run(s, 'esxcli storage core path list -p vmhba1:C0:T3:L0')).toMatch(/State: active/);
    await writeThenVerify(s);
    expect(off.stats.ios).toBeGreaterThan(before + 100);
  });

  it('unloads only while no device of it is open; its paths then go to the next claim rule', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-rr.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    const busy = await s.run('plugin unload LAB_MPP_RR');
    expect(busy.ok).toBe(false);
    expect(busy.output).toMatch(new RegExp(`LAB_MPP_RR is in use by ${AA0}`));
    await run(s, 'wait');
    expect(await run(s, 'plugin unload LAB_MPP_RR')).toBe('LAB_MPP_RR unloaded');
    expect(await run(s, 'esxcli storage core plugin list')).not.toMatch(/LAB_MPP_RR/);
    expect(await pathOwners(s, AA0)).toEqual(['NMP', 'NMP']);
    await writeThenVerify(s);
  });
});

describe('a misbehaving learner MPP is disabled, its paths go back to NMP, and nothing is lost', () => {
  const cases: { file: string; name: string; hook: string; line?: number; message: RegExp; during?: string[] }[] = [
    { file: 'mpp-start-throws.ts', name: 'LAB_MPP_THROWS', hook: 'startCommand', line: 14, message: /startCommand threw Error: this MPP lost its way at line 14/ },
    {
      file: 'mpp-foreign-path.ts', name: 'LAB_MPP_FOREIGN', hook: 'startCommand',
      message: new RegExp(`startCommand returned vmhba1:C0:T3:L1, a path of ${AA1}, not one of the usable paths of ${AA0} it was given`),
    },
    { file: 'mpp-loop.ts', name: 'LAB_MPP_LOOP', hook: 'startCommand', line: 12, message: /startCommand ran for more than 50 ms \(an endless loop\?\) at line 12/ },
    { file: 'mpp-memory.ts', name: 'LAB_MPP_HOARD', hook: 'startCommand', line: 12, message: /startCommand ran for more than 50 ms/ },
    {
      file: 'mpp-send-foreign.ts', name: 'LAB_MPP_SEND', hook: 'startCommand', line: 19,
      message: new RegExp(`startCommand threw TypeError: device.send: vmhba1:C0:T3:L1 is not a path of ${AA0} \\(it leads to ${AA1}\\) at line 19`),
    },
    {
      file: 'mpp-no-answer.ts', name: 'LAB_MPP_MUTE', hook: 'commandDone',
      message: /commandDone returned undefined for a failed command \(H:0x1 D:0x0 sense 0 0 0\), not 'retry', 'failover' or 'fail'/,
      during: ['fault link vmhba1'],
    },
  ];
  for (const c of cases) {
    it(`${c.file}: ${c.message.source.slice(0, 60)}`, async () => {
      const s = await session();
      await run(s, `plugin load ${c.file}`);
      await giveArray(s, c.name);
      expect(await deviceOwner(s, AA0)).toBe(c.name);
      const started = performance.now();
      // The plugin misbehaves while a verified workload runs through it.
      await run(s, job());
      await run(s, 'sleep 100ms');
      for (const line of c.during ?? []) await run(s, line);
      const v = summary(await run(s, 'wait'));
      expect(v).toMatchObject({ failed: 0, errors: 0 });
      expect(v.checked).toBeGreaterThan(1000);
      for (const line of c.during ?? []) await run(s, line.replace(/^fault/, 'repair'));
      await writeThenVerify(s);
      expect(performance.now() - started).toBeLessThan(15_000);

      const fault = s.host.plugins.faults.at(-1)!;
      expect(fault.plugin).toBe(c.name);
      expect(fault.hook).toBe(c.hook);
      if (c.line !== undefined) expect(fault.line).toBe(c.line);
      expect(fault.message).toMatch(c.message);
      expect(fault.message).toMatch(/was disabled and its paths went back to the claim rules, and NMP claimed them/);
      const list = await run(s, 'plugin list');
      expect(list).toMatch(new RegExp(`${c.name}\\s+MPP\\s+${c.file.replace('.', '\\.')}\\s+disabled`));
      expect(list).toContain(fault.message);
      expect(await run(s, 'esxcli storage core plugin list')).not.toMatch(c.name);
      for (const id of [AA0, AA1]) {
        expect(await deviceOwner(s, id)).toBe('NMP');
        expect(await pathOwners(s, id)).toEqual(['NMP', 'NMP']);
      }
      expect(s.host.logLines.some((l) => l.includes(`plugin: ${fault.message}`))).toBe(true);
    });
  }

  it('mpp-claim-throws.ts: a path it throws on goes to the next claim rule (NMP)', async () => {
    const s = await session();
    await run(s, 'plugin load mpp-claim-throws.ts');
    await giveArray(s, 'LAB_MPP_CLAIM');
    const fault = s.host.plugins.faults.at(-1)!;
    expect(fault).toMatchObject({ plugin: 'LAB_MPP_CLAIM', hook: 'claimPath', line: 7 });
    expect(fault.message).toMatch(/claimPath threw TypeError: .* at line 7/);
    expect(await run(s, 'plugin list')).toMatch(/LAB_MPP_CLAIM\s+MPP\s+mpp-claim-throws\.ts\s+disabled/);
    expect(await run(s, 'esxcli storage core plugin list')).not.toMatch(/LAB_MPP_CLAIM/);
    for (const id of [AA0, AA1]) {
      expect(await deviceOwner(s, id)).toBe('NMP');
      expect(await pathOwners(s, id)).toEqual(['NMP', 'NMP']);
    }
    await writeThenVerify(s);
  });
});

describe("the stack's functions an MPP was handed work only while one of its hooks runs", () => {
  const late = async (which: string) => (await fixture('mpp-outside-hook.ts')).replace(/^const LATE = .*$/m, `const LATE = '${which}' as string;`);
  /** mpp-rr.ts whose taskManagement calls done from a promise callback, after the hook returned. */
  const lateDone = async () => {
    const rr = await fixture('mpp-rr.ts');
    const hook = /\n {4}if \(!path\) return done\(\);\n {4}device\.send\(path, \[0, 0, 0, 0, 0, 0\], \(\) => done\(\)\);/;
    expect(rr).toMatch(hook);
    return rr.replace(hook, '\n    void Promise.resolve().then(done);').replace("name: 'LAB_MPP_RR'", "name: 'LAB_MPP_LATE'");
  };

  for (const which of ['setPathState', 'send', 'done']) {
    const what = which === 'done' ? 'done' : `device.${which}`;
    it(`${what} from a promise callback: the MPP is disabled, the call does nothing, its paths go to NMP, nothing is lost`, async () => {
      const file = 'late.ts';
      const s = await session({ [file]: which === 'done' ? await lateDone() : await late(which) });
      const path = s.host.psa.path('vmhba1:C0:T3:L0')!;
      const states = recordPathStates(path);
      await run(s, `plugin load ${file}`);
      await giveArray(s, 'LAB_MPP_LATE');
      await run(s, job());
      await run(s, 'sleep 200ms');
      // taskManagement runs at a LUN reset; openDevice ran at the claim.
      if (which === 'done') await run(s, `vmkfstools -L lunreset /vmfs/devices/disks/${AA0}`);
      const v = summary(await run(s, 'wait'));
      expect(v).toMatchObject({ failed: 0, errors: 0 });
      expect(v.checked).toBeGreaterThan(1000);
      await writeThenVerify(s);

      const fault = s.host.plugins.faults.at(-1)!;
      expect(fault).toMatchObject({ plugin: 'LAB_MPP_LATE', file, hook: '(outside a hook)' });
      expect(fault.message).toContain(`LAB_MPP_LATE: ${what} was called outside a hook (from a promise callback or a timer) and did nothing`);
      expect(fault.message).toMatch(/was disabled and its paths went back to the claim rules, and NMP claimed them/);
      expect(s.host.plugins.faults).toHaveLength(1);
      expect(await run(s, 'plugin list')).toMatch(/LAB_MPP_LATE\s+MPP\s+late\.ts\s+disabled/);
      for (const id of [AA0, AA1]) expect(await pathOwners(s, id)).toEqual(['NMP', 'NMP']);
      // No fault was injected: nothing ever marked the path dead.
      expect(states).not.toContain('dead');
      expect(path.state).toBe('active');
    });
  }

  it('the same MPP with every call inside its hooks serves the devices', async () => {
    const s = await session({ 'late.ts': await late('none') });
    await run(s, 'plugin load late.ts');
    await giveArray(s, 'LAB_MPP_LATE');
    await writeThenVerify(s);
    expect(s.host.plugins.faults).toEqual([]);
    expect(await deviceOwner(s, AA0)).toBe('LAB_MPP_LATE');
  });
});

describe('what a learner MPP sends is checked as an SATP\'s is', () => {
  /** mpp-rr.ts whose taskManagement sends `cdb` (and `dataOut`) instead of TEST UNIT READY. */
  const sending = async (args: string) => (await fixture('mpp-rr.ts')).replace('device.send(path, [0, 0, 0, 0, 0, 0], () => done());', `device.send(path, ${args});`);

  it.each([
    ['[0x3b, 0x02, 0, 0, 0, 0, 0, 0, 0x10, 0], () => done(), new Uint8Array(16)', "device.send: WRITE BUFFER (opcode 0x3b), a command that changes the LUN's data: a plugin may send only management commands"],
    ['[0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], () => done(), new Uint8Array(512)', "device.send: WRITE(10) (opcode 0x2a), a command that changes the LUN's data"],
    ['[0, 0, 0, 0, 0, 0, 0], () => done()', 'device.send: a CDB of 7 bytes; a CDB has 6, 10, 12 or 16'],
    ['[0x12, 256, 0, 0, 0, 0], () => done()', 'device.send: a CDB whose byte 1 is 256, not a whole number 0..255'],
    ['[0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0x13, 0x88, 0, 0], () => done(), new Uint8Array(5000)', 'device.send: 5000 bytes of data-out; at most 4096'],
    ['[0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], () => done(), [0, 0] as unknown as Uint8Array', 'device.send: data-out that is an array, not a Uint8Array'],
  ])('send(path, %s) is refused', async (args, message) => {
    const s = await session({ 'send.ts': await sending(args) });
    await run(s, 'plugin load send.ts');
    await giveArray(s, 'LAB_MPP_RR');
    await run(s, job());
    await run(s, 'sleep 200ms');
    await run(s, `vmkfstools -L lunreset /vmfs/devices/disks/${AA0}`);
    expect(summary(await run(s, 'wait'))).toMatchObject({ failed: 0, errors: 0 });
    const fault = s.host.plugins.faults.at(-1)!;
    expect(fault).toMatchObject({ plugin: 'LAB_MPP_RR', hook: 'taskManagement' });
    expect(fault.message).toContain(`taskManagement threw TypeError: ${message}`);
    for (const id of [AA0, AA1]) expect(await pathOwners(s, id)).toEqual(['NMP', 'NMP']);
    await writeThenVerify(s);
  });
});
