/**
 * Separators longer than one character, as Zeek takes them: its btests
 * logging/ascii-escape (LogAscii::separator = "||") and
 * logging/ascii-utf8-enabled-set-separator-escape (set_separator = "®",
 * two bytes of UTF-8) replayed as TypeScript twins and held to their
 * baselines in Zeek's source (they skip, saying so, without it); and the
 * rules they stand on, pinned without Zeek.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsciiWriter, formatAsciiValue, ZEEK_ASCII_FORMAT } from "../../src/log/ascii-writer.js";
import { fields } from "../../src/log/schema.js";
import { MemorySink } from "../../src/log/sink.js";
import { oracleMissing } from "../helpers/corpus.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";
import { maskedLines, SSH_BTEST_SCHEMA } from "./zeek-ssh-btest.js";

const zeek = zeekSource();
const fixedClock = () => new Date(2024, 0, 2, 3, 4, 5);

/** A log's lines as compared here: #open and #close (dates, masked in the baselines) dropped, the leading times masked. */
function compared(text: string): string[] {
  return maskedLines(text).filter((l) => l !== "" && !/^#(open|close)\b/.test(l));
}

/** A baseline's lines, compared as the logs' are. */
function baselineOf(path: string): string[] {
  return compared(baselineLines(zeek!, path).join("\n"));
}

test("Zeek's btest logging/ascii-escape: a two-character separator, escaped byte by byte where a value holds it", (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: the ascii-escape baseline cannot be read");
  const sink = new MemorySink();
  const schema = { path: "ssh", fields: SSH_BTEST_SCHEMA.fields.slice(0, 7) };

  const w = new AsciiWriter(schema, sink, { clock: fixedClock, format: { separator: "||" } });
  const id = ["1.2.3.4", 1234, "2.3.4.5", 80];
  for (const [status, country] of [
    ["success", "unknown"],
    ["failure", "US"],
    ["fa||ure", "UK"],
    ["su||ess", "BR"],
    ["failure", "MX"],
  ])
    w.write([0, ...id, status, country]);
  w.close();
  assert.deepEqual(compared(sink.text()), baselineOf("scripts.base.frameworks.logging.ascii-escape/ssh.log"));
});

test("Zeek's btest logging/ascii-utf8-enabled-set-separator-escape: a set separator of two UTF-8 bytes, and an element that is it", (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its baseline cannot be read");
  const sink = new MemorySink();
  const w = new AsciiWriter({ path: "test", fields: fields(["ss", "set[string]"]) }, sink, { clock: fixedClock, format: { setSeparator: "®" } });
  w.write([["®"]]);
  w.close();
  // The baseline is read as latin1: its bytes, one character each, as the log's bytes are.
  assert.deepEqual(
    compared(Buffer.from(sink.text(), "utf8").toString("latin1")),
    baselineOf("scripts.base.frameworks.logging.ascii-utf8-enabled-set-separator-escape/test.log"),
  );
});

test("longer separators: only the whole sequence is escaped, set elements escape both separators, the first match wins", () => {
  const format = { separator: "||", setSeparator: ";;" };
  const f = { ...ZEEK_ASCII_FORMAT, ...format };
  const str = { name: "s", type: "string" } as const;
  const set = { name: "v", type: "set[string]" } as const;
  assert.equal(formatAsciiValue(str, "a|b", f), "a|b");
  assert.equal(formatAsciiValue(str, "a|||b", f), "a\\x7c\\x7c|b");
  assert.equal(formatAsciiValue(str, "a;;b\\c", f), "a;;b\\\\c");
  assert.equal(formatAsciiValue(set, ["x;;y", "z||", "w;"], f), "x\\x3b\\x3by;;z\\x7c\\x7c;;w;");
  // A control character escapes the non-ASCII characters of its run (the run ends at a separator).
  assert.equal(formatAsciiValue(str, "é\u0001||é", f), "\\xc3\\xa9\\x01\\x7c\\x7cé");
  // Between columns the whole separator is written; the header names it unescaped when printable.
  const sink = new MemorySink();
  const w = new AsciiWriter({ path: "p", fields: fields(["a", "count"], ["b", "string"], ["c", "addr"]) }, sink, { clock: fixedClock, format });
  w.write([1, "x", "2001:db8::1"]);
  w.close();
  const lines = sink.text().split("\n");
  assert.equal(lines[0], "#separator ||");
  assert.equal(lines[1], "#set_separator||;;");
  assert.ok(lines.includes("1||x||2001:db8::1"), sink.text());
});
