/**
 * Zeek's top-k counter (`opaque of topk`, the topk_* built-ins): the
 * Space-Saving algorithm of Metwally et al. (2005) as Zeek interprets it,
 * with Zeek's results where the algorithm leaves a choice:
 *
 * - counts live in buckets ordered by count; a bucket keeps its elements in
 *   the order they arrived in it (an element moving up goes to the end of
 *   its new bucket);
 * - a new value while fewer than `size` are tracked joins the bucket of
 *   count 1; when `size` are tracked, it takes the place of the oldest
 *   element of the smallest bucket, inheriting that count as its epsilon
 *   (its possible overestimate), then counts one more;
 * - `top(k)` reads whole buckets from the largest down until it holds k
 *   elements or more (so it may return more than k);
 * - `merge` adds the other counter's counts and epsilons bucket by bucket,
 *   from its smallest; a new element goes to the end of its bucket; merging
 *   keeps every element unless asked to prune back to `size` (the oldest of
 *   the smallest buckets go first), after which `sum` no longer counts the
 *   observations (Zeek warns).
 * Asking the count or epsilon of a value not tracked is an error (0), as is
 * `top` of an empty counter ([]), reported as Zeek's reporter does.
 * Values are told apart by `key` (a value's identity, as Zeek's hash of it).
 */

/** Where a probabilistic structure reports what Zeek's reporter would (an error or a warning line). */
export type ProbabilisticReport = (level: "error" | "warning", message: string) => void;

/** Without a report function: a stderr line, as the engine's built-in errors before scripts load. */
export const reportToStderr: ProbabilisticReport = (level, message) => void process.stderr.write(`bronze: ${level}: ${message}\n`);

interface Bucket<T> {
  count: number;
  /** The bucket's elements, oldest first (a Set keeps insertion order). */
  readonly elements: Set<Element<T>>;
  prev: Bucket<T> | null;
  next: Bucket<T> | null;
}

interface Element<T> {
  readonly value: T;
  readonly id: string;
  epsilon: number;
  bucket: Bucket<T>;
}

export interface TopKOptions<T> {
  /** A value's identity: equal keys are the same value (default: JSON of the value). */
  readonly key?: (value: T) => string;
  readonly report?: ProbabilisticReport;
}

export class TopK<T> {
  /** The smallest and largest buckets (a list in ascending count). */
  private lowest: Bucket<T> | null = null;
  private highest: Bucket<T> | null = null;
  private readonly elements = new Map<string, Element<T>>();
  private pruned = false;
  private readonly key: (value: T) => string;
  private readonly report: ProbabilisticReport;

