// A learner's SATP, loaded and used as a learner would: `plugin load`, an SATP rule naming it, the
// ALUA array's paths unclaimed and claimed again, then verified I/O through faults. A correct one
// serves the devices and fails over; a misbehaving one is disabled with a message naming it, its
// hook and its line, its devices go back to the SATP their rules give them (VMW_SATP_ALUA), and no
// acknowledged write is lost.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import type { SatpDevice, SatpModule } from '../../src/stack/plugin-api';
import { PluginGuard, type PluginViolation } from '../../src/stack/plugins/guard';
import { SupervisedSatp } from '../../src/stack/plugins/supervised-satp';
import { PathViews } from '../../src/stack/plugins/views';
import { Clock } from '../../src/stack/sim/clock';
import { recordPathStates } from './path-states';

const ALUA0 = 'naa.600140500a1a00010000000000000000';
const ALUA_DEVICES = [0, 1, 2, 3].map((i) => `naa.600140500a1a0001000000000000000${i}`);
const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The 1-based line of `file` holding `marker`: where a message must point. */
function lineOf(file: string, marker: string | RegExp): number {
  const at = fixture(file).split('\n').findIndex((l) => (typeof marker === 'string' ? l.includes(marker) : marker.test(l)));
  if (at < 0) throw new Error(`${marker} is not in ${file}`);
  return at + 1;
}

/** A fresh classroom host; `plugin load` reads `files` first, then tests/fixtures/plugins/. */
async function lab(files: Record<string, string> = {}) {
  const host = await Host.boot();
  const session = new LabSession(host, async (name) => files[name] ?? fixture(name));
  const script = async (text: string) => {
    let out = '';
    const failed = await session.runScript(text, (s) => (out += s));
    expect(failed, out).toBe(0);
    return out;
  };
  return { host, session, script };
}

/** Rule + reclaim: the SATP rule names `satp` for the ALUA array, whose paths are claimed anew. */
const claimBy = (satp: string, unclaim = '-t vendor -V PATHLAB -M ALUA-VA') =>
  `esxcli storage nmp satp rule add -s ${satp} -V PATHLAB -M ALUA-VA\n` +
  `esxcli storage core claiming unclaim ${unclaim}\n` +
  'esxcli storage core claimrule run';

/** The summary of fio job `name` in `out`. */
function fio(out: string, name: string): { checked: number; failed: number; errors: number } {
  const at = out.indexOf(`${name}: (groupid`);
  const text = out.slice(at);
  const v = /verify: (\d+) blocks checked, (\d+) failed/.exec(text);
  const e = /errors: (\d+)/.exec(text);
  if (at < 0 || !v || !e) throw new Error(`no fio summary of ${name} in:\n${out}`);
  return { checked: Number(v[1]), failed: Number(v[2]), errors: Number(e[1]) };
}

const arrayTypes = (out: string) => [...out.matchAll(/Storage Array Type: (\S+)/g)].map((m) => m[1]);
const writeJob = (runtime = '6s') => `fio --name j --vm web01 --rw randrw --bs 4k --iodepth 16 --size 8m --runtime ${runtime} --verify &`;
/** Reads back all 8 MiB the job used: every block must hold its last acknowledged write (or zeros). */
const readBack = 'fio --name check --vm web01 --rw read --bs 4k --iodepth 16 --size 8m --verify';

