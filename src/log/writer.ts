/** What every log writer offers: one record at a time, then close. */
import type { LogField, LogRecord, LogSchema, LogValue } from "./schema.js";

/** A record by field name ({ ts: 1.5, "id.orig_h": "10.0.0.1" }); a field left out is unset. */
export type NamedLogRecord = { readonly [field: string]: LogValue };

export interface LogWriter {
  readonly schema: LogSchema;
  /**
   * Formats and appends one record: values in the schema's field order, or by
   * field name. Writers from a LogManager check each value against its
   * column's type and refuse the record (TypeError) when one does not fit.
   */
  write(record: LogRecord | NamedLogRecord): void;
  /** Finishes the log (ASCII: the `#close` line, if the file was opened) and closes the sink. */
  close(): void;
}

/**
 * A log format (AsciiWriter, JsonWriter): values in the schema's order,
 * formatted as given. A LogManager wraps one in the checking LogWriter.
 */
export interface LogFormatter {
  readonly schema: LogSchema;
  write(record: LogRecord): void;
  close(): void;
}

/**
 * Zeek's WRITER_NONE: takes every record and writes nothing (no file), for
 * runs that want a stream's events, filters and metrics but not its output
 * (measuring the analysis without the cost of writing).
 */
export class NoneWriter implements LogFormatter {
  constructor(readonly schema: LogSchema) {}
  write(_record: LogRecord): void {}
  close(): void {}
}

/**
 * Columns added in front of every log's own (Zeek's `Log::default_ext_func`):
 * their values are asked for each record written, with the log's path. A
 * cluster names its sensor this way, or a shipper the stream.
 */
export interface LogExtension {
  /** The extension's columns, named without the prefix; a nested record's fields with dots ("inner.a"). */
  readonly fields: readonly LogField[];
  /** The values for one record of log `path` ("conn"), in `fields`' order or by name; null leaves them all unset. */
  values(path: string): LogRecord | NamedLogRecord | null;
}
