/**
 * HTTP and files on: the whole engine with the default analyzers and scripts
 * (http.log, files.log, conn.log, weird.log to bench/out/logs), reporting the
 * HTTP payload parsed (request and reply bytes: header lines and bodies as
 * http_message_done counts them) per second beside packets per second.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import { openTrace } from "../src/source/open.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "http+files";

export async function run(tracePath: string): Promise<BenchResult> {
  const logdir = join("bench", "out", "logs");
  mkdirSync(logdir, { recursive: true });
  const start = performance.now();
  const engine = new Engine({});
  loadBuiltinScripts(engine, { logdir });
  let httpBytes = 0;
  let messages = 0;
  engine.on("http_message_done", (_c, _isOrig, stat) => {
    httpBytes += stat.header_length + stat.body_length;
    messages++;
  });
  const summary = await engine.run(await openTrace(tracePath));
  const seconds = since(start);
  if (summary.truncated) throw new Error(summary.truncated);
  return { packets: summary.packets, seconds, extra: { messages, httpMB: +(httpBytes / 1e6).toFixed(3), httpMBps: +(httpBytes / 1e6 / seconds).toFixed(2) } };
}
