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
 * reference; the heap holds each position's due time and id side by side
 * in Float64Arrays (a sift reads a time and then its id: one cache line
 * instead of two, which shows when millions of timers are pending). About
 * 30 bytes a timer instead of a 64-byte object and a 16-byte boxed time.
 * The heap and most tables grow by chunks, not by copying (see SHIFT).
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
 * owner that is not a connection (a file's inactivity timer, a log's
 * rotation), run by its own onTimer. Zeek has one timer manager for all of
 * them, so they share one heap.
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
  /** An application analyzer's end of its flow a fixed time after its start (AnalyzerComponent.udpFlow.lifetime: RPC's rpc_timeout). */
  APP_LIFETIME: 8,
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

/**
 * Something that is not a connection and runs its own timers (kind CLIENT):
 * a file's inactivity timer, a log's rotation. Its timers are never
 * cancelled, so they are not chained from it (no timerHead): the chain's
 * reads and writes of `timerHead` then only ever see the connection classes,
 * few enough for V8's inline caches (with the clients' classes too they went
 * megamorphic, a lookup per timer).
 */
export interface TimerClient {
  /** Its timer is due (now is the clock's network time); `atEnd` when the heap is flushed at end of input (Zeek's is_expire). */
  onTimer(atEnd: boolean): void;
}

/** "No timer": an empty chain, the end of one, or an empty heap's top. */
export const NO_TIMER = -1;

const AT_SHUTDOWN = 16;
/**
 * The heap and the per-id tables but `pos` are lists of chunks of 2^13
 * entries: growing adds a chunk instead of copying the table into one twice
 * its size. Under a flood the copies were a seventh of the run's page faults
 * (each up to ~10 µs on a VM: the old table, its double and the copy all touch
 * fresh pages) and held both tables at the peak. A chunk's pages are touched
 * only as its entries are used, so a small run's first chunks cost address
 * space, not memory. `pos` (4 bytes an id) stays one array that doubles: the
 * sifts write it once a level, where a chunk lookup cost more than its copies.
 */
const SHIFT = 13;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;
/** Tables of a single chunk are not shrunk. */
const SHRINK_MIN = CHUNK;
/** The tables are shrunk when fewer than 1/SHRINK_RATIO of their ids are pending. */
const SHRINK_RATIO = 32;

/** Slot s's due time at [2s], its id at [2s + 1] (one cache line for both). */
type HeapChunk = Float64Array<ArrayBuffer>;

function heapChunk(): HeapChunk {
  return new Float64Array(2 * CHUNK);
}

function int32Chunk(): Int32Array<ArrayBuffer> {
  return new Int32Array(CHUNK);
}

function specChunk(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(CHUNK);
}

function ownerChunk<T>(): (T | null)[] {
  return new Array<T | null>(CHUNK).fill(null);
}

/** `make()` chunks enough for `size` entries. */
function chunksFor<C>(size: number, make: () => C): C[] {
  const chunks: C[] = [];
  for (let n = 0; n < size; n += CHUNK) chunks.push(make());
  return chunks;
}

/** The timers of owners `T` (chained, cancellable) and of clients `C` (kind CLIENT, neither). */
export class TimerHeap<T extends TimerOwner, C extends object = never> {
  /** Timers ever put into the heap. */
  private pushed = 0;
  // The heap, by slot: slot s in heap[s >> SHIFT] at 2 * (s & MASK). Zeek's
  // position p is slot p + 1 (slot 0 is unused): the children of slot s are
  // 2s and 2s + 1, a pair that never straddles two chunks, and its parent s >> 1.
  private heap: HeapChunk[] = [heapChunk()];
  private count = 0;
  /** Id i's slot in the heap (−1 once popped). */
  private pos = new Int32Array(CHUNK);
  // The other tables by id: id i in chunk i >> SHIFT at i & MASK. `link` chains an owner's timers, or the free ids.
  private link: Int32Array<ArrayBuffer>[] = [int32Chunk()];
  private specs: Uint8Array<ArrayBuffer>[] = [specChunk()];
  private owners: (T | C | null)[][] = [ownerChunk<T | C>()];
  private freeHead = NO_TIMER;
  /** Ids never handed out yet start here (below it: pending, or on the free list). */
  private fresh = 0;

