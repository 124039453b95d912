/**
 * One GeoIP database as Zeek's MMDB class keeps it (src/MMDB.cc): a file
 * opened when first needed, from a list of candidate paths or one path a
 * script gave, reopened when it goes stale, closed after a lookup error.
 * Zeek's behaviour, kept here:
 *
 * - a candidate that does not exist (stat fails) is passed over silently;
 *   one that exists but is not a database is an info message ("Failed to
 *   open MaxMind DB: PATH [why]");
 * - the path last tried is remembered, found or not: later calls retry that
 *   one path, and go back to the candidates only while none was tried;
 * - failing to open is an error once ("Failed to open GeoIP location
 *   database (the call)"), again only after a database was open and closed;
 * - every mmdb_stale_check_interval of network time (negative: never) the
 *   open file is stat'ed; a new inode or modification time (or a file gone)
 *   closes it and opens the path again, with info messages saying so;
 * - a lookup that fails (an IPv6 address in an IPv4 database, a corrupt
 *   tree) is an info message and closes the database.
 */
import { readFileSync, statSync } from "node:fs";
import { MaxMindDb, MmdbError, type MmdbRecord } from "./mmdb.js";

/** Where a database's messages go: Zeek's reporter info and (builtin) error. */
export interface GeoIpReporter {
  info(message: string): void;
  error(message: string): void;
}

/** What a database needs from its owner: network time, the stale check's interval, and its (rate-limited) messages. */
export interface DatabaseContext {
  readonly clock: { readonly now: number };
  staleCheckInterval(): number;
  info(message: string): void;
  error(message: string): void;
}

/** libmaxminddb's words for a file that cannot be read at all. */
const FILE_OPEN_ERROR = "Error opening the specified MaxMind DB file";

/** The file's identity for the stale check: inode and modification time in whole seconds, as Zeek compares st_ino and st_mtime. */
interface FileStamp {
  ino: bigint;
  mtime: bigint;
}

function stamp(path: string): FileStamp | null {
  try {
    const s = statSync(path, { bigint: true });
    return { ino: s.ino, mtime: s.mtimeMs / 1000n };
  } catch {
    return null;
  }
}

export class GeoIpDatabase {
  private filename = "";
  private db: MaxMindDb | null = null;
  private opened: FileStamp | null = null;
  /** Network time of the last stale check (Zeek starts it at the time the object was made: 0, before any packet). */
  private lastCheck = 0;
  private reportedError = false;

  constructor(
    /** How Zeek's messages name it: "GeoIP location database". */
    readonly description: string,
    /** The paths to try, in order, while no path was tried yet (from the mmdb_* settings). */
    private readonly candidates: () => readonly string[],
    private readonly context: DatabaseContext,
  ) {}

  get isOpen(): boolean {
    return this.db !== null;
  }

  /** Opens `path` (closing what was open): false when it is absent or not a database (the latter reported). */
  openFile(path: string): boolean {
    this.filename = path;
    this.close();
    const found = stamp(path);
    if (found === null) return false;
    try {
      this.db = MaxMindDb.open(readFileSync(path));
      this.opened = found;
      return true;
    } catch (error) {
      const why = error instanceof MmdbError ? error.message : FILE_OPEN_ERROR;
      this.context.info(`Failed to open MaxMind DB: ${path} [${why}]`);
      return false;
    }
  }

  close(): void {
    if (this.db === null) return;
    this.db = null;
    this.opened = null;
    this.reportedError = false;
  }

  /**
   * The database, opened or reopened as needed; null when it cannot be (the
   * first time after success, an error naming `call`, e.g. "lookup_location(1.2.3.4)").
   */
  ensureLoaded(call: string): MaxMindDb | null {
    let ok = true;
    if (this.filename === "") ok = this.candidates().some((path) => this.openFile(path));
    else if (this.db === null) ok = this.openFile(this.filename);
    else if (this.isStale()) {
      this.context.info(`Closing stale MaxMind DB [${this.filename}]`);
      ok = this.openFile(this.filename);
    }
    if (!ok && !this.reportedError) {
      this.reportedError = true;
      this.context.error(`Failed to open ${this.description} (${call})`);
    }
    return ok ? this.db : null;
  }

  /** The record of `address` (16 bytes), null when there is none; a failing lookup is reported and closes the database. */
  lookup(db: MaxMindDb, address: Uint8Array): MmdbRecord | null {
    try {
      return db.lookup(address);
    } catch (error) {
      if (!(error instanceof MmdbError)) throw error;
      this.context.info(`MaxMind DB lookup location error [${error.message}]`);
      this.close();
      return null;
    }
  }

  /** Whether the open file changed on disk (checked at most once per interval of network time). */
  private isStale(): boolean {
    const interval = this.context.staleCheckInterval();
    const now = this.context.clock.now;
    if (this.db === null || interval < 0 || now - this.lastCheck < interval) return false;
    this.lastCheck = now;
    const current = stamp(this.filename);
    if (current === null || this.opened === null) return true;
    const inode = current.ino !== this.opened.ino;
    if (!inode && current.mtime === this.opened.mtime) return false;
    this.context.info(`${inode ? "Inode" : "Modification time"} change detected for MaxMind DB [${this.filename}]`);
    return true;
  }
}
