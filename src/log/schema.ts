import type { LogLimits } from "./limits.js";

/**
 * A log's columns: names and Zeek types, in output order. A record handed to a
 * writer is an array of values in the same order; `undefined` means unset
 * (`-` in ASCII, omitted in JSON).
 */

/** The Zeek types bronze's logs use. */
export type LogType =
  | "time"
  | "interval"
  | "string"
  | "addr"
  | "subnet"
  | "port"
  | "enum"
  | "count"
  | "int"
  | "double"
  | "bool"
  | "set[string]"
  | "set[enum]"
  | "vector[string]"
  | "vector[addr]"
  | "set[addr]"
  | "vector[interval]"
  | "vector[count]"
  | "set[count]"
  | "vector[double]";

export interface LogField {
  /** Column name, flattened with dots for nested records ("id.orig_h"). */
  name: string;
  type: LogType;
  /**
   * False for a record field without &log: the stream's records carry it
   * (its hooks and log event see it) but its files leave it out, unless a
   * script logs it (LogManager.logField, Zeek's `redef record
   * X::Info$field += { &log }`), in its place among the columns.
   */
  logged?: false;
}

/** One column's value: numbers for time/interval/count/port, strings, booleans, string lists for sets, number lists for vector[interval] and vector[count]. */
export type LogValue = number | string | boolean | readonly string[] | readonly number[] | undefined;

/** One row, values in the order of the stream's fields. */
export type LogRecord = readonly LogValue[];

/** A log stream's identity: its path ("conn" → conn.log) and columns. */
export interface LogSchema {
  path: string;
  fields: readonly LogField[];
  /**
   * Its `id` is not the connection of its `uid` (tunnel.log's is the
   * encapsulating connection's, whose conn_id Zeek builds without a ctx):
   * columns added to conn_id's ctx stay unset (id-context.ts).
   */
  idWithoutContext?: boolean;
  /** The stream's own bounds on a record's strings and lists (Zeek's Log::Stream max_* fields), over the run's (limits.ts). */
  limits?: Partial<LogLimits>;
  /**
   * Zeek's Log::Stream $event_groups: event groups (a module's, an attribute
   * group's, or both of that name) that Log::disable_stream switches off with
   * the stream and enable_stream on again (debug-logging's "Analyzer::DebugLogging").
   */
  eventGroups?: readonly string[];
  /** The stream's Log::ID as Zeek names it in weirds ("Test::LOG"); default: Zeek's for its own logs' paths, else the path (stream-ids.ts). */
  id?: string;
  /** Zeek's Log::Stream $max_delay_interval: how long Log::delay may hold a record, in seconds of network time (default 0.2). */
  maxDelayInterval?: number;
  /** Zeek's Log::Stream $max_delay_queue_size: the most records the stream holds delayed; more release the oldest (default 1000). */
  maxDelayQueueSize?: number;
  /** The stream a filter's output belongs to (its path), set by the stream for its outputs. */
  stream?: string;
}

/**
 * The columns most logs start with: the time, the connection's uid and its
 * id (Zeek's conn_id record, flattened), as `[name, type]` pairs for fields().
 */
export const CONN_ID_COLUMNS = [
  ["ts", "time"],
  ["uid", "string"],
  ["id.orig_h", "addr"],
  ["id.orig_p", "port"],
  ["id.resp_h", "addr"],
  ["id.resp_p", "port"],
] as const satisfies ReadonlyArray<readonly [string, LogType]>;

/** A nested field's name ("id.orig_h") as written with scope separator `sep` (Zeek's scope_sep: "id_orig_h" with "_"). */
export function scopedName(name: string, sep: string): string {
  return sep === "." ? name : name.split(".").join(sep);
}

/** Builds a field list from `[name, type]` pairs. */
export function fields(...pairs: ReadonlyArray<readonly [string, LogType]>): LogField[] {
  return pairs.map(([name, type]) => ({ name, type }));
}
