import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { AsciiWriter, formatAsciiValue } from "../../src/log/ascii-writer.js";
import { formatJsonTime, JsonWriter } from "../../src/log/json-writer.js";
import { LogManager } from "../../src/log/manager.js";
import { formatFixed6 } from "../../src/log/numbers.js";
import { fields, type LogSchema, type LogValue } from "../../src/log/schema.js";
import { CHUNK_BYTES, FileSink, MemorySink } from "../../src/log/sink.js";
import { formatLogStamp } from "../../src/log/wall-clock.js";
import { maskedLines, SSH_BTEST_SCHEMA, writeSshBtestRecords, writeSshOptionsRecords } from "./zeek-ssh-btest.js";

const schema: LogSchema = {
  path: "demo",
  fields: fields(
    ["ts", "time"],
    ["name", "string"],
    ["n", "count"],
    ["ok", "bool"],
    ["dur", "interval"],
    ["tags", "set[string]"],
    ["kind", "enum"],
    ["h", "addr"],
    ["p", "port"],
  ),
};
const fixedClock = () => new Date(2024, 0, 2, 3, 4, 5);

test("ASCII header is Zeek's, byte for byte, and #close ends the file", () => {
  const sink = new MemorySink();
  const w = new AsciiWriter(schema, sink, { clock: fixedClock });
  w.write([1.5, "x", 3, true, 0.25, ["a", "b"], "tcp", "10.0.0.1", 80]);
  w.close();
  assert.equal(
    sink.text(),
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdemo\n#open\t2024-01-02-03-04-05\n" +
      "#fields\tts\tname\tn\tok\tdur\ttags\tkind\th\tp\n#types\ttime\tstring\tcount\tbool\tinterval\tset[string]\tenum\taddr\tport\n" +
      "1.500000\tx\t3\tT\t0.250000\ta,b\ttcp\t10.0.0.1\t80\n#close\t2024-01-02-03-04-05\n",
  );
  assert.ok(sink.closed);
});

test("an ASCII log with no record writes nothing at all", () => {
  const sink = new MemorySink();
  new AsciiWriter(schema, sink).close();
  assert.equal(sink.text(), "");
  assert.equal(sink.opened, false);
});

test("a log's missing directory is created at its first record", () => {
  const dir = join(tmpdir(), `bronze-logdir-${process.pid}`, "deeper");
  const sink = new FileSink(join(dir, "x.log"));
  try {
    sink.write("a\n");
    sink.close();
    assert.equal(readFileSync(join(dir, "x.log"), "utf8"), "a\n");
  } finally {
    rmSync(join(dir, ".."), { recursive: true, force: true });
  }
});

