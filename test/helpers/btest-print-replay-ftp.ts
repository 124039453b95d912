/**
 * The replay of a Zeek btest whose script prints event arguments (first
 * written for dns-btests, shared with the FTP, SMB, DCE-RPC, DHCP, Modbus,
 * KRB and NTP ones): its commands are read from Zeek's source at test time
 * (its zeek runs' traces, flags, settings and redirections, renames, and
 * its checks), its handlers have a TypeScript twin printing as Zeek's
 * `print` does, and each file it compares (or wants empty or absent) is
 * compared with Zeek's baseline after btest's canonifier.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { canonicalBtestLog, zeekCut } from "../conformance/btest-applogs-harness.js";
import { ZEEK_SEED } from "../session/harness.js";
import { btestOraclesMissing, type ZeekSource } from "../signatures/btest-harness.js";
import { corpusRoot } from "./corpus.js";
import { maskFirstTime } from "./zeek-print.js";

/** One zeek run of a btest: its trace and flags, its command line's settings, and where its standard output goes. */
export interface ZeekRun {
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  readonly trace: string;
  readonly settings: string[];
  /** Scripts named after %INPUT, loaded as its @load lines are. */
  readonly loads: string[];
  /** %INPUT is on the command line: the btest's @load lines and redefs count. */
  readonly input: boolean;
  readonly stdout: string;
  /** Where the reporter's messages to standard error go (`2>err`; else .stderr). */
  readonly stderr: string;
  readonly append: boolean;
  /** Piped through sort, uniq -c and a sed dropping the counts' leading blanks: the printed lines counted, as the modbus btests do. */
  readonly uniqCount: boolean;
}

/** A btest's commands, in order, as far as this replay reads them. */
export type Step =
  | { readonly kind: "zeek"; readonly run: ZeekRun }
  | { readonly kind: "mv"; readonly from: string; readonly to: string }
  | { readonly kind: "diff"; readonly file: string; readonly canonify: boolean; readonly abspath: boolean }
  | { readonly kind: "empty"; readonly file: string }
  | { readonly kind: "absent"; readonly file: string }
  | { readonly kind: "zeek-cut"; readonly columns: string[]; readonly names: boolean; readonly from: string; readonly to: string }
  | { readonly kind: "cut"; readonly file: string; readonly columns: string[] }
  | { readonly kind: "count"; readonly file: string; readonly pattern: string; readonly at: number };

export interface PrintBtest {
  readonly steps: Step[];
  readonly loads: string[];
  /** Its redefs, as assignments. */
  readonly settings: string[];
}

/**
 * A zeek command: flags (-b, -C, -D, together or apart, -r last), the trace,
 * `NAME=VALUE` settings, %INPUT, scripts, and a redirection of standard
 * output (after `2>&1` or before `2>err`), or a pipe through sort and uniq -c.
 */
const ZEEK_RUN =
  /^zeek((?:\s+-[bCD]+)*)\s+-([bCD]*)r\s*\$(?:TRACES|\{TRACES\})\/(\S+)((?:\s+[\w:]+=\S+)*)(\s+%INPUT)?((?:\s+[\w/.-]+)*)(?:\s*2>&1)?(?:\s*(>>?)\s*(\S+))?(?:\s*2>\s*(\S+))?(\s*\|\s*sort\s*\|\s*uniq -c\s*\|\s*sed 's\/\^ \*\/\/g'\s*>\s*(\S+))?$/;

