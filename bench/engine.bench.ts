/** The whole engine with the built-in scripts writing conn.log and weird.log (to bench/out/logs). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Engine, type EngineOptions } from "../src/engine.js";
import { loadBuiltinScripts } from "../src/scripts/index.js";
import { openTrace } from "../src/source/open.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "engine+logs";

export async function run(tracePath: string): Promise<BenchResult> {
  return runEngine(tracePath, join("bench", "out", "logs"), {});
}

/** One engine over `tracePath` with the built-in scripts logging to `logdir` (also the no-DPD bench's body). */
export async function runEngine(tracePath: string, logdir: string, options: EngineOptions): Promise<BenchResult> {
  mkdirSync(logdir, { recursive: true });
  const start = performance.now();
  const engine = new Engine(options);
  loadBuiltinScripts(engine, { logdir });
  let connections = 0;
  engine.on("connection_state_remove", () => void connections++);
  const summary = await engine.run(await openTrace(tracePath));
  const seconds = since(start);
  if (summary.truncated) throw new Error(summary.truncated);
  return { packets: summary.packets, seconds, extra: { connections } };
}
