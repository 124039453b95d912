/**
 * Zeek's SQLite log writer (Log::WRITER_SQLITE), written from the behaviour
 * of Zeek's logging/writers/sqlite: each output is a table in the database
 * `<path>.sqlite` of the log directory, named after the path (or the
 * filter's `tablename`), made when missing with one column per log column
 * (CREATE TABLE IF NOT EXISTS, the table name as given, each column name
 * quoted), and each record one INSERT (committed with the other rows of
 * its turn of the event loop: sqlite-files.ts).
 *
 * Values (Zeek's GetTableType and AddParams):
 * - unset: NULL; an empty string or enum: NULL too;
 * - bool: integer 1 or 0 in a `boolean` column;
 * - count, int: `integer`, bound as Zeek binds them, as a 32-bit int (a
 *   value beyond 2^31 - 1 wraps, as in Zeek); port: its number (no protocol);
 * - time, interval, double: `double precision`, the number itself;
 * - addr, subnet, string, enum: `text`;
 * - sets and vectors: `text`, the elements joined with
 *   LogSQLite::set_separator, LogSQLite::empty_field when there are none;
 *   each element written as Zeek's ASCII formatter describes it (times and
 *   intervals with six decimals, doubles as the ASCII writer's; an empty
 *   string is the empty field, one equal to the unset or empty field has
 *   its first byte escaped) and then escaped as Zeek's ODesc escapes: a
 *   byte that is not printable ASCII or the set separator as `\xNN`, a
 *   backslash as two.
 *
 * Errors are Zeek's words (`SQLite call failed: …`, `Error executing table
 * creation statement: …`, `Error setting journal_mode pragma: …`), reported
 * as `<path>/Log::WRITER_SQLITE: …`; after one the writer stops ("terminating
 * thread") and its records are dropped, while the run and the other logs
 * carry on.
 */
import { formatDouble, formatFixed6 } from "./numbers.js";
import type { LogField, LogRecord, LogSchema, LogType, LogValue } from "./schema.js";
import type { SqliteStatement, SqliteValue } from "./sqlite.js";
import { sqliteMessage } from "./sqlite.js";
import type { SqliteFileHandle, SqliteFiles } from "./sqlite-files.js";
import type { LogFormatter } from "./writer.js";

/** Zeek's LogSQLite options. */
export interface SqliteFormat {
  /** Between the elements of a set or vector (LogSQLite::set_separator, default ","). */
  readonly setSeparator: string;
  /** An empty set or vector (LogSQLite::empty_field, default "(empty)"). */
  readonly emptyField: string;
  /** An element equal to it is escaped (LogSQLite::unset_field, default "-"). */
  readonly unsetField: string;
  /** LogSQLite::synchronous, without "LogSQLite::" (SQLITE_SYNCHRONOUS_DEFAULT: no PRAGMA). */
  readonly synchronous: string;
  /** LogSQLite::journal_mode, without "LogSQLite::" (SQLITE_JOURNAL_MODE_DEFAULT: no PRAGMA). */
  readonly journalMode: string;
}

export const ZEEK_SQLITE_FORMAT: Readonly<SqliteFormat> = {
  setSeparator: ",",
  emptyField: "(empty)",
  unsetField: "-",
  synchronous: "SQLITE_SYNCHRONOUS_DEFAULT",
  journalMode: "SQLITE_JOURNAL_MODE_DEFAULT",
};

/** A writer's message, as Zeek's writer threads send them to the reporter. */
export type WriterMessage = (level: "info" | "error", message: string) => void;

/** The column type Zeek declares for a log type (GetTableType). */
export function sqliteColumnType(type: LogType): string {
  switch (type) {
    case "bool":
      return "boolean";
    case "int":
    case "count":
    case "port":
      return "integer";
    case "time":
    case "interval":
    case "double":
      return "double precision";
    default:
      return "text";
  }
}

