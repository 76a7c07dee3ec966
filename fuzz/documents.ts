// The files a learner can hand the lab, mutated from real ones (json-mutate.ts): scenario files
// (classroom.json), lab export files (an export of a lab with claim rules, a PSP, a disabled path
// and a block), lesson frontmatter (every lesson.md). Each mutated file is refused with the
// module's own error and a clear message, leaving its input as it was, or accepted; an accepted
// one must then work: a scenario boots, a lab state restores onto a fresh host, a lesson's goals
// describe and check themselves on a host without throwing.

import { readdirSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { esxcli } from '../src/stack/cli/esxcli/index';
import { vvolCommand } from '../src/stack/cli/vvol';
import type { EngineChoice } from '../src/stack/engine';
import { Host } from '../src/stack/host';
import { GoalContext } from '../src/stack/lessons/context';
import { LessonError } from '../src/stack/lessons/errors';
import { describeGoal, goalChecker } from '../src/stack/lessons/goals';
import { parseLesson } from '../src/stack/lessons/lesson';
import classroom from '../src/stack/scenario/classroom.json';
import { parseScenario, ScenarioError } from '../src/stack/scenario/validate';
import { SeededRandom } from '../src/stack/sim/random';
import { EXTENT_SIZE } from '../src/stack/blockstore/block-store';
import { captureState, LabStateError, restoreState } from '../src/stack/workbench/lab-state';
import { readExport } from '../src/stack/workbench/lab-store';
import { JsonMutator } from './json-mutate';
import { Tally, unclearMessage } from './tally';

/** Accepted files that are then booted or restored, at most: a host boot costs tens of milliseconds. */
const MAX_BOOTS = 200;
/** Restores reach the most code a lab file controls: more of them. */
const MAX_RESTORES = 500;

/** Runs `accept` on one mutated input; `expected` is the error class that means "refused". */
async function oneCase(
  tally: Tally, kind: string, input: string, expected: new (...a: never[]) => Error, run: () => Promise<void> | void,
): Promise<void> {
  tally.cases++;
  try {
    await run();
  } catch (e) {
    if (!(e instanceof expected)) return tally.exception(kind, input, e);
    const unclear = unclearMessage(e.message);
    if (unclear) tally.bad(kind, input, `refused with an unclear message: ${unclear}`);
  }
}

export async function fuzzScenarios(cases: number, seed: number, engine?: EngineChoice): Promise<Tally> {
  const tally = new Tally();
  const m = new JsonMutator(new SeededRandom(seed).fork('scenario'));
  let boots = 0;
  for (let i = 0; i < cases; i++) {
    const doc = m.mutate(classroom);
    const text = JSON.stringify(doc);
    await oneCase(tally, 'scenario', text, ScenarioError, async () => {
      const scenario = parseScenario(doc);
      if (JSON.stringify(doc) !== text) return tally.bad('scenario', text, 'parseScenario changed its input');
      if (boots++ < MAX_BOOTS) {
        const host = await Host.boot({ scenario, engine });
        const listing = esxcli(host, ['storage', 'core', 'device', 'list']);
        if (!listing.ok) tally.bad('scenario', text, `booted, but the device list fails: ${listing.output}`);
        host.close();
      }
    });
  }
  return tally;
}

/** A lab export with something in every part of the state, and one written extent. */
async function exportText(engine?: EngineChoice): Promise<string> {
  const host = await Host.boot({ engine });
  const device = [...host.psa.devices.values()][0].id;
  for (const line of [
    'storage core claimrule add --rule 500 --type vendor --vendor FUZZ --plugin MASK_PATH',
    `storage nmp device set --device ${device} --psp VMW_PSP_RR`,
    `storage core path set --path ${host.psa.paths[1].name} --state off`,
  ]) esxcli(host, line.split(' '));
  // A vVol VM, powered on: the state then carries the vVol world too (policies, vVols, bindings).
  for (const line of ['vm create fz01 --container vvol-gold --disk 1g --memory 1g', 'vm poweron fz01']) await vvolCommand(host, line.split(' '));
  const state = captureState(host, {
    consoleHistory: ['esxcli storage core device list'],
    lessons: { '01-life-of-an-io': 'solved' },
    openLesson: null,
    plugins: { files: [{ name: 'lqd.ts', source: 'export default { name: "LAB_PSP_LQD", selectPath: (io, paths) => paths[0] };' }], loaded: [] },
  });
  host.close();
  const block = Buffer.alloc(EXTENT_SIZE, 0x5a).toString('base64');
  return JSON.stringify({ format: state.format, version: state.version, state, blocks: [{ volume: `naa.${'6'.padEnd(32, '0')}`, extent: 3, data: block }] });
}

export async function fuzzLabImports(cases: number, seed: number, options: { engine?: EngineChoice } = {}): Promise<Tally> {
  const tally = new Tally();
  const r = new SeededRandom(seed).fork('lab');
  const m = new JsonMutator(r);
  const base = JSON.parse(await exportText(options.engine)) as { state: unknown };
  let boots = 0;
  for (let i = 0; i < cases; i++) {
    // Mostly the state (what restore reads), sometimes the whole file or its text.
    const roll = r.next();
    const text = roll < 0.7 ? JSON.stringify({ ...base, state: m.mutate(base.state) }) : roll < 0.9 ? JSON.stringify(m.mutate(base)) : m.text(JSON.stringify(base));
    await oneCase(tally, 'lab', shortened(text), LabStateError, async () => {
      const { state } = readExport(text);
      if (boots++ >= MAX_RESTORES) return;
      const host = await Host.boot({ engine: options.engine });
      restoreState(host, state);
      host.close();
    });
  }
  return tally;
}

/** The file as printed for a failure: the extents' base64 abbreviated, the rest whole up to 3000 characters. */
function shortened(text: string): string {
  const t = text.replace(/"data":"[A-Za-z0-9+/=]{64,}"/g, '"data":"<base64 extent>"');
  return t.length > 3000 ? `${t.slice(0, 3000)}...` : t;
}

/** Every lesson.md with its solution, as parseLesson takes them. */
function lessonFiles(): { id: string; md: string; solution: string; start?: string }[] {
  return readdirSync('lessons', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const read = (name: string) => { try { return readFileSync(`lessons/${d.name}/${name}`, 'utf8'); } catch { return undefined; } };
      return { id: d.name, md: read('lesson.md') ?? '', solution: read('solution.lab') ?? '', start: read('start.lab') };
    });
}

