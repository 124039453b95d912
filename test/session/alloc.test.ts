/**
 * The per-packet path allocates nothing when nobody listens to per-packet
 * events: an established TCP connection's ACKs and a UDP flow's datagrams,
 * fed 1.5 million times, must not make the young generation fill up (a
 * single 16-byte allocation per packet would cost more than one scavenge).
 */
import assert from "node:assert/strict";
import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";
import { test } from "node:test";
import { DOUBLE_ZERO } from "../../src/doubles.js";
import { Engine } from "../../src/engine.js";
import type { RawPacket } from "../../src/source/raw-packet.js";
import { frame, tcp4, udp4 } from "../helpers/packets.js";

/** A gc entry's kind (Node 20 puts it in `detail`). */
function gcKind(e: PerformanceEntry): number | undefined {
  const entry = e as unknown as { detail?: { kind?: number } | null; kind?: number };
  return entry.detail?.kind ?? entry.kind;
}

test("no garbage per packet on established TCP and UDP flows", async () => {
  const a = "10.0.0.1";
  // Addresses below 2^31: the Packet struct boxes higher address words (IP layer, not this test's subject).
  const b = "10.0.0.2";
  const packets = [
    frame(tcp4({ src: a, dst: b }, { sport: 1000, dport: 80, seq: 3000000000, flags: "S" })),
    frame(tcp4({ src: b, dst: a }, { sport: 80, dport: 1000, seq: 4000000000, ack: 3000000001, flags: "SA" })),
    frame(tcp4({ src: a, dst: b }, { sport: 1000, dport: 80, seq: 3000000001, ack: 4000000001, flags: "A" })),
    frame(tcp4({ src: b, dst: a }, { sport: 80, dport: 1000, seq: 4000000001, ack: 3000000001, flags: "A" })),
    frame(udp4({ src: a, dst: b }, { sport: 5000, dport: 6000, payload: "hello" })),
    frame(udp4({ src: b, dst: a }, { sport: 6000, dport: 5000, payload: "hello" })),
  ];
  const engine = new Engine({});
  // ts starts as a double (doubles.ts): the harness's own field is not widened by the first time stored.
  const raw: RawPacket = { ts: DOUBLE_ZERO, caplen: 0, wirelen: 0, linktype: 1, data: new Uint8Array(0), offset: 0 };
  const feed = (i: number, p: Uint8Array): void => {
    raw.ts = 1000.25 + i * 1e-6;
    raw.data = p;
    raw.caplen = raw.wirelen = p.length;
    engine.processPacket(raw);
  };
  for (let i = 0; i < 3; i++) feed(i, packets[i]!);
  for (let i = 0; i < 200_000; i++) feed(3 + i, packets[2 + (i % 4)]!); // warm up the optimiser
  let scavenges = 0;
  // Young-generation collections only (garbage per packet fills the young
  // generation): the warm-up's incremental marking may finish during a round.
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (gcKind(e) === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
  });
  obs.observe({ entryTypes: ["gc"] });
  // Up to five rounds: under CPU contention the optimising compiler may lag
  // behind the first one (unoptimised code boxes numbers); the best round
  // counts. test/run.mjs runs this file alone, after the others.
  let best = Infinity;
  let i = 300_000;
  for (let round = 0; round < 5 && best > 2; round++) {
    await new Promise((r) => setTimeout(r, 20));
    scavenges = 0;
    for (const stop = i + 1_500_000; i < stop; i++) feed(i, packets[2 + (i % 4)]!);
    await new Promise((r) => setTimeout(r, 20));
    best = Math.min(best, scavenges);
  }
  obs.disconnect();
  assert.ok(best <= 2, `${best} garbage collections during 1.5M packets`);
  assert.equal(engine.sessions.connectionCount, 2);
});
