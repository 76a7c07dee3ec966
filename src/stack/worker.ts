// The stack's module worker: opens the lab on first use and exposes the worker API with comlink.
// Everything runs here; the page only asks.

import { expose } from 'comlink';
import type { StackApi } from './api';
import { esxtop } from './cli/esxtop';
import { discoveredInventory } from './inventory';
import { isStrayPluginViolation } from './plugins/learner-plugins';
import type { StatsFrame } from './workbench/frames';
import { Lab } from './workbench/lab';
import { snapshot } from './workbench/snapshot';
import type { Scenario } from './scenario/types';
import { lessonsFromFiles } from './lessons/loader';

// The lessons ship as text in the bundle (content, not code): lessons/NN-slug/*. The build turns
// each lesson.md's YAML frontmatter into JSON (scripts/vite-lessons.js), so no YAML parser ships.
const lessonFiles = import.meta.glob('/lessons/*/*', { query: '?raw', eager: true, import: 'default' }) as Record<string, string>;
const lessons = lessonsFromFiles(lessonFiles, JSON.parse);


// A learner plugin's promise callback, stopped by the guard, rejects where nobody waits for it:
// the plugin is already disabled and the learner told, so it is no error of the page's.
self.addEventListener('unhandledrejection', (event) => {
  if (isStrayPluginViolation(event.reason)) event.preventDefault();
});
// The same for an error a plugin's code throws where no hook runs: it must not take the stack down.
self.addEventListener('error', (event) => {
  const error: unknown = event.error;
  if (isStrayPluginViolation(error) || (error instanceof Error && /plugin:\//.test(error.stack ?? ''))) event.preventDefault();
});

let opening: Promise<Lab> | undefined;
let frameListener: ((frame: StatsFrame) => void) | undefined;

function lab(withoutPlugins?: string, scenario?: Scenario): Promise<Lab> {
  opening ??= Lab.open({ lessons, onFrame: (frame) => frameListener?.(frame), persistent: typeof indexedDB !== 'undefined', withoutPlugins, scenario });
  return opening;
}

/**
 * A built-in scenario by name (the page's `?scenario=`); the classroom is the lab's own, so none.
 * The others load only when asked for: the first screen carries none of them.
 */
async function builtIn(name: string | undefined): Promise<Scenario | undefined> {
  if (name === undefined || name === 'classroom') return undefined;
  if (name === 'large') return (await import('./scenario/large')).largeScenario();
  throw new Error(`no built-in scenario "${name}" (there are: classroom, large)`);
}

const api: StackApi = {
  async start(options) {
    const { engine, reason } = (await lab(options?.withoutPlugins, await builtIn(options?.scenario))).host.engines;
    return reason ? { engine, reason } : { engine };
  },
  async ping() {},
  async inventory() {
    return discoveredInventory((await lab()).host);
  },
  async run(line) {
    return (await lab()).run(line);
  },
  async runScript(text) {
    let transcript = '';
    const failedLine = await (await lab()).session.runScript(text, (chunk) => (transcript += chunk));
    return { transcript, failedLine };
  },
  async esxtop(screen) {
    const l = await lab();
    return l.session.exclusive(async () => esxtop(l.host, screen));
  },
  async snapshot() {
    const l = await lab();
    return l.session.exclusive(async () => snapshot(l.host, l.session.jobTable.list()));
  },
  async setSpeed(speed) {
    (await lab()).time.setSpeed(speed);
  },
  async step(us) {
    await (await lab()).time.step(us);
  },
  async onFrames(callback) {
    frameListener = callback;
  },
  async lessons() {
    return (await lab()).lessonSummaries();
  },
  async openLesson(id) {
    const l = await lab();
    if (id === null) {
      await l.openSandbox();
      return null;
    }
    const lesson = lessons.find((x) => x.id === id);
    if (!lesson) throw new Error(`no lesson ${id}`);
    await l.openLesson(lesson);
    return l.lessonView();
  },
  async lessonState() {
    return (await lab()).lessonView();
  },
  async nextHint() {
    const l = await lab();
    l.lesson?.nextHint();
    return l.lessonView();
  },
  async showSolution() {
    const l = await lab();
    await l.showSolution();
    return l.lessonView();
  },
  async consoleHistory() {
    return (await lab()).consoleHistory;
  },
  async exportLab() {
    return (await lab()).exportFile();
  },
  async importLab(text) {
    await (await lab()).importFile(text);
  },
  async resetLab() {
    await (await lab()).reset();
  },
  async pluginFiles() {
    return (await lab()).pluginFiles.list();
  },
  async savePluginFile(file) {
    await (await lab()).savePluginFile(file);
  },
  async deletePluginFile(name) {
    await (await lab()).deletePluginFile(name);
  },
  async loadPlugin(file) {
    return (await lab()).loadPlugin(file);
  },
  async plugins() {
    return (await lab()).host.plugins.list();
  },
  async benchStackIops(commands) {
    // Loaded when the bench asks, not with the page.
    return (await import('./sim/stack-iops')).stackIops('wasm', commands);
  },
  async measureIdbWrites(bytes, options) {
    return (await import('./blockstore/write-meter')).measureIdbWrites(bytes, options);
  },
};

expose(api);
