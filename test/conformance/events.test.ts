/**
 * Event conformance against corpus/zeek-events: bronze's events.log (written
 * by misc/event-trace) must match Zeek's on every case, except the cases of
 * known-failures/events.txt, which must not get worse. The per-event table is
 * printed as test diagnostics; `events-score` prints it from the command line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  eventsCorpus, formatTable, loadBronze, loadCases, readKnownFailures, regressed, runCase, seedPath, type CaseResult,
} from "./events-harness.js";

test("events.log matches Zeek's on corpus/zeek-events", { timeout: 600_000 }, async (t) => {
  if (!existsSync(eventsCorpus())) {
    t.skip(`corpus not found at ${eventsCorpus()}`);
    return;
  }
  let bronze;
  try {
    bronze = await loadBronze();
  } catch (err) {
    t.skip(`engine not loadable yet: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const seed = bronze.readSeedFile(seedPath());
  const known = readKnownFailures();
  const results: CaseResult[] = [];
  for (const c of loadCases()) results.push(await runCase(bronze, c, seed));
  for (const line of formatTable(results).split("\n")) t.diagnostic(line);
  const worse = results.filter((r) => regressed(r, known));
  const listed = known.size;
  const stale = [...known.keys()].filter((name) => !results.some((r) => r.name === name));
  assert.deepEqual(stale, [], "known-failures lists cases the manifest does not have");
  assert.deepEqual(
    worse.map((r) => `${r.name}: ${r.tally.matched}/${Math.max(r.tally.zeek, r.tally.bronze)}${r.error ? ` (threw: ${r.error.split("\n")[0]})` : ""}`),
    [],
    `cases worse than known-failures/events.txt (${listed} listed)`,
  );
});
