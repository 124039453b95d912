/**
 * Event conformance against corpus/zeek-events: bronze's events.log (written
 * by misc/event-trace) must match Zeek's on every case, except the cases of
 * known-failures/events.txt, which must not get worse. The per-event table is
 * printed as test diagnostics; `events-score` prints it from the command line.
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing } from "../helpers/corpus.js";
import { gateProblems } from "../helpers/gates.js";
import { type CaseResult, eventsCorpus, formatTable, loadBronze, loadCases, readKnownFailures, regressed, runCase, seedPath } from "./events-harness.js";

test("events.log matches Zeek's on corpus/zeek-events", { timeout: 600_000 }, async (t) => {
  if (!existsSync(eventsCorpus())) return oracleMissing(t, `corpus not found at ${eventsCorpus()}`);
  // An engine that fails to import is a failure (the exception fails the test), never a skip.
  const bronze = await loadBronze();
  const seed = bronze.readSeedFile(seedPath());
  const known = readKnownFailures();
  const results: CaseResult[] = [];
  for (const c of loadCases()) results.push(await runCase(bronze, c, seed));
  for (const line of formatTable(results).split("\n")) t.diagnostic(line);
  const worse = results.filter((r) => regressed(r, known));
  const better = results.filter((r) => known.has(r.name) && !regressed(r, known) && r.tally.matched !== known.get(r.name)!.matched);
  if (better.length > 0) t.diagnostic(`${better.length} cases changed for the better than known-failures/events.txt says: run events-score --update`);
  const listed = known.size;
  const connections = results.reduce((n, r) => n + r.connections, 0);
  const identical = results.reduce((n, r) => n + r.identicalConnections, 0);
  assert.deepEqual(
    gateProblems({
      "events: connections with Zeek's exact event sequence": identical,
      "events: connections whose event sequence differs": connections - identical,
    }),
    [],
    "per-connection event order",
  );
  const stale = [...known.keys()].filter((name) => !results.some((r) => r.name === name));
  assert.deepEqual(stale, [], "known-failures lists cases the manifest does not have");
  assert.deepEqual(
    worse.map((r) => `${r.name}: ${r.tally.matched}/${Math.max(r.tally.zeek, r.tally.bronze)}${r.error ? ` (threw: ${r.error.split("\n")[0]})` : ""}`),
    [],
    `cases worse than known-failures/events.txt (${listed} listed)`,
  );
});

test("misc/event-trace handles exactly the events event-trace.zeek handles", async (t) => {
  const zeekScript = join(eventsCorpus(), "event-trace.zeek");
  if (!existsSync(zeekScript)) return oracleMissing(t, `corpus not found at ${eventsCorpus()}`);
  const zeekEvents = [...readFileSync(zeekScript, "utf8").matchAll(/^event\s+(\w+)\s*\(/gm)].map((m) => m[1]!).sort();
  const { EventBus } = await import("../../src/event/bus.js");
  const { defaultSettings } = await import("../../src/options.js");
  const { MemorySink } = await import("../../src/log/sink.js");
  const { default: eventTrace } = await import("../../src/scripts/misc/event-trace.js");
  const bus = new EventBus();
  eventTrace({ on: bus.on.bind(bus), settings: defaultSettings(), clock: { now: 0 } }, { sink: new MemorySink() });
  const handled = Object.keys(bus.wants)
    .filter((e) => bus.wants[e as keyof typeof bus.wants] && e !== "zeek_done")
    .sort();
  assert.deepEqual(handled, zeekEvents);
});
