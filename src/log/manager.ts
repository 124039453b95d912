/**
 * The set of logs one run writes: creates a writer per stream (ASCII or JSON,
 * to files in a directory or to memory) and closes them all at the end.
 */
import { spawn } from "node:child_process";
import { mkdirSync, renameSync, unlinkSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import type { TimerClient } from "../session/timers.js";
import { type AsciiFormat, AsciiWriter, asciiFormat } from "./ascii-writer.js";
import { CheckedWriter } from "./checked-writer.js";
import { DelayContext, LogDelayToken, type PostDelayCallback } from "./delay.js";
import { type FilterOutputs, type LogEventHandler, type LogFields, type LogFilter, type LogPolicy, type LogStreamPolicy, StreamWriter } from "./filters.js";
import { type ConnIdContext, withConnIdContext } from "./id-context.js";
import { type JsonOptions, JsonWriter } from "./json-writer.js";
import { findLeftoverLogs, type LeftoverLog, shadowFile, writeShadowFile } from "./leftover.js";
import { type LimitWeird, type LogLimits, RecordLimits, ZEEK_LOG_LIMITS } from "./limits.js";
import {
  DEFAULT_ROTATION_DATE_FORMAT,
  type LogRotationServices,
  nextRotationDelay,
  parseRotateBaseTime,
  postprocessorCommand,
  postprocessorEnv,
  postprocessorStamp,
  type RotationFormatInfo,
  type RotationInfo,
  type RotationPath,
  rotatedFilePath,
  rotationDateStamp,
} from "./rotation.js";
import { type LogRecord, type LogSchema, scopedName } from "./schema.js";
import { FileSink, type LogSink, MemorySink } from "./sink.js";
import type { LogWriterName } from "./sqlite.js";
import { SqliteFiles } from "./sqlite-files.js";
import { type SqliteFormat, SqliteWriter, type WriterMessage, ZEEK_SQLITE_FORMAT } from "./sqlite-writer.js";
import { logStreamId } from "./stream-ids.js";
import { type LogExtension, type LogFormatter, type LogWriter, type NamedLogRecord, NoneWriter } from "./writer.js";

export type { LogEventHandler, LogExtension, LogFilter };

/**
 * Zeek's Log::rotation_format_func: a rotated file's name and directory. A
 * function that gives nothing (undefined) or throws is reported, and the file
 * named `path-%y-%m-%d_%H.%M.%S` (its open time) instead, as Zeek falls back.
 */
export type RotationFormat = (info: RotationFormatInfo) => RotationPath | undefined;

/** A postprocessor of rotated files (Zeek's `function(info: Log::RotationInfo): bool`, a filter's $postprocessor). */
export type RotationPostprocessor = (info: RotationInfo) => void;
export { LogDelayToken, type PostDelayCallback };

const STDOUT = 1;
/** A filter path that writes to standard output (Zeek's ASCII writer special-cases it). */
const STDOUT_PATH = "/dev/stdout";

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
  /** The ASCII format's separators, markers and meta lines (LogAscii::separator, set_separator, empty_field, unset_field, include_meta, meta_prefix). */
  asciiFormat?: Partial<AsciiFormat>;
  /** With `json`: how times are written and whether unset fields appear (LogAscii::json_timestamps, json_include_unset_fields). */
  jsonOptions?: JsonOptions;
  /** Zeek's LogAscii::gzip_level: logs compressed at this level (1-9), named `conn.log.gz`; 0 or absent: plain. */
  gzipLevel?: number;
  /** Zeek's LogAscii::gzip_file_extension: what a compressed log's name ends with after `.log` (default "gz"). */
  gzipExtension?: string;
  /** Zeek's LogAscii::output_to_stdout: every log written to standard output instead of files (not rotated). */
  stdout?: boolean;
  /** With `stdout`: its reader went away (`bronze … | head`); later records are dropped. The CLI stops reading then. */
  onBrokenPipe?: () => void;
  /** Directory of the log files; default the current directory. */
  logdir?: string;
  /** Keep logs in memory instead of files (read them back with `text(path)`). */
  memory?: boolean;
  /** Wall clock for `#open`/`#close`. */
  clock?: () => Date;
  /**
   * Rotation (Zeek's Log::default_rotation_interval, rotation.ts): the
   * engine's clock, timers and settings, read as each log opens. The
   * built-in scripts pass the engine's; without it logs never rotate.
   */
  rotation?: LogRotationServices;
  /**
   * Zeek's Log::rotation_format_func: the rotated file's name (without
   * ".log") and directory; default `path.%Y-%m-%d-%H-%M-%S` (after the open
   * time), or `path-%y-%m-%d_%H.%M.%S` for a filter with a postprocessor of
   * its own, in Log::default_rotation_dir.
   */
  rotationFormat?: RotationFormat;
  /** Called for each rotated file after its postprocessor command (if any) is started: a library user's own postprocessor. */
  onRotated?: (info: RotationInfo) => void;
  /** Warnings (a filter's path changed to avoid another's); default: a line on standard error. */
  onWarning?: (message: string) => void;
  /** Columns a script added to conn_id's ctx (policy/frameworks/conn_key/vlan_fivetuple): every log with an `id` gets them. */
  connIdContext?: ConnIdContext;
  /** Zeek's Log::default_max_* bounds on a record's strings and lists (limits.ts); a stream's schema may have its own. Default Zeek's. */
  limits?: Partial<LogLimits>;
  /** A value was cut to those bounds: the weird and the stream's Log::ID ("HTTP::LOG"), as Zeek reports it (a weird without a connection). */
  onLimit?: (weird: LimitWeird, stream: string) => void;
  /** The log files' extension (Zeek's $ZEEK_LOG_SUFFIX; default "log"): `conn.txt` with "txt". */
  logSuffix?: string;
  /** Zeek's Log::enable_local_logging: false writes no log at all (every filter as WRITER_NONE: records still checked and counted). */
  localLogging?: boolean;
  /** Zeek's Log::default_writer: the writer of filters that name none (default WRITER_ASCII: ASCII, or JSON with `json`). */
  writer?: LogWriterName;
  /** Zeek's LogSQLite options, for the SQLite writer's databases. */
  sqlite?: Partial<SqliteFormat>;
  /**
   * The writers' messages (the SQLite writer's info and errors, as Zeek's
   * writer threads report them), each starting with the writer's name
   * ("conn/Log::WRITER_SQLITE: …"); default: a line on standard error.
   */
  onWriterMessage?: WriterMessage;
  /** Zeek's Log::default_max_delay_interval: how long Log::delay may hold a record of a stream that sets none (default 0.2 s). */
  maxDelayInterval?: number;
  /** Zeek's Log::default_max_delay_queue_size (default 1000). */
  maxDelayQueueSize?: number;
  /** The engine's event queue: a stream's event (onRecord) runs after the handler that wrote the record, as Zeek queues it; without one, at once. */
  queueEvent?: (fn: () => void) => void;
  /**
   * The run's event groups, for streams' $event_groups (LogSchema.eventGroups):
   * switches the module group and the attribute group of a name, each where
   * it exists (Zeek's disable_stream checks has_module_events and has_event_group).
   */
  eventGroups?: (name: string, enabled: boolean) => void;
  /** Zeek's reporter errors of the logging framework (a bad Log::delay or Log::delay_finish call); default: a line on standard error. */
  onError?: (message: string) => void;
}

