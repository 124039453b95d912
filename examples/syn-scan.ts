// Reports hosts that look like SYN scanners: connection attempts to at least
// THRESHOLD distinct host:port targets that were never answered (connection_attempt)
// or were refused with a RST (connection_rejected).
// Run: bronze -r trace.pcap examples/syn-scan.ts
import type { Connection, Engine } from "../src/index.js";

const THRESHOLD = 10;

interface Scanner {
  targets: Set<string>;
  hosts: Set<string>;
  unanswered: number;
  rejected: number;
}

export default function synScan(engine: Engine): void {
  const scanners = new Map<string, Scanner>();
  const failed =
    (kind: "unanswered" | "rejected") =>
    (c: Connection): void => {
      let s = scanners.get(c.id.orig_h);
      if (s === undefined) {
        s = { targets: new Set(), hosts: new Set(), unanswered: 0, rejected: 0 };
        scanners.set(c.id.orig_h, s);
      }
      s.targets.add(`${c.id.resp_h}:${c.id.resp_p}`);
      s.hosts.add(c.id.resp_h);
      s[kind]++;
    };
  engine.on("connection_attempt", failed("unanswered"));
  engine.on("connection_rejected", failed("rejected"));
  engine.on("zeek_done", () => {
    const found = [...scanners].filter(([, s]) => s.targets.size >= THRESHOLD);
    found.sort((a, b) => b[1].targets.size - a[1].targets.size || a[0].localeCompare(b[0]));
    for (const [host, s] of found) {
      console.log(`${host} scanned ${s.targets.size} ports on ${s.hosts.size} hosts (${s.unanswered} unanswered, ${s.rejected} rejected)`);
    }
  });
}
