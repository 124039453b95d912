/**
 * The conn.log conformance harness: runs bronze in-process on every case of
 * the Zeek corpus manifests, as Zeek ran it (-C, -b + loads, -f, gzip, the
 * corpus seed for uids), and compares the conn.log with Zeek's, row by row in
 * order, column by column. Used by conn.test.ts (pass/fail against the
 * known-failures list) and conn-score.ts (the score table).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine, type PacketPredicate } from "../../src/engine.js";
import { compileFilter } from "../../src/filter/compile.js";
import { applySetting, defaultSettings } from "../../src/options.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { readSeedFile } from "../../src/session/uid.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, repoRoot } from "../helpers/corpus.js";
import { BTEST_INPUTS } from "./btest-inputs.js";
import { type CaseResult, compareLogs, compareWeirdLogs, parseLog } from "./conn-compare.js";

export * from "./conn-compare.js";

export interface CorpusCase {
  name: string;
  trace: string;
  gunzip: boolean;
  ignoreChecksums: boolean;
  filter: string | null;
  expected: string;
  expectedWeird?: string | null;
  bare: boolean;
  loads: string[];
  plainRunMatches: boolean;
  /** How Zeek was run: its quoted command-line redefs ("ignore_checksums_nets += {…}") are applied too. */
  zeekCommand?: string;
}

export interface Suite {
  /** "zeek" (the btest baselines) or "zeek-all" (every trace, default scripts). */
  id: string;
  dir: string;
  cases: CorpusCase[];
  /** Columns never compared: ts where the baselines mask it, service (needs protocol analyzers). */
  skipColumns: ReadonlySet<string>;
}

export { corpusRoot, repoRoot };

export function loadSuites(root = corpusRoot()): Suite[] {
  const suites: Suite[] = [];
  const specs: Array<[string, string[]]> = [
    ["zeek", ["ts", "service"]],
    ["zeek-all", ["service"]],
  ];
  for (const [id, skip] of specs) {
    const dir = join(root, id);
    const manifest = join(dir, "manifest.json");
    if (!existsSync(manifest)) continue;
    const cases = (JSON.parse(readFileSync(manifest, "utf8")) as { cases: CorpusCase[] }).cases;
    suites.push({ id, dir, cases, skipColumns: new Set(skip) });
  }
  return suites;
}

/**
 * The settings of a Zeek command line: its quoted redefs of settings bronze
 * has ("ignore_checksums_nets += {192.168.0.0/16}"); script-only ones are left out.
 */
export function commandSettings(zeekCommand: string | undefined): string[] {
  const quoted = [...(zeekCommand ?? "").matchAll(/"([^"]*=[^"]*)"/g)].map((m) => m[1]!);
  return quoted.filter((a) => {
    try {
      applySetting(defaultSettings(), a);
      return true;
    } catch {
      return false;
    }
  });
}

/** Runs bronze on one case as Zeek ran it (with its btest script's settings, btest-inputs.ts); resolves to the conn.log and weird.log texts ("" when nothing was logged). */
export async function runBronze(suite: Suite, c: CorpusCase, seed: readonly number[]): Promise<{ conn: string; weird: string }> {
  const filter: PacketPredicate | undefined = c.filter === null ? undefined : compileFilter(c.filter);
  const input = suite.id === "zeek" ? BTEST_INPUTS[c.name] : undefined;
  const settings = [...commandSettings(c.zeekCommand), ...(input?.settings ?? [])];
  const engine = new Engine({ ignoreChecksums: c.ignoreChecksums, bare: c.bare, loads: c.loads, seed, filter, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: c.bare, loads: c.loads, stderr: null, ...input?.logs?.(engine) });
  input?.setup?.(engine);
  const source = await openTrace(join(suite.dir, c.trace));
  await engine.run(source);
  scripts.close();
  return { conn: scripts.logs.text("conn"), weird: scripts.logs.text("weird") };
}

/** The corpus seed (Zeek's testing/btest/random.seed). */
export function corpusSeed(root = corpusRoot()): number[] {
  return readSeedFile(join(root, "zeek", "random.seed"));
}

/** Runs and compares one case. */
export async function runCase(suite: Suite, c: CorpusCase, seed: readonly number[]): Promise<CaseResult> {
  const base = { name: c.name, suite: suite.id, plainRunMatches: c.plainRunMatches };
  const empty = { expectedRows: 0, actualRows: 0, rowsAll: 0, rowsCore: 0, rowsUid: 0, rowsService: 0 };
  const expectedText = readFileSync(join(suite.dir, c.expected), "utf8");
  let actual: { conn: string; weird: string };
  try {
    actual = await runBronze(suite, c, seed);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const expectedRows = parseLog(expectedText).rows.length;
    return { ...base, ...empty, expectedRows, error: message, firstDiff: `error: ${message.split("\n")[0]}`, pass: false };
  }
  const cmp = compareLogs(expectedText, actual.conn, suite.skipColumns);
  const pass = cmp.firstDiff === undefined;
  const weird =
    c.expectedWeird !== undefined
      ? compareWeirdLogs(c.expectedWeird === null ? "" : readFileSync(join(suite.dir, c.expectedWeird), "utf8"), actual.weird)
      : undefined;
  return { ...base, ...cmp, pass, weird };
}

/** Runs every case of every suite found. */
export async function runAll(onCase?: (r: CaseResult) => void, root = corpusRoot()): Promise<CaseResult[]> {
  const seed = corpusSeed(root);
  const results: CaseResult[] = [];
  for (const suite of loadSuites(root)) {
    for (const c of suite.cases) {
      const r = await runCase(suite, c, seed);
      results.push(r);
      onCase?.(r);
    }
  }
  return results;
}
