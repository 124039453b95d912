/**
 * The replay of a Zeek btest whose script prints from event handlers: its
 * commands are read from its text (zeek runs with their trace, flags,
 * settings, scripts and redirections; echo, mv, zeek-cut, grep counts and
 * the checks btest-diff, btest-diff-cut, `test ! -s`, `test ! -f` and
 * `diff A B`), its @load lines and redefs; each zeek run is an Engine run
 * of the corpus trace with the btest's handlers' TypeScript twin, which
 * prints into the run's standard output; and each file the btest compares
 * is compared with Zeek's baseline after btest's canonifier. Used by the
 * protocol suites' *-btests.test.ts files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { openTrace } from "../../src/source/open.js";
import { canonicalBtestLog, zeekCut } from "../conformance/btest-applogs-harness.js";
import { ZEEK_SEED } from "../session/harness.js";
import type { ZeekSource } from "../signatures/btest-harness.js";
import { corpusRoot } from "./corpus.js";
import { maskFirstTime } from "./zeek-print.js";

/** One zeek run of a btest: its trace and flags, its command line's settings, and where its standard output goes. */
export interface ZeekRun {
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  readonly trace: string;
  readonly settings: string[];
  /** Scripts named on the command line, loaded as its @load lines are. */
  readonly loads: string[];
  readonly stdout: string;
  readonly append: boolean;
  /** %INPUT is on the command line: the btest's script (its @loads, redefs and handlers) is loaded. */
  readonly input: boolean;
}

/** A btest's commands, in order, as far as the replay runs them. */
export type Step =
  | { readonly kind: "zeek"; readonly run: ZeekRun }
  | { readonly kind: "echo"; readonly text: string; readonly file: string }
  | { readonly kind: "mv"; readonly from: string; readonly to: string }
  | { readonly kind: "diff"; readonly file: string; readonly canonify: boolean; readonly abspath: boolean }
  | { readonly kind: "same"; readonly file: string; readonly other: string }
  | { readonly kind: "empty"; readonly file: string }
  | { readonly kind: "absent"; readonly file: string }
  | { readonly kind: "zeek-cut"; readonly columns: string[]; readonly names: boolean; readonly from: string; readonly to: string }
  | { readonly kind: "cut"; readonly file: string; readonly columns: string[] }
  | { readonly kind: "rows"; readonly from: string; readonly to: string }
  | { readonly kind: "rm-logs" }
  | { readonly kind: "count"; readonly file: string; readonly pattern: string; readonly at: number };

export interface ReplayBtest {
  readonly steps: Step[];
  readonly loads: string[];
  /** Its redefs, as assignments. */
  readonly settings: string[];
  /** The options its script declares (`option NAME = VALUE;`), with their values: the twin's, not the engine's. */
  readonly options?: ReadonlyMap<string, string>;
}

/** `$TRACES/X` (or `${TRACES}//X`): X. */
const tracePath = (word: string): string | undefined => /^\$\{?TRACES\}?\/+(\S+)$/.exec(word)?.[1];

/**
 * A zeek command, word by word: flags (-b, -C, -r TRACE and their
 * combinations), `NAME=VALUE` settings, %INPUT, scripts, and a redirection
 * (`2>&1` is dropped: the twins print to standard output only). A trace
 * read from `zcat <$TRACES/X |` is `piped`.
 */
