/**
 * Zeek's btests of its SQLite log writer (testing/btest/scripts/base/
 * frameworks/logging/sqlite: types, set, simultaneous-writes, wikipedia,
 * default-logdir, error, pragma) and SQLite input reader (input/sqlite:
 * basic, error, port, types), replayed as TypeScript twins of their scripts
 * and held to their baselines read from Zeek's source ($BRONZE_ZEEK_SOURCE
 * or ../zeek). As the btests do, databases are made from the btests' .sql
 * files and read back with the sqlite3 command (`sqlite3 FILE 'select …'`,
 * list mode, with Zeek's Files/sqlite3.rc where the btest gives it), then
 * canonified as btest-diff does (the first time of a line masked). Each run
 * is in a directory of its own ("zeek" below it for btest-bg-run's runs).
 * Without the sqlite3 command or the optional better-sqlite3 package, the
 * tests skip, saying which is missing.
 *
 * What differs, and why:
 *  - The `f` column of types, simultaneous-writes and error (a Zeek
 *    function): bronze's logs have no function type; the twins write
 *    Zeek's description of `foo` in a string column, which SQLite stores as
 *    the same text (the column, its name and type `text` are Zeek's).
 *  - default-logdir's zeek.out: Zeek prefixes its reporter lines on stderr
 *    with network time; bronze's have no prefix, so the baseline's
 *    (masked) time is dropped before comparing.
 *  - default-logdir: a bronze run writes conn.log with -b too, Zeek's
 *    `zeek -b` none; the twin removes conn's default filter, so that
 *    test.sqlite is the run's only database, as in Zeek's.
 *  - "received termination signal" in input/error's stderr: the btest ends
 *    with terminate(), a bronze run with its input.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { fields, type LogField, type LogRecord } from "../../src/log/schema.js";
import { loadSqlite } from "../../src/log/sqlite.js";
import { type InputFramework, inputFramework } from "../../src/scripts/input/framework.js";
import { printValue } from "../../src/scripts/input/print.js";
import {
  type EventStreamHandler,
  type InputContainerType,
  type InputFieldType,
  type InputRecordType,
  type InputScalarType,
  type InputValue,
  inputRecord,
} from "../../src/scripts/input/types.js";
import { readTrace } from "../../src/source/open.js";
import { zeekSetOrder } from "../../src/zeek-table/table.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { maskFirstTime } from "../helpers/zeek-print.js";
import { SSH_ALL_TYPES, ZEEK_FOO_TEXT } from "../log/zeek-ssh-btest.js";
import { btestSeed, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

const LOGGING = "logging/sqlite";
const INPUT = "input/sqlite";

/** Zeek's source and SQLite (the sqlite3 command, the better-sqlite3 package), or null after skipping the test saying what is missing. */
function oracles(t: TestContext): ZeekSource | null {
  const zeek = zeekSource();
  if (zeek === null) {
    oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its SQLite btests cannot be read");
    return null;
  }
  try {
    execFileSync("sqlite3", ["--version"], { stdio: "ignore" });
  } catch {
    oracleMissing(t, "the sqlite3 command (Debian: apt-get install sqlite3) is missing: the SQLite btests read their databases with it");
    return null;
  }
  try {
    loadSqlite();
  } catch (error) {
    oracleMissing(t, (error as Error).message);
    return null;
  }
  return zeek;
}

/** A file the btest writes for itself (@TEST-START-FILE name … @TEST-END-FILE). */
function btestFile(zeek: ZeekSource, test: string, name: string): string {
  const text = zeek.read(`testing/btest/scripts/base/frameworks/${test}.zeek`);
  const m = new RegExp(`^# @TEST-START-FILE ${name.replace(".", "\\.")}\\n([\\s\\S]*?)^# @TEST-END-FILE`, "m").exec(text);
  if (m === null) throw new Error(`${test}.zeek has no file ${name}`);
  return m[1]!;
}

