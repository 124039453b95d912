/**
 * Reads and replays the commands of Zeek's core btests (testing/btest/core)
 * whose scripts print: each `zeek … -r $TRACES/X %INPUT …` run is an engine
 * with the btest's @loads, redefs and flags and a TypeScript twin of its
 * handlers printing into the run's standard output (a redirected file, `>>`
 * appending, `2>&1` taking the reporter's lines too, `| sort | uniq -c |
 * awk '{print $1, …}'` counting its distinct lines; a redef's value may go
 * on over lines ending in a comma); `mv` and `cat` move
 * files about, and `btest-diff` / `btest-diff-cut -m` compare a file with
 * Zeek's baseline after btest's canonifier (the first time of a printed line
 * masked, a log's times and #open/#close masked).
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
import { piped } from "./btest-replay.js";
import { corpusRoot } from "./corpus.js";
import { maskFirstTime } from "./zeek-print.js";

/** Where a zeek run's standard output goes: a file (`>`, or `>>` appending), with the reporter's lines too under `2>&1`. */
export interface CoreOutput {
  readonly file: string;
  readonly append: boolean;
  readonly stderr: boolean;
  /** `| sort | uniq -c | awk '{print $1, …, $N}'` before the redirection: each distinct line once after its count, its first N fields; 0 without. */
  readonly countedFields: number;
}

/** `| sort | uniq -c | awk '{print $1, $2, $3}'` right before a zeek command's redirection. */
const COUNTED = /\s*\|\s*sort\s*\|\s*uniq -c\s*\|\s*awk '\{print ((?:\$\d+,?\s*)+)\}'\s*(?=>)/;

/** One zeek run of a btest: its trace (under the corpus' zeek/traces), flags, scripts and settings. */
export interface CoreRun {
  readonly trace: string;
  /** -b and -C. */
  readonly flags: { readonly bare: boolean; readonly ignoreChecksums: boolean };
  /** The btest's @loads and the scripts its command line names. */
  readonly loads: string[];
  /** The btest's redefs and its command line's `NAME=VALUE` settings. */
  readonly settings: string[];
  readonly out: CoreOutput;
}

export type CoreStep =
  | { readonly kind: "zeek"; readonly run: CoreRun }
  | { readonly kind: "mv"; readonly from: string; readonly to: string }
  | { readonly kind: "cat"; readonly from: string; readonly to: string; readonly append: boolean }
  | { readonly kind: "diff"; readonly file: string; readonly canonify: boolean }
  | { readonly kind: "cut"; readonly file: string; readonly columns: string[] }
  | { readonly kind: "zeek-cut"; readonly columns: string[]; readonly from: string; readonly to: string }
  | { readonly kind: "empty"; readonly file: string }
  | { readonly kind: "absent"; readonly file: string };

export interface CoreBtest {
  /** Its baseline directory's name: core.tunnels.ip-in-ip. */
  readonly name: string;
  readonly steps: CoreStep[];
}

/** A twin of a btest's handlers: `print` is Zeek's print of its arguments (joined by ", "). */
export type CoreTwin = (engine: Engine, print: (...values: string[]) => void, run: CoreRun) => void;

/** The words of a zeek command line as a run, or null when one is not understood. */
function parseZeek(words: string[], loads: readonly string[], redefs: readonly string[], countedFields: number): CoreRun | null {
  let [bare, ignoreChecksums, trace, stdout, append, stderr] = [false, false, "", ".stdout", false, false];
  const settings = [...redefs];
  const scripts = [...loads];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const flags = /^-([bCr]+)$/.exec(w);
    const redirect = /^(>>?)(\S*)$/.exec(w);
    if (flags !== null) {
      bare ||= flags[1]!.includes("b");
      ignoreChecksums ||= flags[1]!.includes("C");
      if (flags[1]!.includes("r")) trace = words[++i]!.replace(/^\$TRACES\//, "");
    } else if (w === "2>&1") stderr = true;
    else if (redirect !== null) {
      append = redirect[1] === ">>";
      stdout = redirect[2] === "" ? words[++i]! : redirect[2]!;
    } else if (/^[\w:]+=\S+$/.test(w)) settings.push(w);
    else if (/^[\w/.-]+$/.test(w) && !w.startsWith("-")) scripts.push(w);
    else if (w !== "%INPUT") return null;
  }
  return trace === "" ? null : { trace, flags: { bare, ignoreChecksums }, loads: scripts, settings, out: { file: stdout, append, stderr, countedFields } };
}

