// A learner's PSP, loaded with `plugin load` as in the page and under `npx pathlab run`: it runs
// on every command of the devices it is set on, can be swapped while I/O runs, and whatever it
// does wrong, the stack disables it, says where, puts its devices back on their default PSP and
// loses no command and no acknowledged write.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { succeeds } from './lab-lines';

const AA0 = 'naa.600140500aaa00030000000000000000'; // db01's disk 1: A/A array, 2 paths
const FIXTURES = 'tests/fixtures/plugins';
const TEMPLATES = 'src/stack/plugins/templates';

async function session(dir = FIXTURES): Promise<LabSession> {
  const host = await Host.boot();
  return new LabSession(host, (name) => readFile(join(dir, name), 'utf8'));
}

const run = succeeds;

const psp = (s: LabSession) => s.host.nmp.device(AA0)!.psp.name;

/** Writes then reads back with verify; both jobs must end with no error and no bad block. */
async function writeThenVerify(s: LabSession, size = '2m'): Promise<void> {
  const w = await run(s, `fio --name w --vm db01 --disk 1 --rw randwrite --bs 4k --iodepth 16 --size ${size} --runtime 300ms`);
  expect(w).toMatch(/errors: 0/);
  const r = await run(s, `fio --name r --vm db01 --disk 1 --rw randread --bs 4k --iodepth 16 --size ${size} --runtime 300ms --verify`);
  expect(r).toMatch(/errors: 0/);
  expect(r).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
}

describe('a learner PSP', () => {
  it('the template loads, appears beside the built-in PSPs, and balances a device over its paths', async () => {
    const s = await session(TEMPLATES);
    expect(await run(s, 'plugin load psp.ts')).toBe('LAB_PSP_LQD (PSP) loaded from psp.ts');
    expect(await run(s, 'esxcli storage nmp psp list')).toMatch(/LAB_PSP_LQD\s+Least queue depth/);
    await run(s, `esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_LQD`);
    await writeThenVerify(s);
    const [a, b] = s.host.nmp.device(AA0)!.paths.map((p) => p.stats.ios);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(Math.abs(a - b) / (a + b)).toBeLessThan(0.1);
    expect(await run(s, `esxcli storage nmp device list -d ${AA0}`)).toMatch(/Path Selection Policy: LAB_PSP_LQD/);
  });

  it('a new version of a PSP in use is swapped onto its devices while I/O runs, losing nothing', async () => {
    const s = await session(TEMPLATES);
    await run(s, 'plugin load psp.ts');
    await run(s, `esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_LQD --cfg x`.replace(' --cfg x', ''));
    await run(s, 'fio --name bg --vm db01 --disk 1 --rw randwrite --bs 4k --iodepth 16 --size 1m --runtime 400ms &');
    await run(s, 'sleep 100ms');
    const before = s.host.nmp.device(AA0)!.psp;
    expect(await run(s, 'plugin load psp.ts')).toMatch(/replaced the version loaded before on the devices that used it/);
    const after = s.host.nmp.device(AA0)!.psp;
    expect(after.name).toBe('LAB_PSP_LQD');
    expect(after).not.toBe(before);
    expect(await run(s, 'wait')).toMatch(/errors: 0/);
    const r = await run(s, 'fio --name r --vm db01 --disk 1 --rw randread --bs 4k --iodepth 16 --size 1m --verify');
    expect(r).toMatch(/verify: [1-9]\d* blocks checked, 0 failed/);
  });

  it('compile errors name their lines and load nothing', async () => {
    const s = await session();
    const r = await s.run('plugin load psp-nope.ts');
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/no such file|cannot read|ENOENT/i);
    const host = await Host.boot();
    const bad = await host.plugins.load({ name: 'bad.ts', source: 'export default {\n  name: "LAB_PSP_X",\n  selectPath(io, paths) { return paths[0] \n' });
    expect(bad.ok).toBe(false);
    expect(bad.errors[0].line).toBeGreaterThanOrEqual(3);
    expect(host.nmp.psps.has('LAB_PSP_X')).toBe(false);
    const builtin = await host.plugins.load({ name: 'rr.ts', source: 'export default { name: "VMW_PSP_RR", selectPath(i: unknown, p: readonly unknown[]) { return p[0]; } };' });
    expect(builtin.message).toMatch(/name of a built-in plugin/);
  });

  it('cannot reach the network, storage, timers or the host process', async () => {
    const s = await session();
    expect(await run(s, 'plugin load psp-reach.ts')).toMatch(/^LAB_PSP_SEALED \(PSP\) loaded/);
  });
});

describe('a misbehaving learner PSP is disabled, its devices fall back, and nothing is lost', () => {
  const cases: { file: string; name: string; hook: string; line?: number; message: RegExp; before?: string[] }[] = [
    { file: 'psp-throws.ts', name: 'LAB_PSP_THROWS', hook: 'selectPath', line: 8, message: /selectPath threw Error: this PSP lost its way at line 8/ },
    { file: 'psp-bad-return.ts', name: 'LAB_PSP_BAD_RETURN', hook: 'selectPath', message: /selectPath returned 42, which is not one of the paths it was given/ },
    { file: 'psp-dead-path.ts', name: 'LAB_PSP_FIRST', hook: 'selectPath', message: /selectPath returned vmhba1:C0:T\d+:L0, which is dead, not usable/, before: ['fault link vmhba1'] },
    { file: 'psp-loop.ts', name: 'LAB_PSP_LOOP', hook: 'selectPath', line: 7, message: /selectPath ran for more than 50 ms \(an endless loop\?\) at line 7/ },
    { file: 'psp-memory.ts', name: 'LAB_PSP_HOARD', hook: 'selectPath', line: 9, message: /selectPath ran for more than 50 ms/ },
    { file: 'psp-async.ts', name: 'LAB_PSP_ASYNC', hook: '(outside a hook)', line: 13, message: /^LAB_PSP_ASYNC: plugin code ran outside a hook .* at line 13/ },
  ];
  for (const c of cases) {
    it(`${c.file}: ${c.message.source.slice(0, 60)}`, async () => {
      const s = await session();
      await run(s, `plugin load ${c.file}`);
      for (const line of c.before ?? []) await run(s, line);
      await run(s, `esxcli storage nmp device set -d ${AA0} --psp ${c.name}`);
      const started = performance.now();
      await writeThenVerify(s);
      expect(performance.now() - started).toBeLessThan(10_000);

      const fault = s.host.plugins.faults.at(-1)!;
      expect(fault.plugin).toBe(c.name);
      expect(fault.hook).toBe(c.hook);
      if (c.line !== undefined) expect(fault.line).toBe(c.line);
      expect(fault.message).toMatch(c.message);
      expect(fault.message).toMatch(/was disabled and its devices are back on their default PSP/);
      const list = await run(s, 'plugin list');
      expect(list).toMatch(new RegExp(`${c.name}\\s+PSP\\s+${c.file.replace('.', '\\.')}\\s+disabled`));
      expect(psp(s)).toBe('VMW_PSP_FIXED'); // VMW_SATP_DEFAULT_AA's default
      expect(await run(s, 'esxcli storage nmp psp list')).not.toMatch(c.name);
      expect(s.host.logLines.some((l) => l.includes(`plugin: ${fault.message}`))).toBe(true);
    });
  }
});