function parseZeek(cmd: string, piped?: string): ZeekRun | null {
  const words = cmd.split(/\s+/);
  if (words.shift() !== "zeek") return null;
  let [bare, ignoreChecksums, trace, stdout, append, input] = [false, false, piped, ".stdout", false, false];
  const [settings, loads] = [[] as string[], [] as string[]];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const flags = /^-([bC]*)(?:(r)(\S*))?$/.exec(w);
    if (flags !== null) {
      bare ||= flags[1]!.includes("b");
      ignoreChecksums ||= flags[1]!.includes("C");
      // -r TRACE, -rTRACE, or -r - after zcat.
      const file = flags[2] === undefined ? undefined : flags[3] || words[++i];
      if (file !== undefined) trace = file === "-" ? piped : tracePath(file);
    } else if (w === ">" || w === ">>") [stdout, append] = [words[++i] ?? "", w === ">>"];
    else if (/^>>?\S/.test(w)) [stdout, append] = [w.replace(/^>>?/, ""), w.startsWith(">>")];
    else if (/^[\w:]+=\S+$/.test(w)) settings.push(w);
    else if (/^[\w/.-]+$/.test(w)) loads.push(w);
    else if (w === "%INPUT") input = true;
    else if (w !== "2>&1") return null;
  }
  return trace === undefined ? null : { bare, ignoreChecksums, trace, settings, loads, stdout, append, input };
}

/** One command of a btest, or null for one the replay does not run. */
export function parseCommand(cmd: string): Step | null {
  const zcat = /^zcat\s*<\s*\$TRACES\/+(\S+)\s*\|\s*(zeek\s.*)$/.exec(cmd);
  const run = zcat === null ? parseZeek(cmd) : parseZeek(zcat[2]!, zcat[1]);
  if (run !== null) return { kind: "zeek", run };
  const diff = /^(TEST_DIFF_CANONIFIER=\s+)?btest-diff(-remove-abspath)?\s+(\S+)$/.exec(cmd);
  if (diff !== null) return { kind: "diff", file: diff[3]!, canonify: diff[1] === undefined, abspath: diff[2] !== undefined };
  const cut = /^btest-diff-cut\s+-m\s+(.*\s)?(\S+)$/.exec(cmd);
  if (cut !== null) return { kind: "cut", file: cut[2]!, columns: (cut[1] ?? "").trim().split(/\s+/).filter(Boolean) };
  if (/^rm (-v )?\*\.?log$/.test(cmd)) return { kind: "rm-logs" };
  const mv = /^mv\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (mv !== null) return { kind: "mv", from: mv[1]!, to: mv[2]! };
  const same = /^diff\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (same !== null) return { kind: "same", file: same[1]!, other: same[2]! };
  const echo = /^echo\s+"([^"]*)"\s*>>\s*(\S+)$/.exec(cmd);
  if (echo !== null) return { kind: "echo", text: echo[1]!, file: echo[2]! };
  const empty = /^test ! -s (\S+)$/.exec(cmd);
  if (empty !== null) return { kind: "empty", file: empty[1]! };
  const absent = /^(?:test ! -f|! test -f) (\S+)$/.exec(cmd);
  if (absent !== null) return { kind: "absent", file: absent[1]! };
  const zeekCutRun = /^zeek-cut\s+(-m\s+)?([^<]*)<\s*(\S+)\s*>\s*(\S+)$/.exec(cmd);
  if (zeekCutRun !== null)
    return {
      kind: "zeek-cut",
      names: zeekCutRun[1] !== undefined,
      columns: zeekCutRun[2]!.trim().split(/\s+/).filter(Boolean),
      from: zeekCutRun[3]!,
      to: zeekCutRun[4]!,
    };
  // The number of a log's rows, appended to a file.
  const rows = /^grep -v '\^#' (\S+) \| wc -l \| sed 's\/ \/\/g' >>\s*(\S+)$/.exec(cmd);
  if (rows !== null) return { kind: "rows", from: rows[1]!, to: rows[2]! };
  // `grep -q 'X' F` wants X at least once; `test "$(grep -c 'X' F)" = "N"` wants it in N lines.
  const some = /^grep -q '([^']+)' (\S+)$/.exec(cmd);
  if (some !== null) return { kind: "count", pattern: some[1]!, file: some[2]!, at: -1 };
  const count = /^test "\$\(grep -c '([^']+)' (\S+)\)" = "(\d+)"$/.exec(cmd);
  if (count !== null) return { kind: "count", pattern: count[1]!, file: count[2]!, at: Number(count[3]) };
  return null;
}

