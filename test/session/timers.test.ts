/**
 * The timer heap mirrors Zeek's PriorityQueue: strict comparisons, no
 * tie-breaker, cancel by −∞ (Zeek's TimerMgr). Equal-time order is pinned
 * against a hand-simulated Zeek heap. Timers are ids into typed arrays,
 * chained per owner; the tables shrink (ids renumbered) after a flood.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ALL_KINDS, kindMask, NO_TIMER, TimerHeap, TimerKind } from "../../src/session/timers.js";

class Owner {
  timerHead = NO_TIMER;
  constructor(readonly name: string) {}
}

/** Pops everything, returning "owner" or "owner:kind" names in firing order. */
function drain(h: TimerHeap<Owner>, withKind = false): string[] {
  const out: string[] = [];
  for (let id = h.pop(); id !== NO_TIMER; id = h.pop()) {
    out.push(withKind ? `${h.owner(id).name}:${h.kind(id)}` : h.owner(id).name);
    h.release(id);
  }
  return out;
}

function add(h: TimerHeap<Owner>, time: number, name: string, kind: TimerKind = TimerKind.INACTIVITY): Owner {
  const o = new Owner(name);
  h.add(o, kind, time, false);
  return o;
}

test("pops in time order", () => {
  const h = new TimerHeap<Owner>();
  for (const [t, n] of [
    [5, "e"],
    [1, "a"],
    [3, "c"],
    [2, "b"],
    [4, "d"],
  ] as const)
    add(h, t, n);
  assert.equal(h.topTime(), 1);
  assert.deepEqual(drain(h), ["a", "b", "c", "d", "e"]);
  assert.equal(h.topTime(), Infinity);
});

test("equal times come out in Zeek's heap order, not insertion order", () => {
  // Heap after adding A,B,C (all 1): [A,B,C]. Pop A: C moves to the root; children
  // [B] only → B < C? equal, no swap, so C pops next (a plain FIFO would give B).
  const h = new TimerHeap<Owner>();
  add(h, 1, "A");
  add(h, 1, "B");
  add(h, 1, "C");
  assert.deepEqual(drain(h), ["A", "C", "B"]);
});

test("with two equal children the right one is chosen (left only when strictly smaller)", () => {
  const h = new TimerHeap<Owner>();
  add(h, 0, "root");
  add(h, 1, "L");
  add(h, 1, "R");
  add(h, 2, "x");
  // pop root: x moves up; children L(1) and R(1) equal → right child R swaps up.
  assert.deepEqual(drain(h).slice(0, 2), ["root", "R"]);
});

test("cancel removes an owner's timers of the given kinds and keeps the rest ordered", () => {
  const h = new TimerHeap<Owner>();
  const owners = [5, 3, 8, 1, 9, 2].map((t, i) => add(h, t, `t${t}-${i}`));
  h.cancel(owners[2]!, ALL_KINDS);
  h.cancel(owners[3]!, kindMask(TimerKind.INACTIVITY));
  h.cancel(owners[3]!, ALL_KINDS); // nothing left: no-op
  h.cancel(owners[0]!, kindMask(TimerKind.TCP_EXPIRE)); // another kind: kept
  assert.equal(h.size, 4);
  assert.equal(owners[2]!.timerHead, NO_TIMER);
  assert.deepEqual(drain(h), ["t2-5", "t3-1", "t5-0", "t9-4"]);
});

