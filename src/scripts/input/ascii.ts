/**
 * Zeek's ASCII input reader (Input::READER_ASCII), written from the
 * behaviour of input/readers/ascii: a header line names the columns (the
 * `#fields` line, or the first line that is not a comment), columns are
 * found by name in any order, `#` lines and empty lines are skipped, a
 * trailing `\r` dropped. Each line's columns are read as their fields'
 * types (values.ts).
 *
 * Modes: MANUAL reads the file when the stream is made and on
 * force_update; REREAD reads it again when its inode or modification time
 * changed (looked at each heartbeat); STREAM follows it, reading what was
 * appended since (lines once their newline is written).
 *
 * Options (InputAscii::*, or the stream's $config): separator,
 * set_separator, empty_field, unset_field, fail_on_invalid_lines (a line
 * with too few columns stops the reader instead of being skipped),
 * fail_on_file_problem (a file that cannot be opened or lacks a column is
 * an error, not a warning), path_prefix (the directory of relative paths).
 */
import { type FileHandle, open, stat } from "node:fs/promises";
import type { EngineSettings } from "../../options.js";
import { LineReader, MAX_LINE_BYTES, type ReaderBackend, type ReaderField, type ReaderInfo, ReaderMessages, type ReaderSink } from "./reader.js";
import { type AsciiSeparators, type CellValue, PARSE_FAILED, parseCell, parseProto } from "./values.js";

export const READER_ASCII = "Input::READER_ASCII";

/** Where a column is in the file's lines (-1: not there, an optional field left unset). */
interface ColumnPosition {
  readonly field: ReaderField;
  readonly at: number;
  readonly typeAt: number;
}

/** The file's identity for REREAD: its inode and modification time. */
function identityOf(s: { ino: number; mtimeMs: number }): string {
  return `${s.ino}:${s.mtimeMs}`;
}

/** `path` under directory `prefix`, unless absolute (Zeek's InputAscii::path_prefix; trailing slashes of the prefix dropped). */
export function prefixedPath(path: string, prefix: string): string {
  if (path.startsWith("/") || prefix === "") return path;
  const dir = prefix.replace(/\/+$/, "");
  return `${dir === "" ? "" : dir}/${path}`;
}

/** The T/F of a $config option, else the setting. */
function flag(config: Readonly<Record<string, string>>, key: string, setting: boolean): boolean {
  const v = config[key];
  return v === undefined ? setting : v.startsWith("T");
}

export class AsciiReader implements ReaderBackend {
  readonly messages: ReaderMessages;
  private readonly seps: AsciiSeparators;
  private readonly failOnInvalidLines: boolean;
  private readonly failOnFileProblem: boolean;
  /** The path read: the source under InputAscii::path_prefix. */
  readonly file: string;
  private handle: FileHandle | null = null;
  private lines: LineReader | null = null;
  private header: string | null = null;
  private columns: ColumnPosition[] = [];
  private identity = "";

  constructor(
    private readonly info: ReaderInfo,
    private readonly fields: readonly ReaderField[],
    settings: EngineSettings,
    private readonly sink: ReaderSink,
  ) {
    const c = info.config;
    this.seps = {
      separator: c.separator ?? settings["InputAscii::separator"],
      setSeparator: c.set_separator ?? settings["InputAscii::set_separator"],
      emptyField: c.empty_field ?? settings["InputAscii::empty_field"],
      unsetField: c.unset_field ?? settings["InputAscii::unset_field"],
    };
    this.messages = new ReaderMessages(`${info.source}/${READER_ASCII}`, sink);
    if (this.seps.separator.length !== 1) this.messages.error("separator length has to be 1. Separator will be truncated.");
    if (this.seps.setSeparator.length !== 1) this.messages.error("set_separator length has to be 1. Separator will be truncated.");
    this.failOnInvalidLines = flag(c, "fail_on_invalid_lines", settings["InputAscii::fail_on_invalid_lines"]);
    this.failOnFileProblem = flag(c, "fail_on_file_problem", settings["InputAscii::fail_on_file_problem"]);
    this.file = prefixedPath(info.source, c.path_prefix ?? settings["InputAscii::path_prefix"]);
  }

  async init(): Promise<boolean> {
    if (this.messages.disabled) return false;
    return this.update();
  }

  async heartbeat(): Promise<boolean> {
    if (this.messages.disabled) return false;
    if (!(await this.openFile())) return !this.failOnFileProblem && !this.messages.disabled;
    if (this.info.mode === "Input::MANUAL") return true;
    return this.update();
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    this.lines = null;
    await h?.close().catch(() => undefined);
  }

  /** Opens the file and reads its header, unless open; false (after the reader's message) when it cannot. */
  private async openFile(): Promise<boolean> {
    if (this.handle !== null) return true;
    try {
      this.handle = await open(this.file, "r");
    } catch {
      this.messages.failWarn(this.failOnFileProblem, `Init: cannot open ${this.file}`);
      return false;
    }
    this.lines = new LineReader(this.handle, 0, { tooLong: () => this.lineTooLong(), chunk: () => this.sink.flush() });
    if (!(await this.readHeader(false))) {
      this.messages.failWarn(this.failOnFileProblem, `Init: cannot open ${this.file}; problem reading file header`);
      await this.close();
      return false;
    }
    this.messages.location ??= { file: this.file, line: 0 };
    this.messages.stopSuppression();
    return true;
  }

