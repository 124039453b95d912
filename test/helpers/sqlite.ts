/** Tests of the SQLite writer and reader: skipped, saying why, where the optional better-sqlite3 package is not built. */
import type { TestContext } from "node:test";
import { loadSqlite } from "../../src/log/sqlite.js";

/** Whether better-sqlite3 loads; if not, the test is skipped with the loader's message (what is missing, how to build it). */
export function sqliteOrSkip(t: TestContext): boolean {
  try {
    loadSqlite();
    return true;
  } catch (error) {
    t.skip((error as Error).message);
    return false;
  }
}
