import assert from "node:assert/strict";
import { test } from "node:test";
import { zeekJson } from "../../../src/scripts/misc/app-event-trace.js";

/** A byte string (one byte per character), as the analyzers hand strings to the trace. */
const bytes = (...parts: (string | number[])[]): string => parts.map((p) => (typeof p === "string" ? p : String.fromCharCode(...p))).join("");

test("zeekJson: a valid UTF-8 sequence comes out as print writes it, one backslash a byte", () => {
  // http-non-printable-characters.pcap: Zeek's trace line reads unescaped_URI="/printable_\xf0\x9f\x98\x84".
  assert.equal(zeekJson(bytes("/printable_", [0xf0, 0x9f, 0x98, 0x84])), '"/printable_\\xf0\\x9f\\x98\\x84"');
  assert.equal(zeekJson(bytes("caf", [0xc3, 0xa9])), '"caf\\xc3\\xa9"');
});

test("zeekJson: a control byte is escaped before JSON (two backslashes), and so is every other non-ASCII byte then", () => {
  assert.equal(zeekJson(bytes("/non_printable_", [0x07])), '"/non_printable_\\\\x07"');
  // A valid sequence next to a bad byte: to_json escapes both.
  assert.equal(zeekJson(bytes([0xc3, 0xa9, 0x07])), '"\\\\xc3\\\\xa9\\\\x07"');
  assert.equal(zeekJson(bytes("a", [0xff], "b")), '"a\\\\xffb"');
  // A sequence for a C1 control or a private-use code point counts as bad.
  assert.equal(zeekJson(bytes([0xc2, 0x85])), '"\\\\xc2\\\\x85"');
  assert.equal(zeekJson(bytes([0xee, 0x80, 0x80])), '"\\\\xee\\\\x80\\\\x80"');
});

test("zeekJson: JSON's own escapes for quotes, backslashes and the kept controls", () => {
  assert.equal(zeekJson('say "hi"\\'), '"say \\"hi\\"\\\\"');
  assert.equal(zeekJson("a\tb\nc\rd\fe\bf"), '"a\\tb\\nc\\rd\\fe\\bf"');
  assert.equal(zeekJson(bytes("/non_printable_literal_\\x07")), '"/non_printable_literal_\\\\x07"');
});
