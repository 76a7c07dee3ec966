// The lab's only way into the stack: a module worker wrapped with comlink.
import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import type { StackApi } from '../stack/api';

/** What the worker was doing when it stopped answering. */
export type StallPhase =
  /** Booting: the lab opened, the plugins saved as loaded loaded again (start). */
  | 'boot'
  /** A lab file read or written (import, export, reset), or a lesson's host booted. */
  | 'lab-file'
  /** Anything else: a console line, the clock running, the editor's Load. */
  | 'running';

export interface StackClient {
  /** Calls into the worker. Every pending call rejects once the client is terminated. */
  api: StackApi;
  /** Stops the worker and rejects every call still pending. */
  terminate(reason?: string): void;
}

/** The worker must answer a ping within this long, else it counts as stuck. */
const STALL_MS = 2000;
/**
 * The same while it boots or a lab file is read or written: legitimately busy then (the engines
 * compile, the TypeScript compiler loads for the saved plugins, a large lab's blocks are copied),
 * for a few seconds at most on a slow machine; a plugin stuck in its code then still is caught.
 */
const SLOW_STALL_MS = 15_000;
const PING_EVERY_MS = 250;

/**
 * `onStall` runs (once) when the worker has not answered for STALL_MS (SLOW_STALL_MS while it boots
 * or reads or writes a lab file): a learner's plugin stuck in something the guard cannot interrupt
 * (a runaway regular expression, a huge built-in call), in a hook or while it loads, at boot or
 * in a lab import too. The worker is terminated first; the page decides how to start again.
 */
export function createStackClient(onStall?: (silentMs: number, phase: StallPhase) => void): StackClient {
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

  // The watchdog, from the start: one ping in flight at a time; its age is how long the worker has
  // been silent. Its limit is the slow one until the first start settles (booting) and while a lab
  // file is read or written, the normal one otherwise. A change of phase starts a new measure, so
  // a boot that took 10 s is not a stall once the limit drops to 2 s.
  let booting = true;
  let slowCalls = 0;
  let pingSentAt = 0;
  let pingSeq = 0;
  const phase = (): StallPhase => (booting ? 'boot' : slowCalls > 0 ? 'lab-file' : 'running');
  const newMeasure = () => {
    pingSeq++; // the answer to a ping sent before is no answer to the next one
    pingSentAt = 0;
  };
  const booted = () => {
    if (!booting) return;
    booting = false;
    newMeasure();
  };
  const slow = <T>(work: () => Promise<T>): Promise<T> => {
    slowCalls++;
    newMeasure();
    return work().finally(() => {
      slowCalls--;
      newMeasure();
    });
  };
  const watchdog = onStall
    ? setInterval(() => {
        if (stopped) return;
        const now = performance.now();
        const limit = booting || slowCalls > 0 ? SLOW_STALL_MS : STALL_MS;
        if (pingSentAt === 0) {
          pingSentAt = now;
          const seq = pingSeq;
          remote.ping().then(() => {
            if (seq === pingSeq) pingSentAt = 0;
          }, () => {});
        } else if (now - pingSentAt > limit) {
          const silent = now - pingSentAt;
          const during = phase();
          terminate(`The stack stopped answering for ${Math.round(silent)} ms`);
          onStall(silent, during);
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
    start: (options) => call(() => remote.start(options)).finally(booted),
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
    // A lesson boots a host of its own (the sandbox's, on the first visit to it).
    openLesson: (id) => slow(() => call(() => remote.openLesson(id))),
    lessonState: () => call(() => remote.lessonState()),
    nextHint: () => call(() => remote.nextHint()),
    showSolution: () => call(() => remote.showSolution()),
    consoleHistory: () => call(() => remote.consoleHistory()),
    exportLab: () => slow(() => call(() => remote.exportLab())),
    importLab: (text) => slow(() => call(() => remote.importLab(text))),
    resetLab: () => slow(() => call(() => remote.resetLab())),
    pluginFiles: () => call(() => remote.pluginFiles()),
    savePluginFile: (file) => call(() => remote.savePluginFile(file)),
    deletePluginFile: (name) => call(() => remote.deletePluginFile(name)),
    loadPlugin: (file) => call(() => remote.loadPlugin(file)),
    plugins: () => call(() => remote.plugins()),
    measureIdbWrites: (bytes, options) => call(() => remote.measureIdbWrites(bytes, options)),
    // The bench keeps the worker busy for up to a second or two at a time: no stall.
    benchStackIops: (commands) => slow(() => call(() => remote.benchStackIops(commands))),
  };
  return { api, terminate };
}