function parseZeekRun(command: string): Step | null {
  // A redirection written before %INPUT (`zeek -r T >out %INPUT`) is the same as one after;
  // `-e 'redef A=1; redef B=2;'` is as the settings A=1 B=2 on the command line.
  const redefs: string[] = [];
  const cmd = command.replace(/^(zeek\s.*?)\s+(>>?\s*\S+)(\s+%INPUT(?:\s+[\w/.-]+)*)$/, "$1$3 $2").replace(/\s+-e\s+'([^']*)'/, (_m, body: string) => {
    for (const r of body.matchAll(/redef\s+([\w:]+)\s*=\s*([^;]+)/g)) redefs.push(`${r[1]}=${r[2]!.trim()}`);
    return "";
  });
  const m = ZEEK_RUN.exec(cmd);
  if (m === null) return null;
  const flags = m[1]! + m[2]!;
  const settings = [...redefs, ...m[4]!.trim().split(/\s+/).filter(Boolean)];
  const loads = m[6]!.trim().split(/\s+/).filter(Boolean);
  const uniqCount = m[10] !== undefined;
  const [append, stdout, stderr] = [m[7] === ">>", m[11] ?? m[8] ?? ".stdout", m[9] ?? ".stderr"];
  const input = m[5] !== undefined;
  return {
    kind: "zeek",
    run: { bare: flags.includes("b"), ignoreChecksums: flags.includes("C"), trace: m[3]!, settings, loads, input, stdout, stderr, append, uniqCount },
  };
}

/** One command of a btest, or null for one this replay does not read. */
function parseCommand(cmd: string): Step | null {
  const zeekRun = parseZeekRun(cmd);
  if (zeekRun !== null) return zeekRun;
  const diff = /^(TEST_DIFF_CANONIFIER=\s+)?btest-diff(-remove-abspath)?\s+(\S+)$/.exec(cmd);
  if (diff !== null) return { kind: "diff", file: diff[3]!, canonify: diff[1] === undefined, abspath: diff[2] !== undefined };
  const cut = /^btest-diff-cut\s+-m\s+(.*\s)?(\S+)$/.exec(cmd);
  if (cut !== null) return { kind: "cut", file: cut[2]!, columns: (cut[1] ?? "").trim().split(/\s+/).filter(Boolean) };
  const mv = /^mv\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (mv !== null) return { kind: "mv", from: mv[1]!, to: mv[2]! };
  const empty = /^test ! -s (\S+)$/.exec(cmd);
  if (empty !== null) return { kind: "empty", file: empty[1]! };
  const absent = /^(?:test ! -f (\S+)|! test -f (\S+)|\[ ! -f (\S+) \])$/.exec(cmd);
  if (absent !== null) return { kind: "absent", file: (absent[1] ?? absent[2] ?? absent[3])! };
  const zeekCutRun = /^zeek-cut\s+(-m\s+)?([^<]*)<\s*(\S+)\s*>\s*(\S+)$/.exec(cmd);
  if (zeekCutRun !== null)
    return { kind: "zeek-cut", names: zeekCutRun[1] !== undefined, columns: zeekCutRun[2]!.trim().split(/\s+/), from: zeekCutRun[3]!, to: zeekCutRun[4]! };
  // `grep -q 'X' F` wants X at least once; `test "$(grep -c 'X' F)" = "N"` wants it in N lines.
  const some = /^grep -q '([^']+)' (\S+)$/.exec(cmd);
  if (some !== null) return { kind: "count", pattern: some[1]!, file: some[2]!, at: -1 };
  const count = /^test "\$\(grep -c '([^']+)' (\S+)\)" = "(\d+)"$/.exec(cmd);
  if (count !== null) return { kind: "count", pattern: count[1]!, file: count[2]!, at: Number(count[3]) };
  return null;
}

/**
 * The btest's commands (an assertion names one this replay cannot read;
 * those `skip` matches are left out: checks the caller makes itself), its
 * @load lines and redefs.
 */
