/**
 * DPD payload patterns as compiled (src/analyzer/app/signature.ts): the
 * line-start patterns `(|.*[\r\n])R` searched as `(?:^|[\r\n])R` must match
 * exactly what the anchored pattern matches, for every signature of the
 * default analyzers, on line protocols' text and on binary data; patterns
 * the rewrite must not touch (an alternative at the top level, a
 * backreference) keep their anchored form.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_ANALYZERS } from "../../../src/analyzer/app/protocols.js";
import { compilePayload, payloadSource } from "../../../src/analyzer/app/signature.js";

/** Deterministic pseudo-random bytes (xorshift), so a failure repeats. */
function bytes(seed: number, n: number, alphabet: string | null): string {
  let x = seed | 1;
  let out = "";
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = x >>> 0;
    out += alphabet === null ? String.fromCharCode(r & 0xff) : alphabet[r % alphabet.length];
  }
  return out;
}

const LINES = [
  "EHLO mail.example.com\r\n",
  "220 smtp ready\r\n",
  "USER anonymous\r\nPASS x\r\n",
  "NICK bob\r\nUSER bob 0 * :Bob\r\n",
  "USER bob 0 * :Bob\nNICK bob\n",
  ":irc.example.net 001 bob :hi\r\n",
  "SERVER hub.example.net 1 :hub\r\n",
  "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
  "+OK POP3 ready\r\nCAPA\r\n",
  "  \r\n apop x\r\n",
  "\x03\x00\x00\x2a\x25\xe0\x00\x00Cookie: mstshash=bob\r\n",
  "xDuca\x00\x01 rdpsnd",
  "\x03\x00\x01\x02\x02\xd0",
  "\x03\x00\x01\x02\x02\xf0\x80\x7f\x66McDn",
  "INVITE sip:a@b SIP/2.0\r\nVia: x\r\n",
  "\x16\x03\x01\x00\x2f\x01\x00\x00\x2b\x03\x03rest",
  "\x16\x03\x03\x00\x2f\x02\x00\x00\x2b\x03\x03rest",
];

function samples(): string[] {
  const out = [...LINES];
  for (let i = 0; i < 300; i++) out.push(bytes(i + 1, 1 + (i % 700), null));
  // Text made of the pieces the patterns look for, in random order.
  for (let i = 0; i < 300; i++) out.push(bytes(i + 7, 1 + (i % 300), " \r\n:0123USERNICKSERVERusernickhelo+OK220"));
  for (let i = 0; i < LINES.length; i++) for (let j = 0; j < LINES.length; j++) out.push(bytes(i * 31 + j, i + j, null) + LINES[i] + LINES[j]);
  return out;
}

test("every default signature's compiled pattern matches as the anchored pattern does", () => {
  const texts = samples();
  let rewritten = 0;
  let matched = 0;
  for (const component of DEFAULT_ANALYZERS) {
    for (const sig of component.signatures ?? []) {
      const compiled = compilePayload(sig.payload);
      const anchored = new RegExp(`^(?:${sig.payload})`, "s");
      if (compiled.source !== anchored.source) rewritten++;
      for (const t of texts) {
        const want = anchored.test(t);
        assert.equal(compiled.test(t), want, `${sig.id} on ${JSON.stringify(t.slice(0, 80))}`);
        if (want) matched++;
      }
    }
  }
  // The line protocols' client signatures (SMTP, POP3, FTP, IRC), the leading and trailing `.*` ones (RDP, SIP, TLS) are rewritten; some samples match.
  assert.ok(rewritten >= 14, `${rewritten} patterns rewritten`);
  assert.ok(matched > 20, `${matched} matches`);
});

test("a leading .* is a search, a trailing .* is dropped, branches of a top-level alternative each their own", () => {
  assert.equal(payloadSource(".*(A|B.*C)"), "(?:(A|B.*C))");
  assert.equal(payloadSource("(.{5}\\xd0|.*McDn)"), "^(?:.{5}\\xd0)|(?:McDn)");
  assert.equal(payloadSource("\\x16\\x03..\\x01.*"), "^(?:\\x16\\x03..\\x01)");
  // An escaped dot, a lazy .*?, a .* inside a group, a backreference: left as they are.
  assert.equal(payloadSource("AB\\.*"), "^(?:AB\\.*)");
  assert.equal(payloadSource(".*?A"), "^(?:.*?A)");
  assert.equal(payloadSource("(A.*)"), "^(?:(A.*))");
  assert.equal(payloadSource(".*(A)\\1"), "^(?:.*(A)\\1)");
  // `.*A|B` is (.*A)|B: anchored B stays anchored.
  const re = compilePayload(".*A|B");
  assert.equal(re.test("xxA"), true);
  assert.equal(re.test("xB"), false);
  assert.equal(re.test("B"), true);
});

test("a line-start pattern with an alternative at its top level or a backreference stays anchored", () => {
  const alt = compilePayload("(|.*[\\r\\n])AB|CD");
  assert.equal(alt.test("xCD"), false);
  assert.equal(alt.test("CD"), true);
  assert.equal(alt.test("x\nAB"), true);
  const grouped = compilePayload("(|.*[\\r\\n])(AB|CD)");
  assert.equal(grouped.test("x\nCD"), true);
  assert.equal(grouped.test("xCD"), false);
  const backref = compilePayload("(|.*[\\r\\n])(A)\\2");
  assert.equal(backref.source, /^(?:(|.*[\r\n])(A)\2)/s.source);
  assert.equal(backref.test("x\nAA"), true);
  // The same source compiles once.
  assert.equal(compilePayload("(|.*[\\n\\r]) *[uU][sS][eE][rR] "), compilePayload("(|.*[\\n\\r]) *[uU][sS][eE][rR] "));
});
