/**
 * Optional scripts that ship with bronze but are not loaded by default, by the
 * name the CLI takes as a positional argument (`bronze -r t.pcap misc/event-trace`),
 * as Zeek loads `policy/...` scripts by path.
 */
import appEventTrace from "./app-event-trace.js";
import eventTrace, { type EventTraceHost } from "./event-trace.js";

export interface MiscScriptOptions {
  /** Directory for the logs the script writes. */
  logdir?: string;
}

export interface LoadedMiscScript {
  /** Flushes and closes what the script writes (it also closes itself at zeek_done). */
  close(): void;
}

export type MiscScriptLoader = (engine: EventTraceHost, options: MiscScriptOptions) => LoadedMiscScript;

export const MISC_SCRIPTS: Readonly<Record<string, MiscScriptLoader>> = {
  "misc/event-trace": (engine, options) => eventTrace(engine, { logdir: options.logdir }),
  "misc/app-event-trace": (engine, options) => appEventTrace(engine, { logdir: options.logdir }),
};

/**
 * The loader for `name` ("misc/event-trace"; a ".zeek"/".ts" suffix and a
 * "policy/" prefix are accepted), or undefined when bronze has no such script.
 */
export function findMiscScript(name: string): MiscScriptLoader | undefined {
  const key = name.replace(/^policy\//, "").replace(/\.(zeek|bro|ts|js)$/, "");
  return Object.hasOwn(MISC_SCRIPTS, key) ? MISC_SCRIPTS[key] : undefined;
}