/** The btest's commands (an assertion names one the replay cannot run), @load lines and redefs. */
export function parseReplayBtest(text: string, name: string): ReplayBtest {
  const steps: Step[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const step = parseCommand(m[1]!.trim());
    assert.ok(step !== null, `${name}: a command this suite does not replay: ${m[1]}`);
    steps.push(step);
  }
  assert.ok(
    steps.some((s) => s.kind === "zeek"),
    `${name}: a zeek run of a trace`,
  );
  const loads = [...text.matchAll(/^@load\s+(\S+)/gm)].map((l) => l[1]!);
  const settings = [...text.matchAll(/^redef\s+([\w:]+\s*[-+]?=.*);$/gm)].map((r) => r[1]!.replace(/\s*([-+]?=)\s*/, "$1"));
  const options = new Map([...text.matchAll(/^option\s+(\w+)\s*=\s*(.*?);$/gm)].map((o) => [o[1]!, o[2]!] as const));
  return { steps, loads, settings, options };
}

/**
 * A twin of a btest's handlers, printing into the zeek run's standard
 * output (`print`'s values, joined with ", "); `options` are the values of
 * the script's own options for the run (the command line's `NAME=VALUE` of one overrides its default).
 */
export type Twin = (engine: Engine, print: (...values: string[]) => void, trace: string, options: ReadonlyMap<string, string>) => void;

/** The traces a btest's zeek runs read. */
export const replayTraces = (b: ReplayBtest): string[] => b.steps.flatMap((s) => (s.kind === "zeek" ? [s.run.trace] : []));

/** Runs one zeek command of the btest with the twin; returns the files it writes (its standard output and its logs). */
/** What a btest's zeek_init does to the run's logs (Log::add_filter and the like), before the trace is read. */
export type LogSetup = (logs: LogManager) => void;

export async function replayRun(btest: ReplayBtest, run: ZeekRun, btestTwin: Twin, setup?: LogSetup): Promise<Map<string, string>> {
  const path = join(corpusRoot(), "zeek", "traces", run.trace);
  // Without %INPUT, zeek runs the command line's scripts only.
  const [b, twin]: [ReplayBtest, Twin] = run.input ? [btest, btestTwin] : [{ steps: [], loads: [], settings: [] }, () => undefined];
  const own = new Map(b.options);
  const isOwn = (setting: string): boolean => own.has(setting.split("=")[0]!);
  for (const s of run.settings.filter(isOwn)) own.set(s.split("=")[0]!, s.slice(s.indexOf("=") + 1));
  const [settings, loads] = [
    [...b.settings, ...run.settings.filter((s) => !isOwn(s))],
    [...b.loads, ...run.loads],
  ];
  const engine = new Engine({ seed: ZEEK_SEED, bare: run.bare, loads, settings, ignoreChecksums: run.ignoreChecksums });
  const printed: string[] = [];
  twin(engine, (...values) => void printed.push(values.join(", ")), path, own);
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: run.bare, loads, stderr: null });
  if (run.input) setup?.(scripts.logs);
  await engine.run(await openTrace(path));
  scripts.close();
  const files = new Map<string, string>([[run.stdout, printed.map((l) => `${l}\n`).join("")]]);
  for (const log of scripts.logs.written()) files.set(`${log}.log`, scripts.logs.text(log));
  return files;
}

/** btest-diff-remove-abspath's canonifier: a path's directories as "<...>/". */
const removeAbspath = (line: string): string => line.replace(/\/(?:[^ :/]+\/)+([^ :/]+)/g, "<...>/$1");

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

type Check = Exclude<Step, { kind: "zeek" | "mv" | "zeek-cut" | "echo" | "rows" | "rm-logs" }>;

