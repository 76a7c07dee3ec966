// The workbench's shared state: the latest snapshot, a bounded ring of stats frames, the console
// log and the lesson view. Everything that changes the stack goes through `run`, which echoes the
// command in the console, so a change made with the mouse shows up as the command that does it.
import { keepUnchanged } from './keep-unchanged';
import type { ArrayInventory, LabSnapshot, LessonSummary, LessonView, Speed, StackApi, StatsFrame } from '../stack/api';

export const FRAME_RING = 300;
const SNAPSHOT_MIN_MS = 250; // at most ~4 snapshots a second while frames arrive
const SNAPSHOT_PATHS = 256; // ... in a lab of up to this many paths; a larger one's come less often

export interface LogEntry {
  id: number;
  kind: 'command' | 'output' | 'error';
  text: string;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class Workbench {
  snapshot = $state.raw<LabSnapshot | null>(null);
  /** The arrays' LUNs as read through SCSI commands (INQUIRY, VPD 0x83, READ CAPACITY). */
  inventory = $state.raw<ArrayInventory[] | null>(null);
  frames = $state.raw<StatsFrame[]>([]);
  log = $state.raw<LogEntry[]>([]);
  speed = $state<Speed>('paused');
  lessons = $state.raw<LessonSummary[]>([]);
  lesson = $state.raw<LessonView | null>(null);
  lessonError = $state<string | null>(null);
  /** The device the device panel shows. */
  selectedDevice = $state<string | null>(null);
  /** The console's history, oldest first: the stack keeps it with the lab, so it survives a reload. */
  history = $state.raw<string[]>([]);

  private nextId = 0;
  private arrived: StatsFrame[] = [];
  private drawScheduled = false;
  private lastSnapshotAt = 0;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(readonly api: StackApi) {}

  /** Virtual time in seconds: the newest of the snapshot's and the last frame's. */
  get nowUs(): number {
    const frame = this.frames.at(-1);
    return Math.max(frame?.nowUs ?? 0, this.snapshot?.nowUs ?? 0);
  }

  async init(): Promise<void> {
    await this.refresh();
    await this.api.onFrames((frame) => this.addFrame(frame));
    await this.refreshLessons();
    this.inventory = await this.api.inventory();
    await this.loadHistory();
  }

  /** The console history as the stack keeps it (restored with the lab). */
  async loadHistory(): Promise<void> {
    try {
      const typedMeanwhile = this.history;
      const kept = await this.api.consoleHistory();
      // Lines typed while the history was on its way are newer than it (unless it has them already).
      const fresh = typedMeanwhile.filter((line) => !kept.includes(line));
      this.history = [...kept, ...fresh].slice(-500);
    } catch (e) {
      this.print('error', `console history: ${errorText(e)}`);
    }
  }

  /** Remembers a line for ↑ recall (the stack records it too when it runs). */
  remember(line: string): void {
    if (this.history.at(-1) !== line) this.history = [...this.history, line].slice(-500);
  }

  // The lab file: export, import and reset replace the whole sandbox, so everything is re-read.

  /** The sandbox lab (state and blocks) as an export file's text. */
  exportLab(): Promise<string> {
    return this.api.exportLab();
  }

  /** Replaces the sandbox with a lab file's; throws (changing nothing) when the file is refused. */
  async importLab(text: string, name: string): Promise<void> {
    await this.api.importLab(text);
    await this.reloadAll();
    this.print('output', `Lab imported from ${name}: the sandbox now holds its settings, blocks and history.`);
  }

  /** Back to the scenario as shipped. */
  async resetLab(): Promise<void> {
    await this.api.resetLab();
    await this.reloadAll();
    this.print('output', 'Lab reset: the sandbox is back to the scenario as shipped (no changes, no blocks, no history).');
  }

  /** After the sandbox was replaced: its host was rebooted, paused, with no lesson open. */
  private async reloadAll(): Promise<void> {
    this.speed = 'paused';
    this.dropFrames();
    await this.refresh();
    await this.refreshLessons();
    this.inventory = await this.api.inventory().catch(() => this.inventory);
    this.history = []; // the replaced lab's history is the one to show, not this page's
    await this.loadHistory();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.snapshotTimer);
  }

  print(kind: LogEntry['kind'], text: string): void {
    this.log = [...this.log, { id: this.nextId++, kind, text }].slice(-500);
  }

  /** Runs one console line, echoed; then refreshes the snapshot and the lesson state. */
  async run(line: string): Promise<boolean> {
    this.print('command', line);
    let ok = false;
    try {
      const result = await this.api.run(line);
      ok = result.ok;
      if (result.output !== '') this.print(result.ok ? 'output' : 'error', result.output.replace(/\n$/, ''));
    } catch (e) {
      this.print('error', errorText(e));
    }
    await this.refresh();
    await this.refreshLessonState();
    return ok;
  }

