/**
 * Zeek's own btests of its base and policy scripts and core, as a second
 * oracle for the logs: every test under testing/btest/scripts/base,
 * scripts/policy and core of Zeek's source (read outside this repository,
 * see zeekSource) whose script is only @load lines and redefs bronze has,
 * whose zeek runs each read one trace of the corpus (`zeek [-b] [-C] -r
 * $TRACES/X %INPUT [scripts] [NAME=VALUE]`), and whose other commands only
 * move logs about (mv, cp, cat, echo) and compare them (`btest-diff X.log`,
 * `btest-diff-cut -m COLUMNS X.log`, `test ! -f X.log`, diff;
 * btest-applogs-parse.ts) is replayed: each run through bronze's command
 * line with Zeek's btest seed, the commands in one directory as btest's,
 * and each log compared with Zeek's baseline after the test's canonifier
 * (times masked, #open and #close left out; sorted for diff-sort), cut as
 * zeek-cut cuts it where the test does. Many of these runs use -b with a
 * few scripts, configurations the corpus' default-script logs do not cover.
 * The test's own files (@TEST-START-FILE: intel files, say) are written
 * into its directory first, and relative Intel::read_files entries are
 * read from there, as Zeek reads them from its working directory.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot } from "../helpers/corpus.js";
import { parseLogText } from "../helpers/tsv.js";
import type { ZeekSource } from "../signatures/btest-harness.js";
import { type AppBtest, type BtestLog, type BtestStep, parseAppBtest, type ZeekRun } from "./btest-applogs-parse.js";

export { type AppBtest, type BtestLog, parseAppBtest } from "./btest-applogs-parse.js";

/** Where the btests of Zeek's scripts and core are, and their baselines. */
const TESTS_DIRS = ["testing/btest/scripts/base", "testing/btest/scripts/policy", "testing/btest/core"];
const BASELINE_DIR = "testing/btest/Baseline";

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

