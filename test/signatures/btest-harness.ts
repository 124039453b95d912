/**
 * Runs Zeek's signature btests (testing/btest/signatures/*.zeek, with their
 * baselines in testing/btest/Baseline/signatures.NAME/) on bronze, read from
 * Zeek's source outside this repository (they are Zeek's code and output,
 * not copied here; see zeekSource):
 * each `@TEST-EXEC: zeek [-b] [-C] [-s NAME] -r $TRACES/… %INPUT >out` line
 * becomes an engine run on the corpus trace with the btest's signature files
 * (`-s` and `@load-sigs`), and a TypeScript policy that prints what the
 * btest's Zeek script prints. The printed lines are compared with the
 * baseline file the line redirects to.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { SignatureError } from "../../src/signatures/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing, repoRoot } from "../helpers/corpus.js";
import { ZEEK_SEED } from "../session/harness.js";

/** One `zeek` command line of a btest. */
export interface BtestRun {
  /** `@TEST-EXEC-FAIL`: Zeek exits with an error (bronze must refuse too). */
  readonly fails: boolean;
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  /** `-s` names (Zeek adds ".sig" when needed). */
  readonly signatureArgs: readonly string[];
  /** The trace under the corpus' zeek/traces. */
  readonly trace: string;
  /** The baseline file the output goes to (".stdout" when not redirected; a log the script writes when btest-diff compares it). */
  readonly output: string;
  /** `| sort`: the output is sorted. */
  readonly sorted: boolean;
}

export interface Btest {
  readonly name: string;
  readonly runs: readonly BtestRun[];
  /** The `@TEST-START-FILE` files, by name. */
  readonly files: ReadonlyMap<string, string>;
  /** Signature files the script loads with `@load-sigs`. */
  readonly loadSigs: readonly string[];
  /** Scripts the script loads with `@load` (with -b, the protocols whose scripts run). */
  readonly loads: readonly string[];
  /** Script lines that redefine dpd_buffer_size and the like, as engine settings. */
  readonly settings: Readonly<Record<string, number>>;
}

/** Where Zeek's source keeps the signature btests. */
const BTEST_DIR = "testing/btest/signatures";

/** Zeek's source tree, read as text by path (relative to its root). */
export interface ZeekSource {
  /** Where it is (for messages). */
  readonly where: string;
  read(path: string): string;
  /** The names of the files in a directory. */
  list(dir: string): string[];
}

/**
 * Zeek's source, where the btests are read: $BRONZE_ZEEK_SOURCE, else
 * ../zeek beside the repository; a checkout or a bare git repository of
 * github.com/zeek/zeek (read at its HEAD). Null when neither is there.
 */
export function zeekSource(): ZeekSource | null {
  const candidates = [process.env.BRONZE_ZEEK_SOURCE, join(repoRoot(), "..", "zeek")];
  for (const given of candidates) {
    if (given === undefined || given === "") continue;
    // Absolute: btest replays run zeek in a folder of their own (process.chdir).
    const dir = resolve(given);
    if (existsSync(join(dir, BTEST_DIR))) {
      return { where: dir, read: (path) => readFileSync(join(dir, path), "latin1"), list: (sub) => readdirSync(join(dir, sub)) };
    }
    if (existsSync(join(dir, "HEAD")) && existsSync(join(dir, "objects"))) {
      const git = (...args: string[]): string => execFileSync("git", ["--git-dir", dir, ...args], { encoding: "latin1", maxBuffer: 64 << 20 });
      return {
        where: dir,
        read: (path) => git("show", `HEAD:${path}`),
        list: (sub) =>
          git("ls-tree", "--name-only", `HEAD:${sub}`)
            .split("\n")
            .filter((n) => n !== ""),
      };
    }
  }
  return null;
}

/**
 * True, with the test skipped saying why, when a btest twin's oracles are
 * not all there: Zeek's source (`zeek`, from zeekSource) or one of the
 * corpus traces (paths under zeek/traces). `what` names the btests that
 * then go unreplayed.
 */