export async function fuzzLessons(cases: number, seed: number, engine?: EngineChoice): Promise<Tally> {
  const tally = new Tally();
  const r = new SeededRandom(seed).fork('lesson');
  const m = new JsonMutator(r);
  const lessons = lessonFiles();
  const host = await Host.boot({ engine });
  const context = new GoalContext(host);
  for (let i = 0; i < cases; i++) {
    const l = lessons[r.below(lessons.length)];
    const [, yaml, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(l.md) ?? ['', '', l.md];
    // The frontmatter mutated as data (then written as YAML again) or as text.
    const front = r.next() < 0.6 ? stringify(m.mutate(parse(yaml))) : m.text(yaml);
    const md = `---\n${front}\n---\n${body}`;
    await oneCase(tally, 'lesson', `${l.id}/lesson.md:\n---\n${front}\n---`, LessonError, () => {
      const lesson = parseLesson(md, { start: l.start, solution: l.solution }, l.id, parse);
      for (const goal of lesson.goals) {
        const text = describeGoal(goal);
        const result = goalChecker(goal)(host, context);
        const unclear = unclearMessage(text) ?? (result.met ? undefined : unclearMessage(result.message));
        if (unclear) tally.bad('lesson', `${l.id}: ${JSON.stringify(goal)}`, `an accepted goal reads: ${unclear}`);
      }
    });
  }
  host.close();
  return tally;
}
