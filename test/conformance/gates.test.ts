/** The ratchet of gates.json: equal passes, worse and better both fail (better asks for the gate to be raised); every gate is used. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/corpus.js";
import { GATES_FILE, type Gate, gateProblem } from "../helpers/gates.js";

test("a gate holds a figure at today's value: worse fails, better asks to raise it", () => {
  const gates = new Map<string, Gate>([
    ["rows", { value: 120, better: "higher" }],
    ["extra", { value: 0, better: "lower" }],
  ]);
  assert.equal(gateProblem("rows", 120, gates), null);
  assert.match(gateProblem("rows", 119, gates)!, /119, worse than its gate 120/);
  assert.match(gateProblem("rows", 121, gates)!, /better than its gate 120: raise the gate/);
  assert.match(gateProblem("extra", 1, gates)!, /worse/);
  assert.match(gateProblem("missing", 1, gates)!, /no gate "missing"/);
});

test("every gate in gates.json is checked by some test", () => {
  const names = Object.keys(JSON.parse(readFileSync(join(repoRoot(), GATES_FILE), "utf8")) as object).filter((n) => !n.startsWith("_"));
  const sources: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".test.ts")) sources.push(readFileSync(path, "utf8"));
    }
  };
  walk(join(repoRoot(), "test"));
  assert.deepEqual(
    names.filter((n) => !sources.some((s) => s.includes(JSON.stringify(n)))),
    [],
  );
});
