// A discrete-event clock in virtual microseconds. Events fire in (time, order of scheduling) order,
// so the same inputs always give the same run. Events are kept in a binary heap of slots that are
// reused: scheduling on the I/O path allocates nothing once the heap has grown to its working size.

/** Something that can be woken by the clock; `arg` tells it which of its timers fired. */
export interface TimerTarget {
  onTimer(arg: number): void;
}

export class Clock {
  /** Virtual time now, in microseconds. */
  now = 0;
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly targets: (TimerTarget | undefined)[] = [];
  private readonly args: number[] = [];
  /** Heap of slot indexes ordered by (time, seq). */
  private readonly heap: number[] = [];
  private readonly freeSlots: number[] = [];
  private seq = 0;
  /** Work outside virtual time (an IndexedDB load) that must finish before time may advance. */
  private holds = 0;
  private released: (() => void)[] = [];

  /** Wakes `target` with `arg` at virtual time `at` (never earlier than now). */
  at(at: number, target: TimerTarget, arg = 0): void {
    this.atInOrder(at, target, arg, this.seq++);
  }

  /** A place in the order of events at equal times, taken now for an event scheduled later. */
  reserveOrder(): number {
    return this.seq++;
  }

  /**
   * Like at(), with an order reserved earlier: the event sorts among those at the same time as if it
   * had been scheduled when the order was reserved (an answer that came back asynchronously).
   */
  atInOrder(at: number, target: TimerTarget, arg: number, order: number): void {
    const slot = this.freeSlots.pop() ?? this.times.length;
    this.times[slot] = Math.max(at, this.now);
    this.seqs[slot] = order;
    this.targets[slot] = target;
    this.args[slot] = arg;
    this.heap.push(slot);
    this.siftUp(this.heap.length - 1);
  }

  after(delayUs: number, target: TimerTarget, arg = 0): void {
    this.at(this.now + delayUs, target, arg);
  }

  /** Time of the next event, or Infinity. */
  get next(): number {
    return this.heap.length === 0 ? Infinity : this.times[this.heap[0]];
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Keeps time from advancing until release(); for work that completes outside virtual time. */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds === 0) throw new Error('clock released more often than held');
    if (--this.holds === 0) {
      const waiting = this.released;
      this.released = [];
      for (const resume of waiting) resume();
    }
  }

  get held(): boolean {
    return this.holds > 0;
  }

  /** Resolves once nothing holds the clock. */
  whenReleased(): Promise<void> {
    return this.holds === 0 ? Promise.resolve() : new Promise((resolve) => this.released.push(resolve));
  }

  /**
   * Fires events up to and including virtual time `until`, then sets now to `until`. Stops early
   * (returning false) when something holds the clock; call again after whenReleased().
   */
  runUntil(until: number): boolean {
    while (this.heap.length > 0 && this.times[this.heap[0]] <= until) {
      if (this.holds > 0) return false;
      this.fireNext();
    }
    if (this.holds > 0) return false;
    this.now = Math.max(this.now, until);
    return true;
  }

  /** Fires the earliest event. */
  fireNext(): void {
    const slot = this.heap[0];
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    this.now = this.times[slot];
    const target = this.targets[slot]!;
    this.targets[slot] = undefined;
    this.freeSlots.push(slot);
    target.onTimer(this.args[slot]);
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a];
    const tb = this.times[b];
    return ta < tb || (ta === tb && this.seqs[a] < this.seqs[b]);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      const t = heap[i];
      heap[i] = heap[parent];
      heap[parent] = t;
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l], heap[m])) m = l;
      if (r < heap.length && this.less(heap[r], heap[m])) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  }
}
