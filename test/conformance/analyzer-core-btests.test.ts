/**
 * Zeek's btests of the analyzer framework's confirmations and violations
 * (core/analyzer-confirmation-violation-info, -info-ftp,
 * core/max-analyzer-violations, core/tunnels/analyzer-confirmation) and of
 * disabling analyzers by id (bifs/disable_analyzer-early,
 * scripts/base/protocols/ssl/prevent-disable-analyzer), which print from
 * event handlers: each run is an engine with Zeek's btest seed and a
 * TypeScript twin of the test's handlers; what it prints must be the
 * baseline, logs the tests compare too. They pin the violation's reason and
 * data, the events' order, max_analyzer_violations' weird, and the analyzer
 * ids (aid) exactly: Zeek numbers every analyzer it makes (session adapter,
 * PIA, ConnSize, support analyzers) with one counter, and bronze gives its
 * analyzers the numbers Zeek's would have. Zeek's source and the corpus
 * traces are oracles: without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, type oracleMissing } from "../helpers/corpus.js";
import { zeekConnId, zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();

/** A baseline's lines (only called once the oracle was found). */
const baseline = (path: string): string[] => baselineLines(zeek!, path);

/** Zeek's `print` of the info's conn_id. */
function connId(c: Connection | undefined): string {
  return c === undefined ? "<uninitialized>" : zeekConnId(c.id);
}

/** The confirmation and violation handlers both info btests have; `withData` prints the violation's data too (the FTP one). */
async function infoRun(trace: string, withData: boolean): Promise<string[]> {
  const engine = new Engine({ seed: ZEEK_SEED });
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  engine.on(
    "analyzer_confirmation_info",
    (tag, info) => void out.push(["analyzer_confirmation_info", `Analyzer::ANALYZER_${tag}`, connId(info.c), info.aid].join(", ")),
  );
  engine.on("analyzer_violation_info", (tag, info) => {
    const fields = ["analyzer_violation_info", `Analyzer::ANALYZER_${tag}`, zeekString(info.reason), connId(info.c), String(info.aid)];
    if (withData) fields.push(zeekString(info.data ?? ""));
    out.push(fields.join(", "));
  });
  await engine.run(await openTrace(join(TRACES, trace)));
  return out;
}

function oraclesMissing(t: Parameters<typeof oracleMissing>[0], trace: string): boolean {
  return btestOraclesMissing(t, zeek, "its analyzer btests", [trace]);
}

test("Zeek's btest core/analyzer-confirmation-violation-info: SSL confirms, then a violation with its reason, both with the analyzer's id", async (t) => {
  const trace = "tls/tls-1.2-protocol-error.pcap";
  if (oraclesMissing(t, trace)) return;
  assert.deepEqual(await infoRun(trace, false), baseline("core.analyzer-confirmation-violation-info/.stdout"));
});

test("Zeek's btest core/analyzer-confirmation-violation-info-ftp: FTP's violation carries the offending line as its data", async (t) => {
  const trace = "ftp/ipv6-violation.pcap";
  if (oraclesMissing(t, trace)) return;
  assert.deepEqual(await infoRun(trace, true), baseline("core.analyzer-confirmation-violation-info-ftp/.stdout"));
});

test("Zeek's btest core/max-analyzer-violations: past max_analyzer_violations, one weird and no more events", async (t) => {
  const trace = "pop3-unknown-commands.pcap";
  if (oraclesMissing(t, trace)) return;
  const loads = ["base/protocols/pop3", "base/frameworks/notice/weird"];
  const engine = new Engine({
    bare: true,
    loads,
    seed: ZEEK_SEED,
    settings: ["max_analyzer_violations=5", "DPD::ignore_violations+={Analyzer::ANALYZER_POP3}"],
  });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const out: string[] = [];
  let n = 0;
  engine.on(
    "analyzer_violation_info",
    (tag, info) => void out.push([++n, "violation", `Analyzer::ANALYZER_${tag}`, info.c?.uid, info.aid, zeekString(info.reason)].join(", ")),
  );
  engine.on("pop3_request", (c, _isOrig, command, arg) => void out.push(["request", c.uid, zeekString(command), zeekString(arg)].join(", ")));
  engine.on("pop3_reply", (c, _isOrig, cmd, msg) => void out.push(["reply", c.uid, zeekString(cmd), zeekString(msg)].join(", ")));
  await engine.run(await openTrace(join(TRACES, trace)));
  scripts.close();
  assert.deepEqual(out, baseline("core.max-analyzer-violations/output"));
  assert.equal(canonicalBtestLog(scripts.logs.text("weird")), canonicalBtestLog(zeek!.read("testing/btest/Baseline/core.max-analyzer-violations/weird.log")));
});

test("Zeek's btest bifs/disable_analyzer-early: HTTP disabled by its aid at its confirmation sees no more requests", async (t) => {
  const trace = "http/pipelined-requests.pcap";
  if (oraclesMissing(t, trace)) return;
  const loads = ["base/protocols/http"];
  const engine = new Engine({ bare: true, loads, seed: ZEEK_SEED });
  loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const out: string[] = [];
  const messages = new Map<string, number>();
  const count = (c: Connection) => void messages.set(zeekConnId(c.id), (messages.get(zeekConnId(c.id)) ?? 0) + 1);
  engine.on(
    "analyzer_confirmation_info",
    (tag, info) => {
      if (tag !== "HTTP" || info.c === undefined) return;
      out.push(`proto confirm, Analyzer::ANALYZER_${tag}`);
      out.push(engine.disableAnalyzer(info.c, info.aid, true) ? "T" : "F");
    },
    { priority: 10 },
  );
  engine.on("http_request", (c, method, uri) => {
    count(c);
    out.push(["http_request", method, uri].join(", "));
  });
  engine.on("http_reply", (c, _version, code) => {
    count(c);
    out.push(`http_reply, ${code}`);
  });
  await engine.run(await openTrace(join(TRACES, trace)));
  out.push("total http messages, {", ...[...messages].map(([id, n]) => `[${id}] = ${n}`), "}");
  assert.deepEqual(out, baseline("bifs.disable_analyzer-early/out"));
});