export function btestOraclesMissing(t: Parameters<typeof oracleMissing>[0], zeek: ZeekSource | null, what: string, traces: readonly string[]): boolean {
  if (zeek === null) {
    oracleMissing(t, `Zeek's source not found (set BRONZE_ZEEK_SOURCE): ${what} are not replayed`);
    return true;
  }
  const missing = traces.find((trace) => !existsSync(join(corpusRoot(), "zeek", "traces", trace)));
  if (missing === undefined) return false;
  oracleMissing(t, `the corpus trace zeek/traces/${missing} is not there`);
  return true;
}

/** A btest baseline's lines (testing/btest/Baseline/PATH), without btest's header line and empty lines. */
export function baselineLines(zeek: ZeekSource, path: string): string[] {
  return zeek
    .read(`testing/btest/Baseline/${path}`)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("### "));
}

/** The names of Zeek's signature btests. */
export function btestNames(zeek: ZeekSource): string[] {
  return zeek
    .list(BTEST_DIR)
    .filter((f) => f.endsWith(".zeek"))
    .map((f) => f.slice(0, -".zeek".length))
    .sort();
}

/** A policy that prints, as the btest's script does, into `out`. */
export type Printer = (engine: Engine, out: string[]) => void;

export function loadBtest(zeek: ZeekSource, name: string): Btest {
  const text = zeek.read(`${BTEST_DIR}/${name}.zeek`);
  const files = new Map<string, string>();
  const script: string[] = [];
  let file: { name: string; lines: string[] } | null = null;
  for (const line of text.split("\n")) {
    const start = /^# @TEST-START-FILE\s+(\S+)/.exec(line);
    if (start !== null) file = { name: start[1]!, lines: [] };
    else if (/^# @TEST-END-FILE/.test(line) && file !== null) {
      files.set(file.name, `${file.lines.join("\n")}\n`);
      file = null;
    } else if (file !== null) file.lines.push(line);
    else script.push(line);
  }
  // A run whose stdout is not compared, but a log is (eval-condition: conn.log), is compared by that log.
  const diffed = script.flatMap((l) => /^# @TEST-EXEC:\s*btest-diff\s+(\S+)/.exec(l)?.[1] ?? []);
  const log = diffed.includes(".stdout") ? undefined : diffed.find((d) => d.endsWith(".log"));
  const runs = script
    .map(parseExec)
    .filter((r): r is BtestRun => r !== null)
    .map((r) => (r.output === ".stdout" && log !== undefined ? { ...r, output: log } : r));
  const loadSigs = script.flatMap((l) => /^@load-sigs\s+(\S+)/.exec(l)?.[1]?.replace(/^\.\//, "") ?? []);
  const loads = script.flatMap((l) => /^@load\s+(\S+)/.exec(l)?.[1] ?? []);
  const settings: Record<string, number> = {};
  for (const l of script) {
    const m = /^redef\s+(\w+)\s*=\s*(\d+)\s*\*\s*(\d+)\s*;/.exec(l);
    if (m !== null) settings[m[1]!] = Number(m[2]) * Number(m[3]);
  }
  return { name, runs, files, loadSigs, loads, settings };
}

/** A `# @TEST-EXEC: zeek …` line as a run; null for other lines (btest-diff, other commands). */
function parseExec(line: string): BtestRun | null {
  const m = /^# @TEST-EXEC(-FAIL)?:\s*(?:unset \S+; )?zeek (.*)$/.exec(line);
  if (m === null) return null;
  const words = m[2]!.split(/\s+/);
  const sigs: string[] = [];
  let trace = "";
  let output = ".stdout";
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "-s") sigs.push(words[++i]!);
    else if (w === "-r") trace = words[++i]!.replace("$TRACES/", "");
    else if (w.startsWith(">") && w !== ">") output = w.slice(1);
    else if (w === ">") output = words[++i]!;
  }
  const flags = words.filter((w) => /^-[A-Za-z]+$/.test(w)).join("");
  return {
    fails: m[1] !== undefined,
    bare: flags.includes("b"),
    ignoreChecksums: flags.includes("C"),
    signatureArgs: sigs,
    trace,
    output,
    sorted: m[2]!.includes("| sort"),
  };
}

/** The baseline lines (without btest's header line). */
export function baseline(zeek: ZeekSource, test: Btest, output: string): string[] {
  const text = zeek.read(`testing/btest/Baseline/signatures.${test.name}/${output}`);
  const lines = text.split("\n");
  if (lines[0]?.startsWith("### BTest baseline")) lines.shift();
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The trace's path in the corpus. */
export function tracePath(run: BtestRun): string {
  return join(corpusRoot(), "zeek", "traces", run.trace);
}

/** A `-s` name's file among the btest's files (Zeek tries the name, then with ".sig"). */
function signatureFile(test: Btest, name: string): { text: string; file: string } {
  const found = [name, `${name}.sig`].find((n) => test.files.has(n));
  if (found === undefined) throw new Error(`${test.name}: no file for -s ${name}`);
  return { text: test.files.get(found)!, file: `./${found}` };
}

/**
 * Runs one command line; the printed lines (with a refused signature file,
 * or a name in it no policy registered: Zeek's "error: …" line). The printer
 * registers first: it stands for the btest's script, whose functions and
 * events the signatures name.
 */
export async function runBtest(test: Btest, run: BtestRun, printer: Printer): Promise<string[]> {
  const engine = new Engine({ seed: ZEEK_SEED, bare: run.bare, loads: [...test.loads], settings: { ignore_checksums: run.ignoreChecksums, ...test.settings } });
  const out: string[] = [];
  printer(engine, out);
  try {
    const sources = [...run.signatureArgs.map((s) => signatureFile(test, s)), ...test.loadSigs.map((s) => signatureFile(test, s))];
    engine.loadSignatures(...sources);
    const { logs } = loadBuiltinScripts(engine, { memory: true, bare: run.bare, loads: test.loads, stderr: null });
    await engine.run(await openTrace(tracePath(run)));
    if (run.output.endsWith(".log")) return canonicalLog(logs.text(run.output.slice(0, -".log".length)).split("\n"));
  } catch (err) {
    if (err instanceof SignatureError) return [`error: ${err.message}`];
    throw err;
  }
  return run.sorted ? out.sort() : out;
}

/**
 * A log as btest-diff's canonifier leaves it (timestamps and the
 * #open/#close dates as X's), with the service set's elements sorted: Zeek
 * writes a set in its hash table's order, bronze in insertion order.
 */
export function canonicalLog(lines: readonly string[]): string[] {
  const fields = lines.find((l) => l.startsWith("#fields\t"))?.split("\t") ?? [];
  const service = fields.indexOf("service") - 1;
  return lines
    .filter((l) => l !== "")
    .map((l) => l.replace(/^#(open|close)[\t ].*/, "#$1 XXXX-XX-XX-XX-XX-XX").replace(/^\d+\.\d+\t/, "XXXXXXXXXX.XXXXXX\t"))
    .map((l) => (l.startsWith("#") || service < 0 ? l : sortField(l, service)));
}

function sortField(line: string, index: number): string {
  const cols = line.split("\t");
  if (cols[index] !== undefined) cols[index] = cols[index]!.split(",").sort().join(",");
  return cols.join("\t");
}

/** Zeek's btest seed (testing/btest/random.seed, its btest.cfg's ZEEK_SEED_FILE) as numbers: uids and table order as in the baselines. */
export function btestSeed(zeek: ZeekSource): number[] {
  return zeek
    .read("testing/btest/random.seed")
    .split(/\s+/)
    .filter((w) => w !== "")
    .map(Number);
}
