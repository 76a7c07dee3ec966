// NMP's side of a device: the SATP and PSP that serve it, their settings and scratch state, and
// the two views the plugins get of it (a PSP sees a Device; an SATP sees a SatpDevice that can also
// send commands and set path states). Commands waiting for a usable path (APD) queue here.

import type { AluaState, Device, PassthroughResult, Path, PathState, PspModule, SatpDevice, SatpModule } from '../plugin-api';
import type { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import { PathImpl, pathStateVersion } from '../psa/path';
import type { TimerTarget } from '../sim/clock';
import type { SatpRule } from './satp-rules';

export interface NmpDeviceHooks {
  /** One of the device's own timers fired. */
  timer(kind: number): void;
  now(): number;
  send(device: NmpDevice, path: PathImpl, cdb: readonly number[], done: (r: PassthroughResult) => void, dataOut?: Uint8Array): void;
  pathStateChanged(device: NmpDevice, path: PathImpl): void;
}

export class NmpDevice {
  psp!: PspModule;
  satp!: SatpModule;
  satpRule: SatpRule | undefined;
  /** PSP set with `esxcli storage nmp device set --psp`; survives until --default. */
  pspOverride: string | undefined;
  pspConfig: Record<string, string | number | boolean> = {};
  pspView!: Device;
  satpView!: SatpDevice;
  /** Commands waiting for a usable path. */
  readonly waiting: IoRequest[] = [];
  /** Virtual time the device entered all-paths-down, or -1. */
  apdSince = -1;
  /** A re-check is scheduled because an ALUA group is transitioning. */
  transitionPoll = false;
  /** The device's own timer target, so its timers follow it whatever happens to other devices. */
  readonly timers: TimerTarget;
  /** A path evaluation is running; callbacks waiting for it to end. */
  evaluating: (() => void)[] | undefined;
  /** Selections so far: working paths are those chosen in the last window of selections. */
  selections = 0;

  constructor(
    readonly logical: LogicalDevice,
    private readonly hooks: NmpDeviceHooks,
  ) {
    this.timers = { onTimer: (kind) => hooks.timer(kind) };
  }

  get paths(): PathImpl[] {
    return this.logical.paths;
  }

  private usable: PathImpl[] = [];
  private usableVersion = -1;
  private usableCount = -1;

  /** The path list changed (claim, removal): recompute the usable ones. */
  invalidate(): void {
    this.usableVersion = -1;
  }

  /** Paths a PSP may choose from: active ones, in runtime-name order (cached between changes). */
  usablePaths(): PathImpl[] {
    if (this.usableVersion !== pathStateVersion || this.usableCount !== this.paths.length) {
      this.usable = this.paths.filter((p) => p.state === 'active');
      this.usableVersion = pathStateVersion;
      this.usableCount = this.paths.length;
    }
    return this.usable;
  }

  /** Installs a PSP with fresh state; its config keeps only keys given by `config`. */
  setPsp(psp: PspModule, config: Record<string, string | number | boolean> = {}): void {
    this.psp = psp;
    this.pspConfig = config;
    this.pspView = this.view();
    for (const p of this.paths) p.lastChosen = 0;
    this.selections = 0;
  }

  setSatp(satp: SatpModule, rule: SatpRule | undefined): void {
    this.satp = satp;
    this.satpRule = rule;
    // Assigned onto the view, not spread: spreading would freeze its live getters (paths, config).
    this.satpView = Object.assign(this.view(), {
      send: (path, cdb, done, dataOut) => this.hooks.send(this, this.own(path), cdb, done, dataOut),
      setPathState: (path: Path, state: PathState, alua?: AluaState) => {
        const p = this.own(path);
        // A path a rescan removed while its check was in flight: its state no longer matters.
        if (!this.paths.includes(p)) return;
        if (p.state === 'disabled') return; // an administrator's choice wins over the SATP's
        const changed = p.state !== state || (alua !== undefined && p.alua !== alua);
        p.state = state;
        if (alua !== undefined) p.alua = alua;
        if (changed) this.hooks.pathStateChanged(this, p);
      },
    } satisfies Pick<SatpDevice, 'send' | 'setPathState'>);
  }

  /** What every plugin sees of the device, with fresh scratch state (paths and config stay live). */
  private view(): Device {
    const self = this;
    return {
      id: this.logical.id,
      vendor: this.logical.vendor,
      model: this.logical.model,
      get paths(): readonly Path[] {
        return self.paths;
      },
      get pspConfig() {
        return self.pspConfig;
      },
      state: {},
      now: () => this.hooks.now(),
    };
  }

  /** Working paths: usable ones the PSP chose within the last window of selections. */
  workingPaths(): PathImpl[] {
    const window = 256;
    return this.paths.filter((p) => p.state === 'active' && p.lastChosen > 0 && p.lastChosen > this.selections - window);
  }

  private own(path: Path): PathImpl {
    const p = this.paths.find((x) => x === path || x.name === path.name);
    if (p) return p;
    // One of this LUN's paths that a rescan removed while a check of it was in flight: a command
    // sent down it now fails in the fabric (or at the array) like any other to a vanished path.
    if (path instanceof PathImpl && path.identity.deviceId === this.logical.id) return path;
    throw new Error(`${path.name} is not a path of ${this.logical.id}`);
  }
}
