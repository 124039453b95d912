/**
 * A script table whose iteration order is Zeek's: Zeek's scripts write some
 * log rows from a `for` loop over a table (HTTP's pending requests, DNS's
 * unmatched messages) and print sets element by element, and Zeek iterates
 * a table in the order of its hash table's slots. Run with a seed file,
 * Zeek's order is fixed by the seed, and bronze's logs must follow it.
 *
 * The model (written from the behaviour of Zeek's Dictionary, src/Dict.h):
 *
 * - open addressing over 2^b buckets plus b overflow slots; a key's bucket
 *   is the low b bits of the low 32 bits of its hash times 2^64/φ. An entry
 *   records its distance from its bucket. Entries of one bucket lie next to
 *   each other ("clusters"), clusters in bucket order, so a lookup scans
 *   one cluster;
 * - a new key goes at the end of its bucket's cluster; an entry in the way
 *   moves to the end of its own cluster, and so on until a free slot;
 * - a removal fills the hole with the tail of the following cluster, and so
 *   on, until a free slot or an entry already in its bucket;
 * - the table starts with no slots, gets one at the first insertion, and
 *   doubles its buckets when an insertion makes it hold more entries than
 *   its slots (up to 2^3 buckets) or 75 % of them (beyond), or when free
 *   slots have been found too far from the insertion points. Doubling keeps
 *   every entry where it is: entries move to their new buckets a few at a
 *   time, from the last old slot down, after each insertion (16 moves at
 *   most), and whenever a lookup finds a key not yet moved.
 *
 * Iteration visits the slots in order. Table expiration iterates "robustly"
 * (sweep): an entry that a removal pulls back across the iteration point is
 * visited next, and no entry moves to a new bucket while it runs.
 *
 * Nothing here runs per packet: a
 * table is made when a script first needs it (a connection's first HTTP
 * request, say), and each operation costs one SipHash of its key.
 */

/** A key's hash as Zeek's dictionary keeps it: the low 32 bits of its 64-bit keyed hash. */
export type KeyHash<K> = (key: K) => number;

interface Slot<K, V> {
  readonly key: K;
  value: V;
  readonly hash: number;
  /** How far the entry lies past its bucket. */
  distance: number;
}

/** The low 32 bits of 2^64/φ: the low bits of hash × 2^64/φ, all a bucket needs, are those of hash times this. */
const FIB_LOW = 0x7f4a7c15;
/** Entries a round of incremental remapping may move. */
const REMAP_MOVES = 16;
/** Up to this many bucket bits, the table grows only when full. */
const SMALL_BITS = 3;
/** Free slots found this far (on average) from insertion points, over enough insertions, double the buckets. */
const FAR_SPACE = 32;
const FAR_SPACE_SAMPLES = 128;

/** The bucket of a hash among 2^bits. */
export function bucketOf(hash: number, bits: number): number {
  if (bits === 0) return 0;
  return (Math.imul(hash, FIB_LOW) >>> 0) & ((1 << bits) - 1);
}

export class ZeekTable<K extends number | string, V> {
  /** The slots (none before the first insertion): 2^bits buckets and `bits` overflow slots. */
  private slots: (Slot<K, V> | undefined)[] = [];
  private bits = 0;
  /** How many doublings have entries not yet moved to their new buckets. */
  private remaps = 0;
  /** The highest slot that may hold an entry not yet moved (-1: none). */
  private remapEnd = -1;
  private entries_ = 0;
  /** Distances from insertion points to the free slots they used, since the last doubling. */
  private spaceSum = 0;
  private spaceSamples = 0;
  /** Where the last failed lookup would insert its key. */
  private insertAt = 0;
  /** A sweep is running: entries are not moved to new buckets meanwhile. */
  private sweeping = false;

  /** The last key hashed and its hash: scripts look the same key up again and again (HTTP's current request). */
  private lastKey: K | undefined = undefined;
  private lastHash = 0;

  constructor(private readonly hashKey: KeyHash<K>) {}

  private hashOf(key: K): number {
    if (key !== this.lastKey) {
      this.lastHash = this.hashKey(key);
      this.lastKey = key;
    }
    return this.lastHash;
  }

  get size(): number {
    return this.entries_;
  }

  /** The value of `key` (a lookup: it may move the key to its new bucket, as Zeek's does). */
  get(key: K): V | undefined {
    const at = this.find(key, this.hashOf(key));
    return at < 0 ? undefined : this.slots[at]!.value;
  }

  has(key: K): boolean {
    return this.find(key, this.hashOf(key)) >= 0;
  }

