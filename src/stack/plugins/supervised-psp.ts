// A learner's PSP as NMP runs it: every hook through the guard, every answer checked. The first
// misbehaviour (a throw, a wrong return, a hook past its budget) disables the plugin at once: that
// command and every later one still get a usable path, and the supervisor moves the devices back to
// their default PSP. NMP never learns that this PSP is not a built-in one.

import type { CommandOutcome, Device, Io, Path, PspModule } from '../plugin-api';
import type { PathImpl } from '../psa/path';
import { describeValue } from './checks';
import { PluginViolation } from './guard';
import type { Installed, PluginContext, Supervisor } from './supervisor';
import { deviceView, IoView, pathOf } from './views';

class SupervisedPsp implements PspModule {
  readonly name: string;
  readonly description: string;
  /** Set on the first fault: the learner's code is not called again. */
  disabled = false;
  private readonly io = new IoView();
  private readonly devices = new WeakMap<Device, Device>();

  constructor(
    /** The learner's module, `this` of its hooks. */
    private readonly module: object,
    /** Its hooks, read once under the guard when it loaded (a getter cannot run later). */
    private readonly hooks: PspModule,
    private readonly supervisor: Supervisor,
    /** The file it came from, for messages. */
    readonly file: string,
  ) {
    this.name = hooks.name;
    this.description = hooks.description ?? `${hooks.name} (loaded from ${file})`;
  }

  init(device: Device): void {
    const init = this.hooks.init;
    if (init && !this.disabled) this.run('init', () => init.call(this.module, this.view(device)), undefined);
  }

  selectPath(io: Io, paths: readonly Path[], device: Device): Path {
    const usable = paths as readonly PathImpl[];
    if (this.disabled) return usable[0];
    const views = this.supervisor.views.list(usable);
    const chosen = this.run('selectPath', () => this.hooks.selectPath.call(this.module, this.io.fill(io), views, this.view(device)), undefined);
    if (this.disabled) return usable[0];
    const path = pathOf(chosen);
    if (path && usable.includes(path)) return path;
    const what = path ? `${path.name}, which is ${path.state}, not usable` : `${describeValue(chosen)}, which is not one of the paths it was given`;
    this.fault(new PluginViolation('bad-return', this.name, 'selectPath', undefined, `${this.name}: selectPath returned ${what}`));
    return usable[0];
  }

  completed(io: Io, path: Path, latencyUs: number, outcome: CommandOutcome, device: Device): void {
    const completed = this.hooks.completed;
    if (!completed || this.disabled) return;
    const view = this.supervisor.views.of(path as PathImpl);
    this.run('completed', () => completed.call(this.module, this.io.fill(io), view, latencyUs, outcome, this.view(device)), undefined);
  }

  pathStateChanged(path: Path, device: Device): void {
    const changed = this.hooks.pathStateChanged;
    if (!changed || this.disabled) return;
    const view = this.supervisor.views.of(path as PathImpl);
    this.run('pathStateChanged', () => changed.call(this.module, view, this.view(device)), undefined);
  }

  describe(device: Device): string {
    const describeDevice = this.hooks.describe;
    if (!describeDevice || this.disabled) return '';
    const text = this.run('describe', () => describeDevice.call(this.module, this.view(device)), '');
    return typeof text === 'string' ? text : '';
  }

  /** Runs one hook; a violation disables the plugin and `fallback` is the answer. */
  private run<T>(hook: string, call: () => T, fallback: T): T {
    try {
      return this.supervisor.guard.call(this.name, hook, call);
    } catch (e) {
      this.fault(e instanceof PluginViolation ? e : new PluginViolation('throw', this.name, hook, undefined, `${this.name}: ${hook} failed: ${String(e)}`));
      return fallback;
    }
  }

  private fault(violation: PluginViolation): void {
    if (this.disabled) return;
    this.disabled = true;
    this.supervisor.fault(this.name, violation);
  }

  /** The learner's view of a device (one per device and PSP instance: its scratch state is its own). */
  private view(device: Device): Device {
    let view = this.devices.get(device);
    if (!view) {
      view = deviceView(device, this.supervisor.views);
      this.devices.set(device, view);
    }
    return view;
  }
}

/**
 * Installs a learner's PSP in NMP, beside the built-in ones. A new version of a PSP in use is
 * swapped onto its devices at once, with their settings: routing is synchronous, so no command is
 * between two PSPs at that moment.
 */
export function installPsp(ctx: PluginContext, hooks: PspModule, previous: Installed | undefined): Installed {
  const nmp = ctx.host.nmp;
  const psp = new SupervisedPsp(ctx.module, hooks, ctx.supervisor, ctx.file);
  const users = (which: PspModule) => nmp.devices.filter((d) => d.psp === which);
  const swapped = previous ? users(nmp.psps.get(psp.name)!) : [];
  nmp.psps.set(psp.name, psp);
  for (const device of swapped) nmp.setDevicePsp(device, device.pspOverride, device.pspConfig);
  return {
    role: 'psp',
    inUse: () => users(psp).map((d) => d.logical.id),
    fallBack() {
      // A newer version may have taken the name since: it stays.
      if (nmp.psps.get(psp.name) === psp) nmp.psps.delete(psp.name);
      for (const device of users(psp)) nmp.setDevicePsp(device, undefined);
    },
    remove() {
      if (nmp.psps.get(psp.name) === psp) nmp.psps.delete(psp.name);
    },
  };
}