  private lineTooLong(): void {
    this.messages.warning(
      `Line ${this.messages.location === null ? "" : `${this.messages.location.line + 1} `}of ${this.file} is longer than ${MAX_LINE_BYTES} bytes. Ignoring line.`,
    );
  }

  /** The next line that is not a comment (a `#fields` line without its tag), counting lines; null at the end. */
  private async getLine(partialLines: boolean): Promise<string | null> {
    for (;;) {
      let line = await this.lines!.next(partialLines);
      if (line === null) return null;
      if (this.messages.location !== null) this.messages.location.line++;
      if (line === "") continue;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (!line.startsWith("#")) return line;
      if (line.length > 8 && line.startsWith("#fields") && line[7] === this.seps.separator[0]) return line.slice(8);
    }
  }

  /** Reads the header (or takes the one read before) and finds each field's column. */
  private async readHeader(cached: boolean): Promise<boolean> {
    if (!cached) {
      const line = await this.getLine(true);
      if (line === null) {
        this.messages.failWarn(this.failOnFileProblem, `Could not read input data file ${this.file}; first line could not be read`);
        return false;
      }
      this.header = line;
    }
    const names = this.header!.split(this.seps.separator[0]!);
    const columns: ColumnPosition[] = [];
    for (const field of this.fields) {
      const at = names.indexOf(field.name);
      if (at < 0) {
        if (field.optional) {
          columns.push({ field, at: -1, typeAt: -1 });
          continue;
        }
        this.messages.failWarn(this.failOnFileProblem, `Did not find requested field ${field.name} in input data file ${this.file}.`);
        return false;
      }
      let typeAt = -1;
      if (field.typeColumn !== undefined && field.typeColumn !== "") {
        typeAt = names.indexOf(field.typeColumn);
        if (typeAt < 0) {
          this.messages.failWarn(this.failOnFileProblem, `Could not find requested port type field ${field.typeColumn} in input data file ${this.file}.`);
          return false;
        }
      }
      columns.push({ field, at, typeAt });
    }
    this.columns = columns;
    return true;
  }

  /** A read (Zeek's DoUpdate): in REREAD mode only when the file changed; STREAM reads what was appended. */
  async update(): Promise<boolean> {
    if (this.messages.disabled) return false;
    if (!(await this.openFile())) return !this.failOnFileProblem && !this.messages.disabled;
    if (this.messages.location !== null) this.messages.location.line = 0;
    const mode = this.info.mode;
    if (mode === "Input::REREAD") {
      let now: string;
      try {
        now = identityOf(await stat(this.file));
      } catch {
        this.messages.failWarn(this.failOnFileProblem, `Could not get stat for ${this.file}`);
        await this.close();
        return !this.failOnFileProblem;
      }
      if (now === this.identity) return true;
      if (this.identity !== "") this.messages.stopSuppression();
      this.identity = now;
    }
    if (mode === "Input::STREAM") {
      if (!(await this.readHeader(true))) return !this.failOnFileProblem;
    } else {
      await this.close();
      if (!(await this.openFile())) return !this.failOnFileProblem && !this.messages.disabled;
    }
    const stream = mode === "Input::STREAM";
    for (;;) {
      const line = await this.getLine(!stream);
      if (line === null) break;
      const values = this.parseLine(line);
      if (values === null) {
        if (this.messages.disabled) return false;
        continue;
      }
      this.messages.stopSuppression();
      const n = this.messages.location?.line ?? 0;
      if (stream) this.sink.put(values, n);
      else this.sink.entry(values, n);
      if (this.messages.disabled) return false;
    }
    if (!stream) this.sink.endOfRead();
    this.messages.stopSuppression();
    return true;
  }

  /** One line's values, or null when the line is skipped (or, failing on invalid lines, stops the reader). */
  private parseLine(line: string): CellValue[] | null {
    const cells = line.split(this.seps.separator[0]!);
    const last = cells.length - 1;
    const values: CellValue[] = [];
    const warn = (m: string) => this.messages.warning(m);
    // Zeek's manager makes the values of a line its reader took whole: their errors wait for that.
    const valueErrors: string[] = [];
    const valueError = (m: string) => void valueErrors.push(m);
    for (const c of this.columns) {
      if (c.at < 0) {
        values.push(undefined);
        continue;
      }
      if (c.at > last || c.typeAt > last) {
        this.messages.failWarn(
          this.failOnInvalidLines,
          `Not enough fields in line '${line}' of ${this.file}. Found ${last} fields, want positions ${c.at} and ${c.typeAt}`,
        );
        return null;
      }
      let v = parseCell(cells[c.at]!, c.field.type, c.field.name, this.seps, warn, valueError);
      if (v === PARSE_FAILED) {
        this.messages.warning(`Could not convert line '${line}' of ${this.file} to Val. Ignoring line.`);
        return null;
      }
      if (c.typeAt >= 0 && typeof v === "string") v = `${v.slice(0, v.indexOf("/"))}/${parseProto(cells[c.typeAt]!, warn)}`;
      values.push(v);
    }
    for (const m of valueErrors) this.messages.valueError(m);
    return values;
  }
}
