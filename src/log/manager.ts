/**
 * The set of logs one run writes: creates a writer per stream (ASCII or JSON,
 * to files in a directory or to memory) and closes them all at the end.
 */
import { join } from "node:path";
import { AsciiWriter } from "./ascii-writer.js";
import { CheckedWriter } from "./checked-writer.js";
import { JsonWriter } from "./json-writer.js";
import type { LogRecord, LogSchema } from "./schema.js";
import { FileSink, type LogSink, MemorySink } from "./sink.js";
import type { LogExtension, LogFormatter, LogWriter, NamedLogRecord } from "./writer.js";

export type { LogExtension };

/** How every log's columns are named and extended: set at the start, or by a script before the first record (LogManager.configure). */
export interface LogLayout {
  /**
   * Zeek's `Log::default_scope_sep`: what joins a nested record's field names
   * in the output (default "."; "_" writes `id_orig_h`, for stores that take
   * dots for paths). Scripts still name fields with dots.
   */
  scopeSep?: string;
  /**
   * Zeek's `Log::default_field_name_map`: output names replaced, looked up
   * after the scope separator and the extension prefix are applied
   * (`{ "id.orig_h": "src" }`; with scopeSep "_", the key is "id_orig_h").
   * Scripts still name fields as their schema does.
   */
  fieldNameMap?: Readonly<Record<string, string>>;
  /** Zeek's `Log::default_ext_func`: columns in front of every log's own. */
  extension?: LogExtension;
  /** Zeek's `Log::default_ext_prefix`: what the extension's column names start with (default "_"). */
  extPrefix?: string;
}

export interface LogOptions extends LogLayout {
  /** JSON lines instead of Zeek's ASCII format (Zeek's `LogAscii::use_json=T`). */
  json?: boolean;
  /** Directory of the log files; default the current directory. */
  logdir?: string;
  /** Keep logs in memory instead of files (read them back with `text(path)`). */
  memory?: boolean;
  /** Wall clock for `#open`/`#close`. */
  clock?: () => Date;
}

export class LogManager {
  private readonly writers = new Map<string, LogWriter>();
  private readonly memory = new Map<string, MemorySink>();
  private closed = false;
  private options: LogOptions;
  /** The path of the first log that received a record (the layout is fixed from then on), null before. */
  private started: string | null = null;

  constructor(options: LogOptions = {}) {
    this.options = { ...options };
  }

  /**
   * Changes how every log's columns are named and extended (Zeek's redefs of
   * Log::default_*), for the whole run: allowed until the first record is
   * written to any log, as a script's start-up code does
   * (`export default (engine, { logs }) => logs.configure({ … })`).
   */
  configure(layout: LogLayout): void {
    if (this.started !== null) throw new Error(`log layout changed after ${this.started}.log received a record: configure logs before the first packet`);
    this.options = { ...this.options, ...layout };
  }

  /**
   * Opens (once per path) the writer for a stream. Nothing touches the disk
   * before the first record, and the output's columns are decided then (the
   * layout may still change until some log writes).
   */
  open(schema: LogSchema): LogWriter {
    const existing = this.writers.get(schema.path);
    if (existing) return existing;
    const writer = new LayoutWriter(schema, () => this.start(schema));
    this.writers.set(schema.path, writer);
    return writer;
  }

  /** In memory mode: everything written to `path` so far ("" when nothing). */
  text(path: string): string {
    return this.memory.get(path)?.text() ?? "";
  }

  /** Paths of the files (or memory logs) that received at least one record. */
  written(): string[] {
    const out: string[] = [];
    for (const [path, sink] of this.sinks) if (sink.opened) out.push(this.options.memory ? path : this.filename(path));
    return out;
  }

  /** Closes every writer (ASCII `#close` lines, final flush). Idempotent. */
  closeAll(): void {
    if (this.closed) return;
    this.closed = true;
    for (const writer of this.writers.values()) writer.close();
  }

  private readonly sinks = new Map<string, LogSink>();

  /** A stream's first record: its writer as the layout now says (output columns, extension, format). */
  private start(schema: LogSchema): CheckedWriter {
    this.started ??= schema.path;
    const sink = this.makeSink(schema.path);
    const out = this.outputSchema(schema);
    const format: LogFormatter = this.options.json ? new JsonWriter(out, sink) : new AsciiWriter(out, sink, { clock: this.options.clock });
    return new CheckedWriter(format, schema, this.options.extension ?? null);
  }

  /** The columns as written: the extension's (prefixed) then the stream's, nested names joined with the scope separator, then renamed by the field name map. */
  private outputSchema(schema: LogSchema): LogSchema {
    const { scopeSep = ".", fieldNameMap, extension, extPrefix = "_" } = this.options;
    if (scopeSep === "." && fieldNameMap === undefined && extension === undefined) return schema;
    const named = (name: string, prefix: string): string => {
      const joined = prefix + (scopeSep === "." ? name : name.split(".").join(scopeSep));
      return fieldNameMap !== undefined && Object.hasOwn(fieldNameMap, joined) ? fieldNameMap[joined]! : joined;
    };
    const ext = (extension?.fields ?? []).map((f) => ({ name: named(f.name, extPrefix), type: f.type }));
    return { path: schema.path, fields: [...ext, ...schema.fields.map((f) => ({ name: named(f.name, ""), type: f.type }))] };
  }

  private filename(path: string): string {
    return join(this.options.logdir ?? ".", `${path}.log`);
  }

  private makeSink(path: string): LogSink {
    let sink: LogSink;
    if (this.options.memory) {
      const m = new MemorySink();
      this.memory.set(path, m);
      sink = m;
    } else {
      sink = new FileSink(this.filename(path));
    }
    this.sinks.set(path, sink);
    return sink;
  }
}

/**
 * The writer a LogManager hands out before its stream's first record: the
 * output (sink, format, columns) is made at that record, so that the layout
 * a script sets at start-up applies to logs the built-in scripts opened
 * before it ran. A stream that never writes makes nothing.
 */
class LayoutWriter implements LogWriter {
  private writer: CheckedWriter | null = null;
  /** Closed before any record: a later one is refused, as a closed log's sink refuses it. */
  private closedUnused = false;

  constructor(
    readonly schema: LogSchema,
    private readonly start: () => CheckedWriter,
  ) {}

  write(record: LogRecord | NamedLogRecord): void {
    if (this.closedUnused) throw new Error(`log ${this.schema.path} written after close`);
    (this.writer ??= this.start()).write(record);
  }

  close(): void {
    if (this.writer === null) this.closedUnused = true;
    this.writer?.close();
  }
}
