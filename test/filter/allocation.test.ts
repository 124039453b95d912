/**
 * A compiled filter allocates nothing per packet: once V8 has optimised it,
 * millions of evaluations trigger no young-generation garbage collection.
 * (16 bytes per packet over 3 million packets would be 48 MB: several scavenges.)
 */
import assert from "node:assert/strict";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { test } from "node:test";
import { compileFilter } from "../../src/filter/compile.js";
import type { RawPacket } from "../../src/source/raw-packet.js";
import { frame, tcp6, udp4 } from "../helpers/packets.js";

const EXPRESSIONS = [
  "tcp port 80 or udp port 53",
  "host 10.0.0.1 and not port 22",
  "ip6 net fe80::/10 or ip[12:4] > 0x80000000",
  "tcp[tcpflags] & (tcp-syn|tcp-ack) != 0 or len % 7 = 3",
];
const RUNS = 3_000_000;

function packets(): RawPacket[] {
  return [frame(udp4({ src: "10.0.0.1", dst: "192.168.0.9" }, { dport: 53 })), frame(tcp6({ src: "fe80::1", dst: "2001:db8::2" }, { dport: 443 }))].map(
    (bytes) => ({ ts: 0, caplen: bytes.length, wirelen: bytes.length, linktype: 1, data: bytes, offset: 0 }),
  );
}

test("evaluating a compiled filter triggers no garbage collection", async () => {
  const [a, b] = packets() as [RawPacket, RawPacket];
  for (const expression of EXPRESSIONS) {
    const filter = compileFilter(expression);
    let selected = 0;
    for (let i = 0; i < 200_000; i++) if (filter(i & 1 ? a : b)) selected++; // warm-up: let V8 optimise
    const minorGcs: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minorGcs.push(entry.duration);
      }
    });
    observer.observe({ entryTypes: ["gc"] });
    for (let i = 0; i < RUNS; i++) if (filter(i & 1 ? a : b)) selected++;
    await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries are delivered asynchronously
    observer.disconnect();
    assert.ok(minorGcs.length <= 1, `${expression}: ${minorGcs.length} scavenges during ${RUNS} evaluations (selected ${selected})`);
  }
});
