// The learner's plugins on one host: compile a file, run its module under the guard, check what it
// exports, install it in its role (PSP, SATP, MPP) or swap it for the version loaded before, and
// when one misbehaves, disable it, tell the learner (plugin, hook, line) and fall back.
//
// The limits a plugin runs under (README, "Writing plugins"): each hook call has a wall-clock
// budget (50 ms); code may run only inside a hook (not from promises or timers); every global but
// the language's own is shadowed (evaluate.ts's allowlist), the compiler refuses imports, eval and
// new Function, and in the worker the built-ins are frozen (lockdown.ts); a hook's answer is
// checked before the stack uses it.

import type { PluginFault, PluginFile, PluginInfo, PluginLoadResult, PluginRole } from '../api';
import type { Host } from '../host';
import type { MppModule, PspModule, SatpModule } from '../plugin-api';
import type { TimerTarget } from '../sim/clock';
import { evaluatePlugin } from './evaluate';
import { PluginGuard, PluginViolation } from './guard';
import { installMpp } from './learner-mpp';
import { lockDownRealm } from './lockdown';
import { installSatp } from './supervised-satp';
import { installPsp } from './supervised-psp';
import type { Installed, PluginContext, Supervisor } from './supervisor';
import { PathViews } from './views';

/** Names a learner may give a plugin: what esxcli would accept, and not one of the built-ins'. */
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const MAX_FAULTS = 50;

/** The hooks each role reads from a module, and which of them it cannot do without. */
const ROLES: Record<PluginRole, { required: string[]; optional: string[]; strings: string[] }> = {
  psp: { required: ['selectPath'], optional: ['init', 'completed', 'pathStateChanged', 'describe'], strings: ['description'] },
  satp: { required: ['onError', 'checkPaths'], optional: ['init', 'activate', 'describe'], strings: ['description', 'defaultPsp'] },
  mpp: {
    required: ['claimPath', 'startCommand'],
    optional: ['openDevice', 'closeDevice', 'commandDone', 'taskManagement', 'pathStateChanged'],
    strings: ['description'],
  },
};

/** Numbers faults across every host of the worker, so the page never takes a new one for one it has shown. */
let faultSeq = 0;

/** Stands in while a version is being installed (a fallback then has nothing to move yet). */
const NOT_INSTALLED: Installed = { role: 'psp', inUse: () => [], fallBack: () => {}, remove: () => {} };

interface LoadedPlugin {
  name: string;
  role: PluginRole;
  file: string;
  state: 'loaded' | 'disabled';
  message?: string;
  installed: Installed;
}

/**
 * For an entry point's unhandled-rejection handler: a plugin's promise callback stopped by the
 * guard. The manager has already disabled the plugin and told the learner; nothing is left to do.
 */
export const isStrayPluginViolation = (reason: unknown): boolean => reason instanceof PluginViolation && reason.kind === 'outside-hook';

export class LearnerPlugins implements Supervisor, TimerTarget {
  readonly guard: PluginGuard;
  readonly views = new PathViews();
  /** Misbehaviours, oldest first (the newest MAX_FAULTS). */
  readonly faults: PluginFault[] = [];
  private readonly plugins = new Map<string, LoadedPlugin>();
  /** Each version by the name its code's guard ticks carry (file#load), so a stray callback of an old or refused version blames no one else. */
  private readonly byLoad = new Map<string, LoadedPlugin>();
  private loads = 0;
  /** Disabled plugins whose users still have to fall back (done from a clock timer). */
  private readonly fallingBack: LoadedPlugin[] = [];

  constructor(private readonly host: Host) {
    this.guard = new PluginGuard({ onOutsideHook: (v) => this.fault(v.plugin, v) });
  }

  list(): PluginInfo[] {
    return [...this.plugins.values()].map(({ name, role, file, state, message }) => (message ? { file, name, role, state, message } : { file, name, role, state }));
  }

  /** Compiles `file`, runs its module and installs its default export. Nothing changes when it fails. */
  async load(file: PluginFile): Promise<PluginLoadResult> {
    this.lastLoad = await this.loadNow(file);
    return this.lastLoad;
  }

  /** The result of the latest load, for the editor's error markers. */
  lastLoad: PluginLoadResult | undefined;

