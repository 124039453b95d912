/**
 * Log filters (src/log/filters.ts, Zeek's Log::add_filter and
 * Log::remove_filter): columns kept or dropped by their written names, a path
 * per record, records kept out, filters replaced and removed, and a path two
 * filters ask for.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LogManager } from "../../src/log/manager.js";
import { fields, type LogSchema } from "../../src/log/schema.js";
import { maskedLines, SSH_BTEST_SCHEMA, writeSshBtestRecords } from "./zeek-ssh-btest.js";

const conn: LogSchema = {
  path: "conn",
  fields: fields(["ts", "time"], ["id.orig_h", "addr"], ["id.resp_p", "port"], ["service", "string"], ["local_orig", "bool"]),
};

/** A log's data lines (no # lines). */
function rows(logs: LogManager, path: string): string[] {
  return logs
    .text(path)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
}

function header(logs: LogManager, path: string): string {
  return /^#fields\t(.*)$/m.exec(logs.text(path))?.[1] ?? "";
}

test("a second filter writes the columns it includes (or does not exclude) to its own path; the default filter goes on unchanged", () => {
  const logs = new LogManager({ memory: true });
  const w = logs.open(conn);
  logs.addFilter("conn", { name: "short", path: "conn_short", include: ["ts", "id.orig_h"] });
  logs.addFilter("conn", { name: "noservice", path: "conn_noservice", exclude: ["service", "local_orig"] });
  w.write([1, "10.0.0.1", 80, "http", true]);
  w.write({ ts: 2, "id.orig_h": "10.0.0.2", "id.resp_p": 53 });
  logs.closeAll();
  assert.equal(header(logs, "conn"), "ts\tid.orig_h\tid.resp_p\tservice\tlocal_orig");
  assert.deepEqual(rows(logs, "conn"), ["1.000000\t10.0.0.1\t80\thttp\tT", "2.000000\t10.0.0.2\t53\t-\t-"]);
  assert.equal(header(logs, "conn_short"), "ts\tid.orig_h");
  assert.deepEqual(rows(logs, "conn_short"), ["1.000000\t10.0.0.1", "2.000000\t10.0.0.2"]);
  assert.equal(header(logs, "conn_noservice"), "ts\tid.orig_h\tid.resp_p");
  assert.deepEqual(logs.written(), ["conn", "conn_short", "conn_noservice"]);
});

test("include and exclude name columns as they are written (after Log::default_scope_sep); extension columns always stay", () => {
  const logs = new LogManager({ memory: true, scopeSep: "_", extension: { fields: fields(["sensor", "string"]), values: () => ["s1"] } });
  logs.addFilter("conn", { name: "default", include: ["id_orig_h", "id.resp_p"] }); // before the stream opens: applied when it does
  logs.open(conn).write([1, "10.0.0.1", 80, "http", false]);
  logs.closeAll();
  assert.equal(header(logs, "conn"), "_sensor\tid_orig_h");
  assert.deepEqual(rows(logs, "conn"), ["s1\t10.0.0.1"]);
});

test("pathFunc chooses each record's path from the filter's path and the record; policy keeps records out of one filter only", () => {
  const logs = new LogManager({ memory: true });
  const w = logs.open(conn);
  const seen: string[] = [];
  logs.removeFilter("conn", "default");
  logs.addFilter("conn", {
    name: "split",
    pathFunc: (path, record) => {
      seen.push(path);
      return record.local_orig === true ? `${path}_out` : `${path}_in`;
    },
  });
  logs.addFilter("conn", { name: "web", path: "web", policy: (record) => record.service === "http" });
  w.write([1, "10.0.0.1", 80, "http", true]);
  w.write([2, "192.0.2.9", 22, "ssh", false]);
  w.write([3, "10.0.0.3", 443, undefined, true]);
  logs.closeAll();
  assert.deepEqual(seen, ["conn", "conn", "conn"]);
  assert.deepEqual(
    rows(logs, "conn_out").map((r) => r.split("\t")[0]),
    ["1.000000", "3.000000"],
  );
  assert.deepEqual(
    rows(logs, "conn_in").map((r) => r.split("\t")[0]),
    ["2.000000"],
  );
  assert.deepEqual(
    rows(logs, "web").map((r) => r.split("\t")[0]),
    ["1.000000"],
  );
  assert.equal(logs.text("conn"), "", "the default filter was removed: no conn.log");
});

test("a filter added under an existing name replaces it; removing an unknown filter of an open stream says false", () => {
  const logs = new LogManager({ memory: true });
  const w = logs.open(conn);
  logs.addFilter("conn", { name: "extra", path: "extra", include: ["ts"] });
  logs.addFilter("conn", { name: "extra", path: "extra2", include: ["service"] });
  w.write([1, "10.0.0.1", 80, "http", true]);
  assert.equal(logs.removeFilter("conn", "nosuch"), false);
  assert.equal(logs.removeFilter("conn", "extra"), true);
  w.write([2, "10.0.0.2", 80, "dns", true]);
  logs.closeAll();
  assert.equal(logs.text("extra"), "");
  assert.deepEqual(rows(logs, "extra2"), ["http"]);
  assert.equal(rows(logs, "conn").length, 2);
});

