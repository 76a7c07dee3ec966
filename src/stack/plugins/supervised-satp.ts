// A learner's SATP as NMP runs it: every hook and every callback of its own through the guard, every
// argument it hands the stack and every answer checked. The first misbehaviour (a throw, a wrong
// answer, a bad argument to send or setPathState, a hook past its budget, a path check that never
// calls done) disables it at once: that call gets the built-in answer (onError an A/A reading of the
// failure; checkPaths and activate end with the path states as they were), and the supervisor moves
// its devices to the SATP their rules give them without it. NMP never learns that this SATP is not a
// built-in one.
//
// What an SATP may do through its device: send management commands (6, 10, 12 or 16-byte CDBs, at
// most 4 KiB of data-out, never a command that writes the LUN's blocks, at most 64 in flight per
// device) down the device's own paths, and set a path's state (active, standby, dead or unknown;
// 'disabled' belongs to the administrator) and its ALUA state (checks.ts, shared with the MPP).
// Only while one of its hooks runs: send, setPathState or done called from anywhere else (a
// promise callback) is a fault, and does nothing.

import type { AluaState, CommandOutcome, ErrorAction, Io, PassthroughResult, Path, PathState, SatpDevice, SatpModule } from '../plugin-api';
import { activeActiveError } from '../nmp/satp/default-aa';
import { isPassive, isSense, isTransitioning, Key } from '../nmp/satp/sense';
import type { PathImpl } from '../psa/path';
import type { Clock, TimerTarget } from '../sim/clock';
import { describeValue, pathStateProblem, readCdb, readDataOut } from './checks';
import { PluginViolation } from './guard';
import type { Installed, PluginContext, Supervisor } from './supervisor';
import { deviceView, IoView, pathOf } from './views';

/** Virtual time a path check or activation may go with nothing of its own in flight before calling done. */
const DONE_WITHIN_US = 2_000_000;
/** However busy its commands keep it, a path check or activation ends within this. */
const DONE_AT_MOST_US = 120_000_000;
/** Commands an SATP may have in flight on one device: a check needs one per path. */
const MAX_IN_FLIGHT = 64;
/** Longest "Storage Array Type Device Config" string esxcli shows. */
const MAX_DESCRIBE = 1000;

const ACTIONS: readonly unknown[] = ['retry', 'failover', 'fail'];

/**
 * What NMP does with a failed command when the learner's onError gives no usable answer: the A/A
 * reading, plus the answers in which an ALUA or A/P array says "not through this path" (standby,
 * unavailable, passive: fail over) or "not yet" (transitioning: retry), so that no command a path
 * state explains is failed back to the VM.
 */
function builtinError(o: CommandOutcome): ErrorAction {
  if (isTransitioning(o)) return 'retry';
  if (isSense(o, Key.NOT_READY, 0x04, 0x0b) || isSense(o, Key.NOT_READY, 0x04, 0x0c) || isPassive(o)) return 'failover';
  return activeActiveError(o);
}

/** What the stack keeps of one device of this SATP (keyed by NMP's view, new with each setSatp). */
interface DeviceRecord {
  /** What the learner sees of the device. */
  view: SatpDevice;
  /** Commands it sent down the device's paths, not yet answered. */
  inFlight: number;
  /** Virtual time of the last answer to one of them. */
  lastAnswerAt: number;
}

/** A checkPaths or activate that has not called done yet. */
interface PendingCall {
  readonly hook: 'checkPaths' | 'activate';
  readonly device: SatpDevice;
  readonly done: () => void;
  readonly startedAt: number;
  readonly watchdog: TimerTarget;
  finished: boolean;
}

type Hook<A extends unknown[], R> = (...args: A) => R;

export class SupervisedSatp implements SatpModule {
  readonly name: string;
  readonly description: string;
  readonly defaultPsp: string;
  /** Only when the learner wrote one: without it NMP does not call activate (as for a built-in). */
  readonly activate?: (device: SatpDevice, done: () => void) => void;
  /** Only when the learner wrote one: without it esxcli says the SATP has no device configuration. */
  readonly describe?: (device: SatpDevice) => string;
  /** Set on the first fault (or when a new version replaces this one): no learner code runs again. */
  disabled = false;
  /** The hook running now (e.g. "checkPaths (send callback)") and the hook it serves ("checkPaths"). */
  private current = '';
  private base = '';
  /** Calls of this SATP's hooks under way (nested: a hook may run inside another's stack call). */
  private running = 0;
  private readonly io = new IoView();
  private readonly devices = new WeakMap<SatpDevice, DeviceRecord>();
  private readonly pending = new Set<PendingCall>();

