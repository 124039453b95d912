/**
 * `npm run bench`: builds the two benchmark traces if missing; first times
 * one-shot CLI runs on the realistic mix (bench/out/mix.pcap: a fresh
 * `bronze -r` process, as a user runs it, next to Argus and Zeek when
 * installed; oneshot.ts), then runs each warm benchmark module in its own
 * process on synthetic.pcap (so peak RSS belongs to that benchmark alone),
 * prints the tables and writes bench/out/results.json.
 *
 *   node dist/bench/run.js [name ...]      only the named benchmarks ("oneshot" for the one-shot table,
 *                                          "flood" for the SYN flood through the CLI)
 *   BENCH_ONESHOT_RUNS=5                   one-shot runs per command (medians reported)
 *   BENCH_BIG=0                            skip the 2 GB constant-memory read
 *   BENCH_NODE_FLAGS="--cpu-prof"          extra node flags for the benchmark processes
 *   BENCH_RUNS=3                           runs per benchmark on the 1M-packet trace; the best counts
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BenchModule, BenchResult } from "./bench-api.js";
import { DEFAULT_FLOOD, writeFlood } from "./flood.js";
import { DEFAULT_MIX_PACKETS, synthesizeMix } from "./mix.js";
import {
  countPackets,
  defaultCommands,
  type FloodFigures,
  floodOneShot,
  formatDetectionCost,
  formatFlood,
  formatOneShot,
  type OneShotRow,
  oneShot,
} from "./oneshot.js";
import { DEFAULT_PACKETS, type SynthLimit, synthesize } from "./synth.js";

/** These run first, in this order (cheapest layer first); any other *.bench.js next to this file follows alphabetically. */
const FIRST = ["read.bench.js", "decode.bench.js", "engine.bench.js", "engine-nodpd.bench.js", "filter.bench.js"];
const OUT_DIR = join("bench", "out");
const TRACE = join(OUT_DIR, "synthetic.pcap");
const MIX = join(OUT_DIR, "mix.pcap");
const FLOOD = join(OUT_DIR, "synflood.pcap");
const ONE_SYN = join(OUT_DIR, "one-syn.pcap");
const BIG_TRACE = join(OUT_DIR, "synthetic-2g.pcap");
const BIG_BYTES = 2 * 1024 ** 3;