/** A baseline's lines, without btest-diff's first line: `file` of btest `group/name` ("types/ssh.select" of "logging/sqlite"). */
function baseline(zeek: ZeekSource, group: string, file: string): string[] {
  const at = file.lastIndexOf("/");
  const test = `${group}/${file.slice(0, at)}`.replaceAll("/", ".");
  const text = zeek.read(`testing/btest/Baseline/scripts.base.frameworks.${test}/${file.slice(at + 1)}`);
  return text
    .replace(/^### BTest baseline.*\n/, "")
    .replace(/\n$/, "")
    .split("\n");
}

/** A shell line of the btest (sqlite3 and sort), run in `dir` with btest's environment. */
function sh(dir: string, line: string, input?: string): string {
  return execFileSync("/bin/sh", ["-c", line], { cwd: dir, input, encoding: "latin1", env: { ...process.env, LC_ALL: "C", TZ: "UTC" } });
}

/** Output canonified as btest-diff's default canonifier does, as lines. */
function canonified(text: string): string[] {
  return text.replace(/\n$/, "").split("\n").map(maskFirstTime);
}

/** What a twin's script gets. */
interface Twin {
  readonly engine: Engine;
  readonly logs: LogManager;
  readonly input: InputFramework;
  /** Zeek's `print outfile, …` into the run's "out" lines. */
  print(value: InputValue | undefined | string, type?: InputFieldType): void;
  /** terminate(): ends a run that waits (exit_only_after_terminate). */
  done(): void;
}

interface Replay {
  readonly settings?: readonly string[];
  readonly loads?: readonly string[];
  /** A trace of the corpus (zeek/traces), else no packets. */
  readonly trace?: string;
  /** Where the logs go, as the command line makes it of Log::default_logdir. */
  readonly logdir?: string;
  /** exit_only_after_terminate: the run lasts until the script calls done() (10 s at most). */
  readonly untilDone?: boolean;
  script(t: Twin): void;
}

interface Run {
  readonly stderr: string[];
  readonly out: string[];
}

/** A source that delivers nothing and ends when told: the btests' runs that wait for terminate(). */
function waitingSource(ended: Promise<void>) {
  return {
    name: "waiting",
    run: async () => {
      const keep = setInterval(() => undefined, 1000);
      await Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())]);
      clearInterval(keep);
      return { packets: 0, truncated: null };
    },
  };
}

/** A `zeek -b` run in `cwd`, with the btest's seed. */
async function replay(zeek: ZeekSource, cwd: string, r: Replay): Promise<Run> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const loads = [...(r.loads ?? [])];
    const engine = new Engine({ bare: true, loads, seed: btestSeed(zeek), settings: [...(r.settings ?? [])] });
    const stderr: string[] = [];
    const builtins = loadBuiltinScripts(engine, { memory: true, bare: true, loads, logdir: r.logdir, stderr: (l) => stderr.push(l.replace(/^bronze: /, "")) });
    const reporter = builtins.reporter;
    const input = inputFramework(engine, { error: (m) => reporter.error(m), warning: (m) => reporter.warning(m), info: (m) => reporter.info(m) });
    const out: string[] = [];
    const print: Twin["print"] = (value, type) =>
      out.push(...(type === undefined ? String(value) : printValue(value as InputValue, type, engine.tableHash)).split("\n"));
    let done = (): void => undefined;
    const ended = new Promise<void>((resolve) => (done = resolve));
    r.script({ engine, logs: builtins.logs, input, print, done });
    const source = r.trace !== undefined ? readTrace(join(corpusRoot(), "zeek", "traces", r.trace)) : r.untilDone ? waitingSource(ended) : memorySource([]);
    await engine.run(source);
    return { stderr, out };
  } finally {
    process.chdir(before);
  }
}

/** A btest's directory, removed after `body`. */
async function inTestDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-sqlite-btest-"));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function twin(name: string, body: (zeek: ZeekSource, dir: string) => Promise<void>): void {
  test(`sqlite btest ${name}`, async (t) => {
    const zeek = oracles(t);
    if (zeek === null) return;
    await inTestDir((dir) => body(zeek, dir));
  });
}

// ---- the logging btests

/** SSH::Log of types, simultaneous-writes and error: every type, `f` as the text of Zeek's function (see the header). */
const SSH_FIELDS: readonly LogField[] = SSH_ALL_TYPES;

/** The btests' record: sets in Zeek's iteration order (the seeded table hash's), as a script's sets are. */
function sshRecord(engine: Engine): LogRecord {
  const sc = zeekSetOrder(engine.tableHash.count, [1, 2, 3, 4]);
  const ss = zeekSetOrder(engine.tableHash.string, ["AA", "BB", "CC"]);
  return [true, -42, "SSH::LOG", 21, 123, "10.0.0.0/24", "1.2.3.4", 3.14, 1559847346.10295, 100, "hurz", sc, ss, [], [10, 20, 30], [], ZEEK_FOO_TEXT];
}