/** One command of the btest, or null for one this harness does not replay. */
function parseCommand(command: string, loads: readonly string[], redefs: readonly string[]): CoreStep | null {
  // `gunzip -c $TRACES/X.gz | zeek … -r - …` reads the compressed trace, as bronze reads one.
  const piped = /^gunzip -c (\$TRACES\/\S+)\s*\|\s*(zeek .*)$/.exec(command);
  const whole = piped === null ? command : piped[2]!.replace(/ -r - /, ` -r ${piped[1]} `);
  const counted = COUNTED.exec(whole);
  const cmd = counted === null ? whole : whole.replace(COUNTED, " ");
  const words = cmd.split(/\s+/);
  if (words[0] === "zeek") {
    const run = parseZeek(words, loads, redefs, counted === null ? 0 : counted[1]!.split(",").length);
    return run === null ? null : { kind: "zeek", run };
  }
  const diff = /^(TEST_DIFF_CANONIFIER=\s+)?btest-diff\s+(\S+)$/.exec(cmd);
  if (diff !== null) return { kind: "diff", file: diff[2]!, canonify: diff[1] === undefined };
  const cut = /^btest-diff-cut\s+-m\s+(.*\s)?(\S+)$/.exec(cmd);
  if (cut !== null) return { kind: "cut", file: cut[2]!, columns: (cut[1] ?? "").trim().split(/\s+/).filter(Boolean) };
  const absent = /^! test -f (\S+)$/.exec(cmd);
  if (absent !== null) return { kind: "absent", file: absent[1]! };
  const empty = /^test ! -s (\S+)$/.exec(cmd);
  if (empty !== null) return { kind: "empty", file: empty[1]! };
  const zeekCutRun = /^zeek-cut\s+-m\s+([^<]*)<\s*(\S+)\s*>\s*(\S+)$/.exec(cmd);
  if (zeekCutRun !== null) return { kind: "zeek-cut", columns: zeekCutRun[1]!.trim().split(/\s+/), from: zeekCutRun[2]!, to: zeekCutRun[3]! };
  const mv = /^mv\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (mv !== null) return { kind: "mv", from: mv[1]!, to: mv[2]! };
  const cat = /^cat\s+(\S+)\s*(>>?)\s*(\S+)$/.exec(cmd);
  if (cat !== null) return { kind: "cat", from: cat[1]!, to: cat[3]!, append: cat[2] === ">>" };
  return null;
}

/** The btest at testing/btest/core/PATH (an assertion names a command it cannot replay). */
export function readCoreBtest(zeek: ZeekSource, path: string): CoreBtest {
  const text = zeek.read(`testing/btest/core/${path}`);
  const loads = [...text.matchAll(/^@load\s+(\S+)/gm)].map((l) => l[1]!);
  // A redef whose value goes on over lines ending in a comma (a set's elements one a line) is one line.
  const joined = text.replace(/,[ \t]*\n\s*/g, ", ");
  const redefs = [...joined.matchAll(/^redef\s+([\w:]+\s*[-+]?=.*);$/gm)].map((r) => r[1]!.replace(/\s*([-+]?=)\s*/, "$1"));
  const steps: CoreStep[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const step = parseCommand(m[1]!.trim(), loads, redefs);
    assert.ok(step !== null, `${path}: a command this harness does not replay: ${m[1]}`);
    steps.push(step);
  }
  const name = `core.${path.replace(/\.(zeek|test)$/, "").replaceAll("/", ".")}`;
  return { name, steps };
}

/** The traces the btest's runs read. */
export function coreBtestTraces(b: CoreBtest): string[] {
  return b.steps.flatMap((s) => (s.kind === "zeek" ? [s.run.trace] : []));
}

/** The printed lines, each ended; under `| sort | uniq -c | awk …` each distinct one once after its count, cut to its first fields as awk splits them. */
function countedLines(printed: readonly string[], fields: number): string[] {
  if (fields === 0) return printed.map((l) => `${l}\n`);
  return piped(printed, "count").map((l) => `${l.trim().split(/\s+/).slice(0, fields).join(" ")}\n`);
}

