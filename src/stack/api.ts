// The worker API: everything the lab (and the end-to-end tests) may ask of the stack.
// The lab imports only types from here; the stack runs behind comlink in a module worker.

import type { LabSnapshot } from './workbench/snapshot';
import type { StatsFrame } from './workbench/frames';
import type { Speed } from './workbench/time-control';

export type { LabSnapshot, StatsFrame, Speed };

export type Personality = 'active-active' | 'active-passive' | 'alua';

/** Which implementation of the hot paths runs: the AssemblyScript modules or their TypeScript twins. */
export interface EngineInfo {
  engine: 'wasm' | 'typescript';
  /** Why the TypeScript twins run instead of WebAssembly, when they do. */
  reason?: string;
}

/** A LUN as the host sees it through INQUIRY, VPD 0x83 and READ CAPACITY (16). */
export interface LunInventory {
  lun: number;
  vendor: string;
  product: string;
  revision: string;
  /** The NAA designator of VPD page 0x83 as a device id, e.g. "naa.6001405..." */
  naa: string;
  blockSize: number;
  blocks: number;
  capacityBytes: number;
}

export interface ArrayInventory {
  name: string;
  personality: Personality;
  luns: LunInventory[];
}

/** What one line of the lab-script language printed, and whether it succeeded. */
export interface ConsoleResult {
  output: string;
  ok: boolean;
}

/** A whole script's transcript (each command echoed as `$ command`, then its output). */
export interface ScriptResult {
  transcript: string;
  /** 1-based number of the line that failed and stopped the script, or 0. */
  failedLine: number;
}

export type LessonProgress = 'new' | 'solved' | 'solved-with-help';

export interface LessonSummary {
  id: string; // "01-life-of-an-io"
  title: string;
  summary: string;
  progress: LessonProgress;
}

export interface GoalView {
  description: string;
  met: boolean;
  /** What is still missing, in the learner's words (empty when met). */
  message: string;
}

export interface LessonView {
  id: string;
  title: string;
  /** The lesson text, markdown. */
  body: string;
  goals: GoalView[];
  /** Hints shown so far, in order. */
  hints: string[];
  hintsLeft: number;
  solved: boolean;
  solvedWithHelp: boolean;
  /** The lesson after this one, if any. */
  next: string | undefined;
}

export interface StackApi {
  /** Boots the default scenario (idempotent) and says which engine runs. */
  start(): Promise<EngineInfo>;
  /** Reads every array's LUNs through real SCSI commands. */
  inventory(): Promise<ArrayInventory[]>;
  /** Runs one console line (esxcli, fio, fault, repair, sleep, esxtop). */
  run(line: string): Promise<ConsoleResult>;
  /** Runs a lab script, as `npx pathlab run` does. */
  runScript(text: string): Promise<ScriptResult>;
  /** One esxtop screen for the page's esxtop tab: not a console line, so it is not in the history. */
  esxtop(screen: 'adapter' | 'device' | 'path' | 'vm'): Promise<string>;
  /** Everything the workbench shows, as plain data. */
  snapshot(): Promise<LabSnapshot>;
  /** Time controls: paused, 1x, 10x or as fast as possible. */
  setSpeed(speed: Speed): Promise<void>;
  /** Advances virtual time by `us` microseconds, whatever the speed. */
  step(us: number): Promise<void>;
  /**
   * Frames of statistics as time advances (at most about 30 a second). Pass a comlink proxy; the
   * previous subscriber, if any, is replaced.
   */
  onFrames(callback: (frame: StatsFrame) => void): Promise<void>;
  /** The lessons, in order, with the learner's progress. */
  lessons(): Promise<LessonSummary[]>;
  /** Opens a lesson on a fresh host (its starter state), or the sandbox with `null`. */
  openLesson(id: string | null): Promise<LessonView | null>;
  /** The open lesson's state now (goals are re-evaluated after every console line). */
  lessonState(): Promise<LessonView | null>;
  nextHint(): Promise<LessonView | null>;
  /** Replays the solution and marks the lesson solved with help (the page asks the learner first). */
  showSolution(): Promise<LessonView | null>;
  /** The console's history, oldest first (kept with the lab). */
  consoleHistory(): Promise<string[]>;
  /** The whole sandbox lab (state and blocks) as one JSON file's text. */
  exportLab(): Promise<string>;
  /** Replaces the sandbox lab with an export file's; a file that is not a lab, or a broken one, changes nothing. */
  importLab(text: string): Promise<void>;
  /** Back to the scenario as shipped (the page asks first). */
  resetLab(): Promise<void>;
}
