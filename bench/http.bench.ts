/**
 * HTTP and files on: the whole engine with the default analyzers and scripts
 * (http.log, files.log, conn.log, weird.log kept in memory) over every corpus
 * trace Zeek wrote an http.log for (the trace argument is not used: the mix
 * is mostly not HTTP), a fresh engine per trace. Only the engine's run is
 * timed (setup is not HTTP's cost); each round reads all the traces and the
 * fastest of BENCH_HTTP_ROUNDS rounds counts. Reports the HTTP payload
 * parsed (request and reply bytes: header lines and bodies as
 * http_message_done counts them) per second beside packets per second.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import { openTrace } from "../src/source/open.js";
import { corpusRoot, tracesWithAppLog } from "../test/helpers/corpus.js";
import type { BenchResult } from "./bench-api.js";

export const name = "http+files";

/** Rounds over all the traces (BENCH_HTTP_ROUNDS); the fastest counts. */
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);

interface Round {
  packets: number;
  seconds: number;
  httpBytes: number;
  messages: number;
}

async function round(corpus: string, traces: readonly string[]): Promise<Round> {
  const r: Round = { packets: 0, seconds: 0, httpBytes: 0, messages: 0 };
  for (const trace of traces) {
    const engine = new Engine({ ignoreChecksums: true });
    loadBuiltinScripts(engine, { memory: true });
    engine.on("http_message_done", (_c, _isOrig, stat) => {
      r.httpBytes += stat.header_length + stat.body_length;
      r.messages++;
    });
    const source = await openTrace(join(corpus, "zeek", "traces", trace));
    const start = performance.now();
    const summary = await engine.run(source);
    r.seconds += (performance.now() - start) / 1000;
    r.packets += summary.packets;
  }
  return r;
}

export async function run(_tracePath: string): Promise<BenchResult> {
  const corpus = corpusRoot();
  if (!existsSync(join(corpus, "zeek-applogs"))) throw new Error(`corpus not found at ${corpus} (set BRONZE_CORPUS)`);
  const traces = tracesWithAppLog("http.log", corpus);
  let best: Round | null = null;
  const times: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await round(corpus, traces);
    times.push(r.seconds.toFixed(3));
    if (best === null || r.seconds < best.seconds) best = r;
  }
  const b = best!;
  return {
    packets: b.packets,
    seconds: b.seconds,
    extra: {
      traces: traces.length,
      messages: b.messages,
      httpMB: +(b.httpBytes / 1e6).toFixed(3),
      httpMBps: +(b.httpBytes / 1e6 / b.seconds).toFixed(2),
      rounds: times.join("/"),
    },
  };
}
