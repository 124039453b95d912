/**
 * Zeek's btest core/conn-generic-packet-threshold, replayed: seven runs of
 * `zeek -b -C` over corpus traces with ConnThreshold::generic_packet_thresholds
 * redefined, printing new_connection and conn_generic_packet_threshold_crossed.
 * The TypeScript twin prints the same lines; the run's output must be the
 * baseline. Zeek's source and the corpus traces are the oracles: without
 * them the test skips, saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { applySetting } from "../../src/options.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { zeekConnId } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();

const SET = "ConnThreshold::generic_packet_thresholds";

/** The btest's runs: the trace and the command line's redef, if any (applied after the script's own `= {5}`). */
const RUNS: ReadonlyArray<readonly [trace: string, redef: string]> = [
  ["http/get.pcap", ""],
  ["dns/long-connection.pcap", ""],
  ["communityid/sctp.pcap", ""],
  ["http/get.pcap", `${SET}+={10}`],
  ["tcp/syn.pcap", ""],
  ["dns/dns-binds.pcap", ""],
  ["http/get.pcap", `${SET}={15}`],
];

async function run(trace: string, redef: string): Promise<string[]> {
  // zeek -b -C: bare mode, no script named.
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads: [], settings: { ignore_checksums: true } });
  applySetting(engine.settings, `${SET}={5}`);
  if (redef !== "") applySetting(engine.settings, redef);
  loadBuiltinScripts(engine, { memory: true, bare: true, loads: [], stderr: null });
  const out: string[] = [];
  engine.on("new_connection", (c) => void out.push(`new_connection: ${zeekConnId(c.id)}`));
  engine.on("conn_generic_packet_threshold_crossed", (c, threshold) => {
    out.push(`conn_generic_packet_threshold_crossed: ${zeekConnId(c.id)} at ${threshold}`);
  });
  await engine.run(await openTrace(join(TRACES, trace)));
  return out;
}

test("Zeek's btest core/conn-generic-packet-threshold: each connection's total packets reaching a generic threshold, exactly once per threshold", async (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): the conn-size btest is not replayed");
  const missing = RUNS.find(([trace]) => !existsSync(join(TRACES, trace)));
  if (missing !== undefined) return oracleMissing(t, `the corpus trace ${missing[0]} is not there`);
  const out: string[] = [];
  for (const [i, [trace, redef]] of RUNS.entries()) {
    if (i === 0) out.push("=== Generic threshold crossed ===");
    if (i === 4) out.push("=== Generic threshold not crossed ===");
    out.push(...(await run(trace, redef)));
  }
  const want = baselineLines(zeek, "core.conn-generic-packet-threshold/out").filter((l) => !l.startsWith("### BTest baseline"));
  assert.deepEqual(out, want);
});
