/**
 * Zeek's SQLite input reader (Input::READER_SQLITE), written from the
 * behaviour of Zeek's input/readers/sqlite: the stream's source plus
 * ".sqlite" is opened read-write (never created), the stream's
 * `config.query` is run, and each row is a line of the stream, its fields
 * found by column name (a port's &type_column too; every field must be
 * there, optional ones included). MANUAL mode only; Input::force_update
 * runs the query again.
 *
 * A column's value as Zeek's reader takes it: NULL is unset; string and
 * enum the column's text; bool an INTEGER 0 or 1 (anything else stops the
 * read); int and count the value as SQLite's sqlite3_column_int64 converts
 * it, double, time and interval as sqlite3_column_double; port its number
 * (protocol unknown, or its type column's text); addr and subnet their text;
 * sets and vectors their text as Zeek's ASCII formatter reads it, with the
 * separators Zeek's reader ends up with: the characters of
 * LogSQLite::set_separator and LogSQLite::unset_field and of the empty field
 * "(empty)", each cut to the length of InputSQLite's own setting (Zeek's
 * reader copies those bytes with the InputSQLite lengths).
 *
 * Errors are Zeek's words (`SQLite call failed: …`, `Required field … not
 * found after SQLite statement`); the package better-sqlite3 is loaded at
 * the first stream (src/log/sqlite.ts).
 */

import { closeSqlite, openSqlite, type SqliteDatabase, type SqliteStatement, type SqliteValue, sqliteMessage } from "../../log/sqlite.js";
import type { EngineSettings } from "../../options.js";
import { type ReaderBackend, type ReaderField, type ReaderInfo, ReaderMessages, type ReaderSink } from "./reader.js";
import type { InputScalarType } from "./types.js";
import { type AsciiSeparators, type CellValue, PARSE_FAILED, parseCell, parseProto } from "./values.js";

export const READER_SQLITE = "Input::READER_SQLITE";

/** Zeek's TypeTag numbers of the types its reader refuses ("unsupported field format 8"). */
const TYPE_TAGS: Readonly<Record<string, number>> = { pattern: 8 };

/** The default LogAscii::empty_field, whose bytes Zeek's reader takes for its empty field. */
const LOG_ASCII_EMPTY_FIELD = "(empty)";

/** The separators Zeek's reader uses (see the header): another setting's characters, cut to the length of InputSQLite's. */
export function sqliteInputSeparators(settings: EngineSettings): AsciiSeparators {
  const cut = (bytes: string, like: string) => bytes.slice(0, like.length);
  return {
    separator: "",
    setSeparator: cut(settings["LogSQLite::set_separator"], settings["InputSQLite::set_separator"]),
    unsetField: cut(settings["LogSQLite::unset_field"], settings["InputSQLite::unset_field"]),
    emptyField: cut(LOG_ASCII_EMPTY_FIELD, settings["InputSQLite::empty_field"]),
  };
}

/** The leading number of `text` as SQLite converts text to a number (0 when there is none). */
function leadingNumber(text: string, integer: boolean): number {
  const m = (integer ? /^\s*[+-]?\d+/ : /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/).exec(text);
  return m === null ? 0 : Number(m[0]);
}

/** sqlite3_column_int64: INTEGERs as they are, REALs truncated, text read for its leading integer. */
function columnInt64(v: Exclude<SqliteValue, null>): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : 0n;
  const text = typeof v === "string" ? v : v.toString("latin1");
  const m = /^\s*[+-]?\d+/.exec(text);
  return m === null ? 0n : BigInt.asIntN(64, BigInt(m[0].trim()));
}

/** sqlite3_column_double. */
function columnDouble(v: Exclude<SqliteValue, null>): number {
  if (typeof v === "bigint" || typeof v === "number") return Number(v);
  return leadingNumber(typeof v === "string" ? v : v.toString("latin1"), false);
}

