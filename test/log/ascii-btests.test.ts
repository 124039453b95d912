/**
 * Zeek's btests of its ASCII and JSON writers that write records from a
 * script (testing/btest/scripts/base/frameworks/logging/ascii-*), replayed
 * as TypeScript twins: the same records through a LogManager, the log held
 * to the baseline in Zeek's source (they skip, saying so, without it). A
 * Zeek string literal's bytes are given as a protocol's bytes are (one
 * character per byte, then bytesToLogText). Left out: ascii-json, whose
 * record has a vector with a hole and a function column, types no log of
 * bronze's has.
 */
import assert from "node:assert/strict";
import { type TestContext, test } from "node:test";
import type { JsonStringPolicy } from "../../src/log/escape.js";
import { bytesToLogText } from "../../src/log/escape.js";
import type { JsonTimestamps } from "../../src/log/json-writer.js";
import { LogManager, type LogOptions } from "../../src/log/manager.js";
import { fields, type LogType, type LogValue } from "../../src/log/schema.js";
import { oracleMissing } from "../helpers/corpus.js";
import { baselineLines, type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { maskedLines, SSH_BTEST_SCHEMA } from "./zeek-ssh-btest.js";

const zeek = zeekSource();

function btest(name: string, fn: (zeek: ZeekSource) => void): void {
  test(`Zeek's btest logging/${name}`, (t: TestContext) => {
    if (zeek === null) return oracleMissing(t, `Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: ${name}'s baseline cannot be read`);
    fn(zeek);
  });
}

/** One column `name` of `type`, each value a record; the log's lines without #open/#close. */
function written(options: LogOptions, name: string, type: LogType, values: readonly LogValue[]): string[] {
  const logs = new LogManager({ memory: true, ...options });
  const w = logs.open({ path: "test", fields: fields([name, type]) });
  for (const v of values) w.write([v]);
  logs.closeAll();
  return withoutDates(asBytes(logs.text("test")).split("\n"));
}

/** A log's UTF-8 bytes, one character each, as baselines are read. */
function asBytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function withoutDates(lines: readonly string[]): string[] {
  return lines.filter((l) => l !== "" && !/^#(open|close)\b/.test(l));
}

function expected(zeek: ZeekSource, btestName: string, file: string): string[] {
  return withoutDates(baselineLines(zeek, `scripts.base.frameworks.logging.${btestName}/${file}`));
}

/** A Zeek string literal's bytes as log text. */
const bytes = (s: string): string => bytesToLogText(s);

btest("ascii-double: doubles in ASCII (every digit, never an exponent; inf, -inf, nan) and in JSON (null for those)", (z) => {
  const dmax = 1.79e308;
  const dmin = 2.23e-308;
  // The script's 2153226000.123456789, as the double it parses to.
  const values = [
    2153226000.0,
    2153226000.1,
    Number("2153226000.123456789"),
    1.0,
    1.1,
    1.123456789,
    -1.123456789,
    1.1234,
    0.1234,
    5e4,
    -5e4,
    3.14e15,
    -3.14e15,
  ];
  values.push(dmax, -dmax, 1.23456789e-5, dmin, -dmin, dmax * 2, -dmax * 2, -0.0, dmax * 2 * 0);
  assert.deepEqual(written({}, "d", "double", values), expected(z, "ascii-double", "test.log"));
  assert.deepEqual(written({ json: true }, "d", "double", values), expected(z, "ascii-double", "json.log"));
});

btest("ascii-negative-ts: a time before 1970 in each of LogAscii::json_timestamps' formats", (z) => {
  const formats: ReadonlyArray<[JsonTimestamps, string]> = [
    ["JSON::TS_EPOCH", "ts_epoch"],
    ["JSON::TS_MILLIS", "ts_millis"],
    ["JSON::TS_MILLIS_UNSIGNED", "ts_millis_unsigned"],
    ["JSON::TS_ISO8601", "ts_iso8601"],
  ];
  for (const [timestamps, file] of formats) {
    assert.deepEqual(
      written({ json: true, jsonOptions: { timestamps } }, "ts", "time", [-315619200]),
      expected(z, "ascii-negative-ts", `test.log.${file}`),
      file,
    );
  }
});

btest("ascii-utf8-enabled-control-characters: control characters escaped, the rest of the text kept", (z) => {
  assert.deepEqual(written({}, "s", "string", ["foo \n\t\0 bar"]), expected(z, "ascii-utf8-enabled-control-characters", "test.log"));
});

btest("ascii-escape-set-separator: set elements holding the set separator", (z) => {
  // The set in the order of Zeek's table (its hash order), as bronze's scripts give their sets.
  assert.deepEqual(written({}, "ss", "set[string]", [[",", "CC", ",,", "AA"]]), expected(z, "ascii-escape-set-separator", "test.log"));
});

btest("ascii-escape-empty-str: an element equal to the empty-field marker", (z) => {
  assert.deepEqual(written({ asciiFormat: { emptyField: "EMPTY" } }, "ss", "set[string]", [["EMPTY"]]), expected(z, "ascii-escape-empty-str", "test.log"));
});

btest("ascii-escape-binary: NULs, invalid bytes and backslashes in strings", (z) => {
  const strings = [
    "AB\0CD\0",
    "AB\xffCD\0",
    "AB\\xffCD\0",
    " ",
    "abc\\x00def",
    " ",
    "abc\0def",
    " ",
    "foo \xc2\xae bar \\xc2\\xae baz",
    "foo\x00bar\\0baz",
    "foo \x0e bar ^N baz",
  ];
  assert.deepEqual(written({ asciiFormat: { utf8: false } }, "s", "string", strings.map(bytes)), expected(z, "ascii-escape-binary", "test.log"));
});

/** Zeek's escapes in a string literal (\\xNN, \\a … \\v, \\\\, \\"): the literal's bytes, one character each (its other characters as their UTF-8 bytes). */
function zeekLiteralBytes(literal: string): string {
  const named: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34 };
  const chars = [...literal];
  const bytes: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== "\\") bytes.push(...Buffer.from(chars[i]!, "utf8"));
    else if (chars[i + 1] === "x") {
      bytes.push(Number.parseInt(chars.slice(i + 2, i + 4).join(""), 16));
      i += 3;
    } else bytes.push(named[chars[++i]!]!);
  }
  return Buffer.from(bytes).toString("latin1");
}

