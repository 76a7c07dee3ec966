// What a learner's plugin gets of the stack: read-only views, never the stack's own objects. A
// built-in plugin may be handed a PathImpl; a learner's gets a frozen PathView over it, so it can
// read a path's state and counters live but cannot change them. Views are made once per path and
// per device and reused, so a command costs the plugin no allocation.

import type { AluaState, Device, Io, Path, PathState, PathStats } from '../plugin-api';
import type { PathImpl } from '../psa/path';

const impls = new WeakMap<PathView, PathImpl>();

export class PathView implements Path {
  readonly stats: PathStats;

  constructor(path: PathImpl) {
    impls.set(this, path);
    this.stats = statsView(path);
    Object.freeze(this);
  }

  get name(): string {
    return impl(this).name;
  }
  get adapter(): string {
    return impl(this).adapter;
  }
  get target(): string {
    return impl(this).target;
  }
  get lun(): number {
    return impl(this).lun;
  }
  get state(): PathState {
    return impl(this).state;
  }
  get alua(): AluaState {
    return impl(this).alua;
  }
  get preferred(): boolean {
    return impl(this).preferred;
  }
  get outstanding(): number {
    return impl(this).outstanding;
  }
}
Object.freeze(PathView.prototype);

function statsView(path: PathImpl): PathStats {
  const s = path.stats;
  return Object.freeze({
    get ios() {
      return s.ios;
    },
    get bytes() {
      return s.bytes;
    },
    get avgLatencyUs() {
      return s.avgLatencyUs;
    },
  });
}

/** A path view with more read-only facts about the path (what an MPP is offered when claiming). */
export function extendedPathView<T extends Record<string, string | number>>(path: PathImpl, facts: T): PathView & Readonly<T> {
  const properties: PropertyDescriptorMap = { stats: { value: statsView(path), enumerable: true } };
  for (const [key, value] of Object.entries(facts)) properties[key] = { value, enumerable: true };
  const view = Object.create(PathView.prototype, properties) as PathView & Readonly<T>;
  impls.set(view, path);
  return Object.freeze(view);
}

function impl(view: PathView): PathImpl {
  const path = impls.get(view);
  if (!path) throw new TypeError('not a path view');
  return path;
}

/** The path behind a view a plugin returned, or undefined when it is no view of ours. */
export function pathOf(value: unknown): PathImpl | undefined {
  return typeof value === 'object' && value !== null ? impls.get(value as PathView) : undefined;
}

/** Views of paths, each made once. */
export class PathViews {
  private readonly views = new WeakMap<PathImpl, PathView>();
  /** View arrays by the stack's own arrays (NMP caches its usable-path list between changes). */
  private readonly lists = new WeakMap<readonly PathImpl[], { length: number; views: readonly PathView[] }>();

  of(path: PathImpl): PathView {
    let view = this.views.get(path);
    if (!view) {
      view = new PathView(path);
      this.views.set(path, view);
    }
    return view;
  }

  /** A frozen array of views of `paths`, the same array as long as `paths` is unchanged. */
  list(paths: readonly PathImpl[]): readonly PathView[] {
    const cached = this.lists.get(paths);
    if (cached && cached.length === paths.length && cached.views.every((v, i) => impls.get(v) === paths[i])) return cached.views;
    const views = Object.freeze(paths.map((p) => this.of(p)));
    this.lists.set(paths, { length: paths.length, views });
    return views;
  }
}

/** A reusable view of one command: refilled before each hook call, so a plugin may keep it but not trust it later. */
export class IoView implements Io {
  op: Io['op'] = 'other';
  lba = 0;
  blocks = 0;
  bytes = 0;
  serial = 0;

  fill(io: Io): this {
    this.op = io.op;
    this.lba = io.lba;
    this.blocks = io.blocks;
    this.bytes = io.bytes;
    this.serial = io.serial;
    return this;
  }
}

/**
 * A learner's view of a device, over the stack's view `device`: the same id, names and scratch
 * state, its paths as views, its settings as a frozen copy.
 */
export function deviceView<T extends Device>(device: Device, views: PathViews, extra?: (view: Device) => Omit<T, keyof Device>): T {
  let config: Device['pspConfig'] | undefined;
  let configCopy: Device['pspConfig'] = {};
  const view: Device = {
    id: device.id,
    vendor: device.vendor,
    model: device.model,
    get paths() {
      return views.list(device.paths as readonly PathImpl[]);
    },
    get pspConfig() {
      if (device.pspConfig !== config) {
        config = device.pspConfig;
        configCopy = Object.freeze({ ...config });
      }
      return configCopy;
    },
    state: {},
    now: () => device.now(),
  };
  return Object.freeze(Object.assign(view, extra?.(view))) as T;
}
