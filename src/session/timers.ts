/**
 * Network-time timers: one binary min-heap mirroring Zeek's PriorityQueue
 * exactly (Zeek's TimerMgr), so that timers due at the same time fire in Zeek's order.
 *
 *  - insert appends and sifts up while the parent is strictly later;
 *  - pop takes the root, moves the last element to the root and sifts down,
 *    preferring the left child only when it is strictly earlier than the right;
 *  - there is no tie-breaker (equal times keep whatever order the heap gives);
 *  - cancel sets the time to −∞, sifts up and pops, as Zeek's Remove(e) does.
 *
 * Memory: a half-open connection has three timers and a SYN flood has
 * millions, so a timer is not an object. It is an id into typed arrays (its
 * kind, its heap position, the next timer of its owner) plus one owner
 * reference; the heap itself is one Float64Array holding each position's
 * due time and id side by side (a sift reads a time and then its id: one
 * cache line instead of two, which shows when millions of timers are
 * pending). About 30 bytes a timer instead of a 64-byte object and a 16-byte
 * boxed time.
 *
 * Each owner keeps its pending timers chained in insertion order from its
 * `timerHead` (cancellation goes in that order, as Zeek's lists do). Ids are
 * reused once a timer fired or was cancelled, so an id is only meaningful
 * while the timer is pending.
 */

/**
 * What a timer does when it fires. The session layer owns kinds 0 and 1 and
 * runs them itself; kinds 2 to 14 belong to the connection's analyzers, which
 * get them back through Conn.onTimer: kinds 2 to 6 to the transport analyzer
 * (TCP's in src/analyzer/tcp), 7 to 14 to the application analyzers under it
 * (DNS's expiry, declared by its component). Removal cancels them layer by
 * layer, the application analyzers' last, in Zeek's order (its session
 * adapter's timers, then its children's). Kind 15 is a TimerClient's: an
 * owner that is not a connection (a file's inactivity timer), run by its own
 * onTimer. Zeek has one timer manager for all of them, so they share one heap.
 */
export const TimerKind = {
  INACTIVITY: 0,
  STATUS_UPDATE: 1,
  TCP_EXPIRE: 2,
  TCP_ATTEMPT: 3,
  TCP_DELETE: 4,
  TCP_PARTIAL_CLOSE: 5,
  TCP_RESET: 6,
  /** An application analyzer's expiry of its flow (AnalyzerComponent.udpFlow.expiry: DNS's dns_session_timeout). */
  APP_EXPIRE: 7,
  /** A TimerClient's timer (the files framework's inactivity check): its owner is not a connection. */
  CLIENT: 15,
} as const;
export type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];

/** A set of timer kinds for cancelTimers: bit `1 << kind` per kind. */
export function kindMask(...kinds: TimerKind[]): number {
  let m = 0;
  for (const k of kinds) m |= 1 << k;
  return m;
}
export const ALL_KINDS = 0xffff;
/** The kinds of the session layer itself. */
export const SESSION_KINDS = kindMask(TimerKind.INACTIVITY, TimerKind.STATUS_UPDATE);
/** The kinds of application analyzers (7 to 14): cancelled after the transport analyzer's at removal. */
export const APP_KINDS = ALL_KINDS & ~0x7f & ~(1 << TimerKind.CLIENT);

/** Something timers belong to: it keeps the id of its first pending timer (NO_TIMER when none). */
export interface TimerOwner {
  timerHead: number;
}

/** A timer owner that is not a connection and runs its own timers (kind CLIENT): a file's inactivity timer. */
export interface TimerClient extends TimerOwner {
  /** Its timer is due (now is the clock's network time); `atEnd` when the heap is flushed at end of input (Zeek's is_expire). */
  onTimer(atEnd: boolean): void;
}

/** "No timer": an empty chain, the end of one, or an empty heap's top. */
export const NO_TIMER = -1;

const AT_SHUTDOWN = 16;
const INITIAL_CAPACITY = 64;
/** Tables that never held more timers than this are not shrunk. */
const SHRINK_MIN = 4096;
/** The tables are shrunk when fewer than 1/SHRINK_RATIO of their ids are pending. */
const SHRINK_RATIO = 32;
/**
 * Owner references are kept in chunks of 2^13 ids (64 KB, an ordinary heap
 * object): growing adds chunks instead of copying every reference into an
 * array twice the size, which under a flood cost ~0.8 s of copying at 4 M
 * timers and held the old array and its double at once.
 */
const OWNER_SHIFT = 13;
const OWNER_CHUNK = 1 << OWNER_SHIFT;
const OWNER_MASK = OWNER_CHUNK - 1;

function ownerChunk<T>(): (T | null)[] {
  return new Array<T | null>(OWNER_CHUNK).fill(null);
}

/** Chunks for ids below `size`. */
function ownerChunks<T>(size: number): (T | null)[][] {
  const chunks: (T | null)[][] = [];
  for (let n = 0; n < size; n += OWNER_CHUNK) chunks.push(ownerChunk<T>());
  return chunks;
}