btest(
  "ascii-json-utf8: LogAscii::json_string_escape_policy's HEX, TSV and PUA on valid and invalid UTF-8, controls and backslashes; TSV as a filter's $config",
  (z) => {
    const source = z.read("testing/btest/scripts/base/frameworks/logging/ascii-json-utf8.zeek");
    const strings = [...source.matchAll(/\$s="((?:[^"\\]|\\.)*)"/g)].map((m) => bytes(zeekLiteralBytes(Buffer.from(m[1]!, "latin1").toString("utf8"))));
    assert.ok(strings.length > 40, "the btest's strings were read");
    const runs: ReadonlyArray<[JsonStringPolicy, string]> = [
      ["JSON::STRING_ESCAPE_POLICY_HEX", "ssh.log.hex"],
      ["JSON::STRING_ESCAPE_POLICY_TSV", "ssh.log.tsv"],
      ["JSON::STRING_ESCAPE_POLICY_PUA", "ssh.log.pua"],
    ];
    for (const [policy, file] of runs) {
      const lines = written({ json: true, jsonOptions: { stringEscapePolicy: policy } }, "s", "string", strings);
      assert.deepEqual(lines, expected(z, "ascii-json-utf8", file), file);
    }
    // The default filter as the run has it (HEX), and a second one to ssh-tsv with TSV in its config.
    const logs = new LogManager({ memory: true, json: true });
    const w = logs.open({ path: "ssh", fields: fields(["s", "string"]) });
    logs.addFilter("ssh", { name: "tsv", path: "ssh-tsv", jsonConfig: { stringEscapePolicy: "JSON::STRING_ESCAPE_POLICY_TSV" } });
    for (const v of strings) w.write([v]);
    logs.closeAll();
    assert.deepEqual(withoutDates(asBytes(logs.text("ssh-tsv")).split("\n")), expected(z, "ascii-json-utf8", "ssh-tsv.log"));
    assert.deepEqual(withoutDates(asBytes(logs.text("ssh")).split("\n")), expected(z, "ascii-json-utf8", "ssh.log.hex"));
  },
);

btest("ascii-binary: invalid bytes, newlines and the separator in strings", (z) => {
  const logs = new LogManager({ memory: true, asciiFormat: { separator: "|" } });
  const w = logs.open({ path: "ssh", fields: fields(["data", "string"], ["data2", "string"]) });
  for (const data of ["abc\n\xffdef", "abc|\xffdef", "abc\xff|def"]) w.write([bytes(data), "DATA2"]);
  logs.closeAll();
  assert.deepEqual(withoutDates(asBytes(logs.text("ssh")).split("\n")), expected(z, "ascii-binary", "ssh.log"));
});

