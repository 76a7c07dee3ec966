// A lesson being worked: wraps the learner's LabSession so every command is recorded with its
// output, re-evaluates the goals after every command, hands out hints one at a time and can replay
// the solution (which marks the lesson solved with help, as Learn Git Branching's "show solution").

import type { FioHandle } from '../cli/fio';
import { LabSession, type CommandResult } from '../cli/script';
import type { Host } from '../host';
import { GoalContext } from './context';
import { describeGoal, goalChecker, goalPreparer, type GoalChecker, type GoalSpec } from './goals';
import { readLessonFile, type Lesson } from './lesson';

export interface GoalStatus {
  goal: GoalSpec;
  /** The goal as a sentence. */
  description: string;
  met: boolean;
  /** What is done, or what is still missing, in the learner's words. */
  message: string;
}

/** Lab-script lines of a script: comments and blank lines dropped. */
export function scriptLines(script: string): string[] {
  return script
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export class LessonRun {
  readonly context: GoalContext;
  private readonly checkers: { goal: GoalSpec; description: string; check: GoalChecker; prepare: ReturnType<typeof goalPreparer> }[];
  private hintsShown = 0;
  private everSolved = false;
  private known = new Set<FioHandle>();
  /** The start script's transcript ("$ line" and output), for the console. */
  startOutput = '';
  /** Goals as last evaluated. */
  status: GoalStatus[] = [];
  /** The learner asked for the solution before solving the lesson. */
  solvedWithHelp = false;

  constructor(
    readonly lesson: Lesson,
    readonly host: Host,
    /** The learner's session; by default one whose `plugin load NAME` reads the lesson's own files. */
    readonly session: LabSession = new LabSession(host, async (name) => readLessonFile(lesson, name)),
  ) {
    this.context = new GoalContext(host);
    this.checkers = lesson.goals.map((goal) => ({ goal, description: describeGoal(goal), check: goalChecker(goal), prepare: goalPreparer(goal) }));
  }

  /** Runs start.lab (if any), then takes the baselines the goals count from. Throws if a start line fails. */
  async start(): Promise<GoalStatus[]> {
    let out = '';
    for (const line of scriptLines(this.lesson.start ?? '')) {
      const r = await this.session.run(line);
      out += `$ ${line}\n${r.output === '' || r.output.endsWith('\n') ? r.output : r.output + '\n'}`;
      if (!r.ok) throw new Error(`${this.lesson.id}: start.lab: "${line}" failed: ${r.output}`);
    }
    this.startOutput = out;
    for (const h of this.session.jobs) this.known.add(h);
    this.context.begin();
    await this.prepare();
    return this.evaluate();
  }

  /** Runs one line for the learner, records it, and re-evaluates the goals. */
  async run(line: string): Promise<CommandResult> {
    const result = await this.session.run(line);
    this.context.record(line, result.output, result.ok);
    for (const h of this.session.jobs) {
      if (!this.known.has(h)) {
        this.known.add(h);
        this.context.jobs.push(h);
      }
    }
    this.context.refresh();
    await this.prepare();
    this.evaluate();
    return result;
  }

  /** What some goals read before they are checked (an array's blocks, history), in goal order. */
  async prepare(): Promise<void> {
    for (const { prepare } of this.checkers) await prepare(this.host, this.context);
  }

  /** Every goal, checked now. */
  evaluate(): GoalStatus[] {
    this.status = this.checkers.map(({ goal, description, check }) => ({ goal, description, ...check(this.host, this.context) }));
    if (this.status.every((g) => g.met)) this.everSolved = true;
    return this.status;
  }

  /** Every goal is met (once solved, a lesson stays solved: a later command does not undo it). */
  get solved(): boolean {
    return this.everSolved;
  }

  /** Goals not met as last evaluated. */
  get unmet(): GoalStatus[] {
    return this.status.filter((g) => !g.met);
  }

  /** The next hint, one at a time; undefined when all have been shown. */
  nextHint(): string | undefined {
    if (this.hintsShown >= this.lesson.hints.length) return undefined;
    return this.lesson.hints[this.hintsShown++];
  }

  /** Hints shown so far. */
  get hints(): string[] {
    return this.lesson.hints.slice(0, this.hintsShown);
  }

  /**
   * Replays solution.lab line by line on the current stack (going on past a failing line, as a
   * learner may already have done part of it) and returns the transcript. Marks the lesson
   * solved with help unless the learner had solved it already.
   */
  async showSolution(): Promise<string> {
    if (!this.everSolved) this.solvedWithHelp = true;
    let out = '';
    for (const line of scriptLines(this.lesson.solution)) {
      const r = await this.run(line);
      out += `$ ${line}\n${r.output === '' || r.output.endsWith('\n') ? r.output : r.output + '\n'}`;
    }
    return out;
  }
}