describe('a learner SATP', () => {
  it('claims the ALUA array by an SATP rule, serves verified I/O and fails over through an SP failure', async () => {
    const { host, script } = await lab();
    const out = await script(
      [
        'plugin load satp-alua.ts',
        'esxcli storage nmp satp list',
        claimBy('LAB_SATP_ALUA'),
        `esxcli storage nmp device list -d ${ALUA0}`,
        writeJob(),
        'sleep 1s',
        'fault sp alua-array SPA',
        'sleep 2s',
        `esxcli storage nmp device list -d ${ALUA0}`,
        'repair sp alua-array SPA',
        'sleep 1s',
        'wait',
        readBack,
        'plugin list',
      ].join('\n'),
    );
    expect(out).toMatch(/LAB_SATP_ALUA\s+VMW_PSP_MRU\s+ALUA SATP written in the lab/);
    // Every device of the array is the learner's now, with its default PSP.
    for (const id of ALUA_DEVICES) expect(host.nmp.device(id)!.satp.name).toBe('LAB_SATP_ALUA');
    const lists = out.split(`$ esxcli storage nmp device list -d ${ALUA0}`).slice(1);
    expect(arrayTypes(out)).toEqual(['LAB_SATP_ALUA', 'LAB_SATP_ALUA']);
    expect(lists[0]).toMatch(/Storage Array Type Device Config: \{lab_alua=on; \{TPG_id=1,TPG_state=AO\}\{TPG_id=2,TPG_state=ANO\}\}/);
    expect(lists[0]).toMatch(/Path Selection Policy: VMW_PSP_MRU/);
    // While SPA is down its group is unavailable, SPB's took over, and I/O goes through SPB.
    expect(lists[1]).toMatch(/\{TPG_id=1,TPG_state=UNAV\}\{TPG_id=2,TPG_state=AO\}/);
    const working = /Working Paths: (\S+)/.exec(lists[1])![1];
    expect(host.psa.path(working)!.port.sp.name).toBe('SPB');
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'j').checked).toBeGreaterThan(1000);
    expect(fio(out, 'check')).toEqual({ checked: 16384, failed: 0, errors: 0 });
    // After the repair SPA's paths serve again, through its group's state as the learner read it.
    const device = host.nmp.device(ALUA0)!;
    for (const p of device.paths) expect([p.state, p.alua]).toEqual(p.port.sp.name === 'SPB' ? ['active', 'AO'] : ['active', 'ANO']);
    expect(out).toMatch(/LAB_SATP_ALUA\s+SATP\s+satp-alua\.ts\s+loaded\s*\n/);
    expect(host.plugins.faults).toEqual([]);
  });

  it('activate wakes a standby group with SET TARGET PORT GROUPS when nothing else is usable', async () => {
    // LUN 0's own group (SPA) is standby and the array will not wake it; then SPB fails. Only the
    // learner's activate, through send with a parameter list, brings SPA's group back.
    const { host, script } = await lab();
    const out = await script(
      [
        'fault alua alua-array 0 SPA standby',
        'sleep 500ms', // the array's transition time
        'plugin load satp-alua.ts',
        claimBy('LAB_SATP_ALUA', `-t device -d ${ALUA0}`),
        `esxcli storage nmp device list -d ${ALUA0}`,
        writeJob('3s'),
        'sleep 500ms',
        'fault sp alua-array SPB',
        'sleep 1s',
        `esxcli storage nmp device list -d ${ALUA0}`,
        'wait',
        readBack,
      ].join('\n'),
    );
    const lists = out.split(`$ esxcli storage nmp device list -d ${ALUA0}`).slice(1);
    expect(lists[0]).toMatch(/\{TPG_id=1,TPG_state=STBY\}\{TPG_id=2,TPG_state=ANO\}/);
    expect(lists[1]).toMatch(/\{TPG_id=1,TPG_state=AO\}\{TPG_id=2,TPG_state=UNAV\}/);
    expect(lists[1]).toMatch(/Working Paths: vmhba1:C0:T0:L0/);
    expect(host.array('alua-array')!.lun(0)!.owner).toBe(0); // SPA, by the learner's STPG
    expect(host.plugins.faults).toEqual([]);
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'check')).toEqual({ checked: 16384, failed: 0, errors: 0 });
  });

  it('waits for its commands however slow the array is: only silence counts against done', async () => {
    // Commands through fabric-a take 40 s each way, past the 30 s command timeout: the learner's
    // path checks wait for those aborts, far beyond 2 s, and that is no fault of the SATP.
    const { host, script } = await lab();
    const out = await script(
      [
        'plugin load satp-alua.ts',
        claimBy('LAB_SATP_ALUA'),
        writeJob(),
        'sleep 1s',
        'fault latency fabric-a 40s',
        'sleep 45s',
        'repair latency fabric-a',
        'wait',
        readBack,
      ].join('\n'),
    );
    expect(host.plugins.faults).toEqual([]);
    expect(host.nmp.device(ALUA0)!.satp.name).toBe('LAB_SATP_ALUA');
    expect(host.logLines.some((l) => /H:0x5/.test(l))).toBe(true); // commands were aborted
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'check')).toEqual({ checked: 16384, failed: 0, errors: 0 });
  });

  it('a new version loaded over it takes over its devices at once', async () => {
    const { host, session, script } = await lab();
    await script(['plugin load satp-alua.ts', claimBy('LAB_SATP_ALUA')].join('\n'));
    const before = host.nmp.device(ALUA0)!.satp as SupervisedSatp;
    const reload = await session.run('plugin load satp-alua.ts');
    expect(reload).toEqual({ ok: true, output: 'LAB_SATP_ALUA (SATP) loaded from satp-alua.ts: it replaced the version loaded before on the devices that used it' });
    const out = await script(['sleep 100ms', `esxcli storage nmp device list -d ${ALUA0}`, writeJob('1s'), 'wait', readBack].join('\n'));
    const after = host.nmp.device(ALUA0)!.satp as SupervisedSatp;
    expect(after).not.toBe(before);
    expect(after).toBe(host.nmp.satps.get('LAB_SATP_ALUA'));
    expect(before.disabled).toBe(true); // the old version runs no more
    expect(after.disabled).toBe(false);
    // The new version evaluated the paths itself (its own TPG table, read anew).
    expect(out).toMatch(/\{TPG_id=1,TPG_state=AO\}\{TPG_id=2,TPG_state=ANO\}/);
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'check')).toMatchObject({ failed: 0, errors: 0 });
    expect(host.plugins.faults).toEqual([]);
  });

  it('a new version that faults while taking over is disabled, and the devices fall back', async () => {
    const { host, script } = await lab();
    const out = await script(
      ['plugin load satp-alua.ts', claimBy('LAB_SATP_ALUA'), 'plugin load satp-alua-broken-init.ts', 'sleep 100ms', 'plugin list', `esxcli storage nmp device list -d ${ALUA0}`, writeJob('1s'), 'wait', readBack].join('\n'),
    );
    const line = lineOf('satp-alua-broken-init.ts', 'settings.retries');
    expect(out).toMatch(new RegExp(`LAB_SATP_ALUA\\s+SATP\\s+satp-alua-broken-init\\.ts\\s+disabled\\s+LAB_SATP_ALUA: init threw TypeError: .*retries.* at line ${line}; LAB_SATP_ALUA was disabled and its devices are back on the SATP their rules give them`));
    expect(arrayTypes(out)).toEqual(['VMW_SATP_ALUA']);
    for (const id of ALUA_DEVICES) expect(host.nmp.device(id)!.satp.name).toBe('VMW_SATP_ALUA');
    expect(host.nmp.satps.has('LAB_SATP_ALUA')).toBe(false);
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'check')).toMatchObject({ failed: 0, errors: 0 });
  });

  it('is not blamed when a rescan removes a path while its check of that path is out', async () => {
    const { host, script } = await lab();
    // Checks over fabric-a take 2 s; the link drops (checks start), and a rescan removes vmhba1's
    // paths before their answers come back to the SATP, which then sets the state of a gone path.
    const out = await script(
      ['plugin load satp-alua.ts', claimBy('LAB_SATP_ALUA'), 'fault latency fabric-a 2s', 'fault link vmhba1',
        'esxcli storage core adapter rescan --all', 'sleep 5s', 'plugin list'].join('\n'),
    );
    expect(host.plugins.faults).toEqual([]);
    expect(out).toMatch(/LAB_SATP_ALUA\s+SATP\s+satp-alua\.ts\s+loaded/);
    expect(host.nmp.device(ALUA0)!.paths.map((p) => p.name).sort()).toEqual(['vmhba2:C0:T0:L0', 'vmhba2:C0:T1:L0']);
    expect(host.nmp.device(ALUA0)!.satp.name).toBe('LAB_SATP_ALUA');
  });

  it('cannot be named by a rule before it is loaded, nor unloaded while devices use it', async () => {
    const { host, session, script } = await lab();
    const early = await session.run('esxcli storage nmp satp rule add -s LAB_SATP_ALUA -V PATHLAB -M ALUA-VA');
    expect(early).toEqual({ ok: false, output: 'Error: Unknown SATP LAB_SATP_ALUA (see esxcli storage nmp satp list)' });
    await script(['plugin load satp-alua.ts', claimBy('LAB_SATP_ALUA')].join('\n'));
    const busy = await session.run('plugin unload LAB_SATP_ALUA');
    expect(busy.ok).toBe(false);
    expect(busy.output).toContain(`LAB_SATP_ALUA is in use by ${ALUA_DEVICES.join(', ')}`);
    // The rule stays while the SATP goes: claiming passes it over for the next rule (VMW_SATP_ALUA).
    const out = await script(
      [
        'esxcli storage core claiming unclaim -t vendor -V PATHLAB -M ALUA-VA',
        'plugin unload LAB_SATP_ALUA',
        'esxcli storage core claimrule run',
        `esxcli storage nmp device list -d ${ALUA0}`,
        'esxcli storage nmp satp list',
      ].join('\n'),
    );
    expect(arrayTypes(out)).toEqual(['VMW_SATP_ALUA']);
    expect(out).not.toMatch(/LAB_SATP_ALUA\s+VMW_PSP_MRU/);
    expect(host.nmp.satpRules.userRules().map((r) => r.satp)).toEqual(['LAB_SATP_ALUA']);
  });
});

