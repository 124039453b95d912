/**
 * Zeek's JSON log format (`LogAscii::use_json = T`, Zeek's JSON writer): one
 * object per line, no header, unset fields omitted, keys in column order.
 */
import { escapeJson, type JsonStringPolicy } from "./escape.js";
import { formatJsonNumber } from "./numbers.js";
import type { LogField, LogRecord, LogSchema, LogValue } from "./schema.js";
import type { LogSink } from "./sink.js";
import { pad2 } from "./wall-clock.js";
import type { LogFormatter } from "./writer.js";

/** A column's value as JSON; strings escaped under `policy` (enums and addresses always as HEX: Zeek's formatter does so). */
function formatJsonValue(field: LogField, value: Exclude<LogValue, undefined>, policy: JsonStringPolicy): string {
  switch (field.type) {
    case "time":
    case "interval":
    case "double":
      return formatJsonNumber(value as number);
    case "count":
    case "int":
    case "port":
      return String(value);
    case "bool":
      return value ? "true" : "false";
    case "set[string]":
    case "vector[string]":
      return jsonItems(value as readonly string[], (s) => `"${escapeJson(s, policy)}"`);
    case "set[enum]":
    case "vector[addr]":
    case "set[addr]":
      return jsonItems(value as readonly string[], (s) => `"${escapeJson(s)}"`);
    case "vector[interval]":
    case "vector[double]":
      return jsonItems(value as readonly number[], formatJsonNumber);
    case "vector[count]":
    case "set[count]":
      return jsonItems(value as readonly number[], String);
    case "string":
      return `"${escapeJson(String(value), policy)}"`;
    default:
      return `"${escapeJson(String(value))}"`;
  }
}

/** A JSON array of `items`, each as `each` writes it; a vector's hole (an element never assigned) is null. */
function jsonItems<T>(items: readonly (T | undefined)[], each: (item: T) => string): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    out += `${i > 0 ? "," : ""}${item === undefined ? "null" : each(item)}`;
  }
  return `${out}]`;
}

/** How `time` values are written (Zeek's LogAscii::json_timestamps, a JSON::TimestampFormat). */
export type JsonTimestamps = "JSON::TS_EPOCH" | "JSON::TS_MILLIS" | "JSON::TS_MILLIS_UNSIGNED" | "JSON::TS_ISO8601";

export const JSON_TIMESTAMPS: readonly JsonTimestamps[] = ["JSON::TS_EPOCH", "JSON::TS_MILLIS", "JSON::TS_MILLIS_UNSIGNED", "JSON::TS_ISO8601"];

export interface JsonOptions {
  /** Zeek's LogAscii::json_timestamps: seconds as a number (default), integer milliseconds, or ISO 8601 text in UTC. */
  timestamps?: JsonTimestamps;
  /** Zeek's LogAscii::json_include_unset_fields: unset fields as `null` instead of left out. */
  includeUnset?: boolean;
  /** Zeek's LogAscii::json_string_escape_policy: how strings are escaped (escape.ts escapeJson; default HEX, as Zeek's). */
  stringEscapePolicy?: JsonStringPolicy;
}

/**
 * A time as Zeek's JSON formatter writes it under `format`: milliseconds
 * truncated towards zero (as a cast to int64; the unsigned form wraps a time
 * before 1970 as a cast to uint64 does), or "%Y-%m-%dT%H:%M:%S" in UTC and
 * the fraction as %06.0f microseconds, then "Z".
 */
export function formatJsonTime(t: number, format: JsonTimestamps): string {
  if (format === "JSON::TS_EPOCH") return formatJsonNumber(t);
  if (format === "JSON::TS_MILLIS") return String(Math.trunc(t * 1000));
  if (format === "JSON::TS_MILLIS_UNSIGNED") return BigInt.asUintN(64, BigInt(Math.trunc(t * 1000))).toString();
  const whole = Math.floor(t);
  const d = new Date(whole * 1000);
  let frac = t - whole;
  if (frac < 0) frac += 1;
  const micros = (frac * 1e6).toFixed(0).padStart(6, "0");
  return `"${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${micros}Z"`;
}

export class JsonWriter implements LogFormatter {
  private readonly keys: string[];
  private closed = false;
  /** The `time` columns, when times are not written as epoch numbers (null: none to treat apart). */
  private readonly timeColumns: Uint8Array | null;
  private readonly timestamps: JsonTimestamps;
  private readonly includeUnset: boolean;
  private readonly policy: JsonStringPolicy;

  constructor(
    readonly schema: LogSchema,
    private readonly sink: LogSink,
    options: JsonOptions = {},
  ) {
    this.keys = schema.fields.map((f) => `"${escapeJson(f.name)}":`);
    this.timestamps = options.timestamps ?? "JSON::TS_EPOCH";
    this.includeUnset = options.includeUnset ?? false;
    this.policy = options.stringEscapePolicy ?? "JSON::STRING_ESCAPE_POLICY_HEX";
    this.timeColumns = this.timestamps === "JSON::TS_EPOCH" ? null : Uint8Array.from(schema.fields, (f) => (f.type === "time" ? 1 : 0));
  }

  write(record: LogRecord): void {
    const fields = this.schema.fields;
    const times = this.timeColumns;
    let line = "{";
    let first = true;
    for (let i = 0; i < fields.length; i++) {
      const value = record[i];
      if (value === undefined && !this.includeUnset) continue;
      if (!first) line += ",";
      first = false;
      if (value === undefined) line += `${this.keys[i]}null`;
      else if (times !== null && times[i] === 1) line += this.keys[i] + formatJsonTime(value as number, this.timestamps);
      else line += this.keys[i] + formatJsonValue(fields[i]!, value, this.policy);
    }
    this.sink.write(`${line}}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close();
  }
}
