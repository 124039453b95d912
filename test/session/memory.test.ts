/**
 * Memory per tracked connection: a half-open TCP connection (one SYN, no
 * handlers) must stay within the 600-byte budget (measured 482 B
 * here on Node 20, x64, 2026-12-02: the connection 192 B, one endpoint 120 B
 * (the responder is shared until it answers), the timer tables (sized for
 * 262,144 timers at 150,000) and the table's buckets the rest; 443 B at 1M in
 * bench/synflood.bench.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { settledHeapBytes } from "../../bench/heap.js";
import { Engine } from "../../src/engine.js";
import type { RawPacket } from "../../src/source/raw-packet.js";
import { frame, tcp4 } from "../helpers/packets.js";

test("a half-open TCP connection costs less than 600 bytes of heap", () => {
  const n = 50_000;
  const packets = Array.from({ length: n }, (_, i) =>
    frame(
      tcp4(
        { src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dst: "192.0.2.1" },
        { sport: 1024 + (i % 60000), dport: 80, seq: i * 7919, flags: "S" },
      ),
    ),
  );
  const engine = new Engine({ ignoreChecksums: true });
  const raw: RawPacket = { ts: 0, caplen: 0, wirelen: 0, linktype: 1, data: new Uint8Array(0), offset: 0 };
  const before = settledHeapBytes();
  for (let i = 0; i < n; i++) {
    raw.ts = 1000.5 + i * 1e-5;
    raw.data = packets[i]!;
    raw.caplen = raw.wirelen = raw.data.length;
    engine.processPacket(raw);
  }
  const perConn = (settledHeapBytes() - before) / n;
  assert.equal(engine.sessions.connectionCount, n);
  // Still used after the measurement: otherwise V8 may free the packets in it and count them off.
  assert.equal(packets.length, n);
  assert.ok(perConn < 600, `${perConn.toFixed(0)} bytes per half-open connection`);
});
