/**
 * Zeek's Input framework (base/frameworks/input): files read into tables
 * (Input::add_table) or raised line by line as events (Input::add_event),
 * with Zeek's semantics, written from the behaviour of its input manager:
 *
 * - Reading is asynchronous, as on Zeek's reader threads: a stream made in
 *   zeek_init (or later) is read in the background; its table fills, its
 *   predicate runs and its events and Input::end_of_data are queued as the
 *   lines come in, between packets, and run then (or at the end of input,
 *   which waits for reads under way). A script never sees the table filled
 *   in the handler that made the stream.
 * - Table streams (MANUAL and REREAD): a read's lines are compared with the
 *   last read's by index; a new index is EVENT_NEW, a new value for a known
 *   index EVENT_CHANGED (the event gets the old value), an index the read no
 *   longer has EVENT_REMOVED (when the read ends); unchanged lines raise
 *   nothing. The predicate sees each first and may refuse it (for
 *   EVENT_REMOVED and EVENT_CHANGED: the old entry stays) or change the
 *   records. STREAM mode only adds and changes.
 * - Event streams raise ev for each line (EVENT_NEW), with the line as one
 *   record (want_record) or its fields as arguments.
 * - REREAD and STREAM readers look at their file on each heartbeat
 *   (Threading::heartbeat_interval, one second), wall-clock, while the run
 *   goes on; the timers do not keep the process alive.
 * - Messages are Zeek's, to the reporter and to the stream's error_ev.
 * - Analysis streams (Input::add_analysis) hand what their reader reads to
 *   the files framework as one file with no connection: its fuid made from
 *   the stream's name (Zeek's HashHandle), its source that name; each chunk
 *   is the file's next data, and the end of a read (after end_of_data)
 *   ends the file (file_state_remove, files.log). A STREAM's file ends
 *   only when the run does.
 *
 * One framework per engine, made when a script first asks; a run that
 * never uses it costs nothing.
 */

import type { FileManager } from "../../files/manager.js";
import type { EngineSettings } from "../../options.js";
import { ZeekTable } from "../../zeek-table/table.js";
import type { AnalyzerScriptHost } from "../host.js";
import { parseAddress } from "../site.js";
import { AsciiReader, READER_ASCII } from "./ascii.js";
import { BinaryReader, READER_BINARY } from "./binary.js";
import { RawReader, READER_RAW } from "./raw.js";
import type { ReaderBackend, ReaderField, ReaderInfo, ReaderSink } from "./reader.js";
import { READER_SQLITE, SqliteReader } from "./sqlite.js";
import { InputTable } from "./table.js";
import {
  type AnalysisDescription,
  type EventDescription,
  elementOf,
  type InputErrorLevel,
  type InputEventType,
  type InputFieldSpec,
  type InputFieldType,
  type InputMode,
  InputPattern,
  type InputReader,
  type InputRecord,
  type InputRecordType,
  type InputScalar,
  type InputValue,
  isRecordType,
  type TableDescription,
} from "./types.js";
import type { CellValue } from "./values.js";

export const INPUT_SCRIPT = "base/frameworks/input";

/** The reporter the framework speaks through. */
export interface InputDeps {
  readonly error: (message: string) => void;
  readonly warning: (message: string) => void;
  readonly info: (message: string) => void;
}

/** A handler of Input::end_of_data: the stream's name and source. */
export type InputEndOfDataHandler = (name: string, source: string) => void;

/** A handler of InputRaw::process_finished: the stream's name and source, the command's exit code (or signal number) and whether a signal ended it. */
export type InputProcessFinishedHandler = (name: string, source: string, exitCode: number, signalExit: boolean) => void;

/** The readers bronze has; the others are refused with a message naming them. */
const READERS: ReadonlySet<InputReader> = new Set(["Input::READER_ASCII", "Input::READER_RAW", "Input::READER_BINARY", "Input::READER_SQLITE"]);

