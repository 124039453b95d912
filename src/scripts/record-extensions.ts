/**
 * Zeek's `redef record X::Info += { … &log }` and `hook X::log_policy` as
 * bronze's logs take them: a policy script adds columns to a base script's
 * log, or keeps some of its rows out. The base script opens its log with the
 * columns of the extensions whose policy script is loaded, appended in the
 * order the scripts were named (Zeek appends redef'd fields in load order),
 * asks each extension for its values when it writes a row, and registers the
 * extensions' handlers after its own.
 */
import type { LogManager } from "../log/manager.js";
import type { LogField, LogValue } from "../log/schema.js";
import type { AnalyzerScriptHost } from "./host.js";
import { scriptsLoadedBy } from "./script-loads.js";

export interface RecordExtension<T> {
  /** The Zeek script that makes it ("policy/protocols/ssl/certificate-request-info"). */
  readonly script: string;
  /** Columns added after the log's own (none for a script that only filters rows). */
  readonly fields: readonly LogField[];
  /** Runs before a row's values are asked for (Zeek's ssl_finishing hook: a column worked out when the row is written). */
  finishing?(host: AnalyzerScriptHost, info: T): void;
  /** The added columns' values of a row, in `fields` order. */
  values?(info: T): readonly LogValue[];
  /** The log_policy hook: false keeps the row out of the log. */
  keep?(info: T): boolean;
  /** Runs after each row is written (the stream's log event, e.g. Zeek's log_smtp). */
  logged?(host: AnalyzerScriptHost, info: T): void;
  /** The script's event handlers, registered after the base script's (Zeek loads it after). */
  load?(host: AnalyzerScriptHost, logs: LogManager): void;
}

/**
 * The extensions in `all` whose script `loads` brings, ordered by the first
 * name on the command line that brings them (itself, or a script that
 * @loads it); of two brought by one name, one whose script the other's
 * loads comes first (Zeek runs a script's @loads before its own redefs),
 * else `all`'s order.
 */
export function loadedExtensions<T, E extends RecordExtension<T> = RecordExtension<T>>(all: readonly E[], loads: readonly string[]): E[] {
  const brought = scriptsLoadedBy(loads);
  const closures = loads.map((l) => scriptsLoadedBy([l]));
  // The first name that brings it (a name brings itself): Zeek loads a script once, where it is first @loaded.
  const rank = (e: E): number => closures.findIndex((c) => c.has(e.script));
  const before = (a: E, b: E): number => {
    if (a.script === b.script) return 0;
    if (scriptsLoadedBy([b.script]).has(a.script)) return -1;
    return scriptsLoadedBy([a.script]).has(b.script) ? 1 : 0;
  };
  return all.filter((e) => brought.has(e.script)).sort((a, b) => rank(a) - rank(b) || before(a, b));
}

/** The columns of a log with `extensions`. */
export function extendedFields<T>(base: readonly LogField[], extensions: readonly RecordExtension<T>[]): LogField[] {
  return [...base, ...extensions.flatMap((e) => e.fields)];
}

/** Writes `row` with the extensions' values through `write`, unless a log_policy keeps it out; then their logged hooks. */
export function writeExtended<T>(
  host: AnalyzerScriptHost,
  row: LogValue[],
  info: T,
  extensions: readonly RecordExtension<T>[],
  write: (row: LogValue[]) => void,
): void {
  for (const e of extensions) e.finishing?.(host, info);
  const extended = extendRow(row, info, extensions);
  if (extended === null) return;
  write(extended);
  for (const e of extensions) e.logged?.(host, info);
}

/** A row's added values (appended to `row`), or null when an extension's log_policy keeps it out. */
export function extendRow<T>(row: LogValue[], info: T, extensions: readonly RecordExtension<T>[]): LogValue[] | null {
  for (const e of extensions) {
    if (e.keep !== undefined && !e.keep(info)) return null;
    if (e.values !== undefined) row.push(...e.values(info));
  }
  return row;
}
