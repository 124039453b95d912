/**
 * More of Zeek's logging btests (testing/btest/scripts/base/frameworks/
 * logging/*.zeek) replayed as TypeScript twins: each does with a LogManager
 * (or an engine run on the btest's trace) what the btest's Zeek script
 * does, and its logs or printed lines are held to the btest's baselines,
 * read from Zeek's source (the tests skip, saying so, without it). Logs
 * are compared as btest-diff canonifies them: a leading time and the
 * #open/#close dates masked.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { Engine } from "../../src/engine.js";
import { bytesToLogText } from "../../src/log/escape.js";
import type { LogFields, LogPolicy, LogStreamPolicy } from "../../src/log/filters.js";
import { LogManager, type LogOptions } from "../../src/log/manager.js";
import { PrintFile, type PrintLogInfo, type PrintRedirect, ZeekPrint } from "../../src/log/print-log.js";
import { fields, type LogRecord } from "../../src/log/schema.js";
import type { LogWriter, NamedLogRecord } from "../../src/log/writer.js";
import { defaultSettings } from "../../src/options.js";
import { zeekSetOrder } from "../../src/zeek-table/table.js";
import { oracleMissing } from "../helpers/corpus.js";
import { maskFirstTime } from "../helpers/zeek-print.js";
import { baselineLines, btestSeed, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { SSH_ALL_TYPES, SSH_BTEST_SCHEMA, ZEEK_FOO_TEXT } from "./zeek-ssh-btest.js";

const zeek = zeekSource();

export function btest(name: string, fn: (zeek: ZeekSource) => void | Promise<void>): void {
  test(`Zeek's btest logging/${name}`, async (t: TestContext) => {
    if (zeek === null) return oracleMissing(t, `Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: ${name.split(":")[0]}'s baseline cannot be read`);
    await fn(zeek);
  });
}

/** A baseline file of btest `name` (its directory under testing/btest/Baseline), without btest's header line. */
export function expected(z: ZeekSource, name: string, file: string): string[] {
  return baselineLines(z, `scripts.base.frameworks.logging.${name}/${file}`);
}

/** A log as btest-diff's canonifier leaves it: a leading time and the #open/#close dates masked, no empty lines. */
export function canonical(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.replace(/^#(open|close)\t.*/, "#$1 XXXX-XX-XX-XX-XX-XX").replace(/^-?\d+\.\d{6}(?=\t|$)/, "XXXXXXXXXX.XXXXXX"));
}

/** The SSH::Log record most of these btests write: t, id (conn_id rolled out), status (optional), country (default "unknown"): ascii-empty's without its b. */
const SSH_LOG = SSH_BTEST_SCHEMA.fields.slice(0, 7);

/** The btests' conn_id: [$orig_h=1.2.3.4, $orig_p=1234/tcp, $resp_h=2.3.4.5, $resp_p=80/tcp]. */
const CID = ["1.2.3.4", 1234, "2.3.4.5", 80] as const;

/** network_time() in a zeek_init without packets: the wall clock, masked in the baselines. */
const now = (): number => Date.now() / 1000;

/** One SSH::Log record: `country` left out takes its &default. */
function ssh(status: string | undefined, country = "unknown"): LogRecord {
  return [now(), ...CID, status, country];
}

/** The five writes of test-logging, include, exclude, attr, empty-event and others. */
const FIVE: ReadonlyArray<[string, string | undefined]> = [
  ["success", undefined],
  ["failure", "US"],
  ["failure", "UK"],
  ["success", "BR"],
  ["failure", "MX"],
];

function writeFive(w: LogWriter): void {
  for (const [status, country] of FIVE) w.write(ssh(status, country));
}

/** A LogManager in memory with the ssh stream, set up by `setup`, the five records written; the manager, closed. */
function sshRun(setup: (logs: LogManager) => void, options: LogOptions = {}): LogManager {
  const logs = new LogManager({ memory: true, ...options });
  const w = logs.open({ path: "ssh", fields: SSH_LOG, id: "SSH::LOG" });
  setup(logs);
  writeFive(w);
  logs.closeAll();
  return logs;
}

btest("test-logging and empty-event: a stream's records (with an event nobody handles)", (z) => {
  const lines = canonical(sshRun(() => {}).text("ssh"));
  for (const name of ["test-logging", "empty-event"]) assert.deepEqual(lines, expected(z, name, "ssh.log"), name);
});

btest("attr: a record without &log whose status and country have it: only those two columns", (z) => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "ssh", fields: fields(["status", "string"], ["country", "string"]) });
  for (const [status, country = "unknown"] of FIVE) w.write([status, country]);
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("ssh")), expected(z, "attr", "ssh.log"));
});