/** The one field an analysis stream's reader reads: the bytes (Zeek's "bytestream"). */
const BYTESTREAM: readonly ReaderField[] = [{ name: "bytestream", type: "string", optional: false }];

/** The reader's fields: the record's fields in order, sub-records flattened as "a.b". */
function unroll(type: InputRecordType, prefix: string, optional: boolean, out: ReaderField[]): ReaderField[] {
  for (const f of type.fields) {
    const opt = optional || f.optional === true || f.default !== undefined;
    if (isRecordType(f.type)) unroll(f.type, `${prefix}${f.name}.`, opt, out);
    else out.push({ name: `${prefix}${f.name}`, type: f.type, optional: opt, typeColumn: f.typeColumn });
  }
  return out;
}

/** A description with its defaults filled in, as Zeek's record has them (handlers get it). */
function withDefaults<D extends TableDescription | EventDescription>(d: D): D & Required<Pick<D, "reader" | "mode" | "want_record" | "config">> {
  return { ...d, reader: d.reader ?? "Input::READER_ASCII", mode: d.mode ?? "Input::MANUAL", want_record: d.want_record ?? true, config: d.config ?? {} };
}

/** How many columns a field takes. */
function width(type: InputFieldType): number {
  return isRecordType(type) ? type.fields.reduce((n, f) => n + width(f.type), 0) : 1;
}

/** A copy of a default value (a script may change the record it gets). */
function copyValue(v: InputValue): InputValue {
  if (v instanceof Set) return new Set(v);
  if (Array.isArray(v)) return [...v];
  if (typeof v === "object" && !(v instanceof InputPattern) && !(v instanceof Set) && !Array.isArray(v)) return { ...(v as InputRecord) };
  return v;
}

/** TransportProto's numbers, as the input manager hashes a port's protocol. */
const PROTO_NUMBERS: Readonly<Record<string, number>> = { unknown: 0, tcp: 1, udp: 2, icmp: 3 };

/**
 * The key a read's entry is remembered under between reads (Zeek's input
 * manager hashes the index values as read: each value's bytes, then a
 * marker byte; an int, count or bool 8 bytes, a port 4 and its protocol 4,
 * a string its bytes and a NUL, an addr 4 or 16, a subnet's prefix and its
 * width's byte). What a read no longer has is removed in the order of a
 * table of these keys.
 */
function readKey(fields: readonly InputFieldSpec[], values: readonly InputScalar[]): string {
  const parts: string[] = [];
  const bytes = (b: Uint8Array) => parts.push(Buffer.from(b).toString("latin1"));
  fields.forEach((f, i) => {
    const v = values[i]!;
    switch (f.type) {
      case "bool":
      case "int":
      case "count": {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(typeof v === "boolean" ? Number(v) : (v as number | bigint))), true);
        bytes(b);
        break;
      }
      case "double":
      case "time":
      case "interval": {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v as number, true);
        bytes(b);
        break;
      }
      case "port": {
        const [n, proto] = (v as string).split("/");
        const b = new Uint8Array(8);
        new DataView(b.buffer).setUint32(0, Number(n), true);
        new DataView(b.buffer).setUint32(4, PROTO_NUMBERS[proto!] ?? 0, true);
        bytes(b);
        break;
      }
      case "addr":
      case "subnet": {
        const [a, width] = (v as string).split("/");
        const b = parseAddress(a!) ?? new Uint8Array(16);
        bytes(a!.includes(":") ? b : b.subarray(12));
        if (width !== undefined) parts.push(String.fromCharCode(Number(width) & 0xff));
        break;
      }
      case "pattern": {
        const p = v as InputPattern;
        parts.push(`${p.text}\0${String.fromCharCode(Number(p.caseInsensitive))}${String.fromCharCode(Number(p.singleLine))}`);
        break;
      }
      default:
        parts.push(`${String(v)}\0`);
    }
    parts.push("\x01");
  });
  return parts.join("");
}

