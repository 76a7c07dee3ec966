// The learner's side of an MPP: each of its hooks called through the guard, each answer checked,
// and the first misbehaviour recorded. The adapter (learner-mpp.ts) never calls the learner's code
// but through here, so "disabled" means one thing: nothing here calls it again. A hook that gives
// no usable answer returns undefined, and the adapter decides by itself. What the adapter hands the
// learner (device.send, device.setPathState, taskManagement's done) works only while one of its hooks
// runs: inHook says so, and faults the plugin when it is called from anywhere else.

import type { ClaimedPath, CommandOutcome, ErrorAction, MppModule } from '../plugin-api';
import type { IoRequest } from '../psa/io-request';
import type { PathImpl } from '../psa/path';
import { PluginViolation } from './guard';
import { describeValue } from './checks';
import { describeOutcome, GOOD, isAction } from './learner-mpp-checks';
import type { LearnerMppDevice } from './learner-mpp-device';
import type { Supervisor } from './supervisor';
import { IoView, pathOf, type PathViews } from './views';

export class LearnerCode {
  /** Set on the first fault, or when stopped: the learner's code is not called again. */
  disabled = false;
  /** Told of the first fault (the adapter stops waiting for the learner). */
  onFault: () => void = () => {};
  private readonly io = new IoView();
  /** Set on the first fault (stop() only disables: a swap that failed may resume). */
  private faulted = false;
  /** Calls of the learner's hooks under way (nested: a hook may run inside another's stack call). */
  private running = 0;
  /** A misuse of send or setPathState inside the running hook: at fault even if the hook caught it. */
  private misused: TypeError | undefined;

  constructor(
    readonly name: string,
    /** The learner's module, `this` of its hooks. */
    private readonly module: object,
    /** Its hooks, read once under the guard when it loaded (a getter cannot run later). */
    private readonly hooks: MppModule,
    private readonly supervisor: Supervisor,
    private readonly views: PathViews,
  ) {}

  /** Take (true) or leave (false) a path; false too when the plugin is off or answers anything else. */
  claimPath(path: PathImpl, view: ClaimedPath): boolean {
    if (this.disabled) return false;
    const answer = this.run('claimPath', () => this.hooks.claimPath.call(this.module, view), false);
    if (this.disabled || typeof answer === 'boolean') return answer === true && !this.disabled;
    this.fault(this.badReturn('claimPath', `returned ${describeValue(answer)} for ${path.name}, not true (take it) or false (leave it)`));
    return false;
  }

  openDevice(device: LearnerMppDevice): void {
    const open = this.hooks.openDevice;
    if (open && !this.disabled) this.run('openDevice', () => open.call(this.module, device.view), undefined);
  }

  closeDevice(device: LearnerMppDevice): void {
    const close = this.hooks.closeDevice;
    if (close && !this.disabled) this.run('closeDevice', () => close.call(this.module, device.view), undefined);
  }

  pathStateChanged(device: LearnerMppDevice, path: PathImpl): void {
    const changed = this.hooks.pathStateChanged;
    if (changed && !this.disabled) this.run('pathStateChanged', () => changed.call(this.module, this.views.of(path), device.view), undefined);
  }

  /** The path the learner picks among `usable`; undefined when it is off or picked anything else. */
  startCommand(io: IoRequest, usable: PathImpl[], device: LearnerMppDevice): PathImpl | undefined {
    if (this.disabled) return undefined;
    const views = this.views.list(usable);
    const chosen = this.run('startCommand', () => this.hooks.startCommand.call(this.module, this.io.fill(io), views, device.view), undefined);
    if (this.disabled) return undefined;
    const path = pathOf(chosen);
    if (path && usable.includes(path)) return path;
    this.fault(this.badReturn('startCommand', `returned ${whatPath(chosen, device)}`));
    return undefined;
  }

  /** A good command, told to the learner; its answer is ignored (there is nothing to decide). */
  commandGood(io: IoRequest, path: PathImpl, device: LearnerMppDevice): void {
    const done = this.hooks.commandDone;
    if (done && !this.disabled) this.run('commandDone', () => done.call(this.module, this.io.fill(io), this.views.of(path), GOOD, device.view), undefined);
  }