btest("include: the default filter replaced by one with only t and id.orig_h", (z) => {
  const logs = sshRun((l) => {
    l.removeFilter("ssh", "default");
    l.addFilter("ssh", { name: "default", include: ["t", "id.orig_h"] });
  });
  assert.deepEqual(canonical(logs.text("ssh")), expected(z, "include", "ssh.log"));
});

btest("exclude: a filter without t and id.orig_h", (z) => {
  const logs = sshRun((l) => {
    l.removeFilter("ssh", "default");
    l.addFilter("ssh", { name: "f1", exclude: ["t", "id.orig_h"] });
  });
  assert.deepEqual(canonical(logs.text("ssh")), expected(z, "exclude", "ssh.log"));
});

btest("adapt-filter: the default filter re-added with another path; no ssh.log", (z) => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "ssh", fields: SSH_LOG });
  logs.addFilter("ssh", { name: "default", path: "ssh-new-default" });
  w.write(ssh("success"));
  w.write(ssh("failure", "US"));
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("ssh-new-default")), expected(z, "adapt-filter", "ssh-new-default.log"));
  assert.equal(logs.text("ssh"), "");
});

btest("pred: two filters whose policy hooks split the records by status", (z) => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "test", fields: SSH_LOG });
  logs.removeFilter("test", "default");
  logs.addFilter("test", { name: "f1", path: "test.success", policy: (r) => r.status === "success" });
  logs.addFilter("test", { name: "f2", path: "test.failure", policy: (r) => r.status !== "success" });
  w.write(ssh("success"));
  w.write(ssh("failure", "US"));
  logs.closeAll();
  for (const path of ["test.success", "test.failure"]) assert.deepEqual(canonical(logs.text(path)), expected(z, "pred", `${path}.log`), path);
});

btest("path-func: a filter's path function, given the filter's path and the record, sends each record to its own file", (z) => {
  let c = -1;
  const pathFunc = (path: string, rec: NamedLogRecord): string => {
    c = (c + 1) % 3;
    return `${path}-${c}-${String(rec.country)}`;
  };
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "ssh", fields: SSH_LOG });
  logs.removeFilter("ssh", "default");
  logs.addFilter("ssh", { name: "dyn", path: "static-prefix", pathFunc });
  for (const [status, country] of [...FIVE, ["failure", "MX2"] as const, ["failure", "MX3"] as const]) w.write(ssh(status, country));
  logs.closeAll();
  // ( ls static-*; cat static-* ): the names, then each file, in ls's order.
  const files = logs
    .written()
    .filter((p) => p.startsWith("static-"))
    .map((p) => `${p}.log`)
    .sort();
  const output = [...files, ...files.flatMap((f) => canonical(logs.text(f.slice(0, -".log".length))))];
  assert.deepEqual(output, expected(z, "path-func", "output"));
});

btest("unset-record: an unset &optional record's columns are unset, each of its fields", (z) => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "testing", fields: fields(["a.val1", "count"], ["a.val2", "count"], ["b", "count"]) });
  w.write({ b: 6 });
  w.write({ "a.val1": 1, "a.val2": 2, b: 3 });
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("testing")), expected(z, "unset-record", "testing.log"));
});

btest("attr-extend: only the fields with &log, those a redef record adds included", (z) => {
  // t and id have no &log; status and country have; a1 has, a2 not; b1 and b2 by the redef's &log.
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "ssh", fields: fields(["status", "string"], ["country", "string"], ["a1", "count"], ["b1", "count"], ["b2", "count"]) });
  w.write(["success", "unknown", 1, 3, 4]);
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("ssh")), expected(z, "attr-extend", "ssh.log"));
});