interface Row extends BenchResult {
  name: string;
  trace: string;
  packetsPerSecond: number;
  peakRssMB: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Peak RSS of this process in KiB. Linux's VmHWM belongs to this program image;
 * getrusage's maxRSS would include the parent's size at fork time.
 */
function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

/** In a benchmark process: run one module `runs` times, print the fastest result as JSON. */
async function child(moduleFile: string, trace: string, runs: number): Promise<void> {
  const mod = (await import(pathToFileURL(join(here, moduleFile)).href)) as BenchModule;
  let best: BenchResult | null = null;
  const times: string[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await mod.run(trace);
    times.push(result.seconds.toFixed(3));
    if (best === null || result.seconds < best.seconds) best = result;
  }
  const peakRssMB = peakRss() / 1024;
  const extra = runs > 1 ? { ...best?.extra, runs: times.join("/") } : best?.extra;
  process.stdout.write(`${JSON.stringify({ name: mod.name, ...best, extra, peakRssMB })}\n`);
}

function runChild(moduleFile: string, trace: string, runs: number): Row {
  const flags = (process.env.BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), "--child", moduleFile, trace, String(runs)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${moduleFile} failed (exit ${r.status})`);
  const result = JSON.parse(r.stdout.trim().split("\n").pop() as string) as BenchResult & { name: string; peakRssMB: number };
  return { ...result, trace, packetsPerSecond: result.packets / result.seconds };
}

function corpusDir(path: string): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const corpus = join(process.env.BRONZE_CORPUS ?? "../shared/corpus", "zeek", "traces");
  if (!existsSync(corpus)) throw new Error(`cannot build ${path}: corpus not found at ${corpus} (set BRONZE_CORPUS)`);
  return corpus;
}

async function ensureMix(path: string): Promise<void> {
  if (existsSync(path)) return;
  const corpus = corpusDir(path);
  process.stderr.write(`building ${path} from ${corpus} …\n`);
  const r = await synthesizeMix(`${path}.partial`, corpus, DEFAULT_MIX_PACKETS);
  renameSync(`${path}.partial`, path);
  process.stderr.write(`  ${r.packets} packets: ${r.copies} overlapping copies of ${r.corpusPackets} from ${r.traces} corpus traces\n`);
}

async function ensureTrace(path: string, limit: SynthLimit): Promise<void> {
  if (existsSync(path)) return;
  const corpus = corpusDir(path);
  process.stderr.write(`building ${path} from ${corpus} …\n`);
  const r = await synthesize(`${path}.partial`, corpus, limit);
  // Rename only when complete, so an interrupted build is not mistaken for a trace.
  renameSync(`${path}.partial`, path);
  process.stderr.write(`  ${r.packets} packets, ${(r.bytes / 1e6).toFixed(0)} MB from ${r.traces} corpus traces\n`);
}

function format(rows: Row[]): string {
  const header = ["benchmark", "trace", "packets", "seconds", "packets/s", "peak RSS", "notes"];
  const lines = rows.map((r) => [
    r.name,
    r.trace.replace(/^bench\/out\//, ""),
    String(r.packets),
    r.seconds.toFixed(2),
    `${(r.packetsPerSecond / 1e6).toFixed(2)} M`,
    `${r.peakRssMB.toFixed(0)} MB`,
    Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines]
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const found = readdirSync(here).filter((f) => f.endsWith(".bench.js"));
  const ordered = [...FIRST.filter((f) => found.includes(f)), ...found.filter((f) => !FIRST.includes(f)).sort()];
  const modules = ordered.filter((m) => only.length === 0 || only.some((o) => m.startsWith(o)));
  let oneShotRows: OneShotRow[] = [];
  let oneShotTable = "";
  if (only.length === 0 || only.includes("oneshot")) {
    await ensureMix(MIX);
    const packets = await countPackets(MIX);
    const bundle = resolve(here, "..", "bronze.js");
    oneShotRows = oneShot(defaultCommands(MIX, bundle), packets, Number(process.env.BENCH_ONESHOT_RUNS ?? 3));
    oneShotTable = `${formatOneShot(oneShotRows, packets)} on ${MIX}\n${formatDetectionCost(oneShotRows)}\n\n`;
    process.stdout.write(oneShotTable);
  }
  let flood: FloodFigures | null = null;
  if (only.length === 0 || only.includes("flood")) {
    mkdirSync(OUT_DIR, { recursive: true });
    if (!existsSync(FLOOD)) writeFlood(FLOOD, DEFAULT_FLOOD);
    if (!existsSync(ONE_SYN)) writeFlood(ONE_SYN, 1);
    flood = floodOneShot(resolve(here, "..", "bronze.js"), FLOOD, ONE_SYN, DEFAULT_FLOOD, Number(process.env.BENCH_ONESHOT_RUNS ?? 3));
    oneShotTable += `${formatFlood(flood)}\n\n`;
    process.stdout.write(`${formatFlood(flood)}\n\n`);
  }
  if (modules.length > 0) await ensureTrace(TRACE, { packets: DEFAULT_PACKETS });
  const rows: Row[] = [];
  for (const m of modules) {
    const row = runChild(m, TRACE, Number(process.env.BENCH_RUNS ?? 3));
    rows.push(row);
    process.stderr.write(`${row.name}: ${(row.packetsPerSecond / 1e6).toFixed(2)} M packets/s\n`);
  }
  if (process.env.BENCH_BIG !== "0" && (only.length === 0 || only.includes("big"))) {
    await ensureTrace(BIG_TRACE, { bytes: BIG_BYTES });
    const row = runChild("read.bench.js", BIG_TRACE, 1);
    row.extra = { ...row.extra, "file MB": Math.round(statSync(BIG_TRACE).size / 1e6) };
    rows.push(row);
  }
  const table = rows.length > 0 ? `${format(rows)}\n` : "";
  if (rows.length > 0) process.stdout.write(`${oneShotTable}${table}`);
  const machine = { cpu: cpus()[0]?.model ?? "?", cores: cpus().length, memoryGB: Math.round(totalmem() / 1e9), node: process.version };
  writeFileSync(
    join(OUT_DIR, "results.json"),
    `${JSON.stringify({ date: new Date().toISOString(), machine, oneShot: oneShotRows, flood, results: rows }, null, 2)}\n`,
  );
  process.stdout.write(`\n${machine.cpu}, ${machine.cores} cores, node ${machine.node}; results in ${resolve(OUT_DIR, "results.json")}\n`);
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!, Number(process.argv[5] ?? 1));
else await main();
