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

/** A task that has been started: `cancel` throws `error` into it at the wait it is in. */
export interface Running {
  cancel(error: Error): void;
}

/**
 * Runs a task; `done` gets its error or its value. Nothing here waits for the event loop. A
 * cancelled task gets the error at its current wait (whatever that wait resumes with later is
 * ignored), so it takes nothing more, and its `finally` blocks still release what it holds.
 */
export function start<T>(task: Task<T>, done: (error: Error | undefined, value?: T) => void): Running {
  let finished = false;
  /** Which wait may resume the task: a completion of an older one (or a second call) is ignored. */
  let current = 0;
  const step = (input: { value?: unknown; error?: Error }): void => {
    let r: IteratorResult<Wait<unknown>, T>;
    try {
      r = input.error ? task.throw(input.error) : task.next(input.value);
    } catch (e) {
      finished = true;
      return done(e instanceof Error ? e : new Error(String(e)));
    }
    if (r.done) {
      finished = true;
      return done(undefined, r.value);
    }
    const mine = ++current;
    r.value((value) => {
      if (mine !== current) return;
      current++;
      step({ value });
    });
  };
  step({});
  return {
    cancel(error) {
      if (finished) return;
      current++;
      step({ error });
    },
  };
}

/** Virtual time run per step while a console command waits for its task. */
const STEP_US = 1000;
/** A console command's task that has not finished in this much virtual time is reported, not awaited forever. */
const LIMIT_US = 30 * 60 * 1e6;
/** Virtual time a cancelled task gets to release what it holds (its `finally` blocks). */
const CLEANUP_US = 60 * 1e6;

/**
 * Runs a task for a console command: virtual time advances until it is done. One that runs past
 * `limitUs` is cancelled (and given time to release its locks) before the command fails.
 */
export async function complete<T>(host: Host, task: Task<T>, limitUs = LIMIT_US): Promise<T> {
  let finished = false;
  let error: Error | undefined;
  let result: T | undefined;
  const running = start(task, (e, v) => {
    finished = true;
    error = e;
    result = v;
  });
  const deadline = host.clock.now + limitUs;
  while (!finished) {
    if (host.clock.now >= deadline) {
      const minutes = limitUs / 60e6;
      const timeout = new Error(`the operation did not complete in ${minutes >= 1 ? `${minutes} minutes` : `${limitUs / 1e6} seconds`} of virtual time: it was cancelled`);
      running.cancel(timeout);
      const cleanupEnd = host.clock.now + CLEANUP_US;
      while (!finished && host.clock.now < cleanupEnd) await host.advance(STEP_US);
      throw timeout;
    }
    await host.advance(STEP_US);
  }
  if (error) throw error;
  return result as T;
}
