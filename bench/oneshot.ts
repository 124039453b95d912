/**
 * One-shot runs, as a user meets the tools: each command is a fresh process
 * reading the whole trace (Node's start, module loading and V8's warm-up
 * included for bronze), timed by /usr/bin/time: CPU seconds (user + system,
 * all threads: V8 compiles and collects garbage on a second core), wall
 * seconds, peak RSS, and the system seconds and minor page faults within
 * the CPU time: on this VM a process's first touch of a 4 KiB page costs
 * ~12 us of system time (bench/README.md, "Memory that instruction counts
 * do not see"): the columns show how much of a run's CPU is that. The
 * commands alternate run by run, so a change of load on the machine falls
 * on all of them alike; medians are reported.
 *
 * `npm run bench` puts this table first (bronze default, -C, -b, and Argus or
 * Zeek when installed), and what detection costs (dpdCommands). To compare
 * builds side by side on one trace:
 *
 *   node dist/bench/oneshot.js [--runs N] TRACE A.js B.js …   (bronze bundles)
 *
 * A bundle is the launcher dist/bronze.js with dist/bronze-cli.cjs beside it:
 * copy both (`cp dist/bronze.js dist/bronze-cli.cjs old/`). Its first run
 * writes V8's code cache there, as a user's first run does: each command
 * runs once untimed before the timed rounds.
 *   node dist/bench/oneshot.js --dpd [--runs N] TRACE A.js …  (each with detection on and off)
 *   node dist/bench/oneshot.js --arg -b [--runs N] TRACE A.js B.js …  (options given to every bundle)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openTrace } from "../src/source/open.js";

export interface OneShotCommand {
  label: string;
  argv: string[];
}

export interface OneShotRow {
  label: string;
  runs: number;
  /** Medians over the runs. */
  cpuSeconds: number;
  wallSeconds: number;
  /** System seconds within cpuSeconds (mostly first touches of memory pages). */
  systemSeconds: number;
  /** Minor page faults (pages touched for the first time, or again after being given back). */
  minorFaults: number;
  peakRssMB: number;
  /** Fastest run's CPU seconds. */
  cpuBest: number;
  packetsPerCpuSecond: number;
}

const TIME = "/usr/bin/time";

/** Packets in a trace (the figures divide by it). */
export async function countPackets(trace: string): Promise<number> {
  let n = 0;
  await (await openTrace(trace)).run(() => void n++);
  return n;
}