/** A stable text of a line's values, to see whether an index's value changed between reads. */
function valuesText(values: readonly CellValue[]): string {
  return JSON.stringify(values, (_k, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Set) return { set: [...v] };
    if (v instanceof InputPattern) return { pattern: v.text, i: v.caseInsensitive, s: v.singleLine };
    return v === undefined ? null : v;
  });
}

/** An entry as a read saw it: its values' text (to see a change) and its index in the table. */
interface ReadEntry {
  readonly text: string;
  readonly index: readonly InputScalar[];
}

interface StreamBase {
  readonly name: string;
  readonly source: string;
  readonly mode: InputMode;
  readonly reader: ReaderBackend;
  /** Input::remove was called: no further reads are started. */
  removing: boolean;
  /** The stream was removed (its reads before Input::remove done): what its reader still sends is dropped. */
  removed: boolean;
  /** The reader failed: no more reads. */
  failed: boolean;
  /** Reader work runs one at a time. */
  busy: Promise<unknown>;
  timer: NodeJS.Timeout | null;
  /** A heartbeat is waiting or running. */
  beating: boolean;
  readonly errorEv: ((message: string, level: InputErrorLevel) => void) | null;
  /** What the reader's sink reaches the stream by (filled once the stream is made). */
  readonly holder: { stream: Stream | null };
}

interface TableStream extends StreamBase {
  readonly kind: "table";
  readonly description: Required<Pick<TableDescription, "reader" | "mode" | "want_record" | "config">> & TableDescription;
  readonly table: InputTable;
  readonly idx: InputRecordType;
  /** The value's type in the table: the val record, its one field's type (want_record F), or none (a set). */
  readonly valueType: InputFieldType | undefined;
  /**
   * Entries of the last read, by the key of the index as read (before a
   * predicate changed it), in a table of Zeek's order: what a read no longer
   * has is removed in that order.
   */
  last: ZeekTable<string, ReadEntry>;
  current: ZeekTable<string, ReadEntry>;
}

interface EventStream extends StreamBase {
  readonly kind: "event";
  readonly description: Required<Pick<EventDescription, "reader" | "mode" | "want_record" | "config">> & EventDescription;
}

interface AnalysisStream extends StreamBase {
  readonly kind: "analysis";
  readonly description: Required<Pick<AnalysisDescription, "reader" | "mode" | "config">> & AnalysisDescription;
  /** The file's id: the fuid of the stream's name. */
  readonly fuid: string;
  readonly files: FileManager;
}

type Stream = TableStream | EventStream | AnalysisStream;

/** What a stream's reader is made from: its description with the defaults filled in. */
type ReaderDescription = { readonly name: string; readonly source: string; readonly error_ev?: unknown } & {
  readonly reader: InputReader;
  readonly mode: InputMode;
  readonly config: Readonly<Record<string, string>>;
};

export class InputFramework {
  private readonly streams = new Map<string, Stream>();
  private readonly endOfData: InputEndOfDataHandler[] = [];
  private readonly processFinished: InputProcessFinishedHandler[] = [];
  private stopped = false;
  /** Streams made before zeek_init (a script's set-up): they start with it, as a Zeek script cannot make one earlier. */
  private readonly waiting: Stream[] = [];

  constructor(
    readonly host: AnalyzerScriptHost,
    private readonly deps: InputDeps,
  ) {
    host.on("zeek_init", () => this.startWaiting(), { priority: 1_000_000 });
    host.on("zeek_done", () => this.stop(), { priority: 1_000_000 });
  }

  /** A table (or set) for a table stream's destination, iterated in Zeek's order. */
  table(): InputTable {
    return new InputTable(this.host.tableHash);
  }

  private readTable(): ZeekTable<string, ReadEntry> {
    const hash = this.host.tableHash;
    return new ZeekTable<string, ReadEntry>((k) => hash.string(k));
  }

  /** Input::end_of_data: `handler` runs after each complete read of a MANUAL or REREAD stream. */
  onEndOfData(handler: InputEndOfDataHandler): void {
    this.endOfData.push(handler);
  }

