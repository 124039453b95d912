/**
 * DPD payload patterns as one automaton per signature set
 * (src/analyzer/app/automaton.ts): for every signature of the default
 * analyzers, the automaton must find a match exactly where the anchored
 * regular expression finds one, on line protocols' text and on binary data,
 * whether the bytes come at once or a few at a time; and patterns outside
 * Zeek's regular language are refused when the set is compiled.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SignatureAutomaton } from "../../../src/analyzer/app/automaton.js";
import { DEFAULT_ANALYZERS } from "../../../src/analyzer/app/protocols.js";

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

const bytesOf = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));

test("every default signature's automaton matches as the anchored pattern does", () => {
  const texts = samples();
  const sigs = DEFAULT_ANALYZERS.flatMap((c) => c.signatures ?? []);
  const automaton = new SignatureAutomaton(
    sigs.map((s) => s.payload),
    sigs.map(() => 3),
  );
  let matched = 0;
  sigs.forEach((sig, i) => {
    const anchored = new RegExp(`^(?:${sig.payload})`, "s");
    for (const t of texts) {
      const want = anchored.test(t);
      assert.equal(automaton.matches(i, bytesOf(t)), want, `${sig.id} on ${JSON.stringify(t.slice(0, 80))}`);
      if (want) matched++;
    }
  });
  assert.ok(matched > 20, `${matched} matches`);
});

test("patterns: alternatives, counted and open repetitions, classes, a lazy quantifier, a nullable pattern", () => {
  const cases: [string, string, boolean][] = [
    [".*A|B", "xxA", true],
    [".*A|B", "xB", false],
    [".*A|B", "B", true],
    ["(|.*[\\r\\n])AB|CD", "xCD", false],
    ["(|.*[\\r\\n])AB|CD", "x\nAB", true],
    ["a{2,3}b", "aab", true],
    ["a{2,3}b", "ab", false],
    ["a{2,3}b", "aaaab", false],
    ["a{2,}b", "aaaaab", true],
    ["\\x05.{0,2}\\x00", "\x05\x01\x02\x00", true],
    ["\\x05.{0,2}\\x00", "\x05\x01\x02\x03\x00", false],
    [".*?McDn", "..McDn", true],
    ["[^0-9]+x", "abx", true],
    ["[^0-9]+x", "a1x", false],
    ["(ab)*", "zz", true],
    ["\\s+\\d", " \t7", true],
  ];
  const automaton = new SignatureAutomaton(
    cases.map((c) => c[0]),
    cases.map(() => 3),
  );
  cases.forEach(([pattern, text, want], i) => {
    assert.equal(new RegExp(`^(?:${pattern})`, "s").test(text), want, `the RegExp on ${pattern}`);
    assert.equal(automaton.matches(i, bytesOf(text)), want, `${pattern} on ${JSON.stringify(text)}`);
  });
});

test("a pattern outside the regular language is refused", () => {
  for (const p of ["(A)\\1", "A(?=B)", "A$", "\\bA", "A**"]) assert.throws(() => new SignatureAutomaton([p], [3]), SyntaxError, p);
});

test("tcp-state: a pattern lives only on the sides it may match", () => {
  const automaton = new SignatureAutomaton(["AB", "AB"], [1, 2]);
  assert.equal(automaton.matches(0, bytesOf("AB"), 0), true);
  assert.equal(automaton.matches(0, bytesOf("AB"), 1), false);
  assert.equal(automaton.matches(1, bytesOf("AB"), 1), true);
  assert.deepEqual(automaton.live(automaton.starts[0]), [0]);
});

test("each transition is built once and then shared", () => {
  const automaton = new SignatureAutomaton(["(|.*[\\r\\n])USER "], [3]);
  const text = bytesOf("hello\r\nUSER x");
  assert.equal(automaton.matches(0, text), true);
  const built = automaton.built;
  assert.equal(automaton.matches(0, text), true);
  assert.equal(automaton.built, built);
});

test("byte classes: two bytes share a class exactly when every set of the patterns treats them alike, numbered by first byte", () => {
  const payloads = DEFAULT_ANALYZERS.flatMap((c) => c.signatures ?? []).map((s) => s.payload);
  // The default signatures, a set that is all literals, and one where a literal byte is also in a class.
  for (const patterns of [payloads, ["abc", "xyz"], ["a[a-c]", "q.", "\\x00[\\x00-\\x02]"]]) {
    const a = new SignatureAutomaton(
      patterns,
      patterns.map(() => 3),
    );
    // Each byte's membership in every single-atom pattern's set, from the patterns alone (not the automaton's sets).
    const tokens = patterns.flatMap((p) => [...p.matchAll(/\\x[0-9a-fA-F]{2}|\\.|\[(?:\\.|[^\]])*\]|\{\d+(?:,\d*)?\}|./g)].map((m) => m[0]));
    const atoms = tokens.filter((t) => !t.startsWith("{") && !"()|*+?^".includes(t));
    const res = [...new Set(atoms)].map((src) => new RegExp(`^(?:${src})$`, "s"));
    const ids = new Map<string, number>();
    for (let b = 0; b < 256; b++) {
      const key = res.map((re) => (re.test(String.fromCharCode(b)) ? 1 : 0)).join("");
      if (!ids.has(key)) ids.set(key, ids.size);
      assert.equal(a.classOf[b], ids.get(key), `byte ${b} of ${patterns.length} patterns`);
    }
    assert.equal(a.classes, ids.size);
  }
});

test("atEnd patterns (a user signature's trailing `$`): an end-accept only where the data ends there, live until then", () => {
  const a = new SignatureAutomaton(["AB", "AB"], [3, 3], [false, false], [true, false]);
  const run = (text: string) => {
    let st = a.starts[0];
    for (const ch of text) st = a.step(st, a.classOf[ch.charCodeAt(0)]!);
    return { accepts: a.accepts(st), atEnd: a.endAccepts(st), live: a.live(st) };
  };
  assert.deepEqual(run("A"), { accepts: [], atEnd: [], live: [0, 1] });
  assert.deepEqual(run("AB"), { accepts: [1], atEnd: [0], live: [0] });
  assert.deepEqual(run("ABC").atEnd, []);
});
