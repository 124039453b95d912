/**
 * NTP (src/analyzer/app/ntp/): the standard header with its times, MACs and
 * extension fields, modes 6 and 7 and their logs, Zeek's carried-over rows,
 * the role flip, and malformed messages as violations.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseNtp } from "../../../src/analyzer/app/ntp/ntp.js";
import { udpPacket } from "../../session/harness.js";
import { ascii, be16, be32, ip4, runUdp } from "./udp-app-helpers.js";

/** NTP seconds for Unix time 1700000000. */
const NTP_1700000000 = 1700000000 + 2208988800;

function std(mode: number, stratum: number, refId: number[], extra: number[] = []): Uint8Array {
  return Uint8Array.from([
    (0 << 6) | (4 << 3) | mode,
    stratum,
    6,
    0xec,
    ...be16(0),
    ...be16(0x8000),
    ...be16(1),
    ...be16(0),
    ...refId,
    ...be32(NTP_1700000000),
    ...be32(0x80000000),
    ...new Array<number>(8).fill(0),
    ...new Array<number>(8).fill(0),
    ...be32(NTP_1700000000 + 1),
    ...be32(0x40000000),
    ...extra,
  ]);
}

test("ntp.log: client and server rows, times and intervals as Zeek computes them (a signed 16-bit fraction included)", async () => {
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 40000, "10.0.0.2", 123, std(3, 0, ascii("INIT"))),
    udpPacket(2, "10.0.0.2", 123, "10.0.0.1", 40000, std(4, 2, ip4("192.0.2.1"))),
  ]);
  const rows = run.rows("ntp");
  assert.deepEqual(
    rows.map((r) => [r.mode, r.stratum, r.poll, r.precision, r.root_delay, r.root_disp, r.ref_id, r.ref_time, r.org_time, r.xmt_time, r.num_exts]),
    [
      ["3", "0", "64.000000", "0.000001", "-0.500000", "1.000000", "INIT", "1700000000.500000", "0.000000", "1700000001.250000", "0"],
      ["4", "2", "64.000000", "0.000001", "-0.500000", "1.000000", "192.0.2.1", "1700000000.500000", "0.000000", "1700000001.250000", "0"],
    ],
  );
  assert.deepEqual(run.services, ["ntp"]);
});

test("NTP: a server message from the originator turns the flow around", async () => {
  const run = await runUdp([udpPacket(1, "10.0.0.2", 123, "10.0.0.1", 123, std(4, 1, ascii("GPS\0")))]);
  const r = run.rows("ntp")[0]!;
  assert.deepEqual([r["id.orig_h"], r["id.resp_h"], r.ref_id], ["10.0.0.1", "10.0.0.2", "GPS\\x00"]);
});

test("NTP: MACs of 20 and 24 bytes, extension fields counted, an extension field that breaks Zeek's checks is a violation", () => {
  assert.equal(parseNtp(std(3, 2, ip4("1.2.3.4"), [...be32(7), ...new Array<number>(16).fill(9)])).std_msg!.key_id, 7);
  assert.equal(parseNtp(std(3, 2, ip4("1.2.3.4"), [...be32(8), ...new Array<number>(20).fill(9)])).std_msg!.digest!.length, 20);
  const ext = [0, 2, ...be16(30), ...be16(0), ...be32(0), ...be32(0), ...be32(4), 1, 2, 3, 4, ...be32(0), 0, 0, 0, 0];
  const m = parseNtp(std(3, 2, ip4("1.2.3.4"), [...ext, ...be32(5), ...new Array<number>(16).fill(1)]));
  assert.deepEqual([m.std_msg!.num_exts, m.std_msg!.key_id], [1, 5]);
  const bad = [0, 2, ...be16(28), ...be16(0), ...be32(0), ...be32(0), ...be32(100), ...new Array<number>(10).fill(0)];
  assert.throws(() => parseNtp(std(3, 2, ip4("1.2.3.4"), bad)), /&enforce violation : Extension_Field:value_len/);
});

test("ntp_control.log and ntp_private.log; a connection's earlier standard row is written again with a later message", async () => {
  const control = Uint8Array.from([(2 << 3) | 6, 0x82, ...be16(3), ...be16(0x0615), ...be16(0), ...be16(0), ...be16(4), ...ascii("abcd")]);
  const priv = Uint8Array.from([(2 << 3) | 7, 0x05, 3, 42, ...be16(0x1002), 0xaa, 0xbb]);
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 40000, "10.0.0.2", 123, std(3, 0, ascii("INIT"))),
    udpPacket(2, "10.0.0.1", 40000, "10.0.0.2", 123, control),
    udpPacket(3, "10.0.0.1", 40000, "10.0.0.2", 123, priv),
  ]);
  assert.equal(run.rows("ntp").length, 3);
  const c = run.rows("ntp_control");
  assert.deepEqual(
    c.map((r) => [r.op_code, r.resp_bit, r.sequence, r.status, r.data]),
    [
      ["2", "T", "3", "1557", "abcd"],
      ["2", "T", "3", "1557", "abcd"],
    ],
  );
  const p = run.rows("ntp_private")[0]!;
  assert.deepEqual([p.req_code, p.sequence, p.implementation, p.auth_bit, p.err, p.data], ["42", "5", "3", "F", "1", "\\xaa\\xbb"]);
});

test("NTP malformations: truncated standard, control and private messages are violations; nothing is logged for them", async () => {
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 40000, "10.0.0.2", 123, std(3, 2, ip4("1.2.3.4")).subarray(0, 30)),
    udpPacket(2, "10.0.0.1", 40001, "10.0.0.2", 123, Uint8Array.from([(2 << 3) | 6, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 50, 1])),
    udpPacket(3, "10.0.0.1", 40002, "10.0.0.2", 123, Uint8Array.from([(2 << 3) | 7, 0x80, 3, 42, 0, 0])),
  ]);
  assert.equal(run.violations.length, 3);
  assert.ok(run.violations.every((v) => v.startsWith("NTP: Binpac exception: binpac exception: out_of_bound: ")));
  assert.equal(run.text("ntp"), "");
  assert.deepEqual(run.confirmations, []);
});

test("NTP: the flow turns around exactly when Zeek's grammar parses the message (2 trailing bytes do; a truncated header does not)", async () => {
  // Symmetric ports (123 both ways), so only the NTP analyzer's rule can turn the flow around.
  const parsed = await runUdp([udpPacket(1, "10.0.0.2", 123, "10.0.0.1", 123, Uint8Array.from([...std(4, 2, ip4("1.2.3.4")), 0, 0]))]);
  const c1 = parsed.rows("conn")[0]!;
  assert.deepEqual([c1["id.orig_h"], c1.history], ["10.0.0.1", "D^"]);
  const truncated = await runUdp([udpPacket(1, "10.0.0.2", 123, "10.0.0.1", 123, std(4, 2, ip4("1.2.3.4")).subarray(0, 40))]);
  const c2 = truncated.rows("conn")[0]!;
  assert.deepEqual([c2["id.orig_h"], c2.history], ["10.0.0.2", "D"]);
});
