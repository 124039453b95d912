/**
 * The SYN flood as a trace, for measuring it through the CLI as a user would
 * meet it: bench/out/synflood.pcap holds N SYNs (default 1,000,000) from
 * distinct sources within one second (so every connection is half-open and
 * alive at once: tcp_attempt_delay is 5 s), made as synflood.bench.ts makes
 * them (valid checksums), then later traffic that lets them time out. `npm run bench` runs `bronze -r` on it and on a
 * one-packet trace; peak RSS of the first minus that of the second, divided
 * by N, is what each half-open connection costs the machine.
 *
 *   node dist/bench/flood.js [out.pcap] [count]
 */
import { pathToFileURL } from "node:url";
import { PcapWriter } from "../src/record/pcap-writer.js";
import { makeSyn, synTemplate } from "./synflood.bench.js";

const START_TS = 1_700_000_000;
export const DEFAULT_FLOOD = 1_000_000;

/**
 * Zeek (and bronze) expire at most max_timer_expires (300) timers per packet,
 * so after the flood one more host keeps retransmitting its SYN, from 11 s on
 * (past tcp_attempt_delay), long enough for every flood connection's attempt
 * timer to fire: the connections leave with their conn.log lines while
 * traffic goes on, as on a link, rather than all at once at the end of input.
 */
function drainPackets(n: number): number {
  return n <= 1 ? 0 : Math.ceil(n / 200) + 10;
}

/** Writes `n` flood SYNs to `out`, then the later traffic; with `n` = 1 a one-packet baseline trace. */
export function writeFlood(out: string, n: number): void {
  const frame = synTemplate([]);
  const writer = new PcapWriter(out, { linktype: 1, bufferBytes: 4 << 20 });
  for (let i = 0; i < n; i++) {
    makeSyn(frame, i);
    const us = Math.floor((i / n) * 1e6);
    writer.writeRecord(START_TS, us, frame, 0, frame.length, frame.length);
  }
  makeSyn(frame, n);
  for (let i = 0, drain = drainPackets(n); i < drain; i++) writer.writeRecord(START_TS + 11, i, frame, 0, frame.length, frame.length);
  writer.close();
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const out = process.argv[2] ?? "bench/out/synflood.pcap";
  const n = Number(process.argv[3] ?? DEFAULT_FLOOD);
  writeFlood(out, n);
  process.stderr.write(`wrote ${out}: ${n} SYNs\n`);
}
