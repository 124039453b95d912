/**
 * SIP (src/analyzer/app/sip/): requests and replies paired into sip.log rows,
 * Zeek's buffered flow (lines across datagrams, junk before a request), the
 * script's weirds, detection by signature, and malformed lines.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { udpPacket } from "../../session/harness.js";
import { runUdp } from "./udp-app-helpers.js";

const INVITE = [
  "INVITE sip:bob@example.com SIP/2.0",
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1",
  "From: <sip:alice@example.com>;tag=1",
  "To: <sip:bob@example.com>",
  "Call-ID: c1@10.0.0.1",
  "CSeq: 1 INVITE",
  "User-Agent: test",
  "Content-Length: 4",
  "",
  "body",
].join("\r\n");

const reply = (code: string, length = "0"): string =>
  [
    `SIP/2.0 ${code}`,
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1",
    "From: <sip:alice@example.com>;tag=1",
    "To: <sip:bob@example.com>;tag=2",
    "Content-Type: application/sdp",
    `Content-Length: ${length}`,
    "",
    "",
  ].join("\r\n");

test("sip.log: a provisional and a final reply each write the request's record; conn.log names sip", async () => {
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 5060, "10.0.0.2", 5060, INVITE),
    udpPacket(1.1, "10.0.0.2", 5060, "10.0.0.1", 5060, reply("100 Trying")),
    udpPacket(1.2, "10.0.0.2", 5060, "10.0.0.1", 5060, reply("200 OK")),
  ]);
  const rows = run.rows("sip");
  assert.deepEqual(
    rows.map((r) => [
      r.trans_depth,
      r.method,
      r.uri,
      r.request_from,
      r.response_to,
      r.call_id,
      r.seq,
      r.request_path,
      r.user_agent,
      r.status_code,
      r.status_msg,
      r.request_body_len,
      r.response_body_len,
      r.content_type,
    ]),
    [
      [
        "0",
        "INVITE",
        "sip:bob@example.com",
        "<sip:alice@example.com>",
        "<sip:bob@example.com>;tag=2",
        "c1@10.0.0.1",
        "1 INVITE",
        "SIP/2.0/UDP 10.0.0.1:5060",
        "test",
        "100",
        "Trying",
        "4",
        "0",
        "application/sdp",
      ],
      [
        "0",
        "INVITE",
        "sip:bob@example.com",
        "<sip:alice@example.com>",
        "<sip:bob@example.com>;tag=2",
        "c1@10.0.0.1",
        "1 INVITE",
        "SIP/2.0/UDP 10.0.0.1:5060",
        "test",
        "200",
        "OK",
        "4",
        "0",
        "application/sdp",
      ],
    ],
  );
  assert.deepEqual(run.services, ["sip"]);
});

test("SIP: a request split over datagrams is read as one; bytes before the method are a weird; a request never answered is logged at removal", async () => {
  const run = await runUdp(
    [
      udpPacket(1, "10.0.0.1", 31000, "10.0.0.2", 5060, Uint8Array.from([0, 0])),
      udpPacket(2, "10.0.0.1", 31000, "10.0.0.2", 5060, "REGISTER sip:x SIP/2.0\r\nCSeq: 1 REG"),
      udpPacket(3, "10.0.0.1", 31000, "10.0.0.2", 5060, "ISTER\r\nContent-Length: 0\r\n\r\n"),
    ],
    ["weird"],
  );
  const rows = run.rows("sip");
  assert.deepEqual(
    rows.map((r) => [r.method, r.seq, r.status_code]),
    [["REGISTER", "1 REGISTER", "-"]],
  );
  assert.ok(run.rows("weird").some((w) => w.name === "sip_junk_before_request" && w.addl === "\\\\x00\\\\x00"));
});

test("SIP: the script's weirds for an unknown method and a bad Content-Length", async () => {
  const run = await runUdp([udpPacket(1, "10.0.0.1", 5060, "10.0.0.2", 5060, "FROB sip:x SIP/2.0\r\nContent-Length: bad\r\n\r\n")]);
  assert.deepEqual(
    run.rows("weird").map((w) => [w.name, w.addl]),
    [
      ["unknown_SIP_method", "FROB"],
      ["invalid_SIP_request_body_len", "bad"],
    ],
  );
});

test("SIP::max_request_path_length and max_response_path_length: Via headers past the bound are a weird each and stay out of the path; 0 is no bound", async () => {
  const vias = (n: number): string => Array.from({ length: n }, (_, i) => `Via: SIP/2.0/UDP 10.0.0.${i + 1}:5060;branch=z9hG4bK${i}`).join("\r\n");
  const request = `OPTIONS sip:x SIP/2.0\r\n${vias(4)}\r\nContent-Length: 0\r\n\r\n`;
  const response = `SIP/2.0 200 OK\r\n${vias(3)}\r\nContent-Length: 0\r\n\r\n`;
  const packets = [udpPacket(1, "10.0.0.1", 5060, "10.0.0.2", 5060, request), udpPacket(1.1, "10.0.0.2", 5060, "10.0.0.1", 5060, response)];
  const bounded = await runUdp(packets, [], undefined, [], ["SIP::max_request_path_length=2", "SIP::max_response_path_length=1"]);
  const paths = (run: typeof bounded) => run.rows("sip").map((r) => [r.request_path!.split(",").length, r.response_path!.split(",").length]);
  assert.deepEqual(paths(bounded), [[2, 1]]);
  assert.deepEqual(
    bounded.rows("weird").map((w) => w.name),
    ["sip_max_request_path_length_exceeded", "sip_max_response_path_length_exceeded"],
  );
  const unbounded = await runUdp(packets, [], undefined, [], ["SIP::max_request_path_length=0", "SIP::max_response_path_length=0"]);
  assert.deepEqual(paths(unbounded), [[4, 3]]);
  assert.deepEqual(unbounded.rows("weird"), []);
});

test("SIP is found by its signatures off port 5060; a header line without a colon is a violation", async () => {
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 7000, "10.0.0.2", 7001, "OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n"),
    udpPacket(1.1, "10.0.0.2", 7001, "10.0.0.1", 7000, reply("200 OK")),
    udpPacket(2, "10.0.0.3", 5060, "10.0.0.2", 5060, "OPTIONS sip:x SIP/2.0\r\nno colon here\r\n\r\n"),
  ]);
  assert.deepEqual(run.services, ["sip", "-"]);
  assert.deepEqual(run.violations, ["SIP: Binpac exception: binpac exception: string mismatch at SIP_Header"]);
});

test("sip_all_headers: each message's headers at their end, before sip_end_entity, in Zeek's shifted mime_header_rec (original_name = NAME, name = value)", async () => {
  const run = await runUdp(
    [udpPacket(1, "10.0.0.1", 5060, "10.0.0.2", 5060, INVITE), udpPacket(1.1, "10.0.0.2", 5060, "10.0.0.1", 5060, reply("200 OK"))],
    ["sip_header", "sip_all_headers", "sip_end_entity"],
  );
  const names = run.events.map((e) => e.name);
  assert.deepEqual(names.slice(7, 9), ["sip_all_headers", "sip_end_entity"]);
  const all = run.events.filter((e) => e.name === "sip_all_headers");
  assert.deepEqual(
    all.map((e) => e.args[1]),
    [true, false],
  );
  assert.deepEqual((all[0]!.args[2] as unknown[]).slice(0, 2), [
    { original_name: "VIA", name: "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1" },
    { original_name: "FROM", name: "<sip:alice@example.com>;tag=1" },
  ]);
  assert.equal((all[0]!.args[2] as unknown[]).length, 7);
  assert.equal((all[1]!.args[2] as unknown[]).length, 5);
});
