// A learner's whole multipathing plugin (MPP), run by the PSA beside NMP. This adapter is the
// framework's half: the claim protocol, devices built from the claimed paths, every command routed
// by the learner's startCommand and every failure decided by its commandDone, lost paths marked
// dead and re-checked with TEST UNIT READY, commands parked while no path is usable.
//
// The learner's code is untrusted: it runs only through the guard, and its answers are checked. The
// first misbehaviour disables it; from then on the adapter routes by itself (round robin over the
// usable paths) until the supervisor's fallBack, which evicts it from the PSA and runs the claim
// rules again, so the next rule (NMP's catch-all) claims its paths. Commands it still holds then go
// to the devices' new owner; none is left hanging, no acknowledged write is lost.

import type { Host } from '../host';
import type { ErrorAction, MppModule, Path } from '../plugin-api';
import { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import type { Mpp } from '../psa/mpp';
import type { PathImpl } from '../psa/path';
import type { Psa } from '../psa/psa';
import { HostStatus } from '../scsi/status';
import type { TimerTarget } from '../sim/clock';
import { describeValue, pathStateProblem, readCdb, readDataOut } from './checks';
import { builtInAction, describeOutcome, isGoodIo, isPathLoss, outcomeOf } from './learner-mpp-checks';
import { LearnerCode } from './learner-mpp-code';
import { claimedView, LearnerMppDevice, type DeviceOwner } from './learner-mpp-device';
import type { Installed, PluginContext } from './supervisor';
import { pathOf, type PathViews } from './views';

/** A retry waits 2 ms, doubling per attempt up to 100 ms (as NMP). */
const RETRY_DELAY_US = 2_000;
const MAX_RETRY_DELAY_US = 100_000;
/** Paths one command may try before it fails: a fault every path shares cannot bounce it forever. */
const MAX_FAILOVERS = 64;
/** While commands are parked, paths are re-checked (and parked commands timed out) this often. */
const PARKED_POLL_US = 1_000_000;
/** The learner's taskManagement must call done within this much virtual time. */
const TASK_TIMEOUT_US = 5_000_000;
/** Commands a plugin may have sent with device.send and not yet seen answered, per device. */
const MAX_SENDS = 64;
const TEST_UNIT_READY = [0, 0, 0, 0, 0, 0] as const;

/** The adapter's timers (the low 2 bits of a timer's argument). */
const TIMER_POLL = 0;
const TIMER_RECLAIM = 1;
/** A device's timers. */
const DEVICE_REDRIVE = 0;
const DEVICE_TASK = 1;

/** What the adapter keeps on a command (in its pluginState; requests are pooled and reused). */
interface Routing {
  /** The plugin responsible for the command now: this adapter, or the new owner it went to. */
  lmppRoute?: Mpp;
  /** Virtual time it was parked. */
  lmppParkedAt?: number;
}
const routing = (io: IoRequest) => io.pluginState as Routing;

class LearnerMpp implements Mpp, TimerTarget, DeviceOwner {
  readonly name: string;
  readonly pluginClass = 'MP' as const;
  /** The learner's hooks, each called through the guard and its answer checked. */
  readonly learner: LearnerCode;
  /** Evicted from the PSA (fallen back, replaced or unloaded): it owns no path or device any more. */
  retired = false;
  private readonly host: Host;
  private readonly psa: Psa;
  private readonly views: PathViews;
  private claimed: PathImpl[] = [];
  private readonly devices = new Map<string, LearnerMppDevice>();
  private readonly byPath = new Map<PathImpl, LearnerMppDevice>();
  private pollAt = Infinity;
  private pollGen = 0;
  private reclaimPending = false;

  constructor(ctx: PluginContext, hooks: MppModule) {
    this.name = hooks.name;
    this.host = ctx.host;
    this.psa = ctx.host.psa;
    this.views = ctx.supervisor.views;
    this.learner = new LearnerCode(hooks.name, ctx.module, hooks, ctx.supervisor, this.views);
    // Nothing waits for a learner that will not be called again.
    this.learner.onFault = () => {
      for (const device of this.devices.values()) {
        device.taskPending = false;
        this.redriveSoon(device);
      }
    };
  }

  /** The learner's code is off (a fault, or it was replaced): the adapter decides alone. */
  get disabled(): boolean {
    return this.learner.disabled;
  }

  // ---- the claim protocol ----

  startClaiming(): void {
    this.claimed = [];
  }

  claimPath(path: PathImpl): boolean {
    if (this.disabled || this.retired) return false;
    // One device, one owner: a path to a device another plugin built goes on to the next rule.
    const existing = this.psa.devices.get(path.identity.deviceId);
    if (existing && existing.owner !== this) return false;
    const taken = this.learner.claimPath(path, claimedView(path));
    if (taken) this.claimed.push(path);
    return taken;
  }

  endClaiming(): void {
    const claimed = this.claimed;
    this.claimed = [];
    const byDevice = new Map<string, PathImpl[]>();
    for (const path of claimed) {
      const id = path.identity.deviceId;
      byDevice.set(id, [...(byDevice.get(id) ?? []), path]);
    }
    const opened: LearnerMppDevice[] = [];
    const added: [LearnerMppDevice, PathImpl][] = [];
    const refused: PathImpl[] = [];
    for (const [id, paths] of byDevice) {
      let device = this.devices.get(id);
      const fresh = device === undefined;
      if (!device) {
        const logical = new LogicalDevice(this, paths[0].identity, paths[0].lun, {
          queueDepth: this.psa.settings.deviceQueueDepth,
          schedNumReqOutstanding: this.psa.settings.schedNumReqOutstanding,
        });
        // Another plugin claimed paths to the same device in this pass and built it first.
        if (!this.psa.addDevice(logical)) {
          refused.push(...paths);
          continue;
        }
        device = new LearnerMppDevice(logical, this, this.views);
        this.devices.set(id, device);
      }
      for (const path of paths) {
        device.logical.paths.push(path);
        device.logical.learnCapacity(path.identity);
        this.byPath.set(path, device);
        if (!fresh) added.push([device, path]);
      }
      device.logical.paths.sort((a, b) => a.adapterRef.number - b.adapterRef.number || a.targetNumber - b.targetNumber);
      device.invalidate();
      if (fresh) opened.push(device);
    }
    if (refused.length > 0) {
      // Given back, and offered again at once: this adapter leaves them to the device's owner then.
      this.psa.releasePaths(refused);
      this.log(`${refused.map((p) => p.name).join(', ')}: their device belongs to another plugin; the paths go to the next claim rule`);
      this.reclaimSoon();
    }
    for (const device of opened) {
      this.log(`device ${device.logical.id} opened with ${device.paths.length} path(s): ${device.paths.map((p) => p.name).join(', ')}`);
      this.learner.openDevice(device);
    }
    for (const [device, path] of added) this.learner.pathStateChanged(device, path);
  }

  unclaimPath(path: PathImpl): boolean {
    const device = this.byPath.get(path);
    if (device && device.logical.openCount > 0) return false; // the device is busy
    this.detach(path);
    return true;
  }

  pathRemoved(path: PathImpl): void {
    this.detach(path);
  }

  /** Takes a path out of its device; a device left with no path and no user closes. */
  private detach(path: PathImpl): void {
    const device = this.byPath.get(path);
    if (!device) return;
    this.byPath.delete(path);
    device.checking.delete(path);
    const paths = device.logical.paths;
    paths.splice(paths.indexOf(path), 1);
    device.invalidate();
    if (paths.length === 0 && device.logical.openCount === 0) this.closeDevice(device);
  }

  private closeDevice(device: LearnerMppDevice): void {
    this.devices.delete(device.logical.id);
    // The PSA removes by id: never another plugin's device of the same LUN (see stepAside).
    if (this.psa.devices.get(device.logical.id) === device.logical) this.psa.removeDevice(device.logical);
    this.log(`device ${device.logical.id} closed`);
    this.learner.closeDevice(device);
    for (const io of device.parked.splice(0)) this.handOver(io);
  }

  // ---- the I/O path ----

  start(io: IoRequest): void {
    const device = this.retired ? undefined : this.devices.get(io.device.id);
    if (!device) return this.handOver(io);
    const r = routing(io);
    r.lmppRoute = this;
    r.lmppParkedAt = undefined;
    this.route(device, io);
  }

  /** Sends the command down the path the learner picks, or parks it when none is usable. */
  private route(device: LearnerMppDevice, io: IoRequest): void {
    const usable = device.usablePaths();
    if (usable.length === 0 || device.taskPending) return this.park(device, io);
    // Without a usable answer from the learner, the framework's own rotation picks.
    const path = this.learner.startCommand(io, usable, device) ?? usable[device.rotation++ % usable.length];
    routing(io).lmppParkedAt = undefined;
    this.psa.io.issue(io, path);
  }

  completed(io: IoRequest): void {
    const route = routing(io).lmppRoute;
    if (route !== undefined && route !== this) return route.completed(io); // it went to the new owner
    const path = io.path!;
    const device = this.retired ? undefined : this.devices.get(io.device.id);
    if (isGoodIo(io)) {
      if (device) this.learner.commandGood(io, path, device);
      return this.psa.io.completeToIssuer(io, false);
    }
    if (!device) return this.handOver(io);
    const outcome = outcomeOf(io);
    this.log(`${device.logical.id} cmd 0x${io.cmd.cdb[0].toString(16)} on ${path.name}: ${describeOutcome(outcome)}`);
    if (isPathLoss(outcome) && this.byPath.get(path) === device) this.setDead(device, path);
    let action: ErrorAction = this.learner.commandFailed(io, path, outcome, device) ?? builtInAction(outcome);
    // Retries on one path are bounded by time, failovers by count.
    if (action === 'retry' && this.host.clock.now - io.dispatchedAt >= this.psa.settings.commandTimeoutUs) action = 'fail';
    if (action === 'failover' && io.attempts >= MAX_FAILOVERS) action = 'fail';
    if (action === 'retry') return this.psa.io.resendLater(io, Math.min(RETRY_DELAY_US << Math.min(io.attempts, 6), MAX_RETRY_DELAY_US));
    if (action === 'fail') {
      // A disabled plugin fails nothing it can hand on: parked, the command goes to the new owner
      // at the fallback (within the same bound on attempts).
      if (this.disabled && io.attempts < MAX_FAILOVERS) return this.park(device, io);
      return this.psa.io.completeToIssuer(io, true);
    }
    this.route(device, io);
  }

  /**
   * The command is not this adapter's to finish (it was evicted, or the device closed): the device's
   * new owner gets it; only when there is none does it fail back to its issuer.
   */
  private handOver(io: IoRequest): void {
    const heir = this.psa.devices.get(io.device.id)?.owner;
    if (!heir || heir === this) {
      routing(io).lmppRoute = undefined;
      this.log(`${io.device.id}: no plugin owns the device now; command ${io.serial} fails back to its issuer`);
      return this.psa.io.failSoon(io);
    }
    routing(io).lmppRoute = heir;
    heir.start(io);
  }

  private park(device: LearnerMppDevice, io: IoRequest): void {
    // From the first parking on: a re-drive that finds no path does not restart the wait.
    routing(io).lmppParkedAt ??= this.host.clock.now;
    device.parked.push(io);
    this.armPoll(PARKED_POLL_US);
  }

  /** Parked commands go out again (a path came back, a LUN reset was dealt with). */
  private redrive(device: LearnerMppDevice): void {
    if (device.taskPending || this.retired) return;
    for (const io of device.parked.splice(0)) this.route(device, io);
  }

  /** Re-drives from the clock, never inside the learner's hook that made a path usable. */
  private redriveSoon(device: LearnerMppDevice): void {
    if (device.redrivePending || device.parked.length === 0) return;
    device.redrivePending = true;
    this.host.clock.after(0, device.timers, DEVICE_REDRIVE);
  }

  // ---- path states ----

  private setDead(device: LearnerMppDevice, path: PathImpl): void {
    if (path.state === 'dead' || path.state === 'disabled') return;
    path.state = 'dead';
    this.log(`path ${path.name} is dead`);
    this.learner.pathStateChanged(device, path);
    this.armPoll(this.pathEvalUs());
  }

  /** The fabric changed (an RSCN, a rescan): every path is checked again. */
  pathsChanged(): void {
    if (this.retired) return;
    for (const device of this.devices.values()) this.check(device);
  }

  /**
   * The framework's path check: TEST UNIT READY down every path the learner has not set aside
   * (standby) and the administrator has not disabled. A path that answers is active, one that does
   * not is dead; parked commands go out again once every answer is in.
   */
  private check(device: LearnerMppDevice): void {
    for (const path of device.paths) {
      if (path.state === 'disabled' || path.state === 'standby' || device.checking.has(path)) continue;
      device.checking.add(path);
      this.psa.io.sendPassthrough(path, TEST_UNIT_READY, (io) => this.checked(device, path, io.cmd.hostStatus));
    }
    if (device.checking.size === 0) this.redriveSoon(device);
  }

  private checked(device: LearnerMppDevice, path: PathImpl, hostStatus: number): void {
    if (!device.checking.delete(path) || this.retired || this.byPath.get(path) !== device) return;
    if (path.state !== 'disabled' && path.state !== 'standby') {
      if (hostStatus === HostStatus.OK && path.state !== 'active') {
        path.state = 'active';
        this.log(`path ${path.name} answers again: active`);
        this.learner.pathStateChanged(device, path);
      } else if (hostStatus !== HostStatus.OK) {
        this.setDead(device, path);
      }
    }
    if (device.checking.size === 0) this.redrive(device);
  }

  /** `esxcli storage core path set --state off|active`: the administrator's choice wins over the plugin's. */
  setPathEnabled(path: PathImpl, enabled: boolean): void {
    if (enabled === (path.state !== 'disabled')) return;
    // An enabled path carries no I/O until the check says it answers.
    path.state = enabled ? 'unknown' : 'disabled';
    this.log(`path ${path.name} ${enabled ? 'enabled' : 'disabled'} by the administrator`);
    const device = this.byPath.get(path);
    if (!device) return;
    this.learner.pathStateChanged(device, path);
    if (enabled) this.check(device);
  }

  // ---- what the learner's device view does (DeviceOwner) ----

  now(): number {
    return this.host.clock.now;
  }

  send(device: LearnerMppDevice, pathArg: unknown, cdbArg: unknown, done: unknown, dataOut: unknown): void {
    if (this.disabled || this.retired) return; // its code is off: what it sends goes nowhere
    if (!this.learner.inHook('device.send')) return;
    const path = this.ownPath(device, pathArg, 'send');
    const read = readCdb(cdbArg);
    if ('problem' in read) this.learner.misuse(`device.send: ${read.problem}`);
    if (typeof done !== 'function') this.learner.misuse(`device.send: done must be a function, not ${describeValue(done)}`);
    let data: Uint8Array | undefined;
    if (dataOut !== undefined) {
      const copy = readDataOut(dataOut); // its own copy: the learner may change its array later
      if ('problem' in copy) this.learner.misuse(`device.send: ${copy.problem}`);
      data = copy.data;
    }
    if (device.sends >= MAX_SENDS) this.learner.misuse(`device.send: ${MAX_SENDS} commands already sent to ${device.logical.id} and not answered`);
    device.sends++;
    const callback = done as (result: unknown) => void;
    this.psa.io.sendPassthrough(path, read.cdb, (io) => {
      device.sends--;
      if (this.disabled || this.retired) return;
      this.learner.sendCallback(callback, Object.freeze({ ...outcomeOf(io), data: this.psa.io.dataIn(io) }));
    }, data);
  }

  setPathState(device: LearnerMppDevice, pathArg: unknown, state: unknown, alua: unknown): void {
    if (this.disabled || this.retired || !this.learner.inHook('device.setPathState')) return;
    const path = this.ownPath(device, pathArg, 'setPathState');
    const problem = pathStateProblem(path.name, state, alua);
    if (problem !== undefined) this.learner.misuse(`device.setPathState: ${problem}`);
    if (path.state === 'disabled') return; // the administrator's choice wins
    const wasActive = path.state === 'active';
    path.state = state as Path['state'];
    if (alua !== undefined) path.alua = alua as Path['alua'];
    // Told to the learner? No: it made the change itself.
    if (!wasActive && path.state === 'active') this.redriveSoon(device);
    if (path.state === 'dead') this.armPoll(this.pathEvalUs());
  }

  /** The path behind a view the learner handed in, which must be one of this device's. */
  private ownPath(device: LearnerMppDevice, value: unknown, what: string): PathImpl {
    const path = pathOf(value);
    if (!path) this.learner.misuse(`device.${what}: ${describeValue(value)} is not a path`);
    if (!device.paths.includes(path)) {
      const whose = path.identity.deviceId === device.logical.id ? `it belongs to ${path.owner ?? 'no plugin'}` : `it leads to ${path.identity.deviceId}`;
      this.learner.misuse(`device.${what}: ${path.name} is not a path of ${device.logical.id} (${whose})`);
    }
    return path;
  }

  // ---- task management ----

  /** A LUN reset went to the device (vmkfstools -L lunreset): new commands wait for the learner's done. */
  taskManagement(logical: LogicalDevice, kind: 'abort' | 'lun-reset'): void {
    const device = this.devices.get(logical.id);
    if (!device || this.retired || !this.learner.hasTaskManagement) return;
    const seq = ++device.taskSeq;
    device.taskPending = true;
    this.host.clock.after(TASK_TIMEOUT_US, device.timers, seq * 4 + DEVICE_TASK);
    this.learner.taskManagement(kind, device, () => {
      if (this.learner.inHook('done')) this.taskDone(device, seq);
    });
  }

  private taskDone(device: LearnerMppDevice, seq: number): void {
    if (seq !== device.taskSeq || !device.taskPending) return; // late, or called twice
    device.taskPending = false;
    this.redriveSoon(device);
  }

  deviceTimer(device: LearnerMppDevice, arg: number): void {
    const kind = arg % 4;
    if (kind === DEVICE_REDRIVE) {
      device.redrivePending = false;
      return this.redrive(device);
    }
    const seq = Math.floor(arg / 4);
    if (kind !== DEVICE_TASK || seq !== device.taskSeq || !device.taskPending) return;
    this.learner.timedOut('taskManagement', `did not call done within ${TASK_TIMEOUT_US / 1e6} s of virtual time`);
    this.taskDone(device, seq);
  }

  // ---- timers ----

  /** Path checks and parked-command time-outs, at most `delayUs` from now. */
  private armPoll(delayUs: number): void {
    const at = this.host.clock.now + delayUs;
    if (this.retired || at >= this.pollAt) return;
    this.pollAt = at;
    this.host.clock.at(at, this, ++this.pollGen * 4 + TIMER_POLL);
  }

  onTimer(arg: number): void {
    if (arg % 4 === TIMER_RECLAIM) {
      this.reclaimPending = false;
      this.psa.claim();
      return;
    }
    if (Math.floor(arg / 4) !== this.pollGen || this.retired) return; // replaced by an earlier poll
    this.pollAt = Infinity;
    const now = this.host.clock.now;
    const limit = this.psa.settings.commandTimeoutUs;
    let parked = false;
    let dead = false;
    for (const device of this.devices.values()) {
      // A command never waits for a path longer than the command timeout.
      const waiting = device.parked.splice(0);
      for (const io of waiting) {
        if (now - (routing(io).lmppParkedAt ?? now) < limit) device.parked.push(io);
        else {
          this.log(`${device.logical.id}: no usable path for ${limit / 1e6} s; command ${io.serial} fails back to its issuer`);
          this.psa.io.completeToIssuer(io, true);
        }
      }
      const hasDead = device.paths.some((p) => p.state === 'dead');
      if (device.parked.length > 0 || hasDead) this.check(device);
      parked ||= device.parked.length > 0;
      dead ||= hasDead;
    }
    if (parked) this.armPoll(PARKED_POLL_US);
    else if (dead) this.armPoll(this.pathEvalUs());
  }

  private pathEvalUs(): number {
    return this.host.scenario.settings.pathEvalIntervalSec * 1e6;
  }

  private reclaimSoon(): void {
    if (this.reclaimPending) return;
    this.reclaimPending = true;
    this.host.clock.after(0, this, TIMER_RECLAIM);
  }

  // ---- fallback, swap, unload ----

  /**
   * Leaves the PSA now: devices removed, paths back in the unclaimed pool, the plugin unregistered
   * (so the claim skips its rules). The caller runs the claim, then hands over what is parked.
   */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.learner.stop();
    this.psa.evictPlugin(this);
  }

  /**
   * Retires for a new version of itself, and returns what undoes it: when the swap fails before the
   * new version took over (it threw in the PSA's claim), this version goes back as it was, with its
   * devices, their paths and the commands it holds. Nothing runs on the clock in between (the swap
   * is one synchronous call), so only what retire and the claim changed needs undoing.
   */
  stepAside(): () => void {
    const kept = [...this.byPath.keys()].map((path) => ({ path, working: path.working, preferred: path.preferred }));
    this.retire();
    return () => {
      // The new version is evicted by now; paths the claim gave another plugin (NMP's catch-all)
      // come back unless that plugin refuses (its device is busy): those leave this version's devices.
      const refused = new Set(this.psa.unclaim(kept.map((k) => k.path).filter((p) => p.owner !== undefined)));
      this.retired = false;
      this.learner.resume();
      this.psa.loadPlugin(this);
      for (const device of this.devices.values()) {
        if (!this.psa.devices.has(device.logical.id)) this.psa.devices.set(device.logical.id, device.logical);
      }
      for (const { path, working, preferred } of kept) {
        if (refused.has(path.name)) {
          this.detach(path);
          continue;
        }
        path.owner = this.name;
        path.working = working;
        path.preferred = preferred;
      }
      // VM disks find their devices again (the claim may have pointed them at the new version's).
      for (const listener of this.psa.topologyListeners) listener();
    };
  }

  /** After the claim: parked commands go to their devices' new owners. In-flight ones follow as they complete. */
  handOverParked(): void {
    const devices = [...this.devices.values()];
    this.devices.clear();
    this.byPath.clear();
    for (const device of devices) for (const io of device.parked.splice(0)) this.handOver(io);
  }

  /** The supervisor's fallback (from a clock timer): the next claim rules get the paths. */
  fallBack(): void {
    if (this.retired) return;
    const ids = [...this.devices.keys()];
    this.retire();
    this.psa.claim(); // NMP's catch-all claims the paths; VM disks re-resolve
    this.handOverParked();
    this.log(`fell back: its paths went to the next claim rules${ids.length > 0 ? ` (devices ${ids.join(', ')})` : ''}`);
  }

  /** Unloaded (no device open): devices close, the paths go to the next claim rules. */
  remove(): void {
    if (this.retired) return;
    for (const device of this.devices.values()) this.learner.closeDevice(device);
    this.retire();
    this.psa.claim();
    this.handOverParked();
  }

  inUse(): string[] {
    return [...this.devices.values()].filter((d) => d.logical.openCount > 0).map((d) => d.logical.id);
  }

  private log(line: string): void {
    this.host.log(`${this.name}: ${line}`);
  }
}

