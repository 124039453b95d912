/**
 * The SQLite log writer's rules, pinned without Zeek's source (its btests
 * are test/conformance/sqlite-btests.test.ts): Zeek's column type for each
 * log type, the value stored for each (NULL for unset and for the empty
 * string, counts as 32-bit ints, sets and vectors joined and escaped, the
 * empty and unset markers), LogSQLite's separators, and a bad database: one
 * error, the writer stops, the run's other logs go on. Skipped when the
 * optional better-sqlite3 package is not built.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LogManager } from "../../src/log/manager.js";
import { fields, type LogField, type LogType } from "../../src/log/schema.js";
import { loadSqlite, openSqlite, resetSqliteLoader, SqliteUnavailable, type SqliteValue } from "../../src/log/sqlite.js";
import { escapeElement, sqliteColumnType, sqliteContainerText, ZEEK_SQLITE_FORMAT } from "../../src/log/sqlite-writer.js";
import { sqliteOrSkip } from "../helpers/sqlite.js";

interface Written {
  readonly dir: string;
  readonly messages: string[];
  readonly logs: LogManager;
}

/** A LogManager writing stream `path` with `fieldList` to SQLite in a new directory; `body` writes. */
function withLogs(options: ConstructorParameters<typeof LogManager>[0], body: (w: Written) => void): Written {
  const dir = mkdtempSync(join(tmpdir(), "bronze-sqlite-"));
  const messages: string[] = [];
  const logs = new LogManager({ logdir: dir, clock: () => new Date(0), onWriterMessage: (level, m) => messages.push(`${level}: ${m}`), ...options });
  const w = { dir, messages, logs };
  body(w);
  logs.closeAll();
  return w;
}

/** The rows of `table` in `file`, values as SQLite holds them (INTEGERs as bigints). */
function rows(file: string, sql: string): SqliteValue[][] {
  const db = openSqlite(file, true);
  try {
    return [...db.prepare(sql).safeIntegers(true).raw(true).iterate()];
  } finally {
    db.close();
  }
}

const EVERY_TYPE: readonly LogType[] = [
  "time",
  "interval",
  "string",
  "addr",
  "subnet",
  "port",
  "enum",
  "count",
  "int",
  "double",
  "bool",
  "set[string]",
  "set[enum]",
  "vector[string]",
  "vector[addr]",
  "set[addr]",
  "vector[interval]",
  "vector[count]",
  "set[count]",
  "vector[double]",
];

