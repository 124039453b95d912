/**
 * Answers of an external oracle (tcpdump, openssl …) kept across test runs
 * under os.tmpdir(): one JSON file per `id` (what the answers depend on
 * besides the question: the tool's version, the roots given …), an entry per
 * question's key. A missing or half-written file is an empty cache: the
 * oracle is asked again. Written atomically, so parallel runs never read a
 * torn file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OracleCache<T> {
  /** The answer to `key`: the cached one, or `ask()`'s, then cached. */
  get(key: string, ask: () => T): T;
  /** Like get, for an oracle that answers asynchronously. */
  getAsync(key: string, ask: () => Promise<T>): Promise<T>;
  /** Writes the new answers back (nothing when there are none). */
  save(): void;
}

export function oracleCache<T>(name: string, id: string): OracleCache<T> {
  const dir = join(tmpdir(), name);
  const file = join(dir, `${id}.json`);
  let answers: Record<string, T> = {};
  try {
    answers = JSON.parse(readFileSync(file, "utf8")) as Record<string, T>;
  } catch {
    // No cache yet, or one being written by another run.
  }
  let dirty = false;
  const put = (key: string, value: T): T => {
    answers[key] = value;
    dirty = true;
    return value;
  };
  return {
    get: (key, ask) => (key in answers ? answers[key]! : put(key, ask())),
    getAsync: async (key, ask) => (key in answers ? answers[key]! : put(key, await ask())),
    save() {
      if (!dirty) return;
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify(answers));
      renameSync(tmp, file);
      dirty = false;
    },
  };
}