  /** InputRaw::process_finished: `handler` runs when a command a raw reader ran ended (after its stream's last lines and, in STREAM mode, end_of_data). */
  onProcessFinished(handler: InputProcessFinishedHandler): void {
    this.processFinished.push(handler);
  }

  /** Input::add_table: reads `d.source` into `d.destination`. False (with a reporter error) when the description is refused. */
  addTable(d: TableDescription): boolean {
    const description = withDefaults(d);
    if (!this.checkCommon(description)) return false;
    const idx = d.idx;
    if (idx.fields.some((f) => isRecordType(f.type))) return this.fail(`Input stream ${d.name}: index records with sub-records are not supported`);
    let valueType: InputFieldType | undefined = d.val;
    if (d.val !== undefined && !description.want_record) {
      if (d.val.fields.length !== 1)
        return this.fail(`Input stream ${d.name}: Stream does not want a record (want_record=F), but has more then one value field.`);
      valueType = d.val.fields[0]!.type;
    }
    if (!d.destination.bind(idx, valueType)) return this.fail(`Input stream ${d.name}: Table type does not match index type`);
    const fields = unroll(idx, "", false, []);
    if (d.val !== undefined) unroll(d.val, "", false, fields);
    const stream: TableStream = {
      ...this.base(description, fields),
      kind: "table",
      description,
      table: d.destination,
      idx,
      valueType,
      last: this.readTable(),
      current: this.readTable(),
    };
    return this.add(stream);
  }

  /** Input::add_event: raises `d.ev` for each line of `d.source`. False (with a reporter error) when the description is refused. */
  addEvent(d: EventDescription): boolean {
    const description = withDefaults(d);
    if (!this.checkCommon(description)) return false;
    const stream: EventStream = { ...this.base(description, unroll(d.fields, "", false, [])), kind: "event", description };
    return this.add(stream);
  }

  /**
   * Input::remove: stops the stream once the reads asked of it so far are
   * done (as Zeek queues the stop behind them: a stream removed in the
   * handler that made it still delivers its first read). Its name is free
   * at once. False when there is no stream of that name.
   */
  remove(name: string): boolean {
    const s = this.streams.get(name);
    if (s === undefined) return false;
    this.streams.delete(name);
    s.removing = true;
    if (s.timer !== null) clearInterval(s.timer);
    s.timer = null;
    s.busy = s.busy.then(() => {
      s.removed = true;
      this.stopStream(s);
    });
    return true;
  }

  /** Input::force_update: reads the stream's source again now (for MANUAL streams). */
  forceUpdate(name: string): boolean {
    const s = this.streams.get(name);
    if (s === undefined) return this.fail(`Stream ${name} not found`);
    this.work(s, () => s.reader.update());
    return true;
  }

  /**
   * Input::add_analysis: `d.source`, read by its reader (READER_BINARY by
   * default), is handed to file analysis as a file whose source is
   * `d.name`. False (with a reporter error) when the description is refused.
   */
  addAnalysis(d: AnalysisDescription): boolean {
    const description = { ...d, reader: d.reader ?? READER_BINARY, mode: d.mode ?? "Input::MANUAL", config: d.config ?? {} };
    if (!this.checkCommon(description)) return false;
    const files = this.host.fileManager?.();
    if (files === undefined) return this.fail(`Input stream ${d.name}: there is no files framework to hand the file to`);
    const stream: AnalysisStream = { ...this.base(description, [...BYTESTREAM]), kind: "analysis", description, fuid: files.fuid(d.name), files };
    return this.add(stream);
  }

  /** The names of the streams (made, not removed). */
  names(): string[] {
    return [...this.streams.keys()];
  }

  private checkCommon(d: { name: string; reader: InputReader }): boolean {
    if (this.streams.has(d.name)) return this.fail(`Trying create already existing input stream ${d.name}`);
    if (!READERS.has(d.reader))
      return this.fail(
        `Input stream ${d.name}: reader ${d.reader} is not supported by bronze (only Input::READER_ASCII, Input::READER_RAW, Input::READER_BINARY and Input::READER_SQLITE are)`,
      );
    return true;
  }

