/**
 * The set of logs one run writes: creates a writer per stream (ASCII or JSON,
 * to files in a directory or to memory) and closes them all at the end.
 */
import { join } from "node:path";
import { AsciiWriter } from "./ascii-writer.js";
import { CheckedWriter } from "./checked-writer.js";
import { JsonWriter } from "./json-writer.js";
import type { LogSchema } from "./schema.js";
import { FileSink, type LogSink, MemorySink } from "./sink.js";
import type { LogWriter } from "./writer.js";

export interface LogOptions {
  /** JSON lines instead of Zeek's ASCII format (Zeek's `LogAscii::use_json=T`). */
  json?: boolean;
  /** Directory of the log files; default the current directory. */
  logdir?: string;
  /** Keep logs in memory instead of files (read them back with `text(path)`). */
  memory?: boolean;
  /** Wall clock for `#open`/`#close`. */
  clock?: () => Date;
  /**
   * Zeek's `Log::default_scope_sep`: what joins a nested record's field names
   * in the output (default "."; "_" writes `id_orig_h`, for stores that take
   * dots for paths). Scripts still name fields with dots.
   */
  scopeSep?: string;
}

export class LogManager {
  private readonly writers = new Map<string, LogWriter>();
  private readonly memory = new Map<string, MemorySink>();
  private closed = false;

  constructor(private readonly options: LogOptions = {}) {}

  /** Opens (once per path) the writer for a stream. Nothing touches the disk before the first record. */
  open(schema: LogSchema): LogWriter {
    const existing = this.writers.get(schema.path);
    if (existing) return existing;
    const sink = this.makeSink(schema.path);
    const out = this.outputSchema(schema);
    const format = this.options.json ? new JsonWriter(out, sink) : new AsciiWriter(out, sink, { clock: this.options.clock });
    const writer = new CheckedWriter(format, schema);
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

  /** The schema as written: field names joined with the scope separator. */
  private outputSchema(schema: LogSchema): LogSchema {
    const sep = this.options.scopeSep;
    if (sep === undefined || sep === ".") return schema;
    return { path: schema.path, fields: schema.fields.map((f) => ({ name: f.name.split(".").join(sep), type: f.type })) };
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
