/**
 * The SQLite input reader's rules, pinned without Zeek's source (its btests
 * are test/conformance/sqlite-btests.test.ts): MANUAL only, a query
 * required, a database never created, Zeek's errors for bad booleans, a
 * table stream and force_update, and the separators Zeek's reader really
 * uses. Skipped when the optional better-sqlite3 package is not built.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openSqlite } from "../../../src/log/sqlite.js";
import { type InputFramework, inputFramework } from "../../../src/scripts/input/framework.js";
import { type InputRecord, type InputValue, inputRecord } from "../../../src/scripts/input/types.js";
import { memorySource } from "../../helpers/packets.js";
import { sqliteOrSkip } from "../../helpers/sqlite.js";

/** A run whose `setup` makes streams; its reporter's messages, without bronze's prefix. */
async function run(t: TestContext, setup: (input: InputFramework, dir: string) => void, settings: string[] = []): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-input-sqlite-"));
  try {
    const engine = new Engine({ settings });
    const messages: string[] = [];
    const builtins = loadBuiltinScripts(engine, { memory: true, stderr: (l) => messages.push(l.replace(/^bronze: /, "")) });
    const r = builtins.reporter;
    const input = inputFramework(engine, { error: (m) => r.error(m), warning: (m) => r.warning(m), info: (m) => r.info(m) });
    setup(input, dir);
    await engine.run(memorySource([]));
    return messages;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    void t;
  }
}

/** A database `name`.sqlite in `dir` made of `sql`; its source (the path without ".sqlite"). */
function database(dir: string, name: string, sql: string): string {
  const db = openSqlite(join(dir, `${name}.sqlite`), false);
  db.exec(sql);
  db.close();
  return join(dir, name);
}

const VAL = inputRecord("Val", { b: "bool", s: { type: "set[string]", optional: true } });

test("what the reader refuses: another mode than MANUAL, no query, a database that is not there (not created)", async (t) => {
  if (!sqliteOrSkip(t)) return;
  let missing = "";
  const messages = await run(t, (input, dir) => {
    const source = database(dir, "db", "create table t (b boolean, s text); insert into t values (1, 'a');");
    missing = join(dir, "nothere");
    input.addEvent({
      source,
      name: "reread",
      reader: "Input::READER_SQLITE",
      mode: "Input::REREAD",
      fields: VAL,
      config: { query: "select * from t" },
      ev: () => undefined,
    });
    input.addEvent({ source, name: "noquery", reader: "Input::READER_SQLITE", fields: VAL, ev: () => undefined });
    input.addEvent({
      source: missing,
      name: "missing",
      reader: "Input::READER_SQLITE",
      fields: VAL,
      config: { query: "select * from t" },
      ev: () => undefined,
    });
  });
  const db = messages[0]!.slice("error: ".length, messages[0]!.indexOf("/Input::"));
  // The three readers start together (each on its own, as Zeek's threads): their messages interleave.
  assert.deepEqual(
    [...messages].sort(),
    [
      `error: ${db}/Input::READER_SQLITE: SQLite only supports manual reading mode.`,
      `error: ${db}/Input::READER_SQLITE: Init failed`,
      `error: ${db}/Input::READER_SQLITE: terminating thread`,
      `error: ${db}/Input::READER_SQLITE: No query specified when setting up SQLite data source ${db}. Aborting.`,
      `error: ${db}/Input::READER_SQLITE: Init failed`,
      `error: ${db}/Input::READER_SQLITE: terminating thread`,
      `error: ${missing}/Input::READER_SQLITE: SQLite call failed: unable to open database file`,
      `error: ${missing}/Input::READER_SQLITE: Init failed`,
      `error: ${missing}/Input::READER_SQLITE: terminating thread`,
    ].sort(),
  );
  assert.equal(existsSync(`${missing}.sqlite`), false);
});

test("a boolean must be the INTEGER 0 or 1: anything else stops the read with Zeek's error", async (t) => {
  if (!sqliteOrSkip(t)) return;
  const got: boolean[] = [];
  const messages = await run(t, (input, dir) => {
    const source = database(dir, "b", "create table t (b boolean); insert into t values (1); insert into t values (0); insert into t values (2);");
    const text = database(dir, "c", "create table t (b boolean); insert into t values ('T');");
    const ev = (_d: unknown, _t: unknown, r: InputValue | undefined) => got.push((r as InputRecord).b as boolean);
    const fields = inputRecord("B", { b: "bool" });
    input.addEvent({ source, name: "two", reader: "Input::READER_SQLITE", fields, config: { query: "select * from t" }, ev });
    input.addEvent({ source: text, name: "text", reader: "Input::READER_SQLITE", fields, config: { query: "select * from t" }, ev });
  });
  assert.deepEqual(got, [true, false]);
  assert.deepEqual(
    messages.map((m) => m.replace(/^error: .*?\/Input::READER_SQLITE: /, "")),
    ["Invalid value for boolean: 2", "Invalid data type for boolean - expected Integer"],
  );
});

test("a table stream from a query; Input::force_update runs it again and the table follows the database", async (t) => {
  if (!sqliteOrSkip(t)) return;
  const sizes: number[] = [];
  await run(t, (input, dir) => {
    const source = database(dir, "hosts", "create table hosts (ip text, n integer); insert into hosts values ('10.0.0.1', 1);");
    const table = input.table();
    input.host.on("zeek_init", () =>
      input.addTable({
        source,
        name: "hosts",
        reader: "Input::READER_SQLITE",
        idx: inputRecord("Idx", { ip: "addr" }),
        val: inputRecord("Val", { n: "count" }),
        destination: table,
        config: { query: "select ip, n from hosts" },
      }),
    );
    input.onEndOfData(() => {
      sizes.push(table.size);
      if (sizes.length === 1) {
        database(dir, "hosts", "insert into hosts values ('10.0.0.2', 2);");
        input.forceUpdate("hosts");
      }
    });
  });
  assert.deepEqual(sizes, [1, 2]);
});

test("sets are split at LogSQLite::set_separator's character, cut to InputSQLite::set_separator's length, as Zeek's reader does", async (t) => {
  if (!sqliteOrSkip(t)) return;
  const sets: Array<readonly string[]> = [];
  const read = (settings: string[]) =>
    run(
      t,
      (input, dir) => {
        const source = database(dir, "s", "create table t (b boolean, s text); insert into t values (1, 'a,b;c');");
        input.addEvent({
          source,
          name: "s",
          reader: "Input::READER_SQLITE",
          fields: VAL,
          config: { query: "select * from t" },
          ev: (_d, _t, r) => sets.push([...((r as InputRecord).s as ReadonlySet<string>)].sort()),
        });
      },
      settings,
    );
  await read([]);
  await read(['InputSQLite::set_separator=";"']);
  await read(['LogSQLite::set_separator=";"']);
  assert.deepEqual(sets, [
    ["a", "b;c"],
    ["a", "b;c"],
    ["a,b", "c"],
  ]);
});
