/**
 * Zeek's btests of the analyzer framework's confirmations and violations
 * (core/analyzer-confirmation-violation-info, -info-ftp, and
 * core/max-analyzer-violations), which print from event handlers: each run
 * is an engine with Zeek's btest seed and a TypeScript twin of the test's
 * handlers; what it prints must be the baseline, max-analyzer-violations'
 * weird.log too. They pin the violation's reason and data, the events'
 * order, and max_analyzer_violations' weird. Not the analyzer ids (aid):
 * Zeek counts every analyzer it makes, the session adapter, the PIA, the
 * ConnSize analyzer and protocols' support analyzers (content-line
 * splitters) included, at the connection's creation; bronze numbers only
 * its application analyzers, as it makes them. An aid is compared as an
 * analyzer's identity only: the same number throughout a test in both.
 * Zeek's source and the corpus traces are oracles: without them the tests
 * skip, saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { zeekConnId, zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();

/** A baseline's lines (only called once the oracle was found). */
const baseline = (path: string): string[] => baselineLines(zeek!, path);

/** Lines with the aid in column `at` (", "-separated) replaced by its rank among the aids seen (see the header). */
function aidsRanked(lines: readonly string[], at: (line: string) => number | null): string[] {
  const ranks = new Map<string, number>();
  return lines.map((line) => {
    const cols = line.split(", ");
    const i = at(line);
    if (i === null) return line;
    const aid = cols[i]!;
    if (!ranks.has(aid)) ranks.set(aid, ranks.size + 1);
    cols[i] = `aid#${ranks.get(aid)}`;
    return cols.join(", ");
  });
}

/** The aid's column in the info btests' lines: right after the conn_id record. */
function infoAid(line: string): number | null {
  const cols = line.split(", ");
  const end = cols.findIndex((c) => c.endsWith("ctx=[]]"));
  return end < 0 ? null : end + 1;
}

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
  if (zeek === null) {
    oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its analyzer btests are not replayed");
    return true;
  }
  if (!existsSync(join(TRACES, trace))) {
    oracleMissing(t, `the corpus trace ${trace} is not there`);
    return true;
  }
  return false;
}

test("Zeek's btest core/analyzer-confirmation-violation-info: SSL confirms, then a violation with its reason, both with the analyzer's id", async (t) => {
  const trace = "tls/tls-1.2-protocol-error.pcap";
  if (oraclesMissing(t, trace)) return;
  assert.deepEqual(aidsRanked(await infoRun(trace, false), infoAid), aidsRanked(baseline("core.analyzer-confirmation-violation-info/.stdout"), infoAid));
});

test("Zeek's btest core/analyzer-confirmation-violation-info-ftp: FTP's violation carries the offending line as its data", async (t) => {
  const trace = "ftp/ipv6-violation.pcap";
  if (oraclesMissing(t, trace)) return;
  assert.deepEqual(aidsRanked(await infoRun(trace, true), infoAid), aidsRanked(baseline("core.analyzer-confirmation-violation-info-ftp/.stdout"), infoAid));
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
  const violationAid = (line: string) => (line.split(", ")[1] === "violation" ? 4 : null);
  assert.deepEqual(aidsRanked(out, violationAid), aidsRanked(baseline("core.max-analyzer-violations/output"), violationAid));
  assert.equal(canonicalBtestLog(scripts.logs.text("weird")), canonicalBtestLog(zeek!.read("testing/btest/Baseline/core.max-analyzer-violations/weird.log")));
});
