// Every lesson, as Rustlings checks its exercises: the frontmatter validates, the starter state
// fails its goals (each unmet goal says why), the solution script meets them all. Plus the lesson
// engine itself: hints, show solution, validation messages, and each goal kind on a fresh host.

import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/stack/cli/script';
import { Host } from '../../src/stack/host';
import { LessonRun } from '../../src/stack/lessons/engine';
import { GOAL_KINDS, goalChecker, validateGoal, type GoalSpec } from '../../src/stack/lessons/goals';
import { GoalContext, parseVerifyResults } from '../../src/stack/lessons/context';
import { LessonError, parseLesson, readLessonFile, starterFiles, type Lesson } from '../../src/stack/lessons/lesson';
import { lessonsFromFiles, loadLessons } from '../../src/stack/lessons/loader';
import { parse as parseYaml } from 'yaml';
import { Lab } from '../../src/stack/workbench/lab';

const lessons = await loadLessons('lessons');

/** A lesson on a fresh host; its session's `plugin load NAME` reads the lesson's own files. */
async function open(lesson: Lesson): Promise<LessonRun> {
  const run = new LessonRun(lesson, await Host.boot());
  await run.start();
  return run;
}

const solutionLines = (lesson: Lesson) => lesson.solution.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

describe('the lessons', () => {
  it('are the nine of the issue, the three of the plugins issue and those of the vVols issue, in order', () => {
    expect(lessons.map((l) => l.id)).toEqual([
      '01-life-of-an-io',
      '02-discovery-and-naming',
      '03-claim-rules-and-mask-path',
      '04-nmp-satps-and-psps',
      '05-failover-fixed-against-mru',
      '06-active-passive-and-alua',
      '07-round-robin-tuning',
      '08-apd-against-pdl',
      '09-sharing-a-device',
      '10-write-your-own-psp',
      '11-an-satp-for-explicit-alua',
      '12-bring-your-own-mpp',
      '13-protocol-endpoints-and-bindings',
      '14-storage-containers-policies-and-compliance',
      '15-array-native-snapshots-and-clones',
      '16-locking-a-shared-datastore-with-ats',
    ]);
    for (const l of lessons) {
      expect(l.title.length).toBeGreaterThan(3);
      expect(l.summary.length).toBeGreaterThan(10);
      expect(l.body.length).toBeGreaterThan(200);
      expect(l.hints.length).toBeGreaterThan(0);
    }
  });

  describe.each(lessons.map((l) => [l.id, l] as const))('%s', (_, lesson) => {
    it('its starter state fails every goal, each with a message', async () => {
      const run = await open(lesson);
      const status = run.evaluate();
      expect(status).toHaveLength(lesson.goals.length);
      for (const g of status) {
        expect(g.met, `${g.description}: ${g.message}`).toBe(false);
        expect(g.message.length).toBeGreaterThan(10);
        expect(g.description.length).toBeGreaterThan(10);
      }
      expect(run.solved).toBe(false);
    });

    it('its solution script meets every goal', async () => {
      const run = await open(lesson);
      let transcript = '';
      for (const line of solutionLines(lesson)) {
        const r = await run.run(line);
        transcript += `$ ${line}\n${r.output}\n`;
        expect(r.ok, `${line}\n${r.output}`).toBe(true);
      }
      const unmet = run.evaluate().filter((g) => !g.met);
      expect(unmet.map((g) => `${g.description}: ${g.message}`), transcript.slice(-3000)).toEqual([]);
      expect(run.solved).toBe(true);
      expect(run.solvedWithHelp).toBe(false);
    });

    const solutionFiles = Object.keys(lesson.files).filter((f) => f.endsWith('.solution.ts'));
    if (solutionFiles.length > 0) it('its shipped starter plugins, loaded as they are, do not solve it', async () => {
      // The solution script with each X.solution.ts swapped for the X.ts the learner starts from.
      for (const f of solutionFiles) expect(lesson.files, `${f} needs a starter beside it`).toHaveProperty(f.replace(/\.solution\.ts$/, '.ts'));
      const run = await open(lesson);
      for (const line of solutionLines(lesson)) await run.run(line.replace(/(\S+)\.solution\.ts\b/g, '$1.ts'));
      const unmet = run.evaluate().filter((g) => !g.met);
      expect(unmet.length, 'the goals did not catch the unfinished plugin').toBeGreaterThan(0);
      expect(run.solved).toBe(false);
    });
  });

  it('ship plugin files that type-check against the plugin API', () => {
    const files = lessons.flatMap((l) => Object.keys(l.files).map((name) => resolve('lessons', l.id, name)));
    expect(files.length).toBeGreaterThan(0);
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: [],
      paths: { pathlab: [resolve('src/stack/plugin-api.ts')] },
    });
    const messages = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(messages).toEqual([]);
  });
});

