/**
 * Zeek's btests of its base and policy scripts as an oracle of the application logs
 * (btest-applogs-harness.ts): every log they compare whole must be Zeek's
 * baseline, but for those known-failures/btest-applogs.txt lists with the
 * reason; a listed log that now matches must leave the list.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing, repoRoot } from "../helpers/corpus.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { corpusTracesPresent, KNOWN_FAILURES_FILE, parseKnownFailures, resultKey, runAllAppBtests } from "./btest-applogs-harness.js";

const NO_SOURCE = "Zeek's source not found (set BRONZE_ZEEK_SOURCE to a checkout or bare repository of zeek/zeek): its script btests are not run";

test("the logs of Zeek's script btests are Zeek's baselines, but for the known failures", async (t) => {
  const zeek = zeekSource();
  if (zeek === null) return t.skip(NO_SOURCE);
  if (!corpusTracesPresent()) return oracleMissing(t, "the corpus' traces are not there");
  const results = await runAllAppBtests(zeek);
  const file = join(repoRoot(), KNOWN_FAILURES_FILE);
  const known = parseKnownFailures(existsSync(file) ? readFileSync(file, "utf8") : "");
  const byKey = new Map(results.map((r) => [resultKey(r), r]));
  const problems = [
    ...results.filter((r) => r.outcome !== "same" && !known.has(resultKey(r))).map((r) => `new failure ${resultKey(r)} (${r.outcome}) ${r.firstDiff}`),
    ...[...known.keys()].filter((k) => byKey.get(k)?.outcome === "same").map((k) => `${k} matches now: take it off ${KNOWN_FAILURES_FILE}`),
    ...[...known.keys()].filter((k) => !byKey.has(k)).map((k) => `${k} is no longer run: take it off ${KNOWN_FAILURES_FILE}`),
  ];
  const same = results.filter((r) => r.outcome === "same").length;
  t.diagnostic(`${same} of ${results.length} logs identical to Zeek's baselines`);
  assert.ok(results.length > 0, "no btest of the suite's kind was found");
  assert.deepEqual(problems, []);
});