  set(key: K, value: V): this {
    if (this.slots.length === 0) this.slots = new Array<Slot<K, V> | undefined>(this.capacity()).fill(undefined);
    const hash = this.hashOf(key);
    const at = this.find(key, hash);
    if (at >= 0) this.slots[at]!.value = value;
    else this.insert({ key, value, hash, distance: this.insertAt - bucketOf(hash, this.bits) });
    if (this.remapEnd >= 0 && !this.sweeping) this.remapSome();
    return this;
  }

  delete(key: K): boolean {
    const at = this.find(key, this.hashOf(key));
    if (at < 0) return false;
    this.removeAt(at);
    this.entries_--;
    return true;
  }

  /** Empties the table back to no slots (Zeek's clear_table makes a new dictionary). */
  clear(): void {
    this.slots = [];
    this.bits = 0;
    this.remaps = 0;
    this.remapEnd = -1;
    this.entries_ = 0;
    this.spaceSum = 0;
    this.spaceSamples = 0;
  }

  /** The entries in Zeek's iteration order (a copy: the loop body may change the table). */
  entries(): [K, V][] {
    const out: [K, V][] = [];
    for (const s of this.slots) if (s !== undefined) out.push([s.key, s.value]);
    return out;
  }

  /**
   * Zeek's robust iteration, as its table expiration runs it: every entry
   * once, in slot order; when `visit` returns true its entry is removed, and
   * an entry the removal pulls back across the iteration point is visited
   * next. `visit` may look keys up but not insert or remove.
   */
  sweep(visit: (key: K, value: V) => boolean): void {
    this.sweeping = true;
    try {
      const pulledBack: Slot<K, V>[] = [];
      let next = this.nextFilled(-1);
      for (;;) {
        const cur = pulledBack.pop() ?? this.slots[next];
        if (cur === undefined) return;
        if (cur === this.slots[next]) next = this.nextFilled(next);
        if (visit(cur.key, cur.value)) next = this.removeSwept(cur, next, pulledBack);
      }
    } finally {
      this.sweeping = false;
    }
  }

  keys(): K[] {
    return this.entries().map((e) => e[0]);
  }

  values(): V[] {
    return this.entries().map((e) => e[1]);
  }

  /** Removes `entry` during a sweep whose next slot is `next`; returns the next slot, adjusted. */
  private removeSwept(entry: Slot<K, V>, next: number, pulledBack: Slot<K, V>[]): number {
    const at = this.find(entry.key, entry.hash);
    if (at < 0) return next;
    const last = this.removeAt(at);
    this.entries_--;
    if (at < next && next <= last) pulledBack.push(this.slots[Math.max(this.clusterHead(next - 1), at)]!);
    return next < this.slots.length && this.slots[next] === undefined ? this.nextFilled(next) : next;
  }

  /** The first filled slot after `position` (the slot count when none). */
  private nextFilled(position: number): number {
    let i = position + 1;
    while (i < this.slots.length && this.slots[i] === undefined) i++;
    return i;
  }

  /** The first slot of the cluster `position` is in (Zeek's answer, which is `position`'s bucket when that slot holds another cluster's entry). */
  private clusterHead(position: number): number {
    const bucket = this.bucketAt(position);
    let i = position;
    while (i >= bucket && this.slots[i] !== undefined && this.bucketAt(i) === bucket) i--;
    return i === bucket ? i : i + 1;
  }

  private capacity(): number {
    return (1 << this.bits) + this.bits;
  }

  private bucketAt(position: number): number {
    return position - this.slots[position]!.distance;
  }

  /**
   * The slot of `key` in the cluster of bucket `begin`, scanning below `end`;
   * -1 when absent, with `insertAt` the slot it would go to.
   */
  private scan(key: K, begin: number, end: number): number {
    let i = begin;
    for (; i < end; i++) {
      const s = this.slots[i];
      if (s === undefined || i - s.distance > begin) break;
      if (i - s.distance === begin && s.key === key) return i;
    }
    this.insertAt = i;
    return -1;
  }

  /** The slot of `key`, or -1: in its bucket, else (while doubling) in its buckets of the sizes before, then moved. */
  private find(key: K, hash: number): number {
    if (this.slots.length === 0) return -1;
    const at = this.scan(key, bucketOf(hash, this.bits), this.slots.length);
    if (at >= 0) return at;
    const insertAt = this.insertAt;
    for (let i = 1; i <= this.remaps; i++) {
      const old = bucketOf(hash, this.bits - i);
      if (old > this.remapEnd) continue;
      const found = this.scan(key, old, this.remapEnd + 1);
      if (found >= 0) return this.sweeping ? found : (this.moveToBucket(found) ?? found);
    }
    this.insertAt = insertAt;
    return -1;
  }

  private insert(entry: Slot<K, V>): void {
    const at = this.insertAt;
    const last = this.place(entry, at);
    this.spaceSum += last - at;
    this.spaceSamples++;
    // Entries pushed across the remapping frontier must still be remapped.
    if (this.remapEnd >= 0 && at <= this.remapEnd && this.remapEnd < last) this.remapEnd = last;
    this.entries_++;
    if (this.entries_ > this.threshold() || this.spaceTooFar()) this.sizeUp();
  }