describe('a misbehaving learner SATP is disabled and its devices fall back', () => {
  const GOOD_BYE = 'was disabled and its devices are back on the SATP their rules give them';

  it.each([
    {
      what: 'onError throws',
      file: 'satp-onerror-throws.ts', name: 'LAB_SATP_THROWS', hook: 'onError', marker: 'throw new Error',
      message: 'onError threw Error: no idea what to do about vmhba1:C0:T0:L0',
    },
    {
      what: "onError answers 'banana'",
      file: 'satp-onerror-banana.ts', name: 'LAB_SATP_BANANA', hook: 'onError', marker: undefined,
      message: "onError returned 'banana', not 'retry', 'failover' or 'fail'",
    },
    {
      what: 'checkPaths loops forever',
      file: 'satp-checkpaths-loop.ts', name: 'LAB_SATP_LOOP', hook: 'checkPaths', marker: /^\s+waitingFor = /,
      message: 'checkPaths ran for more than 50 ms (an endless loop?)',
    },
    {
      what: 'checkPaths never calls done',
      file: 'satp-never-done.ts', name: 'LAB_SATP_SILENT', hook: 'checkPaths', marker: undefined,
      message: 'checkPaths did not call done within 2 s',
    },
    {
      what: "setPathState(path, 'disabled')",
      file: 'satp-disables-path.ts', name: 'LAB_SATP_DISABLER', hook: 'checkPaths (send callback)', marker: "? 'active' : 'disabled'",
      message: "checkPaths (send callback) set path vmhba1:C0:T0:L0 to 'disabled': 'disabled' is the administrator's state",
    },
  ])('$what: disabled at the fault, the devices back on VMW_SATP_ALUA, no write lost', async ({ file, name, hook, marker, message }) => {
    const { host, script } = await lab();
    const out = await script(
      [
        `plugin load ${file}`,
        claimBy(name),
        `esxcli storage nmp device list -d ${ALUA0}`,
        writeJob(),
        'sleep 1s',
        'fault link vmhba1',
        'sleep 2s',
        'repair link vmhba1', // the check after the repair finds dead paths: the hostile branches run
        'sleep 3s',
        'wait',
        readBack,
        'plugin list',
        `esxcli storage nmp device list -d ${ALUA0}`,
        // Claimed again: the rule still names the disabled SATP, and is passed over.
        'esxcli storage core claiming unclaim -t vendor -V PATHLAB -M ALUA-VA',
        'esxcli storage core claimrule run',
        `esxcli storage nmp device list -d ${ALUA0}`,
      ].join('\n'),
    );
    // It served the device until its fault, which came under I/O.
    expect(arrayTypes(out)).toEqual([name, 'VMW_SATP_ALUA', 'VMW_SATP_ALUA']);
    const line = marker === undefined ? undefined : lineOf(file, marker);
    const row = new RegExp(`${name}\\s+SATP\\s+${file.replace('.', '\\.')}\\s+disabled\\s+(.*)`).exec(out);
    expect(row, out).not.toBeNull();
    expect(row![1]).toContain(`${name}: ${message}`);
    expect(row![1]).toContain(line === undefined ? `; ${name} ${GOOD_BYE}` : ` at line ${line}; ${name} ${GOOD_BYE}`);
    expect(host.plugins.faults).toEqual([expect.objectContaining({ plugin: name, file, hook, ...(line === undefined ? {} : { line }) })]);
    for (const id of ALUA_DEVICES) expect(host.nmp.device(id)!.satp.name).toBe('VMW_SATP_ALUA');
    expect(host.nmp.satps.has(name)).toBe(false);
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'j').checked).toBeGreaterThan(1000);
    expect(fio(out, 'check')).toEqual({ checked: 16384, failed: 0, errors: 0 });
  });

  it("send with a command that writes the LUN: refused before it reaches the array", async () => {
    // The writes end while the cable is out; the check after the repair is where the learner writes
    // block 0, so the read-back would see the pattern if the command had gone through.
    const { host, script } = await lab();
    const file = 'satp-writes-lun.ts';
    const out = await script(
      [`plugin load ${file}`, claimBy('LAB_SATP_SCRIBBLE'), writeJob('2s'), 'sleep 1s', 'fault link vmhba1', 'wait', 'repair link vmhba1', 'sleep 1s', readBack, 'plugin list'].join('\n'),
    );
    const line = lineOf(file, 'WRITE_10_BLOCK_0, ()');
    expect(out).toContain(`LAB_SATP_SCRIBBLE: checkPaths gave send WRITE(10) (opcode 0x2a), a command that changes the LUN's data: a plugin may send only management commands at line ${line}; LAB_SATP_SCRIBBLE was disabled`);
    for (const id of ALUA_DEVICES) expect(host.nmp.device(id)!.satp.name).toBe('VMW_SATP_ALUA');
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'check')).toEqual({ checked: 16384, failed: 0, errors: 0 });
  });

  it('send with a path of another device: refused at the first device after the one it cached', async () => {
    const { host, script } = await lab();
    const file = 'satp-foreign-path.ts';
    const out = await script(
      [`plugin load ${file}`, claimBy('LAB_SATP_CACHED'), 'plugin list', `esxcli storage nmp device list -d ${ALUA0}`, writeJob('2s'), 'wait', readBack].join('\n'),
    );
    const line = lineOf(file, 'device.send(path');
    expect(out).toMatch(
      new RegExp(`LAB_SATP_CACHED: checkPaths sent a command down vmhba1:C0:T0:L0, which is not a path of naa\\.600140500a1a0001000000000000000[1-3] at line ${line}; LAB_SATP_CACHED was disabled`),
    );
    expect(host.plugins.faults).toEqual([expect.objectContaining({ plugin: 'LAB_SATP_CACHED', hook: 'checkPaths', line })]);
    expect(arrayTypes(out)).toEqual(['VMW_SATP_ALUA']);
    for (const id of ALUA_DEVICES) expect(host.nmp.device(id)!.satp.name).toBe('VMW_SATP_ALUA');
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'check')).toEqual({ checked: 16384, failed: 0, errors: 0 });
  });
});

