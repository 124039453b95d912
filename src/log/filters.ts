/**
 * Zeek's log filters (Log::add_filter, Log::remove_filter): a stream's
 * records go through each of its filters, in the order they were added, and
 * each filter writes the columns it selects to its own path. Every stream
 * starts with the filter "default" (all columns, the stream's path). A
 * filter may
 * - keep only some columns (`include`) or drop some (`exclude`), named as
 *   they are written, after Log::default_scope_sep (`id_orig_h` with "_");
 *   extension columns always stay, as in Zeek's TraverseRecord;
 * - choose each record's path (`pathFunc`, Zeek's path_func), given the
 *   filter's path and the record: conn.log split by direction, say;
 * - keep a record out (`policy`, Zeek's filter policy hook returning F).
 * A path belongs to the first filter that writes it: another filter that
 * asks for the same path writes to `path-2` (then `-3`…), as Zeek corrects
 * such conflicts, with a warning.
 */
import type { AsciiFormat } from "./ascii-writer.js";
import { FieldChecks, recordRefused } from "./checked-writer.js";
import { type ActiveWrite, type DelayContext, type DelayOwner, DelayQueue } from "./delay.js";
import type { JsonOptions } from "./json-writer.js";
import type { LogLayout } from "./manager.js";
import type { RotationInfo } from "./rotation.js";
import { type LogRecord, type LogSchema, type LogValue, scopedName } from "./schema.js";
import type { LogWriterName } from "./sqlite.js";
import { logStreamId } from "./stream-ids.js";
import type { LogWriter, NamedLogRecord } from "./writer.js";

/**
 * A filter of a stream. Its layout (scopeSep, fieldNameMap, extension,
 * extPrefix: Zeek's Filter$scope_sep, $field_name_map, $ext_func,
 * $ext_prefix), where given, replaces the run's for its files.
 */
export interface LogFilter extends LogLayout {
  /** Adding a filter with the name of one the stream has replaces that one; the stream's own is "default". */
  name: string;
  /** Where its records go ("conn_short": conn_short.log); default the stream's path. */
  path?: string;
  /** Zeek's path_func: each record's path, given the filter's path and the record by field name. */
  pathFunc?: (path: string, record: NamedLogRecord) => string;
  /** Only these columns (as written: after Log::default_scope_sep); extension columns always stay. */
  include?: readonly string[];
  /** Not these columns. */
  exclude?: readonly string[];
  /** Zeek's filter policy hook: false keeps the record out of this filter's output (default: the stream's policy, if it has one). */
  policy?: LogPolicy;
  /** Zeek's `$config` for the ASCII writer: this filter's separators, markers, meta lines or TSV mode (`{ tsv: true }`). */
  config?: Partial<AsciiFormat>;
  /** Zeek's `$config` for JSON output: this filter's json_timestamps, json_include_unset_fields or json_string_escape_policy, over the run's. */
  jsonConfig?: JsonOptions;
  /**
   * This filter's files as JSON lines (true) or Zeek's ASCII (false),
   * whatever the run's `--json` says: Zeek's `$config=table(["use_json"]="T")`
   * (the run's JSON options apply).
   */
  json?: boolean;
  /** Zeek's `$interv`: this filter's files rotate every this many seconds of network time (default Log::default_rotation_interval; 0: never). */
  interv?: number;
  /**
   * Zeek's `$postprocessor`: run for each rotated file of this filter (the
   * end of the run's included), in place of Log::default_rotation_postprocessor_cmd.
   */
  postprocessor?: (info: RotationInfo) => void;
  /** Zeek's `$writer`: this filter's writer, whatever Log::default_writer says (the LogManager's `writer`). */
  writer?: LogWriterName;
  /** Zeek's `$config=table(["gzip_level"]="…")`: this filter's files compressed at this level (0: plain), whatever LogAscii::gzip_level says. */
  gzipLevel?: number;
  /** Zeek's `$config=table(["tablename"]="…")` for the SQLite writer: the table its records go to (default the path). */
  tablename?: string;
}

/** A record's fields by name, as a policy hook sees them: it may change them. */
export type LogFields = { [field: string]: LogValue };