export function parsePrintBtest(text: string, name: string, skip?: RegExp): PrintBtest {
  const steps: Step[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const cmd = m[1]!.trim();
    if (skip?.test(cmd)) continue;
    const step = parseCommand(cmd);
    assert.ok(step !== null, `${name}: a command this replay does not read: ${m[1]}`);
    steps.push(step);
  }
  assert.ok(
    steps.some((s) => s.kind === "zeek"),
    "a zeek run of a trace",
  );
  const loads = [...text.matchAll(/^@load\s+(\S+)/gm)].map((l) => l[1]!);
  const settings = [...text.matchAll(/^redef\s+([\w:]+\s*[-+]?=.*);$/gm)].map((r) => r[1]!.replace(/\s*([-+]?=)\s*/, "$1"));
  return { steps, loads, settings };
}

/** A twin of a btest's handlers, printing into the zeek run's standard output. */
export type Twin = (engine: Engine, print: (...values: string[]) => void, trace: string) => void;

/** btest-diff-remove-abspath's canonifier: a path's directories as "<...>/". */
const removeAbspath = (line: string): string => line.replace(/\/(?:[^ :/]+\/)+([^ :/]+)/g, "<...>/$1");

/** sort, uniq -c and the sed: each distinct line once, in byte order, after its count. */
function uniqCount(lines: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => (Buffer.from(a, "latin1") < Buffer.from(b, "latin1") ? -1 : 1)).map((l) => `${counts.get(l)} ${l}`);
}

/** Runs one zeek command of the btest with the twin; returns the files it writes (its standard output and its logs). */
async function replayRun(b: PrintBtest, run: ZeekRun, twin: Twin): Promise<Map<string, string>> {
  const path = join(corpusRoot(), "zeek", "traces", run.trace);
  const [settings, loads] = [
    [...(run.input ? b.settings : []), ...run.settings],
    [...(run.input ? b.loads : []), ...run.loads],
  ];
  const engine = new Engine({ seed: ZEEK_SEED, bare: run.bare, loads, settings, ignoreChecksums: run.ignoreChecksums });
  const printed: string[] = [];
  if (run.input) twin(engine, (...values) => void printed.push(values.join(", ")), path);
  // What the reporter writes to standard error is the run's .stderr (btests compare it, mostly wanting it empty).
  const stderr: string[] = [];
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: run.bare, loads, stderr: (line) => void stderr.push(line) });
  await engine.run(await openTrace(path));
  scripts.close();
  const lines = run.uniqCount ? uniqCount(printed.join("\n").split("\n").filter(Boolean)) : printed;
  const files = new Map<string, string>([
    [run.stdout, lines.map((l) => `${l}\n`).join("")],
    [run.stderr, stderr.map((l) => `${l}\n`).join("")],
  ]);
  for (const log of scripts.logs.written()) files.set(`${log}.log`, scripts.logs.text(log));
  return files;
}

/** A printed file's lines after btest's canonifiers: the default masks the first time of each line, btest-diff-remove-abspath's drops a path's directories. */
const canonical = (text: string, diff: { readonly canonify: boolean; readonly abspath: boolean }): string[] =>
  text
    .trim()
    .split("\n")
    .map((l) => (diff.canonify ? maskFirstTime(l) : l))
    .map((l) => (diff.abspath ? removeAbspath(l) : l));

/** A baseline's lines: btest-diff stored them canonified, after its header line. */
const baselineLines = (text: string): string[] =>
  text
    .split("\n")
    .filter((l) => !l.startsWith("### "))
    .join("\n")
    .trim()
    .split("\n");

/** Where a btest's baselines are, and its name for messages. */
interface Where {
  readonly zeek: ZeekSource;
  /** Baseline directory: testing/btest/Baseline/BASELINE. */
  readonly baseline: string;
  readonly name: string;
}