  /** The learner's decision on a failed command; undefined when it has no commandDone, is off or answered wrong. */
  commandFailed(io: IoRequest, path: PathImpl, outcome: CommandOutcome, device: LearnerMppDevice): ErrorAction | undefined {
    const done = this.hooks.commandDone;
    if (!done || this.disabled) return undefined;
    const answer = this.run('commandDone', () => done.call(this.module, this.io.fill(io), this.views.of(path), outcome, device.view), undefined);
    if (this.disabled) return undefined;
    if (isAction(answer)) return answer;
    this.fault(this.badReturn('commandDone', `returned ${describeValue(answer)} for a failed command (${describeOutcome(outcome)}), not 'retry', 'failover' or 'fail'`));
    return undefined;
  }

  get hasTaskManagement(): boolean {
    return this.hooks.taskManagement !== undefined && !this.disabled;
  }

  taskManagement(kind: 'abort' | 'lun-reset', device: LearnerMppDevice, done: () => void): void {
    const hook = this.hooks.taskManagement;
    if (hook && !this.disabled) this.run('taskManagement', () => hook.call(this.module, kind, device.view, done), undefined);
  }

  /** The done callback the learner gave device.send. */
  sendCallback(callback: (result: unknown) => void, result: unknown): void {
    if (!this.disabled) this.run('send callback', () => callback.call(undefined, result), undefined);
  }

  /**
   * A bad argument from the learner (to send or setPathState): thrown into its hook as a TypeError,
   * so the guard names the hook and the line of the call; remembered, so a hook that catches it is
   * still at fault.
   */
  misuse(message: string): never {
    const error = new TypeError(message);
    this.misused ??= error;
    throw error;
  }

  /** A hook that did not call its done in time (the adapter keeps the clock). */
  timedOut(hook: string, message: string): void {
    this.fault(new PluginViolation('timeout', this.name, hook, undefined, `${this.name}: ${hook} ${message}`));
  }

  /**
   * Whether one of the learner's hooks runs now (`what`, a function the adapter handed it, was just
   * called). Called from anywhere else (a promise callback, where the guard sees none of the
   * learner's code when the function itself is the callback) it must do nothing: the plugin is
   * disabled, and false returned.
   */
  inHook(what: string): boolean {
    if (this.running > 0) return true;
    this.fault(new PluginViolation('outside-hook', this.name, '', undefined,
      `${this.name}: ${what} was called outside a hook (from a promise callback or a timer) and did nothing; the stack's functions work only while a hook runs`));
    return false;
  }

  /** Off without a fault (the plugin was replaced or unloaded). */
  stop(): void {
    this.disabled = true;
  }

  /** On again after stop() (the swap to a new version failed), unless it faulted meanwhile. */
  resume(): void {
    if (!this.faulted) this.disabled = false;
  }

  /** Runs one hook under the guard; a violation disables the plugin and `fallback` is the answer. */
  private run<T>(hook: string, call: () => T, fallback: T): T {
    const outer = this.misused;
    this.misused = undefined;
    this.running++;
    try {
      const value = this.supervisor.guard.call(this.name, hook, call);
      const misused = this.misused as TypeError | undefined;
      if (!misused) return value;
      this.fault(new PluginViolation('throw', this.name, hook, undefined, `${this.name}: ${hook} caught its own misuse and went on: ${misused.message}`));
      return fallback;
    } catch (e) {
      this.fault(e instanceof PluginViolation ? e : new PluginViolation('throw', this.name, hook, undefined, `${this.name}: ${hook} failed: ${String(e)}`));
      return fallback;
    } finally {
      this.running--;
      this.misused = outer;
    }
  }

  private badReturn(hook: string, what: string): PluginViolation {
    return new PluginViolation('bad-return', this.name, hook, undefined, `${this.name}: ${hook} ${what}`);
  }

  private fault(violation: PluginViolation): void {
    if (this.disabled) return;
    this.disabled = true;
    this.faulted = true;
    this.onFault();
    // The manager registered this version before installing it: a fault during the install is its own.
    this.supervisor.fault(this.name, violation);
  }
}

/** Why a value startCommand returned is not one of the usable paths it was given. */
function whatPath(value: unknown, device: LearnerMppDevice): string {
  const path = pathOf(value);
  const id = device.logical.id;
  if (!path) return `${describeValue(value)}, which is not one of the paths it was given`;
  if (path.identity.deviceId !== id) return `${path.name}, a path of ${path.identity.deviceId}, not one of the usable paths of ${id} it was given`;
  if (!device.paths.includes(path)) return `${path.name}, which is not one of its paths of ${id} (it belongs to ${path.owner ?? 'no plugin'})`;
  return `${path.name}, which is ${path.state}, not usable`;
}