  constructor() {
    // maybeShrink replaces the chunk lists, late in a run (after a flood):
    // stored twice here, the fields are known to V8 as mutable from the start,
    // and code optimised on them as constants is not thrown away then (a
    // dozen timer functions; see doubles.ts).
    this.heap = [heapChunk()];
    this.pos = new Int32Array(CHUNK);
    this.link = [int32Chunk()];
    this.specs = [specChunk()];
    this.owners = [ownerChunk<T | C>()];
  }

  get size(): number {
    return this.count;
  }

  /** Timers scheduled so far (get_timer_stats' cumulative). */
  get scheduled(): number {
    return this.pushed;
  }

  /** Due time of the earliest timer (Infinity when there is none). */
  topTime(): number {
    return this.count === 0 ? Infinity : this.heap[0]![2]!;
  }

  /**
   * Whether the earliest timer is due at the clock's time. Asked per packet:
   * the time is read here, because a double handed to a call that V8 does not
   * inline is boxed, one heap number per packet (V8 inlined this into
   * advanceTime in most runs, not in all: when it did not, a packet cost 16
   * bytes of garbage).
   */
  due(clock: { readonly now: number }): boolean {
    return this.count !== 0 && this.heap[0]![2]! <= clock.now;
  }

  /** Schedules a timer of `kind` for `owner`, appended to the owner's chain; returns its id. */
  add(owner: T, kind: TimerKind, time: number, atShutdown: boolean): number {
    const id = this.store(owner, kind, atShutdown);
    if (owner.timerHead === NO_TIMER) owner.timerHead = id;
    else {
      let last = owner.timerHead;
      for (let next = this.next(last); next !== NO_TIMER; next = this.next(last)) last = next;
      this.setNext(last, id);
    }
    this.push(time, id);
    return id;
  }

  /** Schedules a timer of kind CLIENT for `client` (acted on when flushed at end of input too); returns its id. */
  addClient(client: C, time: number): number {
    const id = this.store(client, TimerKind.CLIENT, true);
    this.push(time, id);
    return id;
  }

  /** A new id for a timer of `kind` belonging to `owner`, not yet chained or in the heap. */
  private store(owner: T | C, kind: TimerKind, atShutdown: boolean): number {
    const id = this.allocate();
    const c = id >> SHIFT;
    const i = id & MASK;
    this.specs[c]![i] = kind | (atShutdown ? AT_SHUTDOWN : 0);
    this.owners[c]![i] = owner;
    this.link[c]![i] = NO_TIMER;
    return id;
  }

  /** Puts timer `id`, due at `time`, into the heap. */
  private push(time: number, id: number): void {
    this.pushed++;
    const slot = ++this.count;
    if (slot === this.heap.length * CHUNK) this.heap.push(heapChunk());
    this.bubbleUp(slot, time, id);
  }

  kind(id: number): TimerKind {
    return (this.specs[id >> SHIFT]![id & MASK]! & 15) as TimerKind;
  }

  /** Zeek's do_expire: acts when flushed at end of input (session::Manager::Drain). */
  atShutdown(id: number): boolean {
    return (this.specs[id >> SHIFT]![id & MASK]! & AT_SHUTDOWN) !== 0;
  }