/** A btest's check of a file it wrote: a diff with the baseline (`baseline` its directory) of printed lines or a log, a cut log, emptiness, a count of lines. */
function check(zeek: ZeekSource, baseline: string, s: Check, files: ReadonlyMap<string, string>): void {
  const ours = files.get(s.file);
  if (s.kind === "absent") return assert.equal(ours, undefined, `${baseline}: no ${s.file}`);
  if (s.kind === "empty") return assert.equal(ours ?? "", "", `${baseline}: ${s.file} is empty`);
  assert.ok(ours !== undefined, `${baseline}: ${s.file} written`);
  if (s.kind === "same") return assert.equal(ours, files.get(s.other), `${baseline}: ${s.file} as ${s.other}`);
  if (s.kind === "count") {
    const n = ours.split("\n").filter((l) => l.includes(s.pattern)).length;
    return s.at < 0 ? assert.ok(n > 0, `${baseline}: ${s.pattern} in ${s.file}`) : assert.equal(n, s.at, `${baseline}: ${s.pattern} in ${s.file}`);
  }
  // Some baselines are stored with CRLF line ends.
  const want = zeek.read(`testing/btest/Baseline/${baseline}/${s.file}`).replace(/\r\n/g, "\n");
  if (s.kind === "cut") return assert.equal(canonicalBtestLog(zeekCut(ours, s.columns, true)), canonicalBtestLog(want), `${baseline}: ${s.file}`);
  if (s.file.includes(".log") && !s.file.endsWith(".cut")) return assert.equal(canonicalBtestLog(ours), canonicalBtestLog(want), `${baseline}: ${s.file}`);
  assert.deepEqual(canonical(ours, s), baselineLines(want), `${baseline}: ${s.file}`);
}

/** A file-making command: its effect on the btest's directory. */
function apply(s: Extract<Step, { kind: "mv" | "zeek-cut" | "echo" | "rows" | "rm-logs" }>, files: Map<string, string>): void {
  if (s.kind === "echo") return void files.set(s.file, `${files.get(s.file) ?? ""}${s.text}\n`);
  if (s.kind === "rm-logs") {
    for (const f of files.keys()) if (f.endsWith(".log")) files.delete(f);
    return;
  }
  const from = files.get(s.from);
  if (s.kind === "mv") files.delete(s.from);
  if (from === undefined) return;
  if (s.kind === "mv") files.set(s.to, from);
  else if (s.kind === "zeek-cut") files.set(s.to, `${zeekCut(from, s.columns, s.names)}\n`);
  else files.set(s.to, `${files.get(s.to) ?? ""}${from.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length}\n`);
}

/**
 * Runs the btest's commands in order with the twin and checks each file it
 * compares against its baseline directory (testing/btest/Baseline/`baseline`).
 */
export async function replayBtest(zeek: ZeekSource, b: ReplayBtest, baseline: string, twin: Twin, setup?: LogSetup): Promise<void> {
  const files = new Map<string, string>();
  let compared = 0;
  for (const s of b.steps) {
    if (s.kind === "zeek") {
      const before = s.run.append ? (files.get(s.run.stdout) ?? "") : "";
      for (const [file, text] of await replayRun(b, s.run, twin, setup)) files.set(file, file === s.run.stdout ? before + text : text);
    } else if (s.kind === "mv" || s.kind === "zeek-cut" || s.kind === "echo" || s.kind === "rows" || s.kind === "rm-logs") apply(s, files);
    else {
      check(zeek, baseline, s, files);
      compared++;
    }
  }
  assert.ok(compared > 0, `${baseline}: compares its printed output`);
}

/** The btest's script file (NAME.zeek or NAME.test) in `dir`. */
export function btestText(zeek: ZeekSource, dir: string, name: string): string {
  const file = zeek.list(dir).find((f) => f === `${name}.zeek` || f === `${name}.test`);
  assert.ok(file !== undefined, `Zeek's btest ${name} is there`);
  return zeek.read(`${dir}/${file}`);
}