/** A btest's check of a file it wrote: a diff with the baseline (of printed lines or a log), a cut log, emptiness, a count of lines. */
function check(w: Where, s: Exclude<Step, { kind: "zeek" | "mv" | "zeek-cut" }>, files: ReadonlyMap<string, string>): void {
  const { name } = w;
  const ours = files.get(s.file);
  if (s.kind === "absent") return assert.equal(ours, undefined, `${name}: no ${s.file}`);
  if (s.kind === "empty") return assert.equal(ours ?? "", "", `${name}: ${s.file} is empty`);
  assert.ok(ours !== undefined, `${name}: ${s.file} written`);
  if (s.kind === "count") {
    const n = ours.split("\n").filter((l) => l.includes(s.pattern)).length;
    return s.at < 0 ? assert.ok(n > 0, `${name}: ${s.pattern} in ${s.file}`) : assert.equal(n, s.at, `${name}: ${s.pattern} in ${s.file}`);
  }
  // Some baselines are stored with CRLF line ends.
  const want = w.zeek.read(`testing/btest/Baseline/${w.baseline}/${s.file}`).replace(/\r\n/g, "\n");
  if (s.kind === "cut") return assert.equal(canonicalBtestLog(zeekCut(ours, s.columns, true)), canonicalBtestLog(want), `${name}: ${s.file}`);
  if (s.file.includes(".log") && !s.file.endsWith(".cut")) return assert.equal(canonicalBtestLog(ours), canonicalBtestLog(want), `${name}: ${s.file}`);
  assert.deepEqual(canonical(ours, s), baselineLines(want), `${name}: ${s.file}`);
}

/** The text of btest NAME (NAME.zeek or NAME.test) in `dir`. */
export function printBtestText(zeek: ZeekSource, dir: string, name: string): string {
  const file = zeek.list(dir).find((f) => f === `${name}.zeek` || f === `${name}.test`);
  assert.ok(file !== undefined, `Zeek's btest ${name} is there`);
  return zeek.read(`${dir}/${file}`);
}

/** What a suite of print btests shares: Zeek's source, the btests' directory, and what they are (for skip messages). */
export interface PrintSuite {
  readonly zeek: ZeekSource | null;
  /** testing/btest/scripts/…: the btests' directory. */
  readonly dir: string;
  readonly what: string;
  /** Commands whose checks other tests make (left unread). */
  readonly skip?: RegExp;
}

/**
 * Replays btest `name` of the suite with `twin`: each file it checks must be
 * as Zeek's baseline. Returns the files it wrote (null when it skipped).
 */
export async function replayPrintBtestFiles(t: TestContext, suite: PrintSuite, name: string, twin: Twin): Promise<ReadonlyMap<string, string> | null> {
  const { zeek, what } = suite;
  if (btestOraclesMissing(t, zeek, what, []) || zeek === null) return null;
  const b = parsePrintBtest(printBtestText(zeek, suite.dir, name), name, suite.skip);
  const traces = b.steps.flatMap((s) => (s.kind === "zeek" ? [s.run.trace] : []));
  if (btestOraclesMissing(t, zeek, what, traces)) return null;
  const where: Where = { zeek, name, baseline: `${suite.dir.replace(/^testing\/btest\//, "").replace(/\//g, ".")}.${name}` };
  const files = new Map<string, string>();
  let compared = 0;
  for (const s of b.steps) {
    if (s.kind === "zeek") {
      const before = s.run.append ? (files.get(s.run.stdout) ?? "") : "";
      for (const [file, text] of await replayRun(b, s.run, twin)) files.set(file, file === s.run.stdout ? before + text : text);
    } else if (s.kind === "zeek-cut") {
      const from = files.get(s.from);
      if (from !== undefined) files.set(s.to, `${zeekCut(from, s.columns, s.names)}\n`);
    } else if (s.kind === "mv") {
      const text = files.get(s.from);
      if (text !== undefined) files.set(s.to, text);
      files.delete(s.from);
    } else {
      check(where, s, files);
      compared++;
    }
  }
  assert.ok(compared > 0, `${name}: compares its printed output`);
  return files;
}

/** replayPrintBtestFiles, for a test that only checks what the btest checks. */
export async function replayPrintBtest(t: TestContext, suite: PrintSuite, name: string, twin: Twin): Promise<void> {
  await replayPrintBtestFiles(t, suite, name, twin);
}
