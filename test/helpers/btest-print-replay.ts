/**
 * Replays a Zeek btest whose script prints event arguments (dns-btests,
 * mysql-btests, ssh-btests, rdp-btests): its commands are read from Zeek's
 * source at test time (zeek runs with their traces, flags, settings and
 * redirections; renames, zeek-cut, `| sort`), the script's handlers run as
 * a TypeScript twin printing as Zeek's `print` does, and each file the
 * btest compares (printed lines or a log, or wants empty or absent) is
 * compared with Zeek's baseline after btest's canonifier.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
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
  /** Scripts named after %INPUT, loaded as its @load lines are. */
  readonly loads: string[];
  readonly stdout: string;
  readonly append: boolean;
  /** `| sort > FILE`: the printed lines sorted as sort(1) in btest's C locale. */
  readonly sort: boolean;
}

/** A btest's commands, in order, as far as this replay goes. */
export type Step =
  | { readonly kind: "zeek"; readonly run: ZeekRun }
  | { readonly kind: "mv"; readonly from: string; readonly to: string }
  | { readonly kind: "into"; readonly dir: string; readonly files: string[] }
  | { readonly kind: "touch"; readonly file: string }
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

/** A twin of a btest's handlers, printing into the zeek run's standard output (`print a, b` as print("a", "b")). */
export type Twin = (engine: Engine, print: (...values: string[]) => void, trace: string) => void;

/** Where a protocol's btests and baselines are: the scripts' folder, and the baselines' prefix (scripts.base.protocols.dns). */
export interface BtestDir {
  readonly dir: string;
  readonly baseline: string;
}