  owner(id: number): T | C {
    return this.owners[id >> SHIFT]![id & MASK]!;
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

  /** A popped timer is done: out of its owner's chain (a client's is in none), its id free for reuse. */
  release(id: number): void {
    if (this.kind(id) !== TimerKind.CLIENT) this.unlink(id);
    this.free(id);
  }

  /** Cancels the owner's pending timers whose kind is in `kinds` (a kindMask), in chain order. */
  cancel(owner: T, kinds: number): void {
    for (let id = owner.timerHead; id !== NO_TIMER; ) {
      const next = this.next(id);
      if ((kinds & (1 << this.kind(id))) !== 0) {
        this.remove(id);
        this.release(id);
      }
      id = next;
    }
  }

  /** The kinds of the owner's pending timers, in chain (insertion) order. */
  pendingKinds(owner: T): TimerKind[] {
    const kinds: TimerKind[] = [];
    for (let id = owner.timerHead; id !== NO_TIMER; id = this.next(id)) kinds.push(this.kind(id));
    return kinds;
  }

  /** The owner's timer after `id` in its chain (or the free id after it). */
  private next(id: number): number {
    return this.link[id >> SHIFT]![id & MASK]!;
  }

  private setNext(id: number, to: number): void {
    this.link[id >> SHIFT]![id & MASK] = to;
  }

  // ---------------------------------------------------------------- heap

  /** Zeek's Remove(e): −∞ at its position, sift up to the root, pop; in place when that gives the same heap. */
  private remove(id: number): void {
    const slot = this.pos[id]!;
    if (slot < 0) return;
    if (this.removeInPlace(slot)) {
      this.pos[id] = -1;
      this.inPlace++;
      return;
    }
    this.bubbleUp(slot, -Infinity, id);
    this.popRoot();
  }

  /** Removals done in place (removeInPlace), for the tests. */
  private inPlace = 0;

  get removedInPlace(): number {
    return this.inPlace;
  }

  /** The due time at `slot`. */
  private timeAt(slot: number): number {
    return this.heap[slot >> SHIFT]![(slot & MASK) << 1]!;
  }

  /**
   * Removes the timer at `slot` as a binary heap usually does (the last
   * timer takes its place and sifts up or down from there) when that leaves
   * the heap exactly as Zeek's Remove does; false, touching nothing, when it
   * might not. Zeek's way sifts the timer to the root (its ancestors each
   * one level down) and pops it, the last timer then sifting down from the
   * root: under a SYN flood, two sifts over the whole depth of a million
   * timers for each inactivity timer a removed connection cancels, where
   * the usual way moves a few slots near the bottom.
   *
   * Without ties the two agree: coming down from the root, the last timer
   * meets the displaced ancestors, each earlier than its new sibling, and
   * either stops where the usual sift up would put it or moves them all back
   * and goes on down from `slot`. A tie can part them, so the path from the
   * root is checked first (reads only): no ancestor due when the last timer
   * is, and none, displaced into a left child, due when that child's right
   * sibling is (Zeek's sift takes the right child on a tie). When the removed
   * timer is the last one, its parent plays the last timer's part.
   */
  private removeInPlace(slot: number): boolean {
    const n = this.count;
    const last = slot === n;
    // What comes down from the root in Zeek's pop: the last timer, or (removing the last) the removed one's parent.
    const lt = last ? (slot > 1 ? this.timeAt(slot >> 1) : 0) : this.timeAt(n);
    for (let s = slot; s > 1; s >>= 1) {
      const parent = s >> 1;
      const at = this.timeAt(parent);
      if (at === lt && !(last && s === slot)) return false;
      // Displaced into s (a left child), the ancestor meets s's right sibling, unless that is the last slot (popped).
      if ((s & 1) === 0 && s + 1 < n && this.timeAt(s + 1) === at) return false;
    }
    this.count = n - 1;
    if (last) return true;
    const lc = this.heap[n >> SHIFT]!;
    const li = (n & MASK) << 1;
    const lid = lc[li + 1]! | 0;
    if (slot > 1 && this.timeAt(slot >> 1) > lt) this.bubbleUp(slot, lt, lid);
    else this.bubbleDown(lt, lid, slot);
    return true;
  }

  private popRoot(): number {
    if (this.count === 0) return NO_TIMER;
    const top = this.heap[0]![3]! | 0; // ids are read back as int32: a double index would box and take the slow keyed paths
    const last = this.count--;
    if (last > 1) {
      const lc = this.heap[last >> SHIFT]!;
      const li = (last & MASK) << 1;
      this.bubbleDown(lc[li]!, lc[li + 1]! | 0);
    }
    this.pos[top] = -1;
    return top;
  }

  // Sifting moves a hole instead of swapping pairs: the same comparisons, so
  // the same heap shape as Zeek's swaps give, with half the writes (a SYN
  // flood cancels two timers per connection, each a sift to the root and back).
  //
  // The first chunk holds the heap's top 13 levels: a sift there indexes it
  // directly, as one flat array. Below, each level looks up the chunk of the
  // slot(s) it reads, and the hole's chunk is carried from level to level.

  /** Puts timer `id`, due at `t`, at `slot` (a hole) and sifts it up. */
  private bubbleUp(slot: number, t: number, id: number): void {
    const heap = this.heap;
    const top = heap[0]!;
    const pos = this.pos;
    if (slot >= CHUNK) {
      let hole = heap[slot >> SHIFT]!;
      let h = (slot & MASK) << 1;
      while (slot >= CHUNK) {
        const parent = slot >> 1;
        const pc = heap[parent >> SHIFT]!;
        const p = (parent & MASK) << 1;
        const pt = pc[p]!;
        if (!(pt > t)) {
          hole[h] = t;
          hole[h + 1] = id;
          pos[id] = slot;
          return;
        }
        const pid = pc[p + 1]! | 0;
        hole[h] = pt;
        hole[h + 1] = pid;
        pos[pid] = slot;
        slot = parent;
        hole = pc;
        h = p;
      }
    }
    while (slot > 1) {
      const parent = slot >> 1;
      const pt = top[2 * parent]!;
      if (!(pt > t)) break;
      const pid = top[2 * parent + 1]! | 0;
      top[2 * slot] = pt;
      top[2 * slot + 1] = pid;
      pos[pid] = slot;
      slot = parent;
    }
    top[2 * slot] = t;
    top[2 * slot + 1] = id;
    pos[id] = slot;
  }

  /** Puts timer `id`, due at `v`, at `from` (a hole; the root unless given) and sifts it down. */
  private bubbleDown(v: number, id: number, from = 1): void {
    const heap = this.heap;
    const top = heap[0]!;
    const pos = this.pos;
    const n = this.count;
    let slot = from;
    for (;;) {
      let child = 2 * slot;
      if (child > n || child >= CHUNK) break;
      let ct = top[2 * child]!;
      if (child < n) {
        const rt = top[2 * child + 2]!;
        // The left child only when strictly earlier (Zeek's BubbleDown).
        if (!(ct < rt)) {
          child++;
          ct = rt;
        }
      }
      if (!(v > ct)) break;
      const cid = top[2 * child + 1]! | 0;
      top[2 * slot] = ct;
      top[2 * slot + 1] = cid;
      pos[cid] = slot;
      slot = child;
    }
    let hole = heap[slot >> SHIFT]!;
    let h = (slot & MASK) << 1;
    for (;;) {
      let child = 2 * slot;
      if (child > n) break;
      const cc = heap[child >> SHIFT]!;
      let c = (child & MASK) << 1;
      let ct = cc[c]!;
      if (child < n) {
        const rt = cc[c + 2]!; // the right child, in the same chunk
        if (!(ct < rt)) {
          child++;
          c += 2;
          ct = rt;
        }
      }
      if (!(v > ct)) break;
      const cid = cc[c + 1]! | 0;
      hole[h] = ct;
      hole[h + 1] = cid;
      pos[cid] = slot;
      slot = child;
      hole = cc;
      h = c;
    }
    hole[h] = v;
    hole[h + 1] = id;
    pos[id] = slot;
  }

  // ---------------------------------------------------------------- ids

  private allocate(): number {
    if (this.freeHead !== NO_TIMER) {
      const id = this.freeHead;
      this.freeHead = this.next(id);
      return id;
    }
    if (this.fresh === this.pos.length) {
      const pos = new Int32Array(2 * this.fresh);
      pos.set(this.pos);
      this.pos = pos;
    }
    if (this.fresh === this.link.length * CHUNK) {
      this.link.push(int32Chunk());
      this.specs.push(specChunk());
      this.owners.push(ownerChunk<T | C>());
    }
    return this.fresh++;
  }

  private free(id: number): void {
    const c = id >> SHIFT;
    const i = id & MASK;
    this.owners[c]![i] = null;
    this.link[c]![i] = this.freeHead;
    this.freeHead = id;
  }

  private unlink(id: number): void {
    const owner = this.owner(id) as T;
    const next = this.next(id);
    if (owner.timerHead === id) {
      owner.timerHead = next;
      return;
    }
    let t = owner.timerHead;
    while (t !== NO_TIMER && this.next(t) !== id) t = this.next(t);
    if (t !== NO_TIMER) this.setNext(t, next);
  }

  /**
   * After a flood: when the tables are mostly empty (a 32nd in use), the
   * pending timers take ids 0… in heap order (their slot − 1) and every
   * table is rebuilt with just the chunks they need, so the storage goes back.
   * Only called between timers (every allocated id is then in the heap).
   *
   * Waiting until the tables are a 32nd full (not an 8th) keeps the copy
   * small while the old tables are still held. A timer's new id is its old
   * id's slot − 1 (from pos), and an owner's chain starts at the one timer no
   * other of its timers links to: neither needs a renumbering table or a read
   * of every owner.
   */
  private maybeShrink(): void {
    const capacity = this.link.length * CHUNK;
    const n = this.count;
    if (capacity <= SHRINK_MIN || n * SHRINK_RATIO >= capacity) return;
    // The new tables: heap slots 0 to n (slot 0 unused) and ids 0 to n - 1; allocate() and add() grow them from there.
    const heap = chunksFor(n + 1, heapChunk);
    const link = chunksFor(n, int32Chunk);
    const pos = new Int32Array(Math.max(CHUNK, n));
    const specs = chunksFor(n, specChunk);
    const owners = chunksFor(n, ownerChunk<T | C>);
    const linkedTo = new Uint8Array(n);
    for (let at = 0; at < n; at++) {
      const c = at >> SHIFT;
      const i = at & MASK;
      const slot = at + 1;
      const sc = this.heap[slot >> SHIFT]!;
      const s = (slot & MASK) << 1;
      const old = sc[s + 1]! | 0;
      const next = this.next(old);
      const to = next === NO_TIMER ? NO_TIMER : this.pos[next]! - 1;
      link[c]![i] = to;
      if (to !== NO_TIMER) linkedTo[to] = 1;
      pos[at] = slot;
      specs[c]![i] = this.specs[old >> SHIFT]![old & MASK]!;
      owners[c]![i] = this.owner(old);
      heap[slot >> SHIFT]![s] = sc[s]!;
      heap[slot >> SHIFT]![s + 1] = at;
    }
    // A chain starts at the one timer of its owner no other links to; clients' timers are in no chain.
    for (let at = 0; at < n; at++) {
      if (linkedTo[at] === 0 && (specs[at >> SHIFT]![at & MASK]! & 15) !== TimerKind.CLIENT) (owners[at >> SHIFT]![at & MASK] as T).timerHead = at;
    }
    this.heap = heap;
    this.pos = pos;
    this.link = link;
    this.specs = specs;
    this.owners = owners;
    this.fresh = n;
    this.freeHead = NO_TIMER;
  }
}