/** Log::create_stream, remove_filter "default", add_filter of a SQLite writer on path "ssh": the btests' zeek_init. */
function sqliteStream(logs: LogManager, stream: string, fieldList: readonly LogField[], name: string, tablename?: string) {
  const writer = logs.open({ path: stream, fields: fieldList });
  logs.removeFilter(stream, "default");
  logs.addFilter(stream, { name, path: "ssh", writer: "WRITER_SQLITE", tablename });
  return writer;
}

const UNSET = ['LogSQLite::unset_field="(unset)"'];

twin("logging/sqlite/types: every type in one row", async (zeek, dir) => {
  await replay(zeek, dir, {
    settings: UNSET,
    script: ({ engine, logs }) => engine.on("zeek_init", () => sqliteStream(logs, "ssh", SSH_FIELDS, "sqlite").write(sshRecord(engine))),
  });
  assert.deepEqual(canonified(sh(dir, "sqlite3 ssh.sqlite 'select * from ssh'")), baseline(zeek, LOGGING, "types/ssh.select"));
});

twin("logging/sqlite/set: a set in the last column", async (zeek, dir) => {
  await replay(zeek, dir, {
    settings: UNSET,
    script: ({ engine, logs }) =>
      engine.on("zeek_init", () =>
        sqliteStream(logs, "ssh", fields(["ss", "set[string]"]), "sqlite").write([zeekSetOrder(engine.tableHash.string, ["AA", "BB", "CC"])]),
      ),
  });
  assert.deepEqual(canonified(sh(dir, "sqlite3 ssh.sqlite 'select * from ssh'")), baseline(zeek, LOGGING, "set/ssh.select"));
});

twin("logging/sqlite/simultaneous-writes: two streams, two tables of one database", async (zeek, dir) => {
  await replay(zeek, dir, {
    settings: UNSET,
    script: ({ engine, logs }) =>
      engine.on("zeek_init", () => {
        const one = sqliteStream(logs, "ssh", SSH_FIELDS, "sqlite", "ssh");
        const two = sqliteStream(logs, "ssh_log2", SSH_FIELDS, "sqlite2", "sshtwo");
        one.write(sshRecord(engine));
        two.write(sshRecord(engine));
      }),
  });
  const out = sh(dir, "sqlite3 ssh.sqlite 'select * from ssh'") + sh(dir, "sqlite3 ssh.sqlite 'select * from sshtwo'");
  assert.deepEqual(canonified(out), baseline(zeek, LOGGING, "simultaneous-writes/ssh.select"));
});

twin("logging/sqlite/wikipedia: conn and http of a trace, Log::default_writer=Log::WRITER_SQLITE", async (zeek, dir) => {
  await replay(zeek, dir, {
    trace: "wikipedia.pcap",
    loads: ["base/protocols/http", "base/protocols/dns", "base/protocols/conn"],
    settings: ["Log::default_writer=Log::WRITER_SQLITE"],
    script: () => undefined,
  });
  writeFileSync(join(dir, "sqlite3.rc"), zeek.read("testing/btest/Files/sqlite3.rc"));
  for (const log of ["conn", "http"]) {
    const out = sh(dir, `sqlite3 ${log}.sqlite -init sqlite3.rc 'select * from ${log} order by ts' 2>/dev/null | sort -n`);
    assert.deepEqual(canonified(out), baseline(zeek, LOGGING, `wikipedia/${log}.select`), `${log}.select`);
  }
});

twin("logging/sqlite/default-logdir: the database in Log::default_logdir, not rotated", async (zeek, dir) => {
  mkdirSync(join(dir, "logs"));
  const run = await replay(zeek, dir, {
    trace: "rotation.pcap",
    logdir: "./logs",
    settings: [
      "Log::default_writer=Log::WRITER_SQLITE",
      'Log::default_logdir="./logs"',
      "Log::default_rotation_interval=1hr",
      'Log::default_rotation_postprocessor_cmd="echo"',
      ...UNSET,
    ],
    script: ({ engine, logs }) => {
      let writer: ReturnType<LogManager["open"]> | null = null;
      const testFields = fields(["t", "time"], ["id.orig_h", "addr"], ["id.orig_p", "port"], ["id.resp_h", "addr"], ["id.resp_p", "port"]);
      // bronze -b writes conn.log where Zeek's -b writes none (see the header).
      logs.removeFilter("conn", "default");
      engine.on("zeek_init", () => void (writer = logs.open({ path: "test", fields: testFields })));
      engine.on("new_connection", (c) => writer!.write([engine.clock.now, c.id.orig_h, c.id.orig_p, c.id.resp_h, c.id.resp_p]));
    },
  });
  assert.deepEqual(canonified(sh(dir, "sqlite3 ./logs/test.sqlite 'select * from test'")), baseline(zeek, LOGGING, "default-logdir/test.select"));
  // Zeek's network-time prefix of stderr lines (see the header).
  const expected = baseline(zeek, LOGGING, "default-logdir/zeek.out").map((l) => l.replace(/^XXXXXXXXXX\.XXXXXX /, ""));
  assert.deepEqual(run.stderr, expected);
});