btest("remove: Log::remove_filter on a filter, the default one, and one that does not exist; Log::get_filter_names before and after", (z) => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "ssh", fields: SSH_LOG });
  logs.addFilter("ssh", { name: "f1", path: "ssh.failure", policy: (r) => r.status === "failure" });
  w.write(ssh("failure", "US"));
  w.write(ssh("failure", "UK"));
  const printed = [logs.filterNames("ssh")];
  assert.equal(logs.removeFilter("ssh", "f1"), true);
  w.write(ssh("failure", "BR"));
  assert.equal(logs.removeFilter("ssh", "default"), true);
  w.write(ssh("failure", "MX"));
  assert.equal(logs.removeFilter("ssh", "doesn-not-exist"), false);
  printed.push(logs.filterNames("ssh"));
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("ssh")), expected(z, "remove", "ssh.log"));
  assert.deepEqual(canonical(logs.text("ssh.failure")), expected(z, "remove", "ssh.failure.log"));
  // Zeek prints each set as "{", its elements one a line ("f1,"), "}", in its hash order: compared as sets.
  const sets = expected(z, "remove", ".stdout")
    .join("\n")
    .split("}")
    .filter((s) => s.includes("{"))
    .map(
      (s) =>
        new Set(
          s
            .replace("{", "")
            .split(/,?\n/)
            .filter((e) => e !== ""),
        ),
    );
  assert.deepEqual(
    printed.map((names) => new Set(names)),
    sets,
  );
});

btest("stdout: a filter whose path is /dev/stdout writes the log there, header included; no ssh.log", (z) => {
  const logs = sshRun((l) => l.addFilter("ssh", { name: "default", path: "/dev/stdout" }));
  assert.deepEqual(canonical(logs.text("/dev/stdout")), expected(z, "stdout", "output"));
  assert.equal(logs.text("ssh"), "");
});

/** A temporary directory for the files a btest's script opens. */
function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "bronze-logbt-"));
}

/** A file's lines as btest-diff reads them (no empty lines). */
function fileLines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, "latin1")
        .split("\n")
        .filter((l) => l !== "")
    : [];
}

/** The prints of print-log and print-log-stdout's zeek_init: two into "otherfile", two on standard output. */
function printRun(redirect: PrintRedirect, path: string | undefined, onLogPrint?: (info: PrintLogInfo, dir: string) => void) {
  const dir = tempDir();
  const logs = new LogManager({ memory: true });
  const stdout: string[] = [];
  const p = new ZeekPrint(logs, { redirect, path, now, stdout: (t) => stdout.push(t), dir });
  if (onLogPrint !== undefined) p.onLogPrint((info) => onLogPrint(info, dir));
  const f = p.open("otherfile");
  p.print(f, "hello world ,");
  p.print("hello world ,");
  p.print(f, 2, true);
  p.print(2, true);
  f.close();
  logs.closeAll();
  return {
    logs,
    dir,
    stdout: stdout
      .join("")
      .split("\n")
      .filter((l) => l !== ""),
  };
}

btest("print-log: Log::print_to_log=REDIRECT_ALL sends every print, those into files too, to the log at Log::print_log_path", (z) => {
  const { logs, dir, stdout } = printRun("REDIRECT_ALL", "print_statements");
  assert.deepEqual(canonical(logs.text("print_statements")), expected(z, "print-log", "print_statements.log"));
  assert.deepEqual(stdout, expected(z, "print-log", ".stdout"));
  assert.deepEqual(fileLines(join(dir, "otherfile")), expected(z, "print-log", "otherfile"));
});