/**
 * Installs a learner's MPP in the PSA, named like any plugin in claim rules. A new version replaces
 * the old at once: the old leaves the PSA, the claim rules run with the new one registered under the
 * same name, and what the old still holds goes to the new (in flight: as it completes). All or
 * nothing: if registering the new version or the claim throws, the new version leaves the PSA and
 * the old is put back as it was, and the error goes on to the manager (which keeps the old entry).
 */
export function installMpp(ctx: PluginContext, hooks: MppModule, previous: Installed | undefined): Installed {
  const psa = ctx.host.psa;
  // The registry, not `previous`, says who holds the name: a disabled version may not have fallen back yet.
  const old = psa.plugins.get(hooks.name);
  if (old && !(old instanceof LearnerMpp)) throw new Error(`${hooks.name} is the name of a built-in plugin`);
  const mpp = new LearnerMpp(ctx, hooks);
  if (old) {
    const putBack = old.stepAside();
    try {
      psa.loadPlugin(mpp);
      psa.claim();
    } catch (e) {
      mpp.retire();
      putBack();
      throw e;
    }
    old.handOverParked();
    ctx.host.log(`${hooks.name}: replaced the version loaded before${previous ? '' : ' (disabled)'}; the claim rules ran again`);
  } else {
    psa.loadPlugin(mpp);
  }
  return {
    role: 'mpp',
    inUse: () => mpp.inUse(),
    fallBack: () => mpp.fallBack(),
    remove: () => mpp.remove(),
  };
}
