/**
 * The timer heap mirrors Zeek's PriorityQueue: strict comparisons, no
 * tie-breaker, cancel by −∞ (behaviour doc §6.2). Equal-time order is pinned
 * against a hand-simulated Zeek heap.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Timer, TimerHeap, TimerKind } from "../../src/session/timers.js";

function drain(h: TimerHeap<string>): string[] {
  const out: string[] = [];
  for (let t = h.pop(); t !== undefined; t = h.pop()) out.push(t.owner);
  return out;
}

function add(h: TimerHeap<string>, time: number, name: string): Timer<string> {
  const t = new Timer(time, TimerKind.INACTIVITY, name, false);
  h.add(t);
  return t;
}

test("pops in time order", () => {
  const h = new TimerHeap<string>();
  for (const [t, n] of [[5, "e"], [1, "a"], [3, "c"], [2, "b"], [4, "d"]] as const) add(h, t, n);
  assert.deepEqual(drain(h), ["a", "b", "c", "d", "e"]);
});

test("equal times come out in Zeek's heap order, not insertion order", () => {
  // Heap after adding A,B,C (all 1): [A,B,C]. Pop A: C moves to the root; children
  // [B] only → B < C? equal, no swap, so C pops next (a plain FIFO would give B).
  const h = new TimerHeap<string>();
  add(h, 1, "A");
  add(h, 1, "B");
  add(h, 1, "C");
  assert.deepEqual(drain(h), ["A", "C", "B"]);
});

test("with two equal children the right one is chosen (left only when strictly smaller)", () => {
  const h = new TimerHeap<string>();
  add(h, 0, "root");
  add(h, 1, "L");
  add(h, 1, "R");
  add(h, 2, "x");
  // pop root: x moves up; children L(1) and R(1) equal → right child R swaps up.
  assert.equal(h.pop()!.owner, "root");
  assert.equal(h.pop()!.owner, "R");
});

test("cancel removes a timer and keeps the rest ordered", () => {
  const h = new TimerHeap<string>();
  const timers = [5, 3, 8, 1, 9, 2].map((t, i) => add(h, t, `t${t}-${i}`));
  h.cancel(timers[2]!);
  h.cancel(timers[3]!);
  h.cancel(timers[3]!); // already gone: no-op
  assert.equal(h.size, 4);
  assert.deepEqual(drain(h), ["t2-5", "t3-1", "t5-0", "t9-4"]);
  assert.equal(timers[2]!.time, 8, "a cancelled timer keeps its time");
});

test("a heap that held many timers and shrank (its array copied) keeps order and cancels", () => {
  const heap = new TimerHeap<string>();
  const all: Timer<string>[] = [];
  for (let i = 0; i < 20000; i++) {
    const t = new Timer<string>((Math.imul(i, 2654435761) >>> 0) / 1e6, TimerKind.INACTIVITY, `t${i}`, false);
    all.push(t);
    heap.add(t);
  }
  const popped: number[] = [];
  for (let i = 0; i < 19000; i++) popped.push(heap.pop()!.time); // far below an eighth: copied at least once
  const left = all.filter((t) => t.index >= 0);
  assert.equal(left.length, 1000);
  for (const t of left.slice(0, 500)) heap.cancel(t);
  assert.equal(heap.size, 500);
  for (let t = heap.pop(); t !== undefined; t = heap.pop()) popped.push(t.time);
  assert.equal(popped.length, 19500);
  for (let i = 1; i < popped.length; i++) assert.ok(popped[i - 1]! <= popped[i]!, `order at ${i}`);
});
