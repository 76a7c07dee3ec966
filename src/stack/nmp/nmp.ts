// The native multipathing plugin. It claims paths, groups them into devices by device id, gives
// each device an SATP (by SATP rule) and a PSP, and runs every command: the PSP picks a path; on a
// failed command the SATP decides to retry, fail over or fail. With no usable path the device is in
// all-paths-down (APD) and its commands wait, up to the APD timeout; 05/25/00 on every path is a
// permanent device loss (PDL) and fails them at once.

import type { CommandOutcome, PassthroughResult, PspModule, SatpModule } from '../plugin-api';
import { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import type { Mpp } from '../psa/mpp';
import type { PathImpl } from '../psa/path';
import { GOOD, outcomeOf } from '../psa/outcome';
import type { Psa } from '../psa/psa';
import { HostStatus, Status } from '../scsi/status';
import type { TimerTarget } from '../sim/clock';
import { NmpDevice } from './nmp-device';
import { builtinPsps } from './psp';
import { builtinSatps } from './satp';
import { SatpRules, type SatpRule } from './satp-rules';

export interface NmpSettings {
  apdTimeoutUs: number;
  pathEvalIntervalUs: number;
}

/** A retry waits 2 ms, doubling per attempt up to 100 ms. */
const RETRY_DELAY_US = 2_000;
const MAX_RETRY_DELAY_US = 100_000;
/** Paths one command may try before NMP fails it. */
const MAX_FAILOVERS = 64;
/** While an ALUA group is transitioning, its paths are checked again this often. */
const TRANSITION_POLL_US = 50_000;
const APD_POLL_US = 1_000_000;
const DEVICE_TIMER_APD = 0;
const DEVICE_TIMER_TRANSITION = 1;

const isGood = (o: CommandOutcome) => o.host === HostStatus.OK && o.status === Status.GOOD;
const isPdl = (o: CommandOutcome) => o.host === HostStatus.OK && o.senseKey === 5 && o.asc === 0x25 && o.ascq === 0;

export class Nmp implements Mpp, TimerTarget {
  readonly name = 'NMP';
  readonly pluginClass = 'MP' as const;
  readonly satpRules = new SatpRules();
  readonly psps = new Map<string, PspModule>();
  readonly satps = new Map<string, SatpModule>();
  /** `esxcli storage nmp satp set --default-psp`: an SATP's default PSP, changed. */
  readonly satpDefaultPsp = new Map<string, string>();
  private readonly byId = new Map<string, NmpDevice>();
  private readonly byPath = new Map<PathImpl, NmpDevice>();
  private readonly list: NmpDevice[] = [];
  private readonly pdlPaths = new Set<PathImpl>();
  private claimed: PathImpl[] = [];
  /** Messages for the host's log (vmkernel.log's NMP lines). */
  log: (line: string) => void = () => {};

  constructor(
    private readonly psa: Psa,
    private readonly settings: NmpSettings,
  ) {
    for (const psp of builtinPsps) this.psps.set(psp.name, psp);
    for (const satp of builtinSatps) this.satps.set(satp.name, satp);
    psa.clock.after(settings.pathEvalIntervalUs, this);
  }

  get devices(): NmpDevice[] {
    return this.list;
  }

  device(id: string): NmpDevice | undefined {
    const logical = this.psa.device(id);
    return logical ? this.byId.get(logical.id) : undefined;
  }

  deviceOfPath(path: PathImpl): NmpDevice | undefined {
    return this.byPath.get(path);
  }

  // ---- claiming ----

  startClaiming(): void {
    this.claimed = [];
  }

  claimPath(path: PathImpl): boolean {
    this.claimed.push(path);
    return true;
  }

  endClaiming(): void {
    const touched = new Set<NmpDevice>();
    for (const path of this.claimed) {
      let device = this.byId.get(path.identity.deviceId);
      if (!device) device = this.createDevice(path);
      device.logical.paths.push(path);
      device.logical.learnCapacity(path.identity);
      device.logical.paths.sort((a, b) => a.adapterRef.number - b.adapterRef.number || a.targetNumber - b.targetNumber);
      this.byPath.set(path, device);
      device.invalidate();
      touched.add(device);
    }
    this.claimed = [];
    for (const device of touched) {
      device.psp.init?.(device.pspView);
      this.evaluate(device);
    }
  }

  private createDevice(path: PathImpl): NmpDevice {
    const id = path.identity;
    const logical = new LogicalDevice(this, id, path.lun, {
      queueDepth: this.psa.settings.deviceQueueDepth,
      schedNumReqOutstanding: this.psa.settings.schedNumReqOutstanding,
    });
    const device: NmpDevice = new NmpDevice(logical, {
      timer: (kind) => this.deviceTimer(device, kind),
      now: () => this.psa.clock.now,
      send: (d, p, cdb, done, dataOut) => this.send(p, cdb, done, dataOut),
      pathStateChanged: (d, p) => d.psp.pathStateChanged?.(p, d.pspView),
    });
    const { satp, rule } = this.satpByRules(path);
    device.setSatp(satp, rule);
    device.setPsp(this.psps.get(this.defaultPspName(device))!, {});
    device.satp.init?.(device.satpView);
    this.psa.addDevice(logical);
    this.byId.set(logical.id, device);
    this.list.push(device);
    return device;
  }

  /** The SATP the rules give the device behind `path`, among the SATPs loaded now. */
  private satpByRules(path: PathImpl): { satp: SatpModule; rule: SatpRule | undefined } {
    const rule = this.satpRules.match(path.identity, path.adapterRef.driver, path.adapterRef.transport, (name) => this.satps.has(name));
    return { satp: this.satps.get(rule?.satp ?? 'VMW_SATP_DEFAULT_AA') ?? this.satps.get('VMW_SATP_DEFAULT_AA')!, rule };
  }

  /**
   * Gives a claimed device another SATP (a learner's new version, or the rules' choice once a
   * learner's SATP is gone): fresh SATP state, the default PSP that goes with it unless one was set
   * by hand, the SATP's init, then a path evaluation by the new SATP.
   */
  setDeviceSatp(device: NmpDevice, satp: SatpModule, rule: SatpRule | undefined): void {
    device.setSatp(satp, rule);
    if (device.pspOverride === undefined && this.defaultPspName(device) !== device.psp.name) this.setDevicePsp(device, undefined);
    this.guard(satp.name, 'init', () => satp.init?.(device.satpView), undefined);
    this.log(`NMP: device ${device.logical.id} is now served by SATP ${satp.name}`);
    // An evaluation by the old SATP still running would swallow a new one: queue it behind.
    if (device.evaluating) device.evaluating.push(() => this.evaluate(device));
    else this.evaluate(device);
  }

  /** Picks the device's SATP by the rules again (the one it had was unloaded or disabled). */
  reselectSatp(device: NmpDevice): void {
    const path = device.paths[0];
    if (!path) return; // no path left to read identity from: the device goes when it closes
    const { satp, rule } = this.satpByRules(path);
    this.setDeviceSatp(device, satp, rule);
  }

  /** The PSP a device gets without an override: its SATP rule's, else its SATP's default. */
  defaultPspName(device: NmpDevice): string {
    const name = device.satpRule?.psp ?? this.satpDefaultPsp.get(device.satp.name) ?? device.satp.defaultPsp;
    return this.psps.has(name) ? name : 'VMW_PSP_FIXED';
  }

  unclaimPath(path: PathImpl): boolean {
    const device = this.byPath.get(path);
    if (device && device.logical.openCount > 0) return false;
    this.pathRemoved(path);
    return true;
  }

  pathRemoved(path: PathImpl): void {
    const device = this.byPath.get(path);
    if (!device) return;
    this.byPath.delete(path);
    this.pdlPaths.delete(path);
    const paths = device.logical.paths;
    paths.splice(paths.indexOf(path), 1);
    device.invalidate();
    if (paths.length === 0 && device.logical.openCount === 0) {
      this.byId.delete(device.logical.id);
      this.list.splice(this.list.indexOf(device), 1);
      this.psa.removeDevice(device.logical);
    } else {
      device.psp.pathStateChanged?.(path, device.pspView);
    }
  }

  // ---- settings ----

  /** Sets a device's PSP (by esxcli or the page); `undefined` goes back to the default. */
  setDevicePsp(device: NmpDevice, pspName: string | undefined, config: Record<string, string | number | boolean> = {}): void {
    const name = pspName ?? this.defaultPspName(device);
    const psp = this.psps.get(name);
    if (!psp) throw new Error(`Unable to set PSP for device ${device.logical.id}: no PSP named ${name} is loaded`);
    device.pspOverride = pspName;
    device.setPsp(psp, config);
    try {
      psp.init?.(device.pspView);
    } catch (e) {
      this.log(`NMP: ${psp.name}.init threw on ${device.logical.id}: ${(e as Error).message}`);
    }
    this.chooseFirstPath(device);
  }

  /** `esxcli storage core path set --state off|active`: an administrator disables or enables a path. */
  setPathEnabled(path: PathImpl, enabled: boolean): void {
    if (enabled === (path.state !== 'disabled')) return;
    // An enabled path carries no I/O until the SATP's check says what it is.
    path.state = enabled ? 'unknown' : 'disabled';
    const device = this.byPath.get(path);
    if (!device) return;
    device.psp.pathStateChanged?.(path, device.pspView);
    this.log(`NMP: path ${path.name} ${enabled ? 'enabled' : 'disabled'} by the administrator`);
    // An enabled path is checked like any other before it carries I/O again.
    this.evaluate(device);
  }

  /**
   * The device's PSP settings changed (a preferred path, RR limits): what it reports as working
   * paths is its choice from now on, as ESXi shows it at once, before any I/O.
   */
  pspSettingsChanged(device: NmpDevice): void {
    for (const p of device.paths) p.lastChosen = 0;
    device.selections = 0;
    this.chooseFirstPath(device);
  }

  // ---- the I/O path ----

  start(io: IoRequest): void {
    const device = this.byId.get(io.device.id)!;
    if (device.logical.permanentlyLost) return this.psa.io.failSoon(io);
    if (!this.route(device, io)) this.wait(device, io);
  }

  /** Picks a path with the device's PSP and sends; false when no path is usable. */
  private route(device: NmpDevice, io: IoRequest): boolean {
    const usable = device.usablePaths();
    if (usable.length === 0) return false;
    let path = usable[0];
    try {
      const chosen = device.psp.selectPath(io, usable, device.pspView) as PathImpl;
      if (usable.includes(chosen)) path = chosen;
      else this.log(`NMP: ${device.psp.name} returned ${describePath(chosen)} for ${device.logical.id}, which is not a usable path; using ${path.name}`);
    } catch (e) {
      this.log(`NMP: ${device.psp.name}.selectPath threw on ${device.logical.id}: ${(e as Error).message}; using ${path.name}`);
    }
    path.lastChosen = ++device.selections;
    this.psa.io.issue(io, path);
    return true;
  }

  completed(io: IoRequest): void {
    const device = this.byId.get(io.device.id);
    const path = io.path!;
    if (device && io.cmd.hostStatus === HostStatus.OK && io.cmd.status === Status.GOOD) {
      // The common case, kept free of allocation: one shared outcome object.
      this.notifyPsp(device, io, path, GOOD);
      if (this.pdlPaths.size > 0) this.pdlPaths.delete(path);
      return this.psa.io.completeToIssuer(io, false);
    }
    const outcome = outcomeOf(io);
    if (!device) return this.psa.io.completeToIssuer(io, !isGood(outcome));
    this.notifyPsp(device, io, path, outcome);
    this.log(`NMP: ${device.logical.id} cmd 0x${io.cmd.cdb[0].toString(16)} on ${path.name}: H:0x${outcome.host.toString(16)} D:0x${outcome.status.toString(16)} P:0x0 sense ${outcome.senseKey.toString(16)} ${outcome.asc.toString(16)} ${outcome.ascq.toString(16)}`);
    // 05/25/00 for a vVol (a secondary id behind a PE) says the vVol is not bound there, not that
    // the PE is gone: it is the command's error, never the device's PDL.
    if (isPdl(outcome) && io.secondaryId === 0) {
      // One path says the LUN is gone: ask the others, since PDL means all of them say so.
      this.pdlPaths.add(path);
      this.evaluate(device);
    }
    let action = this.guard(device.satp.name, 'onError', () => device.satp.onError(io, path, outcome, device.satpView), 'failover' as const);
    // Retries on the same path are bounded by time (an ALUA transition may take the array seconds);
    // failovers by count, so a fault every path shares cannot bounce a command forever.
    if (action === 'retry' && this.psa.clock.now - io.dispatchedAt >= this.psa.settings.commandTimeoutUs) action = 'fail';
    if (action === 'failover' && io.attempts >= MAX_FAILOVERS) action = 'fail';
    if (action === 'fail') return this.psa.io.completeToIssuer(io, true);
    if (action === 'retry') return this.psa.io.resendLater(io, Math.min(RETRY_DELAY_US << Math.min(io.attempts, 6), MAX_RETRY_DELAY_US));
    // Fail over: learn the paths' states again, then route the command anew.
    this.wait(device, io);
  }

  /** Runs a plugin hook; a throw is logged with the plugin and hook, and `fallback` is used. */
  private guard<T>(plugin: string, hook: string, call: () => T, fallback: T): T {
    try {
      return call();
    } catch (e) {
      this.log(`NMP: ${plugin}.${hook} threw: ${(e as Error).message}`);
      return fallback;
    }
  }

  private notifyPsp(device: NmpDevice, io: IoRequest, path: PathImpl, outcome: CommandOutcome): void {
    if (!device.psp.completed) return;
    try {
      device.psp.completed(io, path, this.psa.clock.now - io.issuedAt, outcome, device.pspView);
    } catch (e) {
      this.log(`NMP: ${device.psp.name}.completed threw: ${(e as Error).message}`);
    }
  }

  /** Parks a command until a path evaluation says where it can go. */
  private wait(device: NmpDevice, io: IoRequest): void {
    device.waiting.push(io);
    this.evaluate(device);
  }

  /** Runs the SATP's path check (and activation when nothing is usable), then re-drives waiting I/O. */
  evaluate(device: NmpDevice, then?: () => void): void {
    if (device.evaluating) {
      if (then) device.evaluating.push(then);
      return;
    }
    device.evaluating = then ? [then] : [];
    const finish = () => {
      const callbacks = device.evaluating ?? [];
      device.evaluating = undefined;
      this.afterEvaluation(device);
      for (const callback of callbacks) callback();
    };
    const check = (then: () => void) => {
      // A throwing SATP must not stall the device: its check ends at once, states as they were.
      let called = false;
      const once = () => {
        if (!called) {
          called = true;
          then();
        }
      };
      this.guard(device.satp.name, 'checkPaths', () => device.satp.checkPaths(device.satpView, once), undefined);
    };
    check(() => {
      if (device.usablePaths().length === 0 && device.satp.activate && !device.logical.permanentlyLost) {
        let activated = false;
        const after = () => {
          if (!activated) {
            activated = true;
            check(finish);
          }
        };
        if (this.guard(device.satp.name, 'activate', () => (device.satp.activate!(device.satpView, after), true), false) === false) after();
      } else finish();
    });
  }

  /** ESXi's PSP picks its path when the device is claimed, before any I/O: show that choice. */
  private chooseFirstPath(device: NmpDevice): void {
    const usable = device.usablePaths();
    if (device.selections > 0 || usable.length === 0) return;
    try {
      const chosen = device.psp.selectPath({ op: 'other', lba: 0, blocks: 0, bytes: 0, serial: 0 }, usable, device.pspView) as PathImpl;
      if (usable.includes(chosen)) chosen.lastChosen = ++device.selections;
    } catch {
      // A plugin that fails here fails again on the first command, where NMP reports it.
    }
  }

  private afterEvaluation(device: NmpDevice): void {
    this.chooseFirstPath(device);
    const paths = device.paths;
    if (device.logical.permanentlyLost && paths.some((p) => p.state === 'active' && !this.pdlPaths.has(p))) {
      // The LUN answers again (it was presented anew and rescanned): the device comes back.
      device.logical.permanentlyLost = false;
      device.logical.status = 'on';
      this.log(`NMP: device ${device.logical.id} is back: a path answers again after a permanent device loss`);
    }
    if (paths.length > 0 && paths.every((p) => this.pdlPaths.has(p)) && !device.logical.permanentlyLost) {
      device.logical.permanentlyLost = true;
      device.logical.status = 'dead';
      for (const p of paths) p.state = 'dead';
      this.log(`NMP: device ${device.logical.id} has been permanently lost (PDL: 0x5 0x25 0x0 on all paths)`);
    }
    const now = this.psa.clock.now;
    const usable = device.usablePaths().length > 0;
    if (usable && device.apdSince >= 0) {
      this.log(`NMP: device ${device.logical.id} has exited the All Paths Down state after ${((now - device.apdSince) / 1e6).toFixed(1)} s`);
      device.apdSince = -1;
      device.logical.status = 'on';
    }
    if (!usable && !device.logical.permanentlyLost && device.waiting.length > 0 && device.apdSince < 0) {
      device.apdSince = now;
      this.log(`NMP: device ${device.logical.id} has entered the All Paths Down state`);
      this.psa.clock.after(APD_POLL_US, device.timers, DEVICE_TIMER_APD);
    }
    if (paths.some((p) => p.alua === 'TRANS') && !device.transitionPoll) {
      device.transitionPoll = true;
      this.psa.clock.after(TRANSITION_POLL_US, device.timers, DEVICE_TIMER_TRANSITION);
    }
    const waiting = device.waiting.splice(0);
    for (const io of waiting) {
      if (device.logical.permanentlyLost || (device.apdSince >= 0 && now - device.apdSince >= this.settings.apdTimeoutUs)) {
        this.psa.io.completeToIssuer(io, true);
      } else if (!this.route(device, io)) {
        device.waiting.push(io);
      }
    }
    if (device.apdSince >= 0 && now - device.apdSince >= this.settings.apdTimeoutUs) device.logical.status = 'dead';
  }

  /** Set when the host has crashed: the periodic evaluation ends (its timer is not rearmed). */
  stopped = false;

  /** The periodic evaluation of every device (ESXi: every 5 minutes). */
  onTimer(): void {
    if (this.stopped) return;
    for (const device of this.devices) this.evaluate(device);
    this.psa.clock.after(this.settings.pathEvalIntervalUs, this);
  }

  /** A device's own timers: its APD poll, and its re-check while an ALUA group is transitioning. */
  private deviceTimer(device: NmpDevice, kind: number): void {
    if (this.byId.get(device.logical.id) !== device) return; // the device is gone
    if (kind === DEVICE_TIMER_TRANSITION) {
      device.transitionPoll = false;
      this.evaluate(device);
      return;
    }
    if (device.apdSince < 0) return;
    this.evaluate(device, () => {
      if (device.apdSince >= 0) this.psa.clock.after(APD_POLL_US, device.timers, DEVICE_TIMER_APD);
    });
  }

  /** The fabric changed (an RSCN): re-evaluate every device now. */
  pathsChanged(): void {
    this.evaluateAll();
  }

  evaluateAll(): void {
    for (const device of this.devices) this.evaluate(device);
  }

  private send(path: PathImpl, cdb: readonly number[], done: (r: PassthroughResult) => void, dataOut?: Uint8Array): void {
    this.psa.io.sendPassthrough(
      path,
      cdb,
      (io) => {
        const outcome = outcomeOf(io);
        if (isPdl(outcome)) this.pdlPaths.add(path);
        else if (isGood(outcome)) this.pdlPaths.delete(path);
        done({ ...outcome, data: this.psa.io.dataIn(io) });
      },
      dataOut,
    );
  }
}

function describePath(value: unknown): string {
  return typeof value === 'object' && value !== null && 'name' in value ? String((value as { name: unknown }).name) : String(value);
}