  constructor(
    /** The learner's module, `this` of its hooks. */
    private readonly module: object,
    /** Its hooks, read once under the guard when it loaded (a getter cannot run later). */
    private readonly hooks: SatpModule,
    private readonly supervisor: Supervisor,
    /** The file it came from, for messages. */
    readonly file: string,
    private readonly clock: Clock,
    /** Whether NMP still has a device behind `view` served by `satp` (a watchdog of a gone device is moot). */
    private readonly serves: (view: SatpDevice, satp: SatpModule) => boolean,
  ) {
    this.name = hooks.name;
    this.description = hooks.description ?? `${hooks.name} (loaded from ${file})`;
    this.defaultPsp = hooks.defaultPsp;
    const activate = hooks.activate;
    if (activate) this.activate = (device, done) => this.untilDone('activate', device, done, activate);
    const describeDevice = hooks.describe;
    if (describeDevice) this.describe = (device) => this.describeWith(describeDevice, device);
  }

  init(device: SatpDevice): void {
    const init = this.hooks.init;
    if (init && !this.disabled) this.run('init', 'init', () => Reflect.apply(init, this.module, [this.record(device).view]), undefined);
  }

  onError(io: Io, path: Path, outcome: CommandOutcome, device: SatpDevice): ErrorAction {
    if (this.disabled) return builtinError(outcome);
    const view = this.supervisor.views.of(path as PathImpl);
    const learner = this.record(device).view;
    const seen = Object.freeze({ ...outcome }); // its own copy: NMP's is not the learner's to change
    const answer = this.run('onError', 'onError', () => Reflect.apply(this.hooks.onError, this.module, [this.io.fill(io), view, seen, learner]), undefined);
    if (this.disabled) return builtinError(outcome);
    if (ACTIONS.includes(answer)) return answer as ErrorAction;
    this.fault(new PluginViolation('bad-return', this.name, 'onError', undefined,
      `${this.name}: onError returned ${describeValue(answer)}, not 'retry', 'failover' or 'fail'`));
    return builtinError(outcome);
  }

  checkPaths(device: SatpDevice, done: () => void): void {
    this.untilDone('checkPaths', device, done, this.hooks.checkPaths);
  }

  /** A disabled or replaced version ends everything it still owes NMP. */
  retire(): void {
    this.disabled = true;
    this.flush();
  }

  // ---- checkPaths and activate: calls that end when the learner calls done ----

  private untilDone(hook: 'checkPaths' | 'activate', device: SatpDevice, done: () => void, fn: Hook<[SatpDevice, () => void], void>): void {
    if (this.disabled) return done();
    const call: PendingCall = {
      hook, device, done, startedAt: this.clock.now, finished: false,
      watchdog: { onTimer: () => this.watch(call) },
    };
    this.pending.add(call);
    this.clock.after(DONE_WITHIN_US, call.watchdog);
    const learnerDone = () => this.learnerDone(call);
    this.run(hook, hook, () => Reflect.apply(fn, this.module, [this.record(device).view, learnerDone]), undefined);
    // Its fault ended the call: the path states stay as they were, NMP goes on at once.
    if (this.disabled) this.finish(call);
  }

  /**
   * The learner's done. NMP goes on from the clock, not inside the learner's hook: its work does not
   * count against the SATP's budget, and a try/catch of the learner's cannot swallow its errors.
   */
  private learnerDone(call: PendingCall): void {
    if (this.disabled || !this.inHook('done')) return; // a disabled SATP's calls end by themselves
    if (call.finished) return; // a second call is a no-op
    call.finished = true;
    this.pending.delete(call);
    this.clock.after(0, { onTimer: () => call.done() });
  }

  private finish(call: PendingCall): void {
    if (call.finished) return;
    call.finished = true;
    this.pending.delete(call);
    call.done();
  }

  /** Ends every call NMP still waits for (after a fault, from the clock; or when replaced). */
  private flush(): void {
    for (const call of [...this.pending]) this.finish(call);
  }

  /**
   * The watchdog of one call. Time spent waiting for the array does not count (a command may take
   * up to the command timeout, as for a built-in SATP); time with nothing in flight does.
   */
  private watch(call: PendingCall): void {
    if (call.finished || this.disabled) return;
    if (!this.serves(call.device, this)) {
      // The device is gone (unclaimed) or serves another SATP: nobody waits for this call.
      call.finished = true;
      this.pending.delete(call);
      return;
    }
    const record = this.record(call.device);
    const now = this.clock.now;
    const quietSince = Math.max(call.startedAt, record.lastAnswerAt);
    let problem: string | undefined;
    if (now - call.startedAt >= DONE_AT_MOST_US) problem = `did not call done within ${DONE_AT_MOST_US / 1e6} s (its commands kept it busy)`;
    else if (record.inFlight === 0 && now - quietSince >= DONE_WITHIN_US) problem = `did not call done within ${DONE_WITHIN_US / 1e6} s`;
    if (problem === undefined) {
      const next = record.inFlight > 0 ? now + DONE_WITHIN_US : quietSince + DONE_WITHIN_US;
      this.clock.at(Math.min(next, call.startedAt + DONE_AT_MOST_US), call.watchdog);
      return;
    }
    this.fault(new PluginViolation('timeout', this.name, call.hook, undefined, `${this.name}: ${call.hook} ${problem}`));
    this.finish(call);
  }

