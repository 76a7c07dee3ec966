// The workbench's time controls: paused, 1x and 10x (virtual time paced to the wall clock) or as
// fast as possible, plus single steps. Time advances through the lab session's queue, so it never
// moves in the middle of a console command, and after each advance a stats frame goes out (at most
// about 30 a second).

import type { LabSession } from '../cli/script';
import { FrameMaker, type StatsFrame } from './frames';

export type Speed = 'paused' | '1x' | '10x' | 'max';

const TICK_MS = 33;
/** A tick hands the thread back after this long, so the worker answers calls. */
const MAX_SLICE_MS = 25;
/** Virtual time advanced between two looks at the wall clock within a tick. */
const SLICE_US = 1_000;
/** A slow tick (a busy machine) is not made up for later: at most this much virtual time per tick. */
const MAX_PACED_US = 1_000_000;

export class TimeControl {
  speed: Speed = 'paused';
  private readonly frames: FrameMaker;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastTick = 0;
  /** Bumped by every speed change, so a tick that was running then does not start a second loop. */
  private generation = 0;

  constructor(
    private readonly session: LabSession,
    private readonly onFrame: (frame: StatsFrame) => void,
  ) {
    this.frames = new FrameMaker(session.host);
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (speed !== 'paused') {
      this.lastTick = performance.now();
      this.schedule();
    }
  }

  /** Advances virtual time by `us` (whatever the speed), then sends a frame. */
  async step(us: number): Promise<void> {
    const host = this.session.host;
    await this.session.exclusive(() => host.advance(us));
    this.onFrame(this.frames.make());
  }

  /** A frame now, without moving time (after a console command, say). */
  frame(): StatsFrame {
    return this.frames.make();
  }

  stop(): void {
    this.setSpeed('paused');
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), TICK_MS);
  }

  private async tick(): Promise<void> {
    const generation = this.generation;
    const host = this.session.host;
    const wall = performance.now();
    const elapsedMs = wall - this.lastTick;
    this.lastTick = wall;
    await this.session.exclusive(async () => {
      // Either way a tick gives the thread back after MAX_SLICE_MS: when the stack cannot keep up
      // (write-through LUNs wait for IndexedDB), virtual time falls behind the wall clock instead
      // of one tick taking seconds while every call from the page waits behind it.
      const started = performance.now();
      const factor = this.speed === '10x' ? 10 : 1;
      const target = this.speed === 'max' ? Infinity : host.clock.now + Math.round(Math.min(elapsedMs * 1000 * factor, MAX_PACED_US));
      while (host.clock.now < target && performance.now() - started < MAX_SLICE_MS && this.speed !== 'paused') {
        await host.advanceTo(Math.min(target, host.clock.now + SLICE_US));
      }
    });
    this.onFrame(this.frames.make());
    if (generation === this.generation && this.speed !== 'paused') this.schedule();
  }
}