  private base(d: ReaderDescription, fields: ReaderField[]): StreamBase {
    const info: ReaderInfo = { source: d.source, mode: d.mode, config: d.config };
    // The sink needs the stream, made just after: it looks it up by this holder.
    const holder: { stream: Stream | null } = { stream: null };
    const sink = this.sinkFor(holder);
    const reader = this.reader(d.reader, info, fields, sink);
    const errorEv = d.error_ev;
    return {
      name: d.name,
      source: d.source,
      mode: d.mode,
      reader,
      removing: false,
      removed: false,
      failed: false,
      busy: Promise.resolve(),
      timer: null,
      beating: false,
      errorEv:
        errorEv === undefined
          ? null
          : (message, level) =>
              this.host.queueEvent(() => (errorEv as (d: unknown, m: string, l: InputErrorLevel) => void)(holder.stream!.description, message, level)),
      holder,
    };
  }

  private reader(name: InputReader, info: ReaderInfo, fields: ReaderField[], sink: ReaderSink): ReaderBackend {
    if (name === READER_RAW) return new RawReader(info, fields, this.host.settings, sink);
    if (name === READER_BINARY) return new BinaryReader(info, fields, this.host.settings, sink);
    if (name === READER_SQLITE) return new SqliteReader(info, fields, this.host.settings, sink);
    return new AsciiReader(info, fields, this.host.settings, sink);
  }

  private add(stream: Stream): boolean {
    stream.holder.stream = stream;
    this.streams.set(stream.name, stream);
    if (this.host.initialized === false) this.waiting.push(stream);
    else this.start(stream);
    return true;
  }

  private startWaiting(): void {
    for (const s of this.waiting.splice(0)) if (!s.removing) this.start(s);
  }

  private start(s: Stream): void {
    if (this.stopped) return;
    this.work(s, async () => {
      const ok = await s.reader.init();
      if (!ok) s.reader.messages.error("Init failed");
      return ok;
    });
    if (s.removing) return;
    s.timer = setInterval(() => this.heartbeat(s), Math.max(10, this.host.settings["Threading::heartbeat_interval"] * 1000));
    s.timer.unref();
  }

  /** A heartbeat: one at a time (a long read does not pile them up behind it). */
  private heartbeat(s: Stream): void {
    if (s.failed || s.removing || this.stopped || s.beating) return;
    s.beating = true;
    this.work(
      s,
      () =>
        s.reader.heartbeat().finally(() => {
          s.beating = false;
        }),
      false,
    );
  }

  /** Runs reader work after the stream's earlier work; the end of input waits for it. A failure disables the stream. */
  private work(s: Stream, job: () => Promise<boolean>, hold = true): void {
    const run = s.busy.then(async () => {
      // A heartbeat queued before Input::remove is dropped: the stop waits for the reads a script asked for, not for polls.
      if (s.failed || s.removed || this.stopped || (!hold && s.removing)) return;
      let ok: boolean;
      try {
        ok = await job();
      } catch (e) {
        s.reader.messages.error(e instanceof Error ? e.message : String(e));
        ok = false;
      }
      if (!ok && !s.removed) {
        s.reader.messages.error("terminating thread");
        s.failed = true;
        this.stopStream(s);
      }
      this.flush();
    });
    s.busy = run;
    if (hold) this.host.holdUntil?.(run);
  }

  private stopStream(s: Stream): void {
    if (s.timer !== null) clearInterval(s.timer);
    s.timer = null;
    void s.reader.close();
  }

  /** End of the run: no more reads. */
  private stop(): void {
    this.stopped = true;
    for (const s of this.streams.values()) this.stopStream(s);
  }

  /** The events queued so far run now (between packets), as Zeek's main loop runs them after the reader's messages. */
  private flush(): void {
    if (this.stopped) return;
    const bus = (this.host as Partial<{ bus: { drain(): void } }>).bus;
    bus?.drain();
  }

