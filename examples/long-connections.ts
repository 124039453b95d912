// Reports every connection that lasted at least THRESHOLD seconds, when it ends
// (connection_state_remove: the record then holds the final duration and sizes).
// Run: bronze -r trace.pcap examples/long-connections.ts
import type { Connection } from "../src/index.js";

const THRESHOLD = 600;

export function connection_state_remove(c: Connection): void {
  if (c.duration < THRESHOLD) return;
  const { orig_h, orig_p, resp_h, resp_p, transport } = c.id;
  console.log(`${c.uid} ${orig_h}:${orig_p} -> ${resp_h}:${resp_p}/${transport} lasted ${c.duration.toFixed(1)} s, ${c.orig.size}+${c.resp.size} bytes`);
}
