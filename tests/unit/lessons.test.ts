// Every lesson, as Rustlings checks its exercises: the frontmatter validates, the starter state
// fails its goals (each unmet goal says why), the solution script meets them all. Plus the lesson
// engine itself: hints, show solution, validation messages, and each goal kind on a fresh host.

import { describe, expect, it } from 'vitest';
import { Host } from '../../src/stack/host';
import { LessonRun } from '../../src/stack/lessons/engine';
import { GOAL_KINDS, goalChecker, validateGoal, type GoalSpec } from '../../src/stack/lessons/goals';
import { GoalContext, parseVerifyResults } from '../../src/stack/lessons/context';
import { LessonError, parseLesson, type Lesson } from '../../src/stack/lessons/lesson';
import { lessonsFromFiles, loadLessons } from '../../src/stack/lessons/loader';

const lessons = await loadLessons('lessons');

async function open(lesson: Lesson): Promise<LessonRun> {
  const run = new LessonRun(lesson, await Host.boot());
  await run.start();
  return run;
}

describe('the lessons', () => {
  it('are the nine of the issue, in order', () => {
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
      for (const line of lesson.solution.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
        const r = await run.run(line);
        transcript += `$ ${line}\n${r.output}\n`;
        expect(r.ok, `${line}\n${r.output}`).toBe(true);
      }
      const unmet = run.evaluate().filter((g) => !g.met);
      expect(unmet.map((g) => `${g.description}: ${g.message}`), transcript.slice(-3000)).toEqual([]);
      expect(run.solved).toBe(true);
      expect(run.solvedWithHelp).toBe(false);
    });
  });
});

const FM = (yaml: string) => `---\n${yaml}\n---\nBody text.\n`;
const GOOD = `title: T\nsummary: S\nscenario: classroom\ngoals:\n  - kind: psp\n    device: naa.1\n    psp: VMW_PSP_RR\nhints: [one, two]`;

describe('parseLesson', () => {
  it('parses a good lesson', () => {
    const l = parseLesson(FM(GOOD), { solution: 'sleep 1s' }, '99-x');
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
      parseLesson(md, { solution: 'sleep 1s' }, '99-x');
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

  it('needs a solution script', () => {
    expect(() => parseLesson(FM(GOOD), { solution: '' }, '99-x')).toThrow(/solution.lab: missing or empty/);
    expect(() => lessonsFromFiles({ '/lessons/98-a/lesson.md': FM(GOOD) })).toThrow(/98-a: solution.lab: missing/);
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
    const l = lessonsFromFiles(files);
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
