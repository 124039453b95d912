/**
 * misc/app-event-trace: bronze's twin of the corpus script
 * app-event-trace.zeek. Writes app-events.log, one line per application
 * event, in the order the handlers run:
 *
 *     ts <TAB> event <TAB> uid-or-fuid <TAB> args
 *
 * `args` are space-separated name=value pairs formatted as the Zeek script
 * does: strings as Zeek's to_json writes them (`zeekJson`), booleans T/F,
 * absent optionals "-". The analyzer framework's events are written here;
 * each protocol folder adds its own with `addAppEventTrace` (a function that
 * registers its handlers), so the script grows with the analyzers.
 */
import { join } from "node:path";
import type { Clock } from "../../event/weirds.js";
import { utf8SequenceLength } from "../../log/escape.js";
import { FileSink, type LogSink } from "../../log/sink.js";
import type { ScriptHost } from "../host.js";

/** What the script needs from the engine. */
export interface AppEventTraceHost extends ScriptHost {
  readonly clock: Clock;
}

export interface AppEventTraceOptions {
  /** Directory of app-events.log (default: the current directory). */
  logdir?: string;
  /** Where the lines go instead of a file (tests, the conformance harness). */
  sink?: LogSink;
}

/** Writes one line: event name, the connection's uid or the file's fuid, the formatted arguments. */
export type AppEmit = (event: string, id: string, args: string) => void;

/** A protocol's part of the trace: registers handlers on `host` that call `emit`. */
export type AppEventTracer = (host: ScriptHost, emit: AppEmit) => void;

const tracers: AppEventTracer[] = [];

/** Adds a protocol's handlers to every app-event trace loaded from now on (call at module load). */
export function addAppEventTrace(tracer: AppEventTracer): void {
  tracers.push(tracer);
}

/** The log closes after every other zeek_done handler. */
const CLOSE_PRIORITY = -1_000_000;

export interface AppEventTrace {
  readonly lines: number;
  close(): void;
}

export default function appEventTrace(host: AppEventTraceHost, options: AppEventTraceOptions = {}): AppEventTrace {
  const sink = options.sink ?? new FileSink(join(options.logdir ?? ".", "app-events.log"));
  const state = { lines: 0 };
  const emit: AppEmit = (event, id, args) => {
    state.lines++;
    sink.write(`${host.clock.now.toFixed(6)}\t${event}\t${id}\t${args}\n`);
  };
  host.on("analyzer_confirmation_info", (atype, info) => emit("analyzer_confirmation_info", info.c?.uid ?? "-", `analyzer=${atype}`));
  host.on("analyzer_violation_info", (atype, info) => emit("analyzer_violation_info", info.c?.uid ?? "-", `analyzer=${atype} reason=${zeekJson(info.reason)}`));
  for (const tracer of tracers) tracer(host, emit);
  const close = () => sink.close();
  host.on("zeek_done", close, { priority: CLOSE_PRIORITY });
  return {
    get lines() {
      return state.lines;
    },
    close,
  };
}

/** Zeek's bool in the trace: T or F. */
export function tf(b: boolean): string {
  return b ? "T" : "F";
}

const HEX = "0123456789abcdef";

/**
 * A string as Zeek's to_json writes it. bronze's protocol strings hold one
 * byte per character (latin1); Zeek keeps valid UTF-8 sequences as they are,
 * writes other bytes and control characters (but \t \n \r \f) as the text
 * `\xNN`, then JSON-escapes the result (so that backslash is doubled).
 */
export function zeekJson(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (b >= 0x80) {
      const n = utf8SequenceLength(s, i);
      if (n > 0) {
        out += new TextDecoder().decode(Uint8Array.from(s.slice(i, i + n), (ch) => ch.charCodeAt(0)));
        i += n - 1;
      } else out += `\\\\x${HEX[(b >> 4) & 15]}${HEX[b & 15]}`;
      continue;
    }
    switch (b) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += "\\\\";
        continue;
      case 0x0a:
        out += "\\n";
        continue;
      case 0x0d:
        out += "\\r";
        continue;
      case 0x09:
        out += "\\t";
        continue;
      case 0x0c:
        out += "\\f";
        continue;
    }
    if (b < 0x20 || b === 0x7f) out += `\\\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    else out += s[i];
  }
  return `${out}"`;
}
