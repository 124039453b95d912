/** What every log writer offers: one record at a time, then close. */
import type { LogRecord, LogSchema, LogValue } from "./schema.js";

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
