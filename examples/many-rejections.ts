// Reports hosts whose connection attempts were rejected (answered with a RST) at least THRESHOLD times.
// Run: bronze -r trace.pcap examples/many-rejections.ts
import type { Engine } from "../src/index.js";

const THRESHOLD = 3;

export default function manyRejections(engine: Engine): void {
  const rejected = new Map<string, number>();
  engine.on("connection_rejected", (c) => rejected.set(c.id.orig_h, (rejected.get(c.id.orig_h) ?? 0) + 1));
  engine.on("zeek_done", () => {
    const noisy = [...rejected].filter(([, n]) => n >= THRESHOLD).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    for (const [host, n] of noisy) console.log(`${host} had ${n} rejected connections`);
  });
}
