import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeSample } from "../../bench/make-sample.js";
import { openTrace } from "../../src/source/open.js";
import { collect, repoRoot, tempDir } from "../source/trace-builder.js";

test("samples/sample.pcap is exactly what bench/make-sample writes, and reads back cleanly", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const fresh = join(dir, "sample.pcap");
  const count = writeSample(fresh);
  const committed = join(repoRoot(), "samples", "sample.pcap");
  assert.deepEqual(readFileSync(fresh), readFileSync(committed), "regenerate with: node --import tsx bench/make-sample.ts");
  const { packets, summary } = await collect(await openTrace(committed));
  assert.deepEqual(summary, { packets: count, truncated: null });
  assert.ok(
    packets.every((p, i) => i === 0 || p.ts >= packets[i - 1].ts),
    "in time order",
  );
});