describe("an SATP's done", () => {
  it("lets NMP go on from the clock, after the learner's hook returned: a try/catch of the learner's cannot swallow NMP's errors", () => {
    const clock = new Clock();
    const faults: PluginViolation[] = [];
    const supervisor = { guard: new PluginGuard(), views: new PathViews(), fault: (_name: string, v: PluginViolation) => void faults.push(v) };
    let nmpWent = 0;
    let wentInside = -1;
    const hooks: SatpModule = {
      name: 'LAB_SATP_DONE',
      defaultPsp: 'VMW_PSP_MRU',
      onError: () => 'fail',
      checkPaths(_device, done) {
        try {
          done();
          done(); // a second call is a no-op
        } catch {
          // would swallow whatever NMP threw, were it run here
        }
        wentInside = nmpWent;
      },
    };
    const satp = new SupervisedSatp({}, hooks, supervisor, 'done.ts', clock, () => true);
    const device: SatpDevice = { id: 'naa.1', vendor: 'PATHLAB', model: 'ALUA-VA', paths: [], pspConfig: {}, state: {}, now: () => clock.now, send: () => {}, setPathState: () => {} };
    satp.checkPaths(device, () => {
      nmpWent++;
      throw new Error('NMP failed going on');
    });
    expect(wentInside).toBe(0); // not inside the hook
    expect(nmpWent).toBe(0);
    expect(() => clock.runUntil(0)).toThrow('NMP failed going on');
    expect(nmpWent).toBe(1);
    clock.runUntil(10_000_000); // the watchdog finds the call ended
    expect(nmpWent).toBe(1);
    expect(faults).toEqual([]);
    expect(satp.disabled).toBe(false);
  });
});

