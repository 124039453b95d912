/**
 * When Zeek draws a connection's uid: when its record is first built
 * (Connection::GetVal). With the conn script (loaded by default) a
 * new_connection handler builds every record at creation, so uids follow
 * creation order. With -b and no such script, a record is built at the
 * connection's first event that has a handler, or at its first weird (Zeek
 * makes the record of every weird let through, handled or not): a connection
 * with neither until its removal draws its uid last.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { frame, memorySource, tcp4, udp4 } from "../helpers/packets.js";
import { ZEEK_SEED } from "./harness.js";

/** Zeek's first three uids with the btest seed. */
const FIRST = "CHhAvVGS1DHFjwGM9";
const SECOND = "ClEkJM2Vm5giqnMf4h";
const THIRD = "C4J4Th3PJpwUYZZ6gc";

/** A DNS query for a.b (type A) from port `sport`. */
function dnsQuery(t: number, sport: number) {
  const q = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 1, 0x62, 0, 0, 1, 0, 1];
  return { ts: t, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport, dport: 53, payload: q })) };
}

/** First a UDP flow no analyzer takes, then a TCP segment with a bad header length (a weird), then a DNS query. */
const PACKETS = [
  { ts: 1, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 5000, dport: 7777, payload: "x" })) },
  { ts: 2, bytes: frame(tcp4({ src: "10.0.0.1", dst: "10.0.0.3" }, { sport: 5002, dport: 9999, flags: "S", dataOffsetOverride: 4 })) },
  dnsQuery(3, 5001),
];

/** Each connection's uid by its responder port. */
async function uidsByPort(bare: boolean): Promise<Map<number, string>> {
  const engine = new Engine({ seed: ZEEK_SEED, bare, loads: bare ? ["base/protocols/dns"] : [] });
  const uids = new Map<number, string>();
  // A handler for the DNS script's event and for removal, as Zeek's dns script has.
  engine.on("dns_request", () => {});
  engine.on("connection_state_remove", (c: Connection) => void uids.set(c.id.resp_p, c.uid));
  await engine.run(memorySource(PACKETS));
  return uids;
}

test("with the conn script, uids follow creation order", async () => {
  const uids = await uidsByPort(false);
  assert.deepEqual([uids.get(7777), uids.get(9999), uids.get(53)], [FIRST, SECOND, THIRD]);
});

test("-b without it: a weird draws the uid at once, the DNS query at its event, the quiet flow at its removal", async () => {
  const uids = await uidsByPort(true);
  assert.deepEqual([uids.get(9999), uids.get(53), uids.get(7777)], [FIRST, SECOND, THIRD]);
});

test("a bare run that names no script stands for zeek -b base/protocols/conn: uids in creation order", async () => {
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads: [] });
  const uids = new Map<number, string>();
  engine.on("connection_state_remove", (c: Connection) => void uids.set(c.id.resp_p, c.uid));
  await engine.run(memorySource(PACKETS));
  assert.deepEqual([uids.get(7777), uids.get(9999), uids.get(53)], [FIRST, SECOND, THIRD]);
});
