/**
 * Zeek's QUIC btests (quic-btests.ts) on bronze: every file they compare
 * (conn.log, ssl.log and quic.log, whole or cut; analyzer_debug.log; the
 * print output of events.zeek, analyzer-confirmations.zeek and
 * vector-max-size-crash.zeek; .stderr) must be Zeek's baseline. Zeek's
 * source ($BRONZE_ZEEK_SOURCE or ../zeek) and the corpus traces are
 * oracles: without them the test skips, saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { type QuicResult, quicBtests, runQuicBtest } from "./quic-btests.js";

test("QUIC: Zeek's btests (quic.log, ssl.log, conn.log, events, analyzer_debug.log) match their baselines", async (t) => {
  const zeek = zeekSource();
  if (zeek === null) return oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: the QUIC btests cannot be read");
  if (!existsSync(join(corpusRoot(), "zeek", "traces", "quic"))) return oracleMissing(t, "the corpus' QUIC traces are not there");
  const tests = quicBtests(zeek);
  // 25 at the corpus' commit: 22, and 3 under interop/.
  assert.ok(tests.length >= 25, `only ${tests.length} QUIC btests found`);
  const results: QuicResult[] = [];
  for (const b of tests) results.push(...(await runQuicBtest(zeek, b)));
  t.diagnostic(`${results.filter((r) => r.same).length} of ${results.length} files identical to Zeek's baselines`);
  assert.deepEqual(
    results.filter((r) => !r.same).map((r) => `${r.test} ${r.file}: ${r.diff}`),
    [],
  );
  // Every test compares something (a test the runner read wrong would compare nothing).
  assert.deepEqual(
    tests.filter((b) => !results.some((r) => r.test === b.name)).map((b) => b.name),
    [],
  );
});