test("an owner's chain keeps insertion order; cancelling the middle one relinks it", () => {
  const h = new TimerHeap<Owner>();
  const o = new Owner("c");
  h.add(o, TimerKind.TCP_EXPIRE, 5, false);
  h.add(o, TimerKind.TCP_ATTEMPT, 5, true);
  h.add(o, TimerKind.INACTIVITY, 300, false);
  assert.deepEqual(h.pendingKinds(o), [TimerKind.TCP_EXPIRE, TimerKind.TCP_ATTEMPT, TimerKind.INACTIVITY]);
  h.cancel(o, kindMask(TimerKind.TCP_ATTEMPT));
  assert.deepEqual(h.pendingKinds(o), [TimerKind.TCP_EXPIRE, TimerKind.INACTIVITY]);
  const first = h.pop();
  assert.equal(h.kind(first), TimerKind.TCP_EXPIRE);
  assert.equal(h.atShutdown(first), false);
  h.release(first);
  assert.deepEqual(h.pendingKinds(o), [TimerKind.INACTIVITY]);
  // The released id is reused by the next timer; the chain stays right.
  h.add(o, TimerKind.TCP_DELETE, 7, false);
  assert.deepEqual(h.pendingKinds(o), [TimerKind.INACTIVITY, TimerKind.TCP_DELETE]);
  assert.deepEqual(drain(h, true), [`c:${TimerKind.TCP_DELETE}`, `c:${TimerKind.INACTIVITY}`]);
  assert.equal(o.timerHead, NO_TIMER);
});

test("clients' timers share the order but no chain: cancelling an owner's leaves them, a shrink keeps them", () => {
  class Client {
    constructor(readonly name: string) {}
  }
  const heap = new TimerHeap<Owner, Client>();
  const owners: Owner[] = [];
  // Enough timers for a shrink later (tables over one chunk, then below a 32nd of them pending).
  for (let i = 0; i < 20000; i++) {
    const o = new Owner(`o${i}`);
    owners.push(o);
    heap.add(o, TimerKind.INACTIVITY, 1 + i / 1e4, false);
  }
  const late = new Client("late");
  heap.addClient(new Client("early"), 0.5);
  heap.addClient(late, 10);
  const first = heap.pop();
  assert.equal(heap.kind(first), TimerKind.CLIENT);
  assert.equal((heap.owner(first) as Client).name, "early");
  assert.ok(heap.atShutdown(first), "a client's timer acts when flushed at end of input");
  heap.release(first);
  for (const o of owners.slice(0, 19900)) heap.cancel(o, ALL_KINDS);
  assert.equal(heap.size, 101);
  const names: string[] = [];
  for (let id = heap.pop(); id !== NO_TIMER; id = heap.pop()) {
    const owner = heap.owner(id);
    names.push(owner instanceof Client ? owner.name : (owner as Owner).name);
    heap.release(id);
  }
  assert.deepEqual(names, [...owners.slice(19900).map((o) => o.name), "late"]);
  assert.ok(owners.every((o) => o.timerHead === NO_TIMER));
  assert.deepEqual(Object.keys(late), ["name"], "a client is given no chain field");
});

test("a heap that held many timers and shrank (ids renumbered) keeps order, chains and cancels", () => {
  const heap = new TimerHeap<Owner>();
  const owners: Owner[] = [];
  const due = (i: number, k: number): number => ((Math.imul(i * 3 + k, 2654435761) >>> 0) % 1000003) / 1e3;
  // Three timers per owner, as a half-open TCP connection has.
  for (let i = 0; i < 20000; i++) {
    const o = new Owner(`o${i}`);
    owners.push(o);
    heap.add(o, TimerKind.TCP_EXPIRE, due(i, 0), false);
    heap.add(o, TimerKind.TCP_ATTEMPT, due(i, 1), true);
    heap.add(o, TimerKind.INACTIVITY, due(i, 2), false);
  }
  const popped: number[] = [];
  const POPS = 58500;
  for (let i = 0; i < POPS; i++) {
    // below a 32nd (1,500 of 65,536 ids): renumbered at least once
    popped.push(heap.topTime());
    heap.release(heap.pop());
  }
  const left = owners.filter((o) => o.timerHead !== NO_TIMER);
  const pending = new Map(left.map((o) => [o, heap.pendingKinds(o)]));
  // Every remaining chain still lists its kinds in insertion order (EXPIRE 2, ATTEMPT 3, INACTIVITY 0).
  const rank = (k: TimerKind): number => [TimerKind.TCP_EXPIRE, TimerKind.TCP_ATTEMPT, TimerKind.INACTIVITY].indexOf(k as 0 | 2 | 3);
  for (const kinds of pending.values())
    assert.deepEqual(
      kinds,
      [...kinds].sort((a, b) => rank(a) - rank(b)),
    );
  assert.ok(left.length > 100, `${left.length} owners left`);
  for (const o of left.slice(0, left.length >> 1)) heap.cancel(o, ALL_KINDS);
  for (const o of left.slice(left.length >> 1)) heap.cancel(o, kindMask(TimerKind.TCP_ATTEMPT));
  const expected = left.slice(left.length >> 1).reduce((n, o) => n + pending.get(o)!.filter((k) => k !== TimerKind.TCP_ATTEMPT).length, 0);
  assert.equal(heap.size, expected);
  for (let id = heap.pop(); id !== NO_TIMER; id = heap.pop()) {
    assert.notEqual(heap.kind(id), TimerKind.TCP_ATTEMPT);
    popped.push(-1);
    heap.release(id);
  }
  for (let i = 1; i < POPS; i++) assert.ok(popped[i - 1]! <= popped[i]!, `order at ${i}`);
  assert.equal(popped.length, POPS + expected);
  assert.ok(owners.every((o) => o.timerHead === NO_TIMER));
});

