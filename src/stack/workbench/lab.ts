// The lab the page works on: a host with its console session and time controls, either the
// sandbox (blocks and state kept in IndexedDB, so it survives a reload) or a lesson (a fresh host
// in memory, its goals checked after every line). Lesson progress is kept with the sandbox's state.

import type { ConsoleResult, LessonProgress, LessonSummary, LessonView, PluginFile, PluginLoadResult } from '../api';
import type { IndexedDbBlockStore } from '../blockstore/indexeddb-store';
import { LabSession } from '../cli/script';
import { Host } from '../host';
import { LessonRun } from '../lessons/engine';
import { readLessonFile, starterFiles, type Lesson } from '../lessons/lesson';
import type { Scenario } from '../scenario/types';
import type { StatsFrame } from './frames';
import { captureState, checkStateFor, restoreState, type LabState } from './lab-state';
import { exportLab, LabStore, readExport } from './lab-store';
import { PluginFiles } from './plugin-files';
import { TimeControl } from './time-control';
import { mountVolumes } from '../vmfs/vmfs';
import { existingVvols } from '../vvol';
import { adoptStoredExtents } from '../vvol/vvol-state';

export interface LabOptions {
  lessons: Lesson[];
  onFrame: (frame: StatsFrame) => void;
  /** IndexedDB in the browser; memory (nothing kept) where there is none. */
  persistent: boolean;
  /** Why the plugins saved as loaded must stay unloaded this time (a restart after the stack hung). */
  withoutPlugins?: string;
  /** A built-in scenario other than the classroom: its sandbox opens in memory (nothing kept), no lesson open. */
  scenario?: Scenario;
}

const MAX_HISTORY = 500;

export class Lab {
  session!: LabSession;
  time!: TimeControl;
  lesson: LessonRun | undefined;
  private sandbox: Host | undefined;
  private store: LabStore | undefined;
  private history: string[] = [];
  private progress: Record<string, LessonProgress> = {};
  /** The learner's plugin files: one set for the lab, read by `plugin load` in the sandbox and in lessons. */
  readonly pluginFiles = new PluginFiles();

  private constructor(private readonly options: LabOptions) {}

  /**
   * Opens where the learner left off: the lesson they had open (on a fresh host) or the sandbox.
   * A first visit, with nothing saved, opens the first lesson.
   */
  static async open(options: LabOptions): Promise<Lab> {
    const lab = new Lab(options);
    const saved = await lab.bootSandbox();
    const id = saved ? saved.openLesson : options.scenario ? null : options.lessons[0]?.id;
    const lesson = options.lessons.find((l) => l.id === id);
    if (lesson) await lab.openLesson(lesson);
    else lab.use(lab.sandbox!);
    // After a restart, say so where the learner is looking, even if no sandbox plugin was dropped.
    if (options.withoutPlugins !== undefined && (lesson || !saved?.plugins?.loaded.length)) {
      lab.host.plugins.notice(`The stack stopped answering and was restarted from the lab as last saved, without the plugins that were loaded (${options.withoutPlugins.replace(/ while it was loaded.*$/, '')}).`);
    }
    return lab;
  }

  get host(): Host {
    return this.session.host;
  }

  /** The sandbox: the persistent lab, as it was left. */
  async openSandbox(): Promise<void> {
    this.time?.stop();
    this.lesson = undefined;
    this.use(await this.sandboxHost());
    await this.save();
  }

  /** A lesson, on a fresh host in memory; reopened (fresh) on the next visit. */
  async openLesson(lesson: Lesson): Promise<void> {
    this.time?.stop();
    const host = await Host.boot({ store: 'memory' });
    this.use(host);
    this.lesson = new LessonRun(lesson, host, this.session);
    await this.lesson.start();
    await this.save();
  }