btest("ascii-line-like-comment: a data line starting with the meta prefix has it escaped", (z) => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "test", fields: fields(["data", "string"], ["c", "count"]) });
  for (const data of ["Test1", "#Kaputt", "Test2"]) w.write([data, 42]);
  logs.closeAll();
  assert.deepEqual(withoutDates(logs.text("test").split("\n")), expected(z, "ascii-line-like-comment", "test.log"));
});

btest("ascii-escape-notset-str: a string equal to the unset marker, an unset string and an empty one", (z) => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "test", fields: fields(["x", "string"], ["y", "string"], ["z", "string"]) });
  w.write(["-", undefined, ""]);
  logs.closeAll();
  assert.deepEqual(withoutDates(logs.text("test").split("\n")), expected(z, "ascii-escape-notset-str", "test.log"));
});

btest("ascii-timestamps: times with six decimals, sub-microsecond parts rounded away", (z) => {
  const times = [
    1234567890,
    1234567890.0,
    1234567890.01,
    1234567890.001,
    1234567890.0001,
    1234567890.00001,
    1234567890.000001,
    Number("1234567890.0000001"),
    2385642157,
  ];
  assert.deepEqual(written({}, "data", "time", times), expected(z, "ascii-timestamps", "test.log"));
});

btest("ascii-json-iso-timestamps: ISO 8601 times, before 1970 included", (z) => {
  const at = (iso: string) => Date.parse(iso) / 1000;
  const epoch = at("1970-01-01T00:00:00Z");
  const times = [at("2008-07-09T16:13:30Z") + 0.0054321, at("1986-12-01T01:01:01Z") + 0.9, ...[0.4, 0.5, 0.6, 1.0, 1.4, 1.5, 1.6, 99].map((s) => epoch - s)];
  const lines = written({ json: true, jsonOptions: { timestamps: "JSON::TS_ISO8601" } }, "t", "time", times);
  assert.deepEqual(lines, expected(z, "ascii-json-iso-timestamps", "ssh.log"));
});

btest("ascii-json-optional: unset fields left out, or null with json_include_unset_fields (the run's, or a filter's $config)", (z) => {
  const run = (options: LogOptions, viaFilter: boolean): string[] => {
    const logs = new LogManager({ memory: true, json: true, ...options });
    const w = logs.open({ path: "testing", fields: fields(["ts", "time"], ["msg", "string"]) });
    if (viaFilter) logs.addFilter("testing", { name: "default", jsonConfig: { includeUnset: true } });
    w.write([undefined, "Testing 1 2 3 "]);
    logs.closeAll();
    return withoutDates(logs.text("testing").split("\n"));
  };
  assert.deepEqual(run({}, false), expected(z, "ascii-json-optional", "testing.log"));
  assert.deepEqual(run({ jsonOptions: { includeUnset: true } }, false), expected(z, "ascii-json-optional", "testing_nullfields.log"));
  assert.deepEqual(run({}, true), expected(z, "ascii-json-optional", "testing_nullfields_via_config.log"));
});

/** The five records of disable-stream and enable-stream (ascii-options' statuses and countries), enable_stream before the last when asked. */
function sshStreamRun(enableBeforeLast: boolean): { file: boolean; lines: string[] } {
  const logs = new LogManager({ memory: true });
  const w = logs.open({ path: "ssh", fields: SSH_BTEST_SCHEMA.fields.slice(0, 7) });
  logs.disableStream("ssh");
  const id = ["1.2.3.4", 1234, "2.3.4.5", 80];
  const rows: ReadonlyArray<[string, string]> = [
    ["success", "unknown"],
    ["failure", "US"],
    ["failure", "UK"],
    ["success", "BR"],
    ["failure", "MX"],
  ];
  rows.forEach(([status, country], i) => {
    if (enableBeforeLast && i === rows.length - 1) logs.enableStream("ssh");
    w.write([0, ...id, status, country]);
  });
  logs.closeAll();
  const text = logs.text("ssh");
  return { file: text !== "", lines: withoutDates(maskedLines(text)) };
}

btest("disable-stream and enable-stream: a disabled stream writes nothing, not even its file; enabled again, it writes", (z) => {
  assert.equal(sshStreamRun(false).file, false);
  assert.deepEqual(sshStreamRun(true).lines, expected(z, "enable-stream", "ssh.log"));
});