/**
 * Zeek's Log::PolicyHook, a stream's or a filter's: false vetoes the record
 * for the filter named `filter`. Fields it changes are written, by that
 * filter and by those after it (the record is shared, as in Zeek).
 */
export type LogPolicy = (record: LogFields, filter: string) => boolean;

/** Zeek's Log::log_stream_policy: once per write, before the filters; false vetoes the record for every filter (their hooks still run). `stream` is the Log::ID. */
export type LogStreamPolicy = (record: LogFields, stream: string) => boolean;

/** A handler of a stream's event (Zeek's Log::Stream $ev), given each record written (by field name). */
export type LogEventHandler = (record: LogFields) => void;

/** What a stream's filters need from the LogManager. */
export interface FilterOutputs {
  /** The writer of output `path` for `owner` (stream and filter), with `schema`'s columns in `filter`'s layout and format; null when another owner has the path. */
  output(owner: string, schema: LogSchema, filter: LogFilter): LogWriter | null;
  /** The scope separator `filter`'s files are written with (include and exclude name columns with it). */
  scopeSep(filter: LogFilter): string;
  /** A filter's path was changed to avoid another's (Zeek's reporter warning). */
  warn(message: string): void;
  /** The run's Log::log_stream_policy hooks, in the order they run. */
  readonly streamPolicies: readonly LogStreamPolicy[];
  /** Raises a stream's event: its handlers get the record (queued behind the running handler when there is an event queue, as Zeek's event is). */
  raise(handlers: readonly LogEventHandler[], record: LogFields): void;
  /** Log::delay's shared state: the writes whose stream hooks run, the clock and timers, the reporter. */
  readonly delays: DelayContext;
  /** The name of the filter whose output holds `path` for `filter` of stream and filter `owner`, as the warning names it. */
  holder(path: string, filter: LogFilter, owner: string): string;
}

/** A filter as a stream runs it: the columns it keeps (indices into the stream's), decided at its first record. */
interface ActiveFilter {
  readonly filter: LogFilter;
  readonly path: string;
  columns: number[] | null;
  /** Output writers by the path asked for (after any conflict's renaming). */
  readonly outputs: Map<string, LogWriter>;
}

/** The writer a LogManager hands out for a stream: it runs the stream's filters. */
export class StreamWriter implements LogWriter, DelayOwner {
  private readonly filters: ActiveFilter[];
  private readonly checks: FieldChecks;
  /** True while the stream has only its own default filter: records then go straight to its output. */
  private plain = true;
  /** That output, once the first record made it. */
  private direct: LogWriter | null = null;
  private closed = false;
  /** Records written to the stream (Zeek's zeek_log_stream_writes_total), before any filter's policy. */
  writes = 0;
  /** False while the stream is disabled (Zeek's Log::disable_stream): its records are dropped before anything else. */
  enabled = true;
  /** The stream's policy hook (Zeek's Log::Stream $policy), for its filters without one of their own. */
  private policy: LogPolicy | null = null;
  /** Handlers of the stream's event (Zeek's Log::Stream $ev), null while it has none. */
  private events: LogEventHandler[] | null = null;
  /** The stream's Log::ID, as its hooks are given it: its own, else Zeek's for its path ("Conn::LOG"), else the path. */
  readonly id: string;
  /** Its delayed writes (Log::delay), null until it has any. */
  private delayQueue: DelayQueue | null = null;
  /** Its fields without &log that a script logs all the same (logField). */
  private readonly alsoLogged = new Set<string>();

  constructor(
    readonly schema: LogSchema,
    private readonly outputs: FilterOutputs,
  ) {
    this.checks = new FieldChecks(schema.fields, "field");
    this.id = logStreamId(schema.path, schema.id).stream;
    this.filters = [this.prepare({ name: "default" })];
    // Records go to the default output as they are only when it has every field.
    this.plain = !schema.fields.some((f) => f.logged === false);
  }

  /** Adds `filter`, replacing the stream's filter of the same name. */
  add(filter: LogFilter): void {
    this.remove(filter.name);
    this.filters.push(this.prepare(filter));
    this.plain = false;
    this.direct = null;
  }