/** A REAL's text as SQLite gives it (printf "%!.15g": 15 significant digits, ".0" on whole numbers). */
export function sqliteRealText(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "" : x > 0 ? "Inf" : "-Inf";
  const [mantissa, e] = x.toExponential(14).split("e") as [string, string];
  const exp = Number(e);
  const trim = (m: string) => (m.includes(".") ? m.replace(/0+$/, "").replace(/\.$/, ".0") : `${m}.0`);
  if (exp < -4 || exp >= 15) return `${trim(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return trim(x.toFixed(Math.max(0, 14 - exp)));
}

/** sqlite3_column_text, as a string of bytes (input strings are byte strings, as the ASCII reader reads them). */
function columnText(v: Exclude<SqliteValue, null>): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return sqliteRealText(v);
  return typeof v === "string" ? Buffer.from(v, "utf8").toString("latin1") : v.toString("latin1");
}

/** A 64-bit integer as a number when it is one exactly, else a bigint (the reader's values, as values.ts makes them). */
function integer(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** Where each field's column is in the statement's rows (typeAt: its port's protocol column, -1: none). */
interface ColumnMap {
  readonly at: number;
  readonly typeAt: number;
}

export class SqliteReader implements ReaderBackend {
  readonly messages: ReaderMessages;
  private readonly seps: AsciiSeparators;
  private db: SqliteDatabase | null = null;
  private statement: SqliteStatement | null = null;

  constructor(
    private readonly info: ReaderInfo,
    private readonly fields: readonly ReaderField[],
    settings: EngineSettings,
    sink: ReaderSink,
  ) {
    this.seps = sqliteInputSeparators(settings);
    this.messages = new ReaderMessages(`${info.source}/${READER_SQLITE}`, sink);
    this.sink = sink;
  }

  private readonly sink: ReaderSink;

  /** Zeek's DoInit: MANUAL only, a query, the database, the statement; then the first read, whose failure stops nothing more (Zeek ignores it there). */
  async init(): Promise<boolean> {
    if (this.info.mode !== "Input::MANUAL") return this.error("SQLite only supports manual reading mode.");
    const query = this.info.config.query;
    if (query === undefined) return this.error(`No query specified when setting up SQLite data source ${this.info.source}. Aborting.`);
    try {
      this.db = openSqlite(`${this.info.source}.sqlite`, true);
      this.statement = this.db.prepare(query);
    } catch (error) {
      return this.error(error instanceof Error && error.name === "SqliteUnavailable" ? error.message : `SQLite call failed: ${sqliteMessage(error)}`);
    }
    await this.update();
    return true;
  }

  /** MANUAL streams do nothing on a heartbeat. */
  async heartbeat(): Promise<boolean> {
    return true;
  }

  /** Zeek's DoUpdate: the query run, each row a line, then the end of the read. */
  async update(): Promise<boolean> {
    const st = this.statement;
    if (st === null) return false;
    const columns = this.columnMap(st);
    if (columns === null) return false;
    let row = 0;
    try {
      for (const values of st.safeIntegers(true).raw(true).iterate()) {
        const line = this.line(values, columns);
        if (line === null) return false;
        this.sink.entry(line, ++row);
      }
    } catch (error) {
      return this.error(`SQLite call failed: ${sqliteMessage(error)}`);
    }
    this.sink.endOfRead();
    return true;
  }

  async close(): Promise<void> {
    this.statement = null;
    closeSqlite(this.db);
    this.db = null;
  }

  private error(message: string): false {
    this.messages.error(message);
    return false;
  }

  /** Each field's column by name; null (after Zeek's error) when one is missing or a name comes twice. */
  private columnMap(st: SqliteStatement): ColumnMap[] | null {
    const names = st.reader ? st.columns().map((c) => c.name) : [];
    const out: ColumnMap[] = [];
    for (const f of this.fields) {
      const at = this.unique(names, f.name);
      const typeAt = f.typeColumn === undefined || f.typeColumn === "" ? -1 : this.unique(names, f.typeColumn);
      if (at === null || typeAt === null) return null;
      out.push({ at, typeAt });
    }
    const missing = this.fields.findIndex((_, i) => out[i]!.at < 0);
    if (missing >= 0) {
      this.messages.error(`Required field ${this.fields[missing]!.name} not found after SQLite statement`);
      return null;
    }
    return out;
  }

  /** The one column named `name` (-1: none); null (after Zeek's error) when several are. */
  private unique(names: readonly string[], name: string): number | null {
    const at = names.indexOf(name);
    if (at >= 0 && names.indexOf(name, at + 1) >= 0) {
      this.messages.error(`SQLite statement returns several columns with name ${name}! Cannot decide which to choose, aborting`);
      return null;
    }
    return at;
  }

  /** A row's values in field order; null when one cannot be taken (the read stops). */
  private line(values: readonly SqliteValue[], columns: readonly ColumnMap[]): CellValue[] | null {
    const out: CellValue[] = [];
    // Zeek's manager makes the values of a row its reader took whole: their errors wait for that.
    const valueErrors: string[] = [];
    for (let i = 0; i < this.fields.length; i++) {
      const { at, typeAt } = columns[i]!;
      const v = this.value(this.fields[i]!, values[at]!, typeAt < 0 ? undefined : values[typeAt]!, valueErrors);
      if (v === PARSE_FAILED) return null;
      out.push(v);
    }
    for (const m of valueErrors) this.messages.valueError(m);
    return out;
  }

  /** One column's value as Zeek's EntryToVal takes it. */
  private value(field: ReaderField, v: SqliteValue, proto: SqliteValue | undefined, valueErrors: string[]): CellValue {
    if (v === null) return undefined;
    const warn = (m: string) => this.messages.warning(m);
    switch (field.type) {
      case "string":
      case "enum":
        return columnText(v);
      case "bool":
        return this.bool(v);
      case "int":
        return integer(columnInt64(v));
      case "count":
        return integer(BigInt.asUintN(64, columnInt64(v)));
      case "double":
      case "time":
      case "interval":
        return columnDouble(v);
      case "port":
        return `${Number(BigInt.asUintN(32, BigInt.asIntN(32, columnInt64(v))) & 0xffffn)}/${this.protocol(proto, warn)}`;
      case "addr":
      case "subnet":
        return parseCell(columnText(v).trim(), field.type, field.name, this.seps, warn, (m) => void valueErrors.push(m));
      case "pattern":
        this.messages.error(`unsupported field format ${TYPE_TAGS[field.type as InputScalarType]}`);
        return PARSE_FAILED;
      default:
        return parseCell(columnText(v), field.type, "", this.seps, warn, (m) => void valueErrors.push(m));
    }
  }

  private bool(v: Exclude<SqliteValue, null>): boolean | typeof PARSE_FAILED {
    if (typeof v !== "bigint") {
      this.messages.error("Invalid data type for boolean - expected Integer");
      return PARSE_FAILED;
    }
    const n = Number(BigInt.asIntN(32, v));
    if (n === 0 || n === 1) return n === 1;
    this.messages.error(`Invalid value for boolean: ${n}`);
    return PARSE_FAILED;
  }

  /** A port's protocol: unknown without a type column; its text read as Zeek's ParseProto reads it. */
  private protocol(proto: SqliteValue | undefined, warn: (m: string) => void): string {
    if (proto === undefined) return "unknown";
    if (proto === null) {
      // Zeek reports it and reads on: the reader stays enabled.
      this.messages.error("Port protocol definition did not contain text");
      this.messages.disabled = false;
      return "unknown";
    }
    return parseProto(columnText(proto), warn);
  }
}