  private fail(message: string): false {
    this.deps.error(message);
    return false;
  }

  private sinkFor(holder: { stream: Stream | null }): ReaderSink {
    const live = (): Stream | null => {
      const s = holder.stream;
      return s === null || s.removed || this.stopped ? null : s;
    };
    return {
      entry: (values, line) => {
        const s = live();
        if (s === null) return;
        if (s.kind === "table") this.tableEntry(s, values, line);
        else if (s.kind === "event") this.eventLine(s, values, line);
        else this.analysisData(s, values);
      },
      put: (values, line) => {
        const s = live();
        if (s === null) return;
        if (s.kind === "table") this.tablePut(s, values, line);
        else if (s.kind === "event") this.eventLine(s, values, line);
        else this.analysisData(s, values);
      },
      endOfRead: () => {
        const s = live();
        if (s === null) return;
        if (s.kind === "table") this.tableEndOfRead(s);
        this.queueEndOfData(s);
        // Zeek's SendEndOfData ends an analysis stream's file right after end_of_data.
        if (s.kind === "analysis") s.files.endOfFile(s.fuid);
      },
      message: (level, text, bare) => {
        const s = holder.stream;
        if (s?.removed === true || this.stopped) return;
        this.report(s, level, text, bare);
      },
      valueError: (message) => {
        if (live() !== null) this.deps.error(message);
      },
      flush: () => this.flush(),
      processFinished: (exitCode, signal) => {
        const s = live();
        if (s === null) return;
        const { name, source } = s;
        this.host.queueEvent(() => {
          for (const h of this.processFinished) h(name, source, exitCode, signal);
        });
      },
    };
  }

  private report(s: Stream | null, level: "info" | "warning" | "error", text: string, bare = text): void {
    if (level === "error") this.deps.error(text);
    else if (level === "warning") this.deps.warning(text);
    else this.deps.info(text);
    s?.errorEv?.(bare, level === "error" ? "Reporter::ERROR" : level === "warning" ? "Reporter::WARNING" : "Reporter::INFO");
  }

  /** A warning of the framework's own about a line (Zeek's manager: no reader prefix). */
  private lineWarning(s: Stream, message: string): void {
    this.report(s, "warning", message);
  }

  /**
   * A record of `type` from the line's values at `pos` (advanced past its
   * columns): null (after a warning) when a field that is neither optional
   * nor defaulted is unset, or an enum is not one of its type's.
   */
  private record(s: Stream, type: InputRecordType, values: readonly CellValue[], pos: { at: number }, line: number): InputRecord | null {
    const r: InputRecord = {};
    for (const f of type.fields) {
      if (isRecordType(f.type)) {
        const sub = this.record(s, f.type, values, pos, line);
        if (sub === null) return null;
        r[f.name] = sub;
        continue;
      }
      const v = this.fieldValue(s, f, values[pos.at++], line, "record");
      if (v === null) return null;
      if (v !== undefined) r[f.name] = v;
    }
    return r;
  }

  /** A scalar field's value from its column: its default when unset; null (after a warning) when it may not be unset or is a bad enum. */
  private fieldValue(s: Stream, f: InputFieldSpec, v: CellValue, line: number, what: "record" | "index"): InputValue | undefined | null {
    if (v === undefined) {
      if (f.default !== undefined) return copyValue(f.default);
      if (f.optional === true && what === "record") return undefined;
      this.lineWarning(s, `${s.source}:${line}: Skipping input with missing non-optional value (${what} field ${f.name})`);
      return null;
    }
    const type = f.type as InputFieldType;
    if (f.enumValues !== undefined && (type === "enum" || elementOf(type) === "enum")) {
      const names = type === "enum" ? [v as string] : [...(v as Iterable<string>)];
      const bad = names.find((n) => !f.enumValues!.includes(n));
      if (bad !== undefined) {
        // A set's or vector's elements carry no line (Zeek's message then has no place).
        const where = type === "enum" ? `${s.source}, line ${line}: ` : "";
        this.lineWarning(s, `${where}Value '${bad}' for stream '${s.name}' is not a valid enum.`);
        return null;
      }
    } else if (type === "enum" && !/^(?:[A-Za-z_]\w*::)*[A-Za-z_]\w*$/.test(v as string)) {
      this.lineWarning(s, `${s.source}, line ${line}: Value '${v as string}' for stream '${s.name}' is not a valid enum.`);
      return null;
    }
    return v as InputValue;
  }

