/** The source alone: open the trace and visit every packet (reads one byte so nothing is skipped). */
import { openTrace } from "../src/source/open.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "read";

export async function run(tracePath: string): Promise<BenchResult> {
  const start = performance.now();
  const source = await openTrace(tracePath);
  let bytes = 0;
  let touch = 0;
  const summary = await source.run((p) => {
    bytes += p.caplen;
    touch ^= p.data[p.offset];
  });
  const seconds = since(start);
  if (summary.truncated) throw new Error(summary.truncated);
  return { packets: summary.packets, seconds, extra: { "MB/s": Math.round(bytes / seconds / 1e6), touch } };
}
