/**
 * Zeek's PostgreSQL btests (testing/btest/scripts/base/protocols/postgresql)
 * that the btest-applogs suite cannot replay, replayed here through bronze's
 * command line with --spicy (Zeek's baselines come from a Spicy build):
 * those that cut their logs with `zeek-cut -m COLUMNS < X.log > X.cut` (each
 * cut compared with the baseline's .cut, times masked as btest's default
 * canonifier masks them; analyzer.cut under the test's own canonifier,
 * which only turns the grammar's source location after a violation's
 * reason into "(...)": bronze writes no location, so the baseline's
 * " (...)" is dropped before comparing), those that must write no log of a
 * kind, and those that print an event's arguments (a TypeScript handler
 * prints as Zeek's `print` of a comma list does), and dump-events, whose
 * events (PostgreSQL's and analyzer_*) are compared by name and by their
 * arguments after the connection. Zeek's source
 * ($BRONZE_ZEEK_SOURCE or ../zeek) and the corpus traces are oracles:
 * without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { POSTGRESQL_EVENT_NAMES } from "../../../../src/analyzer/app/postgresql/events.js";
import { Engine } from "../../../../src/engine.js";
import type { EventName } from "../../../../src/event/events.js";
import { loadBuiltinScripts } from "../../../../src/index.js";
import { openTrace } from "../../../../src/source/open.js";
import { bronze } from "../../../cli/run-cli.js";
import { canonicalBtestLog, zeekCut } from "../../../conformance/btest-applogs-harness.js";
import { corpusRoot, oracleMissing } from "../../../helpers/corpus.js";
import { zeekString } from "../../../helpers/zeek-print.js";
import { ZEEK_SEED } from "../../../session/harness.js";
import { type ZeekSource, zeekSource } from "../../../signatures/btest-harness.js";

const BASELINE = "testing/btest/Baseline/scripts.base.protocols.postgresql";
const TRACES = join(corpusRoot(), "zeek", "traces", "postgresql");
const CONN = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "service"];
const CONN_HISTORY = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "history", "service"];
const SSL = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "version", "cipher", "curve", "server_name"];

interface Cut {
  /** The .cut file (the baseline's name). */
  readonly file: string;
  readonly log: string;
  /** zeek-cut's columns; [] for all. */
  readonly columns: readonly string[];
}

interface CutBtest {
  readonly name: string;
  readonly trace: string;
  readonly loads: readonly string[];
  readonly cuts: readonly Cut[];
  /** Logs the test requires to be absent (`test ! -f X.log`). */
  readonly absent?: readonly string[];
  readonly ignoreChecksums?: boolean;
}

const conn = (columns = CONN): Cut => ({ file: "conn.cut", log: "conn.log", columns });
const pg: Cut = { file: "postgresql.cut", log: "postgresql.log", columns: [] };
const ssl: Cut = { file: "ssl.cut", log: "ssl.log", columns: SSL };
const BASE = ["base/protocols/conn", "base/protocols/postgresql"];

