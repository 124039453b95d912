/**
 * Syslog and RADIUS (src/analyzer/app/syslog/, radius/): syslog.log's
 * priority decoding (and Zeek's rejections), RADIUS request/answer pairing,
 * the removal hook's "unknown", attributes and malformations.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeMac } from "../../../src/analyzer/app/radius/log.js";
import { parseSyslog } from "../../../src/analyzer/app/syslog/syslog.js";
import { udpPacket } from "../../session/harness.js";
import { ascii, be16, ip4, runUdp } from "./udp-app-helpers.js";

test("syslog.log: facility and severity from the priority; 999 (UNSPECIFIED) without one; never a service", async () => {
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 5000, "10.0.0.2", 514, "<134>Jan  1 00:00:00 host app: hello\n"),
    udpPacket(2, "10.0.0.1", 5000, "10.0.0.2", 514, "no priority"),
    udpPacket(3, "10.0.0.1", 5000, "10.0.0.2", 514, "<1023>x"),
  ]);
  assert.deepEqual(
    run.rows("syslog").map((r) => [r.proto, r.facility, r.severity, r.message]),
    [
      ["udp", "LOCAL0", "INFO", "Jan  1 00:00:00 host app: hello\\x0a"],
      ["udp", "UNSPECIFIED", "UNSPECIFIED", "no priority"],
      ["udp", "?-127", "DEBUG", "x"],
    ],
  );
  assert.deepEqual(run.services, ["-"]);
});

test("Syslog: a priority without digits or without '>' drops the message; huge priorities saturate as strtol does", () => {
  assert.equal(parseSyslog(Uint8Array.from(ascii("<>x"))), null);
  assert.equal(parseSyslog(Uint8Array.from(ascii("<12x"))), null);
  assert.equal(parseSyslog(Uint8Array.from(ascii("<123"))), null);
  assert.equal(parseSyslog(new Uint8Array(0)), null);
  assert.deepEqual(parseSyslog(Uint8Array.from(ascii("<99999999999999999999999>m"))), [127, 7, "m"]);
});

function radius(code: number, id: number, attrs: number[][]): Uint8Array {
  const body = attrs.flat();
  return Uint8Array.from([code, id, ...be16(20 + body.length), ...new Array<number>(16).fill(7), ...body]);
}

const attr = (type: number, value: number[]): number[] => [type, value.length + 2, ...value];

test("radius.log: a request and its accept make one row (user, MAC, framed address from a challenge, ttl)", async () => {
  const run = await runUdp(
    [
      udpPacket(1, "10.0.0.1", 1645, "10.0.0.2", 1812, radius(1, 1, [attr(1, ascii("alice")), attr(31, ascii("00-14-22-E9-54-5E"))])),
      udpPacket(1.25, "10.0.0.2", 1812, "10.0.0.1", 1645, radius(11, 1, [attr(8, ip4("10.9.9.9")), attr(18, ascii("hi"))])),
      udpPacket(1.5, "10.0.0.2", 1812, "10.0.0.1", 1645, radius(2, 1, [])),
    ],
    ["radius_attribute"],
  );
  const rows = run.rows("radius");
  assert.deepEqual(
    rows.map((r) => [r.username, r.mac, r.framed_addr, r.reply_msg, r.result, r.ttl]),
    [["alice", "00:14:22:e9:54:5e", "10.9.9.9", "hi", "success", "0.500000"]],
  );
  assert.equal(run.events.length, 4);
  assert.deepEqual(run.services, ["radius"]);
});

test("radius.log: a request never answered is written as unknown when the connection goes away; a reject is failed", async () => {
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 1645, "10.0.0.2", 1812, radius(1, 1, [attr(1, ascii("bob"))])),
    udpPacket(2, "10.0.0.3", 1645, "10.0.0.2", 1812, radius(1, 1, [attr(1, ascii("eve"))])),
    udpPacket(2.5, "10.0.0.2", 1812, "10.0.0.3", 1645, radius(3, 1, [])),
  ]);
  assert.deepEqual(
    run
      .rows("radius")
      .map((r) => [r.username, r.result])
      .sort(),
    [
      ["bob", "unknown"],
      ["eve", "failed"],
    ],
  );
});

test("RADIUS malformations: a short header, an attribute length under 2 or past the end are violations, nothing logged", async () => {
  const run = await runUdp([
    udpPacket(1, "10.0.0.1", 1645, "10.0.0.2", 1812, Uint8Array.from([1, 1, 0, 20, 1, 2])),
    udpPacket(2, "10.0.0.1", 1646, "10.0.0.2", 1812, radius(1, 1, [[1, 1]])),
    udpPacket(3, "10.0.0.1", 1647, "10.0.0.2", 1812, radius(1, 1, [[1, 40, 65]])),
  ]);
  assert.equal(run.violations.length, 3);
  assert.equal(run.text("radius"), "");
});

test("normalize_mac: 12 or 16 hex digits, anything else empty", () => {
  assert.equal(normalizeMac("00:14:22:E9:54:5E"), "00:14:22:e9:54:5e");
  assert.equal(normalizeMac("0014.22e9.545e.0102"), "00:14:22:e9:54:5e:01:02");
  assert.equal(normalizeMac("xyz"), "");
});
