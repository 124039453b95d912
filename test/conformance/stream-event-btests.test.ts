/**
 * Zeek's btests of the STREAM_EVENT analyzer (core/analyzer-stream-event,
 * core/analyzer-stream-event-disable, scripts/base/protocols/http/
 * upgrade-to-tcp), which print from event handlers: each `zeek -b -r TRACE
 * %INPUT` run is a bare engine with Zeek's btest seed and a TypeScript twin
 * of the test's handlers; what the twin prints must be the baseline, and
 * upgrade-to-tcp's http.log cut to its columns too. Zeek's source and the
 * corpus traces are oracles: without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";
import { zeekCut } from "./btest-applogs-harness.js";

const TRACES = join(corpusRoot(), "zeek", "traces", "http");
const zeek = zeekSource();

/** A baseline's lines (only called once the oracle was found). */
const baseline = (path: string): string[] => baselineLines(zeek!, path);

/** Zeek's `print` of a bool. */
const bool = (b: boolean): string => (b ? "T" : "F");

/** core/analyzer-stream-event(-disable): STREAM_EVENT on 80/tcp; the second takes it off after two deliveries. */
async function getTrace(disableAfter: number | null): Promise<string[]> {
  const engine = new Engine({ bare: true, seed: ZEEK_SEED });
  loadBuiltinScripts(engine, { memory: true, bare: true });
  assert.ok(engine.registerForPort("ANALYZER_STREAM_EVENT", 80));
  const out: string[] = [];
  let deliveries = 0;
  if (disableAfter !== null) engine.on("new_connection", (c) => void out.push(`${c.uid}, new_connection`));
  engine.on("stream_deliver", (c, isOrig, data) => {
    out.push([c.uid, bool(isOrig), data.length, zeekString(data.slice(0, 32))].join(", "));
    // disable_analyzer(c$id, current_analyzer()): the analyzer that raised the event is the connection's STREAM_EVENT.
    if (++deliveries === disableAfter) assert.ok(engine.disableAnalyzer(c, engine.lookupAnalyzer(c, "STREAM_EVENT")));
  });
  if (disableAfter !== null) engine.on("connection_state_remove", (c) => void out.push(`${c.uid}, connection_state_remove`));
  await engine.run(await openTrace(join(TRACES, "get.pcap")));
  return out;
}

test("Zeek's btest core/analyzer-stream-event: every delivery of http/get.pcap's connection, as it prints them", async (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its STREAM_EVENT btests are not replayed");
  if (!existsSync(TRACES)) return oracleMissing(t, "the corpus' HTTP traces (zeek/traces/http) are not there");
  assert.deepEqual(await getTrace(null), baseline("core.analyzer-stream-event/out"));
});

test("Zeek's btest core/analyzer-stream-event-disable: disabling the analyzer in a handler stops its deliveries", async (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its STREAM_EVENT btests are not replayed");
  if (!existsSync(TRACES)) return oracleMissing(t, "the corpus' HTTP traces (zeek/traces/http) are not there");
  assert.deepEqual(await getTrace(2), baseline("core.analyzer-stream-event-disable/out"));
});

test("Zeek's btest http/upgrade-to-tcp: HTTP::upgrade_analyzers hands an Upgrade: tcp connection to STREAM_EVENT", async (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its STREAM_EVENT btests are not replayed");
  if (!existsSync(TRACES)) return oracleMissing(t, "the corpus' HTTP traces (zeek/traces/http) are not there");
  const loads = ["base/protocols/http"];
  const engine = new Engine({
    bare: true,
    loads,
    seed: ZEEK_SEED,
    ignoreChecksums: true,
    settings: ['HTTP::upgrade_analyzers+={["tcp"]=Analyzer::ANALYZER_STREAM_EVENT}'],
  });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const out: string[] = [];
  engine.on("http_connection_upgrade", (c, protocol) => void out.push(`${c.uid}, Connection upgraded to ${protocol}`));
  // The script's connection fields orig_data/resp_data: what is not yet a whole line, per side.
  const pending = new Map<string, { orig: string; resp: string }>();
  engine.on("stream_deliver", (c, isOrig, data) => {
    const p = pending.get(c.uid) ?? { orig: "", resp: "" };
    pending.set(c.uid, p);
    if (isOrig) p.orig += data;
    else p.resp += data;
    // flush(): every part of split_string(x, /[\r\n]+/) but the last is printed, the last kept.
    const origParts = p.orig.split(/[\r\n]+/);
    const respParts = p.resp.split(/[\r\n]+/);
    for (const part of origParts.slice(0, -1)) out.push(`${c.uid}, originator, ${zeekString(part)}`);
    for (const part of respParts.slice(0, -1)) out.push(`${c.uid}, responder, ${zeekString(part)}`);
    p.orig = origParts.at(-1)!;
    p.resp = respParts.at(-1)!;
  });
  await engine.run(await openTrace(join(TRACES, "docker-http-upgrade.pcap")));
  scripts.close();
  assert.deepEqual(out, baseline("scripts.base.protocols.http.upgrade-to-tcp/out"));
  const cut = zeekCut(scripts.logs.text("http"), ["uid", "status_code", "method", "uri"], true).split("\n");
  assert.deepEqual(cut, baseline("scripts.base.protocols.http.upgrade-to-tcp/http.log.cut"));
});