/** Runs one zeek command with the twin; the files it writes (its standard output and its logs). */
async function replayRun(run: CoreRun, twin: CoreTwin): Promise<Map<string, string>> {
  const { bare, ignoreChecksums } = run.flags;
  const engine = new Engine({ seed: ZEEK_SEED, bare, loads: run.loads, settings: run.settings, ignoreChecksums });
  const printed: string[] = [];
  twin(engine, (...values) => void printed.push(values.join(", ")), run);
  const stderr = run.out.stderr ? (line: string) => void printed.push(line) : null;
  const scripts = loadBuiltinScripts(engine, { memory: true, bare, loads: run.loads, stderr });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", run.trace)));
  scripts.close();
  const files = new Map<string, string>([[run.out.file, countedLines(printed, run.out.countedFields).join("")]]);
  for (const log of scripts.logs.written()) files.set(`${log}.log`, scripts.logs.text(log));
  return files;
}

/** A printed file's lines as btest-diff compares them. */
const printedLines = (text: string, canonify: boolean): string[] =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => (canonify ? maskFirstTime(l) : l));

/** A baseline's text, without btest's header line. */
const baselineText = (zeek: ZeekSource, b: CoreBtest, file: string): string =>
  zeek
    .read(`testing/btest/Baseline/${b.name}/${file}`)
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((l) => !l.startsWith("### "))
    .join("\n");

/** Whether a file holds logs (compared as logs: all their times masked) rather than printed lines. */
const isLog = (text: string): boolean => text.startsWith("#separator");

function check(zeek: ZeekSource, b: CoreBtest, s: Extract<CoreStep, { kind: "diff" | "cut" }>, files: ReadonlyMap<string, string>): void {
  const ours = files.get(s.file);
  assert.ok(ours !== undefined, `${b.name}: ${s.file} written`);
  const want = baselineText(zeek, b, s.file);
  if (s.kind === "cut") return assert.equal(canonicalBtestLog(zeekCut(ours, s.columns, true)), canonicalBtestLog(want), `${b.name}: ${s.file}`);
  if (isLog(ours)) return assert.equal(canonicalBtestLog(ours), canonicalBtestLog(want), `${b.name}: ${s.file}`);
  assert.deepEqual(printedLines(ours, s.canonify), printedLines(want, false), `${b.name}: ${s.file}`);
}

/** Replays the btest's commands in order, each comparison an assertion; returns how many files it compared. */
export async function replayCoreBtest(zeek: ZeekSource, b: CoreBtest, twin: CoreTwin): Promise<number> {
  const files = new Map<string, string>();
  let compared = 0;
  for (const s of b.steps) {
    if (s.kind === "zeek") {
      const out = s.run.out;
      const before = out.append ? (files.get(out.file) ?? "") : "";
      for (const [file, text] of await replayRun(s.run, twin)) files.set(file, file === out.file ? before + text : text);
    } else if (s.kind === "empty" || s.kind === "absent") {
      if (s.kind === "empty") assert.equal(files.get(s.file) ?? "", "", `${b.name}: ${s.file} is empty`);
      else assert.equal(files.get(s.file), undefined, `${b.name}: no ${s.file}`);
      compared++;
    } else if (s.kind === "zeek-cut") {
      files.set(s.to, `${zeekCut(files.get(s.from) ?? "", s.columns, true)}\n`);
    } else if (s.kind === "mv" || s.kind === "cat") {
      const text = files.get(s.from) ?? "";
      files.set(s.to, (s.kind === "cat" && s.append ? (files.get(s.to) ?? "") : "") + text);
      if (s.kind === "mv") files.delete(s.from);
    } else {
      check(zeek, b, s, files);
      compared++;
    }
  }
  return compared;
}

/**
 * A test's body replaying core btest `path` (under testing/btest/core) with
 * `twin`; without Zeek's source or a trace it reads, the test skips saying
 * so (`what` names the suite's btests in that message).
 */
export function coreBtestCase(zeek: ZeekSource | null, what: string, path: string, twin: CoreTwin): (t: TestContext) => Promise<void> {
  return async (t) => {
    if (btestOraclesMissing(t, zeek, what, []) || zeek === null) return;
    const b = readCoreBtest(zeek, path);
    if (btestOraclesMissing(t, zeek, what, coreBtestTraces(b))) return;
    assert.ok((await replayCoreBtest(zeek, b, twin)) > 0, `${path}: compares its output`);
  };
}