  /** The index values of a table line, in the index record's order; null (after a warning) when one is unset. */
  private indexValues(s: TableStream, values: readonly CellValue[], line: number): InputScalar[] | null {
    const out: InputScalar[] = [];
    for (let i = 0; i < s.idx.fields.length; i++) {
      const v = this.fieldValue(s, s.idx.fields[i]!, values[i], line, "index");
      if (v === null || v === undefined) return null;
      out.push(v as InputScalar);
    }
    return out;
  }

  /** The table's value of a line: the val record, its one field's value, or undefined for a set; null when it does not convert. */
  private tableValue(s: TableStream, values: readonly CellValue[], line: number): InputValue | undefined | null {
    const val = s.description.val;
    if (val === undefined) return undefined;
    const at = width(s.idx);
    if (!s.description.want_record) {
      const v = this.fieldValue(s, val.fields[0]!, values[at], line, "record");
      return v === undefined ? null : v;
    }
    return this.record(s, val, values, { at }, line);
  }

  private indexRecord(s: TableStream, index: readonly InputScalar[]): InputRecord {
    const r: InputRecord = {};
    s.idx.fields.forEach((f, i) => {
      r[f.name] = index[i];
    });
    return r;
  }

  /** The index of a (possibly changed) index record, in field order. */
  private indexOf(s: TableStream, r: InputRecord): InputScalar[] {
    return s.idx.fields.map((f) => r[f.name] as InputScalar);
  }

