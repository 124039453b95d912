/**
 * SQLite for Zeek's SQLite log writer (sqlite-writer.ts) and input reader
 * (scripts/input/sqlite.ts), through the optional npm package better-sqlite3.
 * The package is loaded the first time a database is opened: a run that
 * writes ASCII or JSON logs and reads no SQLite input never loads it (nor
 * pays for it at start-up), and a build without it says once, clearly, what
 * is missing. This module only names the small part of its API bronze uses.
 */
import { createRequire } from "node:module";

/** Zeek's log writers bronze has (Log::Writer's names without "Log::"): ASCII (and JSON, LogAscii::use_json), SQLite, and None (writes nothing). */
export const LOG_WRITERS = ["WRITER_ASCII", "WRITER_SQLITE", "WRITER_NONE"] as const;
export type LogWriterName = (typeof LOG_WRITERS)[number];

/** LogSQLite::SQLiteSynchronous's names (without "LogSQLite::"), in Zeek's order. */
export const SQLITE_SYNCHRONOUS = [
  "SQLITE_SYNCHRONOUS_DEFAULT",
  "SQLITE_SYNCHRONOUS_OFF",
  "SQLITE_SYNCHRONOUS_NORMAL",
  "SQLITE_SYNCHRONOUS_FULL",
  "SQLITE_SYNCHRONOUS_EXTRA",
] as const;

/** LogSQLite::SQLiteJournalMode's names, in Zeek's order. */
export const SQLITE_JOURNAL_MODES = [
  "SQLITE_JOURNAL_MODE_DEFAULT",
  "SQLITE_JOURNAL_MODE_DELETE",
  "SQLITE_JOURNAL_MODE_TRUNCATE",
  "SQLITE_JOURNAL_MODE_PERSIST",
  "SQLITE_JOURNAL_MODE_MEMORY",
  "SQLITE_JOURNAL_MODE_WAL",
  "SQLITE_JOURNAL_MODE_OFF",
] as const;

/** A value bound to a statement's parameter or read from a row (bigint: an INTEGER read with safe integers; Buffer: a BLOB). */
export type SqliteValue = null | number | bigint | string | Buffer;

/** A prepared statement (better-sqlite3's Statement, the part used). */
export interface SqliteStatement {
  /** Whether it returns rows. */
  readonly reader: boolean;
  run(...params: SqliteValue[]): unknown;
  columns(): Array<{ name: string }>;
  /** Rows as arrays, in column order. */
  raw(on?: boolean): SqliteStatement;
  /** INTEGERs as bigints, REALs as numbers: the two told apart, as sqlite3_column_type does. */
  safeIntegers(on?: boolean): SqliteStatement;
  iterate(...params: SqliteValue[]): IterableIterator<SqliteValue[]>;
}

/** An open database (better-sqlite3's Database, the part used). */
export interface SqliteDatabase {
  /** A transaction is open (BEGIN without its COMMIT yet). */
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}

interface SqliteModule {
  new (file: string, options?: { fileMustExist?: boolean }): SqliteDatabase;
}

/** The package is missing or did not build: what it takes to have it. */
export class SqliteUnavailable extends Error {
  override name = "SqliteUnavailable";
}

let loaded: SqliteModule | SqliteUnavailable | null = null;

/** better-sqlite3, loaded on first use (`load` is the module loader; tests replace it). */
export function loadSqlite(load: (id: string) => unknown = createRequire(import.meta.url)): SqliteModule {
  if (loaded === null) {
    try {
      loaded = load("better-sqlite3") as SqliteModule;
    } catch (error) {
      const why = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      loaded = new SqliteUnavailable(
        `SQLite is not available in this build: the optional 'better-sqlite3' package could not be loaded (${why}); ` +
          "run 'npm ci' (or 'npm install') in bronze's folder with a C++ compiler and Python present, so that npm can build it",
      );
    }
  }
  if (loaded instanceof SqliteUnavailable) throw loaded;
  return loaded;
}

/** Forgets what loadSqlite found (tests that replace the loader). */
export function resetSqliteLoader(): void {
  loaded = null;
}

/**
 * Opens `file` as Zeek's writer (read-write, created when missing) or
 * reader (`mustExist`: read-write, never created) opens it. Throws
 * SqliteUnavailable, or an Error whose message is sqlite3_errmsg's, as
 * Zeek reports a failed sqlite3_open_v2.
 */
export function openSqlite(file: string, mustExist: boolean): SqliteDatabase {
  const Database = loadSqlite();
  try {
    return new Database(file, { fileMustExist: mustExist });
  } catch (error) {
    // better-sqlite3 checks the directory itself ("Cannot open database because the directory does not exist"): SQLite's own words for it.
    if (error instanceof Error && (error as { code?: unknown }).code === undefined) throw new Error("unable to open database file");
    throw error;
  }
}

/** Closes `db` (when there is one); a database already gone has nothing left to lose. */
export function closeSqlite(db: SqliteDatabase | null): void {
  try {
    db?.close();
  } catch {
    // Nothing to do: the handle is unusable either way.
  }
}

/** An error's message as SQLite gave it (sqlite3_errmsg). */
export function sqliteMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
