/**
 * engine.bench.ts without dynamic protocol detection: the same engine and
 * built-in scripts, every analyzer on its ports, but no DPD signature loaded
 * (no PIA on any connection). Next to `engine+logs` it gives what detection
 * costs the engine+logs benchmark (issue 12: at most 10 %).
 */
import { join } from "node:path";
import type { AnalyzerComponent } from "../src/analyzer/app/analyzer.js";
import { DEFAULT_ANALYZERS } from "../src/analyzer/app/protocols.js";
import type { BenchResult } from "./bench-api.js";
import { runEngine } from "./engine.bench.js";

export const name = "engine+logs, no DPD signatures";

/** The default analyzers with their ports and without their signatures. */
export function withoutSignatures(): AnalyzerComponent[] {
  return DEFAULT_ANALYZERS.map(({ signatures: _dropped, ...component }) => component);
}

export async function run(tracePath: string): Promise<BenchResult> {
  return runEngine(tracePath, join("bench", "out", "logs-nodpd"), { analyzers: withoutSignatures() });
}