/**
 * Zeek's PriorityQueue as written (swaps, cancel = −∞, sift up, pop), on
 * plain arrays: the reference the typed-array heap must agree with exactly.
 */
class ModelQueue {
  private readonly heap: { t: number; tag: number }[] = [];

  add(t: number, tag: number): void {
    this.heap.push({ t, tag });
    this.up(this.heap.length - 1);
  }

  pop(): number {
    const h = this.heap;
    if (h.length === 0) return -1;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.down(0);
    }
    return top.tag;
  }

  cancel(tag: number): void {
    const at = this.heap.findIndex((e) => e.tag === tag);
    if (at < 0) return;
    this.heap[at]!.t = -Infinity;
    this.up(at);
    this.pop();
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    const x = h[a]!;
    h[a] = h[b]!;
    h[b] = x;
  }

  private up(bin: number): void {
    while (bin > 0) {
      const parent = (bin - 1) >> 1;
      if (!(this.heap[parent]!.t > this.heap[bin]!.t)) return;
      this.swap(parent, bin);
      bin = parent;
    }
  }

  private down(bin: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * bin + 1;
      const r = l + 1;
      if (l >= h.length) return;
      const child = r >= h.length ? l : h[l]!.t < h[r]!.t ? l : r;
      if (!(h[bin]!.t > h[child]!.t)) return;
      this.swap(bin, child);
      bin = child;
    }
  }
}

/**
 * Random adds, pops and cancels on the heap and on the model, which must pop
 * the same timers in the same order. `addWeight` of 10 steps add, the rest
 * pop or cancel (half each, pops rounded up); owners hold at most one timer
 * per kind, so (owner, kind) names it.
 */