  /** topk_init: a counter that tracks `size` values (at least 1). */
  constructor(
    readonly size: number,
    options: TopKOptions<T> = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a top-k counter tracks at least one value, not ${size}`);
    this.key = options.key ?? ((v) => JSON.stringify(v));
    this.report = options.report ?? reportToStderr;
  }

  /** topk_add: one more observation of `value`. */
  add(value: T): void {
    const id = this.key(value);
    let e = this.elements.get(id);
    if (e === undefined) {
      if (this.elements.size < this.size) {
        this.insertAtOne(value, id);
        return;
      }
      e = this.replaceOldestSmallest(value, id);
    }
    this.increment(e, 1);
  }

  /** topk_get_top: the values of the largest buckets, whole buckets until at least k (fewer when fewer are tracked). */
  top(k: number): T[] {
    if (this.elements.size === 0) {
      this.report("error", "Cannot return topk of empty");
      return [];
    }
    const out: T[] = [];
    for (let b = this.highest; b !== null && out.length < k; b = b.prev) for (const e of b.elements) out.push(e.value);
    return out;
  }

  /** topk_count: the (over)estimated count of a tracked value; 0 and an error for another. */
  count(value: T): number {
    const e = this.lookup(value, "GetCount");
    return e === undefined ? 0 : e.bucket.count;
  }

  /** topk_epsilon: how much a tracked value's count may overestimate; 0 and an error for another. */
  epsilon(value: T): number {
    const e = this.lookup(value, "GetEpsilon");
    return e === undefined ? 0 : e.epsilon;
  }

  /** topk_sum: the sum of all counts (the observations, until a pruning merge: then Zeek warns). */
  sum(): number {
    let total = 0;
    for (let b = this.lowest; b !== null; b = b.next) total += b.elements.size * b.count;
    if (this.pruned) this.report("warning", "TopkVal::GetSum() was used on a pruned data structure. Result values do not represent total element count");
    return total;
  }

  /** How many values are tracked (more than `size` after merges without pruning). */
  get tracked(): number {
    return this.elements.size;
  }

  /** topk_merge (prune false) and topk_merge_prune (true): `other`'s counts and epsilons added to these. */
  merge(other: TopK<T>, prune = false): void {
    for (let b = other.lowest; b !== null; b = b.next) {
      for (const from of b.elements) {
        let e = this.elements.get(from.id);
        if (e === undefined) e = this.insertAtZero(from.value, from.id);
        e.epsilon += from.epsilon;
        this.increment(e, b.count);
      }
    }
    if (prune) this.pruneToSize();
  }

  /** A copy (Zeek's clone: a merge into a new counter of the same size). */
  clone(): TopK<T> {
    const copy = new TopK<T>(this.size, { key: this.key, report: this.report });
    copy.merge(this);
    return copy;
  }

  private lookup(value: T, what: string): Element<T> | undefined {
    const e = this.elements.get(this.key(value));
    if (e === undefined) this.report("error", `${what} for element that is not in top-k`);
    return e;
  }

  /** A new value while there is room: at the end of the bucket of count 1 (made at the bottom when missing). */
  private insertAtOne(value: T, id: string): void {
    const bucket = this.lowest !== null && this.lowest.count === 1 ? this.lowest : this.newBucket(1, null, this.lowest);
    this.track(value, id, bucket, 0);
  }

  /** A value a merge brings: in a bucket of count 0 at the bottom, from which its increment lifts it. */
  private insertAtZero(value: T, id: string): Element<T> {
    return this.track(value, id, this.newBucket(0, null, this.lowest), 0);
  }

  /** A new value when full: the smallest bucket's oldest element makes way; the newcomer inherits its count as epsilon. */
  private replaceOldestSmallest(value: T, id: string): Element<T> {
    const bucket = this.lowest!;
    const oldest = bucket.elements.values().next().value!;
    bucket.elements.delete(oldest);
    this.elements.delete(oldest.id);
    return this.track(value, id, bucket, bucket.count);
  }

  private track(value: T, id: string, bucket: Bucket<T>, epsilon: number): Element<T> {
    const e: Element<T> = { value, id, epsilon, bucket };
    bucket.elements.add(e);
    this.elements.set(id, e);
    return e;
  }

  /** Moves `e` up by `by`: to the end of the bucket of its new count, made where the order needs it. */
  private increment(e: Element<T>, by: number): void {
    const from = e.bucket;
    const target = from.count + by;
    let after = from;
    while (after.next !== null && after.next.count < target) after = after.next;
    const to = after.next !== null && after.next.count === target ? after.next : this.newBucket(target, after, after.next);
    from.elements.delete(e);
    to.elements.add(e);
    e.bucket = to;
    if (from.elements.size === 0) this.unlink(from);
  }

  /** Removes the oldest elements of the smallest buckets until `size` remain. */
  private pruneToSize(): void {
    while (this.elements.size > this.size) {
      this.pruned = true;
      const bucket = this.lowest!;
      const oldest = bucket.elements.values().next().value!;
      bucket.elements.delete(oldest);
      this.elements.delete(oldest.id);
      if (bucket.elements.size === 0) this.unlink(bucket);
    }
  }

  private newBucket(count: number, prev: Bucket<T> | null, next: Bucket<T> | null): Bucket<T> {
    const b: Bucket<T> = { count, elements: new Set(), prev, next };
    if (prev === null) this.lowest = b;
    else prev.next = b;
    if (next === null) this.highest = b;
    else next.prev = b;
    return b;
  }

  private unlink(b: Bucket<T>): void {
    if (b.prev === null) this.lowest = b.next;
    else b.prev.next = b.next;
    if (b.next === null) this.highest = b.prev;
    else b.next.prev = b.prev;
  }
}