  /** One console line: recorded, run, the lesson's goals re-checked, the lab saved. */
  async run(line: string): Promise<ConsoleResult> {
    const trimmed = line.trim();
    if (trimmed !== '') this.history = [...this.history, trimmed].slice(-MAX_HISTORY);
    const result = this.lesson ? await this.lesson.run(line) : await this.session.run(line);
    if (this.lesson) this.noteProgress();
    const unsaved = await this.save().then(
      () => '',
      (e: unknown) => `warning: the lab could not be saved, so a reload would lose this change: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return unsaved ? { ...result, output: result.output + unsaved } : result;
  }

  // ---- the learner's plugin files ----

  async savePluginFile(file: PluginFile): Promise<void> {
    this.pluginFiles.save(file);
    await this.save();
  }

  async deletePluginFile(name: string): Promise<void> {
    this.pluginFiles.delete(name);
    await this.save();
  }

  /** The editor's Load: saves the file, then runs `plugin load FILE` as a console line would. */
  async loadPlugin(file: PluginFile): Promise<PluginLoadResult> {
    this.pluginFiles.save(file);
    const line = `plugin load ${file.name}`;
    this.host.plugins.lastLoad = undefined;
    const result = await this.run(line);
    const load = this.host.plugins.lastLoad;
    if (!load) return { ok: false, errors: [], message: result.output };
    return load;
  }

  get consoleHistory(): string[] {
    return [...this.history];
  }

  lessonSummaries(): LessonSummary[] {
    return this.options.lessons.map((l) => ({ id: l.id, title: l.title, summary: l.summary, progress: this.progress[l.id] ?? 'new' }));
  }

  lessonView(): LessonView | null {
    const run = this.lesson;
    if (!run) return null;
    const lessons = this.options.lessons;
    const at = lessons.findIndex((l) => l.id === run.lesson.id);
    return {
      id: run.lesson.id,
      title: run.lesson.title,
      body: run.lesson.body,
      goals: run.status.map((g) => ({ description: g.description, met: g.met, message: g.met ? '' : g.message })),
      hints: run.hints,
      hintsLeft: run.lesson.hints.length - run.hints.length,
      solved: run.solved,
      solvedWithHelp: run.solvedWithHelp,
      next: lessons[at + 1]?.id,
      files: starterFiles(run.lesson),
    };
  }

  async showSolution(): Promise<void> {
    if (!this.lesson) return;
    await this.lesson.showSolution();
    this.noteProgress();
    await this.save();
  }

  async exportFile(): Promise<string> {
    const sandbox = await this.sandboxHost();
    if (sandbox.store.kind !== 'indexeddb') throw new Error('this lab keeps no blocks to export (no IndexedDB here)');
    return exportLab(this.capture(sandbox), sandbox.store as IndexedDbBlockStore);
  }

  /** Replaces the sandbox with an export file's lab. A bad file changes nothing. */
  async importFile(text: string): Promise<void> {
    const { state, extents } = readExport(text);
    const sandbox = await this.sandboxHost();
    if (sandbox.store.kind !== 'indexeddb') throw new Error('this lab cannot keep blocks (no IndexedDB here)');
    checkStateFor(sandbox, state);
    await (sandbox.store as IndexedDbBlockStore).replaceExtents(extents);
    await this.store!.save(state);
    await this.reboot();
  }

  /** Back to the scenario as shipped: no changes, no blocks, no history (lesson progress kept). */
  async reset(): Promise<void> {
    const sandbox = await this.sandboxHost();
    await sandbox.store.clear();
    await this.store?.clear();
    this.history = [];
    await this.reboot();
    await this.save();
  }

  private async reboot(): Promise<void> {
    this.time?.stop();
    this.sandbox?.close();
    this.sandbox = undefined;
    await this.openSandbox();
  }

  private async sandboxHost(): Promise<Host> {
    if (!this.sandbox) await this.bootSandbox();
    return this.sandbox!;
  }

  /** Boots the sandbox's host and restores its saved state; returns that state (none on a first visit). */
  private async bootSandbox(): Promise<LabState | undefined> {
    // Another scenario's sandbox is not the one saved: it must neither load nor overwrite it.
    const persistent = this.options.persistent && !this.options.scenario;
    this.sandbox = await Host.boot({ store: persistent ? 'indexeddb' : 'memory', scenario: this.options.scenario });
    if (!persistent) return undefined;
    this.store ??= await LabStore.open();
    const saved = await this.store.load();
    if (saved) {
      this.pluginFiles.replace(saved.plugins?.files ?? []);
      // The plugins first: the devices' saved policies may name them.
      const without = this.options.withoutPlugins;
      for (const name of saved.plugins?.loaded ?? []) {
        if (without !== undefined || !this.pluginFiles.has(name)) {
          this.sandbox.plugins.notLoaded(name, without ?? 'the lab has no file of that name');
          continue;
        }
        const source = this.pluginFiles.read(name);
        const result = await this.sandbox.plugins.load({ name, source }).catch((e: unknown) => ({ ok: false, message: String(e) }));
        if (!result.ok) this.sandbox.plugins.notLoaded(name, result.message);
      }
      restoreState(this.sandbox, saved);
      const daemon = existingVvols(this.sandbox);
      if (daemon) await adoptStoredExtents(daemon);
      // Every host mounts the VMFS volumes on its devices, as at boot: their heartbeats go on.
      for (const host of this.sandbox.hosts()) await mountVolumes(host);
      this.history = saved.consoleHistory;
      this.progress = saved.lessons;
    }
    return saved;
  }

  private use(host: Host): void {
    // `plugin load NAME`: the lab's file NAME first (the learner's copy), else the open lesson's.
    this.session = new LabSession(host, async (name) => {
      const lesson = this.lesson?.lesson;
      if (lesson && !this.pluginFiles.has(name) && lesson.files[name] !== undefined) return readLessonFile(lesson, name);
      const shipped = lesson ? starterFiles(lesson).map((f) => f.name) : [];
      try {
        return this.pluginFiles.read(name);
      } catch (e) {
        throw shipped.length === 0 ? e : new Error(`${(e as Error).message}; lesson ${lesson!.id} ships ${shipped.join(', ')}`);
      }
    });
    this.time = new TimeControl(this.session, this.options.onFrame);
  }

  private noteProgress(): void {
    const run = this.lesson;
    if (!run || !run.solved) return;
    const id = run.lesson.id;
    if (this.progress[id] !== 'solved') this.progress[id] = run.solvedWithHelp ? 'solved-with-help' : 'solved';
  }

  private capture(host: Host) {
    return captureState(host, {
      consoleHistory: this.history,
      lessons: this.progress,
      openLesson: this.lesson?.lesson.id ?? null,
      plugins: { files: this.pluginFiles.list(), loaded: host.plugins.loadedFiles() },
    });
  }

  private async save(): Promise<void> {
    if (!this.store || !this.sandbox) return;
    await this.store.save(this.capture(this.sandbox));
  }
}