/** Whether an executable is on PATH. */
export function installed(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

interface Sample {
  cpu: number;
  wall: number;
  rssKB: number;
  system: number;
  minorFaults: number;
}

/** Runs `argv` once in `cwd` under /usr/bin/time; null if it cannot be timed. */
function timeOnce(argv: string[], cwd: string): Sample | null {
  const r = spawnSync(TIME, ["-f", "@@time %e %U %S %M %R", ...argv], { cwd, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
  const m = /@@time ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)/.exec(r.stderr ?? "");
  if (m === null) return null;
  // Argus 3.0.8 aborts in free() at exit after writing all its records: its figures still count.
  if (r.status !== 0 && !/free\(\)/.test(r.stderr)) process.stderr.write(`${argv.join(" ")}: exit ${r.status}\n${r.stderr.slice(0, 2000)}\n`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssKB: Number(m[4]), system: Number(m[3]), minorFaults: Number(m[5]) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs every command `runs` times, alternating, each in its own empty folder (for its logs). */
export function oneShot(commands: OneShotCommand[], packets: number, runs: number): OneShotRow[] {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to time one-shot runs (apt-get install time)`);
  const samples: Sample[][] = commands.map(() => []);
  const base = mkdtempSync(join(tmpdir(), "bronze-oneshot-"));
  try {
    // Round 0 is not counted: it writes bronze's code cache, as a user's first run does, and reads the trace into the page cache.
    for (let run = 0; run <= runs; run++) {
      commands.forEach((c, i) => {
        const dir = join(base, String(i));
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        const s = timeOnce(c.argv, dir);
        if (s !== null && run > 0) samples[i]!.push(s);
      });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return commands.flatMap((c, i) => {
    const xs = samples[i]!;
    if (xs.length === 0) return [];
    const cpu = median(xs.map((s) => s.cpu));
    return [
      {
        label: c.label,
        runs: xs.length,
        cpuSeconds: cpu,
        wallSeconds: median(xs.map((s) => s.wall)),
        systemSeconds: median(xs.map((s) => s.system)),
        minorFaults: median(xs.map((s) => s.minorFaults)),
        peakRssMB: median(xs.map((s) => s.rssKB)) / 1024,
        cpuBest: Math.min(...xs.map((s) => s.cpu)),
        packetsPerCpuSecond: packets / cpu,
      },
    ];
  });
}

export interface FloodFigures {
  connections: number;
  /** Peak RSS of the flood run minus that of a one-packet run, per connection (medians). */
  bytesPerConnection: number;
  peakRssMB: number;
  baselineRssMB: number;
  cpuSeconds: number;
  /** System seconds within cpuSeconds, and the flood run's minor page faults (medians). */
  systemSeconds: number;
  minorFaults: number;
  wallSeconds: number;
  packetsPerCpuSecond: number;
}

/**
 * `bronze -r` on the SYN flood trace and on a one-packet trace, alternating;
 * `nodeFlags` are passed to node (V8 flags under test).
 */
export function floodOneShot(bundle: string, flood: string, baseline: string, connections: number, runs: number, nodeFlags: string[] = []): FloodFigures {
  const node = process.execPath;
  const [f, b] = oneShot(
    [
      { label: "flood", argv: [node, ...nodeFlags, bundle, "-r", resolve(flood)] },
      { label: "baseline", argv: [node, ...nodeFlags, bundle, "-r", resolve(baseline)] },
    ],
    connections,
    runs,
  );
  if (f === undefined || b === undefined) throw new Error("the flood runs could not be timed");
  return {
    connections,
    bytesPerConnection: ((f.peakRssMB - b.peakRssMB) * 1024 * 1024) / connections,
    peakRssMB: f.peakRssMB,
    baselineRssMB: b.peakRssMB,
    cpuSeconds: f.cpuSeconds,
    systemSeconds: f.systemSeconds,
    minorFaults: f.minorFaults,
    wallSeconds: f.wallSeconds,
    packetsPerCpuSecond: f.packetsPerCpuSecond,
  };
}

export function formatFlood(r: FloodFigures): string {
  return (
    `SYN flood through the CLI: ${r.connections} half-open connections, peak RSS ${r.peakRssMB.toFixed(0)} MB ` +
    `(one-packet run ${r.baselineRssMB.toFixed(0)} MB): ${r.bytesPerConnection.toFixed(0)} B per connection; ` +
    `${r.cpuSeconds.toFixed(2)} CPU s (${r.systemSeconds.toFixed(2)} system, ${(r.minorFaults / 1e3).toFixed(0)} k page faults), ${(r.packetsPerCpuSecond / 1e3).toFixed(0)} k packets/s by CPU, ${(r.connections / r.wallSeconds / 1e3).toFixed(0)} k by wall time`
  );
}

/** bronze (this build), and the reference tools found on this machine, on `trace`. */
export function defaultCommands(trace: string, bundle: string): OneShotCommand[] {
  const t = resolve(trace);
  const node = process.execPath;
  const commands: OneShotCommand[] = [
    { label: "bronze -r (default: every analyzer and log, checksums)", argv: [node, bundle, "-r", t] },
    { label: "bronze -C -r", argv: [node, bundle, "-C", "-r", t] },
    { label: "bronze -b -r (conn.log only)", argv: [node, bundle, "-b", "-r", t] },
    ...dpdCommands(trace, bundle),
  ];
  if (installed("argus")) commands.push({ label: "Argus (argus -r, flow records to a file)", argv: ["argus", "-r", t, "-w", "flows.argus"] });
  if (installed("zeek")) {
    commands.push({ label: "Zeek, conn.log only (-b -C base/protocols/conn)", argv: ["zeek", "-b", "-C", "-r", t, "base/protocols/conn"] });
    commands.push({ label: "Zeek, default scripts (-C)", argv: ["zeek", "-C", "-r", t] });
  }
  return commands;
}

/** This folder (dist/bench), where the two detection scripts are. */
const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Detection's cost, as issue 12 checks it: `bronze -r` with detection on and
 * the same run without DPD signatures (dpd-off.ts: every analyzer still on
 * its ports, no PIA), each loading one policy script (dpd-on.ts changes
 * nothing). Two rows per bundle, `label` first.
 */
export function dpdCommands(trace: string, bundle: string, label = "bronze -r"): OneShotCommand[] {
  const argv = [process.execPath, resolve(bundle), "-r", resolve(trace)];
  return [
    { label: `${label}, detection on (bench/dpd-on.ts)`, argv: [...argv, join(HERE, "dpd-on.js")] },
    { label: `${label}, no DPD signatures (bench/dpd-off.ts)`, argv: [...argv, join(HERE, "dpd-off.js")] },
  ];
}

/** What detection costs, from dpdCommands' rows (pairs, on then off): one line per pair. */
export function formatDetectionCost(rows: OneShotRow[]): string {
  const lines: string[] = [];
  for (const on of rows) {
    if (!on.label.endsWith("detection on (bench/dpd-on.ts)")) continue;
    const off = rows.find((r) => r.label === on.label.replace("detection on (bench/dpd-on.ts)", "no DPD signatures (bench/dpd-off.ts)"));
    if (off === undefined) continue;
    const cost = (on.cpuSeconds - off.cpuSeconds) / off.cpuSeconds;
    lines.push(
      `detection's cost (${on.label.replace(", detection on (bench/dpd-on.ts)", "")}): ${on.cpuSeconds.toFixed(2)} - ${off.cpuSeconds.toFixed(2)} CPU s = ${(100 * cost).toFixed(1)} % (issue 12: at most 10 %)`,
    );
  }
  return lines.join("\n");
}

export function formatOneShot(rows: OneShotRow[], packets: number): string {
  const header = ["one-shot run", "runs", "CPU s (median, best)", "of which system", "k packets/s by CPU", "wall s", "peak RSS", "page faults"];
  const lines = rows.map((r) => [
    r.label,
    String(r.runs),
    `${r.cpuSeconds.toFixed(2)} (${r.cpuBest.toFixed(2)})`,
    r.systemSeconds.toFixed(2),
    (r.packetsPerCpuSecond / 1e3).toFixed(0),
    r.wallSeconds.toFixed(2),
    `${r.peakRssMB.toFixed(0)} MB`,
    `${(r.minorFaults / 1e3).toFixed(1)} k`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const table = [header, ...lines]
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
  return `${table}\n(${packets} packets)`;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const args = process.argv.slice(2);
  let runs = 5;
  let dpd = false;
  const bronzeArgs: string[] = [];
  for (;;) {
    if (args[0] === "--runs") {
      runs = Number(args[1]);
      args.splice(0, 2);
    } else if (args[0] === "--dpd") {
      dpd = true;
      args.shift();
    } else if (args[0] === "--arg" && args[1] !== undefined) {
      bronzeArgs.push(args[1]);
      args.splice(0, 2);
    } else break;
  }
  const [trace, ...bundles] = args;
  if (trace === undefined || bundles.length === 0) {
    process.stderr.write("usage: node dist/bench/oneshot.js [--dpd] [--runs N] [--arg BRONZE_OPTION]… TRACE BUNDLE.js …\n");
    process.exit(2);
  }
  const packets = await countPackets(trace);
  const commands = dpd
    ? bundles.flatMap((b) => dpdCommands(trace, b, b))
    : bundles.map((b) => ({ label: [b, ...bronzeArgs].join(" "), argv: [process.execPath, resolve(b), ...bronzeArgs, "-r", resolve(trace)] }));
  const rows = oneShot(commands, packets, runs);
  process.stdout.write(`${formatOneShot(rows, packets)}\n`);
  if (dpd) process.stdout.write(`${formatDetectionCost(rows)}\n`);
}
