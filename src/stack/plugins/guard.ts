// Runs a learner's plugin hooks on the stack's own thread without letting one freeze it. The compiler
// puts `__tick(line)` first in every loop and function body; the guard arms a deadline around each
// hook call and makes a tick past it throw, and a tick while no hook runs throw too.

import type { CompiledPlugin } from './compile';
import { originalLine, pluginFrames } from './source-lines';

export type PluginViolationKind =
  /** A hook ran past its wall-clock budget. */
  | 'timeout'
  /** Plugin code ran while no hook was called: from a promise callback, or a getter the stack read later. */
  | 'outside-hook'
  /** A hook threw (its own error, a TypeError, a stack overflow...). */
  | 'throw'
  /** A hook returned something unusable: for the stack's own checks of what hooks return. */
  | 'bad-return';

export class PluginViolation extends Error {
  override name = 'PluginViolation';

  constructor(
    readonly kind: PluginViolationKind,
    readonly plugin: string,
    /** The hook that misbehaved ("load" for the module's top level); '' for kind 'outside-hook'. */
    readonly hook: string,
    /** 1-based line of the plugin's TypeScript source, when known. */
    readonly line: number | undefined,
    message: string,
    cause?: unknown,
  ) {
    super(line === undefined ? message : `${message} at line ${line}`, cause === undefined ? undefined : { cause });
  }
}

// Plugins catch these: their class and prototype must not be changed from plugin code.
Object.freeze(PluginViolation);
Object.freeze(PluginViolation.prototype);

const DEFAULT_BUDGET_MS = 50;
/** Ticks between two readings of the clock: a tick costs a decrement and a compare. */
const CHECK_EVERY = 64;
/** Captured at load, so a plugin that replaces performance.now cannot stop the clock. */
const clock = performance.now.bind(performance);

export interface PluginGuardOptions {
  /** Wall-clock budget of one hook call, in ms (default 50). */
  budgetMs?: number;
  /**
   * Told of every 'outside-hook' violation: those are thrown where the stack does not catch them
   * (a promise callback), so this is how the stack learns that a plugin must be disabled.
   */
  onOutsideHook?: (violation: PluginViolation) => void;
}

/** One armed hook call. Frames are reused, so a call allocates nothing. */
interface Frame {
  plugin: string;
  hook: string;
  budgetMs: number;
  deadline: number;
  /** What the ticks throw once the deadline passed, and the line of the tick that found it. */
  tripped: PluginViolation | undefined;
  trippedAt: number;
}

export class PluginGuard {
  readonly budgetMs: number;
  private readonly onOutsideHook: ((violation: PluginViolation) => void) | undefined;
  /** Ticks left before the next slow check; 0 when none is armed or the armed call tripped. */
  private countdown = 0;
  private depth = 0;
  private readonly frames: Frame[] = [];
  /** Compiled plugins by sourceURL, to name the line of what they throw. */
  private readonly sources = new Map<string, CompiledPlugin>();

  constructor(options: PluginGuardOptions = {}) {
    this.budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
    this.onOutsideHook = options.onOutsideHook;
  }

  /** The `__tick` of plugin `plugin`'s code (the name is for 'outside-hook', where no hook names it). */
  tickFor(plugin: string): (line: number) => void {
    return (line) => {
      if (--this.countdown > 0) return;
      this.check(plugin, line);
    };
  }

  /** Lets the guard name source lines of what `plugin` throws (evaluatePlugin does it). */
  addSource(plugin: CompiledPlugin): void {
    this.sources.set(plugin.url, plugin);
  }

  /** Runs fn as plugin `plugin`'s hook `hook` within `budgetMs`; returns fn's value or throws PluginViolation. */
  call<T>(plugin: string, hook: string, fn: () => T, budgetMs = this.budgetMs): T {
    const frame = this.push(plugin, hook, budgetMs);
    try {
      const value = fn();
      if (frame.tripped) throw frame.tripped; // the plugin caught the timeout and returned anyway
      return value;
    } catch (error) {
      throw this.violation(frame, error);
    } finally {
      this.pop();
    }
  }

  private push(plugin: string, hook: string, budgetMs: number): Frame {
    // Read here, not at the first slow check: a loop whose passes each do long built-in work
    // would otherwise start its budget many milliseconds late.
    const deadline = clock() + budgetMs;
    let frame = this.frames[this.depth];
    if (frame === undefined) {
      frame = { plugin, hook, budgetMs, deadline, tripped: undefined, trippedAt: 0 };
      this.frames.push(frame);
    } else {
      frame.plugin = plugin;
      frame.hook = hook;
      frame.budgetMs = budgetMs;
      frame.deadline = deadline;
      frame.tripped = undefined;
    }
    this.depth++;
    this.countdown = CHECK_EVERY;
    return frame;
  }

  private pop(): void {
    this.depth--;
    this.countdown = 0; // the next tick re-reads the frame below (maybe tripped) or finds none
  }

  /** The slow path of a tick. */
  private check(plugin: string, line: number): void {
    if (this.depth === 0) {
      const violation = new PluginViolation('outside-hook', plugin, '', line,
        `${plugin}: plugin code ran outside a hook (from a promise callback, a timer, or a getter the stack read later)`);
      this.onOutsideHook?.(violation);
      throw violation;
    }
    const frame = this.frames[this.depth - 1];
    if (frame.tripped === undefined) {
      if (clock() <= frame.deadline) {
        this.countdown = CHECK_EVERY;
        return;
      }
    }
    // Once tripped, every tick of this call throws again, so a try/catch in the plugin can't swallow it.
    if (frame.tripped === undefined) {
      frame.trippedAt = line;
      frame.tripped = timeout(frame);
    }
    throw frame.tripped;
  }

  /** What comes out of `call` when the hook threw `error`. */
  private violation(frame: Frame, error: unknown): PluginViolation {
    // A fresh one: the plugin may have caught the one its ticks threw, and changed it.
    if (frame.tripped) return timeout(frame);
    if (error instanceof PluginViolation) return error; // from a hook further in, already named
    const line = this.lineOf(error);
    const what = describe(error);
    if (/^(RangeError|InternalError): .*(call stack|recursion)/i.test(what)) {
      return new PluginViolation('throw', frame.plugin, frame.hook, line,
        `${frame.plugin}: ${frame.hook} recursed too deeply (${what}; an endless recursion?)`, error);
    }
    return new PluginViolation('throw', frame.plugin, frame.hook, line, `${frame.plugin}: ${frame.hook} threw ${what}`, error);
  }

  private lineOf(error: unknown): number | undefined {
    for (const frame of pluginFrames(error)) {
      const plugin = this.sources.get(frame.url);
      if (plugin) return originalLine(plugin, frame.line);
    }
    return undefined;
  }
}

function timeout(frame: Frame): PluginViolation {
  return new PluginViolation('timeout', frame.plugin, frame.hook, frame.trippedAt,
    `${frame.plugin}: ${frame.hook} ran for more than ${frame.budgetMs} ms (an endless loop?)`);
}

/** "TypeError: x is undefined", without calling the plugin's toString or getters. */
function describe(error: unknown): string {
  try {
    return describeError(error);
  } catch {
    return 'a value that cannot be shown'; // a Proxy whose traps throw
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? JSON.stringify(error) : `a ${typeof error} (not an Error)`;
  const own = (key: string) => {
    const d = Object.getOwnPropertyDescriptor(error, key) ?? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(error) ?? {}, key);
    return d && 'value' in d && typeof d.value === 'string' ? d.value : '';
  };
  const name = own('name') || 'Error';
  const message = own('message');
  return message ? `${name}: ${message}` : name;
}
