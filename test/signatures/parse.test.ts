/**
 * The signature language parser: Zeek's constructs read into signatures,
 * and every bad or unsupported file refused with one SignatureError naming
 * the file, the line and the construct.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileUserSignatures, readSignatures } from "../../src/signatures/index.js";
import { parseSignatures, SignatureError, STATE_ORIG, STATE_RESP } from "../../src/signatures/parse.js";

function one(text: string) {
  const sigs = parseSignatures(text, "t.sig");
  assert.equal(sigs.length, 1);
  return sigs[0]!;
}

function refusal(text: string): SignatureError {
  try {
    parseSignatures(text, "bad.sig");
  } catch (err) {
    assert.ok(err instanceof SignatureError, `a SignatureError, not ${String(err)}`);
    return err;
  }
  assert.fail("the file was accepted");
}

test("header conditions: ports (lists, ranges, comparisons), ip-proto by name and number, header with a mask", () => {
  const s = one(`
    # a comment
    signature s1 {
      src-port == 22,23,1000-1002
      dst-port >= 1024
      ip-proto = udp
      ip-proto == 6
      header tcp[13:1] & 2 != 0
      header ip[16:4] == 10.0.0.0/8
      event "hello"
    }`);
  assert.equal(s.id, "s1");
  assert.equal(s.line, 3);
  const [src, dst, udp, six, syn, net] = s.headerTests;
  assert.deepEqual(
    src!.values.map((v) => v.value),
    [22, 23, 1000, 1001, 1002],
  );
  assert.deepEqual([src!.base, src!.offset, src!.size, src!.comparison], ["tcp", 0, 2, "=="]);
  assert.deepEqual([dst!.offset, dst!.comparison, dst!.values[0]!.value], [2, ">=", 1024]);
  assert.deepEqual([udp!.base, udp!.values[0]!.value], ["proto", 17]);
  assert.equal(six!.values[0]!.value, 6);
  assert.deepEqual([syn!.offset, syn!.size, syn!.comparison, syn!.values[0]], [13, 1, "!=", { value: 0, mask: 2 }]);
  assert.deepEqual(net!.values[0], { value: 0x0a000000, mask: 0xff000000 });
  assert.deepEqual(s.actions, [{ kind: "event", message: "hello" }]);
});

test("address conditions: IPv4 and IPv6 addresses and CIDR prefixes in lists, == and !=", () => {
  const s = one("signature a { src-ip == 10.1.2.3,192.168.0.0/16 dst-ip != [fe80::1]/64,[2001:db8::a] }");
  const [src, dst] = s.addressTests;
  assert.deepEqual([src!.field, src!.comparison, dst!.field, dst!.comparison], ["src", "==", "dst", "!="]);
  // IPv4 as ::ffff:a.b.c.d, its length in IPv6 bits.
  assert.deepEqual([...src!.prefixes[0]!.bytes.slice(10)], [0xff, 0xff, 10, 1, 2, 3]);
  assert.equal(src!.prefixes[1]!.length, 96 + 16);
  assert.deepEqual([...src!.prefixes[1]!.bytes.slice(12)], [192, 168, 0, 0]);
  assert.equal(dst!.prefixes[0]!.length, 64);
  assert.deepEqual([...dst!.prefixes[0]!.bytes.slice(0, 2)], [0xfe, 0x80]);
  assert.equal(dst!.prefixes[0]!.bytes[15], 0, "bits past the prefix are cleared");
  assert.deepEqual([...dst!.prefixes[1]!.bytes], [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 0x0a]);
});

test("content, state and dependency conditions, and actions", () => {
  const s = one(`signature c {
    payload /GET \\/[a-z]+/i
    tcp-state originator, responder
    payload-size < 100
    requires-signature ! other
    requires-reverse-signature other
    same-ip
    enable "http"
    active false
  }
  `);
  assert.deepEqual(s.patterns, [{ type: "payload", source: "GET \\/[a-z]+", caseless: true, atEnd: false }]);
  assert.deepEqual(s.conditions, [
    { kind: "tcp-state", bits: STATE_ORIG | STATE_RESP },
    { kind: "payload-size", comparison: "<", value: 100 },
    { kind: "same-ip" },
  ]);
  assert.deepEqual(s.requires, [
    { id: "other", reverse: false, negated: true },
    { id: "other", reverse: true, negated: false },
  ]);
  assert.deepEqual(s.actions, [{ kind: "enable", analyzer: "http" }]);
  assert.equal(s.active, false);
});

test("header and address tests keep their file order across the two lists (Zeek's rule tree is built in it)", () => {
  const s = one("signature o {\n  dst-ip == 10.0.0.0/8\n  ip-proto == tcp\n  ip-proto == ip\n  src-ip != 10.1.0.0/16\n  header tcp[13:1] & 2 != 0\n}\n");
  assert.deepEqual(s.testOrder, ["address", "header", "address", "header"]);
});

test("script identifiers as values are kept by name and line, for the engine to resolve (Engine.signatureConstant)", () => {
  const s = one("signature i {\n  ip-proto == udp_proto_number\n  dst-ip == 10.0.0.0/8, mynets\n  dst-port == 53, dns_ports\n}\n");
  assert.deepEqual(
    s.headerTests.map((t) => [t.base, t.values.length, t.names]),
    [
      ["proto", 0, [{ name: "udp_proto_number", line: 2 }]],
      ["tcp", 1, [{ name: "dns_ports", line: 4 }]],
    ],
  );
  assert.deepEqual(s.addressTests[0]!.names, [{ name: "mynets", line: 3 }]);
  assert.deepEqual(s.testOrder, ["header", "address", "header"]);
});

test("several signatures in a file, in order", () => {
  const sigs = parseSignatures('signature a { event "1" }\nsignature b-2 { event "2" }\n', "t.sig");
  assert.deepEqual(
    sigs.map((s) => [s.id, s.line]),
    [
      ["a", 1],
      ["b-2", 2],
    ],
  );
});

test("malformed files: one error naming the file and line", () => {
  const cases: [string, number, RegExp][] = [
    ["signature x {\n  dst-port == \n}", 3, /expected int/],
    ["signature x {\n  payload /abc\n}", 2, /unterminated pattern/],
    ['signature x {\n  event "m"\n', 3, /not closed/],
    ["signature x {\n  src-ip == 300.1.1.1\n}", 2, /bad IPv4 address/],
    ["signature x {\n  header tcp[0:3] == 1\n}", 2, /size must be 1, 2 or 4/],
    ["signature x {\n  foo-bar 1\n}", 2, /unknown signature condition or action 'foo-bar'/],
    ["signature x {\n  tcp-state sideways\n}", 2, /unknown state 'sideways'/],
    ["sig x {}", 1, /expected signature/],
    ["signature x {\n  dst-port == 1 ~\n}", 2, /unrecognized character/],
  ];
  for (const [text, line, message] of cases) {
    const err = refusal(text);
    assert.equal(err.file, "bad.sig");
    assert.equal(err.line, line, `${JSON.stringify(text)}: ${err.message}`);
    assert.match(err.message, /^Error in signature \(bad\.sig:\d+\): /);
    assert.match(err.detail, message);
  }
});

test("what bronze does not implement is refused by name", () => {
  const cases: [string, RegExp][] = [
    ['disable "http"', /'disable' actions are not supported/],
    ["payload-size < max_size", /script identifiers as values are not supported \('max_size'\)/],
    ["dst-port == 1-last_port", /script identifiers as values are not supported \('last_port'\)/],
    ["payload[0:10] /x/", /pattern ranges/],
    ["udp-state established", /'established' is not a valid 'udp-state'/],
  ];
  for (const [attr, message] of cases) assert.match(refusal(`signature x {\n  ${attr}\n}\n`).detail, message, attr);
});

test("a mangled signature file is accepted or refused with a SignatureError, never anything else (5,000 mutations)", () => {
  const seedText = `signature a {
  ip-proto == tcp
  dst-port == 80,8080
  src-ip == 10.0.0.0/8, [2001:db8::]/32
  payload /GET \\/[a-z]+/i
  tcp-state originator
  payload-size > 10
  header ip[9:1] & 0xff == 6
  event "a"
}
signature b {
  requires-reverse-signature ! a
  dst-ip != 192.168.1.1
  udp-state responder
  same-ip
  enable "http"
}`;
  const alphabet = ' \n\t{}[]/\\"!=<>,.:-&|*+?()^$0123456789abcdefxyzABCXYZ#';
  let state = 12345;
  const rnd = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const outcomes = { accepted: 0, refused: 0 };
  for (let i = 0; i < 5000; i++) {
    const chars = seedText.split("");
    for (let e = 1 + rnd(6); e > 0; e--) {
      const at = rnd(chars.length + 1);
      const op = rnd(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, alphabet[rnd(alphabet.length)]!);
      else chars.splice(at, rnd(20), ...chars.slice(rnd(chars.length), rnd(chars.length)));
    }
    const text = chars.join("");
    try {
      compileUserSignatures(readSignatures([{ text, file: "f.sig" }]));
      outcomes.accepted++;
    } catch (err) {
      assert.ok(err instanceof SignatureError, `${String(err)} on ${JSON.stringify(text)}`);
      outcomes.refused++;
    }
  }
  assert.ok(outcomes.accepted > 100 && outcomes.refused > 100, JSON.stringify(outcomes));
});