  /** Logs field `name`, which has no &log (LogField.logged): its filters' outputs made from now on have its column. */
  logField(name: string): void {
    this.alsoLogged.add(name);
    for (const f of this.filters) if (f.outputs.size === 0) f.columns = null;
  }

  /** Sets the stream's policy hook (Zeek's Log::Stream $policy). */
  setPolicy(policy: LogPolicy): void {
    this.policy = policy;
    this.hooked();
  }

  /** A handler of the stream's event (Zeek's Log::Stream $ev): each record written, while the stream is enabled. */
  onRecord(handler: LogEventHandler): void {
    (this.events ??= []).push(handler);
    this.hooked();
  }

  /** Records now go through hooks (the stream's, or Log::log_stream_policy): no more straight writes to the default output. */
  hooked(): void {
    this.plain = false;
    this.direct = null;
  }

  /** Removes the filter named `name` (Log::remove_filter); whether there was one. */
  remove(name: string): boolean {
    const at = this.filters.findIndex((f) => f.filter.name === name);
    if (at < 0) return false;
    this.filters.splice(at, 1);
    this.plain = false;
    this.direct = null;
    return true;
  }

  /** The names of its filters (Zeek's Log::get_filter_names), in the order they were added. */
  filterNames(): string[] {
    return this.filters.map((f) => f.filter.name);
  }

  write(record: LogRecord | NamedLogRecord): void {
    if (!this.enabled) return;
    this.writes++;
    if (this.direct !== null) {
      this.direct.write(record);
      return;
    }
    if (this.closed) throw new Error(`log ${this.schema.path} written after close`);
    if (this.plain) {
      // The output checks the record: no second pass here.
      this.direct = this.outputOf(this.filters[0]!, this.schema.path);
      this.direct.write(record);
      return;
    }
    const values = this.checks.values(record);
    if (typeof values === "string") throw recordRefused(this.schema.path, values);
    const hooked = this.outputs.streamPolicies.length > 0;
    if (!hooked && this.events === null) {
      this.toFilterOutputs(values, null, false);
      return;
    }
    // The hooks get the writer's own record, as Zeek's a record value (a delayed write sees what later code changes in it); rows, by name.
    const named = Array.isArray(record) ? this.named(values) : (record as LogFields);
    // The stream's event gets the record the hooks then see (and may change), as Zeek's $ev is raised before them.
    if (this.events !== null) this.outputs.raise(this.events, named);
    if (!hooked) {
      this.toFilterOutputs(values, named, false);
      return;
    }
    const write: ActiveWrite = { queue: this.queue, record: named, delayed: null };
    const vetoed = !this.outputs.delays.within(write, () => this.streamPolicy(named));
    if (write.delayed !== null) {
      // A delayed write waits in the stream's queue (Zeek's: only when not vetoed); a vetoed one goes on, its delay forgotten.
      if (!vetoed) {
        this.queue.enqueue(write.delayed);
        return;
      }
      this.queue.forget(write.delayed);
    }
    // The hooks may have changed the record: it is written as they left it.
    this.toFilterOutputs(this.changed(named), named, vetoed);
  }

  /** (For DelayQueue.) A record whose delay is over goes through the filters, as the post-delay callbacks left it. */
  toFilters(record: LogFields): void {
    if (this.closed) return;
    this.toFilterOutputs(this.changed(record), record, false);
  }

  /** The stream's delay queue (Log::delay), made at its first delayed record or delay setting. */
  get queue(): DelayQueue {
    if (this.delayQueue !== null) return this.delayQueue;
    const { maxInterval, maxSize } = this.outputs.delays.defaults();
    const { maxDelayInterval = maxInterval, maxDelayQueueSize = maxSize } = this.schema;
    return (this.delayQueue = new DelayQueue(this, this.outputs.delays, maxDelayInterval, maxDelayQueueSize));
  }

  /** Whether the stream ever delayed a record or was given delay settings (its queue exists). */
  get hasDelays(): boolean {
    return this.delayQueue !== null;
  }

