// Metadata work (a lock, a heartbeat, a clone) is a sequence of SCSI commands that must happen at
// exact virtual instants: two hosts opening a file at the same instant must send their ATS at the
// same instant. A promise would resume only when the event loop gets a turn, which depends on wall
// time; so each piece of work is a generator that yields a Wait, and the driver resumes it
// synchronously from the command's completion, inside the clock's event.

import type { Host } from '../host';

/** Something to wait for: called with the function that resumes the task with its value. */
export type Wait<T> = (resume: (value: T) => void) => void;
export type Task<T> = Generator<Wait<unknown>, T, unknown>;

/** Waits inside a task: `const x = yield* wait<X>(w)`. */
export function* wait<T>(w: Wait<T>): Generator<Wait<unknown>, T, unknown> {
  return (yield w as Wait<unknown>) as T;
}

/** Waits `us` microseconds of virtual time. */
export function sleep(host: Host, us: number): Generator<Wait<unknown>, void, unknown> {
  return wait<void>((resume) => host.clock.after(us, { onTimer: () => resume() }));
}

/** Runs a task; `done` gets its error or its value. Nothing here waits for the event loop. */
export function start<T>(task: Task<T>, done: (error: Error | undefined, value?: T) => void): void {
  const step = (input: unknown): void => {
    let r: IteratorResult<Wait<unknown>, T>;
    try {
      r = task.next(input);
    } catch (e) {
      return done(e instanceof Error ? e : new Error(String(e)));
    }
    if (r.done) return done(undefined, r.value);
    let resumed = false;
    r.value((value) => {
      if (resumed) return; // a completion called twice is ignored
      resumed = true;
      step(value);
    });
  };
  step(undefined);
}

/** Virtual time run per step while a console command waits for its task. */
const STEP_US = 1000;
/** A console command's task that has not finished in this much virtual time is reported, not awaited forever. */
const LIMIT_US = 30 * 60 * 1e6;

/** Runs a task for a console command: virtual time advances until it is done. */
export async function complete<T>(host: Host, task: Task<T>): Promise<T> {
  let finished = false;
  let error: Error | undefined;
  let result: T | undefined;
  start(task, (e, v) => {
    finished = true;
    error = e;
    result = v;
  });
  const deadline = host.clock.now + LIMIT_US;
  while (!finished) {
    if (host.clock.now >= deadline) throw new Error('the operation did not complete in 30 minutes of virtual time');
    await host.advance(STEP_US);
  }
  if (error) throw error;
  return result as T;
}