  private threshold(): number {
    const capacity = this.capacity();
    return this.bits <= SMALL_BITS ? capacity : Math.floor((capacity * 75) / 100);
  }

  private spaceTooFar(): boolean {
    return this.spaceSamples > FAR_SPACE_SAMPLES && this.spaceSum > this.spaceSamples * FAR_SPACE && this.entries_ > Math.floor((25 * this.capacity()) / 100);
  }

  /** The last slot of the cluster `position` is in. */
  private clusterTail(position: number): number {
    const bucket = this.bucketAt(position);
    let i = position;
    while (i < this.slots.length && this.slots[i] !== undefined && this.bucketAt(i) === bucket) i++;
    return i - 1;
  }

  /** Where a new entry of `bucket` goes: past its cluster (and the clusters of lower buckets that run into it). */
  private clusterEnd(bucket: number): number {
    let i = bucket;
    while (i < this.slots.length && this.slots[i] !== undefined && this.bucketAt(i) <= bucket) i++;
    return i;
  }

  /** Puts `entry` at `position`, each displaced entry to the end of its cluster; returns the last slot written. */
  private place(entry: Slot<K, V>, position: number): number {
    let e = entry;
    let at = position;
    for (;;) {
      // Past the last slot (only the overflow slots' end): the table doubles, and the slot is free.
      if (at >= this.slots.length) this.sizeUp();
      const here = this.slots[at];
      if (here === undefined) {
        this.slots[at] = e;
        return at;
      }
      const next = this.clusterTail(at) + 1;
      here.distance += next - at;
      this.slots[at] = e;
      e = here;
      at = next;
    }
  }

  /** Empties `position`, each hole filled by the tail of the cluster after it; returns the slot left empty. */
  private removeAt(position: number): number {
    let at = position;
    for (;;) {
      const next = at + 1 < this.slots.length ? this.slots[at + 1] : undefined;
      if (next === undefined || next.distance === 0) {
        this.slots[at] = undefined;
        return at;
      }
      const tail = this.clusterTail(at + 1);
      const moved = this.slots[tail]!;
      moved.distance -= tail - at;
      this.slots[at] = moved;
      at = tail;
    }
  }

  /** Moves the entry at `position` to its bucket of the current size; its new slot, or undefined when it was there. */
  private moveToBucket(position: number): number | undefined {
    const entry = this.slots[position]!;
    const bucket = bucketOf(entry.hash, this.bits);
    if (this.bucketAt(position) === bucket) return undefined;
    this.removeAt(position);
    const at = this.clusterEnd(bucket);
    entry.distance = at - bucket;
    this.place(entry, at);
    return at;
  }

  /** One round of incremental remapping, from the frontier down. */
  private remapSome(): void {
    let left = REMAP_MOVES;
    while (this.remapEnd >= 0 && left > 0) {
      // A moved entry leaves another in its slot: the same slot is looked at again.
      if (this.slots[this.remapEnd] !== undefined && this.moveToBucket(this.remapEnd) !== undefined) left--;
      else this.remapEnd--;
    }
    if (this.remapEnd < 0) this.remaps = 0;
  }

  /** Doubles the buckets; entries stay put until remapped. */
  private sizeUp(): void {
    const before = this.capacity();
    this.bits++;
    for (let i = before; i < this.capacity(); i++) this.slots.push(undefined);
    this.remapEnd = before;
    this.remaps++;
    this.spaceSum = 0;
    this.spaceSamples = 0;
  }
}

/**
 * A set declared `&ordered` in a script (Zeek iterates, and so logs, such a
 * set in the order its elements were added, not in its hash order): a script
 * that assigns one to a record's set field gets its own order in the log.
 */
export class ZeekOrderedSet<K> extends Set<K> {}

/** The elements of `set` in Zeek's iteration order: added order for a ZeekOrderedSet, else zeekSetOrder's. */
export function zeekSetIteration<K extends number | string>(hash: KeyHash<K>, set: ReadonlySet<K>): K[] {
  return set instanceof ZeekOrderedSet ? [...set] : zeekSetOrder(hash, set);
}

/** The elements of a set built by adding `items` in turn (duplicates once), in Zeek's iteration order. */
export function zeekSetOrder<K extends number | string>(hash: KeyHash<K>, items: Iterable<K>): K[] {
  // One element has one order: no table (SMTP's RCPT TO asks for each address, nearly always one).
  if (Array.isArray(items) && items.length < 2) return items.slice();
  const set = new ZeekTable<K, true>(hash);
  for (const item of items) set.set(item, true);
  return set.keys();
}
