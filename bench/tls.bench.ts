/**
 * TLS-heavy traffic: the corpus' tls/ traces (TLS 1.0-1.3, SSLv2/v3, DTLS,
 * STARTTLS, heartbleed, …) replayed as new connections by bench/synth.ts
 * into bench/out/tls.pcap (300,000 packets, built once), through the whole
 * engine with the built-in scripts writing conn.log, ssl.log and the rest.
 * The trace given to other benchmarks is not used.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import { openTrace } from "../src/source/open.js";
import { type BenchResult, since } from "./bench-api.js";
import { synthesize } from "./synth.js";

export const name = "tls";

const PACKETS = 300_000;

async function tlsTrace(): Promise<string> {
  const out = join("bench", "out", "tls.pcap");
  if (existsSync(out)) return out;
  const corpus = join(process.env.BRONZE_CORPUS ?? "../shared/corpus", "zeek", "traces", "tls");
  if (!existsSync(corpus)) throw new Error(`cannot build ${out}: corpus not found at ${corpus} (set BRONZE_CORPUS)`);
  mkdirSync(join("bench", "out"), { recursive: true });
  await synthesize(`${out}.partial`, corpus, { packets: PACKETS });
  renameSync(`${out}.partial`, out);
  return out;
}

export async function run(_tracePath: string): Promise<BenchResult> {
  const trace = await tlsTrace();
  const logdir = join("bench", "out", "logs-tls");
  mkdirSync(logdir, { recursive: true });
  const start = performance.now();
  const engine = new Engine({});
  loadBuiltinScripts(engine, { logdir });
  let established = 0;
  let hellos = 0;
  engine.on("ssl_client_hello", () => void hellos++);
  engine.on("ssl_established", () => void established++);
  const summary = await engine.run(await openTrace(trace));
  const seconds = since(start);
  if (summary.truncated) throw new Error(summary.truncated);
  return { packets: summary.packets, seconds, extra: { client_hellos: hellos, established } };
}
