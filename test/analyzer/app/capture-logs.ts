/**
 * The loopback captures under captures/ (made by their make-*.sh scripts),
 * read as a user's default run reads them (checksums ignored: loopback's are
 * left to the NIC): each log's rows by column name.
 */
import { join } from "node:path";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/scripts/index.js";
import { openTrace } from "../../../src/source/open.js";
import { repoRoot } from "../../helpers/corpus.js";
import { logRecords } from "../../helpers/tsv.js";

/**
 * Reads captures/`file` (`before` may add handlers, `loads` names policy
 * scripts to load as the command line does); returns a reader of each log's rows.
 */
export async function captureLogs(file: string, before?: (engine: Engine) => void, loads: string[] = []): Promise<(path: string) => Record<string, string>[]> {
  const engine = new Engine({ ignoreChecksums: true });
  before?.(engine);
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(await openTrace(join(repoRoot(), "test/analyzer/app/captures", file)));
  scripts.close();
  return (path) => logRecords(scripts.logs.text(path));
}

/** A log's rows in the order of their ts (a connection log's: the order its connections began, as tshark numbers streams). */
export function inStartOrder(rows: readonly Record<string, string>[]): Record<string, string>[] {
  return [...rows].sort((a, b) => Number(a.ts) - Number(b.ts));
}
