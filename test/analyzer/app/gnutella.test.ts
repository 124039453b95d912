/**
 * The Gnutella analyzer on self-made conversations (registered for
 * 6346/tcp, as Zeek's btests do): the handshake's text messages and
 * establishment, binary messages after it, Gnutella::max_line_length and
 * max_header_length with 'X' in the history, HTTP handed on, and a fuzz run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { concat, fuzzProtocol, type RunOptions, runTcp, type Step } from "./tcp-conv.js";

const GNUTELLA: RunOptions = { sport: 6346, register: "GNUTELLA" };

/** A binary message header: 16-byte id, type, TTL, hops, payload length (little-endian). */
function message(type: number, payload: string): Uint8Array {
  const n = payload.length;
  return concat(new Uint8Array(16).fill(7), [type, 7, 1, n & 0xff, (n >> 8) & 0xff, 0, 0], payload);
}

const HANDSHAKE: Step[] = [
  ["c", "GNUTELLA CONNECT/0.6\r\nUser-Agent: test\r\n\r\n"],
  ["s", "GNUTELLA/0.6 200 OK\r\n\r\n"],
  ["c", concat("GNUTELLA/0.6 200 OK\r\n\r\n", message(0x80, "query"))],
  ["s", message(0x00, "")],
];

test("the handshake: gnutella_text_msg per block, gnutella_establish once both said 200; then binary messages", async () => {
  const r = await runTcp(HANDSHAKE, { ...GNUTELLA, watch: ["gnutella_text_msg", "gnutella_establish", "gnutella_binary_msg", "gnutella_not_establish"] });
  assert.deepEqual(r.events, [
    'gnutella_text_msg c true "\\r\\nGNUTELLA CONNECT/0.6\\r\\nUser-Agent: test"',
    'gnutella_text_msg c false "\\r\\nGNUTELLA/0.6 200 OK"',
    'gnutella_text_msg c true "\\r\\nGNUTELLA/0.6 200 OK"',
    "gnutella_establish c",
    'gnutella_binary_msg c true 128 7 1 5 "query" 5 false true',
    'gnutella_binary_msg c false 0 7 1 0 "" 0 false true',
  ]);
  assert.equal(r.log("conn")[0]![7], "-");
});

test("no 200 from both: gnutella_not_establish at the end; a message header cut short is gnutella_partial_binary_msg", async () => {
  const r = await runTcp([["c", "GNUTELLA CONNECT/0.6\r\n\r\n"]], { ...GNUTELLA, watch: ["gnutella_not_establish"] });
  assert.deepEqual(r.events, ["gnutella_not_establish c"]);
  const cut = await runTcp([...HANDSHAKE.slice(0, 3), ["s", message(0, "").subarray(0, 10)]], {
    ...GNUTELLA,
    watch: ["gnutella_partial_binary_msg", "gnutella_binary_msg"],
  });
  assert.equal(cut.events.at(-1), 'gnutella_partial_binary_msg c false "\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007\\u0007" 10');
});

test("a handshake line reaching Gnutella::max_line_length: exceeded_gnutella_max_line_length (its length), 'X'", async () => {
  const r = await runTcp([["c", `GNUTELLA CONNECT/0.6 ${"x".repeat(200)}\r\n\r\n`]], { ...GNUTELLA, settings: { "Gnutella::max_line_length": 100 } });
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7], w[10]]),
    [["exceeded_gnutella_max_line_length", "100", "GNUTELLA"]],
  );
  assert.match(r.log("conn")[0]![15]!, /X/);
});

test("headers reaching Gnutella::max_header_length: exceeded_gnutella_max_headers_length (with CR LFs), 'X'", async () => {
  const headers = Array.from({ length: 10 }, (_, i) => `H${i}: ${"v".repeat(20)}\r\n`).join("");
  const r = await runTcp([["c", `GNUTELLA CONNECT/0.6\r\n${headers}\r\n`]], { ...GNUTELLA, settings: { "Gnutella::max_header_length": 100 } });
  assert.deepEqual(
    r.log("weird").map((w) => [w[6], w[7], w[10]]),
    [["exceeded_gnutella_max_headers_length", "100", "GNUTELLA"]],
  );
  assert.match(r.log("conn")[0]![15]!, /X/);
});

test("an HTTP request line: gnutella_http_notify, and HTTP reads the connection", async () => {
  const r = await runTcp(
    [
      ["c", "GET /uri-res/N2R?urn:sha1:X HTTP/1.1\r\nHost: a\r\n\r\n"],
      ["s", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ],
    { ...GNUTELLA, watch: ["gnutella_http_notify"] },
  );
  assert.deepEqual(r.events, ["gnutella_http_notify c"]);
  assert.equal(r.log("http")[0]?.[9], "/uri-res/N2R?urn:sha1:X");
});

test("fuzz: mutated Gnutella conversations never throw out of the analyzer", async () => {
  await fuzzProtocol([HANDSHAKE, [["c", "GET / HTTP/1.0\r\n\r\n"]]], 6346, 6346, 3, 30, false, "GNUTELLA");
});
