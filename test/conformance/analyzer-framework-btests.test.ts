/**
 * Zeek's btests of the analyzer framework's scripts
 * (testing/btest/scripts/base/frameworks/analyzer) not replayed in
 * analyzer-core-btests.test.ts: schedule-analyzer, disable-analyzer,
 * register-for-port, request-analyzer, disabled-file-analyzers, and
 * policy/frameworks/analyzer/logging-debug. The twin does what the
 * btest's script does on the engine (Zeek's btest seed, `zeek -b`), and what
 * it prints is compared with the baseline read from Zeek's source; without
 * it, or without the corpus trace, the test skips, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { EngineSettings } from "../../src/options.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { maskFirstTime, zeekConnId, zeekDouble } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

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

interface FrameworkRun {
  loads: string[];
  /** Zeek's -b (default true). */
  bare?: boolean;
  settings?: Partial<EngineSettings> | string[];
  /** Run before the trace (a zeek_init handler, a capture filter). */
  setup?: (engine: Engine) => void;
}

/** A bare run of `trace` with the btest's scripts: its logs by stream name ("" for one not written). */
async function frameworkRun(trace: string, run: FrameworkRun): Promise<(stream: string) => string> {
  const bare = run.bare ?? true;
  const engine = new Engine({ seed: ZEEK_SEED, bare, loads: run.loads, settings: run.settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, loads: run.loads });
  run.setup?.(engine);
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
  scripts.close();
  return (stream) => scripts.logs.text(stream);
}

/** conn.log's services (`zeek-cut service`), each connection's. */
function services(conn: string): Set<string> {
  const rows = conn.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  return new Set(rows.flatMap((l) => l.split("\t")[7]!.split(",")));
}

test("Zeek's btest analyzer/disable-analyzer: SSH in Analyzer::disabled_analyzers and DNS disabled at zeek_init are no service", async (t) => {
  const trace = "var-services-std-ports.pcap";
  if (btestOraclesMissing(t, zeek, "its analyzer framework btests", [trace])) return;
  const loads = ["base/protocols/conn", "base/protocols/dns", "base/protocols/ssh"];
  // The btest's checks (`grep -q ssh` and `grep -q dns` fail), and that the trace has both when they run.
  const on = services((await frameworkRun(trace, { loads }))("conn"));
  assert.ok(on.has("ssh") && on.has("dns"));
  const off = await frameworkRun(trace, {
    loads,
    settings: ["Analyzer::disabled_analyzers+={Analyzer::ANALYZER_SSH}"],
    setup: (engine) => engine.on("zeek_init", () => assert.equal(engine.disableAnalyzerType("ANALYZER_DNS"), true)),
  });
  const left = services(off("conn"));
  assert.equal(left.has("ssh") || left.has("dns"), false);
});

test("Zeek's btest analyzer/register-for-port: SSH registered for 80/tcp finds SSH on port 80 without DPD (dpd_buffer_size=0)", async (t) => {
  const trace = "ssh/ssh-on-port-80.pcap";
  if (btestOraclesMissing(t, zeek, "its analyzer framework btests", [trace])) return;
  const run = (register: boolean) =>
    frameworkRun(trace, {
      loads: ["base/protocols/conn", "base/protocols/ssh"],
      settings: ["dpd_buffer_size=0"],
      setup: (engine) => {
        if (register) engine.on("zeek_init", () => assert.equal(engine.registerForPort("ANALYZER_SSH", 80, "tcp"), true));
      },
    });
  assert.ok(services((await run(true))("conn")).has("ssh"));
  assert.equal(services((await run(false))("conn")).has("ssh"), false);
});

test("Zeek's btest analyzer/request-analyzer: with Analyzer::disable_all only the requested HTTP runs (conn.log, http.log, no dns.log)", async (t) => {
  const trace = "wikipedia.pcap";
  if (btestOraclesMissing(t, zeek, "its analyzer framework btests", [trace])) return;
  const logs = await frameworkRun(trace, {
    loads: ["base/protocols/conn", "base/protocols/dns", "base/protocols/http"],
    settings: ["Analyzer::disable_all=T", "Analyzer::requested_analyzers+={Analyzer::ANALYZER_HTTP}"],
    // zeek -f 'port 53 or port 80'
    setup: (engine) => engine.setFilter("port 53 or port 80"),
  });
  const dir = "testing/btest/Baseline/scripts.base.frameworks.analyzer.request-analyzer";
  assert.equal(canonicalBtestLog(logs("http")), canonicalBtestLog(zeek!.read(`${dir}/http.log`)));
  assert.equal(logs("dns"), "");
  // Whole: disable_all disables ConnSize too (orig_pkts … resp_ip_bytes unset), and
  // DNS's expiry timer: the rows left at the end of input come in key order.
  assert.equal(canonicalBtestLog(logs("conn")), canonicalBtestLog(zeek!.read(`${dir}/conn.log`)));
});

test("Zeek's btest policy analyzer/logging-debug: analyzer_debug.log's confirmations, violations and disablings, each kind switched by its option", async (t) => {
  const trace = "socks.pcap";
  if (btestOraclesMissing(t, zeek, "its analyzer framework btests", [trace])) return;
  const loads = ["base/protocols/conn", "base/protocols/dns", "base/protocols/socks", "frameworks/analyzer/debug-logging"];
  const dir = "testing/btest/Baseline/scripts.policy.frameworks.analyzer.logging-debug";
  const runs: Array<[baseline: string, option: string[]]> = [
    ["default", []],
    ["dontinclude-confirmations", ["Analyzer::DebugLogging::include_confirmations=F"]],
    ["dontinclude-disabling", ["Analyzer::DebugLogging::include_disabling=F"]],
  ];
  for (const [name, option] of runs) {
    // The btest's redef: DCE_RPC's violations count, so that it is disabled eventually.
    const logs = await frameworkRun(trace, { bare: false, loads, settings: ["DPD::ignore_violations-={Analyzer::ANALYZER_DCE_RPC}", ...option] });
    assert.equal(canonicalBtestLog(logs("analyzer_debug")), canonicalBtestLog(zeek!.read(`${dir}/analyzer_debug.log-${name}`)), name);
  }
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
