/**
 * Zeek's own btests of its base and policy scripts and core, as a second oracle for the
 * logs: every test under testing/btest/scripts/base, scripts/policy and core of
 * Zeek's source (read outside this repository, see zeekSource) that runs one
 * trace of the corpus with nothing but @load lines (`zeek [-b] [-C] -r
 * $TRACES/X %INPUT`) and then only compares (`btest-diff X.log`,
 * `btest-diff-cut -m COLUMNS X.log`, `test ! -f X.log`) is run through
 * bronze's command line with Zeek's btest seed; each log is compared with
 * Zeek's baseline after Zeek's default canonifier (times masked, #open and
 * #close left out), cut as zeek-cut cuts it where the test does. Many of
 * these runs use -b with a few scripts, configurations the corpus'
 * default-script logs do not cover.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applySetting, defaultSettings } from "../../src/options.js";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot } from "../helpers/corpus.js";
import type { ZeekSource } from "../signatures/btest-harness.js";

/** Where the btests of Zeek's scripts and core are, and their baselines. */
const TESTS_DIRS = ["testing/btest/scripts/base", "testing/btest/scripts/policy", "testing/btest/core"];
const BASELINE_DIR = "testing/btest/Baseline";

export interface AppBtest {
  /** The baseline directory's name (the test's path with dots: scripts.base.protocols.http.100-continue). */
  readonly name: string;
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  /** The trace under the corpus' zeek/traces. */
  readonly trace: string;
  /** The scripts the test loads (its @load lines, and names on its command line). */
  readonly loads: readonly string[];
  /** Its redefs, as bronze's command line takes them ("FTP::logged_commands+={…}"). */
  readonly settings: readonly string[];
  /** The logs it compares, whole or cut to some columns. */
  readonly logs: readonly BtestLog[];
}

/** A log a btest compares: whole (`btest-diff`) or cut (`btest-diff-cut [-m] [COLUMN…]`, Zeek's zeek-cut). */
export interface BtestLog {
  readonly log: string;
  /** Null: the whole log; else the columns kept, in this order ([] for all of them). */
  readonly cut: readonly string[] | null;
  /** zeek-cut -m: the column names as a first line. */
  readonly names: boolean;
  /** `test ! -f X.log`: Zeek writes no such log. */
  readonly absent?: boolean;
}

/** The log a `btest-diff` or `btest-diff-cut` line compares, or null for another command. */
function btestLog(exec: string): BtestLog | null {
  const whole = /^btest-diff\s+(\S+\.log)$/.exec(exec);
  if (whole !== null) return { log: whole[1]!, cut: null, names: false };
  const cut = /^btest-diff-cut\s+((?:-m\s+)?)((?:[\w.]+\s+)*)(\S+\.log)$/.exec(exec);
  if (cut === null) return null;
  return { log: cut[3]!, cut: cut[2]!.split(/\s+/).filter((c) => c !== ""), names: cut[1]! !== "" };
}

/** Whether a script line is a one-line redef of a setting bronze has (`redef FTP::logged_commands += { "USER" };`). */
function isKnownRedef(line: string): boolean {
  if (!/^redef\s+[\w:]+\s*[-+]?=.*;$/.test(line)) return false;
  try {
    applySetting(defaultSettings(), line);
    return true;
  } catch {
    return false;
  }
}

/** A btest's command line: zeek, its flags, -r $TRACES/…, then %INPUT and script names. */
const RUN = /^zeek((?:\s+-[bC])*)\s+-r\s+\$TRACES\/(\S+)((?:\s+[\w./%-]+)*)\s*$/;

/** The btest in `text` if it is one of this suite's kind, else null. */
export function parseAppBtest(name: string, text: string): AppBtest | null {
  const execs = [...text.matchAll(/@TEST-EXEC(?:-FAIL)?:\s*(.*)/g)].map((m) => m[1]!.trim());
  const runs = execs.filter((e) => /^zeek\b/.test(e));
  // One zeek run, then only comparisons: a test that moves, unzips or greps its files is not this suite's kind.
  if (runs.length !== 1 || execs.some((e) => !/^(zeek|btest-diff|btest-diff-cut|test ! -f)\b/.test(e))) return null;
  const m = RUN.exec(runs[0]!);
  if (m === null) return null;
  const flags = m[1]!.split(/\s+/);
  const loads = m[3]!.split(/\s+/).filter((w) => w !== "" && w !== "%INPUT");
  // Only @load lines and redefs of settings bronze has, besides comments: a script of its own would need a TypeScript twin.
  const settings: string[] = [];
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (l === "" || l.startsWith("#")) continue;
    const load = /^@load\s+(\S+)$/.exec(l);
    if (load !== null) loads.push(load[1]!);
    else if (isKnownRedef(l)) settings.push(l.replace(/^redef\s+/, "").replace(/;$/, ""));
    else return null;
  }
  const logs = execs.map(btestLog).filter((l): l is BtestLog => l !== null);
  for (const e of execs) {
    const absent = /^test ! -f (\S+\.log)$/.exec(e);
    if (absent !== null) logs.push({ log: absent[1]!, cut: null, names: false, absent: true });
  }
  if (logs.length === 0) return null;
  return { name, bare: flags.includes("-b"), ignoreChecksums: flags.includes("-C"), trace: m[2]!, loads, settings, logs };
}