  private async loadNow(file: PluginFile): Promise<PluginLoadResult> {
    // The compiler (TypeScript) is big: it loads with the first plugin, not with the stack.
    const { compilePlugin } = await import('./compile');
    lockDownRealm();
    const compiled = compilePlugin(file.source, file.name);
    if (!compiled.ok) {
      const n = compiled.errors.length;
      return { ok: false, errors: compiled.errors, message: `${file.name}: ${n} error${n === 1 ? '' : 's'}, nothing loaded` };
    }
    let module: object;
    let role: PluginRole;
    let hooks: Record<string, unknown>;
    const loadName = `${file.name}#${++this.loads}`;
    try {
      const exported = evaluatePlugin(compiled.plugin, this.guard, loadName);
      if (typeof exported !== 'object' || exported === null) throw new Error('its default export is not an object of hooks');
      module = exported;
      ({ role, hooks } = this.guard.call(loadName, 'load', () => readHooks(exported)));
    } catch (e) {
      const line = e instanceof PluginViolation ? e.line : undefined;
      const message = (e instanceof Error ? e.message : String(e)).replace(`${loadName}: `, '');
      return { ok: false, errors: [{ line: line ?? 1, column: 1, message }], message: `${file.name}: ${message}; nothing loaded` };
    }
    const name = hooks.name as string;
    const refusal = this.refusal(name, role);
    if (refusal) return { ok: false, errors: [{ line: 1, column: 1, message: refusal }], message: `${file.name}: ${refusal}; nothing loaded` };

    const previous = this.plugins.get(name);
    const context: PluginContext = { host: this.host, supervisor: this, file: file.name, module };
    // Registered before it is installed: a hook that misbehaves while it is swapped in (its init,
    // say) must disable this version, not the one it replaces.
    const entry: LoadedPlugin = { name, role, file: file.name, state: 'loaded', installed: NOT_INSTALLED };
    this.plugins.set(name, entry);
    this.byLoad.set(loadName, entry);
    try {
      entry.installed = this.install(role, context, hooks, previous?.state === 'loaded' ? previous.installed : undefined);
    } catch (e) {
      this.byLoad.delete(loadName);
      if (previous) this.plugins.set(name, previous);
      else this.plugins.delete(name);
      throw e;
    }
    this.host.log(`plugin: ${name} (${role.toUpperCase()}) loaded from ${file.name}${previous ? ', replacing the version loaded before' : ''}`);
    const message = previous
      ? `${name} (${role.toUpperCase()}) loaded from ${file.name}: it replaced the version loaded before${previous.state === 'loaded' ? ' on the devices that used it' : ''}`
      : `${name} (${role.toUpperCase()}) loaded from ${file.name}`;
    return { ok: true, plugin: name, role, replaced: previous !== undefined, errors: [], message };
  }

  /** `plugin unload NAME`: refused while devices use it (ESXi pins a plugin in use). */
  unload(name: string): string {
    const plugin = this.plugins.get(name);
    if (!plugin) throw new Error(`no learner plugin named ${name} is loaded`);
    if (plugin.state === 'loaded') {
      const users = plugin.installed.inUse();
      const first = plugin.role === 'psp' ? 'set another PSP on them first' : plugin.role === 'satp' ? 'give them another SATP (an SATP rule and a reclaim) first' : 'unclaim their paths first';
      if (users.length > 0) throw new Error(`${name} is in use by ${users.join(', ')}: ${first}`);
      plugin.installed.remove();
    }
    this.plugins.delete(name);
    return `${name} unloaded`;
  }

  /**
   * A plugin the lab had loaded but that stays unloaded (`why`: the stack was restarted after it
   * stopped answering): the learner is told, as of a fault, and the file stays theirs to fix.
   */
  notLoaded(file: string, why: string): void {
    const message = `${file} was not loaded again: ${why}`;
    this.host.log(`plugin: ${message}`);
    this.faults.push({ seq: ++faultSeq, plugin: file, file, hook: '(restart)', message, atUs: this.host.clock.now });
  }

  /** Tells the learner something the page must show at once, as a fault is (a restart, say). */
  notice(message: string): void {
    this.host.log(`plugin: ${message}`);
    this.faults.push({ seq: ++faultSeq, plugin: '(stack)', file: '', hook: '(restart)', message, atUs: this.host.clock.now });
  }

  /** Names of the files of the plugins loaded now, in load order (kept with the lab). */
  loadedFiles(): string[] {
    return [...this.plugins.values()].filter((p) => p.state === 'loaded').map((p) => p.file);
  }

  // ---- Supervisor ----

