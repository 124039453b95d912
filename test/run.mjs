// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// Node 20's runner takes explicit files, so we find them here.

import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const only = process.argv.slice(2);
const files = findTests("dist/test", [])
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error("no test files found under dist/test (did the build run?)");
  process.exit(1);
}
// Measurements of garbage per packet run alone, after the rest: beside a
// heavy test (the conformance corpus) V8 optimises their process's code in
// another order, and what it then inlines or not decides whether a number is
// boxed (the allocation test failed about one run in three beside
// conformance/conn.test.js, never alone; the engine's cause, a time passed to
// TimerHeap.due, is fixed, and a measurement should not depend on its neighbour).
const ALONE = ["session/alloc.test.js", "filter/allocation.test.js"];
const alone = files.filter((f) => ALONE.some((a) => f.endsWith(a)));
const together = files.filter((f) => !alone.includes(f));
let status = 0;
for (const [batch, concurrency] of [
  [together, 2],
  [alone, 1],
]) {
  if (batch.length === 0) continue;
  const result = spawnSync(process.execPath, ["--test", `--test-concurrency=${concurrency}`, ...batch], { stdio: "inherit" });
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
