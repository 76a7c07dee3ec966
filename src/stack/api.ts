// The worker API: everything the lab (and the end-to-end tests) may ask of the stack.
// The lab imports only types from here; the stack runs behind comlink in a module worker.

import type { DatastoresSnapshot, JobSnapshot, JobState, LabSnapshot, VvolSnapshot, VvolsSnapshot, VvolVmSnapshot } from './workbench/snapshot';
import type { HostCloneView, MountView, SharedDatastoreView, SharedFileView } from './vmfs/shared-view';
import type { StatsFrame } from './workbench/frames';
import type { EsxtopScreen } from './cli/esxtop';

export type { EsxtopScreen };
import type { Speed } from './workbench/time-control';
import type { IdbWriteMeasurement, IdbWriteOptions } from './blockstore/write-meter';

export type { JobSnapshot, JobState, LabSnapshot, StatsFrame, Speed, VvolSnapshot, VvolsSnapshot, VvolVmSnapshot };
export type { DatastoresSnapshot, HostCloneView, MountView, SharedDatastoreView, SharedFileView };
export type { IdbWriteMeasurement, IdbWriteOptions };

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
  /**
   * Plugin files the lesson ships for the learner to start from (lessons/NN-slug/*.ts, the
   * solution's *.solution.ts left out). `plugin load NAME` in the lesson reads the lab's file NAME
   * if there is one, else the lesson's: a copy saved in the editor wins over the shipped one.
   */
  files: PluginFile[];
}

export type PluginRole = 'psp' | 'satp' | 'mpp';

/** A learner's plugin source file (TypeScript), kept with the lab and in its export. */
export interface PluginFile {
  /** File name, e.g. "lqd.ts". */
  name: string;
  source: string;
}

/** A compile error at a line of a plugin's source (1-based line and column). */
export interface CompileDiagnostic {
  line: number;
  column: number;
  message: string;
}

export interface PluginLoadResult {
  ok: boolean;
  /** The plugin's name (its default export's `name`) and role, when it loaded. */
  plugin?: string;
  role?: PluginRole;
  /** True when it replaced a loaded version of the same plugin (swapped on the devices using it). */
  replaced?: boolean;
  /** Why nothing was loaded, at the source's lines. */
  errors: CompileDiagnostic[];
  /** One line for the learner: what happened. */
  message: string;
}

/** A learner's plugin that misbehaved at run time and was disabled (shown to the learner at once). */
export interface PluginFault {
  /** Increases with every fault: the page shows each once. */
  seq: number;
  plugin: string;
  file: string;
  /** The hook that misbehaved, e.g. "selectPath", or "load" for the module's top level. */
  hook: string;
  /** 1-based line of the plugin's source, when known. */
  line?: number;
  /** What went wrong and what the stack did about it (e.g. devices back on their default PSP). */
  message: string;
  /** Virtual time of the fault. */
  atUs: number;
}

/** A learner's plugin the stack knows of. */
export interface PluginInfo {
  file: string;
  name: string;
  role: PluginRole;
  state: 'loaded' | 'disabled';
  /** Why it was disabled. */
  message?: string;
}

export interface StackApi {
  /**
   * Boots the lab (idempotent) and says which engine runs. With `withoutPlugins` (why), the
   * learner's plugins saved as loaded stay unloaded: the page restarted a stack that stopped
   * answering, and one of them is the likely cause. With `scenario` (a built-in scenario's name:
   * "classroom" or "large"), the sandbox opens on that scenario, in memory, with no lesson open.
   */
  start(options?: { withoutPlugins?: string; scenario?: string }): Promise<EngineInfo>;
  /** Answers at once while the stack's thread is free: the page's watchdog asks every half second. */
  ping(): Promise<void>;
  /** Reads every array's LUNs through real SCSI commands. */
  inventory(): Promise<ArrayInventory[]>;
  /** Runs one console line (esxcli, fio, fault, repair, sleep, esxtop). */
  run(line: string): Promise<ConsoleResult>;
  /** Runs a lab script, as `npx pathlab run` does. */
  runScript(text: string): Promise<ScriptResult>;
  /** One esxtop screen for the page's esxtop tab: not a console line, so it is not in the history. */
  esxtop(screen: EsxtopScreen): Promise<string>;
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
  /** The learner's plugin files, in name order. */
  pluginFiles(): Promise<PluginFile[]>;
  /** Saves (creates or replaces) a plugin file with the lab; nothing is compiled or run. */
  savePluginFile(file: PluginFile): Promise<void>;
  deletePluginFile(name: string): Promise<void>;
  /** Saves the file, compiles it and hot-loads it into the running stack (`plugin load FILE`). */
  loadPlugin(file: PluginFile): Promise<PluginLoadResult>;
  /** The learner's plugins: loaded, or disabled with the reason. */
  plugins(): Promise<PluginInfo[]>;
  /**
   * `npm run bench` in Chromium: the stack_iops workload (src/stack/sim/stack-iops.ts) on a host of
   * its own beside the lab, `commands` commands; returns commands per second of wall time.
   */
  benchStackIops(commands: number): Promise<number>;
  /**
   * The bench key idb_write_mbps: writes `bytes` as 4 KiB write-through WRITE(10)s (32 in flight
   * unless told) to a LUN of a stack on a scratch IndexedDB database, awaits each acknowledgement
   * (made only after its transaction committed), deletes the database and returns the MB/s
   * (10^6 bytes) timed with performance.now(). The lab's own blocks are not touched.
   */
  measureIdbWrites(bytes: number, options?: IdbWriteOptions): Promise<IdbWriteMeasurement>;
}
