// What a learner's plugin gets of the stack: read-only views, never the stack's own objects. A
// built-in plugin may be handed a PathImpl; a learner's gets a frozen PathView over it, so it can
// read a path's state and counters live but cannot change them. Views are made once per path and
// per device and reused, so a command costs the plugin no allocation.

import type { AluaState, Device, Io, Path, PathState, PathStats } from '../plugin-api';
import type { PathImpl } from '../psa/path';

let behind: (value: unknown) => PathImpl | undefined;

export class PathView implements Path {
  // A private field: unreachable from plugin code, unforgeable (`#path in x`), and fast on the hot path.
  readonly #path: PathImpl;
  readonly stats: PathStats;

  constructor(path: PathImpl) {
    this.#path = path;
    this.stats = statsView(path);
    if (new.target === PathView) Object.freeze(this);
  }

  get name(): string {
    return this.#path.name;
  }
  get adapter(): string {
    return this.#path.adapter;
  }
  get target(): string {
    return this.#path.target;
  }
  get lun(): number {
    return this.#path.lun;
  }
  get state(): PathState {
    return this.#path.state;
  }
  get alua(): AluaState {
    return this.#path.alua;
  }
  get preferred(): boolean {
    return this.#path.preferred;
  }
  get outstanding(): number {
    return this.#path.outstanding;
  }

  // The one way from a view back to its path, kept in this module: a static method would be
  // reachable from plugin code through `view.constructor`.
  static {
    behind = (value) => (typeof value === 'object' && value !== null && #path in value ? (value as PathView).#path : undefined);
  }
}
Object.freeze(PathView);
Object.freeze(PathView.prototype);

/** A path view with more read-only facts about the path (what an MPP is offered when claiming). */
class ExtendedPathView extends PathView {
  constructor(path: PathImpl, facts: Record<string, string | number>) {
    super(path);
    Object.assign(this, facts);
    Object.freeze(this);
  }
}
Object.freeze(ExtendedPathView);
Object.freeze(ExtendedPathView.prototype);

export function extendedPathView<T extends Record<string, string | number>>(path: PathImpl, facts: T): PathView & Readonly<T> {
  return new ExtendedPathView(path, facts) as PathView & Readonly<T>;
}

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

/** The path behind a view a plugin returned, or undefined when it is no view of ours. */
export const pathOf = (value: unknown): PathImpl | undefined => behind(value);

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

  /**
   * A frozen array of views of `paths`, for a list the stack replaces rather than changes (the
   * usable paths NMP hands a PSP): the same array of views as long as it is the same list. The
   * last list asked for is kept at hand: on the hot path it is the same one, command after command.
   */
  list(paths: readonly PathImpl[]): readonly PathView[] {
    if (paths === this.lastPaths && paths.length === this.lastViews.length) return this.lastViews;
    let cached = this.lists.get(paths);
    if (!cached || cached.length !== paths.length) {
      cached = { length: paths.length, views: Object.freeze(paths.map((p) => this.of(p))) };
      this.lists.set(paths, cached);
    }
    this.lastPaths = paths;
    this.lastViews = cached.views;
    return cached.views;
  }

  /** The same for a list the stack changes in place (a device's paths): its contents are checked. */
  listOfLive(paths: readonly PathImpl[]): readonly PathView[] {
    const cached = this.lists.get(paths);
    if (cached && cached.length === paths.length && cached.views.every((v, i) => pathOf(v) === paths[i])) return cached.views;
    this.lists.delete(paths);
    if (this.lastPaths === paths) this.lastPaths = undefined;
    return this.list(paths);
  }

  private lastPaths: readonly PathImpl[] | undefined;
  private lastViews: readonly PathView[] = [];
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
// Plugins hold IoViews: neither the class nor its methods may be changed from their code.
Object.freeze(IoView);
Object.freeze(IoView.prototype);

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
      return views.listOfLive(device.paths as readonly PathImpl[]);
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