twin("logging/sqlite/error: a table without the log's column f, one error and the run goes on", async (zeek, dir) => {
  sh(dir, "sqlite3 ssh.sqlite", btestFile(zeek, "logging/sqlite/error", "ssh.sql"));
  const run = await replay(zeek, dir, {
    settings: UNSET,
    script: ({ engine, logs }) => engine.on("zeek_init", () => sqliteStream(logs, "ssh", SSH_FIELDS, "sqlite").write(sshRecord(engine))),
  });
  assert.deepEqual(run.stderr, baseline(zeek, LOGGING, "error/.stderr"));
});

twin("logging/sqlite/pragma: LogSQLite::synchronous and journal_mode", async (zeek, dir) => {
  const runs: Array<[string, string]> = [
    ["EXTRA", "DELETE"],
    ["OFF", "TRUNCATE"],
    ["NORMAL", "PERSIST"],
    ["EXTRA", "MEMORY"],
    ["EXTRA", "WAL"],
    ["FULL", "OFF"],
  ];
  const results: string[] = [];
  const stderr: string[] = [];
  for (const [sync, journal] of runs) {
    const run = await replay(zeek, dir, {
      trace: "wikipedia.pcap",
      loads: ["base/protocols/http"],
      settings: [
        "Log::default_writer=Log::WRITER_SQLITE",
        `LogSQLite::synchronous=LogSQLite::SQLITE_SYNCHRONOUS_${sync}`,
        `LogSQLite::journal_mode=LogSQLite::SQLITE_JOURNAL_MODE_${journal}`,
      ],
      script: () => undefined,
    });
    stderr.push(...run.stderr);
    if (journal === "DELETE") {
      results.push("Should be delete", ...canonified(sh(dir, 'sqlite3 http.sqlite "PRAGMA journal_mode"')));
      rmSync(join(dir, "http.sqlite"));
    }
    if (journal === "WAL") results.push("Should be WAL", ...canonified(sh(dir, 'sqlite3 http.sqlite "PRAGMA journal_mode"')));
  }
  assert.deepEqual(results, baseline(zeek, LOGGING, "pragma/results"));
  // TEST_DIFF_CANONIFIER='grep -v tablename', after the btest's own "end of stderr".
  assert.deepEqual([...stderr.filter((l) => !l.includes("tablename")), "end of stderr"], baseline(zeek, LOGGING, "pragma/.stderr"));
});

// ---- the input btests

/** Log::ID's names the input btests' enums take (a `zeek -b` run). */
const LOG_ID = { type: "enum", enumValues: ["Conn::LOG", "SSH::LOG"] } as const;

/** SSH::Log of input/types and input/error; `last` is the optional vector field (vn, vh). */
function sshInputRecord(last: string): InputRecordType {
  return inputRecord("SSH::Log", {
    b: "bool",
    i: "int",
    e: LOG_ID,
    c: "count",
    p: "port",
    sn: "subnet",
    a: "addr",
    d: "double",
    t: "time",
    iv: "interval",
    s: "string",
    sc: "set[count]",
    ss: "set[string]",
    se: "set[string]",
    vc: "vector[count]",
    vs: "vector[string]",
    [last]: { type: "vector[string]", optional: true },
  });
}

/** An &optional field. */
function optional(type: InputScalarType | InputContainerType) {
  return { type, optional: true } as const;
}

/** Conn::Info of Zeek 9 (base/protocols/conn), with conn_id's proto and empty ctx. */
const CONN_INFO = inputRecord("Conn::Info", {
  ts: "time",
  uid: "string",
  id: inputRecord("conn_id", {
    orig_h: "addr",
    orig_p: "port",
    resp_h: "addr",
    resp_p: "port",
    proto: { type: "count", default: 65535 },
    ctx: { type: inputRecord("conn_id_ctx", {}), default: {} },
  }),
  proto: { type: "enum", enumValues: ["unknown_transport", "tcp", "udp", "icmp"] },
  service: optional("string"),
  duration: optional("interval"),
  orig_bytes: optional("count"),
  resp_bytes: optional("count"),
  conn_state: optional("string"),
  local_orig: optional("bool"),
  local_resp: optional("bool"),
  missed_bytes: { type: "count", default: 0 },
  history: optional("string"),
  orig_pkts: optional("count"),
  orig_ip_bytes: optional("count"),
  resp_pkts: optional("count"),
  resp_ip_bytes: optional("count"),
  tunnel_parents: optional("set[string]"),
  ip_proto: optional("count"),
});

