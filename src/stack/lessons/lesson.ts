// A lesson: content under lessons/NN-slug/ — lesson.md (YAML frontmatter between --- lines, then
// a markdown body), an optional start.lab run before the learner begins, solution.lab, and any
// plugin files (*.ts) the lesson ships: `plugin load NAME` in the lesson reads them.
// parseLesson checks the frontmatter and names the bad field in a LessonError.

import { LessonError } from './errors';
import { validateGoal, type GoalSpec } from './goals';

export { LessonError } from './errors';

/** Scenarios a lesson may boot (src/stack/scenario). */
export const LESSON_SCENARIOS = ['classroom'] as const;
export type LessonScenario = (typeof LESSON_SCENARIOS)[number];

export interface Lesson {
  /** The folder name, "01-life-of-an-io". */
  id: string;
  title: string;
  summary: string;
  scenario: LessonScenario;
  goals: GoalSpec[];
  hints: string[];
  /** The markdown after the frontmatter. */
  body: string;
  /** start.lab: lab-script lines run on a fresh host before the learner begins. */
  start: string | undefined;
  /** solution.lab: lab-script lines that reach every goal from the start state. */
  solution: string;
  /**
   * Plugin files shipped in the lesson's folder (*.ts), by file name: what `plugin load NAME`
   * reads in the lesson when the lab has no file of that name. Files named *.solution.ts are the
   * solution's (solution.lab loads them); the others are where the learner starts.
   */
  files: Record<string, string>;
}

/** A plugin file's name, as the lab's plugin files take it (lqd.ts, lqd.solution.ts). */
export const LESSON_FILE_NAME = /^[A-Za-z0-9][\w.-]{0,63}\.ts$/;

/** A lesson file that belongs to the solution: solution.lab loads it, the learner is not handed it. */
export const isSolutionFile = (name: string): boolean => name.endsWith('.solution.ts');

/** The lesson's files the learner starts from (the solution's left out), in name order. */
export function starterFiles(lesson: Lesson): { name: string; source: string }[] {
  return Object.keys(lesson.files)
    .filter((name) => !isSolutionFile(name))
    .sort()
    .map((name) => ({ name, source: lesson.files[name] }));
}

/** Reads a lesson's file by name, as `plugin load` wants it; throws naming the files there are. */
export function readLessonFile(lesson: Lesson, name: string): string {
  const source = lesson.files[name];
  if (source !== undefined) return source;
  const names = Object.keys(lesson.files).sort();
  throw new Error(`no plugin file named ${name}${names.length ? ` (lesson ${lesson.id} has ${names.join(', ')})` : ''}`);
}

const FIELDS = ['title', 'summary', 'scenario', 'goals', 'hints'];

function text(lesson: string, o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (v === undefined) throw new LessonError(lesson, field, 'required');
  if (typeof v !== 'string' || v.trim() === '') throw new LessonError(lesson, field, `must be a non-empty string, got ${JSON.stringify(v)}`);
  return v.trim();
}

/** Splits "---\nyaml\n---\nbody" into its two parts. */
function frontmatter(lesson: string, markdown: string): { yaml: string; body: string } {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(markdown);
  if (!m) throw new LessonError(lesson, undefined, 'lesson.md must begin with a frontmatter block between two --- lines');
  return { yaml: m[1], body: m[2] };
}

/** Reads a frontmatter's text: YAML's parse in Node; JSON.parse in the page, whose build turned it into JSON. */
export type FrontmatterParser = (text: string) => unknown;

export function parseLesson(
  markdown: string,
  files: { start?: string; solution: string; plugins?: Record<string, string> },
  id: string,
  parseFrontmatter: FrontmatterParser,
): Lesson {
  const { yaml, body } = frontmatter(id, markdown);
  let data: unknown;
  try {
    data = parseFrontmatter(yaml);
  } catch (e) {
    throw new LessonError(id, undefined, `the frontmatter is not valid YAML: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new LessonError(id, undefined, 'the frontmatter must be a YAML mapping (title: ..., summary: ...)');
  }
  const o = data as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!FIELDS.includes(key)) throw new LessonError(id, key, `unknown field (fields: ${FIELDS.join(', ')})`);
  }
  const title = text(id, o, 'title');
  const summary = text(id, o, 'summary');
  const scenario = text(id, o, 'scenario');
  if (!(LESSON_SCENARIOS as readonly string[]).includes(scenario)) {
    throw new LessonError(id, 'scenario', `unknown scenario "${scenario}": one of ${LESSON_SCENARIOS.join(', ')}`);
  }
  if (!Array.isArray(o.goals) || o.goals.length === 0) throw new LessonError(id, 'goals', 'must be a non-empty list of goals');
  const goals = o.goals.map((g, i) => validateGoal(g, id, `goals[${i}]`));
  if (o.hints === undefined) throw new LessonError(id, 'hints', 'required (a list of strings, may be empty)');
  if (!Array.isArray(o.hints)) throw new LessonError(id, 'hints', 'must be a list of strings');
  const hints = o.hints.map((h, i) => {
    if (typeof h !== 'string' || h.trim() === '') throw new LessonError(id, `hints[${i}]`, `must be a non-empty string, got ${JSON.stringify(h)}`);
    return h.trim();
  });
  if (typeof files.solution !== 'string' || files.solution.trim() === '') throw new LessonError(id, 'solution.lab', 'missing or empty');
  const plugins: Record<string, string> = {};
  for (const [name, source] of Object.entries(files.plugins ?? {})) {
    if (!LESSON_FILE_NAME.test(name)) throw new LessonError(id, name, 'a plugin file name is letters, digits, ., _ or - ending in .ts (at most 64 characters before .ts)');
    if (typeof source !== 'string' || source.trim() === '') throw new LessonError(id, name, 'the plugin file is empty');
    plugins[name] = source;
  }
  return {
    id,
    title,
    summary,
    scenario: scenario as LessonScenario,
    goals,
    hints,
    body: body.trim(),
    start: files.start !== undefined && files.start.trim() !== '' ? files.start : undefined,
    solution: files.solution,
    files: plugins,
  };
}