test("a path another filter writes is taken as path-2 (Zeek's conflict correction), with a warning; records are still checked first", () => {
  const warnings: string[] = [];
  const logs = new LogManager({ memory: true, onWarning: (m) => warnings.push(m) });
  const w = logs.open(conn);
  logs.addFilter("conn", { name: "dup", include: ["ts"] }); // its path defaults to the stream's: conn
  w.write([1, "10.0.0.1", 80, "http", true]);
  assert.throws(() => w.write([Number.NaN, "10.0.0.1", 80, "http", true]), /conn\.log: record refused: field ts \(time\) takes a finite number, got NaN/);
  logs.closeAll();
  assert.equal(rows(logs, "conn").length, 1);
  assert.deepEqual(rows(logs, "conn-2"), ["1.000000"]);
  assert.deepEqual(warnings, ["Write using filter 'dup' on path 'conn' changed to use new path 'conn-2' to avoid conflict with filter 'default'"]);
});

test("a filter's config sets its own ASCII format: Zeek's ascii-tsv btest (the default filter re-added in TSV mode) line for line", () => {
  const logs = new LogManager({ memory: true });
  const w = logs.open(SSH_BTEST_SCHEMA);
  logs.addFilter("ssh", { name: "default", config: { tsv: true } });
  logs.addFilter("ssh", { name: "pipes", path: "ssh_pipes", include: ["status", "country"], config: { separator: "|", emptyField: "E" } });
  writeSshBtestRecords(w);
  logs.closeAll();
  assert.deepEqual(maskedLines(logs.text("ssh")), [
    "t\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tstatus\tcountry\tb",
    "XXXXXXXXXX.XXXXXX\t1.2.3.4\t1234\t2.3.4.5\t80\tsuccess\tunknown\t-",
    "XXXXXXXXXX.XXXXXX\t1.2.3.4\t1234\t2.3.4.5\t80\t-\tUS\t-",
    "XXXXXXXXXX.XXXXXX\t1.2.3.4\t1234\t2.3.4.5\t80\tfailure\tUK\t-",
    "XXXXXXXXXX.XXXXXX\t1.2.3.4\t1234\t2.3.4.5\t80\t-\tBR\t-",
    "XXXXXXXXXX.XXXXXX\t1.2.3.4\t1234\t2.3.4.5\t80\tfailure\t(empty)\tT",
    "",
  ]);
  assert.match(logs.text("ssh_pipes"), /^#fields\|status\|country$/m);
  assert.deepEqual(rows(logs, "ssh_pipes"), ["success|unknown", "-|US", "failure|UK", "-|BR", "failure|E"]);
  assert.throws(() => logs.addFilter("ssh", { name: "bad", config: { separator: "1" } }), /LogAscii::separator must be non-empty text without letters, digits/);
});

test("a filter's own layout (Zeek's Filter$scope_sep, $field_name_map, $ext_func, $ext_prefix) replaces the run's for its file only", () => {
  const logs = new LogManager({ memory: true, extension: { fields: fields(["sensor", "string"]), values: () => ["s1"] } });
  const w = logs.open(conn);
  logs.addFilter("conn", {
    name: "elk",
    path: "conn_elk",
    scopeSep: "_",
    include: ["ts", "id_orig_h", "id.resp_p"], // names as this filter writes them: id.resp_p matches nothing
    fieldNameMap: { id_orig_h: "source_ip" },
    extension: { fields: fields(["stream", "string"]), values: (path) => [path] },
    extPrefix: "meta_",
  });
  w.write([1, "10.0.0.1", 80, "http", true]);
  logs.closeAll();
  assert.equal(header(logs, "conn"), "_sensor\tts\tid.orig_h\tid.resp_p\tservice\tlocal_orig");
  assert.equal(header(logs, "conn_elk"), "meta_stream\tts\tsource_ip");
  assert.deepEqual(rows(logs, "conn_elk"), ["conn_elk\t1.000000\t10.0.0.1"]);
});

test("a filter's own writer format (Zeek's $config use_json): a JSON copy beside the ASCII log, and an ASCII one in a JSON run", () => {
  for (const runJson of [false, true]) {
    const logs = new LogManager({ memory: true, json: runJson });
    const w = logs.open(conn);
    logs.addFilter("conn", { name: "other", path: "conn_other", json: !runJson, include: ["ts", "id.orig_h"] });
    w.write([1, "10.0.0.1", 80, "http", true]);
    logs.closeAll();
    const json = runJson ? "conn" : "conn_other";
    const ascii = runJson ? "conn_other" : "conn";
    assert.match(logs.text(json), /^\{"ts":1(\.0)?,"id.orig_h":"10.0.0.1"/, json);
    assert.match(logs.text(ascii), /^#separator \\x09\n/, ascii);
  }
});