/** An input btest: its .sql file made into a database beside the "zeek" directory the run is in. */
async function inputTwin(zeek: ZeekSource, dir: string, test: string, sql: string, r: Replay): Promise<Run> {
  sh(dir, `sqlite3 ${sql.replace(".sql", ".sqlite")}`, btestFile(zeek, `${INPUT}/${test}`, sql));
  mkdirSync(join(dir, "zeek"));
  return replay(zeek, join(dir, "zeek"), { ...r, untilDone: true });
}

/** Input::add_event of the btests: a SQLite stream named `name` over "../NAME" running `query`. */
function sqliteEvents(t: Twin, name: string, fields: InputRecordType, query: string, ev: EventStreamHandler, wantRecord = true, source = `../${name}`): void {
  t.input.addEvent({ source, name, fields, want_record: wantRecord, reader: "Input::READER_SQLITE", config: { query }, ev });
}

/** Input::end_of_data: "End of data", close(outfile) and terminate(). */
function endOfData({ input, print, done }: Twin): void {
  input.onEndOfData(() => {
    print("End of data");
    done();
  });
}

twin("input/sqlite/basic: Conn::Info rows as events", async (zeek, dir) => {
  const run = await inputTwin(zeek, dir, "basic", "conn.sql", {
    script: (t) => {
      t.engine.on("zeek_init", () =>
        sqliteEvents(t, "conn", CONN_INFO, "select * from conn;", (_d, _tpe, r) => {
          t.print(r, CONN_INFO);
          t.print(String((r as { tunnel_parents: ReadonlySet<string> }).tunnel_parents.size));
        }),
      );
      endOfData(t);
    },
  });
  assert.deepEqual(run.out.map(maskFirstTime), baseline(zeek, INPUT, "basic/out"));
});

/** input/types' and input/error's line handler: the record, |se| and |vs|. */
function sshLine(t: Twin, type: InputRecordType) {
  return (_d: unknown, _tpe: unknown, p: InputValue | undefined) => {
    const r = p as { se: ReadonlySet<unknown>; vs: readonly unknown[] };
    t.print(p, type);
    t.print(String(r.se.size));
    t.print(String(r.vs.length));
  };
}

twin("input/sqlite/types: every type from one row", async (zeek, dir) => {
  const type = sshInputRecord("vn");
  const run = await inputTwin(zeek, dir, "types", "ssh.sql", {
    script: (t) => {
      t.engine.on("zeek_init", () => sqliteEvents(t, "ssh", type, "select * from ssh;", sshLine(t, type)));
      endOfData(t);
    },
  });
  assert.deepEqual(run.out.map(maskFirstTime), baseline(zeek, INPUT, "types/out"));
});

twin("input/sqlite/port: a port with its protocol's column (&type_column)", async (zeek, dir) => {
  const val = inputRecord("A::Val", { p: { type: "port", typeColumn: "proto" } });
  const run = await inputTwin(zeek, dir, "port", "port.sql", {
    script: (t) => {
      t.engine.on("zeek_init", () => sqliteEvents(t, "port", val, "select port as p, proto from port;", (_d, _tpe, p) => t.print(p, "port"), false));
      endOfData(t);
    },
  });
  assert.deepEqual(run.out, baseline(zeek, INPUT, "port/out"));
});

twin("input/sqlite/error: a field the query lacks, a query SQLite refuses", async (zeek, dir) => {
  const type = sshInputRecord("vh");
  const run = await inputTwin(zeek, dir, "error", "ssh.sql", {
    script: (t) => {
      const stream = (name: string, query: string) => sqliteEvents(t, name, type, query, sshLine(t, type), true, "../ssh");
      t.engine.on("zeek_init", () => {
        stream("ssh", "select * from ssh;");
        stream("ssh2", "select b, g, h from ssh;");
        // schedule +3secs { term_me() }: the readers are done long before.
        setTimeout(t.done, 300);
      });
    },
  });
  // The btest's `sed '1d' .stderr | sort`, without ">>>" and "received termination signal" (see the header).
  const expected = baseline(zeek, INPUT, "error/cmpfile").filter((l) => l !== ">>>" && l !== "received termination signal");
  assert.deepEqual([...run.stderr].sort(), expected);
});
