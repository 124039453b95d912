/**
 * Stream reassembly with a consumer: the engine on the trace with content
 * delivery on for every connection (tcp_content_deliver_all_orig/resp) and a
 * tcp_contents handler, as a script that looks at payload would run it.
 * Reports packets/s and MB/s of delivered payload.
 */
import { Engine } from "../src/engine.js";
import { openTrace } from "../src/source/open.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "contents";

export async function run(tracePath: string): Promise<BenchResult> {
  const start = performance.now();
  const engine = new Engine({ settings: { tcp_content_deliver_all_orig: true, tcp_content_deliver_all_resp: true } });
  let bytes = 0;
  let deliveries = 0;
  let checksum = 0;
  engine.on("tcp_contents", (_c, _isOrig, _seq, contents) => {
    bytes += contents.length;
    deliveries++;
    // Touch the data, as a consumer would (and so the work cannot be skipped).
    if (contents.length > 0) checksum = (checksum + contents[0]! + contents[contents.length - 1]!) | 0;
  });
  const summary = await engine.run(await openTrace(tracePath));
  const seconds = since(start);
  if (summary.truncated) throw new Error(summary.truncated);
  return {
    packets: summary.packets,
    seconds,
    extra: { deliveries, "payload MB": +(bytes / 1e6).toFixed(1), "payload MB/s": +(bytes / 1e6 / seconds).toFixed(1), checksum },
  };
}
