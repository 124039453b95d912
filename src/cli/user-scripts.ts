/**
 * Loading the user's policy scripts: TypeScript (through tsx, no build step)
 * or JavaScript ES modules.
 *
 * The contract of a script module:
 *  - `export default function (engine, context) { engine.on("connection_established", (c) => …) }`
 *    is called once with the Engine before the first packet (it may be async);
 *    `context.logs` is the run's LogManager: `context.logs.open({ path, fields })`
 *    gives a log of the script's own, in the run's directory and format,
 *    closed with the others;
 *  - and/or functions exported under event names are registered as handlers:
 *    `export function connection_rejected(c) { … }`.
 * Anything else exported as a function is reported, since it is most likely a
 * misspelt event name.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EVENT_ALIASES, isEventName, type Handler } from "../event/events.js";
import type { LogManager } from "../log/manager.js";
import type { ScriptHost } from "../scripts/host.js";
import { UsageError } from "./args.js";


type ScriptModule = Record<string, unknown>;

/** The second argument of a script's default export. */
export interface ScriptContext {
  /** The run's logs (same directory and format as conn.log). */
  logs: LogManager;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}


/**
 * A script outside any `"type": "module"` package is compiled as CommonJS;
 * imported from ESM its exports then sit on `default`. Unwrap that so both
 * kinds of script read the same.
 */
function unwrapCommonJs(mod: ScriptModule): ScriptModule {
  const inner = mod["default"];
  if (inner !== null && typeof inner === "object" && "__esModule" in inner) return inner as ScriptModule;
  return mod;
}

async function importScript(path: string): Promise<ScriptModule> {
  const url = pathToFileURL(path).href;
  if (/\.(ts|mts|cts)$/.test(path)) {
    const { tsImport } = await import("tsx/esm/api");
    return unwrapCommonJs((await tsImport(url, import.meta.url)) as ScriptModule);
  }
  return unwrapCommonJs((await import(url)) as ScriptModule);
}

/**
 * Loads one script and wires it to `engine`. Returns warnings to show (exports
 * that are not event names). Throws UsageError when the file is missing or
 * exports nothing usable; errors thrown by the script itself propagate.
 */
export async function loadUserScript<T extends ScriptHost>(file: string, engine: T, context: ScriptContext): Promise<string[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`cannot find script ${file}`);
  let mod: ScriptModule;
  try {
    mod = await importScript(path);
  } catch (error) {
    throw new UsageError(`cannot load script ${file}: ${firstLine(error)}`);
  }
  const warnings: string[] = [];
  let used = false;
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== "function" || name === "default" || name === "module.exports") continue;
    const event = EVENT_ALIASES[name] ?? name;
    if (isEventName(event)) {
      // The export's argument types are the script's business; the name is checked.
      engine.on(event, value as Handler<typeof event>);
      used = true;
    } else {
      warnings.push(`${file} exports '${name}', which is not an event name; ignored`);
    }
  }
  const entry = mod["default"];
  if (typeof entry === "function") {
    try {
      await (entry as (e: T, c: ScriptContext) => unknown)(engine, context);
    } catch (error) {
      throw new UsageError(`script ${file} failed while loading: ${firstLine(error)}`);
    }
    used = true;
  }
  if (!used) throw new UsageError(`${file} exports no default function and no event handler`);
  return warnings;
}
