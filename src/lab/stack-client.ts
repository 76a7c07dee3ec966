// The lab's only way into the stack: a module worker wrapped with comlink.
import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import type { StackApi } from '../stack/api';

export interface StackClient {
  /** Calls into the worker. Every pending call rejects once the client is terminated. */
  api: StackApi;
  /** Stops the worker and rejects every call still pending. */
  terminate(reason?: string): void;
}

/** The worker must answer a ping within this long, else it counts as stuck. */
const STALL_MS = 2000;
const PING_EVERY_MS = 250;

/**
 * `onStall` runs (once) when the worker has not answered for STALL_MS: a learner's plugin stuck
 * in something the guard cannot interrupt (a runaway regular expression, a huge built-in call).
 * The worker is terminated first; the page decides how to start again.
 */
export function createStackClient(onStall?: (silentMs: number) => void): StackClient {
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

  // The watchdog: one ping in flight at a time; its age is how long the worker has been silent.
  // It starts once the stack is up (booting is not a stall) and rests while a lab file is written
  // or read (a large lab takes the worker a while, legitimately).
  let pingSentAt = 0;
  let armed = false;
  let resting = 0;
  const rest = <T>(work: () => Promise<T>): Promise<T> => {
    resting++;
    pingSentAt = 0;
    return work().finally(() => {
      resting--;
      pingSentAt = 0;
    });
  };
  const watchdog = onStall
    ? setInterval(() => {
        if (stopped || !armed || resting > 0) return;
        const now = performance.now();
        if (pingSentAt === 0) {
          pingSentAt = now;
          remote.ping().then(() => (pingSentAt = 0), () => {});
        } else if (now - pingSentAt > STALL_MS) {
          terminate(`The stack stopped answering for ${Math.round(now - pingSentAt)} ms`);
          onStall(now - pingSentAt);
        }
      }, PING_EVERY_MS)
    : undefined;

  function terminate(reason = 'The stack worker was terminated'): void {
    if (stopped) return;
    clearInterval(watchdog);
    stopped = new Error(reason);
    remote[releaseProxy]();
    worker.terminate();
    for (const reject of pending) reject(stopped);
    pending.clear();
  }

  const api: StackApi = {
    start: (options) => call(() => remote.start(options)).then((info) => ((armed = true), info)),
    ping: () => call(() => remote.ping()),
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
    exportLab: () => rest(() => call(() => remote.exportLab())),
    importLab: (text) => rest(() => call(() => remote.importLab(text))),
    resetLab: () => rest(() => call(() => remote.resetLab())),
    pluginFiles: () => call(() => remote.pluginFiles()),
    savePluginFile: (file) => call(() => remote.savePluginFile(file)),
    deletePluginFile: (name) => call(() => remote.deletePluginFile(name)),
    loadPlugin: (file) => call(() => remote.loadPlugin(file)),
    plugins: () => call(() => remote.plugins()),
  };
  return { api, terminate };
}