btest("print-log-stdout: REDIRECT_STDOUT sends only the prints to standard output to print.log, each also to Log::log_print", (z) => {
  // The btest's Log::log_print handler: opens anotherfile (emptying it) and prints "from event" and the record.
  const { logs, dir, stdout } = printRun("REDIRECT_STDOUT", undefined, (info, at) => {
    const f = new PrintFile("anotherfile", join(at, "anotherfile"));
    f.write(`from event, [ts=${info.ts.toFixed(6)}, vals=[${info.vals.join(", ")}]]\n`);
    f.close();
  });
  assert.deepEqual(canonical(logs.text("print")), expected(z, "print-log-stdout", "print.log"));
  assert.deepEqual(stdout, expected(z, "print-log-stdout", ".stdout"));
  assert.deepEqual(fileLines(join(dir, "otherfile")), expected(z, "print-log-stdout", "otherfile"));
  const masked = fileLines(join(dir, "anotherfile")).map((l) => l.replace(/ts=\d+\.\d{6}/, "ts=XXXXXXXXXX.XXXXXX"));
  assert.deepEqual(masked, expected(z, "print-log-stdout", "anotherfile"));
});

btest(
  "length-checking (its worker-2, logging locally): a record over Log::max_log_record_size is dropped with the weird log_record_too_large, the next one written",
  (z) => {
    const weirds: string[][] = [];
    const logs = new LogManager({
      memory: true,
      limits: { maxFieldStringBytes: 0, maxTotalStringBytes: 0, maxFieldContainerElements: 0, maxTotalContainerElements: 0, maxRecordSize: 1024 * 1024 },
      onLimit: (weird, stream) => weirds.push([weird, stream]),
    });
    const w = logs.open({ path: "test", fields: fields(["strings", "vector[string]"]), id: "Test::LOG" });
    // A million strings of 1,000 bytes, then a, b, c.
    w.write([new Array<string>(1000 * 1000).fill("A".repeat(1000))]);
    w.write([["a", "b", "c"]]);
    logs.closeAll();
    assert.deepEqual(canonical(logs.text("test")), expected(z, "length-checking", "worker-2.test.log"));
    // weird.log's name and addl (its other columns are the weird framework's, unset without a connection).
    const weirdLog = expected(z, "length-checking", "worker-2.weird.log");
    const columns = weirdLog
      .find((l) => l.startsWith("#fields"))!
      .split("\t")
      .slice(1);
    const rows = weirdLog.filter((l) => !l.startsWith("#")).map((l) => l.split("\t"));
    assert.deepEqual(
      weirds,
      rows.map((r) => [r[columns.indexOf("name")], r[columns.indexOf("addl")]]),
    );
    assert.deepEqual(
      logs.writeCounts().flatMap((s) => s.outputs.map((o) => [o.writes, o.discardedWrites])),
      [[1, 1]],
    );
  },
);

btest("ascii-utf8-enabled: valid UTF-8 of two, three and four bytes written as it is", (z) => {
  const logs = new LogManager({ memory: true, asciiFormat: { utf8: true } });
  const w = logs.open({ path: "test", fields: fields(["s", "string"]) });
  // The btest's "foo \xc2\xae bar" is bytes; the other two are UTF-8 text in its source.
  for (const s of [bytesToLogText("foo \xc2\xae bar"), "दुनिया को नमस्ते", "hello 𠜎"]) w.write([s]);
  logs.closeAll();
  const asBytes = Buffer.from(logs.text("test"), "utf8").toString("latin1");
  assert.deepEqual(canonical(asBytes), expected(z, "ascii-utf8-enabled", "test.log"));
});

btest("no-local: Log::enable_local_logging=F writes no ssh.log, the records still taken", () => {
  const logs = sshRun(() => {}, { localLogging: false });
  assert.equal(logs.text("ssh"), "");
  assert.deepEqual(logs.written(), []);
  assert.deepEqual(
    logs.writeCounts().map((s) => s.writes),
    [FIVE.length],
  );
});

/**
 * hooks' eleven runs (one btest, @TEST-START-NEXT between them): streams
 * Test::LOG (path "test", the policy hook Test::log_policy) and
 * Test::LOG_OTHER ("test_other", none), records of t and status. Zeek's
 * hook handlers run by priority, a `break` ending the hook: a run's
 * handlers are written here as one function doing the same.
 */
interface HooksRun {
  /** The run's handlers of Test::log_policy, as one hook (null: none). */
  policy?: LogPolicy;
  /** Its handlers of Log::log_stream_policy. */
  streamPolicy?: LogStreamPolicy;
  /** Its zeek_init: filters, writes. */
  init(logs: LogManager, test: LogWriter, other: LogWriter, out: string[]): void;
  /** The baseline files the run compares (beside test.log). */
  files?: readonly string[];
}

