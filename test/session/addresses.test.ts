/**
 * Connections keep their IPv4 addresses as one word each and the upper 96
 * bits only when an address is not IPv4 (v4-mapped). Lookups both ways, role
 * flips and the record's addresses must not depend on which form is kept,
 * and addresses that differ only in their upper words are different
 * connections.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { frame, type TestPacket, tcp4, tcp6 } from "../helpers/packets.js";
import { run } from "./harness.js";

function seg(t: number, src: string, dst: string, sport: number, dport: number, flags: string, seq: number, ack = 0): TestPacket {
  const ip = { src, dst };
  const s = { sport, dport, flags, seq, ack };
  return { ts: t, bytes: frame(src.includes(":") ? tcp6(ip, s) : tcp4(ip, s)) };
}

/** A handshake from a:40000 to b:80 at t. */
function handshake(t: number, a: string, b: string): TestPacket[] {
  return [seg(t, a, b, 40000, 80, "S", 1000), seg(t + 0.01, b, a, 80, 40000, "SA", 5000, 1001), seg(t + 0.02, a, b, 40000, 80, "A", 1001, 5001)];
}

test("IPv6 and IPv4 handshakes are one connection each, found both ways", async () => {
  const r = await run([...handshake(10, "2001:db8::1", "2001:db8:0:1::2"), ...handshake(11, "10.0.0.1", "192.0.2.10")]);
  assert.deepEqual(r.removed.map((c) => [c.orig, c.resp, c.history]).sort(), [
    ["10.0.0.1:40000", "192.0.2.10:80", "ShA"],
    ["2001:db8::1:40000", "2001:db8:0:1::2:80", "ShA"],
  ]);
});

test("addresses equal in their low word only are different connections", async () => {
  // Same low 32 bits and ports: 10.0.0.5 / ::10.0.0.5 / 2001:db8::a00:5, all to the same low word.
  const r = await run([
    seg(10, "10.0.0.5", "10.0.0.9", 40000, 80, "S", 1000),
    seg(10.1, "::a00:5", "::a00:9", 40000, 80, "S", 2000),
    seg(10.2, "2001:db8::a00:5", "::a00:9", 40000, 80, "S", 3000),
    seg(10.3, "::a00:9", "2001:db8::a00:5", 80, 40000, "SA", 7000, 3001),
  ]);
  assert.deepEqual(r.removed.map((c) => [c.orig, c.resp, c.history]).sort(), [
    ["10.0.0.5:40000", "10.0.0.9:80", "S"],
    ["2001:db8::a00:5:40000", "::10.0.0.9:80", "Sh"],
    ["::10.0.0.5:40000", "::10.0.0.9:80", "S"],
  ]);
});

test("a flip swaps the upper words with the rest (SYN-ACK first, IPv6)", async () => {
  const client = "2001:db8:1::1";
  const server = "2001:db8:2::2";
  const r = await run([seg(10, server, client, 80, 40000, "SA", 5000, 1001), seg(10.01, client, server, 40000, 80, "A", 1001, 5001)]);
  assert.deepEqual(
    r.removed.map((c) => [c.orig, c.resp, c.history, c.origPkts, c.respPkts]),
    [[`${client}:40000`, `${server}:80`, "^hA", 1, 1]],
  );
});
