/**
 * The cost model of the event layer (architecture.md "Events"): the engine asks
 * `wants` before building an event, so an event nobody handles is never queued
 * (no argument list, no record refresh, no payload copy), and a handler on one
 * event brings only that event.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { EventName } from "../../src/event/events.js";
import { frame, icmp4, memorySource, type TestPacket } from "../helpers/packets.js";
import { handshake, type Seg, tcpTrace, udpPacket, ZEEK_SEED } from "../session/harness.js";

/** A bit of everything: TCP with options, data, a retransmission and a close; UDP; ICMP; a weird. */
function mixedTrace(): TestPacket[] {
  const segs: Seg[] = [
    { t: 0, from: "c", flags: "S", seq: 1000, options: [2, 4, 5, 180] },
    ...handshake(0).slice(1),
    { t: 0.1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" },
    { t: 0.2, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "hello" },
    { t: 0.3, from: "s", flags: "FA", seq: 5001, ack: 1006 },
    { t: 0.4, from: "c", flags: "FA", seq: 1006, ack: 5002 },
    { t: 0.5, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "x", checksum: "bad" },
  ];
  return [
    ...tcpTrace(segs),
    ...tcpTrace([{ t: 0.6, from: "c", flags: "S", seq: 1 }], { cport: 40001 }),
    udpPacket(0.7, "10.0.0.1", 5000, "10.0.0.2", 6000, "u"),
    { ts: 0.8, bytes: frame(icmp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { type: 8, payload: "p" })) },
    udpPacket(100, "10.0.0.1", 5001, "10.0.0.2", 6000, "late"),
  ];
}

/** Runs the mixed trace counting every queue() call by event name. */
async function queuedNames(setup: (e: Engine) => void): Promise<Map<string, number>> {
  // bare: without base/protocols/conn the engine registers no handler of its own.
  const engine = new Engine({ seed: ZEEK_SEED, bare: true });
  const counts = new Map<string, number>();
  const queue = engine.bus.queue.bind(engine.bus);
  engine.bus.queue = ((name: EventName, ...args: never[]) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    (queue as (n: EventName, ...a: never[]) => void)(name, ...args);
  }) as typeof engine.bus.queue;
  setup(engine);
  await engine.run(memorySource(mixedTrace()));
  return counts;
}

const LIFE_CYCLE = ["zeek_init", "net_done", "zeek_done"];

test("with no handler at all, no connection or packet event is ever queued", async () => {
  const counts = await queuedNames(() => {});
  const queued = [...counts.keys()].filter((n) => !LIFE_CYCLE.includes(n));
  assert.deepEqual(queued, []);
});

test("a handler on connection_established brings only that event (once per established connection)", async () => {
  let seen = 0;
  const counts = await queuedNames((e) => e.on("connection_established", () => void seen++));
  const queued = [...counts.keys()].filter((n) => !LIFE_CYCLE.includes(n));
  assert.deepEqual(queued, ["connection_established"]);
  assert.equal(counts.get("connection_established"), 1);
  assert.equal(seen, 1);
});

test("a handler on tcp_packet brings one event per processed TCP packet and nothing else", async () => {
  const counts = await queuedNames((e) => e.on("tcp_packet", () => {}));
  const queued = [...counts.keys()].filter((n) => !LIFE_CYCLE.includes(n));
  assert.deepEqual(queued, ["tcp_packet"]);
  assert.equal(counts.get("tcp_packet"), 8, "8 TCP packets with good checksums");
});

test("after off, the event is no longer queued", async () => {
  const handler = (): void => {};
  const counts = await queuedNames((e) => {
    e.on("new_connection", handler);
    e.bus.off("new_connection", handler);
  });
  assert.equal(counts.get("new_connection"), undefined);
});