  fault(name: string, violation: PluginViolation): void {
    const plugin = this.plugins.get(name) ?? this.byLoad.get(name);
    // A version replaced since (or never installed): what its code still does is its own affair.
    if (!plugin || plugin.state === 'disabled' || this.plugins.get(plugin.name) !== plugin) return;
    plugin.state = 'disabled';
    // Code outside a hook is named by its file (no hook names it): name the plugin instead.
    const what = violation.plugin === plugin.name ? violation.message : violation.message.replace(`${violation.plugin}:`, `${plugin.name}:`);
    const fallback =
      plugin.role === 'psp' ? 'its devices are back on their default PSP' :
      plugin.role === 'satp' ? 'its devices are back on the SATP their rules give them' :
      'its paths went back to the claim rules, and NMP claimed them';
    plugin.message = `${what}; ${plugin.name} was disabled and ${fallback}`;
    this.host.log(`plugin: ${plugin.message}`);
    this.faults.push({
      seq: ++faultSeq,
      plugin: plugin.name,
      file: plugin.file,
      hook: violation.hook || '(outside a hook)',
      ...(violation.line === undefined ? {} : { line: violation.line }),
      message: plugin.message,
      atUs: this.host.clock.now,
    });
    if (this.faults.length > MAX_FAULTS) this.faults.shift();
    // Not here: this runs inside the stack's call of the hook. On the virtual clock, at once.
    this.fallingBack.push(plugin);
    this.host.clock.after(0, this);
  }

  onTimer(): void {
    for (const plugin of this.fallingBack.splice(0)) plugin.installed.fallBack();
  }

  // ---- checks ----

  private refusal(name: string, role: PluginRole): string | undefined {
    if (!NAME.test(name)) return `plugin name ${JSON.stringify(name)} must be a letter then letters, digits or _ (at most 40), e.g. LAB_PSP_LQD`;
    const previous = this.plugins.get(name);
    if (previous) {
      if (previous.role !== role) return `${name} is already loaded as a ${previous.role.toUpperCase()}, from ${previous.file}`;
      return undefined;
    }
    const nmp = this.host.nmp;
    if (nmp.psps.has(name) || nmp.satps.has(name) || this.host.psa.plugins.get(name)) return `${name} is the name of a built-in plugin: choose another (e.g. LAB_${name.replace(/^VMW_/, '')})`;
    return undefined;
  }

  private install(role: PluginRole, context: PluginContext, hooks: Record<string, unknown>, previous: Installed | undefined): Installed {
    switch (role) {
      case 'psp':
        return installPsp(context, hooks as unknown as PspModule, previous);
      case 'satp':
        return installSatp(context, hooks as unknown as SatpModule, previous);
      case 'mpp':
        return installMpp(context, hooks as unknown as MppModule, previous);
    }
  }
}

/** Reads a module's name, role and hooks once (under the guard: they may be getters). */
function readHooks(module: object): { role: PluginRole; hooks: Record<string, unknown> } {
  // Each property is read once: a getter could answer differently to a second read.
  const m = module as Record<string, unknown>;
  const read = new Map<string, unknown>();
  const get = (key: string) => {
    if (!read.has(key)) read.set(key, m[key]);
    return read.get(key);
  };
  const fn = (key: string) => typeof get(key) === 'function';
  const role: PluginRole | undefined = fn('selectPath') ? 'psp' : fn('onError') || fn('checkPaths') ? 'satp' : fn('claimPath') || fn('startCommand') ? 'mpp' : undefined;
  if (!role) throw new Error('its default export has none of the hooks of a plugin: selectPath (a PSP), onError and checkPaths (an SATP), or claimPath and startCommand (an MPP)');
  const spec = ROLES[role];
  const name = get('name');
  if (typeof name !== 'string') throw new Error(`a ${role.toUpperCase()} needs a name: a string such as 'LAB_${role.toUpperCase()}_MINE'`);
  const hooks: Record<string, unknown> = { name };
  for (const key of spec.required) {
    if (!fn(key)) throw new Error(`a ${role.toUpperCase()} needs a ${key} function`);
    hooks[key] = get(key);
  }
  for (const key of spec.optional) {
    const value = get(key);
    if (value === undefined) continue;
    if (typeof value !== 'function') throw new Error(`${key} must be a function`);
    hooks[key] = value;
  }
  for (const key of spec.strings) {
    const value = get(key);
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Error(`${key} must be a string`);
    hooks[key] = value;
  }
  if (role === 'satp' && hooks.defaultPsp === undefined) hooks.defaultPsp = 'VMW_PSP_MRU';
  return { role, hooks };
}