test("a file log's bytes are its texts in order, across chunk boundaries and for a text larger than a chunk", () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-sink-"));
  const sink = new FileSink(join(dir, "x.log"));
  try {
    const texts: string[] = [];
    // Multi-byte characters (2, 3 and 4 bytes in UTF-8) in lines that fill several chunks.
    for (let i = 0; texts.length < 60_000; i++) texts.push(`${i}\té\t€\t😀\t${"x".repeat(i % 50)}\n`);
    texts.push(`${"ü".repeat(3 << 20)}\n`); // larger than a chunk: written on its own, in order
    texts.push("last\n");
    for (const t of texts) sink.write(t);
    sink.close();
    const got = readFileSync(join(dir, "x.log"));
    assert.ok(got.equals(Buffer.from(texts.join(""), "utf8")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("LogAscii::gzip_level: a compressed log reads back as the same text (one gzip member per chunk), named .log.gz", () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-sink-"));
  try {
    const logs = new LogManager({ logdir: dir, gzipLevel: 6 });
    const w = logs.open({ path: "big", fields: fields(["n", "count"], ["text", "string"]) });
    // More than one 1 MiB chunk: several members, read back as one stream.
    for (let i = 0; i < 120_000; i++) w.write([i, `row ${i} ${"é".repeat(i % 7)}`]);
    logs.closeAll();
    assert.deepEqual(logs.written(), [join(dir, "big.log.gz")]);
    const compressed = readFileSync(join(dir, "big.log.gz"));
    const text = gunzipSync(compressed).toString("utf8");
    const rows = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    assert.equal(rows.length, 120_000);
    assert.equal(rows[119_999], `119999\trow 119999 ${"é".repeat(119_999 % 7)}`);
    assert.match(text, /^#separator \\x09\n[\s\S]*#close\t/);
    assert.ok(compressed.length * 4 < Buffer.byteLength(text), `compressed ${compressed.length} of ${Buffer.byteLength(text)} bytes`);
    assert.ok(!existsSync(join(dir, "big.log")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a file log's bytes from writeBytes are in order with its texts, across chunk boundaries and for lines larger than a chunk", () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-sink-"));
  const sink = new FileSink(join(dir, "x.log"));
  try {
    const expected: Buffer[] = [];
    // One reused line buffer, as the ASCII writer hands it over: only its first `length` bytes count.
    const line = Buffer.alloc(3 * CHUNK_BYTES, 0x21);
    for (let i = 0; i < 5_000; i++) {
      const length = 1 + ((i * 7919) % 300);
      line.write(`${i}\t`, 0, "latin1");
      sink.writeBytes(line, length);
      expected.push(Buffer.from(line.subarray(0, length)));
      if (i % 1000 === 999) {
        sink.write("text\n");
        expected.push(Buffer.from("text\n"));
        sink.writeBytes(line, CHUNK_BYTES + 17); // larger than a chunk: written on its own, in order
        expected.push(Buffer.from(line.subarray(0, CHUNK_BYTES + 17)));
      }
    }
    sink.close();
    assert.ok(readFileSync(join(dir, "x.log")).equals(Buffer.concat(expected)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ASCII values: unset, empty, marker strings, escapes", () => {
  const str = schema.fields[1]!;
  const set = schema.fields[5]!;
  assert.equal(formatAsciiValue(str, undefined), "-");
  assert.equal(formatAsciiValue(str, ""), "(empty)");
  assert.equal(formatAsciiValue(str, "-"), "\\x2d");
  assert.equal(formatAsciiValue(str, "(empty)"), "\\x28empty)");
  assert.equal(formatAsciiValue(str, "a\tb"), "a\\x09b");
  assert.equal(formatAsciiValue(str, "back\\slash"), "back\\\\slash");
  assert.equal(formatAsciiValue(str, "nul\u0000del\u007f"), "nul\\x00del\\x7f");
  assert.equal(formatAsciiValue(str, "héllo ✓"), "héllo ✓");
  assert.equal(formatAsciiValue(str, "x\ud800y"), "x\\x00y");
  assert.equal(formatAsciiValue(set, []), "(empty)");
  assert.equal(formatAsciiValue(set, ["a,b", "c"]), "a\\x2cb,c");
  // Each element is written as a string column is: "" as the empty field, the markers escaped (known_services.log's service of a connection without a protocol).
  assert.equal(formatAsciiValue(set, ["", "-", "(empty)"]), "(empty),\\x2d,\\x28empty)");
  assert.equal(formatAsciiValue(schema.fields[3]!, false), "F");
  assert.equal(formatAsciiValue(schema.fields[0]!, 0), "0.000000");
});

test("ASCII: one invalid byte or control character escapes the valid UTF-8 of its run too (runs end at \\ and separators)", () => {
  const str = schema.fields[1]!;
  const set = schema.fields[5]!;
  // 侞 then the invalid byte 0xb8 (a lone surrogate in log text): the run is escaped whole.
  assert.equal(formatAsciiValue(str, "/a=侞M\udcb8v"), "/a=\\xe4\\xbe\\x9eM\\xb8v");
  // A backslash ends the run: the character after it, in a clean run, stays UTF-8.
  assert.equal(formatAsciiValue(str, "\udcb8\\侞"), "\\xb8\\\\侞");
  // So does the tab separator; a control character counts as bad.
  assert.equal(formatAsciiValue(str, "é\u0007\té"), "\\xc3\\xa9\\x07\\x09é");
  // Set elements are runs of their own.
  assert.equal(formatAsciiValue(set, ["é", "\u0001é"]), "é,\\x01\\xc3\\xa9");
});

test("LogAscii's format options: separators, markers and meta prefix in the header and the values, escaped as Zeek escapes them", () => {
  const sink = new MemorySink();
  const format = { separator: ",", setSeparator: ";", emptyField: "EMPTY", unsetField: "NONE", metaPrefix: "%%" };
  const w = new AsciiWriter(
    { path: "p q", fields: fields(["s", "string"], ["tags", "set[string]"], ["h", "addr"], ["n", "count"], ["e", "vector[count]"]) },
    sink,
    { clock: fixedClock, format },
  );
  w.write(["a,b", ["x;y", "z"], "10.0.0.1", undefined, []]);
  w.write(["NONE", [], "10.0.0.2", 3, [1, 2]]);
  w.write(["EMPTY", undefined, "10.0.0.3", 4, undefined]);
  w.write(["%%x", undefined, "10.0.0.4", 5, undefined]);
  w.close();
  assert.equal(
    sink.text(),
    [
      "%%separator ,",
      "%%set_separator,;",
      "%%empty_field,EMPTY",
      "%%unset_field,NONE",
      "%%path,p\\x20q",
      "%%open,2024-01-02-03-04-05",
      "%%fields,s,tags,h,n,e",
      "%%types,string,set[string],addr,count,vector[count]",
      "a\\x2cb,x\\x3by;z,10.0.0.1,NONE,EMPTY",
      "\\x4eONE,EMPTY,10.0.0.2,3,1;2",
      "\\x45MPTY,NONE,10.0.0.3,4,NONE",
      "\\x25%x,NONE,10.0.0.4,5,NONE",
      "%%close,2024-01-02-03-04-05",
      "",
    ].join("\n"),
  );
  // IPv6 addresses keep a ":" separator out of their text; no meta lines at all without include_meta.
  const bare = new MemorySink();
  const v6 = new AsciiWriter({ path: "v6", fields: fields(["h", "addr"], ["ok", "bool"]) }, bare, { format: { separator: ":", includeMeta: false } });
  v6.write(["2001:db8::1", true]);
  v6.close();
  assert.equal(bare.text(), "2001\\x3adb8\\x3a\\x3a1:T\n");
  assert.throws(
    () => new AsciiWriter(schema, new MemorySink(), { format: { separator: "-" } }),
    /LogAscii::separator must be non-empty text without letters, digits/,
  );
});

test("Zeek's ascii-empty and ascii-options btests: their logs, line for line (times masked as the baselines mask them)", () => {
  const empty = new LogManager({ memory: true, asciiFormat: { separator: "|", emptyField: "EMPTY", unsetField: "NOT-SET", metaPrefix: "PREFIX<>" } });
  writeSshBtestRecords(empty.open(SSH_BTEST_SCHEMA));
  empty.closeAll();
  // The btest drops the lines with dates (#open, #close).
  assert.deepEqual(
    maskedLines(empty.text("ssh")).filter((l) => !/PREFIX.*20..-/.test(l) && l !== ""),
    [
      "PREFIX<>separator |",
      "PREFIX<>set_separator|,",
      "PREFIX<>empty_field|EMPTY",
      "PREFIX<>unset_field|NOT-SET",
      "PREFIX<>path|ssh",
      "PREFIX<>fields|t|id.orig_h|id.orig_p|id.resp_h|id.resp_p|status|country|b",
      "PREFIX<>types|time|addr|port|addr|port|string|string|bool",
      "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|success|unknown|NOT-SET",
      "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|NOT-SET|US|NOT-SET",
      "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|failure|UK|NOT-SET",
      "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|NOT-SET|BR|NOT-SET",
      "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|failure|EMPTY|T",
    ],
  );
  const options = new LogManager({ memory: true, asciiFormat: { separator: "|", includeMeta: false } });
  writeSshOptionsRecords(options.open({ path: "ssh", fields: SSH_BTEST_SCHEMA.fields.slice(0, 7) }));
  options.closeAll();
  assert.deepEqual(maskedLines(options.text("ssh")), [
    "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|success|unknown",
    "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|failure|US",
    "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|failure|UK",
    "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|success|BR",
    "XXXXXXXXXX.XXXXXX|1.2.3.4|1234|2.3.4.5|80|failure|MX",
    "",
  ]);
});

test("ASCII data line starting with # is escaped", () => {
  const sink = new MemorySink();
  const w = new AsciiWriter({ path: "x", fields: fields(["s", "string"]) }, sink, { clock: fixedClock });
  w.write(["#not-a-header"]);
  assert.match(sink.text(), /\n\\x23not-a-header\n$/);
});

test("ASCII lines built as bytes are the values' texts joined, through memory and file sinks alike", () => {
  const rows: LogValue[][] = [
    [1.5, "x", 3, true, 0.25, ["a", "b"], "tcp", "10.0.0.1", 80],
    [0, "", 0, false, 1e-7, [], "-", "::1", 0],
    [1128727435.0000005, "héllo ✓\tback\\slash", 2 ** 53 - 1, false, -3.25, ["a,b", ""], "(empty)", "fe80::1", 65535],
    [undefined, `long ${"é".repeat(3000)}`, -42, undefined, undefined, undefined, "x\ud800y", undefined, undefined],
    [2, "#", 1.5, true, 2, ["\u0001é"], "enum", "1.2.3.4", 1],
  ];
  const expected = rows.map((r) => `${schema.fields.map((f, i) => formatAsciiValue(f, r[i])).join("\t")}\n`);
  const memory = new MemorySink();
  const w = new AsciiWriter(schema, memory, { clock: fixedClock });
  for (const r of rows) w.write(r);
  const body = memory.text().split("\n").slice(8).join("\n");
  assert.equal(body, expected.join(""));
  const dir = mkdtempSync(join(tmpdir(), "bronze-ascii-bytes-"));
  try {
    const file = new FileSink(join(dir, "x.log"));
    const fw = new AsciiWriter(schema, file, { clock: fixedClock });
    for (const r of rows) fw.write(r);
    fw.close();
    assert.equal(readFileSync(join(dir, "x.log"), "utf8"), `${memory.text()}#close\t2024-01-02-03-04-05\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ASCII times written as digits are formatFixed6's text: microsecond stamps, random doubles, near-ties, extremes", () => {
  const values: number[] = [0, -0, 1e-7, 5e-7, 4.999999e-7, 0.0000005, 1.0000005, 1128727435.0000005, 2 ** 52 / 1e6, 2 ** 53, 1e300, -1.5, Number.MAX_VALUE];
  let seed = 7;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0;
  for (let i = 0; i < 20_000; i++) {
    values.push(1_700_000_000 + next() / 1e6); // a capture's stamps
    values.push(next() / 2 ** 32); // durations below a second
    values.push((next() * 2 ** 20 + next()) / 2 ** (next() % 40)); // any scale
    values.push((next() % 1_000_000) / 1e6 + 0.0000005); // halfway between two printed values, as near as doubles get
  }
  const oneColumn: LogSchema = { path: "t", fields: fields(["t", "time"]) };
  const sink = new MemorySink();
  const w = new AsciiWriter(oneColumn, sink, { clock: fixedClock });
  for (const v of values) w.write([v]);
  const lines = sink.text().split("\n").slice(8, -1);
  assert.equal(lines.length, values.length);
  for (const [i, v] of values.entries()) assert.equal(lines[i], formatFixed6(v), `value ${v}`);
});

test("ASCII counts and ints written as digits are their decimal text on both sides of 2^31 (int32 digits below, doubles above)", () => {
  const values: number[] = [0, 1, 9, 10, 99, 100, 65535, 2 ** 31 - 10, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 10 ** 15, 2 ** 53 - 1];
  for (let p = 1; p <= 1e15; p *= 10) values.push(p - 1, p, p + 1);
  let seed = 11;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0;
  for (let i = 0; i < 5_000; i++) values.push(next(), next() >>> (next() % 32), next() * 2 ** 20 + (next() >>> 12));
  const columns: LogSchema = { path: "t", fields: fields(["n", "count"], ["i", "int"]) };
  const sink = new MemorySink();
  const w = new AsciiWriter(columns, sink, { clock: fixedClock });
  for (const v of values) w.write([v, -v]);
  const lines = sink.text().split("\n").slice(8, -1);
  assert.equal(lines.length, values.length);
  for (const [i, v] of values.entries()) assert.equal(lines[i], `${v}\t${v === 0 ? 0 : -v}`, `value ${v}`);
});

test("JSON lines: no header, unset omitted, Zeek's number and string forms", () => {
  const sink = new MemorySink();
  const w = new JsonWriter(schema, sink);
  w.write([1128727435.633408, 'q"\\\u0001', 3, false, 5, [], "tcp", "::1", 53]);
  w.write([2, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  w.close();
  assert.equal(
    sink.text(),
    '{"ts":1128727435.633408,"name":"q\\"\\\\\\\\x01","n":3,"ok":false,"dur":5.0,"tags":[],"kind":"tcp","h":"::1","p":53}\n{"ts":2.0}\n',
  );
});

test("LogManager creates a file only when the first record arrives, in logdir", () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-log-"));
  try {
    const logs = new LogManager({ logdir: dir, clock: fixedClock });
    const a = logs.open(schema);
    logs.open({ path: "never", fields: fields(["x", "count"]) });
    assert.equal(logs.open(schema), a, "one writer per path");
    a.write([1, "a", 1, true, 1, [], "udp", "1.2.3.4", 1]);
    logs.closeAll();
    assert.ok(existsSync(join(dir, "demo.log")));
    assert.ok(!existsSync(join(dir, "never.log")));
    assert.deepEqual(logs.written(), [join(dir, "demo.log")]);
    const text = readFileSync(join(dir, "demo.log"), "utf8");
    assert.ok(text.endsWith("#close\t2024-01-02-03-04-05\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("LogManager flushes large logs in big writes with the same content", () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-log-"));
  try {
    const logs = new LogManager({ logdir: dir, json: true });
    const w = logs.open({ path: "big", fields: fields(["i", "count"], ["s", "string"]) });
    const n = 60000;
    for (let i = 0; i < n; i++) w.write([i, "é".repeat(20)]);
    logs.closeAll();
    const lines = readFileSync(join(dir, "big.log"), "utf8").trimEnd().split("\n");
    assert.equal(lines.length, n);
    assert.deepEqual(JSON.parse(lines[n - 1]!), { i: n - 1, s: "é".repeat(20) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("log stamps are local wall-clock time, zero-padded", () => {
  assert.equal(formatLogStamp(new Date(2026, 10, 3, 9, 8, 7)), "2026-11-03-09-08-07");
});

test("a log that cannot be created is reported once, then its records are dropped", () => {
  // A missing directory is created (see below); one under a file cannot be.
  const sink = new FileSink(join("/dev/null", "no-such-dir-bronze", "x.log"));
  assert.throws(() => sink.write("a\n"), /cannot create log .*x\.log/);
  sink.write("b\n");
  sink.close();
  assert.equal(sink.opened, false);
});

test("a write that fails (a full disk: /dev/full) is reported once in Zeek's words, then the log's records are dropped", (t) => {
  if (!existsSync("/dev/full")) return t.skip("no /dev/full on this system");
  const reported: string[] = [];
  const sink = new FileSink("/dev/full", { onWriteError: (m) => reported.push(m) });
  sink.write("a\n");
  sink.close();
  assert.deepEqual(reported, ["error writing to /dev/full: No space left on device"]);
  // Without a handler the failed write throws that message, once.
  const bare = new FileSink("/dev/full");
  bare.write("a\n");
  assert.throws(() => bare.flush(), /^Error: error writing to \/dev\/full: No space left on device$/);
  bare.write("b\n");
  bare.close();
});

test("a log file that cannot be written: one writer message, then its records are dropped; the other logs are written", (t) => {
  if (!existsSync("/dev/full")) return t.skip("no /dev/full on this system");
  const dir = mkdtempSync(join(tmpdir(), "bronze-full-"));
  try {
    symlinkSync("/dev/full", join(dir, "a.log"));
    const messages: string[] = [];
    const logs = new LogManager({ logdir: dir, onWriterMessage: (level, m) => messages.push(`${level}: ${m}`) });
    const schema = (path: string): LogSchema => ({ path, fields: fields(["n", "count"]) });
    const a = logs.open(schema("a"));
    const b = logs.open(schema("b"));
    // More than a chunk, so that a.log's first write fails while the run goes on (at close, the message goes to stderr).
    for (let n = 0; n < 3 * CHUNK_BYTES; n++) a.write({ n });
    for (let n = 0; n < 3; n++) b.write({ n });
    logs.closeAll();
    assert.deepEqual(messages, [`error: a/Log::WRITER_ASCII: error writing to ${join(dir, "a.log")}: No space left on device`]);
    assert.deepEqual(
      readFileSync(join(dir, "b.log"), "utf8")
        .split("\n")
        .filter((l) => /^\d/.test(l)),
      ["0", "1", "2"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Log::default_scope_sep: nested names are joined with it in ASCII headers and JSON keys; records still name fields with dots", () => {
  const schema = { path: "mine", fields: fields(["ts", "time"], ["id.orig_h", "addr"], ["id.orig_p", "port"]) };
  for (const json of [false, true]) {
    const logs = new LogManager({ memory: true, json, scopeSep: "_" });
    const w = logs.open(schema);
    w.write({ ts: 1.5, "id.orig_h": "10.0.0.1", "id.orig_p": 80 });
    logs.closeAll();
    const text = logs.text("mine");
    if (json) assert.equal(text.trim(), '{"ts":1.5,"id_orig_h":"10.0.0.1","id_orig_p":80}');
    else assert.match(text, /^#fields\tts\tid_orig_h\tid_orig_p$/m);
    assert.equal(w.schema.fields[1]!.name, "id.orig_h");
  }
});

test("Log::default_field_name_map renames output columns, looked up after the scope separator is applied; records keep the schema's names", () => {
  const schema = { path: "mine", fields: fields(["ts", "time"], ["id.orig_h", "addr"], ["id.orig_p", "port"]) };
  const cases: Array<[string | undefined, Record<string, string>, string]> = [
    [undefined, { "id.orig_h": "src", "id.orig_p": "src_port" }, "ts\tsrc\tsrc_port"],
    // Keyed with dots while the separator is "_": nothing matches, as in Zeek.
    ["_", { "id.orig_h": "src" }, "ts\tid_orig_h\tid_orig_p"],
    ["*", { "id*orig_h": "src", ts: "when" }, "when\tsrc\tid*orig_p"],
    // Only the map's own keys: a field named like an Object method is not renamed by the prototype.
    [undefined, {}, "ts\tid.orig_h\tid.orig_p"],
  ];
  for (const [scopeSep, fieldNameMap, header] of cases) {
    const logs = new LogManager({ memory: true, scopeSep, fieldNameMap });
    const w = logs.open(schema);
    w.write({ ts: 1.5, "id.orig_h": "10.0.0.1", "id.orig_p": 80 });
    logs.closeAll();
    assert.match(logs.text("mine"), new RegExp(`^#fields\\t${header.replaceAll("*", "\\*")}$`, "m"), JSON.stringify(fieldNameMap));
  }
  const json = new LogManager({ memory: true, json: true, fieldNameMap: { "id.orig_h": "src" } });
  json.open(schema).write([2, "10.0.0.2", 443]);
  json.closeAll();
  assert.equal(json.text("mine").trim(), '{"ts":2.0,"src":"10.0.0.2","id.orig_p":443}');
  assert.equal(
    new LogManager({ fieldNameMap: { constructor: "x" } }).open({ path: "p", fields: fields(["toString", "string"]) }).schema.fields[0]!.name,
    "toString",
  );
});

test("an extension (Log::default_ext_func) puts its columns, prefixed, before every log's own and is asked for each record with the log's path", () => {
  const paths: string[] = [];
  let n = 0;
  const logs = new LogManager({
    memory: true,
    extension: {
      fields: fields(["stream", "string"], ["inner.a", "count"], ["inner.d", "set[count]"], ["seq", "count"]),
      values: (path) => {
        paths.push(path);
        n++;
        return n === 3 ? null : { stream: path, "inner.a": n, "inner.d": [1, 2], seq: n };
      },
    },
  });
  const a = logs.open({ path: "a", fields: fields(["ts", "time"], ["x", "string"]) });
  const b = logs.open({ path: "b", fields: fields(["y", "count"]) });
  a.write([1, "one"]);
  b.write({ y: 7 });
  a.write([3]); // the extension returns null: its columns unset
  logs.closeAll();
  assert.deepEqual(paths, ["a", "b", "a"]);
  const rows = (path: string) =>
    logs
      .text(path)
      .split("\n")
      .filter((l) => l !== "" && (!l.startsWith("#") || l.startsWith("#fields")));
  assert.deepEqual(rows("a"), ["#fields\t_stream\t_inner.a\t_inner.d\t_seq\tts\tx", "a\t1\t1,2\t1\t1.000000\tone", "-\t-\t-\t-\t3.000000\t-"]);
  assert.deepEqual(rows("b"), ["#fields\t_stream\t_inner.a\t_inner.d\t_seq\ty", "b\t2\t1,2\t2\t7"]);
  // Prefix, separator and renaming apply to its columns as to the stream's; JSON keys alike.
  const json = new LogManager({
    memory: true,
    json: true,
    extPrefix: "x_",
    scopeSep: "_",
    fieldNameMap: { x_inner_a: "a" },
    extension: { fields: fields(["inner.a", "count"], ["host", "addr"]), values: () => [5, "10.1.1.1"] },
  });
  json.open({ path: "c", fields: fields(["id.orig_h", "addr"]) }).write(["10.0.0.1"]);
  json.closeAll();
  assert.equal(json.text("c").trim(), '{"a":5,"x_host":"10.1.1.1","id_orig_h":"10.0.0.1"}');
});

test("an extension's values are checked like a record's: a bad one refuses the record, naming the extension field", () => {
  const logs = new LogManager({ memory: true, extension: { fields: fields(["n", "count"]), values: () => ({ n: -1 }) } });
  const w = logs.open({ path: "mine", fields: fields(["ts", "time"]) });
  assert.throws(() => w.write([1]), /^TypeError: mine\.log: record refused: extension field n \(count\) takes a whole number ≥ 0, got -1$/);
  const named = new LogManager({ memory: true, extension: { fields: fields(["n", "count"]), values: () => ({ m: 1 }) } });
  assert.throws(() => named.open({ path: "p", fields: fields(["ts", "time"]) }).write([1]), /no extension field "m" \(extension fields: n\)/);
});

test("logs.configure changes every log's layout until the first record, also of logs opened before it; afterwards it refuses", () => {
  const logs = new LogManager({ memory: true });
  const early = logs.open({ path: "early", fields: fields(["id.orig_h", "addr"]) });
  const unused = logs.open({ path: "unused", fields: fields(["ts", "time"]) });
  logs.configure({ scopeSep: "_", extension: { fields: fields(["sensor", "string"]), values: () => ["s1"] } });
  early.write(["10.0.0.1"]);
  assert.throws(() => logs.configure({ scopeSep: "." }), /log layout changed after early\.log received a record: configure logs before the first packet/);
  logs.closeAll();
  assert.match(logs.text("early"), /^#fields\t_sensor\tid_orig_h\n#types\tstring\taddr\ns1\t10\.0\.0\.1$/m);
  // A log that never receives a record makes nothing, and refuses one after the close.
  assert.deepEqual(logs.written(), ["early"]);
  assert.throws(() => unused.write([1]), /log unused written after close/);
});

test("a LogManager's writer takes a record by field names and refuses values its columns cannot hold (NaN or -inf as a time, fractions in counts, unknown fields)", () => {
  const logs = new LogManager({ memory: true });
  const w = logs.open({
    path: "mine",
    fields: fields(["ts", "time"], ["host", "addr"], ["n", "count"], ["ratio", "double"], ["tags", "set[string]"], ["ok", "bool"]),
  });
  w.write({ ts: 1.5, host: "10.0.0.1", n: 3, tags: ["a", "b"], ok: true });
  w.write([2.5, "10.0.0.2", 4, 0.25, undefined, false]);
  for (const [bad, why] of [
    [{ ts: -Infinity }, /field ts \(time\) takes a finite number, got -Infinity/],
    [{ ts: 3, ratio: "1" }, /field ratio \(double\) takes a number, got "1"/],
    [{ ts: Number.NaN }, /field ts \(time\) takes a finite number, got NaN/],
    [{ ts: 3, n: 1.5 }, /field n \(count\) takes a whole number ≥ 0, got 1\.5/],
    [{ ts: 3, n: -1 }, /field n \(count\)/],
    [{ ts: 3, host: 7 }, /field host \(addr\) takes a string, got 7/],
    [{ ts: 3, tags: "a" }, /field tags \(set\[string\]\) takes an array of strings/],
    [{ ts: 3, hots: "10.0.0.3" }, /no field "hots" \(fields: ts, host, n, ratio, tags, ok\)/],
  ] as const) {
    assert.throws(
      () => w.write(bad as never),
      (e: Error) => e instanceof TypeError && /^mine\.log: record refused: /.test(e.message) && why.test(e.message),
      JSON.stringify(bad),
    );
  }
  logs.closeAll();
  const rows = logs
    .text("mine")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
  assert.deepEqual(rows, ["1.500000\t10.0.0.1\t3\t-\ta,b\tT", "2.500000\t10.0.0.2\t4\t0.25\t-\tF"], "refused records wrote nothing");
});

test("LogAscii::json_timestamps: times as epoch numbers, integer milliseconds (truncated, unsigned wraps before 1970) or ISO 8601 in UTC; intervals stay numbers", () => {
  const t = 1767225600.8;
  assert.equal(formatJsonTime(t, "JSON::TS_EPOCH"), "1767225600.8");
  assert.equal(formatJsonTime(t, "JSON::TS_MILLIS"), "1767225600800");
  assert.equal(formatJsonTime(1.9999, "JSON::TS_MILLIS"), "1999");
  assert.equal(formatJsonTime(-1.5, "JSON::TS_MILLIS"), "-1500");
  assert.equal(formatJsonTime(-1.5, "JSON::TS_MILLIS_UNSIGNED"), "18446744073709550116");
  assert.equal(formatJsonTime(t, "JSON::TS_ISO8601"), '"2026-01-01T00:00:00.800000Z"');
  assert.equal(formatJsonTime(1299466805.000001, "JSON::TS_ISO8601"), '"2011-03-07T03:00:05.000001Z"');
  // Before 1970: the second below, and the fraction above it.
  assert.equal(formatJsonTime(-0.25, "JSON::TS_ISO8601"), '"1969-12-31T23:59:59.750000Z"');
  const logs = new LogManager({ memory: true, json: true, jsonOptions: { timestamps: "JSON::TS_ISO8601", includeUnset: true } });
  logs.open({ path: "mine", fields: fields(["ts", "time"], ["gap", "interval"], ["note", "string"]) }).write([t, 1.5]);
  logs.closeAll();
  assert.equal(logs.text("mine").trim(), '{"ts":"2026-01-01T00:00:00.800000Z","gap":1.5,"note":null}');
});

test("Log::WRITER_NONE: records are taken (checked, bounded, counted) and nothing is written, not even a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-none-"));
  try {
    const cuts: string[] = [];
    const logs = new LogManager({ logdir: dir, writer: "WRITER_NONE", onLimit: (weird) => cuts.push(weird) });
    const w = logs.open({ path: "demo", fields: fields(["s", "string"]) });
    w.write(["x".repeat(5000)]);
    assert.throws(() => w.write([7 as never]), /record refused/);
    logs.closeAll();
    assert.equal(existsSync(join(dir, "demo.log")), false);
    assert.deepEqual(cuts, ["log_string_field_truncated"]);
    assert.equal(logs.writeCounts()[0]?.outputs[0]?.truncatedStrings, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("LogAscii::gzip_file_extension names compressed logs; a filter's own gzip level (0) writes plain text beside them; the written list names both", () => {
  const dir = mkdtempSync(join(tmpdir(), "bronze-gzext-"));
  try {
    const logs = new LogManager({ logdir: dir, gzipLevel: 3, gzipExtension: "z" });
    logs.addFilter("t", { name: "plain", path: "t-plain", gzipLevel: 0 });
    logs.open({ path: "t", fields: fields(["s", "string"]) }).write(["x"]);
    logs.closeAll();
    assert.deepEqual(logs.written().sort(), [join(dir, "t-plain.log"), join(dir, "t.log.z")]);
    assert.match(gunzipSync(readFileSync(join(dir, "t.log.z"))).toString("utf8"), /^x$/m);
    assert.match(readFileSync(join(dir, "t-plain.log"), "utf8"), /^x$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a vector's holes (elements never assigned): the unset field in ASCII, null in JSON, for every element type", () => {
  const holed = <T>(at: number, value: T): T[] => {
    const v: T[] = [];
    v[at] = value;
    return v;
  };
  const schema: LogSchema = { path: "v", fields: fields(["s", "vector[string]"], ["c", "vector[count]"], ["d", "vector[double]"], ["i", "vector[interval]"]) };
  const record = [holed(1, "x"), holed(2, 7), holed(1, 0.5), holed(1, 2)];
  const ascii = new LogManager({ memory: true });
  ascii.open(schema).write(record);
  ascii.closeAll();
  assert.ok(ascii.text("v").includes("-,x\t-,-,7\t-,0.5\t-,2.000000\n"));
  const json = new LogManager({ memory: true, json: true });
  json.open(schema).write(record);
  json.closeAll();
  assert.equal(json.text("v"), '{"s":[null,"x"],"c":[null,null,7],"d":[null,0.5],"i":[null,2.0]}\n');
});
