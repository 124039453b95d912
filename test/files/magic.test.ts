/**
 * MIME sniffing tries a file only against the signatures that can start with
 * its first byte. These tests pin the pattern reader that decides this, and
 * check the shortcut against trying every signature, on file starts of many
 * kinds and on each of them with every possible first byte.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { firstBytes, leadingLiteral, type MimeMatch, sniffMimeTypes } from "../../src/files/magic.js";
import { MAGIC_SIGNATURES } from "../../src/files/magic-signatures.js";

const bytesOf = (set: Uint8Array | null): number[] | null => (set === null ? null : [...set.keys()].filter((b) => set[b] === 1));

test("firstBytes: literals, escapes, classes, alternations", () => {
  assert.deepEqual(bytesOf(firstBytes("^PK\\x03\\x04")), [0x50]);
  assert.deepEqual(bytesOf(firstBytes("\\x1f\\x8b")), [0x1f]);
  assert.deepEqual(bytesOf(firstBytes("^(drpm|\\xed\\xab)")), [0x64, 0xed]);
  assert.deepEqual(bytesOf(firstBytes("^[\\xce\\xcf]\\xfa")), [0xce, 0xcf]);
  assert.deepEqual(bytesOf(firstBytes("^[a-c]x")), [0x61, 0x62, 0x63]);
  assert.deepEqual(bytesOf(firstBytes("^((A|B)C|D)")), [0x41, 0x42, 0x44]);
  assert.deepEqual(bytesOf(firstBytes("(.{2})X|Y")), null);
  assert.deepEqual(bytesOf(firstBytes("^\\*\\*ACE")), [0x2a]);
  assert.deepEqual(bytesOf(firstBytes("^\\tx")), [0x09]);
  assert.deepEqual(bytesOf(firstBytes("^A{3}")), [0x41]);
  const notA = bytesOf(firstBytes("^[^A]"));
  assert.equal(notA?.length, 255);
  assert.ok(!notA.includes(0x41));
});

test("firstBytes: anything that may start elsewhere is 'any byte'", () => {
  for (const p of ["^.{20}x", "(.*)(P1)", "^A?.", "^(A|)", "^A*", "^(?:A)", "^\\dx", "^[\\d]x", "^|A", "^$", "^\\00", "^A{,3}B"]) {
    assert.equal(firstBytes(p), null, p);
  }
});

test("firstBytes: an element that can match nothing adds what follows it", () => {
  assert.deepEqual(bytesOf(firstBytes("^(\\xef\\xbb\\xbf)?<")), [0x3c, 0xef]);
  assert.deepEqual(bytesOf(firstBytes("^A?B")), [0x41, 0x42]);
  assert.deepEqual(bytesOf(firstBytes("^A*?B")), [0x41, 0x42]);
  assert.deepEqual(bytesOf(firstBytes("^A{0,3}B")), [0x41, 0x42]);
  assert.deepEqual(bytesOf(firstBytes("^A{1,3}B")), [0x41]);
  assert.deepEqual(bytesOf(firstBytes("^A+B")), [0x41]);
  assert.deepEqual(bytesOf(firstBytes("^(|A)B")), [0x41, 0x42]);
  assert.deepEqual(bytesOf(firstBytes("^([ \\t]*(<!--.*-->)?)*<(X|Y)")), [0x09, 0x20, 0x3c]);
  assert.deepEqual(bytesOf(firstBytes("((^[0-9]{5})[acdn][w])")), [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]);
});

test("leadingLiteral: only what every match begins with", () => {
  assert.equal(leadingLiteral("(\\x5crelax)"), "\\relax");
  assert.equal(leadingLiteral("(P1)([0-9]{1,50} )"), "P1");
  assert.equal(leadingLiteral("<\\?php"), "<?php");
  assert.equal(leadingLiteral("ab(c)"), "ab");
  for (const p of ["(a|b)", "(ab)?x", "(ab)*", "ab*", "((ab)|c)", "(?:ab)", "[ab]c", ".ab", "\\dab", "(ab)+"]) assert.equal(leadingLiteral(p), "", p);
});

/** The reference: every signature tried, as before the shortcut. */
const naive = (() => {
  const sigs = MAGIC_SIGNATURES.filter(([, , , src]) => src.split("(.*)").length - 1 < 3).map(([, mime, strength, src]) => ({
    mime,
    strength,
    re: new RegExp(`^(?:${src})`, "s"),
  }));
  return (data: Uint8Array): MimeMatch[] => {
    if (data.length === 0) return [];
    const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
    const seen = new Set<string>();
    const out: MimeMatch[] = [];
    for (const s of sigs) {
      const key = `${s.strength}\t${s.mime}`;
      if (seen.has(key) || !s.re.test(text)) continue;
      seen.add(key);
      out.push({ strength: s.strength, mime: s.mime });
    }
    return out.sort((a, b) => b.strength - a.strength || (a.mime < b.mime ? -1 : a.mime > b.mime ? 1 : 0));
  };
})();

