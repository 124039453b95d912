/**
 * The SYN flood as a trace, for measuring it through the CLI as a user would
 * meet it: bench/out/synflood.pcap holds N SYNs (default 1,000,000) from
 * distinct sources within one second (so every connection is half-open and
 * alive at once: tcp_attempt_delay is 5 s), made as synflood.bench.ts makes
 * them (valid checksums). `npm run bench` runs `bronze -r` on it and on a
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

/** Writes `n` flood SYNs to `out`; with `n` = 1 a one-packet baseline trace. */
export function writeFlood(out: string, n: number): void {
  const frame = synTemplate([]);
  const writer = new PcapWriter(out, { linktype: 1, bufferBytes: 4 << 20 });
  for (let i = 0; i < n; i++) {
    makeSyn(frame, i);
    const us = Math.floor((i / n) * 1e6);
    writer.writeRecord(START_TS, us, frame, 0, frame.length, frame.length);
  }
  writer.close();
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const out = process.argv[2] ?? "bench/out/synflood.pcap";
  const n = Number(process.argv[3] ?? DEFAULT_FLOOD);
  writeFlood(out, n);
  process.stderr.write(`wrote ${out}: ${n} SYNs\n`);
}