  // ---- describe ----

  private describeWith(fn: Hook<[SatpDevice], string>, device: SatpDevice): string {
    if (this.disabled) return '';
    const text: unknown = this.run('describe', 'describe', () => Reflect.apply(fn, this.module, [this.record(device).view]), '');
    if (this.disabled) return '';
    if (typeof text !== 'string') {
      this.fault(new PluginViolation('bad-return', this.name, 'describe', undefined, `${this.name}: describe returned ${describeValue(text)}, not a string`));
      return '';
    }
    return text.length > MAX_DESCRIBE ? `${text.slice(0, MAX_DESCRIBE)}...` : text;
  }

  // ---- the learner's device: send and setPathState, checked ----

  /** The learner's view of a device (one per NMP view: its scratch state lives as long as the SATP serves the device). */
  private record(device: SatpDevice): DeviceRecord {
    let record = this.devices.get(device);
    if (!record) {
      const made: DeviceRecord = { view: undefined as unknown as SatpDevice, inFlight: 0, lastAnswerAt: -Infinity };
      made.view = deviceView<SatpDevice>(device, this.supervisor.views, () => ({
        send: (path: Path, cdb: readonly number[], done: (result: PassthroughResult) => void, dataOut?: Uint8Array) =>
          this.send(device, made, new Error(), path, cdb, done, dataOut),
        setPathState: (path: Path, state: PathState, alua?: AluaState) => this.setPathState(device, new Error(), path, state, alua),
      }));
      this.devices.set(device, made);
      record = made;
    }
    return record;
  }

  /** `at` is made in the learner's call, so its stack names the learner's line. */
  private send(
    device: SatpDevice, record: DeviceRecord, at: Error, path: Path, cdb: readonly number[],
    done: (result: PassthroughResult) => void, dataOut: Uint8Array | undefined,
  ): void {
    if (this.disabled) return; // the rest of a hook that faulted further in: nothing more reaches the array
    if (!this.inHook('device.send')) return;
    const target = this.ownPath(device, at, path, 'sent a command down');
    const read = readCdb(cdb);
    if ('problem' in read) throw this.misuse(at, `gave send ${read.problem}`);
    let data: Uint8Array | undefined;
    if (dataOut !== undefined) {
      const copy = readDataOut(dataOut);
      if ('problem' in copy) throw this.misuse(at, `gave send ${copy.problem}`);
      data = copy.data;
    }
    if (typeof done !== 'function') throw this.misuse(at, `gave send ${describeValue(done)} as done, not a function`);
    if (record.inFlight >= MAX_IN_FLIGHT) throw this.misuse(at, `had more than ${MAX_IN_FLIGHT} commands in flight on ${device.id}`);
    const base = this.base;
    record.inFlight++;
    device.send(target, read.cdb, (r) => {
      record.inFlight--;
      record.lastAnswerAt = this.clock.now;
      if (this.disabled) return;
      const result: PassthroughResult = Object.freeze({ host: r.host, status: r.status, senseKey: r.senseKey, asc: r.asc, ascq: r.ascq, data: r.data });
      this.run(`${base} (send callback)`, base, () => Reflect.apply(done, undefined, [result]), undefined);
      // A fault in the callback ends the check it belongs to now, as a fault in the hook would.
      if (this.disabled) for (const call of [...this.pending]) if (call.device === device) this.finish(call);
    }, data);
  }

  private setPathState(device: SatpDevice, at: Error, path: Path, state: PathState, alua: AluaState | undefined): void {
    if (this.disabled || !this.inHook('device.setPathState')) return;
    const target = this.ownPath(device, at, path, 'set the state of');
    const problem = pathStateProblem(target.name, state, alua);
    if (problem !== undefined) throw this.misuse(at, problem);
    device.setPathState(target, state, alua);
  }