const INFO = fields(["t", "time"], ["status", "string"]);

const HOOKS_RUNS: readonly HooksRun[] = [
  // Arguments: id and filter are those expected; the hook does not veto.
  { policy: (_r, filter) => filter === "default", init: (_l, test) => test.write([now(), "foo"]) },
  // A veto of select records.
  { policy: (r) => r.status !== "foo", init: (_l, test) => writeStatuses(test, "foo", "bar") },
  // The hook changes the record.
  {
    policy: (r) => {
      r.status = "bar";
      return true;
    },
    init: (_l, test) => test.write([now(), "foo"]),
  },
  // Two handlers by priority: the one at 20 sets bar, so the one at 10 sees no foo.
  {
    policy: (r) => {
      r.status = "bar";
      if (r.status === "foo") r.status = "baz";
      return true;
    },
    init: (_l, test) => test.write([now(), "foo"]),
  },
  // The stream's hook runs for a filter added later too, which it tells apart by name.
  {
    policy: (r, filter) => {
      if (filter === "default") r.status = "bar";
      if (filter === "other") r.status = "baz";
      return true;
    },
    init: (l, test) => {
      l.addFilter("test", { name: "other", path: "other" });
      test.write([now(), "foo"]);
    },
    files: ["other.log"],
  },
  // A filter's own (permissive) hook overrides the stream's.
  {
    policy: (r) => r.status !== "foo",
    init: (l, test) => {
      l.addFilter("test", { name: "other", path: "other", policy: () => true });
      writeStatuses(test, "foo", "bar");
    },
    files: ["other.log"],
  },
  // A filter of a stream without a hook has one of its own: LOG_OTHER's default filter, path test, my_log_policy.
  {
    init: (l, _test, other) => {
      l.addFilter("test_other", { name: "default", path: "test", policy: (r) => r.status !== "foo" });
      writeStatuses(other, "foo", "bar");
    },
  },
  // Log::log_stream_policy alone vetoes.
  { streamPolicy: (r, id) => !(id === "Test::LOG" && r.status === "foo"), init: (_l, test) => writeStatuses(test, "foo", "bar") },
  // Both: the global hook first; the stream's changes what passes.
  {
    streamPolicy: (r, id) => !(id === "Test::LOG" && r.status === "foo"),
    policy: (r) => {
      if (r.status === "foo") r.status = "foobar";
      if (r.status === "bar") r.status = "barbaz";
      return true;
    },
    init: (_l, test) => writeStatuses(test, "foo", "bar"),
  },
  // Per write the global hook runs once, the filters' hooks once per filter, even after a veto, without undoing it.
  {
    init: (l, test, _other, out) => {
      l.onStreamPolicy((r, id) => {
        if (id !== "Test::LOG") return true;
        out.push("Log::log_stream_policy");
        return r.status !== "foo";
      });
      l.setStreamPolicy("test", (r) => {
        out.push(String(r.status));
        return true;
      });
      l.addFilter("test", { name: "yetanother", path: "yetanother" });
      writeStatuses(test, "foo", "bar");
    },
    files: ["output"],
  },
];

function writeStatuses(w: LogWriter, ...statuses: string[]): void {
  for (const status of statuses) w.write([now(), status]);
}

HOOKS_RUNS.forEach((run, i) => {
  const name = i === 0 ? "hooks" : `hooks-${i + 1}`;
  btest(`${name}: policy hooks of a stream, its filters and Log::log_stream_policy`, (z) => {
    const logs = new LogManager({ memory: true });
    const test = logs.open({ path: "test", fields: INFO, id: "Test::LOG" });
    const other = logs.open({ path: "test_other", fields: INFO, id: "Test::LOG_OTHER" });
    if (run.policy !== undefined) logs.setStreamPolicy("test", run.policy);
    if (run.streamPolicy !== undefined) logs.onStreamPolicy(run.streamPolicy);
    const out: string[] = [];
    run.init(logs, test, other, out);
    logs.closeAll();
    assert.deepEqual(canonical(logs.text("test")), expected(z, name, "test.log"), "test.log");
    for (const file of run.files ?? []) {
      const got = file === "output" ? out : canonical(logs.text(file.slice(0, -".log".length)));
      assert.deepEqual(got, expected(z, name, file), file);
    }
  });
});