/** A name quoted as sqlite3_mprintf's %Q quotes it: in single quotes, each one inside doubled. */
function quoted(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}

/** The `\xNN` of a byte (lower-case, as Zeek's bytetohex). */
function hex(b: number): string {
  return `\\x${b.toString(16).padStart(2, "0")}`;
}

/**
 * `text` as Zeek's ODesc adds it with escaping on and the set separator as
 * its escape sequence (UTF-8 off): each byte that is not printable ASCII as
 * `\xNN`, a backslash as `\\`, each byte of a set separator as `\xNN`.
 */
export function escapeElement(text: string, setSeparator: string): string {
  const bytes = Buffer.from(text, "utf8");
  const sep = Buffer.from(setSeparator, "utf8");
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x20 || b >= 0x7f) {
      out += hex(b);
      i++;
    } else if (b === 0x5c) {
      out += "\\\\";
      i++;
    } else if (sep.length > 0 && i + sep.length <= bytes.length && bytes.compare(sep, 0, sep.length, i, i + sep.length) === 0) {
      for (const s of sep) out += hex(s);
      i += sep.length;
    } else {
      out += String.fromCharCode(b);
      i++;
    }
  }
  return out;
}

/** One element of a set or vector as Zeek's ASCII formatter describes it, then escaped (escapeElement). */
function describeElement(type: LogType, item: string | number, f: SqliteFormat): string {
  if (typeof item === "number")
    return escapeElement(type === "vector[interval]" ? formatFixed6(item) : type === "vector[double]" ? formatDouble(item) : String(item), f.setSeparator);
  if (item === "") return escapeElement(f.emptyField, f.setSeparator);
  // A string equal to a marker: its first byte as \xNN, added raw (Zeek's escapeReservedContent), the rest escaped.
  if (item === f.unsetField || item === f.emptyField) return hex(Buffer.from(item, "utf8")[0]!) + escapeElement(item.slice(1), f.setSeparator);
  return escapeElement(item, f.setSeparator);
}

/**
 * A set's or vector's text: its elements joined with the set separator, the
 * empty field when there are none. A vector's hole (an element never
 * assigned) is the unset field as it is, as Zeek's formatter writes an
 * element that is not present, unescaped.
 */
export function sqliteContainerText(type: LogType, items: ReadonlyArray<string | number | undefined>, f: SqliteFormat): string {
  if (items.length === 0) return escapeElement(f.emptyField, f.setSeparator);
  let out = "";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += f.setSeparator;
    const item = items[i];
    out += item === undefined ? f.unsetField : describeElement(type, item, f);
  }
  return out;
}

/** The value bound for one column (AddParams). */
export function sqliteValue(field: LogField, value: LogValue, f: SqliteFormat): SqliteValue {
  if (value === undefined) return null;
  switch (field.type) {
    case "bool":
      return value ? 1n : 0n;
    case "int":
    case "count":
      // sqlite3_bind_int: Zeek binds 64-bit values as a C int.
      return BigInt.asIntN(32, BigInt(value as number));
    case "port":
      return BigInt(value as number);
    case "time":
    case "interval":
    case "double":
      return value as number;
    case "addr":
    case "subnet":
      return String(value);
    case "string":
    case "enum":
      return value === "" ? null : String(value);
    default:
      return sqliteContainerText(field.type, value as ReadonlyArray<string | number | undefined>, f);
  }
}

/** The name Zeek's writer threads have: the reporter's prefix of their messages. */
export function sqliteWriterName(path: string): string {
  return `${path}/Log::WRITER_SQLITE`;
}

export class SqliteWriter implements LogFormatter {
  /** Its database (shared with the other tables of the file); null once closed. */
  private handle: SqliteFileHandle | null = null;
  /** The prepared INSERT; null once the writer failed (its records are dropped). */
  private insert: SqliteStatement | null = null;
  /** It reported its failure (a failed commit of the file's rows reaches every writer of it once). */
  private failed = false;