  /**
   * A tab's buttons: runs its console lines in order, stopping at the first that fails; returns
   * that line's error (as the console printed it) for the tab to show, or null when all succeeded.
   */
  async runLines(...lines: string[]): Promise<string | null> {
    for (const line of lines) {
      if (await this.run(line)) continue;
      const last = this.log.at(-1);
      return last?.kind === 'error' ? last.text : `${line}: failed`;
    }
    return null;
  }

  async setSpeed(speed: Speed): Promise<void> {
    this.speed = speed;
    await this.api.setSpeed(speed);
    await this.refresh();
  }

  async step(us: number): Promise<void> {
    await this.api.step(us);
    await this.refresh();
  }

  async refresh(): Promise<void> {
    if (this.closed) return;
    this.lastSnapshotAt = performance.now();
    try {
      // Unchanged parts keep their identity, so the page redraws only what changed.
      this.snapshot = keepUnchanged(this.snapshot, await this.api.snapshot());
    } catch (e) {
      if (!this.closed) this.print('error', `snapshot: ${errorText(e)}`);
    }
  }

  // Frames are drawn once per animation frame, however many arrived meanwhile (several do when the
  // page is busy): each draw redraws every chart, so one per arrival would fall further behind.
  private addFrame(frame: StatsFrame): void {
    if (this.closed) return;
    // Only the paths that carried I/O are kept (the charts draw no others): a large lab's frame
    // lists a thousand paths, and the ring holds 300 frames.
    this.arrived.push({ ...frame, paths: frame.paths.filter((p) => p.iops > 0) });
    if (this.arrived.length > FRAME_RING) this.arrived.shift(); // a hidden page draws nothing
    if (!this.drawScheduled) {
      this.drawScheduled = true;
      requestAnimationFrame(() => this.drawFrames());
    }
    this.scheduleSnapshot();
  }

  private drawFrames(): void {
    this.drawScheduled = false;
    if (this.closed || this.arrived.length === 0) return;
    this.frames = [...this.frames, ...this.arrived].slice(-FRAME_RING);
    this.arrived = [];
  }

  /** A new host (a lesson, a reset): the frames drawn and those on their way are the old one's. */
  private dropFrames(): void {
    this.frames = [];
    this.arrived = [];
  }

  private scheduleSnapshot(): void {
    if (this.snapshotTimer !== undefined) return;
    // A snapshot costs the page time in proportion to the lab's size (a thousand paths take tens of
    // milliseconds to receive and compare): a large lab's come less often, so that share stays put.
    const every = SNAPSHOT_MIN_MS * Math.max(1, (this.snapshot?.paths.length ?? 0) / SNAPSHOT_PATHS);
    const wait = Math.max(0, every - (performance.now() - this.lastSnapshotAt));
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      void this.refresh();
    }, wait);
  }

  // Lessons: the worker side may not be there yet; its errors go to the lesson pane.
  private async lessonCall<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await call();
      this.lessonError = null;
      return value;
    } catch (e) {
      this.lessonError = errorText(e);
      return undefined;
    }
  }

  async refreshLessons(): Promise<void> {
    const list = await this.lessonCall(() => this.api.lessons());
    if (list) this.lessons = list;
    if (list) await this.refreshLessonState();
  }

  async refreshLessonState(): Promise<void> {
    if (this.lessonError !== null && this.lessons.length === 0) return;
    const view = await this.lessonCall(() => this.api.lessonState());
    if (view !== undefined) this.setLesson(view);
  }

  private setLesson(view: LessonView | null): void {
    const solvedNow = view?.solved && !this.lesson?.solved && view.id === this.lesson?.id;
    this.lesson = view;
    if (solvedNow) void this.lessonCall(() => this.api.lessons()).then((l) => l && (this.lessons = l));
  }

  async openLesson(id: string | null): Promise<void> {
    const view = await this.lessonCall(() => this.api.openLesson(id));
    if (view === undefined) return;
    this.lesson = view;
    this.dropFrames();
    this.print('output', id === null ? 'Sandbox: a fresh host, no lesson.' : `Lesson ${view?.title ?? id} opened on a fresh host.`);
    await this.refresh();
    const list = await this.lessonCall(() => this.api.lessons());
    if (list) this.lessons = list;
    this.inventory = await this.api.inventory().catch(() => this.inventory);
  }

  async nextHint(): Promise<void> {
    const view = await this.lessonCall(() => this.api.nextHint());
    if (view !== undefined) this.lesson = view;
  }

  async showSolution(): Promise<void> {
    const view = await this.lessonCall(() => this.api.showSolution());
    if (view !== undefined) this.setLesson(view);
    await this.refresh();
    const list = await this.lessonCall(() => this.api.lessons());
    if (list) this.lessons = list;
  }
}