btest("hooks-11: Log::log_stream_policy on a stream whose filters have no hook", (z) => {
  const logs = new LogManager({ memory: true });
  logs.onStreamPolicy((r, id) => !(id === "Test::LOG2" && r.status === "foo"));
  const log2 = logs.open({ path: "test", fields: INFO, id: "Test::LOG2" });
  writeStatuses(log2, "foo", "bar");
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("test")), expected(z, "hooks-11", "test.log"));
});

btest("ascii-logdir: a log written into the log directory with ascii-options' separator, markers and meta prefix", (z) => {
  const dir = tempDir();
  const logs = new LogManager({ logdir: dir, asciiFormat: { separator: "|", emptyField: "EMPTY", unsetField: "NOT-SET", metaPrefix: "PREFIX<>" } });
  const w = logs.open(SSH_BTEST_SCHEMA);
  const rows: ReadonlyArray<[string | undefined, string | undefined, boolean | undefined]> = [
    ["success", undefined, undefined],
    [undefined, "US", undefined],
    ["failure", "UK", undefined],
    [undefined, "BR", undefined],
    ["failure", "", true],
  ];
  for (const [status, country = "unknown", b] of rows) w.write([now(), ...CID, status, country, b]);
  logs.closeAll();
  // cat logdir/ssh.log | grep -v PREFIX.*20..-: without the #open and #close lines.
  const lines = fileLines(join(dir, "ssh.log")).filter((l) => !/PREFIX.*20..-/.test(l));
  assert.deepEqual(
    lines.map((l) => l.replace(/^\d{10}\.\d{6}/, "XXXXXXXXXX.XXXXXX")),
    expected(z, "ascii-logdir", "ssh-filtered.log"),
  );
});

btest("ascii-gz-rotate: a compressed log rotated at the end of the run is one gzip file that gunzip reads", () => {
  const dir = tempDir();
  // A run without packets: network time stays where it started, the only rotation is the end's.
  const rotation = { clock: { now: now() }, scheduleClient: () => {}, settings: { ...defaultSettings(), "Log::default_rotation_interval": 3600 } };
  const logs = new LogManager({ logdir: dir, gzipLevel: 1, rotation });
  logs.open({ path: "test", fields: fields(["s", "string"]) }).write(["testing"]);
  logs.closeAll();
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^test\.\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.log\.gz$/);
  const text = gunzipSync(readFileSync(join(dir, files[0]!))).toString("utf8");
  assert.match(text, /^#fields\ts\n#types\tstring\ntesting\n#close\t/m);
});

btest("events: the stream's $ev, given each record written (two of them), printed as Zeek prints an SSH::Log", (z) => {
  const printed: string[] = [];
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "ssh", fields: SSH_LOG, id: "SSH::LOG" });
  logs.onRecord("ssh", (rec) => printed.push(sshRecord(rec)));
  w.write(ssh("success"));
  w.write(ssh("failure", "US"));
  logs.closeAll();
  assert.deepEqual(printed, expected(z, "events", "output"));
});

/** Zeek's `print` of an SSH::Log record: its time masked (btest's canonifier), the conn_id of the script's cid (tcp ports, $proto unset: 65535, empty ctx). */
function sshRecord(rec: LogFields): string {
  const id = `[orig_h=${rec["id.orig_h"]}, orig_p=${rec["id.orig_p"]}/tcp, resp_h=${rec["id.resp_h"]}, resp_p=${rec["id.resp_p"]}/tcp, proto=65535, ctx=[]]`;
  return `[t=XXXXXXXXXX.XXXXXX, id=${id}, status=${rec.status ?? "<uninitialized>"}, country=${rec.country}]`;
}