const CUT_BTESTS: readonly CutBtest[] = [
  {
    name: "bad-backend-message",
    trace: "bad-backend-message-1.pcap",
    loads: BASE,
    ignoreChecksums: true,
    cuts: [conn(), { file: "analyzer.cut", log: "analyzer.log", columns: [] }],
    absent: ["reporter.log"],
  },
  { name: "bad-startup-message", trace: "bad-startup-message-1.pcap", loads: BASE, ignoreChecksums: true, cuts: [conn()], absent: ["reporter.log"] },
  {
    name: "http-on-port-5432",
    trace: "http-on-port-5432.pcap",
    loads: ["frameworks/analyzer/debug-logging", ...BASE],
    cuts: [conn(CONN_HISTORY), { file: "analyzer.cut", log: "analyzer_debug.log", columns: [] }],
    absent: ["postgresql.log"],
  },
  {
    name: "mysql-on-port-5432",
    trace: "mysql-on-port-5432.pcap",
    loads: ["frameworks/analyzer/debug-logging", ...BASE],
    cuts: [conn(CONN_HISTORY), { file: "analyzer.cut", log: "analyzer_debug.log", columns: [] }],
    absent: ["postgresql.log"],
  },
  { name: "psql-aws-ssl-disable-15432", trace: "psql-aws-ssl-disable-15432.pcap", loads: BASE, cuts: [conn(), pg] },
  { name: "psql-aws-ssl-disable", trace: "psql-aws-ssl-disable.pcap", loads: [...BASE, "base/protocols/ssl"], cuts: [conn(), pg], absent: ["ssl.log"] },
  { name: "psql-aws-ssl-require-15432", trace: "psql-aws-ssl-require-15432.pcap", loads: [...BASE, "base/protocols/ssl"], cuts: [conn(), ssl, pg] },
  { name: "psql-aws-ssl-require", trace: "psql-aws-ssl-require.pcap", loads: [...BASE, "base/protocols/ssl"], cuts: [conn(), ssl, pg] },
  { name: "psql-create-insert-select", trace: "psql-create-insert-select-delete-drop.pcap", loads: BASE, cuts: [conn(), pg] },
  { name: "psql-insert-fail-drop-fail", trace: "psql-insert-fail-drop-fail.pcap", loads: BASE, cuts: [conn(), pg] },
  { name: "psql-login-fail", trace: "psql-login-fail.pcap", loads: BASE, cuts: [conn(), pg] },
  { name: "psql-login-no-role", trace: "psql-login-no-role.pcap", loads: BASE, cuts: [conn(), pg] },
  { name: "psql-login-no-sslrequest", trace: "psql-login-no-sslrequest.pcap", loads: BASE, cuts: [conn(), pg] },
  { name: "psql-select-now", trace: "psql-select-now.pcap", loads: BASE, cuts: [conn(), pg] },
  {
    name: "greenhouse-app",
    trace: "greenhouse-app.pcap",
    loads: BASE,
    ignoreChecksums: true,
    cuts: [
      { file: "conn.log", log: "conn.log", columns: ["uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "history", "service"] },
      { file: "postgresql.log", log: "postgresql.log", columns: [] },
    ],
    absent: ["analyzer.log"],
  },
];

function oracles(): ZeekSource | string {
  const zeek = zeekSource();
  if (zeek === null) return "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its PostgreSQL btests are not replayed";
  if (!existsSync(TRACES)) return `the corpus' PostgreSQL traces are missing (${TRACES}): Zeek's PostgreSQL btests are not replayed`;
  return zeek;
}

/** A .cut as btest compares it: the default canonifier masks times, analyzer.cut's own only the source location. */
function canonical(text: string, file: string): string {
  if (file !== "analyzer.cut") return canonicalBtestLog(text);
  return text
    .split("\n")
    .filter((l) => !l.startsWith("### "))
    .map((l) => l.replace(/ \(\.\.\.\)(\t|$)/, "$1"))
    .join("\n")
    .trim();
}

for (const b of CUT_BTESTS) {
  test(`btest postgresql.${b.name}`, async (t) => {
    const zeek = oracles();
    if (typeof zeek === "string") return oracleMissing(t, zeek);
    const dir = mkdtempSync(join(tmpdir(), "bronze-pg-"));
    try {
      const seed = join(corpusRoot(), "zeek", "random.seed");
      const r = await bronze([
        "--spicy",
        "-b",
        ...(b.ignoreChecksums === true ? ["-C"] : []),
        "--seed-file",
        seed,
        "-r",
        join(TRACES, b.trace),
        "--logdir",
        dir,
        ...b.loads,
      ]);
      assert.equal(r.code, 0, r.err);
      for (const c of b.cuts) {
        const path = join(dir, c.log);
        const got = existsSync(path) ? zeekCut(readFileSync(path, "latin1"), c.columns, true) : "(no log)";
        const want = zeek.read(`${BASELINE}.${b.name}/${c.file}`);
        assert.equal(canonical(got, c.file), canonical(want, c.file), `${b.name}: ${c.file}`);
      }
      for (const log of b.absent ?? []) assert.ok(!existsSync(join(dir, log)), `${b.name}: bronze wrote ${log}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The btests that print one event's arguments after its name and the connection's uid. */
const PRINT_BTESTS: readonly { name: string; trace: string; events: readonly EventName[]; label: (e: EventName) => string }[] = [
  { name: "startup-parameter", trace: "psql-login-no-sslrequest.pcap", events: ["PostgreSQL::startup_parameter"], label: short },
  { name: "parameter-status", trace: "psql-login-no-sslrequest.pcap", events: ["PostgreSQL::parameter_status"], label: short },
  {
    name: "psql-auth",
    trace: "psql-select-now.pcap",
    events: ["PostgreSQL::authentication_request", "PostgreSQL::authentication_response", "PostgreSQL::authentication_ok"],
    label: short,
  },
];

function short(e: EventName): string {
  return e.replace(/^PostgreSQL::/, "");
}

function printValue(v: unknown): string {
  if (typeof v === "string") return zeekString(v);
  if (typeof v === "boolean") return v ? "T" : "F";
  return String(v);
}

for (const b of PRINT_BTESTS) {
  test(`btest postgresql.${b.name} (printed events)`, async (t) => {
    const zeek = oracles();
    if (typeof zeek === "string") return oracleMissing(t, zeek);
    const engine = new Engine({ bare: true, loads: ["base/protocols/postgresql"], seed: ZEEK_SEED });
    loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["base/protocols/postgresql"] });
    const out: string[] = [];
    const on = engine.on.bind(engine) as (name: EventName, handler: (...args: unknown[]) => void) => Engine;
    for (const e of b.events) on(e, (c, ...args) => void out.push([b.label(e), (c as { uid: string }).uid, ...args.map(printValue)].join(", ")));
    await engine.run(await openTrace(join(TRACES, b.trace)));
    const want = zeek
      .read(`${BASELINE}.${b.name}/output`)
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("### "));
    assert.deepEqual(out, want);
  });
}

/** misc/dump-events' output as "NAME arg…" lines: the arguments after the connection, none of the analyzer_* records. */
function dumpedEvents(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const name = /^XXXXXXXXXX\.XXXXXX (\S+)$/.exec(line);
    if (name !== null) out.push(name[1]!);
    const arg = /^\s+\[(\d+)\] \w+: [\w:]+\s*= (.*)$/.exec(line);
    if (arg !== null && arg[1] !== "0" && out.at(-1)!.startsWith("PostgreSQL::")) out[out.length - 1] += ` ${arg[2]}`;
  }
  return out;
}

test("btest postgresql.dump-events (event names and arguments)", async (t) => {
  const zeek = oracles();
  if (typeof zeek === "string") return oracleMissing(t, zeek);
  const got: string[] = [];
  for (const trace of ["psql-select-now.pcap", "psql-insert-fail-drop-fail.pcap"]) {
    const engine = new Engine({ bare: true, loads: ["base/protocols/postgresql"], seed: ZEEK_SEED });
    loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["base/protocols/postgresql"] });
    const on = engine.on.bind(engine) as (name: EventName, handler: (...args: unknown[]) => void) => Engine;
    for (const e of Object.keys(POSTGRESQL_EVENT_NAMES) as EventName[]) on(e, (_c, ...args) => void got.push([e, ...args.map(printValue)].join(" ")));
    for (const e of ["analyzer_confirmation_info", "analyzer_violation_info", "analyzer_failed"] as const) on(e, () => void got.push(e));
    await engine.run(await openTrace(join(TRACES, trace)));
  }
  assert.deepEqual(got, dumpedEvents(zeek.read(`${BASELINE}.dump-events/output`)));
});
