/**
 * The app-log harness's row-order report (applogs-score.js --order): a log
 * whose rows are Zeek's multiset in another order names the first row where
 * the orders part; set cells are compared as sets, so a set printed in
 * another element order is not an order difference of rows.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareLog, firstDifference } from "./applogs-harness.js";

/** A files.log-like log with a uid column and a set column. */
function log(rows: readonly [string, string, string][]): string {
  return [
    "#separator \\x09",
    "#path\tfiles",
    "#fields\tfuid\tuid\tanalyzers",
    "#types\tstring\tstring\tset[string]",
    ...rows.map((r) => r.join("\t")),
    "#close\t2026-12-06-00-00-00",
    "",
  ].join("\n");
}

const A: [string, string, string] = ["F1", "Ca", "MD5,SHA1"];
const B: [string, string, string] = ["F1", "Cb", "(empty)"];
const C: [string, string, string] = ["F1", "Cc", "-"];

test("rows in another order: the first position where they part, with each side's row", () => {
  const cmp = compareLog(log([A, B, C]), log([A, C, B]));
  assert.equal(cmp.order.sameRows, 1);
  assert.equal(cmp.order.inOrder, 0);
  assert.ok(cmp.orderDiff !== null);
  assert.equal(cmp.orderDiff.index, 1);
  assert.equal(cmp.orderDiff.rows, 3);
  assert.match(cmp.orderDiff.zeek, /\tCb\t/);
  assert.match(cmp.orderDiff.bronze, /\tCc\t/);
});

test("rows in Zeek's order, a set's elements in another: no row-order difference", () => {
  const cmp = compareLog(log([A, B]), log([["F1", "Ca", "SHA1,MD5"], B]));
  assert.equal(cmp.order.inOrder, 1);
  assert.equal(cmp.order.exact, 0);
  assert.equal(cmp.orderDiff, null);
});

test("different rows: not an order difference (the multiset scores count it)", () => {
  const cmp = compareLog(log([A, B]), log([B, C]));
  assert.equal(cmp.order.sameRows, 0);
  assert.equal(cmp.orderDiff, null);
});

test("firstDifference: null for equal sequences, else the first index", () => {
  assert.equal(firstDifference(["x", "y"], ["x", "y"]), null);
  assert.deepEqual(firstDifference(["x", "y", "z"], ["x", "z", "y"]), { index: 1, zeek: "y", bronze: "z", rows: 3 });
  assert.deepEqual(firstDifference(["x"], ["x", "y"]), { index: 1, zeek: "", bronze: "y", rows: 1 });
});