/** What one filter's output wrote, for Zeek's log writer metrics. */
export interface OutputCounts {
  filter: string;
  path: string;
  writes: number;
  truncatedStrings: number;
  truncatedContainers: number;
  /** Records dropped as larger than Log::max_log_record_size (zeek_log_writer_discarded_writes_total). */
  discardedWrites: number;
}

export class LogManager {
  /** The streams, by their path. */
  private readonly streams = new Map<string, StreamWriter>();
  /** What open hands out for each stream: the stream, or the writer that adds conn_id's ctx columns to its rows. */
  private readonly opened = new Map<string, LogWriter>();
  /** Filter changes asked for streams not opened yet (a filter, or the name of one to remove), applied in order at open. */
  private readonly pendingFilters = new Map<string, (LogFilter | string)[]>();
  /** Handlers of streams' events (onRecord) asked before the stream opened. */
  private readonly pendingEvents = new Map<string, LogEventHandler[]>();
  /** Fields without &log that scripts log (logField), by the path of a stream not opened yet. */
  private readonly pendingLogged = new Map<string, string[]>();
  /** Streams disabled before they were opened. */
  private readonly disabledBeforeOpen = new Set<string>();
  /**
   * The output files (or memory logs) by path, each with the stream and
   * filter that write it ("conn/default"). A SQLite output's key is also its
   * stream's and writer's: Zeek checks a path against the writers of the
   * same stream and writer only, and two streams may write tables of one
   * database (an ASCII file has one writer at a time, so bronze keeps
   * ASCII and JSON paths unique across streams).
   */
  private readonly outputs = new Map<string, { owner: string; writer: LayoutWriter }>();
  /** The SQLite writers' messages not delivered yet, and whether they are being delivered (a message may start reporter.log's writer, whose own message then waits its turn). */
  private readonly writerMessages: Array<[level: "info" | "error", message: string]> = [];
  private deliveringMessages = false;
  /** The SQLite databases written to, by path. */
  private readonly databases = new Set<string>();
  /** Their connections, made with the first SQLite output. */
  private sqliteFiles: SqliteFiles | null = null;
  /** Log::log_stream_policy's hooks (onStreamPolicy). */
  private readonly streamPolicies: LogStreamPolicy[] = [];
  private readonly filterOutputs: FilterOutputs = {
    streamPolicies: this.streamPolicies,
    output: (owner, schema, filter) => this.output(owner, schema, filter),
    scopeSep: (filter) => this.layoutFor(filter).scopeSep ?? ".",
    warn: (message) => (this.options.onWarning ?? ((m: string) => process.stderr.write(`bronze: warning: ${m}\n`)))(message),
    delays: new DelayContext(
      () => this.options.rotation,
      (message) => this.reportError(message),
      (message) => this.filterOutputs.warn(message),
      () => ({ maxInterval: this.options.maxDelayInterval, maxSize: this.options.maxDelayQueueSize }),
    ),
    raise: (handlers, record) => {
      const run = (): void => {
        for (const h of handlers) h(record);
      };
      const queue = this.options.queueEvent;
      if (queue === undefined) run();
      else queue(run);
    },
    holder: (path, filter, owner) => {
      const holder = this.outputs.get(this.outputKey(path, filter, owner))?.owner ?? "";
      return holder.slice(holder.lastIndexOf("/") + 1);
    },
  };
  private readonly memory = new Map<string, MemorySink>();
  private closed = false;
  private options: LogOptions;
  /** The path of the first log that received a record (the layout is fixed from then on), null before. */
  private started: string | null = null;
  /** The rotated files' names so far (without ".log"), in rotation order. */
  private readonly rotatedFiles: string[] = [];
  /** Postprocessors by name (registerPostprocessor): what a shadow file names, and what rotateLeftoverLogs looks up. */
  private readonly postprocessors = new Map<string, RotationPostprocessor>();

