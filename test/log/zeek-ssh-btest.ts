/**
 * The log that Zeek's logging btests (ascii-empty, ascii-options, ascii-tsv)
 * write: an SSH::Log stream and its five records, and their times masked as
 * the btest baselines mask them.
 */

import { fields, type LogSchema } from "../../src/log/schema.js";
import type { LogWriter } from "../../src/log/writer.js";

export const SSH_BTEST_SCHEMA: LogSchema = {
  path: "ssh",
  fields: fields(
    ["t", "time"],
    ["id.orig_h", "addr"],
    ["id.orig_p", "port"],
    ["id.resp_h", "addr"],
    ["id.resp_p", "port"],
    ["status", "string"],
    ["country", "string"],
    ["b", "bool"],
  ),
};

const ID = ["1.2.3.4", 1234, "2.3.4.5", 80];

/** The five Log::write calls of ascii-empty and ascii-tsv (ascii-options has its own statuses and countries). */
export function writeSshBtestRecords(w: LogWriter): void {
  w.write([0, ...ID, "success", "unknown"]);
  w.write([0, ...ID, undefined, "US"]);
  w.write([0, ...ID, "failure", "UK"]);
  w.write([0, ...ID, undefined, "BR"]);
  w.write([0, ...ID, "failure", "", true]);
}

/** ascii-options' records: (status, country) pairs, every other column as above. */
export function writeSshOptionsRecords(w: LogWriter): void {
  for (const [status, country] of [
    ["success", "unknown"],
    ["failure", "US"],
    ["failure", "UK"],
    ["success", "BR"],
    ["failure", "MX"],
  ])
    w.write([0, ...ID, status, country]);
}

/** A log's lines with each leading time masked as XXXXXXXXXX.XXXXXX. */
export function maskedLines(text: string): string[] {
  return text.split("\n").map((l) => l.replace(/^\d+\.\d{6}/, "XXXXXXXXXX.XXXXXX"));
}

/**
 * The SSH::Log of the btests that write every type (ascii-gz, sqlite/types,
 * simultaneous-writes, error): `f`, a Zeek function, is a string column
 * holding Zeek's description of it (bronze's logs have no function type).
 */
export const SSH_ALL_TYPES = fields(
  ["b", "bool"],
  ["i", "int"],
  ["e", "enum"],
  ["c", "count"],
  ["p", "port"],
  ["sn", "subnet"],
  ["a", "addr"],
  ["d", "double"],
  ["t", "time"],
  ["iv", "interval"],
  ["s", "string"],
  ["sc", "set[count]"],
  ["ss", "set[string]"],
  ["se", "set[string]"],
  ["vc", "vector[count]"],
  ["ve", "vector[string]"],
  ["f", "string"],
);

/** Zeek's description of those btests' function `foo`, as its writers write a function. */
export const ZEEK_FOO_TEXT = "SSH::foo: function(i:count) : string\n{ \nif (0 < SSH::i) \n\treturn (Foo);\nelse\n\treturn (Bar);\n\n}";
