/**
 * The run shared by the btest twins that print from event handlers: an
 * engine with Zeek's seed and the built-in scripts (bare or not, with the
 * btest's @loads), the twin's handlers, then the trace.
 */
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { ZEEK_SEED } from "../session/harness.js";

export interface HandlerRunOptions {
  /** Zeek's -b (default true): only the scripts in `loads`. */
  bare?: boolean;
  loads?: string[];
  /** Zeek's -C. */
  ignoreChecksums?: boolean;
  /** Receives the run's logs by stream name, once it ended. */
  logs?: (text: (stream: string) => string) => void;
  /** Where reporter messages go besides reporter.log (loadBuiltinScripts' stderr): null for nowhere; default process.stderr. */
  stderr?: ((line: string) => void) | null;
}

/** Runs the trace at `path` with the handlers `register` adds; they push lines to the array returned. */
export async function runWithHandlers(path: string, register: (engine: Engine, out: string[]) => void, options: HandlerRunOptions = {}): Promise<string[]> {
  const bare = options.bare ?? true;
  const loads = options.loads ?? [];
  const engine = new Engine({ bare, loads, seed: ZEEK_SEED, ignoreChecksums: options.ignoreChecksums ?? false });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, loads, stderr: options.stderr });
  const out: string[] = [];
  register(engine, out);
  await engine.run(await openTrace(path));
  scripts.close();
  options.logs?.((stream) => scripts.logs.text(stream));
  return out;
}
