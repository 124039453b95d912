/**
 * The databases one LogManager's SQLite writers write: one connection per
 * file, shared by the tables written to it.
 *
 * Zeek's writer threads commit each row on its own, in the background.
 * bronze writes on its main thread, where a commit per row (an fsync under
 * SQLite's default synchronous=FULL) would hold the packets up for
 * milliseconds each; so the rows written in one turn of the event loop are
 * one transaction, committed at the next turn (setImmediate) and when a
 * writer closes or fails. The rows and tables are Zeek's; only when they
 * reach the disk differs, as bronze's ASCII logs are buffered too. One
 * connection per file keeps two writers of one database (two streams'
 * tables) from locking each other out with their open transactions.
 */
import { closeSqlite, openSqlite, type SqliteDatabase, sqliteMessage } from "./sqlite.js";

/** A writer's hold on its database. */
export interface SqliteFileHandle {
  readonly db: SqliteDatabase;
  /** A row is about to be written: it goes into the open transaction (begun now if none is). */
  beginRows(): void;
  /** Commits the open transaction now (before PRAGMAs, which SQLite refuses inside one); the error's message, or null. */
  commit(): string | null;
  /** The writer is done with the database: its rows are committed, and the connection closed once no writer holds it. */
  release(): void;
}

interface OpenFile {
  readonly db: SqliteDatabase;
  /** The writers holding it, each with what to do when a commit fails (Zeek's writer stops). */
  readonly holders: Set<(message: string) => void>;
  /** A commit is scheduled for the next turn of the event loop. */
  scheduled: boolean;
  /** The last writer released it: the connection is closed. */
  closed: boolean;
}

export class SqliteFiles {
  private readonly files = new Map<string, OpenFile>();

  /** `file` opened (or shared); throws as openSqlite does. `onCommitError` is called when a commit of its rows fails. */
  acquire(file: string, onCommitError: (message: string) => void): SqliteFileHandle {
    let open = this.files.get(file);
    if (open === undefined) {
      open = { db: openSqlite(file, false), holders: new Set(), scheduled: false, closed: false };
      this.files.set(file, open);
    }
    const entry = open;
    entry.holders.add(onCommitError);
    return {
      db: entry.db,
      beginRows: () => this.beginRows(entry),
      commit: () => commit(entry),
      release: () => {
        entry.holders.delete(onCommitError);
        this.settle(entry);
        if (entry.holders.size > 0) return;
        entry.closed = true;
        closeSqlite(entry.db);
        this.files.delete(file);
      },
    };
  }

  private beginRows(entry: OpenFile): void {
    if (!entry.db.inTransaction) entry.db.exec("BEGIN");
    if (entry.scheduled) return;
    entry.scheduled = true;
    setImmediate(() => {
      entry.scheduled = false;
      this.settle(entry);
    }).unref();
  }

  /** Commits; a failure stops every writer of the file. */
  private settle(entry: OpenFile): void {
    const why = commit(entry);
    if (why !== null) for (const stop of [...entry.holders]) stop(why);
  }
}

/** Commits `entry`'s open transaction, if any; the error's message, or null. */
function commit(entry: OpenFile): string | null {
  if (entry.closed || !entry.db.inTransaction) return null;
  try {
    entry.db.exec("COMMIT");
    return null;
  } catch (error) {
    return sqliteMessage(error);
  }
}
