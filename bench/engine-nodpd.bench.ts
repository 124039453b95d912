/**
 * engine.bench.ts without dynamic protocol detection: the same engine and
 * built-in scripts, every analyzer on its ports, but no DPD signature loaded
 * (no PIA on any connection). Next to `engine+logs` it gives what detection
 * costs the engine+logs benchmark (issue 12: at most 10 %).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AnalyzerComponent } from "../src/analyzer/app/analyzer.js";
import { DEFAULT_ANALYZERS } from "../src/analyzer/app/protocols.js";
import { Engine } from "../src/engine.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import { openTrace } from "../src/source/open.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "engine+logs, no DPD signatures";

/** The default analyzers with their ports and without their signatures. */
export function withoutSignatures(): AnalyzerComponent[] {
  return DEFAULT_ANALYZERS.map(({ signatures: _dropped, ...component }) => component);
}

export async function run(tracePath: string): Promise<BenchResult> {
  const logdir = join("bench", "out", "logs-nodpd");
  mkdirSync(logdir, { recursive: true });
  const start = performance.now();
  const engine = new Engine({ analyzers: withoutSignatures() });
  loadBuiltinScripts(engine, { logdir });
  let connections = 0;
  engine.on("connection_state_remove", () => void connections++);
  const summary = await engine.run(await openTrace(tracePath));
  const seconds = since(start);
  if (summary.truncated) throw new Error(summary.truncated);
  return { packets: summary.packets, seconds, extra: { connections } };
}