const FM = (yaml: string) => `---\n${yaml}\n---\nBody text.\n`;
const GOOD = `title: T\nsummary: S\nscenario: classroom\ngoals:\n  - kind: psp\n    device: naa.1\n    psp: VMW_PSP_RR\nhints: [one, two]`;

describe('parseLesson', () => {
  it('parses a good lesson', () => {
    const l = parseLesson(FM(GOOD), { solution: 'sleep 1s' }, '99-x', parseYaml);
    expect(l).toMatchObject({ id: '99-x', title: 'T', summary: 'S', scenario: 'classroom', hints: ['one', 'two'], body: 'Body text.', start: undefined });
    expect(l.goals).toEqual([{ kind: 'psp', device: 'naa.1', psp: 'VMW_PSP_RR' }]);
  });

  it.each([
    ['no frontmatter', 'just text', /99-x: lesson.md must begin with a frontmatter block/],
    ['bad yaml', FM('title: [unclosed'), /not valid YAML/],
    ['a missing title', FM(GOOD.replace('title: T\n', '')), /99-x: title: required/],
    ['an empty summary', FM(GOOD.replace('summary: S', 'summary: ""')), /summary: must be a non-empty string/],
    ['an unknown scenario', FM(GOOD.replace('classroom', 'datacenter')), /scenario: unknown scenario "datacenter": one of classroom/],
    ['no goals', FM(GOOD.replace(/goals:[\s\S]*?hints/, 'goals: []\nhints')), /goals: must be a non-empty list/],
    ['hints not a list', FM(GOOD.replace('hints: [one, two]', 'hints: one')), /hints: must be a list of strings/],
    ['a bad hint', FM(GOOD.replace('hints: [one, two]', 'hints: [one, 2]')), /hints\[1\]: must be a non-empty string/],
    ['an unknown field', FM(`${GOOD}\nlevel: 3`), /level: unknown field/],
    ['an unknown goal kind', FM(GOOD.replace('kind: psp', 'kind: pps')), /goals\[0\]\.kind: unknown goal kind "pps"/],
    ['a missing goal parameter', FM(GOOD.replace('    psp: VMW_PSP_RR\n', '')), /goals\[0\]\.psp: required for a psp goal/],
    ['a misspelt goal parameter', FM(GOOD.replace('    device:', '    devcie:')), /goals\[0\]\.devcie: not a parameter of psp/],
    ['a wrong parameter type', FM(GOOD.replace('psp: VMW_PSP_RR', 'psp: 3')), /goals\[0\]\.psp: must be a non-empty string, got 3/],
  ])('names the field for %s', (_, md, message) => {
    let error: unknown;
    try {
      parseLesson(md, { solution: 'sleep 1s' }, '99-x', parseYaml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LessonError);
    expect((error as Error).message).toMatch(message);
  });

  it('checks a goal value list, oneOf groups and regexes', () => {
    expect(() => validateGoal({ kind: 'device-status', device: 'x', status: 'gone' }, 'l', 'goals[0]')).toThrow(/goals\[0\]\.status: must be one of on, dead, off/);
    expect(() => validateGoal({ kind: 'working-path', device: 'x' }, 'l', 'goals[0]')).toThrow(/exactly one of path, adapter, sp/);
    expect(() => validateGoal({ kind: 'ran', command: '(' }, 'l', 'goals[3]')).toThrow(/goals\[3\]\.command: must be a regular expression/);
  });

  it('keeps the plugin files of a lesson folder, and names a bad one', () => {
    const files = {
      '/lessons/03-c/lesson.md': FM(GOOD),
      '/lessons/03-c/solution.lab': 'plugin load lqd.solution.ts',
      '/lessons/03-c/lqd.ts': 'export default {};',
      '/lessons/03-c/lqd.solution.ts': 'export default { name: "X" };',
    };
    const [l] = lessonsFromFiles(files, parseYaml);
    expect(l.files).toEqual({ 'lqd.ts': 'export default {};', 'lqd.solution.ts': 'export default { name: "X" };' });
    expect(starterFiles(l)).toEqual([{ name: 'lqd.ts', source: 'export default {};' }]);
    expect(readLessonFile(l, 'lqd.solution.ts')).toMatch(/name: "X"/);
    expect(() => readLessonFile(l, 'nope.ts')).toThrow(/no plugin file named nope.ts \(lesson 03-c has lqd.solution.ts, lqd.ts\)/);
    expect(() => parseLesson(FM(GOOD), { solution: 'sleep 1s', plugins: { 'bad name.ts': 'x' } }, '99-x', parseYaml)).toThrow(/99-x: bad name.ts: a plugin file name is/);
    expect(() => parseLesson(FM(GOOD), { solution: 'sleep 1s', plugins: { 'empty.ts': ' ' } }, '99-x', parseYaml)).toThrow(/empty.ts: the plugin file is empty/);
  });

  it('needs a solution script', () => {
    expect(() => parseLesson(FM(GOOD), { solution: '' }, '99-x', parseYaml)).toThrow(/solution.lab: missing or empty/);
    expect(() => lessonsFromFiles({ '/lessons/98-a/lesson.md': FM(GOOD) }, parseYaml)).toThrow(/98-a: solution.lab: missing/);
  });

  it('reads a path map as import.meta.glob gives it, in folder order, ignoring other files', () => {
    const files = {
      '/lessons/02-b/lesson.md': FM(GOOD.replace('title: T', 'title: B')),
      '/lessons/02-b/solution.lab': 'sleep 1s',
      '/lessons/01-a/lesson.md': FM(GOOD.replace('title: T', 'title: A')),
      '/lessons/01-a/start.lab': 'sleep 1s',
      '/lessons/01-a/solution.lab': 'sleep 2s',
      '/lessons/README.md': '# Lessons',
    };
    const l = lessonsFromFiles(files, parseYaml);
    expect(l.map((x) => [x.id, x.title, x.start])).toEqual([
      ['01-a', 'A', 'sleep 1s'],
      ['02-b', 'B', undefined],
    ]);
  });
});

describe('the lesson engine', () => {
  const lesson = lessons.find((l) => l.id === '04-nmp-satps-and-psps')!;

  it('gives hints one at a time', async () => {
    const run = await open(lesson);
    expect(run.hints).toEqual([]);
    expect(run.nextHint()).toBe(lesson.hints[0]);
    expect(run.hints).toEqual([lesson.hints[0]]);
    for (let i = 1; i < lesson.hints.length; i++) expect(run.nextHint()).toBe(lesson.hints[i]);
    expect(run.nextHint()).toBeUndefined();
    expect(run.hints).toEqual(lesson.hints);
  });

  it('re-evaluates after every command, and the solution shown marks it solved with help', async () => {
    const run = await open(lesson);
    expect(run.unmet).toHaveLength(4);
    await run.run('esxcli storage nmp satp set --satp VMW_SATP_DEFAULT_AA --default-psp VMW_PSP_RR');
    expect(run.unmet).toHaveLength(1);
    expect(run.unmet[0].message).toMatch(/naa\.600140500a1a00010000000000000002 still uses VMW_PSP_MRU; set it to VMW_PSP_RR/);
    const transcript = await run.showSolution();
    expect(transcript).toMatch(/\$ esxcli storage nmp satp list/);
    expect(run.solved).toBe(true);
    expect(run.solvedWithHelp).toBe(true);
    expect(run.context.commands.length).toBeGreaterThan(1);
  });

  it('a lesson solved alone is not marked as helped when the solution is shown after', async () => {
    const run = await open(lesson);
    for (const line of lesson.solution.split('\n').filter(Boolean)) await run.run(line);
    expect(run.solved).toBe(true);
    await run.showSolution();
    expect(run.solvedWithHelp).toBe(false);
  });

  it('does not count the start script as the learner\'s work', async () => {
    const l07 = lessons.find((l) => l.id === '07-round-robin-tuning')!;
    const run = await open(l07);
    expect(run.startOutput).toMatch(/\$ fio --name web/);
    expect(run.context.commands).toEqual([]);
    expect(run.context.deviceDelta('naa.600140500a1a00010000000000000000').commands).toBe(0);
  });

  it('reads verify results from foreground fio output', () => {
    const out = 'a: (g=0): rw=randrw\n  verify: 10 blocks checked, 0 failed\nb: (g=0): rw=read\n  errors: 0\nc: (g=0): rw=write\n  verify: 5 blocks checked, 2 failed\n';
    expect(parseVerifyResults(out)).toEqual([
      { job: 'a', checked: 10, failed: 0 },
      { job: 'c', checked: 5, failed: 2 },
    ]);
  });
});

const ALUA0 = 'naa.600140500a1a00010000000000000000';
const AA0 = 'naa.600140500aaa00030000000000000000';

/** One unmet example of every goal kind on a fresh classroom host, and what its message says. */
const UNMET: [GoalSpec, RegExp][] = [
  [{ kind: 'psp', device: ALUA0, psp: 'VMW_PSP_RR' }, /still uses VMW_PSP_MRU; set it to VMW_PSP_RR/],
  [{ kind: 'satp', device: ALUA0, satp: 'VMW_SATP_DEFAULT_AA' }, /has the SATP VMW_SATP_ALUA, not VMW_SATP_DEFAULT_AA/],
  [{ kind: 'satp-default-psp', satp: 'VMW_SATP_ALUA', psp: 'VMW_PSP_RR' }, /VMW_SATP_ALUA's default PSP is still VMW_PSP_MRU/],
  [{ kind: 'rr-config', device: ALUA0, iops: 1 }, /uses VMW_PSP_MRU; Round Robin settings need VMW_PSP_RR first/],
  [{ kind: 'preferred-path', device: AA0, path: 'vmhba2:C0:T3:L0' }, /no preferred path is set/],
  [{ kind: 'working-path', device: ALUA0, adapter: 'vmhba2' }, /works on vmhba1:C0:T0:L0, not only on a path on vmhba2/],
  [{ kind: 'path-state', path: 'vmhba1:C0:T0:L0', state: 'dead' }, /vmhba1:C0:T0:L0 is active, not dead/],
  [{ kind: 'path-hidden', path: 'vmhba2:C0:T3:L0' }, /is claimed by NMP and visible; mask it/],
  [{ kind: 'claim-rule', plugin: 'MASK_PATH', path: 'vmhba2:C0:T3:L0', runtime: true }, /no claim rule with plugin MASK_PATH, matching vmhba2:C0:T3:L0/],
  [{ kind: 'device-paths', device: AA0, count: 1 }, /has 2 path\(s\) \(vmhba1:C0:T3:L0, vmhba2:C0:T3:L0\), not 1/],
  [{ kind: 'device-status', device: ALUA0, status: 'dead' }, /is on, not dead/],
  [{ kind: 'lun-owner', array: 'ap-array', lun: 0, sp: 'SPB' }, /ap-array LUN 0 still belongs to SPA, not SPB/],
  [{ kind: 'stat', vm: 'web01', counter: 'reads', min: 10 }, /VM web01 has completed 0 reads since the lesson began; it needs 10/],
  [{ kind: 'io-balance', device: ALUA0, paths: 2, within: 10 }, /has done 0 commands since its policy was last set/],
  [{ kind: 'shares', device: AA0, worlds: ['db01:1', 'fio'], ratio: 2, within: 10 }, /no background fio job from world db01:1 or fio/],
  [{ kind: 'device-queue', device: AA0, dsnro: 8 }, /has DSNRO 32, DQLEN 64; set DSNRO to 8/],
  [{ kind: 'no-lost-writes' }, /no fio job with --verify has run yet/],
  [{ kind: 'apd-seen', device: ALUA0 }, /has not been in All Paths Down/],
  [{ kind: 'pdl-seen', device: ALUA0 }, /has not been declared permanently lost/],
  [{ kind: 'ran', command: '^esxtop device$' }, /run a command matching \/\^esxtop device\$\//],
  [{ kind: 'plugin', name: 'LAB_PSP_LQD', role: 'psp' }, /no plugin named LAB_PSP_LQD is loaded; its default export's name must be 'LAB_PSP_LQD': a PSP exports selectPath/],
  [{ kind: 'device-owner', device: AA0, plugin: 'LAB_MPP_RR' }, /LAB_MPP_RR is not loaded as a multipathing plugin, so it owns no device yet/],
  [{ kind: 'path-share', device: AA0, path: 'vmhba1:C0:T3:L0', maxPercent: 20 }, /has done 0 commands since its policy was last set; run at least 500/],
  [{ kind: 'alua-group', array: 'alua-array', lun: 0, sp: 'SPB', state: 'AO', setBy: 'stpg' }, /alua-array LUN 0: SPB's target port group is ANO, not AO; only a host's SET TARGET PORT GROUPS makes it AO here/],
  [{ kind: 'vvol-vm', name: 'app01', state: 'poweredOn' }, /there is no vVol VM named app01: make it with vvol vm create app01 --container/],
  [{ kind: 'vvol-bound', vm: 'app01' }, /there is no vVol VM named app01/],
  [{ kind: 'vvol-compliance', vm: 'db02', state: 'compliant' }, /there is no vVol VM named db02/],
  [{ kind: 'vvol-policy', name: 'gold-db', rules: ['iopsLimit=800'] }, /there is no storage policy named "gold-db" \(policies: VVol No Requirements Policy\): vvol policy create gold-db --rule iopsLimit=800/],
  [{ kind: 'vvol-iops', vm: 'db02', within: 10 }, /there is no vVol VM named db02/],
  [{ kind: 'vmfs-clone', source: '/vmfs/volumes/ds/a.vmdk', destination: '/vmfs/volumes/ds/b.vmdk', mover: 'hardware' }, /you have not cloned anything to \/vmfs\/volumes\/ds\/b.vmdk yet: vmkfstools -i/],
  [{ kind: 'advanced-setting', path: '/DataMover/HardwareAcceleratedMove', value: 0 }, /\/DataMover\/HardwareAcceleratedMove is 1; set it to 0/],
  [{ kind: 'vaai-stat', device: AA0, counter: 'ATS', min: 1 }, /ATS on naa.600140500aaa00030000000000000000 since the lesson began: esxi01 0, esxi02 0; the goal is 1/],
  [{ kind: 'vmfs-lock', file: '/vmfs/volumes/ds/a.vmdk', holder: 'esxi01' }, /no host has the volume ds mounted/],
  [{ kind: 'peer-host', host: 'esxi02', state: 'down' }, /esxi02.pathlab.local is up: fault host esxi02 crashes it/],
  [{ kind: 'file-io', file: '/vmfs/volumes/ds/a.vmdk', min: 10 }, /you have started no background fio job on \/vmfs\/volumes\/ds\/a.vmdk/],
  [{ kind: 'vvol-snapshot', vm: 'app01' }, /there is no vVol VM named app01/],
];

describe('goal kinds on a fresh host', () => {
  it('every kind has an example here', () => {
    expect(new Set(UNMET.map(([g]) => g.kind))).toEqual(new Set(GOAL_KINDS.keys()));
  });

  it.each(UNMET.map(([g, m]) => [g.kind, g, m] as const))('%s reports unmet with a useful message', async (_, goal, message) => {
    const host = await Host.boot();
    const context = new GoalContext(host);
    context.begin();
    const spec = validateGoal(goal, 'test', 'goals[0]');
    const result = goalChecker(spec)(host, context);
    expect(result.met).toBe(false);
    expect(result.message).toMatch(message);
  });

  it('a goal naming a missing device says so', async () => {
    const host = await Host.boot();
    const context = new GoalContext(host);
    context.begin();
    const r = goalChecker({ kind: 'psp', device: 'naa.nope', psp: 'VMW_PSP_RR' })(host, context);
    expect(r).toEqual({ met: false, message: expect.stringMatching(/there is no device naa\.nope/) });
  });
});

describe('the plugin goal kinds', () => {
  const l10 = lessons.find((l) => l.id === '10-write-your-own-psp')!;
  const l12 = lessons.find((l) => l.id === '12-bring-your-own-mpp')!;
  const SLOW = 'vmhba1:C0:T3:L0';

  async function session(lesson = l10): Promise<{ s: LabSession; context: GoalContext; check: (g: GoalSpec) => { met: boolean; message: string }; run: (line: string) => Promise<string> }> {
    const host = await Host.boot();
    const s = new LabSession(host, async (name) => readLessonFile(lesson, name));
    const context = new GoalContext(host);
    context.begin();
    const run = async (line: string) => {
      const r = await s.run(line);
      expect(r.ok, `${line}\n${r.output}`).toBe(true);
      context.refresh();
      return r.output;
    };
    return { s, context, run, check: (g) => goalChecker(validateGoal(g, 'test', 'goals[0]'))(host, context) };
  }

  it('plugin: met once loaded in its role, and says so when the role is wrong or it was disabled', async () => {
    const { check, run, s } = await session();
    await run('plugin load lqd.solution.ts');
    expect(check({ kind: 'plugin', name: 'LAB_PSP_LQD', role: 'psp' })).toEqual({ met: true, message: 'LAB_PSP_LQD (PSP) from lqd.solution.ts is loaded' });
    expect(check({ kind: 'plugin', name: 'LAB_PSP_LQD', role: 'satp' }).message).toMatch(/is loaded as a PSP, not an SATP: an SATP exports onError and checkPaths/);
    const bad = await s.host.plugins.load({ name: 'bad.ts', source: 'export default { name: "LAB_PSP_BAD", selectPath() { throw new Error("oops"); } };' });
    expect(bad.ok).toBe(true);
    await run(`esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_BAD`);
    await run(`fio --name x --vm db01 --disk 1 --rw randread --bs 4k --iodepth 4 --size 1m --runtime 50ms`);
    const r = check({ kind: 'plugin', name: 'LAB_PSP_BAD' });
    expect(r.met).toBe(false);
    expect(r.message).toMatch(/LAB_PSP_BAD \(PSP\) from bad.ts was disabled: .*oops.*Fix it and load it again \(plugin load bad.ts\)/);
    expect(check({ kind: 'plugin', name: 'LAB_PSP_BAD', state: 'disabled' }).met).toBe(true);
  });

  it('path-share: counts from the last policy change; Round Robin fails it, least queue depth meets it', async () => {
    const { check, run } = await session();
    const goal = { kind: 'path-share', device: AA0, path: SLOW, maxPercent: 20, min: 1000 };
    for (const line of l10.start!.split('\n').filter((l) => l.trim() && !l.startsWith('#'))) await run(line);
    const rr = check(goal);
    expect(rr.met).toBe(false);
    expect(rr.message).toMatch(new RegExp(`${SLOW} carried (4\\d|5\\d)\\.\\d% of ${AA0}'s \\d+ commands since its policy was last set \\(.*\\); it should carry at most 20%`));
    await run('plugin load lqd.solution.ts');
    await run(`esxcli storage nmp device set -d ${AA0} --psp LAB_PSP_LQD`);
    expect(check(goal).message).toMatch(/has done 0 commands since its policy was last set; run at least 1000/);
    await run(`fio --name lqd --vm db01 --disk 1 --rw randrw --bs 4k --iodepth 16 --size 8m --runtime 300ms`);
    const lqd = check(goal);
    expect(lqd.met, lqd.message).toBe(true);
    const { maxPercent: _, ...rest } = goal;
    expect(check({ ...rest, minPercent: 30 }).message).toMatch(/it should carry at least 30%/);
    expect(check({ ...goal, path: 'vmhba1:C0:T0:L0' }).message).toMatch(/vmhba1:C0:T0:L0 is not a path of naa\.600140500aaa00030000000000000000 \(its paths: vmhba1:C0:T3:L0, vmhba2:C0:T3:L0\)/);
  });

  it('device-owner: NMP owns the classroom devices; another plugin needs the paths unclaimed and claimed again', async () => {
    const { check } = await session();
    expect(check({ kind: 'device-owner', device: AA0, plugin: 'NMP' })).toEqual({ met: true, message: `${AA0} is claimed by NMP (2 path(s))` });
    expect(check({ kind: 'device-owner', device: AA0, plugin: 'MASK_PATH' }).message).toMatch(
      /is still claimed by NMP: claim rules only place unclaimed paths. Unclaim its paths \(esxcli storage core claiming unclaim -t device -d naa\.600140500aaa00030000000000000000\) and run the rules/,
    );
    expect(check({ kind: 'device-owner', device: 'naa.nope', plugin: 'NMP' }).message).toMatch(/there is no device naa\.nope/);
  });

  it('device-owner and path-share on a learner MPP: each missing step named, the share counted from the claim', async () => {
    const { check, run } = await session(l12);
    const owner = { kind: 'device-owner', device: AA0, plugin: 'LAB_MPP_AA' };
    const share = { kind: 'path-share', device: AA0, path: 'vmhba2:C0:T3:L0', minPercent: 35, min: 1000 };
    await run('fio --name fixed --vm db01 --disk 1 --rw randrw --bs 4k --iodepth 16 --size 8m --runtime 100ms');
    expect(check(share).message).toMatch(/vmhba2:C0:T3:L0 carried 0\.0% of .* it should carry at least 35%/);
    await run('plugin load mpp.solution.ts');
    expect(check(owner).message).toMatch(/is claimed by NMP; no loaded claim rule gives paths to LAB_MPP_AA: add one \(esxcli storage core claimrule add/);
    await run('esxcli storage core claimrule add -r 200 -t vendor -V PATHLAB -M AA-VA -P LAB_MPP_AA');
    expect(check(owner).message).toMatch(/no loaded claim rule gives paths to LAB_MPP_AA: rule 200 is only in the file: load it/);
    await run('esxcli storage core claimrule load');
    expect(check(owner).message).toMatch(/is still claimed by NMP: claim rules only place unclaimed paths/);
    await run('esxcli storage core claiming unclaim -t vendor -V PATHLAB -M AA-VA');
    await run('esxcli storage core claimrule run');
    expect(check(owner)).toEqual({ met: true, message: `${AA0} is claimed by LAB_MPP_AA (2 path(s))` });
    expect(check(share).message).toMatch(/has done 0 commands since its policy was last set/); // a new window under the MPP
    await run('fio --name db --vm db01 --disk 1 --rw randrw --bs 4k --iodepth 16 --size 8m --runtime 100ms');
    expect(check(share).met).toBe(true);
  });

  it('device-owner says when the MPP refused the paths its rule offered', async () => {
    const { check, run } = await session(l12);
    for (const line of [
      'plugin load mpp.ts',
      'esxcli storage core claimrule add -r 200 -t vendor -V PATHLAB -M AA-VA -P LAB_MPP_AA',
      'esxcli storage core claimrule load',
      'esxcli storage core claiming unclaim -t vendor -V PATHLAB -M AA-VA',
      'esxcli storage core claimrule run',
    ]) await run(line);
    expect(check({ kind: 'device-owner', device: AA0, plugin: 'LAB_MPP_AA' }).message).toMatch(/if NMP claims them again, LAB_MPP_AA's claimPath refused them/);
  });

  it('alua-group: the state of a group on the array, and whether a host\'s STPG or the array set it', async () => {
    const { check, run } = await session();
    await run('fault alua alua-array 0 SPB ao');
    await run('sleep 1s'); // past the transition
    const goal = { kind: 'alua-group', array: 'alua-array', lun: 0, sp: 'SPB', state: 'AO' };
    expect(check(goal)).toEqual({ met: true, message: "alua-array LUN 0: SPB's target port group is AO" });
    expect(check({ ...goal, setBy: 'array' }).met).toBe(true);
    expect(check({ ...goal, setBy: 'stpg' }).message).toBe("alua-array LUN 0: SPB's target port group is AO, but the array changed it itself, not a host's SET TARGET PORT GROUPS");
    expect(check({ ...goal, sp: 'SPA' }).message).toBe("alua-array LUN 0: SPA's target port group is ANO, not AO");
    expect(check({ ...goal, array: 'aa-array' }).message).toMatch(/aa-array is not an ALUA array/);
    expect(check({ ...goal, sp: 'SPC' }).message).toMatch(/alua-array has no SP SPC \(its SPs: SPA, SPB\)/);
  });
});

describe('a lesson with plugin files in the page', () => {
  const l10 = lessons.find((l) => l.id === '10-write-your-own-psp')!;

  it('offers its starter files, and plugin load reads the lab\'s copy first, else the lesson\'s', async () => {
    const lab = await Lab.open({ lessons: [l10], onFrame: () => {}, persistent: false });
    const view = lab.lessonView()!;
    expect(view.id).toBe(l10.id);
    expect(view.files).toEqual([{ name: 'lqd.ts', source: l10.files['lqd.ts'] }]);
    expect((await lab.run('plugin load lqd.solution.ts')).output).toBe('LAB_PSP_LQD (PSP) loaded from lqd.solution.ts');
    await lab.savePluginFile({ name: 'lqd.ts', source: 'export default { name: "LAB_PSP_MINE", selectPath(_i: unknown, p: readonly unknown[]) { return p[0]; } };' });
    expect((await lab.run('plugin load lqd.ts')).output).toBe('LAB_PSP_MINE (PSP) loaded from lqd.ts');
    const missing = await lab.run('plugin load none.ts');
    expect(missing.ok).toBe(false);
    expect(missing.output).toMatch(/no plugin file named none.ts \(the lab has lqd.ts\); lesson 10-write-your-own-psp ships lqd.ts$/);
    await lab.openSandbox();
    expect((await lab.run('plugin load lqd.solution.ts')).output).toMatch(/no plugin file named lqd.solution.ts/);
  });
});

describe('the vVol goal kinds', () => {
  async function session() {
    const host = await Host.boot();
    const s = new LabSession(host);
    const context = new GoalContext(host);
    context.begin();
    const run = async (line: string) => {
      const r = await s.run(line);
      expect(r.ok, `${line}\n${r.output}`).toBe(true);
      context.record(line, r.output, r.ok);
      for (const h of s.jobs) if (!context.jobs.includes(h)) context.jobs.push(h);
      context.refresh();
      return r.output;
    };
    return { run, check: (g: GoalSpec) => goalChecker(validateGoal(g, 'test', 'goals[0]'))(host, context) };
  }

  it('vvol-vm and vvol-bound: power-on binds config, data and swap behind the PE; power-off unbinds them', async () => {
    const { check, run } = await session();
    await run('vvol policy create gold --rule iopsLimit=1000');
    await run('vvol vm create app01 --container vvol-gold --disk 1g --memory 1g');
    const on = { kind: 'vvol-vm', name: 'app01', container: 'vvol-gold', state: 'poweredOn' };
    expect(check(on).message).toBe('app01 is on vvol-gold with policy "VVol No Requirements Policy", powered off: power it on (vvol vm poweron app01)');
    expect(check({ ...on, container: 'vvol-nfs' }).message).toMatch(/app01 lives on vvol-gold, not vvol-nfs: a VM does not move between containers/);
    expect(check({ ...on, policy: 'gold' }).message).toBe('app01 uses the policy "VVol No Requirements Policy", not "gold": vvol vm policy app01 --policy "gold"');
    expect(check({ kind: 'vvol-bound', vm: 'app01' }).message).toMatch(/app01 is powered off, so its vVols are passive, bound nowhere: power it on \(vvol vm poweron app01\)/);
    expect(check({ kind: 'vvol-bound', vm: 'app01', count: 0 }).met).toBe(true);
    await run('vvol vm poweron app01');
    expect(check(on).met).toBe(true);
    expect(check({ kind: 'vvol-bound', vm: 'app01' })).toEqual({ met: true, message: "app01's vVols are bound: app01-config at 255:1, app01.vmdk at 255:2, app01.vswp at 255:3" });
    expect(check({ kind: 'vvol-bound', vm: 'app01', count: 0 }).message).toBe(
      'app01 still has 3 vVol(s) bound (app01-config at 255:1, app01.vmdk at 255:2, app01.vswp at 255:3): power it off (vvol vm poweroff app01), which unbinds them',
    );
    expect(check({ kind: 'vvol-vm', name: 'app01', exists: false }).message).toBe('app01 still exists (poweredOn): vvol vm delete app01 (power it off first)');
    await run('vvol vm poweroff app01');
    await run('vvol vm delete app01');
    expect(check({ kind: 'vvol-vm', name: 'app01', exists: false }).met).toBe(true);
    expect(check({ kind: 'vvol-bound', vm: 'app01', count: 0 })).toEqual({ met: true, message: 'there is no vVol VM named app01, so none of its vVols is bound' });
    expect(check({ kind: 'vvol-bound', vm: 'app01' }).message).toMatch(/^there is no vVol VM named app01/);
  });

  it('vvol-policy, vvol-compliance and vvol-iops follow a policy edit, its re-application and an override', async () => {
    const { check, run } = await session();
    const policy = { kind: 'vvol-policy', name: 'gold-db', rules: ['iopsLimit=2000', 'snapshotsAllowed'], minVersion: 2 };
    expect(check(policy).message).toBe('there is no storage policy named "gold-db" (policies: VVol No Requirements Policy): vvol policy create gold-db --rule CAP=VALUE ...');
    await run('vvol policy create gold-db --rule iopsLimit=1000 --rule snapshotsAllowed=true');
    expect(check(policy).message).toBe('"gold-db" version 1: snapshotsAllowed=true, iopsLimit=1000; it should have iopsLimit=2000 (vvol policy set gold-db --rule ...)');
    await run('vvol vm create db02 --container vvol-gold --policy gold-db --disk 1g');
    const compliant = { kind: 'vvol-compliance', vm: 'db02', state: 'compliant' };
    expect(check(compliant)).toEqual({ met: true, message: 'db02\'s 2 vVols are compliant with "gold-db" version 1' });
    const iops = { kind: 'vvol-iops', vm: 'db02', iops: 800, within: 10 };
    expect(check(iops).message).toBe('the array limits db02.vmdk to 1000 IOPS, not 800: override the rule for this VM (vvol vm policy db02 --override iopsLimit=800) or change its policy and apply it again');
    await run('vvol vm policy db02 --override iopsLimit=800');
    expect(check({ kind: 'vvol-vm', name: 'db02', overrides: ['iopsLimit=800'] }).met).toBe(true);
    expect(check({ kind: 'vvol-vm', name: 'db02', overrides: ['iopsLimit=900'] }).message).toMatch(/db02 overrides iopsLimit=800 of its policy; it should override iopsLimit=900/);
    expect(check(iops).message).toMatch(/no fio job has finished on db02's disk 0 yet/);
    await run('vvol vm poweron db02');
    await run('fio --name short --vm db02 --rw randread --bs 4k --iodepth 8 --number_ios 100');
    expect(check(iops).message).toBe("db02's last fio job on disk 0 did 100 commands: run at least 500 (a longer --runtime) so its rate means something");
    await run('fio --name db --vm db02 --rw randread --bs 4k --iodepth 8 --runtime 1s');
    expect(check(iops)).toEqual({ met: true, message: expect.stringMatching(/^db02's last fio job on disk 0 ran at (7[6-9]\d|8[0-3]\d) IOPS; the array limits db02.vmdk to 800 IOPS$/) });
    expect(check({ kind: 'vvol-iops', vm: 'db02', within: 10 }).met).toBe(true); // without iops: the limit the array applies
    // Background jobs count too, read from their handles.
    await run('fio --name bg --vm db02 --rw randread --bs 4k --iodepth 8 --runtime 1s &');
    await run('wait');
    expect(check(iops).met).toBe(true);

    await run('vvol policy set gold-db --rule iopsLimit=2000');
    expect(check(policy).met).toBe(true);
    expect(check(compliant).met).toBe(true); // db02's override of iopsLimit hides the policy's new value
    await run('vvol policy set gold-db --rule snapshotRetention=3');
    expect(check(compliant).message).toBe(
      'db02.vmdk is outOfDate (snapshotRetention: the array applies nothing, the policy asks 3); the goal is compliant: apply the policy again (vvol vm policy db02) so the array runs the vVols with its current rules',
    );
    expect(check({ ...compliant, state: 'outOfDate' }).message).toMatch(/^db02-config is compliant; the goal is outOfDate/);
    await run('vvol vm policy db02');
    expect(check(compliant).met).toBe(true);
    expect(check(iops).met).toBe(true); // the override still wins over the policy's 2000
    await run('vvol policy set gold-db --rule replication=sync');
    expect(check(compliant).message).toMatch(/^db02-config is noncompliant \(replication=sync: the container offers replication none\/async\), db02.vmdk is noncompliant/);
  });
});
