/** What every log writer offers: one record at a time, then close. */
import type { LogRecord, LogSchema } from "./schema.js";

export interface LogWriter {
  readonly schema: LogSchema;
  /** Formats and appends one record (values in the schema's field order). */
  write(record: LogRecord): void;
  /** Finishes the log (ASCII: the `#close` line, if the file was opened) and closes the sink. */
  close(): void;
}
