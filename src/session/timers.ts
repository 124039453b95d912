/**
 * Network-time timers: one binary min-heap mirroring Zeek's PriorityQueue
 * exactly (§6.2), so that timers due at the same time fire in Zeek's order.
 *
 *  - insert appends and sifts up while the parent is strictly later;
 *  - pop takes the root, moves the last element to the root and sifts down,
 *    preferring the left child only when it is strictly earlier than the right;
 *  - there is no tie-breaker (equal times keep whatever order the heap gives);
 *  - cancel sets the time to −∞, sifts up and pops, as Zeek's Remove(e) does.
 */

/** What a timer does when it fires; the session manager dispatches on it. */
export const TimerKind = {
  INACTIVITY: 0,
  STATUS_UPDATE: 1,
  TCP_EXPIRE: 2,
  TCP_ATTEMPT: 3,
  TCP_DELETE: 4,
  TCP_PARTIAL_CLOSE: 5,
  TCP_RESET: 6,
  DNS_EXPIRE: 7,
} as const;
export type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];

/**
 * One scheduled timer. `index` is its slot in the heap, −1 once out of it.
 * `next` chains the timers of one owner (kept lean: there are a few per
 * connection and thousands of connections).
 */
export class Timer<T> {
  index = -1;
  next: Timer<T> | null = null;
  /** kind in the low bits, bit 4: atShutdown (one field instead of two). */
  private readonly spec: number;

  constructor(
    public time: number,
    kind: TimerKind,
    public readonly owner: T,
    atShutdown: boolean,
  ) {
    this.spec = kind | (atShutdown ? 16 : 0);
  }

  get kind(): TimerKind {
    return (this.spec & 15) as TimerKind;
  }

  /** Zeek's do_expire: acts when flushed at end of input (§6.4). */
  get atShutdown(): boolean {
    return (this.spec & 16) !== 0;
  }
}

/** Heaps that never held more timers than this are not shrunk. */
const SHRINK_MIN = 4096;

export class TimerHeap<T> {
  private heap: Timer<T>[] = [];
  /** Largest size since the array was last copied: a JS array never gives storage back on its own. */
  private peak = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest timer, without removing it. */
  top(): Timer<T> | undefined {
    return this.heap[0];
  }

  add(timer: Timer<T>): void {
    const heap = this.heap;
    timer.index = heap.length;
    heap.push(timer);
    if (heap.length > this.peak) this.peak = heap.length;
    this.bubbleUp(timer.index);
  }

  /** Removes and returns the earliest timer. */
  pop(): Timer<T> | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      last.index = 0;
      this.bubbleDown(0);
    }
    top.index = -1;
    if (this.peak > SHRINK_MIN && heap.length * 8 < this.peak) {
      // After a flood of connections: a right-sized copy releases the big array.
      this.heap = heap.slice();
      this.peak = heap.length;
    }
    return top;
  }

  /** Takes `timer` out of the heap (no-op if it already left it). */
  cancel(timer: Timer<T>): void {
    if (timer.index < 0) return;
    const time = timer.time;
    timer.time = -Infinity;
    this.bubbleUp(timer.index);
    this.pop();
    timer.time = time;
  }

  private swap(a: number, b: number): void {
    const heap = this.heap;
    const ta = heap[a]!;
    const tb = heap[b]!;
    heap[a] = tb;
    tb.index = a;
    heap[b] = ta;
    ta.index = b;
  }

  private bubbleUp(bin: number): void {
    const heap = this.heap;
    while (bin > 0) {
      const parent = (bin - 1) >> 1;
      if (!(heap[parent]!.time > heap[bin]!.time)) return;
      this.swap(parent, bin);
      bin = parent;
    }
  }

  private bubbleDown(bin: number): void {
    const heap = this.heap;
    const n = heap.length;
    for (;;) {
      const v = heap[bin]!.time;
      const l = 2 * bin + 1;
      const r = l + 1;
      if (l >= n) return;
      let child: number;
      if (r >= n) child = l;
      else child = heap[l]!.time < heap[r]!.time ? l : r;
      if (!(v > heap[child]!.time)) return;
      this.swap(bin, child);
      bin = child;
    }
  }
}