function agreeWithModel(steps: number, addWeight: number, times: number): { inPlace: number; cancels: number } {
  const popBelow = addWeight + Math.ceil((10 - addWeight) / 2);
  // A deterministic generator: times from a few values, so most comparisons are ties.
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const h = new TimerHeap<Owner>();
  const model = new ModelQueue();
  const owners: Owner[] = [];
  const kindsOf: TimerKind[] = [TimerKind.INACTIVITY, TimerKind.TCP_EXPIRE, TimerKind.TCP_ATTEMPT];
  let tag = 0;
  let cancels = 0;
  const tagOf = new Map<string, number>();
  const key = (o: Owner, k: TimerKind): string => `${o.name}:${k}`;
  for (let step = 0; step < steps; step++) {
    const op = rand(10);
    if (op < addWeight || owners.length === 0) {
      const isNew = owners.length < 50 || rand(3) === 0;
      const o = isNew ? new Owner(`o${owners.length}`) : owners[rand(owners.length)]!;
      if (isNew) owners.push(o);
      const k = kindsOf[rand(3)]!;
      if (tagOf.has(key(o, k))) continue;
      const t = rand(times);
      h.add(o, k, t, false);
      tagOf.set(key(o, k), tag);
      model.add(t, tag++);
    } else if (op < popBelow) {
      const id = h.pop();
      const expected = model.pop();
      if (id === NO_TIMER) {
        assert.equal(expected, -1);
        continue;
      }
      const k = key(h.owner(id), h.kind(id));
      assert.equal(tagOf.get(k), expected, `step ${step}`);
      tagOf.delete(k);
      h.release(id);
    } else {
      const o = owners[rand(owners.length)]!;
      const k = kindsOf[rand(3)]!;
      const t = tagOf.get(key(o, k));
      h.cancel(o, kindMask(k));
      if (t !== undefined) {
        cancels++;
        model.cancel(t);
        tagOf.delete(key(o, k));
      }
    }
  }
  for (let id = h.pop(); id !== NO_TIMER; id = h.pop()) {
    const k = key(h.owner(id), h.kind(id));
    assert.equal(tagOf.get(k), model.pop());
    h.release(id);
  }
  assert.equal(model.pop(), -1);
  return { inPlace: h.removedInPlace, cancels };
}

test("adds, pops and cancels agree with Zeek's swap-based queue under many ties (20,000 random steps)", () => {
  agreeWithModel(20000, 5, 8);
});

test("cancels from deep slots over several chunks, most times equal, agree with Zeek's queue", () => {
  // Eight distinct times: a cancel's sift to the root and the pop after it meet equal siblings at every depth.
  agreeWithModel(40000, 8, 8);
});

test("a heap over several chunks (tens of thousands of timers, then shrunk) agrees with Zeek's queue", () => {
  // Mostly adds (8 in 10 steps; 1 pop, 1 cancel), so the heap grows over
  // 2^13-slot chunk boundaries and cancels sift up from deep slots; the final
  // drain empties it below a 32nd, where it is renumbered.
  agreeWithModel(60000, 8, 1000);
});

test("cancels done in place (the last timer sifting from the cancelled one's slot) agree with Zeek's queue, with few ties and with many", () => {
  // Distinct-ish times: nearly every cancel is done in place; a few values: the tie checks send many to Zeek's way.
  const spread = agreeWithModel(30000, 6, 1_000_000);
  assert.ok(spread.inPlace > 0.9 * spread.cancels, `${spread.inPlace} of ${spread.cancels} in place`);
  for (const times of [50, 3]) {
    const r = agreeWithModel(30000, 6, times);
    assert.ok(r.inPlace > 0 && r.inPlace < r.cancels, `${times} times: ${r.inPlace} of ${r.cancels} in place`);
  }
});

test("a cancel far down a large heap without ties is done in place, not by sifting through the root", () => {
  const h = new TimerHeap<Owner>();
  const owners = Array.from({ length: 20000 }, (_, i) => new Owner(`o${i}`));
  owners.forEach((o, i) => {
    h.add(o, TimerKind.TCP_ATTEMPT, i + 5, false);
    h.add(o, TimerKind.INACTIVITY, i + 100_000.5, false);
  });
  for (const o of owners.slice(0, 1000)) h.cancel(o, kindMask(TimerKind.INACTIVITY));
  assert.equal(h.removedInPlace, 1000);
  assert.equal(h.size, 39000);
  // Distinct times: every attempt timer in its owner's order, then the inactivity timers left.
  const popped: string[] = [];
  for (let id = h.pop(); id !== NO_TIMER; id = h.pop()) {
    popped.push(`${h.owner(id).name}:${h.kind(id)}`);
    h.release(id);
  }
  const expected = [...owners.map((o) => `${o.name}:${TimerKind.TCP_ATTEMPT}`), ...owners.slice(1000).map((o) => `${o.name}:${TimerKind.INACTIVITY}`)];
  assert.deepEqual(popped, expected);
});
