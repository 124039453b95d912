/**
 * Zeek's btests of the analyzers no base script registers, replayed here
 * because they print from event handlers (the btest-applogs suite does not
 * replay them): testing/btest/scripts/base/protocols/bittorrent/tracker.zeek
 * (its own bittorrent.sig enables BITTORRENTTRACKER), ncp/event.zeek and
 * ncp/frame_size_tuning.zeek (NCP registered for 524/tcp, the second with
 * NCP::max_frame_size=150 and its conn.log and weird.log compared). Each run
 * is an engine with Zeek's btest seed and a TypeScript twin of the test's
 * handlers printing what the script prints; the lines must be the
 * baseline's. Zeek's source and the corpus traces are oracles: without them
 * the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { EngineSettings } from "../../src/options.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, type oracleMissing } from "../helpers/corpus.js";
import { zeekConnId, zeekString, zeekStringTable } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { btestOraclesMissing, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

const TESTS = "testing/btest/scripts/base/protocols";
const BASELINES = "testing/btest/Baseline/scripts.base.protocols";
const TRACES = join(corpusRoot(), "zeek", "traces");

/** A baseline file's lines (blank ones too: a printed empty table has one), without btest's header and the last newline. */
function baseline(zeek: ZeekSource, test: string, file: string): string[] {
  const lines = zeek.read(`${BASELINES}.${test}/${file}`).split("\n");
  if (lines[0]?.startsWith("### ")) lines.shift();
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** A btest's `@TEST-START-FILE name` … `@TEST-END-FILE` text. */
function startFile(zeek: ZeekSource, test: string, name: string): string {
  const text = zeek.read(`${TESTS}/${test}.zeek`);
  const m = new RegExp(`# @TEST-START-FILE ${name.replace(".", "\\.")}\\n([\\s\\S]*?)# @TEST-END-FILE`).exec(text);
  assert.ok(m !== null, `${test}.zeek has no ${name}`);
  return m[1]!;
}

/** What a `zeek -b -C -r TRACE …` run printed, and its logs' text. */
interface Run {
  readonly out: string[];
  text(name: string): string;
}

async function run(trace: string, setup: (engine: Engine, out: string[]) => void, settings: Partial<EngineSettings> = {}, loads: string[] = []): Promise<Run> {
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings: { ignore_checksums: true, ...settings } });
  const out: string[] = [];
  setup(engine, out);
  const { logs } = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  await engine.run(await openTrace(join(TRACES, trace)));
  return { out, text: (name) => logs.text(name) };
}

const zeek = zeekSource();

function oraclesMissing(t: Parameters<typeof oracleMissing>[0], trace: string): boolean {
  return btestOraclesMissing(t, zeek, "its BitTorrent and NCP btests", [trace]);
}

test("Zeek's btest bittorrent/tracker: bt_tracker_request as it prints it, with the test's own signatures", async (t) => {
  if (oraclesMissing(t, "bittorrent/tracker.pcap") || zeek === null) return;
  const sig = startFile(zeek, "bittorrent/tracker", "bittorrent.sig");
  const { out } = await run("bittorrent/tracker.pcap", (engine, printed) => {
    engine.loadSignatures({ text: sig, file: "./bittorrent.sig" });
    engine.on("bt_tracker_request", (c, uri, headers) => {
      printed.push([zeekConnId(c.id), zeekString(uri), zeekStringTable(headers)].join(", "));
    });
  });
  assert.deepEqual(out.join("\n").split("\n"), baseline(zeek, "bittorrent.tracker", "output"));
});

/**
 * ncp/event.zeek and frame_size_tuning.zeek: `redef likely_server_ports += { 524/tcp }` (no
 * engine call says it: the session layer's table is set directly), NCP registered for 524/tcp,
 * both events printed.
 */
function ncpTwin(engine: Engine, out: string[]): void {
  engine.sessions.serverPorts.tcp[524] = 1;
  assert.ok(engine.registerForPort("NCP", 524));
  engine.on("ncp_request", (_c, frameType, length, func) => out.push(["ncp request", frameType, length, func].join(", ")));
  engine.on("ncp_reply", (_c, frameType, length, reqFrame, reqFunc, code) => out.push(["ncp reply", frameType, length, reqFrame, reqFunc, code].join(", ")));
}

test("Zeek's btest ncp/event: every ncp_request and ncp_reply as it prints them", async (t) => {
  if (oraclesMissing(t, "ncp.pcap") || zeek === null) return;
  const { out } = await run("ncp.pcap", ncpTwin);
  assert.deepEqual(out, baseline(zeek, "ncp.event", "out"));
});

test("Zeek's btest ncp/frame_size_tuning: NCP::max_frame_size=150 drops the larger replies; conn.log and weird.log", async (t) => {
  if (oraclesMissing(t, "ncp.pcap") || zeek === null) return;
  const r = await run("ncp.pcap", ncpTwin, { "NCP::max_frame_size": 150 }, ["base/protocols/conn", "base/frameworks/notice/weird"]);
  assert.deepEqual(r.out, baseline(zeek, "ncp.frame_size_tuning", "out"));
  // btest-diff-cut -m uid service history conn.log; btest-diff-cut -m weird.log
  const cutLog = (name: string, columns: string[]): string => canonicalBtestLog(zeekCut(r.text(name), columns, true));
  assert.equal(cutLog("conn", ["uid", "service", "history"]), canonicalBtestLog(zeek.read(`${BASELINES}.ncp.frame_size_tuning/conn.log`)));
  assert.equal(cutLog("weird", []), canonicalBtestLog(zeek.read(`${BASELINES}.ncp.frame_size_tuning/weird.log`)));
});
