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
 * A string as the oracle's `print out, fmt(..., to_json(s))` writes it, in
 * three of Zeek's steps. bronze's protocol strings hold one byte per
 * character (latin1).
 *
 *  1. to_json escapes (escape_utf8): printable ASCII and \b \f \n \r \t stay;
 *     so does every valid UTF-8 sequence, unless the string holds any other
 *     byte (a control, DEL, a byte outside a valid sequence, or a sequence for
 *     a C1 control, a private-use or U+FFF0-FFFF code point): then every byte
 *     that is not plain ASCII becomes the text `\xNN`, valid sequences too.
 *  2. JSON quoting doubles that backslash and escapes `"` and the controls.
 *  3. print writes bytes above 126 as `\xNN` (String::Render's ESC_HEX): a valid
 *     UTF-8 sequence ends as `\xf0\x9f...`, one backslash each.
 */
export function zeekJson(s: string): string {
  const bad = hasBadUtf8(s);
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (b >= 0x80 || b === 0x7f || (b < 0x20 && !JSON_CONTROLS.has(b))) {
      // Printed as \xNN after JSON (one backslash) or escaped before it (two).
      out += `${bad ? "\\\\" : "\\"}x${HEX[(b >> 4) & 15]}${HEX[b & 15]}`;
      continue;
    }
    const esc = JSON_CONTROLS.get(b) ?? (b === 0x22 ? '\\"' : b === 0x5c ? "\\\\" : null);
    out += esc ?? s[i];
  }
  return `${out}"`;
}

/** The controls to_json keeps and JSON writes as two-character escapes. */
const JSON_CONTROLS = new Map<number, string>([
  [0x08, "\\b"],
  [0x09, "\\t"],
  [0x0a, "\\n"],
  [0x0c, "\\f"],
  [0x0d, "\\r"],
]);

/** Whether escape_utf8 meets a byte it will not keep (see zeekJson). */
function hasBadUtf8(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if ((b >= 0x20 && b < 0x7f) || JSON_CONTROLS.has(b)) continue;
    const n = b >= 0x80 ? utf8SequenceLength(s, i) : 0;
    if (n === 0 || !keptCodePoint(s, i, n)) return true;
    i += n - 1;
  }
  return false;
}

/** check_ok_utf8's exclusions: C1 controls, the private-use area, U+FFF0-FFFF. */
function keptCodePoint(s: string, i: number, n: number): boolean {
  const cp =
    Buffer.from(s.slice(i, i + n), "latin1")
      .toString("utf8")
      .codePointAt(0) ?? 0;
  return !(cp <= 0x9f || (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff0 && cp <= 0xffff));
}
