// One device of a learner's MPP: the framework's LogicalDevice, the view the learner gets of it (an
// MppDevice whose send and setPathState go back to the adapter, which checks every argument), the
// usable-path cache, and the commands parked while no path is usable or a LUN reset is being dealt
// with. Also the ClaimedPath views offered while claiming.

import type { ClaimedPath, Device, MppDevice } from '../plugin-api';
import type { LogicalDevice } from '../psa/device';
import type { IoRequest } from '../psa/io-request';
import { pathStateVersion, type PathImpl } from '../psa/path';
import type { TimerTarget } from '../sim/clock';
import { deviceView, extendedPathView, type PathViews } from './views';

/** What a device asks of the adapter that owns it. */
export interface DeviceOwner {
  now(): number;
  send(device: LearnerMppDevice, path: unknown, cdb: unknown, done: unknown, dataOut: unknown): void;
  setPathState(device: LearnerMppDevice, path: unknown, state: unknown, alua: unknown): void;
  deviceTimer(device: LearnerMppDevice, arg: number): void;
}

const NO_CONFIG = Object.freeze({});

export class LearnerMppDevice {
  /** The learner's view: its own scratch state, paths as read-only views, send and setPathState. */
  readonly view: MppDevice;
  /** Commands waiting for a usable path (or for the end of a LUN reset), oldest first. */
  readonly parked: IoRequest[] = [];
  /** TEST UNIT READYs of the framework's path check still out, by path. */
  readonly checking = new Set<PathImpl>();
  /** Commands the learner sent with send() and not yet answered (bounded: each holds a buffer). */
  sends = 0;
  /** The learner's taskManagement runs: new commands wait for its done (or its time bound). */
  taskPending = false;
  /** Task management calls so far: a late done or time-out of an earlier call is recognised. */
  taskSeq = 0;
  /** A re-drive of the parked commands is scheduled. */
  redrivePending = false;
  /** The framework's own rotation, used while the learner's code is off. */
  rotation = 0;
  /** The device's own timer target, so its timers name it. */
  readonly timers: TimerTarget;
  private usable: PathImpl[] = [];
  private usableVersion = -1;
  private usableCount = -1;

  constructor(
    readonly logical: LogicalDevice,
    owner: DeviceOwner,
    views: PathViews,
  ) {
    this.timers = { onTimer: (arg) => owner.deviceTimer(this, arg) };
    const base: Device = {
      id: logical.id,
      vendor: logical.vendor,
      model: logical.model,
      get paths() {
        return logical.paths;
      },
      pspConfig: NO_CONFIG,
      state: {},
      now: () => owner.now(),
    };
    this.view = deviceView<MppDevice>(base, views, () => ({
      send: (path, cdb, done, dataOut) => owner.send(this, path, cdb, done, dataOut),
      setPathState: (path, state, alua) => owner.setPathState(this, path, state, alua),
    }));
  }

  get paths(): PathImpl[] {
    return this.logical.paths;
  }

  /** The path list changed (claim, removal): recompute the usable ones. */
  invalidate(): void {
    this.usableVersion = -1;
  }

  /** Paths a command may take: active ones, in runtime-name order (cached between changes). */
  usablePaths(): PathImpl[] {
    if (this.usableVersion !== pathStateVersion || this.usableCount !== this.paths.length) {
      this.usable = this.paths.filter((p) => p.state === 'active');
      this.usableVersion = pathStateVersion;
      this.usableCount = this.paths.length;
    }
    return this.usable;
  }
}

const claimedOf = new WeakMap<PathImpl, ClaimedPath>();

/** What the claim rules offer a learner's MPP: the path's live view plus what discovery read of its LUN. */
export function claimedView(path: PathImpl): ClaimedPath {
  let claimed = claimedOf.get(path);
  if (!claimed) {
    const { deviceId, vendor, model } = path.identity;
    claimed = extendedPathView(path, { deviceId, vendor, model });
    claimedOf.set(path, claimed);
  }
  return claimed;
}