  private ownPath(device: SatpDevice, at: Error, path: Path, what: string): PathImpl {
    const impl = pathOf(path);
    if (impl && (device.paths as readonly PathImpl[]).includes(impl)) return impl;
    // A path of this LUN that a rescan removed while the SATP's check of it was out: no misuse of
    // the SATP's (the framework then drops a state change, and a command fails as on a dead path).
    if (impl && impl.identity.deviceId === device.id) return impl;
    throw this.misuse(at, impl ? `${what} ${impl.name}, which is not a path of ${device.id}` : `${what} ${describeValue(path)}, which is not one of the device's paths`);
  }

  /**
   * Whether one of this SATP's hooks runs now. The stack's functions it was handed (send,
   * setPathState, done) work only then: called from anywhere else (a promise callback, where the
   * guard sees none of the plugin's code when the function itself is the callback) they do nothing,
   * and the SATP is disabled.
   */
  private inHook(what: string): boolean {
    if (this.running > 0) return true;
    this.fault(new PluginViolation('outside-hook', this.name, '', undefined,
      `${this.name}: ${what} was called outside a hook (from a promise callback or a timer) and did nothing; the stack's functions work only while a hook runs`));
    return false;
  }

  /** A bad argument: the plugin is disabled at once (it might catch the throw), and the throw ends the hook. */
  private misuse(at: Error, text: string): PluginViolation {
    const hook = this.current || 'a callback';
    const violation = new PluginViolation('bad-return', this.name, hook, this.lineOf(at, hook), `${this.name}: ${hook} ${text}`);
    this.fault(violation);
    return violation;
  }

  /** The learner's line in `at`'s stack: the guard knows the plugin's sources and reads it from a throw. */
  private lineOf(at: Error, hook: string): number | undefined {
    try {
      this.supervisor.guard.call(this.name, hook, () => {
        throw at;
      });
    } catch (e) {
      if (e instanceof PluginViolation) return e.line;
    }
    return undefined;
  }

  // ---- running learner code ----

  /** Runs learner code as `hook` (serving `base`); a violation disables the plugin and `fallback` is the answer. */
  private run<T>(hook: string, base: string, call: () => T, fallback: T): T {
    const [outerHook, outerBase] = [this.current, this.base];
    this.current = hook;
    this.base = base;
    this.running++;
    try {
      return this.supervisor.guard.call(this.name, hook, call);
    } catch (e) {
      this.fault(e instanceof PluginViolation ? e : new PluginViolation('throw', this.name, hook, undefined, `${this.name}: ${hook} failed: ${String(e)}`));
      return fallback;
    } finally {
      this.running--;
      this.current = outerHook;
      this.base = outerBase;
    }
  }

  private fault(violation: PluginViolation): void {
    if (this.disabled) return;
    this.disabled = true;
    // Checks of other devices still waiting on this SATP end from the clock, not inside this hook.
    this.clock.after(0, { onTimer: () => this.flush() });
    // The manager registered this version before installing it: a fault during the install is its own.
    this.supervisor.fault(this.name, violation);
  }
}

/**
 * Installs a learner's SATP in NMP, beside the built-in ones, where SATP rules can name it. A new
 * version of an SATP in use takes over its devices at once: each gets fresh SATP state, the new
 * version's init and a path evaluation; the old version ends what it still owed NMP and runs no more.
 */
export function installSatp(ctx: PluginContext, hooks: SatpModule, previous: Installed | undefined): Installed {
  const nmp = ctx.host.nmp;
  const users = (which: SatpModule) => nmp.devices.filter((d) => d.satp === which);
  const serves = (view: SatpDevice, which: SatpModule) => nmp.devices.some((d) => d.satpView === view && d.satp === which);
  const satp = new SupervisedSatp(ctx.module, hooks, ctx.supervisor, ctx.file, ctx.host.clock, serves);
  if (!nmp.psps.has(satp.defaultPsp)) {
    ctx.host.log(`plugin: ${satp.name}: defaultPsp ${satp.defaultPsp} is not loaded; its devices get VMW_PSP_FIXED until it is`);
  }
  const old = previous ? nmp.satps.get(satp.name) : undefined;
  const swapped = old ? users(old) : [];
  if (old instanceof SupervisedSatp) old.retire();
  nmp.satps.set(satp.name, satp);
  for (const device of swapped) nmp.setDeviceSatp(device, satp, device.satpRule);
  const unregister = () => {
    // A newer version may have taken the name since: leave that one alone.
    if (nmp.satps.get(satp.name) === satp) nmp.satps.delete(satp.name);
  };
  return {
    role: 'satp',
    inUse: () => users(satp).map((d) => d.logical.id),
    fallBack() {
      satp.retire();
      unregister();
      for (const device of users(satp)) nmp.reselectSatp(device);
    },
    remove() {
      satp.retire();
      unregister();
    },
  };
}