test("each log type gets Zeek's column type, and each value is stored as Zeek stores it", (t) => {
  if (!sqliteOrSkip(t)) return;
  const all: LogField[] = EVERY_TYPE.map((type, i) => ({ name: `c${i}.${type}`, type }));
  const w = withLogs({ writer: "WRITER_SQLITE" }, ({ logs }) => {
    const log = logs.open({ path: "every", fields: all });
    log.write([
      1.5,
      2,
      "",
      "10.0.0.1",
      "10.0.0.0/8",
      80,
      "A::B",
      3_000_000_000,
      -7,
      0.25,
      false,
      [],
      ["x"],
      ["", "-"],
      ["::1"],
      ["1.2.3.4"],
      [1.5],
      [1, 2],
      [3],
      [0.5, 2],
    ]);
    log.write([]);
  });
  try {
    const file = join(w.dir, "every.sqlite");
    // The table as Zeek's writer creates it: each column's name quoted, its type Zeek's.
    const created = rows(file, "select sql from sqlite_master where name = 'every'")[0]?.[0];
    assert.equal(created, `CREATE TABLE every (\n${all.map((f) => `'${f.name}' ${sqliteColumnType(f.type)}`).join(",\n")}\n)`);
    assert.deepEqual([...new Set(EVERY_TYPE.map(sqliteColumnType))], ["double precision", "text", "integer", "boolean"]);
    const [first, unset] = rows(file, "select * from every");
    assert.deepEqual(first, [
      1.5,
      2, // a whole interval is still a REAL
      null, // the empty string
      "10.0.0.1",
      "10.0.0.0/8",
      80n,
      "A::B",
      -1294967296n, // 3,000,000,000 bound as a C int, as Zeek's sqlite3_bind_int does
      -7n,
      0.25,
      0n,
      "(empty)",
      "x",
      "(empty),\\x2d", // an empty element is the empty field, "-" escaped
      "::1",
      "1.2.3.4",
      "1.500000",
      "1,2",
      "3",
      "0.5,2.0",
    ]);
    assert.deepEqual(unset, new Array(EVERY_TYPE.length).fill(null));
    assert.deepEqual(w.messages, ["info: every/Log::WRITER_SQLITE: tablename configuration option not found. Defaulting to path every"]);
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test("set elements are escaped as Zeek's ODesc escapes them: the set separator, backslashes, bytes that are not printable ASCII", () => {
  assert.equal(escapeElement("a,b", ","), "a\\x2cb");
  assert.equal(escapeElement("back\\slash", ","), "back\\\\slash");
  assert.equal(escapeElement("café\t", ","), "caf\\xc3\\xa9\\x09");
  assert.equal(escapeElement("a::b", "::"), "a\\x3a\\x3ab");
  assert.equal(escapeElement("plain text", ","), "plain text");
});

test("a vector's hole (an element never assigned) is the unset field, unescaped, as Zeek's formatter writes an element not present", () => {
  const holes: (string | undefined)[] = ["a"];
  holes[2] = "-";
  assert.equal(sqliteContainerText("vector[string]", holes, ZEEK_SQLITE_FORMAT), "a,-,\\x2d");
  const counts: (number | undefined)[] = [];
  counts[1] = 5;
  assert.equal(sqliteContainerText("vector[count]", counts, { ...ZEEK_SQLITE_FORMAT, unsetField: "UNSET" }), "UNSET,5");
});

test("LogSQLite::set_separator, empty_field and unset_field; a filter's tablename and writer", (t) => {
  if (!sqliteOrSkip(t)) return;
  const w = withLogs({ sqlite: { setSeparator: ";", emptyField: "EMPTY", unsetField: "UNSET" } }, ({ logs }) => {
    const log = logs.open({ path: "s", fields: fields(["a", "set[string]"], ["b", "vector[string]"], ["c", "vector[string]"]) });
    logs.addFilter("s", { name: "db", path: "s", writer: "WRITER_SQLITE", tablename: "things" });
    log.write([["x;y", "UNSET"], [], ["EMPTY", ""]]);
  });
  try {
    assert.deepEqual(rows(join(w.dir, "s.sqlite"), "select * from things"), [["x\\x3by;\\x55NSET", "EMPTY", "\\x45MPTY;EMPTY"]]);
    // The ASCII default filter wrote s.log beside it; no tablename message for a filter that names its table.
    assert.deepEqual(w.logs.written(), [join(w.dir, "s.log"), join(w.dir, "s.sqlite")]);
    assert.deepEqual(w.messages, []);
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test("a file that is not a database: one error, the writer stops, the other logs carry on", (t) => {
  if (!sqliteOrSkip(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "bronze-sqlite-bad-"));
  try {
    writeFileSync(join(dir, "bad.sqlite"), "this is not a database, not at all, and long enough to be read as a header ".repeat(20));
    const messages: string[] = [];
    const logs = new LogManager({ logdir: dir, clock: () => new Date(0), onWriterMessage: (level, m) => messages.push(`${level}: ${m}`) });
    const bad = logs.open({ path: "bad", fields: fields(["n", "count"]) });
    logs.addFilter("bad", { name: "default", writer: "WRITER_SQLITE", tablename: "bad" });
    const good = logs.open({ path: "good", fields: fields(["n", "count"]) });
    for (let n = 0; n < 3; n++) {
      bad.write([n]);
      good.write([n]);
    }
    logs.closeAll();
    assert.deepEqual(messages, [
      "error: bad/Log::WRITER_SQLITE: Error executing table creation statement: file is not a database",
      "error: bad/Log::WRITER_SQLITE: terminating thread",
    ]);
    assert.deepEqual(logs.written(), [join(dir, "good.log"), join(dir, "bad.sqlite")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a directory that does not exist is SQLite's open error, in Zeek's words", (t) => {
  if (!sqliteOrSkip(t)) return;
  const messages: string[] = [];
  const logs = new LogManager({ logdir: "/nonexistent/bronze", writer: "WRITER_SQLITE", onWriterMessage: (level, m) => messages.push(`${level}: ${m}`) });
  logs.open({ path: "x", fields: fields(["n", "count"]) }).write([1]);
  logs.closeAll();
  assert.deepEqual(messages.slice(1), [
    "error: x/Log::WRITER_SQLITE: SQLite call failed: unable to open database file",
    "error: x/Log::WRITER_SQLITE: terminating thread",
  ]);
});

test("without better-sqlite3: one error that says what is missing and how to build it", () => {
  resetSqliteLoader();
  try {
    assert.throws(
      () =>
        loadSqlite(() => {
          throw new Error("Cannot find module 'better-sqlite3'\nRequire stack: …");
        }),
      (error: unknown) =>
        error instanceof SqliteUnavailable &&
        error.message.startsWith(
          "SQLite is not available in this build: the optional 'better-sqlite3' package could not be loaded (Cannot find module 'better-sqlite3'); run 'npm ci'",
        ),
    );
    // Remembered: asked again, the same error, without another attempt.
    assert.throws(() => loadSqlite(() => assert.fail("loaded again")), SqliteUnavailable);
  } finally {
    resetSqliteLoader();
  }
});

test("the rows of one turn of the event loop are committed together at the next (and at close): another connection sees them then", async (t) => {
  if (!sqliteOrSkip(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "bronze-sqlite-turn-"));
  try {
    const logs = new LogManager({ logdir: dir, writer: "WRITER_SQLITE", onWriterMessage: () => undefined });
    const a = logs.open({ path: "a", fields: fields(["n", "count"]) });
    logs.addFilter("a", { name: "default", writer: "WRITER_SQLITE", tablename: "a" });
    const b = logs.open({ path: "b", fields: fields(["n", "count"]) });
    logs.addFilter("b", { name: "default", path: "a", writer: "WRITER_SQLITE", tablename: "b" });
    const count = (table: string) => rows(join(dir, "a.sqlite"), `select count(*) from ${table}`)[0]![0];
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    a.write([0]);
    b.write([0]);
    await turn();
    for (let n = 1; n < 100; n++) {
      a.write([n]);
      b.write([n]);
    }
    // Two tables of one file, one connection: no lock between them; the 99 rows wait for the turn.
    assert.deepEqual([count("a"), count("b")], [1n, 1n]);
    await turn();
    assert.deepEqual([count("a"), count("b")], [100n, 100n]);
    a.write([100]);
    logs.closeAll();
    assert.equal(count("a"), 101n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