  /**
   * Opens `file` and readies the table (Zeek's DoInit); a failure is
   * reported and leaves the writer stopped. `table` undefined: the path,
   * with Zeek's info message.
   */
  constructor(
    readonly schema: LogSchema,
    files: SqliteFiles,
    file: string,
    table: string | undefined,
    private readonly format: SqliteFormat,
    private readonly report: WriterMessage,
  ) {
    if (table === undefined) this.say("info", `tablename configuration option not found. Defaulting to path ${schema.path}`);
    const why = this.init(files, file, table ?? schema.path);
    if (why !== null) this.fail(why);
  }

  write(record: LogRecord): void {
    const insert = this.insert;
    if (insert === null) return;
    const fields = this.schema.fields;
    const values = new Array<SqliteValue>(fields.length);
    for (let i = 0; i < fields.length; i++) values[i] = sqliteValue(fields[i]!, record[i], this.format);
    try {
      this.handle!.beginRows();
      insert.run(...values);
    } catch (error) {
      this.fail(`SQLite call failed: ${sqliteMessage(error)}`);
    }
  }

  close(): void {
    this.insert = null;
    const handle = this.handle;
    this.handle = null;
    handle?.release();
  }

  /** Null when the table is ready for INSERTs; else the error, in Zeek's words. */
  private init(files: SqliteFiles, file: string, table: string): string | null {
    try {
      this.handle = files.acquire(file, (message) => this.fail(`SQLite call failed: ${message}`));
    } catch (error) {
      return error instanceof Error && error.name === "SqliteUnavailable" ? error.message : `SQLite call failed: ${sqliteMessage(error)}`;
    }
    // Another table's rows of the file may be in an open transaction, inside which SQLite refuses PRAGMAs.
    const committed = this.handle.commit();
    if (committed !== null) return `SQLite call failed: ${committed}`;
    const pragmas: Array<[string, string, string]> = [
      ["synchronous", this.format.synchronous, "SQLITE_SYNCHRONOUS_"],
      ["journal_mode", this.format.journalMode, "SQLITE_JOURNAL_MODE_"],
    ];
    for (const [pragma, setting, prefix] of pragmas) {
      const value = setting.slice(prefix.length);
      if (value === "DEFAULT") continue;
      const why = this.exec(`PRAGMA ${pragma}=${value};`, `Error setting ${pragma} pragma`);
      if (why !== null) return why;
    }
    const columns = this.schema.fields.map((f) => `${quoted(f.name)} ${sqliteColumnType(f.type)}`).join(",\n");
    const created = this.exec(`CREATE TABLE IF NOT EXISTS ${table} (\n${columns}\n);`, "Error executing table creation statement");
    if (created !== null) return created;
    const names = this.schema.fields.map((f) => quoted(f.name)).join(", ");
    const params = this.schema.fields.map(() => "?").join(", ");
    try {
      this.insert = this.handle.db.prepare(`INSERT INTO ${table} ( ${names}) VALUES (${params});`);
    } catch (error) {
      return `SQLite call failed: ${sqliteMessage(error)}`;
    }
    return null;
  }

  private exec(sql: string, what: string): string | null {
    try {
      this.handle!.db.exec(sql);
      return null;
    } catch (error) {
      return `${what}: ${sqliteMessage(error)}`;
    }
  }

  /** Zeek's writer thread ending on an error: the error, "terminating thread", and no more records. */
  private fail(why: string): void {
    if (this.failed) return;
    this.failed = true;
    // Stopped first (its rows so far committed, as Zeek's were): the messages may be written to this very writer's log (reporter.log).
    this.close();
    this.say("error", why);
    this.say("error", "terminating thread");
  }

  private say(level: "info" | "error", message: string): void {
    this.report(level, `${sqliteWriterName(this.schema.path)}: ${message}`);
  }
}