  constructor(options: LogOptions = {}) {
    this.options = { ...options };
    // A separator the format cannot take is refused now, not at the first record.
    if (options.asciiFormat !== undefined) asciiFormat(options.asciiFormat);
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

  /** Zeek's redef of Log::rotation_format_func, from a script: how rotated files are named from now on (see LogOptions.rotationFormat). */
  setRotationFormat(format: RotationFormat): void {
    this.options.rotationFormat = format;
  }

  /**
   * Names a postprocessor, as a script's global function has a name in
   * Zeek: a rotating log's shadow file names its filter's postprocessor so
   * (else by the function's own name), and rotateLeftoverLogs finds it by
   * that name at the next start. Register before the run starts.
   */
  registerPostprocessor(name: string, postprocessor: RotationPostprocessor): void {
    this.postprocessors.set(name, postprocessor);
  }

  /**
   * Zeek's leftover log rotation (LogAscii::enable_leftover_log_rotation), at
   * start-up: each log of the log directory that has a shadow file (a run
   * died with it open) is renamed as rotation names it (open time: the
   * shadow file's) and given to the postprocessor its shadow file names,
   * else to the default one (Log::default_rotation_postprocessor_cmd);
   * shadow files without their log are removed. Logs kept in memory: nothing.
   * A log that cannot be renamed is Zeek's fatal error, which ends its run
   * before anything else: `fatal` is given the message and no other log is
   * touched (without `fatal`, the message is an error and the others go on).
   * Only the first call looks, and only with the setting on.
   */
  rotateLeftoverLogs(fatal?: (message: string) => void): void {
    const r = this.options.rotation;
    if (this.options.memory || r === undefined || r.settings["LogAscii::enable_leftover_log_rotation"] !== true || this.leftoversRotated) return;
    this.leftoversRotated = true;
    const dir = resolve(this.options.logdir ?? ".");
    const reports = { warning: this.filterOutputs.warn, error: (m: string) => this.reportError(m) };
    for (const leftover of findLeftoverLogs(dir, this.extension(this.options.gzipLevel ?? 0, "gz"), reports)) {
      const failure = this.rotateLeftover(leftover);
      if (failure === null) continue;
      if (fatal === undefined) this.reportError(failure);
      else return fatal(failure);
    }
  }

  /** Leftover logs are looked for once (the command line does it before its run, else zeek_init's handler does). */
  private leftoversRotated = false;

  /**
   * One leftover log: its postprocessor looked up, the file renamed, the
   * shadow file removed, the postprocessor run. Returns why the file could
   * not be renamed, or null.
   */
  private rotateLeftover(leftover: LeftoverLog): string | null {
    const { file, path, open, close, postprocessor: name } = leftover;
    const own = name === "" ? undefined : this.postprocessors.get(name);
    if (name !== "" && own === undefined)
      this.filterOutputs.warn(`Could not postprocess log '${file}' with intended postprocessor function '${name}', proceeding  with the default function`);
    const target = this.rotationPath(path, open, close, false, own !== undefined);
    const dir = this.rotationDir(target.dir);
    const info: RotationInfo = { fname: target.fileBasename + leftover.extension, path, open, close, terminating: false, dir };
    const rotated = join(dir, info.fname);
    try {
      renameSync(file, rotated);
    } catch (error) {
      return `Found leftover/unprocessed log '${file}', but failed to rotate it: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.removeShadow(leftover.shadow);
    try {
      this.postprocess(info, own);
    } catch {
      this.filterOutputs.warn(`Postprocess function '${name || "Log::__default_rotation_postprocessor"}' failed for leftover log '${file}'`);
      return null;
    }
    this.options.onWriterMessage?.("info", `Rotated/postprocessed leftover log '${file}' -> '${rotatedFilePath(info)}' `);
    return null;
  }

  private reportError(message: string): void {
    (this.options.onError ?? ((m: string) => process.stderr.write(`bronze: error: ${m}\n`)))(message);
  }

  /** Removes a shadow file (its log was rotated); an error if it cannot be. */
  private removeShadow(shadow: string): void {
    try {
      unlinkSync(shadow);
    } catch (error) {
      this.reportError(`cannot unlink ${shadow}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Opens (once per path) the writer for a stream. Nothing touches the disk
   * before the first record, and the output's columns are decided then (the
   * layout may still change until some log writes).
   */
  open(schema: LogSchema): LogWriter {
    const existing = this.opened.get(schema.path);
    if (existing) return existing;
    const context = withConnIdContext(schema, this.options.connIdContext);
    const stream = new StreamWriter(context.schema, this.filterOutputs);
    this.streams.set(schema.path, stream);
    for (const change of this.pendingFilters.get(schema.path) ?? []) {
      if (typeof change === "string") stream.remove(change);
      else stream.add(change);
    }
    this.pendingFilters.delete(schema.path);
    for (const name of this.pendingLogged.get(schema.path) ?? []) stream.logField(name);
    this.pendingLogged.delete(schema.path);
    for (const handler of this.pendingEvents.get(schema.path) ?? []) stream.onRecord(handler);
    this.pendingEvents.delete(schema.path);
    stream.enabled = !this.disabledBeforeOpen.has(schema.path);
    if (this.streamPolicies.length > 0) stream.hooked();
    const writer = context.wrap(stream);
    this.opened.set(schema.path, writer);
    return writer;
  }

  /**
   * Zeek's Log::add_filter: the records of stream `path` ("conn") also go
   * through `filter` (one with the same name is replaced; "default" is the
   * stream's own). A stream not opened yet gets it when it opens.
   */
  addFilter(path: string, filter: LogFilter): void {
    // A format the ASCII writer cannot take is refused now, not at the filter's first record.
    if (filter.config !== undefined) asciiFormat({ ...this.options.asciiFormat, ...filter.config });
    const stream = this.streams.get(path);
    if (stream !== undefined) stream.add(filter);
    else this.pending(path).push({ ...filter });
  }

  /**
   * Zeek's `redef record X::Info$field += { &log }`: stream `path`'s field
   * `name`, which it carries without logging it (LogField.logged), gets its
   * column in the stream's files, where the record has it. Asked before the
   * stream's first record, as a script's start-up code does.
   */
  logField(path: string, name: string): void {
    const stream = this.streams.get(path);
    if (stream !== undefined) return stream.logField(name);
    const list = this.pendingLogged.get(path) ?? [];
    list.push(name);
    this.pendingLogged.set(path, list);
  }

  /**
   * A handler of stream `path`'s event (Zeek's Log::Stream $ev, `log_conn`
   * for conn.log): each record written to the enabled stream, by field
   * name, before its hooks and filters run; with the engine's event queue,
   * the handler runs after the code that wrote it, so it sees what the
   * hooks changed. A stream that has one leaves the write path's shortcut.
   */
  onRecord(path: string, handler: LogEventHandler): void {
    const stream = this.streams.get(path);
    if (stream !== undefined) stream.onRecord(handler);
    else {
      const list = this.pendingEvents.get(path) ?? [];
      list.push(handler);
      this.pendingEvents.set(path, list);
    }
  }

  /**
   * Zeek's Log::disable_stream and enable_stream: while a stream is
   * disabled its records are dropped (no file, no filter runs); a stream
   * not opened yet opens disabled.
   */
  disableStream(path: string): void {
    this.setEnabled(path, false);
  }

  enableStream(path: string): void {
    this.setEnabled(path, true);
  }

  private setEnabled(path: string, enabled: boolean): void {
    const stream = this.streams.get(path);
    // The stream's event groups switch with it (Zeek does it for a stream it knows, whether or not its state changes).
    const groups = this.options.eventGroups;
    if (groups !== undefined) for (const name of stream?.schema.eventGroups ?? []) groups(name, enabled);
    if (stream !== undefined) stream.enabled = enabled;
    else if (enabled) this.disabledBeforeOpen.delete(path);
    else this.disabledBeforeOpen.add(path);
  }

  /**
   * Zeek's Log::Stream $policy: the policy hook of stream `path` (opened),
   * run for each of its filters that has none of its own; false vetoes the
   * record for that filter, and the fields it changes are written.
   */
  setStreamPolicy(path: string, policy: LogPolicy): void {
    const stream = this.streams.get(path);
    if (stream === undefined) throw new Error(`no log stream ${path}: open it before setting its policy`);
    stream.setPolicy(policy);
  }

  /**
   * A handler of Zeek's Log::log_stream_policy hook: every record of every
   * stream, once per write and before the filters' hooks; false vetoes it
   * (the filters' hooks still run). Handlers run in the order added; a veto
   * ends the hook. Streams then leave their fast path: a run-wide hook costs
   * every write.
   */
  onStreamPolicy(hook: LogStreamPolicy): void {
    this.streamPolicies.push(hook);
    for (const stream of this.streams.values()) stream.hooked();
  }

  /**
   * Zeek's Log::delay, in a Log::log_stream_policy hook (onStreamPolicy):
   * holds back the record being written to stream `id` (the hook's `record`
   * and `stream` arguments) until `delayFinish` with the token returned, the
   * stream's max_delay_interval of network time, or its queue overflowing;
   * then `postDelay` (if any) may change the record, delay it again, or
   * discard it (false). Elsewhere, or with another record: an error and an
   * invalid token.
   */
  delay(id: string, record: LogFields, postDelay?: PostDelayCallback): LogDelayToken {
    const write = this.filterOutputs.delays.active.at(-1);
    if (write === undefined) return this.badDelay("invalid Log::delay() call: outside of Log::log_stream_policy() hook");
    if (write.queue.owner !== this.streamById(id) || write.record !== record)
      return this.badDelay("invalid Log::delay() call: argument mismatch with active Log::write()");
    return write.queue.delay(write, postDelay);
  }

  /** Zeek's Log::delay_finish: releases one Log::delay of `record` on stream `id`; the last one lets the write go on now. False (and an error) when they do not belong together. */
  delayFinish(id: string, record: LogFields, token: LogDelayToken): boolean {
    return this.streamById(id)?.queue.finish(record, token) ?? false;
  }

  /** Zeek's Log::set_max_delay_interval: stream `id`'s delays may last `seconds` (only ever raised); false for a stream not opened. */
  setMaxDelayInterval(id: string, seconds: number): boolean {
    const queue = this.streamById(id)?.queue;
    if (queue === undefined) return false;
    queue.maxInterval = Math.max(queue.maxInterval, seconds);
    return true;
  }

  /** Zeek's Log::set_max_delay_queue_size: stream `id` holds at most `size` delayed records, the oldest released now if it holds more; false for a stream not opened. */
  setMaxDelayQueueSize(id: string, size: number): boolean {
    const queue = this.streamById(id)?.queue;
    if (queue === undefined) return false;
    queue.resize(size);
    return true;
  }

  /** Zeek's Log::get_delay_queue_size: stream `id`'s delayed records; -1 for a stream not opened. */
  delayQueueSize(id: string): number {
    const stream = this.streamById(id);
    if (stream === undefined) return -1;
    return stream.hasDelays ? stream.queue.size : 0;
  }

  /** The open stream whose Log::ID ("SSH::LOG") or path is `id`. */
  private streamById(id: string): StreamWriter | undefined {
    for (const stream of this.streams.values()) if (stream.id === id || stream.schema.path === id) return stream;
    return undefined;
  }

  private badDelay(message: string): LogDelayToken {
    this.filterOutputs.delays.error(message);
    return new LogDelayToken(0);
  }

  /** Zeek's Log::get_filter_names: the filters of stream `path` (none for a stream not opened). */
  filterNames(path: string): string[] {
    return this.streams.get(path)?.filterNames() ?? [];
  }

  /** Zeek's Log::remove_filter (`"default"`: Log::remove_default_filter); false when the open stream has no such filter. */
  removeFilter(path: string, name: string): boolean {
    const stream = this.streams.get(path);
    if (stream !== undefined) return stream.remove(name);
    this.pending(path).push(name);
    return true;
  }

  private pending(path: string): (LogFilter | string)[] {
    let list = this.pendingFilters.get(path);
    if (list === undefined) this.pendingFilters.set(path, (list = []));
    return list;
  }

  /** The writer of output `schema.path` for `owner`; null when another owner, or other columns, have that path. */
  private output(owner: string, schema: LogSchema, filter: LogFilter): LayoutWriter | null {
    if (this.closed) throw new Error(`log ${schema.path} written after close`);
    const key = this.outputKey(schema.path, filter, owner);
    const known = this.outputs.get(key);
    if (known !== undefined) return known.owner === owner && sameColumns(known.writer.schema, schema) ? known.writer : null;
    const writer = new LayoutWriter(schema, this, filter);
    this.outputs.set(key, { owner, writer });
    return writer;
  }

  /** The key of output `path` in `outputs` for `filter` of `owner` ("conn/default"): the path, with the stream for a SQLite writer's (see outputs). */
  private outputKey(path: string, filter: LogFilter, owner: string): string {
    return this.writerOf(filter) === "WRITER_SQLITE" ? `${owner.slice(0, owner.lastIndexOf("/"))}\0sqlite\0${path}` : path;
  }

  /**
   * Each stream's record count, and its filters' outputs' (records a filter
   * passed on, by filter name and path), for Zeek's zeek_log_stream_writes_total
   * and zeek_log_writer_writes_total: streams and outputs that wrote.
   */
  writeCounts(): Array<{ stream: string; id: string | undefined; writes: number; outputs: OutputCounts[] }> {
    const out = [];
    for (const [path, stream] of this.streams) {
      if (stream.writes === 0) continue;
      const outputs = [];
      for (const { owner, writer } of this.outputs.values()) {
        const slash = owner.lastIndexOf("/");
        if (owner.slice(0, slash) !== path || writer.writes === 0) continue;
        const { writes, truncatedStrings, truncatedContainers, discardedWrites } = writer;
        outputs.push({ filter: owner.slice(slash + 1), path: writer.schema.path, writes, truncatedStrings, truncatedContainers, discardedWrites });
      }
      out.push({ stream: path, id: stream.schema.id, writes: stream.writes, outputs });
    }
    return out;
  }

  /** In memory mode: everything written to `path` so far ("" when nothing). */
  text(path: string): string {
    return this.memory.get(path)?.text() ?? "";
  }

  /** Paths of the files (or memory logs) that received at least one record: rotated ones first, in rotation order; then the SQLite databases written to. */
  written(): string[] {
    const out: string[] = [...this.rotatedFiles];
    for (const [path, sink] of this.sinks) if (sink.opened) out.push(this.options.memory ? path : this.filename(path));
    return [...out, ...this.databases];
  }

  /** Closes every writer (ASCII `#close` lines, final flush; a rotating log's file gets its rotated name). Idempotent. */
  closeAll(): void {
    if (this.closed) return;
    // Records still delayed are written first, as Zeek's timers expire at shutdown.
    for (const stream of this.streams.values()) if (stream.hasDelays) stream.queue.drain();
    this.closed = true;
    for (const { writer } of this.outputs.values()) writer.close();
  }

  private readonly sinks = new Map<string, LogSink>();

  /**
   * (For LayoutWriter.) A stream's first record (or its first after a rotation): its writer as
   * the layout now says (output columns, extension, format). The first one
   * also starts the stream's rotation timer when rotation is on, as Zeek
   * installs it when it creates the writer.
   */
  startWriter(w: LayoutWriter): CheckedWriter {
    const schema = w.schema;
    this.started ??= schema.path;
    const writer = this.writerOf(w.filter);
    if (writer === "WRITER_SQLITE") return this.startSqlite(w);
    const layout = this.layoutFor(w.filter);
    const out = this.outputSchema(schema, layout);
    if (writer === "WRITER_NONE") return new CheckedWriter(new NoneWriter(out), schema, layout.extension ?? null, this.recordLimits(w, out));
    // Standard output is not a file to rename (Zeek's ASCII writer does not rotate special files).
    if (w.openTime < 0 && !this.toStdout(schema.path)) this.scheduleRotation(w);
    const gzipLevel = w.filter.gzipLevel ?? this.options.gzipLevel ?? 0;
    const sink = this.makeSink(schema.path, gzipLevel);
    if (w.openTime >= 0 && !this.options.memory && this.options.rotation?.settings["LogAscii::enable_leftover_log_rotation"] === true)
      this.shadow(w, gzipLevel);
    const format: LogFormatter =
      (w.filter.json ?? this.options.json)
        ? new JsonWriter(out, sink, { ...this.options.jsonOptions, ...w.filter.jsonConfig })
        : new AsciiWriter(out, sink, { clock: this.options.clock, format: { ...this.options.asciiFormat, ...w.filter.config } });
    return new CheckedWriter(format, schema, layout.extension ?? null, this.recordLimits(w, out));
  }

  /** A rotating log's shadow file (leftover.ts), written as its file opens: its extension and its filter's postprocessor's name. */
  private shadow(w: LayoutWriter, gzipLevel: number): void {
    const own = w.filter.postprocessor;
    let name = "";
    if (own !== undefined) {
      name = own.name;
      for (const [registered, fn] of this.postprocessors) if (fn === own) name = registered;
    }
    const file = this.filename(w.schema.path, gzipLevel);
    writeShadowFile(file, this.extension(gzipLevel), name);
    w.shadow = shadowFile(file);
  }

  /** The bounds of `w`'s stream over its output's columns `out`: each cut counted by `w` and reported to onLimit under the stream's Log::ID. */
  private recordLimits(w: LayoutWriter, out: LogSchema): RecordLimits {
    const schema = w.schema;
    const id = logStreamId(schema.stream ?? schema.path, schema.id).stream;
    const onLimit = this.options.onLimit;
    const limits = { ...ZEEK_LOG_LIMITS, ...this.options.limits, ...schema.limits };
    return new RecordLimits(out.fields, limits, (weird) => {
      if (weird === "log_string_field_truncated") w.truncatedStrings++;
      else if (weird === "log_container_field_truncated") w.truncatedContainers++;
      else w.discardedWrites++;
      onLimit?.(weird, id);
    });
  }

  /** Filter `filter`'s writer: its own, else Log::default_writer. */
  private writerOf(filter: LogFilter): LogWriterName {
    if (this.options.localLogging === false) return "WRITER_NONE";
    return filter.writer ?? this.options.writer ?? "WRITER_ASCII";
  }

  /**
   * A SQLite output's writer: its table in `<path>.sqlite` of the log
   * directory (a file even when the other logs are kept in memory). It is
   * not rotated: Zeek's SQLite writer rotates nothing and runs no
   * postprocessor. Its messages wait for deliverWriterMessages.
   */
  private startSqlite(w: LayoutWriter): CheckedWriter {
    const layout = this.layoutFor(w.filter);
    const file = join(this.options.logdir ?? ".", `${w.schema.path}.sqlite`);
    this.databases.add(file);
    const format = { ...ZEEK_SQLITE_FORMAT, ...this.options.sqlite };
    // Messages of its start wait until the writer is in place; later ones (a failed INSERT) go out at once.
    let starting = true;
    const report: WriterMessage = (level, message) => {
      this.writerMessages.push([level, message]);
      if (!starting) this.deliverWriterMessages();
    };
    this.sqliteFiles ??= new SqliteFiles();
    const out = this.outputSchema(w.schema, layout);
    const writer = new SqliteWriter(out, this.sqliteFiles, file, w.filter.tablename, format, report);
    starting = false;
    return new CheckedWriter(writer, w.schema, layout.extension ?? null, this.recordLimits(w, out));
  }

  /**
   * (For LayoutWriter, after a writer started.) The writers' messages, in
   * order, as Zeek's main loop takes its writer threads' messages: after the
   * writer is in place, so that a message that starts reporter.log's own
   * writer finds its stream's writer there.
   */
  deliverWriterMessages(): void {
    if (this.deliveringMessages) return;
    this.deliveringMessages = true;
    try {
      const toStderr: WriterMessage = (level, m) => void process.stderr.write(`bronze: ${level === "error" ? "error: " : ""}${m}\n`);
      // Once the logs close (a last commit failing), reporter.log cannot take a row: stderr only.
      const deliver = this.closed ? toStderr : (this.options.onWriterMessage ?? toStderr);
      for (let next = this.writerMessages.shift(); next !== undefined; next = this.writerMessages.shift()) deliver(next[0], next[1]);
    } finally {
      this.deliveringMessages = false;
    }
  }

  /**
   * The stream's next rotation (Zeek's InstallRotationTimer): its file's
   * period starts now. Before the first packet network time is still 0:
   * Zeek's timer then is due at time 1, so it fires at the first packet,
   * without rotating, and the period starts there (a log opened in zeek_init
   * is named by the first packet's time, not 1970's); a run without
   * packets keeps the open time 0.
   */
  private scheduleRotation(w: LayoutWriter): void {
    const r = this.options.rotation;
    const interval = w.filter.interv ?? r?.settings["Log::default_rotation_interval"] ?? 0;
    if (r === undefined || !(interval > 0)) return;
    if (r.networkTime?.() === 0) {
      w.openTime = 0;
      w.periodPending = true;
      r.scheduleClient(w, 1);
      return;
    }
    const now = r.clock.now;
    w.openTime = now;
    r.scheduleClient(w, now + nextRotationDelay(now, interval, parseRotateBaseTime(r.settings.log_rotate_base_time)));
  }

  /**
   * (For LayoutWriter.) A stream's rotation timer (Zeek's RotationTimer): its
   * file so far is rotated, the next period starts; the timer set before the
   * first packet only starts the period. At the end of input nothing:
   * closeAll rotates after the last records.
   */
  rotationDue(w: LayoutWriter, atEnd: boolean): void {
    if (atEnd || this.closed) return;
    if (w.periodPending) w.periodPending = false;
    else this.rotate(w, false);
    this.scheduleRotation(w);
  }

  /**
   * Where a rotated file goes (Zeek's RotationPath$dir): Log::default_rotation_dir,
   * relative to the log directory and made when first needed (when it cannot
   * be made: a warning, and the log directory, as Zeek falls back to its
   * working directory), else the log directory.
   */
  private rotationDir(own: string | undefined): string {
    const logdir = this.options.logdir ?? ".";
    const wanted = own || this.options.rotation!.settings["Log::default_rotation_dir"];
    if (wanted === "") return logdir;
    const dir = isAbsolute(wanted) ? wanted : join(logdir, wanted);
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch (error) {
      this.filterOutputs.warn(`cannot create rotation directory ${dir} (${error instanceof Error ? error.message : String(error)}): rotating in ${logdir}`);
      return logdir;
    }
  }

  /** (For LayoutWriter.) Closes the stream's file, if it has one since the last rotation, and gives it its rotated name (Zeek's Rotate and the ASCII writer's DoRotate). */
  rotate(w: LayoutWriter, terminating: boolean): void {
    const writer = w.detach();
    if (writer === null) return;
    writer.close();
    const path = w.schema.path;
    const close = this.options.rotation!.clock.now;
    const target = this.rotationPath(path, w.openTime, close, terminating, w.filter.postprocessor !== undefined);
    const rotated = target.fileBasename;
    const sink = this.sinks.get(path);
    this.sinks.delete(path);
    const shadow = w.shadow;
    w.shadow = null;
    if (sink === undefined || !sink.opened) {
      if (shadow !== null) this.removeShadow(shadow);
      return;
    }
    const info: RotationInfo = { fname: basename(this.filename(rotated, this.gzipOf(path))), path, open: w.openTime, close, terminating };
    if (this.options.memory) {
      this.memory.set(rotated, this.memory.get(path)!);
      this.memory.delete(path);
      this.rotatedFiles.push(rotated);
    } else {
      const dir = this.rotationDir(target.dir);
      const file = join(dir, info.fname);
      try {
        renameSync(this.filename(path), file);
      } catch (error) {
        throw new Error(`cannot rotate log ${this.filename(path)} to ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.rotatedFiles.push(file);
      info.dir = dir;
      // Rotated: no longer a leftover if the run dies now.
      if (shadow !== null) this.removeShadow(shadow);
    }
    this.postprocess(info, w.filter.postprocessor);
  }

  /** A rotated file's postprocessing: the filter's own postprocessor, else Log::default_rotation_postprocessor_cmd; then onRotated. */
  private postprocess(info: RotationInfo, own: RotationPostprocessor | undefined): void {
    const settings = this.options.rotation!.settings;
    const cmd = settings["Log::default_rotation_postprocessor_cmd"];
    if (own !== undefined) own(info);
    // In the background, in the working directory (the file named by its path there), its output on stderr (Zeek runs it with system(), stdout redirected to stderr).
    else if (cmd !== "") {
      const env = postprocessorEnv(settings["Log::default_rotation_postprocessor_cmd_env"]);
      spawn("/bin/sh", ["-c", postprocessorCommand(cmd, info)], { stdio: ["ignore", 2, 2], env });
    }
    this.options.onRotated?.(info);
  }

  /**
   * The rotated file's name and directory: Log::rotation_format_func's
   * (rotationFormat), else Zeek's default one's: the ASCII writer's default
   * postprocessor names a file path.<Log::default_rotation_date_format>, a
   * filter's own postprocessor path-<%y-%m-%d_%H.%M.%S> (a historical
   * difference Zeek keeps).
   */
  private rotationPath(path: string, open: number, close: number, terminating: boolean, ownPostprocessor: boolean): RotationPath {
    const format = this.options.rotationFormat;
    if (format !== undefined) return this.formatted(format, { path, open, close, terminating, ownPostprocessor });
    if (ownPostprocessor) return { fileBasename: `${path}-${postprocessorStamp(open)}` };
    const dateFormat = this.options.rotation?.settings["Log::default_rotation_date_format"];
    return { fileBasename: `${path}.${rotationDateStamp(open, dateFormat ?? DEFAULT_ROTATION_DATE_FORMAT)}` };
  }

  /** Log::rotation_format_func's answer; when it has none (or throws), Zeek's fallback name and an error. */
  private formatted(format: RotationFormat, info: RotationFormatInfo): RotationPath {
    let answer: RotationPath | undefined;
    try {
      answer = format(info);
    } catch (error) {
      // Zeek's interpreter reports the script's own error (a division by zero) before the fallback.
      this.reportError(`Log::rotation_format_func for path ${info.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (answer !== undefined) return answer;
    const fallback = `${info.path}-${postprocessorStamp(info.open)}`;
    this.reportError(`Failed to call Log::rotation_format_func for path ${info.path} continuing with rotation to: ./${fallback}`);
    return { fileBasename: fallback };
  }

  /** The columns as written: the extension's (prefixed) then the stream's, nested names joined with the scope separator, then renamed by the field name map. */
  private outputSchema(schema: LogSchema, layout: LogLayout): LogSchema {
    const { scopeSep = ".", fieldNameMap, extension, extPrefix = "_" } = layout;
    if (scopeSep === "." && fieldNameMap === undefined && extension === undefined) return schema;
    const named = (name: string, prefix: string): string => {
      const joined = prefix + scopedName(name, scopeSep);
      return fieldNameMap !== undefined && Object.hasOwn(fieldNameMap, joined) ? fieldNameMap[joined]! : joined;
    };
    const ext = (extension?.fields ?? []).map((f) => ({ name: named(f.name, extPrefix), type: f.type }));
    return { path: schema.path, fields: [...ext, ...schema.fields.map((f) => ({ name: named(f.name, ""), type: f.type }))] };
  }

  /** The run's layout with what `filter` sets of its own (Zeek's Filter$scope_sep, $field_name_map, $ext_func, $ext_prefix). */
  private layoutFor(filter: LogFilter): LogLayout {
    const { scopeSep, fieldNameMap, extension, extPrefix } = this.options;
    return {
      scopeSep: filter.scopeSep ?? scopeSep,
      fieldNameMap: filter.fieldNameMap ?? fieldNameMap,
      extension: filter.extension ?? extension,
      extPrefix: filter.extPrefix ?? extPrefix,
    };
  }

  /** Whether log `path` goes to standard output: all do with LogAscii::output_to_stdout, and a filter's path "/dev/stdout" does (as Zeek's ASCII writer takes it). */
  private toStdout(path: string): boolean {
    return this.options.stdout === true || path === STDOUT_PATH;
  }

  /**
   * A log's file: `<path>.log` (or the suffix asked for), `.log.gz` when
   * compressed (`gzipLevel`: its filter's, else the run's), or the
   * extension of LogAscii::gzip_file_extension.
   */
  private filename(path: string, gzipLevel = this.gzipOf(path)): string {
    return join(this.options.logdir ?? ".", path + this.extension(gzipLevel));
  }

  /** What a log's file name ends with: `.log` (or the suffix asked for), then `.gz` (LogAscii::gzip_file_extension, or `gzExtension`) when compressed. */
  private extension(gzipLevel: number, gzExtension = this.options.gzipExtension ?? "gz"): string {
    const compressed = gzipLevel > 0 ? `.${gzExtension}` : "";
    return `.${this.options.logSuffix || "log"}${compressed}`;
  }

  /** The gzip level output `path` was opened with (its filter's own, else the run's). */
  private gzipOf(path: string): number {
    return this.sinkGzip.get(path) ?? this.options.gzipLevel ?? 0;
  }

  /** The gzip level of each output opened, by path. */
  private readonly sinkGzip = new Map<string, number>();

  private makeSink(path: string, gzipLevel: number): LogSink {
    this.sinkGzip.set(path, gzipLevel);
    let sink: LogSink;
    if (this.options.memory) {
      const m = new MemorySink();
      this.memory.set(path, m);
      sink = m;
    } else {
      sink = new FileSink(this.filename(path), {
        gzipLevel,
        fd: this.toStdout(path) ? STDOUT : undefined,
        onBrokenPipe: this.options.onBrokenPipe,
        // A message of Zeek's ASCII writer thread, under its name (the writer is disabled after it).
        onWriteError: (message) => {
          this.writerMessages.push(["error", `${path}/Log::WRITER_ASCII: ${message}`]);
          this.deliverWriterMessages();
        },
      });
    }
    this.sinks.set(path, sink);
    return sink;
  }
}

function sameColumns(a: LogSchema, b: LogSchema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && f.type === b.fields[i]!.type);
}

/**
 * One output of a stream's filter (a file, or a memory log; the default
 * filter's has the stream's path and columns). Its sink, format and column
 * names are made at its first record, so that the layout a script sets at
 * start-up applies to logs the built-in scripts opened before it ran, and
 * again at the first record after each rotation. An output that never
 * writes makes nothing. It owns its file's rotation timer.
 */
class LayoutWriter implements LogWriter, TimerClient {
  /** Network time the current file's period began (rotation on), -1 while the stream does not rotate. */
  openTime = -1;
  /** Its rotation timer was set before the first packet: it starts the period instead of rotating (scheduleRotation). */
  periodPending = false;
  /** The current file's shadow file (LogAscii::enable_leftover_log_rotation), removed when it rotates; null without one. */
  shadow: string | null = null;
  /** Records written (Zeek's zeek_log_writer_writes_total). */
  writes = 0;
  /** String and container values cut to the stream's bounds (zeek_log_writer_truncated_string_fields_total, _containers_total). */
  truncatedStrings = 0;
  truncatedContainers = 0;
  /** Records too large to be logged (zeek_log_writer_discarded_writes_total); not counted in `writes`, as in Zeek. */
  discardedWrites = 0;
  private writer: CheckedWriter | null = null;
  private closed = false;

  constructor(
    readonly schema: LogSchema,
    private readonly manager: LogManager,
    /** The filter that writes it: its layout and ASCII options (Zeek's `$config`) over the run's. */
    readonly filter: LogFilter,
  ) {}

  write(record: LogRecord | NamedLogRecord): void {
    if (this.closed) throw new Error(`log ${this.schema.path} written after close`);
    const discarded = this.discardedWrites;
    (this.writer ?? this.start()).write(record);
    if (this.discardedWrites === discarded) this.writes++;
  }

  /** The first record (since the last rotation): the writer made, then what it had to say. */
  private start(): CheckedWriter {
    const writer = this.manager.startWriter(this);
    this.writer = writer;
    this.manager.deliverWriterMessages();
    return writer;
  }

  /** The current file's writer, taken away (null when nothing was written since the last rotation). */
  detach(): CheckedWriter | null {
    const w = this.writer;
    this.writer = null;
    return w;
  }

  onTimer(atEnd: boolean): void {
    this.manager.rotationDue(this, atEnd);
  }

  close(): void {
    if (this.closed) return;
    if (this.openTime >= 0) this.manager.rotate(this, true);
    this.closed = true;
    this.writer?.close();
  }
}