describe("the stack's functions an SATP was handed work only while one of its hooks runs", () => {
  const file = 'satp-outside-hook.ts';
  const late = (which: string) => fixture(file).replace(/^const LATE = .*$/m, `const LATE = '${which}' as string;`);

  it.each([
    { which: 'setPathState', what: 'device.setPathState' },
    { which: 'send', what: 'device.send' },
    { which: 'done', what: 'done' },
  ])('$what from a promise callback: the SATP is disabled, the call does nothing, no write is lost', async ({ which, what }) => {
    const { host, script } = await lab({ [file]: late(which) });
    // Every state the stack gives the device's first path, from now on.
    const path = host.psa.path('vmhba1:C0:T0:L0')!;
    const states = recordPathStates(path);
    const out = await script(
      [`plugin load ${file}`, claimBy('LAB_SATP_LATE', `-t device -d ${ALUA0}`), 'sleep 1ms', 'plugin list', `esxcli storage nmp device list -d ${ALUA0}`, writeJob('2s'), 'wait', readBack].join('\n'),
    );
    const message = `LAB_SATP_LATE: ${what} was called outside a hook (from a promise callback or a timer) and did nothing`;
    expect(out).toContain(`${message}; the stack's functions work only while a hook runs; LAB_SATP_LATE was disabled and its devices are back on the SATP their rules give them`);
    expect(host.plugins.faults).toEqual([expect.objectContaining({ plugin: 'LAB_SATP_LATE', file, hook: '(outside a hook)' })]);
    expect(arrayTypes(out)).toEqual(['VMW_SATP_ALUA']);
    expect(host.nmp.satps.has('LAB_SATP_LATE')).toBe(false);
    // No fault was injected: nothing ever marked the path dead.
    expect(states).not.toContain('dead');
    expect(path.state).toBe('active');
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
    expect(fio(out, 'check')).toEqual({ checked: 16384, failed: 0, errors: 0 });
  });

  it('the same SATP with every call inside its hooks serves the device', async () => {
    // LATE names none of the three: the fixture is a correct SATP then, so the faults above are the late calls'.
    const { host, script } = await lab({ [file]: late('none') });
    const out = await script([`plugin load ${file}`, claimBy('LAB_SATP_LATE', `-t device -d ${ALUA0}`), `esxcli storage nmp device list -d ${ALUA0}`, writeJob('1s'), 'wait'].join('\n'));
    expect(host.plugins.faults).toEqual([]);
    expect(arrayTypes(out)).toEqual(['LAB_SATP_LATE']);
    expect(fio(out, 'j')).toMatchObject({ failed: 0, errors: 0 });
  });
});