/** A btest folder of Zeek's source ("testing/btest/scripts/base/protocols/dns") with its baselines' prefix. */
export function btestDir(dir: string): BtestDir {
  return { dir, baseline: dir.replace(/^testing\/btest\//, "").replaceAll("/", ".") };
}

/**
 * A zeek command: flags (-b, -C, -Cr, -br), the trace (or `-` after
 * `zcat < TRACE |`), `NAME=VALUE` settings, %INPUT, scripts, and a
 * redirection (through `sort` or not).
 */
const ZEEK_RUN =
  /^(?:zcat\s*<\s*\$TRACES\/(\S+)\s*\|\s*)?zeek((?:\s+-[bC]+)*)\s+-([bC]*)r\s*(?:\$TRACES\/(\S+)|-)((?:\s+[\w:]+=\S+)*)\s+%INPUT((?:\s+[\w/]+)*)(?:\s*(\|\s*sort\s*)?(>>?)\s*(\S+))?$/;

function parseZeekRun(cmd: string): Step | null {
  const m = ZEEK_RUN.exec(cmd);
  const trace = m?.[4] ?? m?.[1];
  if (m === null || trace === undefined) return null;
  const flags = m[2]! + m[3]!;
  const run: ZeekRun = {
    bare: flags.includes("b"),
    ignoreChecksums: flags.includes("C"),
    trace,
    settings: m[5]!.trim().split(/\s+/).filter(Boolean),
    loads: m[6]!.trim().split(/\s+/).filter(Boolean),
    stdout: m[9] ?? ".stdout",
    append: m[8] === ">>",
    sort: m[7] !== undefined,
  };
  return { kind: "zeek", run };
}

/** A command on files: renames, zeek-cut, tests of existence and emptiness, counts of lines. */
function parseFileCommand(cmd: string): Step | null {
  const mv = /^mv\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (mv !== null) return { kind: "mv", from: mv[1]!, to: mv[2]! };
  // `mkdir D && mv *log out D`: the logs and the named files into folder D.
  const into = /^mkdir (\S+) && mv ((?:\S+ )+)\1$/.exec(cmd);
  if (into !== null) return { kind: "into", dir: into[1]!, files: into[2]!.trim().split(" ") };
  const touch = /^touch (\S+)$/.exec(cmd);
  if (touch !== null) return { kind: "touch", file: touch[1]! };
  const empty = /^test ! -s (\S+)$/.exec(cmd);
  if (empty !== null) return { kind: "empty", file: empty[1]! };
  const absent = /^(?:test ! -f|! test -f) (\S+)$/.exec(cmd);
  if (absent !== null) return { kind: "absent", file: absent[1]! };
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

/** One command of a btest, or null for one this replay does not do. */
function parseCommand(cmd: string): Step | null {
  const diff = /^(TEST_DIFF_CANONIFIER=\s+)?btest-diff(-remove-abspath)?\s+(\S+)$/.exec(cmd);
  if (diff !== null) return { kind: "diff", file: diff[3]!, canonify: diff[1] === undefined, abspath: diff[2] !== undefined };
  const cut = /^btest-diff-cut\s+-m\s+(.*\s)?(\S+)$/.exec(cmd);
  if (cut !== null) return { kind: "cut", file: cut[2]!, columns: (cut[1] ?? "").trim().split(/\s+/).filter(Boolean) };
  return parseZeekRun(cmd) ?? parseFileCommand(cmd);
}

/** The btest's commands (an assertion names one this replay cannot do), @load lines and redefs. */
export function parseBtest(text: string, name: string): PrintBtest {
  const steps: Step[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const step = parseCommand(m[1]!.trim());
    assert.ok(step !== null, `${name}: a command this suite does not replay: ${m[1]}`);
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

/** The btest's script file (NAME.zeek or NAME.test). */
export function btestText(z: ZeekSource, where: BtestDir, name: string): string {
  const file = z.list(where.dir).find((f) => f === `${name}.zeek` || f === `${name}.test`);
  assert.ok(file !== undefined, `Zeek's btest ${name} is there`);
  return z.read(`${where.dir}/${file}`);
}

/** The traces a btest's zeek runs read. */
export function btestTraces(b: PrintBtest): string[] {
  return b.steps.flatMap((s) => (s.kind === "zeek" ? [s.run.trace] : []));
}

/** sort(1)'s order in the C locale: by bytes. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "latin1"), Buffer.from(b, "latin1"));

/** Runs one zeek command of the btest with the twin; returns the files it writes (its standard output and its logs). */
async function replayRun(b: PrintBtest, run: ZeekRun, twin: Twin): Promise<Map<string, string>> {
  const path = join(corpusRoot(), "zeek", "traces", run.trace);
  const [settings, loads] = [
    [...b.settings, ...run.settings],
    [...b.loads, ...run.loads],
  ];
  const engine = new Engine({ seed: ZEEK_SEED, bare: run.bare, loads, settings, ignoreChecksums: run.ignoreChecksums });
  const printed: string[] = [];
  twin(engine, (...values) => void printed.push(values.join(", ")), path);
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: run.bare, loads, stderr: null });
  await engine.run(await openTrace(path));
  scripts.close();
  // A printed value may hold newlines (a set): sort sorts lines, not prints.
  const lines = run.sort ? printed.join("\n").split("\n").sort(byBytes) : printed;
  const files = new Map<string, string>([[run.stdout, lines.map((l) => `${l}\n`).join("")]]);
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

/** The steps that work on the files written so far. */
type FileStep = Extract<Step, { kind: "mv" | "into" | "touch" | "zeek-cut" }>;
const FILE_STEPS: ReadonlySet<Step["kind"]> = new Set(["mv", "into", "touch", "zeek-cut"]);
const isFileStep = (s: Step): s is FileStep => FILE_STEPS.has(s.kind);
type Check = Exclude<Step, FileStep | { kind: "zeek" }>;

/** A btest's check of a file it wrote: a diff with the baseline (of printed lines or a log), a cut log, emptiness, a count of lines. */
function check(z: ZeekSource, where: BtestDir, name: string, s: Check, files: ReadonlyMap<string, string>): void {
  const ours = files.get(s.file);
  if (s.kind === "absent") return assert.equal(ours, undefined, `${name}: no ${s.file}`);
  if (s.kind === "empty") return assert.equal(ours ?? "", "", `${name}: ${s.file} is empty`);
  assert.ok(ours !== undefined, `${name}: ${s.file} written`);
  if (s.kind === "count") {
    const n = ours.split("\n").filter((l) => l.includes(s.pattern)).length;
    return s.at < 0 ? assert.ok(n > 0, `${name}: ${s.pattern} in ${s.file}`) : assert.equal(n, s.at, `${name}: ${s.pattern} in ${s.file}`);
  }
  // Some baselines are stored with CRLF line ends; btest names a file in a folder D/F as D.F.
  const want = z.read(`testing/btest/Baseline/${where.baseline}.${name}/${s.file.replaceAll("/", ".")}`).replace(/\r\n/g, "\n");
  if (s.kind === "cut") return assert.equal(canonicalBtestLog(zeekCut(ours, s.columns, true)), canonicalBtestLog(want), `${name}: ${s.file}`);
  if (s.file.endsWith(".log")) return assert.equal(canonicalBtestLog(ours), canonicalBtestLog(want), `${name}: ${s.file}`);
  assert.deepEqual(canonical(ours, s), baselineLines(want), `${name}: ${s.file}`);
}

/** A step on the files so far: renames, moves, zeek-cut, touch. */
function fileStep(s: FileStep, files: Map<string, string>): void {
  if (s.kind === "zeek-cut") {
    const from = files.get(s.from);
    if (from !== undefined) files.set(s.to, `${zeekCut(from, s.columns, s.names)}\n`);
  } else if (s.kind === "mv") {
    const text = files.get(s.from);
    if (text !== undefined) files.set(s.to, text);
    files.delete(s.from);
  } else if (s.kind === "into") {
    for (const [file, text] of [...files]) {
      if (file.includes("/") || !s.files.some((f) => f === file || (f === "*log" && file.endsWith("log")))) continue;
      files.set(`${s.dir}/${file}`, text);
      files.delete(file);
    }
  } else if (!files.has(s.file)) files.set(s.file, "");
}

/** Replays the btest `name` of `where` with `twin`: every check it makes must hold. */
export async function replayPrintBtest(z: ZeekSource, where: BtestDir, name: string, twin: Twin): Promise<void> {
  const b = parseBtest(btestText(z, where, name), name);
  const files = new Map<string, string>();
  let compared = 0;
  for (const s of b.steps) {
    if (s.kind === "zeek") {
      const before = s.run.append ? (files.get(s.run.stdout) ?? "") : "";
      // A log a run writes replaces the one before (a touched one among them).
      for (const [file, text] of await replayRun(b, s.run, twin)) files.set(file, file === s.run.stdout ? before + text : text);
    } else if (isFileStep(s)) fileStep(s, files);
    else {
      check(z, where, name, s, files);
      compared++;
    }
  }
  assert.ok(compared > 0, `${name}: compares its printed output`);
}