  /** Each filter's policy, then its output (Zeek's WriteToFilters); `vetoed`: Log::log_stream_policy vetoed, the filters' hooks still run. */
  private toFilterOutputs(checked: LogRecord, streamNamed: LogFields | null, vetoed: boolean): void {
    let values = checked;
    let named = streamNamed;
    for (const f of this.filters) {
      const { pathFunc } = f.filter;
      const policy = f.filter.policy ?? this.policy;
      if (policy !== null || pathFunc !== undefined) named ??= this.named(values);
      if (policy !== null) {
        // A veto of Log::log_stream_policy stands; the filter's hook still runs, as Zeek's.
        if (!policy(named!, f.filter.name) || vetoed) continue;
        values = this.changed(named!);
      } else if (vetoed) continue;
      const path = pathFunc !== undefined ? pathFunc(f.path, named!) : f.path;
      this.outputOf(f, path).write(this.project(f, values));
    }
  }

  /** The run's Log::log_stream_policy hooks on a record: false when one vetoes it (the later ones do not run). */
  private streamPolicy(named: LogFields): boolean {
    return this.outputs.streamPolicies.every((hook) => hook(named, this.id));
  }

  /** The record's values after a policy hook, which may have changed its fields (checked again). */
  private changed(named: LogFields): LogRecord {
    const values = this.checks.values(named);
    if (typeof values === "string") throw recordRefused(this.schema.path, values);
    return values;
  }

  /** Closes the outputs of the stream's filters (the LogManager's closeAll closes every output, those of removed filters too). */
  close(): void {
    this.closed = true;
    for (const f of this.filters) for (const out of f.outputs.values()) out.close();
  }

  /** A filter as the stream runs it: its path (the stream's when it names none), its columns and outputs made at its first record. */
  private prepare(filter: LogFilter): ActiveFilter {
    return { filter, path: filter.path ?? this.schema.path, columns: null, outputs: new Map() };
  }

  /** The filter's writer for `path`: a path another filter owns becomes `path-2`, `path-3`… */
  private outputOf(f: ActiveFilter, path: string): LogWriter {
    const known = f.outputs.get(path);
    if (known !== undefined) return known;
    const columns = (f.columns ??= this.columnsOf(f.filter));
    const fields = columns.map((i) => this.schema.fields[i]!);
    const owner = `${this.schema.path}/${f.filter.name}`;
    const stream = { limits: this.schema.limits, id: this.schema.id, stream: this.schema.path };
    let writer = this.outputs.output(owner, { path, fields, ...stream }, f.filter);
    for (let n = 2; writer === null; n++) writer = this.outputs.output(owner, { path: `${path}-${n}`, fields, ...stream }, f.filter);
    if (writer.schema.path !== path) {
      const other = this.outputs.holder(path, f.filter, owner);
      this.outputs.warn(
        `Write using filter '${f.filter.name}' on path '${path}' changed to use new path '${writer.schema.path}' to avoid conflict with filter '${other}'`,
      );
    }
    f.outputs.set(path, writer);
    return writer;
  }

  /** The stream's columns the filter keeps, by index (include, then exclude, on the names as written). */
  private columnsOf(filter: LogFilter): number[] {
    const sep = this.outputs.scopeSep(filter);
    const include = filter.include === undefined ? null : new Set(filter.include);
    const exclude = filter.exclude === undefined ? null : new Set(filter.exclude);
    const kept: number[] = [];
    this.schema.fields.forEach((field, i) => {
      const name = scopedName(field.name, sep);
      if (field.logged === false && !this.alsoLogged.has(field.name)) return;
      if ((include === null || include.has(name)) && (exclude === null || !exclude.has(name))) kept.push(i);
    });
    return kept;
  }

  private project(f: ActiveFilter, values: LogRecord): LogRecord {
    const columns = (f.columns ??= this.columnsOf(f.filter));
    if (columns.length === this.schema.fields.length) return values;
    const out = new Array<LogValue>(columns.length);
    for (let k = 0; k < columns.length; k++) out[k] = values[columns[k]!];
    return out;
  }

  private named(values: LogRecord): LogFields {
    const out: LogFields = {};
    this.schema.fields.forEach((field, i) => {
      if (values[i] !== undefined) out[field.name] = values[i];
    });
    return out;
  }
}