/** The record of ascii-gz and types, written at `t`: the script's sets in Zeek's iteration order (its seeded table hash's), `f` as Zeek's text of foo. */
function allTypes(z: ZeekSource, t: number): LogRecord {
  const hash = new Engine({ bare: true, seed: btestSeed(z) }).tableHash;
  const sc = zeekSetOrder(hash.count, [1, 2, 3, 4]);
  const ss = zeekSetOrder(hash.string, ["AA", "BB", "CC"]);
  return [true, -42, "SSH::LOG", 21, 123, "10.0.0.0/24", "1.2.3.4", 3.14, t, 100, "hurz", sc, ss, [], [10, 20, 30], [], ZEEK_FOO_TEXT];
}

btest('ascii-gz: LogAscii::gzip_level=9 with gzip_file_extension "gzip" (ssh.log.gzip), a filter\'s $config gzip_level=0 writing plain text', (z) => {
  const dir = tempDir();
  const logs = new LogManager({ logdir: dir, gzipLevel: 9, gzipExtension: "gzip" });
  const w = logs.open({ path: "ssh", fields: SSH_ALL_TYPES, id: "SSH::LOG" });
  logs.addFilter("ssh", { name: "ssh-uncompressed", path: "ssh-uncompressed", gzipLevel: 0 });
  w.write(allTypes(z, Date.UTC(2008, 6, 9, 16, 13, 30) / 1000 + 0.54321));
  logs.closeAll();
  assert.deepEqual(readdirSync(dir).sort(), ["ssh-uncompressed.log", "ssh.log.gzip"]);
  // btest-diff's canonifier masks the first time of each line, wherever it is.
  const gz = canonical(gunzipSync(readFileSync(join(dir, "ssh.log.gzip"))).toString("latin1")).map(maskFirstTime);
  const plain = canonical(readFileSync(join(dir, "ssh-uncompressed.log"), "latin1")).map(maskFirstTime);
  for (const [name, lines] of [["ssh.log", gz] as const, ["ssh-uncompressed.log", plain] as const]) {
    // The #types line ends with Zeek's "func" where bronze's column is a string.
    const want = expected(z, "ascii-gz", name).map((l) => (l.startsWith("#types\t") ? l.replace(/\tfunc$/, "\tstring") : l));
    assert.deepEqual(lines, want, name);
  }
});

btest("vec: a vector of strings with holes (v[1] and v[4] set on an empty vector): each hole written as the unset field", (z) => {
  const logs = new LogManager({ memory: true });
  const v: string[] = [];
  v[1] = "2";
  v[4] = "5";
  logs.open({ path: "ssh", fields: fields(["vec", "vector[string]"]), id: "SSH::LOG" }).write([v]);
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("ssh")), expected(z, "vec", "ssh.log"));
});

btest('types: every type in one record, LogAscii::empty_field="EMPTY" for the empty set and vector', (z) => {
  const logs = new LogManager({ memory: true, asciiFormat: { emptyField: "EMPTY" } });
  logs.open({ path: "ssh", fields: SSH_ALL_TYPES, id: "SSH::LOG" }).write(allTypes(z, now()));
  logs.closeAll();
  // The #types line ends with Zeek's "func" where bronze's column is a string; btest-diff masks the line's first time.
  const want = expected(z, "types", "ssh.log").map((l) => (l.startsWith("#types\t") ? l.replace(/\tfunc$/, "\tstring") : l));
  assert.deepEqual(canonical(logs.text("ssh")).map(maskFirstTime), want);
});

btest("ascii-json: every type as JSON, a vector of counts with a hole (null) among them", (z) => {
  const logs = new LogManager({ memory: true, json: true });
  // ascii-json's record has one more column before f: vn, a vector set at [0] and [2].
  const vn: number[] = [];
  vn[0] = 0;
  vn[2] = 2;
  const columns = [...SSH_ALL_TYPES.slice(0, -1), { name: "vn", type: "vector[count]" as const }, SSH_ALL_TYPES.at(-1)!];
  const record = allTypes(z, Date.UTC(2008, 6, 9, 16, 13, 30) / 1000 + 0.54321);
  logs.open({ path: "ssh", fields: columns, id: "SSH::LOG" }).write([...record.slice(0, -1), vn, record.at(-1)]);
  logs.closeAll();
  assert.deepEqual(canonical(logs.text("ssh")).map(maskFirstTime), expected(z, "ascii-json", "ssh.log"));
});