test("Zeek's btest core/tunnels/analyzer-confirmation: HTTP inside VXLAN confirms once, numbered after the outer flow's analyzers", async (t) => {
  const trace = "tunnels/vxlan-encapsulated-http.pcap";
  if (oraclesMissing(t, trace)) return;
  const loads = ["base/frameworks/tunnels", "base/protocols/conn", "base/protocols/http"];
  const engine = new Engine({ bare: true, loads, seed: ZEEK_SEED });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const out: string[] = [];
  // A packet analyzer's (VXLAN's) info has no aid (bronze's 0): Zeek's print of the missing field fails, printing nothing.
  engine.on("analyzer_confirmation_info", (_tag, info) => {
    if (info.aid !== 0) out.push(["analyzer_confirmation", info.c?.uid, connId(info.c), info.aid].join(", "));
  });
  engine.on("analyzer_violation_info", (_tag, info) => {
    if (info.aid !== 0) out.push(["analyzer_violation", info.c?.uid, connId(info.c), info.aid, zeekString(info.reason)].join(", "));
  });
  await engine.run(await openTrace(join(TRACES, trace)));
  scripts.close();
  assert.deepEqual(out, baseline("core.tunnels.analyzer-confirmation/out"));
  for (const log of ["conn", "http"]) {
    const want = zeek!.read(`testing/btest/Baseline/core.tunnels.analyzer-confirmation/${log}.log`);
    assert.equal(canonicalBtestLog(scripts.logs.text(log)), canonicalBtestLog(want), `${log}.log`);
  }
});

test("Zeek's btest scripts/base/protocols/ssl/prevent-disable-analyzer: a disabling_analyzer hook keeps SSL (by its aid) until the fourth encrypted record", async (t) => {
  const trace = "tls/tls1.2.pcap";
  if (oraclesMissing(t, trace)) return;
  const loads = ["base/protocols/ssl"];
  const engine = new Engine({ bare: true, loads, seed: ZEEK_SEED, ignoreChecksums: true, settings: ["SSL::disable_analyzer_after_detection=T"] });
  loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const wanted = 4;
  const out: string[] = [];
  // The twin's c$ssl$encrypted_data and c$ssl$analyzer_id (set by the SSL script at the confirmation), by uid.
  const encrypted = new Map<string, number>();
  const sslAid = new Map<string, number>();
  engine.onDisablingAnalyzer((c, name, aid) => {
    const line = (what: string) => [what, zeekConnId(c.id), `Analyzer::ANALYZER_${name}`, aid].join(", ");
    out.push(line("disabling_analyzer"));
    if (name !== "SSL") return undefined;
    if ((encrypted.get(c.uid) ?? 0) < wanted) {
      out.push(line("preventing disabling_analyzer"));
      return false;
    }
    out.push(line("allowing disabling_analyzer"));
    return undefined;
  });
  engine.on("ssl_established", (c) => void out.push(`established, ${zeekConnId(c.id)}`));
  engine.on("analyzer_confirmation_info", (tag, info) => {
    if (info.c === undefined) return;
    if (tag === "SSL") sslAid.set(info.c.uid, info.aid);
    out.push(["analyzer_confirmation", zeekConnId(info.c.id), `Analyzer::ANALYZER_${tag}`, info.aid].join(", "));
  });
  engine.on("ssl_encrypted_data", (c, isClient, _version, contentType, length) => {
    const n = (encrypted.get(c.uid) ?? 0) + 1;
    encrypted.set(c.uid, n);
    out.push(["encrypted_data", zeekConnId(c.id), isClient ? "T" : "F", contentType, length, n].join(", "));
    const aid = sslAid.get(c.uid);
    if (aid !== undefined && n >= wanted) engine.disableAnalyzer(c, aid);
  });
  await engine.run(await openTrace(join(TRACES, trace)));
  assert.deepEqual(out, baseline("scripts.base.protocols.ssl.prevent-disable-analyzer/.stdout"));
});

test("Zeek's btest scripts/base/frameworks/analyzer/enable-analyzer: with Analyzer::disable_all only the DNS a script enables runs", async (t) => {
  const trace = "var-services-std-ports.pcap";
  if (oraclesMissing(t, trace)) return;
  const services = async (enableDns: boolean): Promise<Set<string>> => {
    const loads = ["base/protocols/dns", "base/protocols/conn"];
    const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads, settings: ["Analyzer::disable_all=T"] });
    const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
    if (enableDns) engine.on("zeek_init", () => assert.equal(engine.enableAnalyzerType("ANALYZER_DNS"), true));
    await engine.run(await openTrace(join(TRACES, trace)));
    const rows = scripts.logs
      .text("conn")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    return new Set(rows.map((l) => l.split("\t")[7]!));
  };
  // The btest's check (`zeek-cut service | grep -q dns`), and that nothing else ran.
  assert.deepEqual(await services(true), new Set(["-", "dns"]));
  assert.deepEqual(await services(false), new Set(["-"]));
});
