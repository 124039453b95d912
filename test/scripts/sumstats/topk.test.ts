import assert from "node:assert/strict";
import { test } from "node:test";
import { TopK } from "../../../src/scripts/sumstats/topk.js";
import { zeekBtestOracle } from "./zeek-btest.js";

/** A counter of strings whose reports are collected as Zeek's stderr lines. */
function counter(size: number, stderr: string[] = []): TopK<string> {
  return new TopK<string>(size, { key: (s) => s, report: (level, message) => stderr.push(`${level}: ${message}`) });
}

test("equal counts come out in the order the values reached their count; top reads whole buckets", () => {
  const k = counter(10);
  for (const v of ["a", "b", "c", "b", "a"]) k.add(v);
  // b reached 2 before a; c stays at 1.
  assert.deepEqual(k.top(1), ["b", "a"]);
  assert.deepEqual(k.top(3), ["b", "a", "c"]);
  assert.deepEqual(k.top(0), []);
  assert.equal(k.sum(), 5);
});

test("a full counter replaces the oldest of its smallest count, the newcomer inheriting that count as its epsilon", () => {
  const k = counter(2);
  for (const v of ["a", "a", "b", "c"]) k.add(v);
  // b (count 1, the only one) made way for c: count 2, epsilon 1.
  assert.equal(k.tracked, 2);
  assert.equal(k.count("c"), 2);
  assert.equal(k.epsilon("c"), 1);
  // a and c tie at 2: a got there first.
  assert.deepEqual(k.top(2), ["a", "c"]);
  k.add("d");
  // The smallest bucket (2) holds a then c: a, the oldest, goes.
  assert.deepEqual(k.top(5), ["d", "c"]);
  assert.equal(k.epsilon("d"), 2);
});

test("merging adds counts and epsilons; pruning drops the smallest and makes sum warn", () => {
  const stderr: string[] = [];
  const a = counter(2, stderr);
  const b = counter(2, stderr);
  for (const v of ["x", "x", "y"]) a.add(v);
  for (const v of ["y", "z", "z", "z"]) b.add(v);
  const merged = a.clone();
  merged.merge(b);
  assert.equal(merged.tracked, 3);
  assert.deepEqual([merged.count("x"), merged.count("y"), merged.count("z")], [2, 2, 3]);
  assert.equal(merged.sum(), 7);
  a.merge(b, true);
  // y reached 2 after x; pruning to 2 drops x, the oldest of the smallest count.
  assert.deepEqual(a.top(5), ["z", "y"]);
  assert.equal(a.tracked, 2);
  assert.equal(stderr.length, 0);
  a.sum();
  assert.match(stderr[0]!, /^warning: TopkVal::GetSum\(\) was used on a pruned data structure/);
});

test("a value not tracked has count and epsilon 0, each with an error; top of an empty counter is an error", () => {
  const stderr: string[] = [];
  const k = counter(3, stderr);
  assert.deepEqual(k.top(3), []);
  k.add("a");
  assert.equal(k.count("b"), 0);
  assert.equal(k.epsilon("b"), 0);
  assert.deepEqual(stderr, [
    "error: Cannot return topk of empty",
    "error: GetCount for element that is not in top-k",
    "error: GetEpsilon for element that is not in top-k",
  ]);
  assert.throws(() => counter(0), RangeError);
});

/** Zeek's btest bifs/topk, its script line by line, printing as Zeek's `print` does. */
function bifsTopk(print: (line: string) => void, stderr: string[]): void {
  const show = (s: string[]) => print(`[${s.join(", ")}], vector of string`);
  const n = (x: number) => print(String(x));
  /** `print topk_count(k, v); print topk_epsilon(k, v);` for each of `values`. */
  const counts = (k: TopK<string>, values: string) => {
    for (const v of values) {
      n(k.count(v));
      n(k.epsilon(v));
    }
  };
  // The first part: after each add, `s = topk_get_top(k1, 5); print s, type_name(s); print topk_sum(k1);` and counts.
  const k1 = counter(2, stderr);
  for (const [added, shown] of [
    ["abbc", "abc"],
    ["d", "bcd"],
    ["e", "de"],
    ["f", "fe"],
    ["e", "fe"],
    ["g", "feg"],
  ] as const) {
    for (const v of added) k1.add(v);
    show(k1.top(5));
    n(k1.sum());
    counts(k1, shown);
  }

  // `k1 = topk_init(100)` in the btest.
  const k2 = counter(100, stderr);
  for (const v of "abbccccccddddeeeeef") k2.add(v);
  let s = k2.top(3);
  show(s);
  n(k2.sum());
  counts(k2, "c");
  n(k2.count("e"));
  n(k2.epsilon("d"));
  counts(k2, "d");

  let k3 = counter(2, stderr);
  k3.merge(k2, true);
  s = k3.top(3);
  show(s);
  counts(k3, "ced");
  k3.merge(k2, true);
  s = k3.top(3);
  show(s);
  n(k3.sum()); // a warning and a wrong result, as the btest says
  counts(k3, "ced");

  k3 = counter(2, stderr);
  k3.merge(k2);
  show(s); // the btest prints the previous vector again
  n(k3.sum());
  counts(k3, "ced");
  k3.merge(k2);
  s = k3.top(3);
  show(s);
  n(k3.sum());
  counts(k3, "ced");
  // Typed as vector of string, as vector of any, and untyped: the same elements thrice.
  for (let round = 0; round < 3; round++) {
    const top = k3.top(3);
    for (let i = 0; i < top.length; i++) print(`${i}, ${top[i]}`);
  }
}

test("Zeek's btest bifs/topk: its output and its errors and warning are Zeek's baselines", (t) => {
  const zeek = zeekBtestOracle(t, "bifs/topk");
  if (zeek === null) return;
  const out: string[] = [];
  const stderr: string[] = [];
  bifsTopk((line) => out.push(line), stderr);
  assert.deepEqual(out, zeek.baseline("bifs.topk", "out"));
  assert.deepEqual(stderr, zeek.baseline("bifs.topk", ".stderr"));
});