  private callPred(s: TableStream, tpe: InputEventType, left: InputRecord, right: InputValue | undefined): boolean {
    try {
      return s.description.pred!(tpe, left, right) === true;
    } catch (e) {
      this.deps.error(`Input stream ${s.name}: predicate failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  private queueTableEvent(s: TableStream, tpe: InputEventType, left: InputRecord, right: InputValue | undefined): void {
    const ev = s.description.ev;
    if (ev === undefined) return;
    const d = s.description;
    this.host.queueEvent(() => ev(d, tpe, left, right));
  }

  /** A line of a MANUAL or REREAD read (SendEntryTable). */
  private tableEntry(s: TableStream, values: readonly CellValue[], line: number): void {
    const nIdx = width(s.idx);
    const rawIndex = values.slice(0, nIdx);
    if (rawIndex.some((v) => v === undefined)) {
      this.indexValues(s, values, line); // warns of the unset index field
      return;
    }
    const key = readKey(s.idx.fields, rawIndex as InputScalar[]);
    const text = s.valueType === undefined ? "" : valuesText(values.slice(nIdx));
    const before = s.last.get(key);
    let updated = false;
    if (before !== undefined) {
      s.last.delete(key);
      if (s.valueType === undefined || before.text === text) {
        s.current.set(key, before);
        return;
      }
      updated = true;
    }
    const value = this.tableValue(s, values, line);
    if (value === null) return;
    const index = this.indexValues(s, values, line);
    if (index === null) return;
    let left = this.indexRecord(s, index);
    if (s.description.pred !== undefined) {
      if (!this.callPred(s, updated ? "Input::EVENT_CHANGED" : "Input::EVENT_NEW", left, value)) {
        if (updated) s.current.set(key, before!);
        return;
      }
    }
    const tableIndex = this.indexOf(s, left);
    const old = updated ? s.table.get(...tableIndex) : undefined;
    s.table.set(tableIndex, value);
    s.current.set(key, { text, index: tableIndex });
    left = this.indexRecord(s, index);
    if (updated) this.queueTableEvent(s, "Input::EVENT_CHANGED", left, old);
    else this.queueTableEvent(s, "Input::EVENT_NEW", left, value);
  }

  /** A line in STREAM mode (PutTable): added, or changed when its index is there. */
  private tablePut(s: TableStream, values: readonly CellValue[], line: number): void {
    const index = this.indexValues(s, values, line);
    if (index === null) return;
    const value = this.tableValue(s, values, line);
    if (value === null) return;
    const old = s.valueType === undefined ? undefined : s.table.get(...index);
    const updated = old !== undefined;
    if (s.description.pred !== undefined && !this.callPred(s, updated ? "Input::EVENT_CHANGED" : "Input::EVENT_NEW", this.indexRecord(s, index), value)) return;
    s.table.set(index, value);
    if (updated) this.queueTableEvent(s, "Input::EVENT_CHANGED", this.indexRecord(s, index), old);
    else this.queueTableEvent(s, "Input::EVENT_NEW", this.indexRecord(s, index), value);
  }

  /** The end of a MANUAL or REREAD read (EndCurrentSend): what the read no longer has is removed. */
  private tableEndOfRead(s: TableStream): void {
    s.last.sweep((key, entry) => {
      const left = this.indexRecord(s, entry.index);
      const value = s.table.get(...entry.index);
      if (s.description.pred !== undefined && !this.callPred(s, "Input::EVENT_REMOVED", left, value)) {
        s.current.set(key, entry);
        return true;
      }
      this.queueTableEvent(s, "Input::EVENT_REMOVED", this.indexRecord(s, entry.index), value);
      s.table.delete(...entry.index);
      return true;
    });
    s.last = s.current;
    s.current = this.readTable();
  }

  /** A line of an event stream: ev with the record, or with its fields as arguments. */
  private eventLine(s: EventStream, values: readonly CellValue[], line: number): void {
    const d = s.description;
    const r = this.record(s, d.fields, values, { at: 0 }, line);
    if (r === null) return;
    const args: Array<InputValue | undefined> = d.want_record ? [r] : d.fields.fields.map((f) => r[f.name]);
    this.host.queueEvent(() => d.ev(d, "Input::EVENT_NEW", ...args));
  }

  /** A chunk of an analysis stream: the file's next bytes. */
  private analysisData(s: AnalysisStream, values: readonly CellValue[]): void {
    const data = values[0];
    if (typeof data !== "string") return;
    s.files.dataIn(s.fuid, s.name, null, false, Buffer.from(data, "latin1"));
  }

  private queueEndOfData(s: Stream): void {
    const { name, source } = s;
    this.host.queueEvent(() => {
      for (const h of this.endOfData) h(name, source);
    });
  }
}

const frameworks = new WeakMap<AnalyzerScriptHost, InputFramework>();

/** The input framework of `host`, made on first use. */
export function inputFramework(host: AnalyzerScriptHost, deps: InputDeps): InputFramework {
  let framework = frameworks.get(host);
  if (framework === undefined) frameworks.set(host, (framework = new InputFramework(host, deps)));
  return framework;
}

/** The settings the framework reads (for documentation and tests). */
export type InputSettings = Pick<
  EngineSettings,
  | "InputAscii::separator"
  | "InputAscii::set_separator"
  | "InputAscii::empty_field"
  | "InputAscii::unset_field"
  | "InputAscii::fail_on_invalid_lines"
  | "InputAscii::fail_on_file_problem"
  | "InputAscii::path_prefix"
  | "Threading::heartbeat_interval"
  | "InputBinary::chunk_size"
  | "InputBinary::path_prefix"
  | "InputRaw::record_separator"
  | "LogSQLite::set_separator"
  | "LogSQLite::unset_field"
  | "InputSQLite::set_separator"
  | "InputSQLite::unset_field"
  | "InputSQLite::empty_field"
>;

export { READER_ASCII };