function grownInt32(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

export class TimerHeap<T extends TimerOwner> {
  // The heap, by position.
  /** Position i's due time at [2i], its id at [2i + 1]. */
  private heap = new Float64Array(2 * INITIAL_CAPACITY);
  private count = 0;
  // The timers, by id. `link` chains an owner's timers, or the free ids.
  private pos = new Int32Array(INITIAL_CAPACITY);
  private link = new Int32Array(INITIAL_CAPACITY);
  private specs = new Uint8Array(INITIAL_CAPACITY);
  /** Id i's owner at owners[i >> OWNER_SHIFT][i & OWNER_MASK]. */
  private owners: (T | null)[][] = ownerChunks<T>(INITIAL_CAPACITY);
  private freeHead = NO_TIMER;
  /** Ids never handed out yet start here (below it: pending, or on the free list). */
  private fresh = 0;

  constructor() {
    // maybeShrink replaces the owners' chunks, late in a run (after a flood):
    // stored twice here, the field is known to V8 as mutable from the start,
    // and code optimised on it as a constant is not thrown away then (a dozen
    // timer functions; see doubles.ts).
    this.owners = ownerChunks<T>(INITIAL_CAPACITY);
  }

  get size(): number {
    return this.count;
  }

  /** Due time of the earliest timer (Infinity when there is none). */
  topTime(): number {
    return this.count === 0 ? Infinity : this.heap[0]!;
  }

  /** Whether the earliest timer is due at `now` (per packet: a boolean, not a boxed time). */
  due(now: number): boolean {
    return this.count !== 0 && this.heap[0]! <= now;
  }

  /** Schedules a timer of `kind` for `owner`, appended to the owner's chain; returns its id. */
  add(owner: T, kind: TimerKind, time: number, atShutdown: boolean): number {
    const id = this.allocate();
    this.specs[id] = kind | (atShutdown ? AT_SHUTDOWN : 0);
    this.owners[id >> OWNER_SHIFT]![id & OWNER_MASK] = owner;
    this.link[id] = NO_TIMER;
    if (owner.timerHead === NO_TIMER) owner.timerHead = id;
    else {
      let last = owner.timerHead;
      while (this.link[last] !== NO_TIMER) last = this.link[last]!;
      this.link[last] = id;
    }
    if (2 * this.count === this.heap.length) this.resizeHeap(this.count * 2);
    const at = this.count++;
    this.bubbleUp(at, time, id);
    return id;
  }

  kind(id: number): TimerKind {
    return (this.specs[id]! & 15) as TimerKind;
  }

  /** Zeek's do_expire: acts when flushed at end of input (session::Manager::Drain). */
  atShutdown(id: number): boolean {
    return (this.specs[id]! & AT_SHUTDOWN) !== 0;
  }

  owner(id: number): T {
    return this.owners[id >> OWNER_SHIFT]![id & OWNER_MASK]!;
  }

  /**
   * Takes the earliest timer out of the heap and returns its id (NO_TIMER if
   * empty). It stays its owner's until release(id), which must follow before
   * any other pop: read kind/owner, release, then act.
   */
  pop(): number {
    this.maybeShrink();
    return this.popRoot();
  }

  /** A popped timer is done: out of its owner's chain, its id free for reuse. */
  release(id: number): void {
    this.unlink(id);
    this.free(id);
  }

  /** Cancels the owner's pending timers whose kind is in `kinds` (a kindMask), in chain order. */
  cancel(owner: T, kinds: number): void {
    for (let id = owner.timerHead; id !== NO_TIMER; ) {
      const next = this.link[id]!;
      if ((kinds & (1 << (this.specs[id]! & 15))) !== 0) {
        this.remove(id);
        this.release(id);
      }
      id = next;
    }
  }

  /** The kinds of the owner's pending timers, in chain (insertion) order. */
  pendingKinds(owner: T): TimerKind[] {
    const kinds: TimerKind[] = [];
    for (let id = owner.timerHead; id !== NO_TIMER; id = this.link[id]!) kinds.push(this.kind(id));
    return kinds;
  }

  // ---------------------------------------------------------------- heap

  /** Zeek's Remove(e): −∞ at its position, sift up to the root, pop. */
  private remove(id: number): void {
    const at = this.pos[id]!;
    if (at < 0) return;
    this.bubbleUp(at, -Infinity, id);
    this.popRoot();
  }

  private popRoot(): number {
    if (this.count === 0) return NO_TIMER;
    const heap = this.heap;
    const top = heap[1]! | 0; // ids are read back as int32: a double index would box and take the slow keyed paths
    const last = --this.count;
    if (last > 0) this.bubbleDown(heap[2 * last]!, heap[2 * last + 1]! | 0);
    this.pos[top] = -1;
    return top;
  }

  // Sifting moves a hole instead of swapping pairs: the same comparisons, so
  // the same heap shape as Zeek's swaps give, with half the writes (a SYN
  // flood cancels two timers per connection, each a sift to the root and back).

  /** Puts timer `id`, due at `t`, at position `bin` (a hole) and sifts it up. */
  private bubbleUp(bin: number, t: number, id: number): void {
    const heap = this.heap;
    const pos = this.pos;
    while (bin > 0) {
      const parent = (bin - 1) >> 1;
      const pt = heap[2 * parent]!;
      if (!(pt > t)) break;
      const pid = heap[2 * parent + 1]! | 0;
      heap[2 * bin] = pt;
      heap[2 * bin + 1] = pid;
      pos[pid] = bin;
      bin = parent;
    }
    heap[2 * bin] = t;
    heap[2 * bin + 1] = id;
    pos[id] = bin;
  }

  /** Puts timer `id`, due at `v`, at the root (a hole) and sifts it down. */
  private bubbleDown(v: number, id: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const n = this.count;
    let bin = 0;
    for (;;) {
      const l = 2 * bin + 1;
      if (l >= n) break;
      let child = l;
      let ct = heap[2 * l]!;
      if (l + 1 < n) {
        const rt = heap[2 * l + 2]!;
        // The left child only when strictly earlier (Zeek's BubbleDown).
        if (!(ct < rt)) {
          child = l + 1;
          ct = rt;
        }
      }
      if (!(v > ct)) break;
      const cid = heap[2 * child + 1]! | 0;
      heap[2 * bin] = ct;
      heap[2 * bin + 1] = cid;
      pos[cid] = bin;
      bin = child;
    }
    heap[2 * bin] = v;
    heap[2 * bin + 1] = id;
    pos[id] = bin;
  }

  private resizeHeap(size: number): void {
    const heap = new Float64Array(2 * size);
    heap.set(this.heap.subarray(0, 2 * this.count));
    this.heap = heap;
  }

  // ---------------------------------------------------------------- ids

  private allocate(): number {
    if (this.freeHead !== NO_TIMER) {
      const id = this.freeHead;
      this.freeHead = this.link[id]!;
      return id;
    }
    if (this.fresh === this.pos.length) this.resizeTimers(this.fresh * 2);
    return this.fresh++;
  }

  private free(id: number): void {
    this.owners[id >> OWNER_SHIFT]![id & OWNER_MASK] = null;
    this.link[id] = this.freeHead;
    this.freeHead = id;
  }

  private unlink(id: number): void {
    const owner = this.owner(id);
    const next = this.link[id]!;
    if (owner.timerHead === id) {
      owner.timerHead = next;
      return;
    }
    let t = owner.timerHead;
    while (t !== NO_TIMER && this.link[t] !== id) t = this.link[t]!;
    if (t !== NO_TIMER) this.link[t] = next;
  }

  private resizeTimers(size: number): void {
    this.pos = grownInt32(this.pos, size);
    this.link = grownInt32(this.link, size);
    const specs = new Uint8Array(size);
    specs.set(this.specs.subarray(0, Math.min(this.specs.length, size)));
    this.specs = specs;
    for (let n = this.owners.length * OWNER_CHUNK; n < size; n += OWNER_CHUNK) this.owners.push(ownerChunk<T>());
  }

  /**
   * After a flood: when the tables are mostly empty (a 32nd in use), the
   * pending timers take ids 0… in heap order (their heap position) and every
   * table is copied right-sized, so the storage goes back. Only called
   * between timers (every allocated id is then in the heap).
   *
   * Waiting until the tables are a 32nd full (not an 8th) keeps the copy
   * small: under a flood the first shrink copied half a million timers while
   * the old tables were still held, which set the run's peak RSS. A timer's
   * new id is its old id's heap position (pos), and an owner's chain starts
   * at the one timer no other of its timers links to: neither needs a
   * renumbering table or a read of every owner.
   */
  private maybeShrink(): void {
    const capacity = this.pos.length;
    const n = this.count;
    if (capacity <= SHRINK_MIN || n * SHRINK_RATIO >= capacity) return;
    let size = INITIAL_CAPACITY;
    while (size < n * 2) size *= 2;
    const oldHeap = this.heap;
    const oldLink = this.link;
    const oldPos = this.pos;
    const oldSpecs = this.specs;
    const heap = new Float64Array(2 * size);
    const link = new Int32Array(size);
    const pos = new Int32Array(size);
    const specs = new Uint8Array(size);
    const owners = ownerChunks<T>(size);
    const linkedTo = new Uint8Array(n);
    for (let at = 0; at < n; at++) {
      const old = oldHeap[2 * at + 1]! | 0;
      const next = oldLink[old]!;
      const to = next === NO_TIMER ? NO_TIMER : oldPos[next]!;
      link[at] = to;
      if (to !== NO_TIMER) linkedTo[to] = 1;
      pos[at] = at;
      specs[at] = oldSpecs[old]!;
      owners[at >> OWNER_SHIFT]![at & OWNER_MASK] = this.owner(old);
      heap[2 * at] = oldHeap[2 * at]!;
      heap[2 * at + 1] = at;
    }
    for (let at = 0; at < n; at++) if (linkedTo[at] === 0) owners[at >> OWNER_SHIFT]![at & OWNER_MASK]!.timerHead = at;
    this.heap = heap;
    this.pos = pos;
    this.link = link;
    this.specs = specs;
    this.owners = owners;
    this.fresh = n;
    this.freeHead = NO_TIMER;
  }
}
