/**
 * Application-layer conformance against Zeek's corpus (see applogs-harness.ts):
 * app logs, app events and conn.log's service, held to the floors of
 * known-failures/applogs.txt; no row may name a service Zeek did not give it,
 * but those listed in known-failures/applogs-extra-services.txt (each with
 * its reason), and no trace may make bronze throw.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { belowFloors, currentCounts, readFloors } from "./applogs-floors.js";
import { formatAppTables, loadAppCorpus, runAllApp } from "./applogs-harness.js";

test("app logs, app events and conn.log service hold their floors against Zeek's corpus", async (t) => {
  if (loadAppCorpus() === null) {
    oracleMissing(t, `app-log corpus not found under ${corpusRoot()}`);
    return;
  }
  const results = await runAllApp();
  for (const line of formatAppTables(results).trimEnd().split("\n")) t.diagnostic(line);
  assert.deepEqual(
    results.filter((r) => r.error !== undefined).map((r) => `${r.name}: ${r.error}`),
    [],
    "no trace makes bronze throw",
  );
  const known = knownExtraServices();
  assert.deepEqual(
    results.flatMap((r) => r.extraServices).filter((e) => !known.has(e)),
    [],
    "no row gets a service Zeek did not give it",
  );
  assert.deepEqual(belowFloors(readFloors(), currentCounts(results)), [], "every count holds its floor");
});

/** Rows allowed to name a service Zeek did not ("trace uid: bronze vs zeek", as the harness reports them; # starts a reason). */
function knownExtraServices(): Set<string> {
  const path = fileURLToPath(new URL("../../../test/conformance/known-failures/applogs-extra-services.txt", import.meta.url));
  if (!existsSync(path)) return new Set();
  return new Set(
    readFileSync(path, "utf8")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter((l) => l !== ""),
  );
}