const STARTS = [
  "PK\x03\x04\x14\x00\x00\x00",
  "%PDF-1.4\n%\xe2\xe3",
  "GIF89a\x01\x00\x01\x00",
  "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
  "\xff\xd8\xff\xe0\x00\x10JFIF\x00",
  "<html><head><title>x</title></head><body>hi</body></html>",
  "<!DOCTYPE html>\n<html>",
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg">',
  '{"a": 1, "b": [1, 2]}',
  "[1, 2, 3]",
  "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
  "\x1f\x8b\x08\x00\x00\x00\x00\x00",
  "\x7fELF\x02\x01\x01",
  '\xef\xbb\xbf<?xml version="1.0"?><rss>',
  "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
  "0\x82\x03\x1e0\x82\x02\x06\xa0\x03\x02\x01\x02",
  "-----BEGIN CERTIFICATE-----\nMIID",
  "#!/bin/sh\necho hello\n",
  "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
  "ID3\x03\x00\x00\x00\x00\x00",
  "OggS\x00\x02\x00\x00",
  "RIFF\x24\x00\x00\x00WAVEfmt ",
  "\x00\x00\x01\xba\x44\x00\x04",
  "Rar!\x1a\x07\x00",
  "7z\xbc\xaf\x27\x1c\x00\x04",
  "plain text, nothing special at all, just words in a row",
  "\x00".repeat(64),
  "\xff".repeat(64),
  // Optional first elements and leading dots: white space, comments and byte-order marks before the text, box headers.
  '\r\n  <!-- c -->\n<?xml version="1.0"?>\n<!DOCTYPE html>\n<html>',
  "\xef\xbb\xbf  <cfset x = 1>",
  "\n\t<script type='text/javascript'>",
  '\xff\xfe[\r\n"a", 1.5, true]',
  " for (;;);{}",
  "\x00\x00\x00\x18ftypmp42\x00\x00",
  "\x00\x00\x00\x20ftypM4A \x00\x00",
  "\x00\x00\x01\x00moov\x00",
  "12345cw  22 4500",
];

test("sniffing by first byte finds what trying every signature finds", () => {
  const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
  let compared = 0;
  for (const start of STARTS) {
    const base = enc(start);
    assert.deepEqual(sniffMimeTypes(base), naive(base), JSON.stringify(start));
    // The same bytes with each other first byte, and with the first byte dropped.
    for (let b = 0; b < 256; b++) {
      const v = base.slice();
      v[0] = b;
      assert.deepEqual(sniffMimeTypes(v), naive(v), `${JSON.stringify(start)} with first byte ${b}`);
      compared++;
    }
    assert.deepEqual(sniffMimeTypes(base.subarray(1)), naive(base.subarray(1)));
  }
  assert.ok(compared > 7000);
  // Some of these starts have a type, so the comparison is not of empty lists only.
  assert.ok(STARTS.filter((s) => naive(enc(s)).length > 0).length >= 10);
});

test("every signature that is tried at all is reachable from some first byte", () => {
  for (const [id, , , src] of MAGIC_SIGNATURES) {
    const set = firstBytes(src);
    if (set !== null)
      assert.ok(
        set.some((v) => v === 1),
        id,
      );
  }
});

test("signatures searched anywhere or anchored further in match as before", () => {
  const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const cases = [
    "some text\n\\documentclass{article}",
    "xx\\relax more",
    "P1\nstuff P1123  45",
    "junk junk <?php echo 1; ?>",
    "  This is Info file foo.info",
    `${"\x00".repeat(1080)}32CN and more`,
    `${"\x00".repeat(1080)}32C`,
    `${"A".repeat(128)}DICM`,
    `${"A".repeat(127)}DICM`,
    "\x00\x00\x00\x00ftypjp2 ",
    "\x00\x00\x00\x00Standard Jet DB\x00",
    `${"\x00".repeat(20)}\xdc\xa7\xc4\xfd`,
    `${"\x00".repeat(21)}!SCREAM!`,
    "ab-lh5-xyz",
  ];
  for (const c of cases) {
    for (const v of [enc(c), enc(c).subarray(1), enc(c).subarray(0, enc(c).length - 1)]) {
      assert.deepEqual(sniffMimeTypes(v), naive(v), JSON.stringify(c));
    }
  }
  assert.ok(cases.filter((c) => naive(enc(c)).length > 0).length >= 8);
});
