/**
 * Application-layer conformance against Zeek's corpus (see applogs-harness.ts):
 * app logs, app events and conn.log's service, held to the floors of
 * known-failures/applogs.txt; no row may name a service Zeek did not give it,
 * and no trace may make bronze throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusRoot } from "./conn-harness.js";
import { formatAppTables, loadAppCorpus, runAllApp } from "./applogs-harness.js";
import { belowFloors, currentCounts, readFloors } from "./applogs-floors.js";

test("app logs, app events and conn.log service hold their floors against Zeek's corpus", async (t) => {
  if (loadAppCorpus() === null) {
    t.skip(`app-log corpus not found under ${corpusRoot()}`);
    return;
  }
  const results = await runAllApp();
  for (const line of formatAppTables(results).trimEnd().split("\n")) t.diagnostic(line);
  assert.deepEqual(results.filter((r) => r.error !== undefined).map((r) => `${r.name}: ${r.error}`), [], "no trace makes bronze throw");
  assert.deepEqual(results.flatMap((r) => r.extraServices), [], "no row gets a service Zeek did not give it");
  assert.deepEqual(belowFloors(readFloors(), currentCounts(results)), [], "every count holds its floor");
});
