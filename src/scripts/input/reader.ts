/**
 * What the input framework's readers have in common (Zeek's ReaderBackend):
 * the fields they are asked for, the sink they hand lines to, their
 * messages (warnings suppressed after a file or line problem until a good
 * line, as Zeek's FailWarn does; an error disables the reader), and
 * reading a file's lines a chunk at a time with a bound on a line's length.
 */
import type { FileHandle } from "node:fs/promises";
import type { InputContainerType, InputMode, InputScalarType } from "./types.js";
import type { CellValue } from "./values.js";

/** One column a reader reads: a field of the stream's records, sub-records flattened ("sub.two.a"). */
export interface ReaderField {
  readonly name: string;
  readonly type: InputScalarType | InputContainerType;
  /** The file may lack the column (the field, or a record it is in, is &optional or has a &default). */
  readonly optional: boolean;
  /** A port's protocol column (&type_column). */
  readonly typeColumn?: string;
}

/** What a reader is told about its stream (Zeek's ReaderInfo). */
export interface ReaderInfo {
  readonly source: string;
  readonly mode: InputMode;
  /** The stream's $config. */
  readonly config: Readonly<Record<string, string>>;
}

/** Where a reader's lines and messages go (the framework's stream). */
export interface ReaderSink {
  /** A line of a MANUAL or REREAD read (SendEntry): its fields' values, and the line's number in the file. */
  entry(values: readonly CellValue[], line: number): void;
  /** A line in STREAM mode (Put). */
  put(values: readonly CellValue[], line: number): void;
  /** A MANUAL or REREAD read ended (EndCurrentSend): entries not seen again are removed, end_of_data follows. */
  endOfRead(): void;
  /** A message: `text` as the reporter shows it (the reader's name and place first), `bare` as the stream's error_ev gets it. */
  message(level: "info" | "warning" | "error", text: string, bare: string): void;
  /** A value the framework could not make as read (Zeek's input manager: a reporter error without the reader's name, not the stream's error_ev). */
  valueError(message: string): void;
  /** A chunk of the file was handed over: the events it queued may run now (between packets). */
  flush(): void;
  /** A command the raw reader ran ended (InputRaw::process_finished): its exit code, or the signal's number when `signal`. */
  processFinished?(exitCode: number, signal: boolean): void;
}

/** A reader of one stream. Each method resolves to false when the reader failed (and is disabled). */
export interface ReaderBackend {
  /** The reader's messages (the framework adds "Init failed" and "terminating thread" to them). */
  readonly messages: ReaderMessages;
  /** The first read (Zeek's Init). */
  init(): Promise<boolean>;
  /** Read again now (Input::force_update). */
  update(): Promise<boolean>;
  /** The heartbeat (once a second): REREAD and STREAM readers look for changes. */
  heartbeat(): Promise<boolean>;
  close(): Promise<void>;
}

/** The longest line a reader takes (bytes): a longer one is skipped with a warning, so that an endless line cannot exhaust memory. */
export const MAX_LINE_BYTES = 1 << 20;

/** How much of a file is read at once. */
const CHUNK_BYTES = 1 << 16;

/** A reader's messages: the reader's name and the place in the file first; warnings suppressed as Zeek suppresses them. */
export class ReaderMessages {
  private suppressing = false;
  private suppressed = 0;
  /** The file being read and the line, once the file was opened (Zeek's read location); line 0: none yet. */
  location: { file: string; line: number } | null = null;
  disabled = false;

  constructor(
    /** The reader's thread name: "<source>/Input::READER_ASCII". */
    private readonly name: string,
    private readonly sink: ReaderSink,
  ) {}

  private send(level: "info" | "warning" | "error", message: string): void {
    const where = this.location === null ? "" : this.location.line > 0 ? `${this.location.file}, line ${this.location.line}: ` : `${this.location.file}: `;
    this.sink.message(level, `${this.name}: ${where}${message}`, message);
  }

  info(message: string): void {
    this.send("info", message);
  }

  warning(message: string): void {
    if (this.suppressing) {
      this.suppressed++;
      return;
    }
    this.send("warning", message);
  }

  /** An error disables the reader (Zeek makes a reader's errors fatal to it). */
  error(message: string): void {
    this.send("error", message);
    this.disabled = true;
  }

  /** A value read that cannot be made as read ("Bad IPAddr(v4) IPPrefix length : 33"): the framework's error, the reader goes on. */
  valueError(message: string): void {
    this.sink.valueError(message);
  }

  /** Zeek's FailWarn: an error when `fail`, else a warning after which further warnings are suppressed. */
  failWarn(fail: boolean, message: string): void {
    if (fail) this.error(message);
    else {
      this.warning(message);
      this.suppressing = true;
    }
  }

  /** Warnings are shown again (after a good line or a successful open), with a count of those suppressed. */
  stopSuppression(): void {
    this.suppressing = false;
    if (this.suppressed > 0) this.warning(`Suppressed ${this.suppressed} warning(s)`);
    this.suppressed = 0;
  }
}

/**
 * A file's lines, read a chunk at a time from `offset` (latin1, bytes as
 * characters), each ended by `separator` (a newline unless the raw reader's
 * InputRaw::record_separator says otherwise). A line longer than
 * MAX_LINE_BYTES is dropped up to its end and reported through `tooLong`.
 * At the end of the file, a last line without its separator is a line when
 * `partialLines`, else it is held back until the rest of it comes.
 */
export class LineReader {
  private buffered = "";
  private skipping = false;
  private eof = false;
  /** The byte offset just past the last line handed out. */
  offset: number;

  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly hooks: { tooLong(): void; chunk(): void },
    private readonly separator = "\n",
  ) {
    this.offset = start;
  }

  /** The next line without its separator, or null at the end of the file for now. */
  async next(partialLines: boolean): Promise<string | null> {
    const sep = this.separator.length;
    for (;;) {
      const nl = this.buffered.indexOf(this.separator);
      if (nl >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + sep);
        this.offset += nl + sep;
        if (this.skipping) {
          this.skipping = false;
          continue;
        }
        if (line.length > MAX_LINE_BYTES) {
          this.hooks.tooLong();
          continue;
        }
        return line;
      }
      if (this.buffered.length > MAX_LINE_BYTES) {
        if (!this.skipping) this.hooks.tooLong();
        this.skipping = true;
        this.offset += this.buffered.length;
        this.buffered = "";
      }
      if (this.eof) {
        this.eof = false;
        if (!partialLines || this.buffered === "" || this.skipping) return null;
        const line = this.buffered;
        this.offset += line.length;
        this.buffered = "";
        return line;
      }
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await this.handle.read(chunk, 0, CHUNK_BYTES, this.offset + this.buffered.length);
      if (bytesRead === 0) {
        this.eof = true;
        continue;
      }
      this.buffered += chunk.toString("latin1", 0, bytesRead);
      this.hooks.chunk();
    }
  }
}
