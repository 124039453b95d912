/**
 * Zeek's JSON log format (`LogAscii::use_json = T`, Zeek's JSON writer): one
 * object per line, no header, unset fields omitted, keys in column order.
 */
import { escapeJson } from "./escape.js";
import { formatJsonNumber } from "./numbers.js";
import type { LogField, LogRecord, LogSchema, LogValue } from "./schema.js";
import type { LogSink } from "./sink.js";
import type { LogFormatter } from "./writer.js";

function formatJsonValue(field: LogField, value: Exclude<LogValue, undefined>): string {
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
    case "set[enum]":
    case "vector[string]":
    case "vector[addr]":
      return `[${(value as readonly string[]).map((s) => `"${escapeJson(s)}"`).join(",")}]`;
    case "vector[interval]":
      return `[${(value as readonly number[]).map(formatJsonNumber).join(",")}]`;
    case "vector[count]":
    case "set[count]":
      return `[${(value as readonly number[]).join(",")}]`;
    default:
      return `"${escapeJson(String(value))}"`;
  }
}

export class JsonWriter implements LogFormatter {
  private readonly keys: string[];
  private closed = false;

  constructor(
    readonly schema: LogSchema,
    private readonly sink: LogSink,
  ) {
    this.keys = schema.fields.map((f) => `"${escapeJson(f.name)}":`);
  }

  write(record: LogRecord): void {
    const fields = this.schema.fields;
    let line = "{";
    let first = true;
    for (let i = 0; i < fields.length; i++) {
      const value = record[i];
      if (value === undefined) continue;
      if (!first) line += ",";
      first = false;
      line += this.keys[i] + formatJsonValue(fields[i]!, value);
    }
    this.sink.write(`${line}}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close();
  }
}