/** Every btest of this suite's kind under Zeek's base script tests, by name. */
export function findAppBtests(zeek: ZeekSource): AppBtest[] {
  const found: AppBtest[] = [];
  const walk = (dir: string): void => {
    for (const entry of zeek.list(dir)) {
      const path = `${dir}/${entry}`;
      if (/\.(zeek|test)$/.test(entry)) {
        const name = path
          .slice("testing/btest/".length)
          .replace(/\.(zeek|test)$/, "")
          .replaceAll("/", ".");
        const t = parseAppBtest(name, zeek.read(path));
        if (t !== null) found.push(t);
      } else if (!entry.includes(".")) walk(path);
    }
  };
  for (const dir of TESTS_DIRS) walk(dir);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Zeek's default canonifier on a log, as btest compares it: times masked, #open/#close and btest's own header left out. */
export function canonicalBtestLog(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^#(open|close)\b/.test(l) && !l.startsWith("### "))
    .map((l) => l.replace(/(^|[^0-9])[0-9]{9,10}\.[0-9]{1,8}/g, "$1XXXXXXXXXX.XXXXXX"))
    .join("\n")
    .trim();
}

export interface LogResult {
  readonly test: string;
  readonly log: string;
  /** "same", "differs" or "missing" (bronze wrote no such log). */
  readonly outcome: "same" | "differs" | "missing";
  /** The first line that differs (Zeek's, then bronze's), for messages. */
  readonly firstDiff: string;
}

/** Runs `t` through bronze's command line and compares each of its logs with Zeek's baseline. */
export async function runAppBtest(zeek: ZeekSource, t: AppBtest): Promise<LogResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-btest-"));
  try {
    const root = corpusRoot();
    const args = [...(t.bare ? ["-b"] : []), ...(t.ignoreChecksums ? ["-C"] : [])];
    args.push("--seed-file", join(root, "zeek", "random.seed"), "-r", join(root, "zeek", "traces", t.trace), "--logdir", dir, ...t.loads, ...t.settings);
    await bronze(args);
    return t.logs.map((l) => compareLog(t.name, l, l.absent === true ? "" : zeek.read(`${BASELINE_DIR}/${t.name}/${l.log}`), join(dir, l.log)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** zeek-cut's output of a log: the rows' `columns` ([] for all), after a line of their names with -m. */
export function zeekCut(text: string, columns: readonly string[], names: boolean): string {
  const lines = text.split("\n");
  const fields =
    lines
      .find((l) => l.startsWith("#fields\t"))
      ?.split("\t")
      .slice(1) ?? [];
  const pick = columns.length === 0 ? fields.map((_, i) => i) : columns.map((c) => fields.indexOf(c));
  const rows = lines
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const cells = l.split("\t");
      return pick.map((i) => (i < 0 ? "" : (cells[i] ?? ""))).join("\t");
    });
  return [...(names ? [pick.map((i) => fields[i] ?? "").join("\t")] : []), ...rows].join("\n");
}

function compareLog(test: string, l: BtestLog, baseline: string, path: string): LogResult {
  const log = l.absent === true ? `${l.log} (none)` : l.cut === null ? l.log : `${l.log} (cut)`;
  if (l.absent === true) return { test, log, outcome: existsSync(path) ? "differs" : "same", firstDiff: "bronze wrote it, Zeek did not" };
  if (!existsSync(path)) return { test, log, outcome: "missing", firstDiff: "" };
  const text = readFileSync(path, "latin1");
  const z = canonicalBtestLog(baseline).split("\n");
  const b = canonicalBtestLog(l.cut === null ? text : zeekCut(text, l.cut, l.names)).split("\n");
  const at = z.findIndex((line, i) => line !== b[i]);
  if (at < 0 && z.length === b.length) return { test, log, outcome: "same", firstDiff: "" };
  const i = at < 0 ? z.length : at;
  return { test, log, outcome: "differs", firstDiff: `line ${i + 1}: ${z[i] ?? "(end)"} != ${b[i] ?? "(end)"}` };
}

/** Runs every btest of the suite whose trace the corpus has; the others are left out. */
export async function runAllAppBtests(zeek: ZeekSource): Promise<LogResult[]> {
  const traces = join(corpusRoot(), "zeek", "traces");
  const results: LogResult[] = [];
  for (const t of findAppBtests(zeek)) if (existsSync(join(traces, t.trace))) results.push(...(await runAppBtest(zeek, t)));
  return results;
}

/** The known failures file: one `test log  # why` line per log that is not yet Zeek's. */
export const KNOWN_FAILURES_FILE = "test/conformance/known-failures/btest-applogs.txt";

export function parseKnownFailures(text: string): Map<string, string> {
  const known = new Map<string, string>();
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (l === "" || l.startsWith("#")) continue;
    const [key, why = ""] = l.split(/\s+#\s*/, 2);
    known.set(key!.replace(/\s+/g, " "), why);
  }
  return known;
}

/** A result's key in the known failures file. */
export function resultKey(r: LogResult): string {
  return `${r.test} ${r.log}`;
}

/** The corpus has the traces: what this suite needs besides Zeek's source. */
export function corpusTracesPresent(): boolean {
  const traces = join(corpusRoot(), "zeek", "traces");
  return existsSync(traces) && readdirSync(traces).length > 0;
}