/** The traces a btest reads. */
export function btestTraces(t: AppBtest): string[] {
  return t.steps.flatMap((s) => (s.kind === "zeek" ? [s.run.trace] : []));
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

/**
 * A log as btest compares it under a test's TEST_DIFF_CANONIFIER: Zeek's
 * default masks the first time of each line and diff-remove-timestamps
 * every one (both as canonicalBtestLog, which masks every time); diff-sort
 * keeps the comment lines first and sorts the others, as `sort` does in
 * btest's C locale.
 */
export function canonify(text: string, canonifier: string | undefined): string {
  const lines = canonicalBtestLog(text).split("\n");
  if (canonifier !== "diff-sort" && canonifier !== "diff-remove-timestamps-and-sort") return lines.join("\n");
  const rows = lines.filter((l) => !l.startsWith("#")).sort((a, b) => Buffer.compare(Buffer.from(a, "latin1"), Buffer.from(b, "latin1")));
  return [...lines.filter((l) => l.startsWith("#")), ...rows].join("\n");
}

export interface LogResult {
  readonly test: string;
  readonly log: string;
  /** "same", "differs" or "missing" (bronze wrote no such log). */
  readonly outcome: "same" | "differs" | "missing";
  /** The first line that differs (Zeek's, then bronze's), for messages. */
  readonly firstDiff: string;
}

/**
 * The btest's one directory, as its commands leave it. Files a run that
 * was not replayed may have written are unknown (every file, from then on,
 * until a replayed run or a command writes it again); comparisons of
 * unknown files are left out.
 */
class BtestDir {
  readonly path = mkdtempSync(join(tmpdir(), "bronze-btest-"));
  private runs = 0;
  private unknownByDefault = false;
  private readonly unknown = new Set<string>();
  private readonly known = new Set<string>();

  isUnknown(file: string): boolean {
    return this.unknown.has(file) || (this.unknownByDefault && !this.known.has(file));
  }

  private mark(file: string, unknown: boolean): void {
    (unknown ? this.unknown : this.known).add(file);
    (unknown ? this.known : this.unknown).delete(file);
  }

  /** A zeek run: bronze writes into a directory of its own, whose files then replace the test directory's (Zeek overwrites a log it writes, and leaves the others). */
  async run(t: AppBtest, run: ZeekRun): Promise<void> {
    if (run.ownFiles.length > 0) {
      this.unknownByDefault = true;
      this.known.clear();
      for (const f of readdirSync(this.path)) this.mark(f, true);
      return;
    }
    const out = join(this.path, `.run-${this.runs++}`);
    mkdirSync(out);
    const root = corpusRoot();
    // Zeek's baselines come from its usual build, with its Spicy analyzers (QUIC, LDAP, …): bronze's --spicy.
    const args = ["--spicy", ...(run.bare ? ["-b"] : []), ...(run.ignoreChecksums ? ["-C"] : []), ...(run.filter !== undefined ? ["-f", run.filter] : [])];
    args.push("--seed-file", join(root, "zeek", "random.seed"), "-r", join(root, "zeek", "traces", run.trace), "--logdir", out);
    const signatures = run.input ? (t.signatures ?? []).flatMap((name) => ["-s", name]) : [];
    const script = run.input ? [...t.loads, ...t.settings, ...(t.calls ?? []), ...this.intelPrefix(t)] : [];
    // Extracted files go where Zeek's relative FileExtract::prefix puts them, the test's directory, not ours.
    const extractPrefix = `FileExtract::prefix=${JSON.stringify(`${join(out, "extract_files")}/`)}`;
    await bronze([...args, ...signatures, ...run.loads, extractPrefix, ...script, ...run.settings]);
    for (const f of readdirSync(out)) {
      rmSync(join(this.path, f), { recursive: true, force: true });
      renameSync(join(out, f), join(this.path, f));
      this.mark(f, false);
    }
    rmSync(out, { recursive: true, force: true });
  }

  /** The test's own files, as btest puts them in its directory before the first command. */
  writeOwnFiles(t: AppBtest): void {
    for (const [name, text] of t.files) {
      mkdirSync(join(this.path, name, ".."), { recursive: true });
      writeFileSync(join(this.path, name), text, "latin1");
    }
  }

  /** Zeek reads relative intel files from its working directory, the test's: bronze is told with Intel::path_prefix, unless the test sets it. */
  private intelPrefix(t: AppBtest): string[] {
    const reads = t.settings.some((s) => s.startsWith("Intel::read_files"));
    return reads && !t.settings.some((s) => s.startsWith("Intel::path_prefix")) ? [`Intel::path_prefix=${this.path}`] : [];
  }

  /** mv, cp, cat, echo, touch and zeek-cut, as the shell does them. */
  fileCommand(step: Extract<BtestStep, { kind: "move" | "copy" | "cat" | "echo" | "cut" | "touch" }>): void {
    const at = (f: string) => join(this.path, f);
    if (step.kind === "touch") {
      if (!existsSync(at(step.to))) writeFileSync(at(step.to), "");
      return;
    }
    if (step.kind === "cut") {
      // Without its input the shell fails the command and leaves B empty: a later comparison of B then fails.
      const text = existsSync(at(step.from)) ? `${zeekCut(readFileSync(at(step.from), "latin1"), step.columns, step.names)}\n` : "";
      writeFileSync(at(step.to), text, "latin1");
      this.mark(step.to, this.isUnknown(step.from));
      return;
    }
    if (step.kind === "echo") {
      writeFileSync(at(step.to), step.text, { encoding: "latin1", flag: step.append ? "a" : "w" });
      this.mark(step.to, step.append && this.isUnknown(step.to));
      return;
    }
    if (step.kind === "cat") {
      const unknown = step.from.some((f) => this.isUnknown(f)) || (step.append && this.isUnknown(step.to));
      const text = step.from.map((f) => (existsSync(at(f)) ? readFileSync(at(f), "latin1") : "")).join("");
      const masked = step.masked ? text.replace(/(^|[^0-9])[0-9]{9,10}\.[0-9]{1,8}/gm, "$1XXXXXXXXXX.XXXXXX") : text;
      writeFileSync(at(step.to), masked, { encoding: "latin1", flag: step.append ? "a" : "w" });
      this.mark(step.to, unknown);
      return;
    }
    const unknown = this.isUnknown(step.from);
    if (existsSync(at(step.from))) {
      rmSync(at(step.to), { recursive: true, force: true });
      if (step.kind === "move") renameSync(at(step.from), at(step.to));
      else cpSync(at(step.from), at(step.to), { recursive: true });
    }
    this.mark(step.to, unknown);
    if (step.kind === "move") this.mark(step.from, false);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Replays `t` through bronze's command line and compares each log it compares with Zeek's baseline. */
export async function runAppBtest(zeek: ZeekSource, t: AppBtest): Promise<LogResult[]> {
  const dir = new BtestDir();
  const results: LogResult[] = [];
  try {
    dir.writeOwnFiles(t);
    for (const step of t.steps) {
      if (step.kind === "zeek") await dir.run(t, step.run);
      else if (step.kind === "compare") {
        if (dir.isUnknown(step.log.log)) continue;
        const baseline = step.log.absent === true || step.log.present === true ? "" : zeek.read(`${BASELINE_DIR}/${t.name}/${step.log.log}`);
        results.push(compareLog(t.name, step.log, baseline, join(dir.path, step.log.log)));
      } else if (step.kind === "diff") {
        if (dir.isUnknown(step.a) || dir.isUnknown(step.b)) continue;
        results.push(compareFiles(t.name, join(dir.path, step.a), join(dir.path, step.b)));
      } else if (step.kind !== "ignored") dir.fileCommand(step);
    }
    return results;
  } finally {
    dir.remove();
  }
}

/** zeek-cut's output of a log: the rows' `columns` ([] for all), after a line of their names with -m. */
export function zeekCut(text: string, columns: readonly string[], names: boolean): string {
  const { fields, rows } = parseLogText(text);
  const pick = columns.length === 0 ? fields.map((_, i) => i) : columns.map((c) => fields.indexOf(c));
  const cut = rows.map((cells) => pick.map((i) => (i < 0 ? "" : (cells[i] ?? ""))).join("\t"));
  return [...(names ? [pick.map((i) => fields[i] ?? "").join("\t")] : []), ...cut].join("\n");
}

function compareLog(test: string, l: BtestLog, baseline: string, path: string): LogResult {
  const log = l.absent === true ? `${l.log} (none)` : l.cut === null ? l.log : `${l.log} (cut)`;
  if (l.absent === true) return { test, log, outcome: existsSync(path) ? "differs" : "same", firstDiff: "bronze wrote it, Zeek did not" };
  if (l.present === true) return { test, log: `${l.log} (exists)`, outcome: existsSync(path) ? "same" : "missing", firstDiff: "" };
  if (!existsSync(path)) return { test, log, outcome: "missing", firstDiff: "" };
  const text = readFileSync(path, "latin1");
  return compareLines(test, log, canonify(baseline, l.canonifier), canonify(l.cut === null ? text : zeekCut(text, l.cut, l.names), l.canonifier));
}

/** `diff A B` of two files the test wrote: bronze's must be the same too. */
function compareFiles(test: string, a: string, b: string): LogResult {
  const log = `diff ${a.replace(/.*\//, "")} ${b.replace(/.*\//, "")}`;
  if (!existsSync(a) || !existsSync(b)) return { test, log, outcome: "missing", firstDiff: "" };
  return compareLines(test, log, readFileSync(a, "latin1"), readFileSync(b, "latin1"));
}

function compareLines(test: string, log: string, zeekText: string, bronzeText: string): LogResult {
  const z = zeekText.split("\n");
  const b = bronzeText.split("\n");
  const at = z.findIndex((line, i) => line !== b[i]);
  if (at < 0 && z.length === b.length) return { test, log, outcome: "same", firstDiff: "" };
  const i = at < 0 ? z.length : at;
  return { test, log, outcome: "differs", firstDiff: `line ${i + 1}: ${z[i] ?? "(end)"} != ${b[i] ?? "(end)"}` };
}

/** Runs every btest of the suite whose traces the corpus has; the others are left out. */
export async function runAllAppBtests(zeek: ZeekSource): Promise<LogResult[]> {
  const traces = join(corpusRoot(), "zeek", "traces");
  const results: LogResult[] = [];
  for (const t of findAppBtests(zeek)) if (btestTraces(t).every((trace) => existsSync(join(traces, trace)))) results.push(...(await runAppBtest(zeek, t)));
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
