// The lab's only way into the stack: a module worker wrapped with comlink.
import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import type { StackApi } from '../stack/api';

export interface StackClient {
  /** Calls into the worker. Every pending call rejects once the client is terminated. */
  api: StackApi;
  /** Stops the worker and rejects every call still pending. */
  terminate(reason?: string): void;
}

export function createStackClient(): StackClient {
  // Inline literal URL and options: Vite detects and bundles the worker only in this form.
  const worker = new Worker(new URL('../stack/worker.ts', import.meta.url), { type: 'module' });
  const remote: Remote<StackApi> = wrap<StackApi>(worker);
  const pending = new Set<(e: Error) => void>();
  let stopped: Error | null = null;

  function call<T>(run: () => Promise<T>): Promise<T> {
    if (stopped) return Promise.reject(stopped);
    return new Promise<T>((resolve, reject) => {
      pending.add(reject);
      run().then(resolve, reject).finally(() => pending.delete(reject));
    });
  }

  // A worker that fails to load or throws at top level would otherwise leave calls pending forever.
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    terminate(`The stack worker failed: ${ev.message || 'it could not be loaded'}`);
  });

  function terminate(reason = 'The stack worker was terminated'): void {
    if (stopped) return;
    stopped = new Error(reason);
    remote[releaseProxy]();
    worker.terminate();
    for (const reject of pending) reject(stopped);
    pending.clear();
  }

  const api: StackApi = {
    start: () => call(() => remote.start()),
    inventory: () => call(() => remote.inventory()),
    run: (line) => call(() => remote.run(line)),
    runScript: (text) => call(() => remote.runScript(text)),
    esxtop: (screen) => call(() => remote.esxtop(screen)),
    snapshot: () => call(() => remote.snapshot()),
    setSpeed: (speed) => call(() => remote.setSpeed(speed)),
    step: (us) => call(() => remote.step(us)),
    // The callback crosses as a comlink proxy: one message per frame, batched by the worker.
    onFrames: (callback) => call(() => remote.onFrames(proxy(callback))),
    lessons: () => call(() => remote.lessons()),
    openLesson: (id) => call(() => remote.openLesson(id)),
    lessonState: () => call(() => remote.lessonState()),
    nextHint: () => call(() => remote.nextHint()),
    showSolution: () => call(() => remote.showSolution()),
    consoleHistory: () => call(() => remote.consoleHistory()),
    exportLab: () => call(() => remote.exportLab()),
    importLab: (text) => call(() => remote.importLab(text)),
    resetLab: () => call(() => remote.resetLab()),
    pluginFiles: () => call(() => remote.pluginFiles()),
    savePluginFile: (file) => call(() => remote.savePluginFile(file)),
    deletePluginFile: (name) => call(() => remote.deletePluginFile(name)),
    loadPlugin: (file) => call(() => remote.loadPlugin(file)),
    plugins: () => call(() => remote.plugins()),
  };
  return { api, terminate };
}
