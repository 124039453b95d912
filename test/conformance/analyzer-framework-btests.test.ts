/**
 * Zeek's btests of the analyzer framework's scripts
 * (testing/btest/scripts/base/frameworks/analyzer) not replayed in
 * analyzer-core-btests.test.ts: schedule-analyzer and disabled-file-analyzers. The twin does what the
 * btest's script does on the engine (Zeek's btest seed, `zeek -b`), and what
 * it prints is compared with the baseline read from Zeek's source; without
 * it, or without the corpus trace, the test skips, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { maskFirstTime, zeekConnId, zeekDouble } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const HOURS_100 = 100 * 3600;

test("Zeek's btest analyzer/schedule-analyzer: the analyzers scheduled for a connection apply when it comes, the expired ones not (sorted)", async (t) => {
  const trace = "rotation.pcap";
  if (btestOraclesMissing(t, zeek, "its analyzer framework btests", [trace])) return;
  const engine = new Engine({ seed: ZEEK_SEED, bare: true });
  const out: string[] = [];
  let first = true;
  engine.on("new_connection", () => {
    // Make sure expiration executes (the btest's words): one far away, each time.
    engine.scheduleAnalyzer("1.2.3.4", "1.2.3.4", 8, "tcp", "MODBUS", HOURS_100);
    if (!first) return;
    first = false;
    for (const name of ["SSH", "HTTP", "DNS"]) engine.scheduleAnalyzer("10.0.0.2", "10.0.0.3", 6, "tcp", name, HOURS_100);
    engine.scheduleAnalyzer("0.0.0.0", "10.0.0.3", 6, "tcp", "FTP", HOURS_100);
    engine.scheduleAnalyzer("10.0.0.2", "10.0.0.3", 7, "tcp", "SSH", 1);
    engine.scheduleAnalyzer("10.0.0.2", "10.0.0.3", 8, "tcp", "HTTP", 1);
    engine.scheduleAnalyzer("10.0.0.2", "10.0.0.3", 8, "tcp", "DNS", HOURS_100);
    engine.scheduleAnalyzer("10.0.0.2", "10.0.0.3", 9, "tcp", "FTP", 1);
  });
  engine.on("scheduled_analyzer_applied", (c, a) => {
    out.push(maskFirstTime(`APPLIED:, ${zeekDouble(engine.clock.now)}, ${zeekConnId(c.id)}, Analyzer::ANALYZER_${a}`));
  });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
  assert.deepEqual(out.sort(), baselineLines(zeek!, "scripts.base.frameworks.analyzer.schedule-analyzer/output"));
});

/** The logs a `zeek -b -r pe/pe.pcap` run of disabled-file-analyzers writes, with `settings` and an optional zeek_init handler. */
async function peRunLogs(settings: string[], zeekInit?: (engine: Engine) => void): Promise<Set<string>> {
  const loads = ["base/protocols/conn", "base/protocols/ftp", "base/files/pe"];
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  if (zeekInit !== undefined) engine.on("zeek_init", () => zeekInit(engine));
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", "pe/pe.pcap")));
  scripts.close();
  return new Set(["pe", "conn"].filter((path) => scripts.logs.text(path) !== ""));
}

test("Zeek's btest analyzer/disabled-file-analyzers: Files::ANALYZER_PE in Analyzer::disabled_analyzers leaves no pe.log, unless enable_analyzer at zeek_init", async (t) => {
  if (btestOraclesMissing(t, zeek, "its analyzer framework btests", ["pe/pe.pcap"])) return;
  const disabled = ["Analyzer::disabled_analyzers += { Files::ANALYZER_PE }"];
  // test -f pe.log; then test ! -f pe.log and test -f conn.log; then both again.
  assert.deepEqual(await peRunLogs([]), new Set(["pe", "conn"]));
  assert.deepEqual(await peRunLogs(disabled), new Set(["conn"]));
  assert.deepEqual(await peRunLogs(disabled, (engine) => void engine.enableAnalyzerType("Files::ANALYZER_PE")), new Set(["pe", "conn"]));
});