describe("what a learner SATP hands the stack is checked", () => {
  /** A minimal SATP whose first path check does `misuse` with the device's first path `p`. */
  const satp = (misuse: string, extra = '') => `
import type { CommandOutcome, Io, Path, SatpDevice } from 'pathlab';
export default {
  name: 'LAB_SATP_MISUSE',
  defaultPsp: 'VMW_PSP_MRU',
  onError(_io: Io, _path: Path, _o: CommandOutcome, _device: SatpDevice) { return 'failover' as const; },
  checkPaths(device: SatpDevice, done: () => void) {
    const p = device.paths[0];
    ${misuse};
    for (const path of device.paths) device.setPathState(path, 'active');
    done();
  },${extra}
};`;

  it.each([
    ['device.send(p, [0, 0, 0, 0, 0, 0, 0] as number[], () => {})', 'checkPaths gave send a CDB of 7 bytes; a CDB has 6, 10, 12 or 16'],
    ['device.send(p, [0x12, 256, 0, 0, 0, 0], () => {})', 'checkPaths gave send a CDB whose byte 1 is 256, not a whole number 0..255'],
    ["device.send(p, 'TUR' as unknown as number[], () => {})", "checkPaths gave send a CDB that is 'TUR', not an array of bytes"],
    ['device.send(p, [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0x13, 0x88, 0, 0], () => {}, new Uint8Array(5000))', 'checkPaths gave send 5000 bytes of data-out; at most 4096'],
    ['device.send(p, [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], () => {}, [0, 0] as unknown as Uint8Array)', 'checkPaths gave send data-out that is an array, not a Uint8Array'],
    ['device.send(p, [0, 0, 0, 0, 0, 0], undefined as unknown as () => void)', 'checkPaths gave send undefined as done, not a function'],
    ["device.send({ name: p.name } as Path, [0, 0, 0, 0, 0, 0], () => {})", "checkPaths sent a command down an object, which is not one of the device's paths"],
    ['for (let i = 0; i <= 64; i++) device.send(p, [0, 0, 0, 0, 0, 0], () => {})', `checkPaths had more than 64 commands in flight on ${ALUA0}`],
    ["device.setPathState(p, 'active', 'OPTIMAL' as 'AO')", "checkPaths set the ALUA state of vmhba1:C0:T0:L0 to 'OPTIMAL', not one of AO, ANO, STBY, UNAV, TRANS or none"],
    ['device.send(p, [0x3b, 0x02, 0, 0, 0, 0, 0, 0, 0x10, 0], () => {}, new Uint8Array(16))', "checkPaths gave send WRITE BUFFER (opcode 0x3b), a command that changes the LUN's data: a plugin may send only management commands"],
    ["device.setPathState(p, 'sleeping' as 'dead')", "checkPaths set path vmhba1:C0:T0:L0 to 'sleeping': a plugin sets active, standby, dead or unknown"],
  ])('%s', async (misuse, message) => {
    const { host, script } = await lab({ 'misuse.ts': satp(misuse) });
    const out = await script(['plugin load misuse.ts', claimBy('LAB_SATP_MISUSE', `-t device -d ${ALUA0}`), 'plugin list', `esxcli storage nmp device list -d ${ALUA0}`].join('\n'));
    const line = satp(misuse).split('\n').findIndex((l) => l.includes(misuse)) + 1;
    expect(out).toContain(`LAB_SATP_MISUSE: ${message} at line ${line}; LAB_SATP_MISUSE was disabled`);
    expect(arrayTypes(out)).toEqual(['VMW_SATP_ALUA']);
    expect(host.nmp.device(ALUA0)!.paths.every((p) => p.state === 'active')).toBe(true);
  });

  it('describe must answer a string', async () => {
    const source = satp('', `\n  describe(_device: SatpDevice) { return 42 as unknown as string; },`);
    const { host, script } = await lab({ 'describe.ts': source });
    const out = await script(['plugin load describe.ts', claimBy('LAB_SATP_MISUSE', `-t device -d ${ALUA0}`), `esxcli storage nmp device list -d ${ALUA0}`, 'sleep 1ms', 'plugin list', `esxcli storage nmp device list -d ${ALUA0}`].join('\n'));
    expect(out).toContain('LAB_SATP_MISUSE: describe returned 42, not a string; LAB_SATP_MISUSE was disabled');
    expect(arrayTypes(out)).toEqual(['LAB_SATP_MISUSE', 'VMW_SATP_ALUA']);
    expect(host.plugins.faults).toEqual([expect.objectContaining({ hook: 'describe' })]);
  });
});
