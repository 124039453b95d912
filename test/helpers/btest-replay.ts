/**
 * The replay of a Zeek btest whose script prints from event handlers (the
 * protocol suites' *-btests.test.ts files, and the core ones' through
 * coreBtestCase): its commands are read from
 * Zeek's source at test time (zeek runs with their trace, flags, settings
 * (`-e 'redef …'` among them), a quoted `-f` capture filter, scripts and redirections, standard error's
 * and `| sort` or `| sort | uniq -c` included, a trace piped in through zcat
 * or `cat | gunzip`, a run without Zeek's seed (`unset ZEEK_SEED_FILE &&`),
 * a run without a trace (zeek_init and zeek_done only);
 * files `@TEST-COPY-FILE` copies from $TRACES into the run's folder;
 * the file commands mv, cp, cat, `mkdir D && mv`, touch, echo, rm *.log,
 * zeek-cut, grep's row counts and `cat FILES | FILTER | … > F` pipelines
 * (test/helpers/shell-filters: sort, uniq, wc -l, sed, awk, grep), and
 * `for f in GLOB; do mv "$f" "$(echo "$f" | tr 'A' 'B')"; done` renames;
 * the checks btest-diff, btest-diff-cut, `test ! -s`, `test ! -f`, grep
 * counts and `diff A B`), with its @load lines, redefs and options; each
 * zeek run is an Engine run of the corpus trace with the btest's handlers'
 * TypeScript twin, which prints into the run's standard output; and each
 * file the btest compares is compared with Zeek's baseline after btest's
 * canonifier. Each btest runs in a folder of its own, as btest runs it:
 * what a zeek run writes to disk there (contents files) joins its files and
 * is compared byte for byte. A btest of parts (`@TEST-START-NEXT`) is read part by
 * part: each part's script with the first part's commands, as btest runs them.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { TestContext } from "node:test";
import { Engine } from "../../src/engine.js";
import { compileFilter } from "../../src/filter/compile.js";
import { type BuiltinScripts, loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { defaultSettings } from "../../src/options.js";
import type { NoticeLog } from "../../src/scripts/notice.js";
import { openTrace } from "../../src/source/open.js";
import { canonicalBtestLog, zeekCut } from "../conformance/btest-applogs-harness.js";
import { ZEEK_SEED } from "../session/harness.js";
import { btestOraclesMissing, type ZeekSource } from "../signatures/btest-harness.js";
import { corpusRoot } from "./corpus.js";
import { memorySource } from "./packets.js";
import { byBytes, type LineFilter, lineFilters, linesOf, runFilters, textOf } from "./shell-filters.js";
import { maskFirstTime } from "./zeek-print.js";

/** One zeek run of a btest: its trace and flags, its command line's settings, and where its standard output goes. */
export interface ZeekRun {
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  /** The trace `-r` reads; null without one: Zeek runs its zeek_init and zeek_done only. */
  readonly trace: string | null;
  readonly settings: string[];
  /** Scripts named on the command line, loaded as its @load lines are. */
  readonly loads: string[];
  /**
   * Zeek's test scripts the command line names (`$SCRIPTS/snmp-test.zeek`:
   * testing/scripts/snmp-test.zeek): the twin has their handlers too (a run
   * without %INPUT runs no twin, so none of theirs either). Absent in a run
   * a suite builds itself: none.
   */
  readonly testScripts?: string[];
  readonly stdout: string;
  readonly append: boolean;
  /** Where the reporter's messages to standard error go (`2>FILE`; else .stderr). */
  readonly stderr: string;
  /**
   * `| sort > FILE`: the printed lines sorted as sort(1) in btest's C locale;
   * `| sort | uniq -c | sed …` dropping the blanks before the counts: each distinct line once, after its count.
   */
  readonly pipe: "sort" | "count" | null;
  /** `| sort | uniq -c | awk '{print $1, …, $N}'`: the counted lines cut to their first N fields (absent: whole). */
  readonly countFields?: number;
  /** `2>&1`: the reporter's messages go into the standard output, among the printed lines. */
  readonly stderrToStdout?: boolean;
  /** %INPUT is on the command line: the btest's script (its @loads, redefs and handlers) is loaded. */
  readonly input: boolean;
  /** `-f 'FILTER'`: the capture filter, its text as given (Zeek's cmd_line_bpf_filter). */
  readonly filter?: string;
  /** False when the command unsets ZEEK_SEED_FILE: Zeek then draws its uids from a random seed (absent: the test seed). */
  readonly seeded?: boolean;
}

/** A btest's commands, in order, as far as the replay runs them. */
export type Step =
  | { readonly kind: "zeek"; readonly run: ZeekRun }
  | { readonly kind: "echo"; readonly text: string; readonly file: string }
  | { readonly kind: "mv"; readonly from: string; readonly to: string }
  | { readonly kind: "cp"; readonly from: string; readonly to: string; readonly append: boolean }
  | { readonly kind: "into"; readonly dir: string; readonly files: string[] }
  | { readonly kind: "touch"; readonly file: string }
  | { readonly kind: "diff"; readonly file: string; readonly canonify: boolean; readonly abspath: boolean }
  | { readonly kind: "same"; readonly file: string; readonly other: string }
  | { readonly kind: "empty"; readonly file: string }
  | { readonly kind: "absent"; readonly file: string }
  | { readonly kind: "zeek-cut"; readonly columns: string[]; readonly names: boolean; readonly from: string; readonly to: string }
  | { readonly kind: "cut"; readonly file: string; readonly columns: string[] }
  | { readonly kind: "rows"; readonly from: string; readonly to: string }
  | { readonly kind: "rm-logs" }
  | { readonly kind: "rename"; readonly glob: RegExp; readonly from: string; readonly to: string }
  | { readonly kind: "pipe"; readonly from: string[]; readonly filters: LineFilter[]; readonly to: string; readonly append: boolean }
  | { readonly kind: "count"; readonly file: string; readonly pattern: string; readonly at: number };

/** A btest as the replay runs it. */
export interface ReplayBtest {
  readonly zeek: ZeekSource;
  /** Its baselines' folder under testing/btest/Baseline (scripts.base.protocols.dns.NAME). */
  readonly baseline: string;
  readonly steps: Step[];
  readonly loads: string[];
  /** Its redefs, as assignments. */
  readonly settings: string[];
  /** It requires a Zeek built with Spicy (`@TEST-REQUIRES: $SCRIPTS/have-spicy`): its runs are a Spicy build's (EngineOptions.spicy). */
  readonly spicy?: boolean;
  /** The options its script declares (`option NAME = VALUE;`, and `const NAME = VALUE &redef;`), with their values: the twin's, not the engine's. */
  readonly options: ReadonlyMap<string, string>;
  /** `@TEST-COPY-FILE: ${TRACES}/X`: corpus files copied into the run's folder (by their trace paths), as btest copies them. */
  readonly copies?: readonly string[];
}

/**
 * A twin of a btest's handlers, printing into the zeek run's standard
 * output (`print a, b` as print("a", "b")); `options` are the values of the
 * script's own options for the run (the command line's `NAME=VALUE` of one
 * overrides its default); `run` is the zeek command (the test scripts it
 * names among it).
 */
export type Twin = (engine: Engine, print: (...values: string[]) => void, trace: string, options: ReadonlyMap<string, string>, run?: ZeekRun) => void;

/**
 * What a btest's zeek_init does to the run's logs (Log::add_filter and the
 * like), before the trace is read; the notice framework, for a twin that
 * raises NOTICEs; the other built-in scripts (the config framework's
 * Config::set_value among them).
 */
export type LogSetup = (logs: LogManager, notices: NoticeLog, scripts: BuiltinScripts) => void;

/** `$TRACES/X` (or `${TRACES}//X`): X. */
const tracePath = (word: string): string | undefined => /^\$\{?TRACES\}?\/+(\S+)$/.exec(word)?.[1];

/** `| sort` right before the redirection of a zeek command's output. */
const SORTED = /\s*\|\s*sort\s*(?=>)/;
/** `| sort | uniq -c | sed 's/^ */ /g'` (the counts without their leading blanks) before it. */;
const COUNTED = /\s*\|\s*sort\s*\|\s*uniq -c\s*\|\s*sed 's\/\^ \*\/\/g'\s*(?=>)/;
/** `| sort | uniq -c | awk '{print $1, $2}'` before it: the counts and the lines' first fields. */
const COUNTED_FIELDS = /\s*\|\s*sort\s*\|\s*uniq -c\s*\|\s*awk '\{print ((?:\$\d+,?\s*)+)\}'\s*(?=>)/;

/** `-e 'redef A=1; redef B=2;'`: the settings A=1 and B=2, as on the command line. */
function inlineRedefs(cmd: string): { rest: string; settings: string[] } {
  const settings: string[] = [];
  const rest = cmd.replace(/\s+-e\s+'([^']*)'/, (_m, body: string) => {
    for (const r of body.matchAll(/redef\s+([\w:]+)\s*=\s*([^;]+)/g)) settings.push(`${r[1]}=${r[2]!.trim()}`);
    return "";
  });
  return { rest, settings };
}

/** `"A += {x}"`: a quoted setting with blanks, as the command line's A+={x}. */
function quotedSettings(cmd: string): { rest: string; settings: string[] } {
  const settings: string[] = [];
  const rest = cmd.replace(/\s+"([\w:]+)\s*([-+]?=)\s*([^"]*)"/g, (_m, name: string, op: string, value: string) => {
    settings.push(`${name}${op}${value.trim()}`);
    return "";
  });
  return { rest, settings };
}

/** `-f 'FILTER'` (or double-quoted): the capture filter, taken out of the command. */
function captureFilter(cmd: string): { rest: string; filter: string | undefined } {
  let filter: string | undefined;
  const rest = cmd.replace(/\s+-f\s+(?:'([^']*)'|"([^"]*)")/, (_m, single: string | undefined, double: string | undefined) => {
    filter = single ?? double;
    return "";
  });
  return { rest, filter };
}

/**
 * A zeek command, word by word: flags (-b, -C, -r TRACE and their
 * combinations), `NAME=VALUE` settings, %INPUT, scripts, and a redirection,
 * through `sort` or `uniq -c` or not, `2>&1` sending the reporter's lines
 * along, a quoted `-f` capture filter. A trace read from `zcat <$TRACES/X |` is `piped`;
 * without -r there is none (a run without packets).
 */
function parseZeek(cmd: string, piped?: string): ZeekRun | null {
  const { rest: unfiltered, filter } = captureFilter(cmd);
  const quoted = quotedSettings(unfiltered);
  const { rest, settings } = inlineRedefs(quoted.rest);
  settings.push(...quoted.settings);
  const fields = COUNTED_FIELDS.exec(rest)?.[1]?.split(",").length;
  // A word in double quotes ("Conn::default_extract=T") is the word: the shell drops them.
  const words = rest
    .replace(COUNTED_FIELDS, " ")
    .replace(COUNTED, " ")
    .replace(SORTED, " ")
    .split(/\s+/)
    .map((w) => w.replace(/^"([^"\s]*)"$/, "$1"));
  if (words.shift() !== "zeek") return null;
  // Unredirected, a run's output adds to btest's standard output, which collects every command's.
  let [bare, ignoreChecksums, trace, stdout, append, input, stderr, stderrToStdout] = [false, false, piped, ".stdout", true, false, ".stderr", false];
  const [loads, testScripts]: [string[], string[]] = [[], []];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // -D (deterministic) is what a replay is anyway.
    const flags = /^-([bCD]*)(?:(r)(\S*))?$/.exec(w);
    if (flags !== null) {
      bare ||= flags[1]!.includes("b");
      ignoreChecksums ||= flags[1]!.includes("C");
      // -r TRACE, -rTRACE, or -r - after zcat.
      const file = flags[2] === undefined ? undefined : flags[3] || words[++i];
      if (file !== undefined) trace = file === "-" ? piped : tracePath(file);
    } else if (w === ">" || w === ">>") [stdout, append] = [words[++i] ?? "", w === ">>"];
    else if (/^>>?\S/.test(w)) [stdout, append] = [w.replace(/^>>?/, ""), w.startsWith(">>")];
    else if (w === "2>") stderr = words[++i] ?? "";
    else if (/^2>[^&]/.test(w)) stderr = w.slice(2);
    else if (/^[\w:]+=\S+$/.test(w)) settings.push(w);
    else if (/^[\w/.-]+$/.test(w)) loads.push(w);
    else if (/^\$SCRIPTS\/[\w.-]+$/.test(w)) testScripts.push(w.slice("$SCRIPTS/".length));
    else if (w === "%INPUT") input = true;
    else if (w === "2>&1") stderrToStdout = true;
    else return null;
  }
  const pipe = fields !== undefined || COUNTED.test(rest) ? "count" : SORTED.test(rest) ? "sort" : null;
  const run = {
    bare,
    ignoreChecksums,
    trace,
    settings,
    loads,
    testScripts,
    stdout,
    append,
    stderr,
    pipe,
    countFields: fields,
    stderrToStdout,
    input,
    filter,
  } as const;
  return { ...run, trace: trace ?? null };
}

/**
 * Environment variables a btest sets for Zeek's OpenSSL on the zeek line
 * (`OPENSSL_ENABLE_SHA1_SIGNATURES=1 zeek …`, which lets Fedora's OpenSSL
 * check SHA-1 signatures as others do): bronze's checks do not read them.
 */
const OPENSSL_ENV = /^(?:OPENSSL_\w+=\S*\s+)+(?=zeek\s)/;

/** `unset A && unset B && ` before a zeek command: the variables it clears. */
const UNSET = /^(?:unset\s+\w+\s*&&\s*)+/;

/** A zeek run, its trace read from a file, from `zcat <TRACE |`, `gunzip -c TRACE |` or `cat TRACE | gunzip |`. */
function parseZeekStep(line: string): Step | null {
  const unset = UNSET.exec(line)?.[0] ?? "";
  const cmd = line.slice(unset.length).replace(OPENSSL_ENV, "");
  const zcat = /^(?:zcat\s*<\s*|gunzip -c\s+|cat\s+)\$TRACES\/+(\S+)\s*\|\s*(?:gunzip\s*\|\s*)?(zeek\s.*)$/.exec(cmd);
  const run = zcat === null ? parseZeek(cmd) : parseZeek(zcat[2]!, zcat[1]);
  if (run === null) return null;
  // Without its seed file Zeek seeds itself at random (BRO_SEED_FILE is the old name).
  return { kind: "zeek", run: /\bunset\s+ZEEK_SEED_FILE\b/.test(unset) ? { ...run, seeded: false } : run };
}

/** A check of a file: btest-diff (with its canonifier or none), btest-diff-cut, `diff A B`, emptiness, absence, grep counts. */
function parseCheck(cmd: string): Step | null {
  const diff = /^(TEST_DIFF_CANONIFIER=\s+)?btest-diff(-remove-abspath)?\s+(\S+)$/.exec(cmd);
  if (diff !== null) return { kind: "diff", file: diff[3]!, canonify: diff[1] === undefined, abspath: diff[2] !== undefined };
  const cut = /^btest-diff-cut\s+-m\s+(.*\s)?(\S+)$/.exec(cmd);
  if (cut !== null) return { kind: "cut", file: cut[2]!, columns: (cut[1] ?? "").trim().split(/\s+/).filter(Boolean) };
  const same = /^diff\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (same !== null) return { kind: "same", file: same[1]!, other: same[2]! };
  const empty = /^test ! -s (\S+)$/.exec(cmd);
  if (empty !== null) return { kind: "empty", file: empty[1]! };
  const absent = /^(?:test ! -f (\S+)|! test -f (\S+)|\[ ! -f (\S+) \])$/.exec(cmd);
  if (absent !== null) return { kind: "absent", file: (absent[1] ?? absent[2] ?? absent[3])! };
  // `grep -q 'X' F` wants X at least once; `test "$(grep -c 'X' F)" = "N"` wants it in N lines.
  const some = /^grep -q '([^']+)' (\S+)$/.exec(cmd);
  if (some !== null) return { kind: "count", pattern: some[1]!, file: some[2]!, at: -1 };
  const count = /^test "\$\(grep -c '([^']+)' (\S+)\)" = "(\d+)"$/.exec(cmd);
  if (count !== null) return { kind: "count", pattern: count[1]!, file: count[2]!, at: Number(count[3]) };
  return null;
}

/** A command that makes, moves or removes files: mv, cp, cat, `mkdir D && mv`, touch, echo, rm *.log, zeek-cut, a count of a log's rows. */
function parseFileCommand(cmd: string): Step | null {
  if (/^rm (-v )?\*\.?log$/.test(cmd)) return { kind: "rm-logs" };
  const mv = /^mv\s+(\S+)\s+(\S+)$/.exec(cmd);
  if (mv !== null) return { kind: "mv", from: mv[1]!, to: mv[2]! };
  // `cp A B`, `cat A > B` and `cat A >> B`.
  const cp = /^(?:cp\s+(\S+)\s+|cat\s+(\S+)\s*(>>?)\s*)(\S+)$/.exec(cmd);
  if (cp !== null) return { kind: "cp", from: (cp[1] ?? cp[2])!, to: cp[4]!, append: cp[3] === ">>" };
  // `mkdir D && mv *log out D`: the logs and the named files into folder D.
  const into = /^mkdir (\S+) && mv ((?:\S+ )+)\1$/.exec(cmd);
  if (into !== null) return { kind: "into", dir: into[1]!, files: into[2]!.trim().split(" ") };
  const touch = /^touch (\S+)$/.exec(cmd);
  if (touch !== null) return { kind: "touch", file: touch[1]! };
  // Without a redirection, echo writes to btest's standard output, as the zeek runs do.
  const echo = /^echo\s+"([^"]*)"(?:\s*>>\s*(\S+))?$/.exec(cmd);
  if (echo !== null) return { kind: "echo", text: echo[1]!, file: echo[2] ?? ".stdout" };
  const cut = /^zeek-cut\s+(-m\s+)?([^<]*)<\s*(\S+)\s*>\s*(\S+)$/.exec(cmd);
  if (cut !== null) return { kind: "zeek-cut", names: cut[1] !== undefined, columns: cut[2]!.trim().split(/\s+/).filter(Boolean), from: cut[3]!, to: cut[4]! };
  // The number of a log's rows, appended to a file.
  const rows = /^grep -v '\^#' (\S+) \| wc -l \| sed 's\/ \/\/g' >>\s*(\S+)$/.exec(cmd);
  if (rows !== null) return { kind: "rows", from: rows[1]!, to: rows[2]! };
  return parseRename(cmd) ?? parsePipeline(cmd);
}

/** A shell glob (`*`, `?`, `[…]`) as a regular expression of a whole file name. */
function globRegExp(glob: string): RegExp {
  const parts = glob.match(/\[[^\]]*\]|\*|\?|[^[*?]+/g) ?? [];
  const re = parts.map((p) => (p === "*" ? "[^/]*" : p === "?" ? "[^/]" : p.startsWith("[") ? p : p.replace(/[.+^${}()|\\]/g, "\\$&")));
  return new RegExp(`^${re.join("")}$`);
}

/**
 * `for f in GLOB; do mv "$f" "$(echo "$f" | tr 'A' 'B')"; done` (its errors
 * dropped, `; true` after it): the files the glob matches, renamed with tr's
 * characters of A changed into B's.
 */
function parseRename(cmd: string): Step | null {
  const m = /^for (\w+) in (\S+); do mv "\$\1" "\$\(echo "\$\1" \| tr '([^']+)' '([^']+)'\)"; done(?: 2>\/dev\/null)?(?:; true)?$/.exec(cmd);
  if (m === null || m[3]!.length !== m[4]!.length) return null;
  return { kind: "rename", glob: globRegExp(m[2]!), from: m[3]!, to: m[4]! };
}

/** `cat A B | FILTER | … > F` (or `>> F`): the files' lines through the filters shell-filters runs. */
function parsePipeline(cmd: string): Step | null {
  const m = /^cat\s+((?:[\w.-]+\s+)+)\|(.*?)(>>?)\s*([\w.-]+)$/.exec(cmd);
  const filters = m === null ? null : lineFilters(m[2]!);
  if (m === null || filters === null) return null;
  return { kind: "pipe", from: m[1]!.trim().split(/\s+/), filters, to: m[4]!, append: m[3] === ">>" };
}

/**
 * The btest's commands (an assertion names one the replay cannot run; those
 * `skip` matches are left out), @load lines, redefs and options.
 */
function parseBtest(text: string, name: string, skip?: RegExp): Omit<ReplayBtest, "zeek" | "baseline"> {
  const steps: Step[] = [];
  for (const m of text.matchAll(/@TEST-EXEC:\s*(.*)$/gm)) {
    const cmd = m[1]!.trim();
    if (skip?.test(cmd)) continue;
    const step = parseZeekStep(cmd) ?? parseCheck(cmd) ?? parseFileCommand(cmd);
    assert.ok(step !== null, `${name}: a command this suite does not replay: ${m[1]}`);
    steps.push(step);
  }
  assert.ok(
    steps.some((s) => s.kind === "zeek"),
    `${name}: a zeek run`,
  );
  // `@load-sigs` of Zeek's own signature files: loads bronze knows by their names.
  const loads = [...text.matchAll(/^@load(?:-sigs)?\s+(\S+)/gm)].map((l) => l[1]!);
  // A redef whose value goes on over lines ending in a comma (a set's elements one a line) is one line.
  const joined = text.replace(/,[ \t]*\n\s*/g, ", ");
  // Inside `module X;` an unqualified name is X's when X has it (Zeek looks there first), else the global one.
  const module = /^module\s+(\w+);/m.exec(text)?.[1];
  const known = defaultSettings();
  const qualified = (assignment: string): string =>
    module !== undefined && !assignment.includes("::") && `${module}::${assignment.split(/[-+]?=/)[0]}` in known ? `${module}::${assignment}` : assignment;
  const settings = [...joined.matchAll(/^redef\s+([\w:]+\s*[-+]?=.*);$/gm)].map((r) => qualified(r[1]!.replace(/\s*([-+]?=)\s*/, "$1")));
  // Its options and its own redefinable constants (`const NAME = VALUE &redef;`): the command line may set either.
  const declared = [...text.matchAll(/^option\s+(\w+)\s*=\s*(.*?);$/gm), ...text.matchAll(/^const\s+(\w+)\s*=\s*(.*?)\s*&redef;$/gm)];
  const options = new Map(declared.map((o) => [o[1]!, o[2]!] as const));
  const spicy = /^#\s*@TEST-REQUIRES:.*have-spicy/m.test(text);
  const copies = [...text.matchAll(/@TEST-COPY-FILE:\s*(\S+)/g)].flatMap((c) => tracePath(c[1]!) ?? []);
  return { steps, loads, settings, options, spicy, copies };
}

/** The btest's script file (NAME.zeek or NAME.test) in `dir`, a folder of Zeek's source ("testing/btest/scripts/base/protocols/dns"). */
export function btestText(zeek: ZeekSource, dir: string, name: string): string {
  const file = zeek.list(dir).find((f) => f === `${name}.zeek` || f === `${name}.test`);
  assert.ok(file !== undefined, `Zeek's btest ${name} is there`);
  return zeek.read(`${dir}/${file}`);
}

/** What a suite's btests share: Zeek's source, their folder, what they are (for skip messages), and commands whose checks the suite makes itself. */
export interface BtestSuite {
  readonly zeek: ZeekSource | null;
  /** A folder of Zeek's source: testing/btest/scripts/base/protocols/dns. */
  readonly dir: string;
  readonly what: string;
  readonly skip?: RegExp;
  /** Part 0 of a btest of parts is its first part alone (its own @loads only), not the whole text the older suites read. */
  readonly firstPartAlone?: boolean;
}

/** The traces a btest's zeek runs read. */
const btestTraces = (b: Pick<ReplayBtest, "steps">): string[] => b.steps.flatMap((s) => (s.kind === "zeek" && s.run.trace !== null ? [s.run.trace] : []));

/**
 * Part `part` of a btest's text (`@TEST-START-NEXT` starts the next): its
 * script, under the first part's commands, which btest runs for every part.
 * Part 0 is the whole text, as the suites replaying a first part read it,
 * or with `firstPartAlone` the text before the first @TEST-START-NEXT.
 */
function btestPart(text: string, part: number, firstPartAlone = false): string {
  if (part === 0 && !firstPartAlone) return text;
  const parts = text.split(/^.*@TEST-START-NEXT.*$/m);
  if (part === 0) return parts[0]!;
  assert.ok(part < parts.length, `the btest has a part ${part + 1}`);
  const commands = [...parts[0]!.matchAll(/^.*@TEST-EXEC:.*$/gm)].map((m) => m[0]);
  return `${commands.join("\n")}\n${parts[part]!}`;
}

/**
 * Btest `name` of the suite, parsed (its baselines are btest's name for it,
 * the path after testing/btest with dots, `-N` after it for its part N > 1);
 * null, the test skipped saying why, without Zeek's source or a trace it
 * reads. `part` counts from 0.
 */
export function readBtest(t: TestContext, suite: BtestSuite, name: string, part = 0): ReplayBtest | null {
  const { zeek, dir, what } = suite;
  if (btestOraclesMissing(t, zeek, what, []) || zeek === null) return null;
  const b = parseBtest(btestPart(btestText(zeek, dir, name), part, suite.firstPartAlone), name, suite.skip);
  if (btestOraclesMissing(t, zeek, what, btestTraces(b))) return null;
  const suffix = part === 0 ? "" : `-${part + 1}`;
  return { ...b, zeek, baseline: `${dir.replace(/^testing\/btest\//, "").replaceAll("/", ".")}.${name}${suffix}` };
}

/** The printed lines after the pipe (a printed value may hold newlines, a set's: sort sorts lines, not prints), each ended. */
export function piped(printed: readonly string[], pipe: ZeekRun["pipe"], countFields?: number): string[] {
  if (pipe === null) return printed.map((l) => `${l}\n`);
  const lines = printed.join("\n").split("\n");
  if (pipe === "sort") return lines.sort(byBytes).map((l) => `${l}\n`);
  const counts = new Map<string, number>();
  for (const l of lines.filter(Boolean)) counts.set(l, (counts.get(l) ?? 0) + 1);
  // awk splits on runs of blanks: a line's first fields, the count the first of them.
  const cut = (l: string): string => (countFields === undefined ? l : l.trim().split(/\s+/).slice(0, countFields).join(" "));
  return [...counts.keys()].sort(byBytes).map((l) => `${cut(`${counts.get(l)} ${l}`)}\n`);
}

/** A run's settings: the btest's options' values for its twin, the rest (redefs first) for the engine. */
function runSettings(b: ReplayBtest, run: ZeekRun): { engine: string[]; options: Map<string, string> } {
  const options = new Map(b.options);
  const isOption = (setting: string): boolean => options.has(setting.split("=")[0]!);
  for (const s of run.settings.filter(isOption)) options.set(s.split("=")[0]!, s.slice(s.indexOf("=") + 1));
  return { engine: [...b.settings, ...run.settings.filter((s) => !isOption(s))], options };
}

/**
 * The folder btest runs a test's commands in: what a zeek run writes to
 * disk there (contents files, extracted files) becomes one of the btest's
 * files, named in `raw` (its bytes are compared as they are).
 */
export interface RunDirectory {
  readonly path: string;
  readonly raw: Set<string>;
}

/** The files under `dir` (a folder's as FOLDER/NAME), taken off the disk into `files` and named in `raw`. */
function takeWritten(dir: string, files: Map<string, string>, raw: Set<string>, under = ""): void {
  for (const entry of readdirSync(join(dir, under), { withFileTypes: true })) {
    const name = under === "" ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) takeWritten(dir, files, raw, name);
    else {
      files.set(name, readFileSync(join(dir, name), "latin1"));
      raw.add(name);
    }
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/** `work` with the process in `dir` (zeek's working directory), back where it was after. */
async function inDirectory<T>(dir: string | undefined, work: () => Promise<T>): Promise<T> {
  if (dir === undefined) return work();
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(before);
  }
}

/** Runs one zeek command of the btest with the twin, in `dir` when given; returns the files it writes (its standard output, its logs, what it wrote to disk). */
export async function replayRun(btest: ReplayBtest, run: ZeekRun, btestTwin: Twin, setup?: LogSetup, dir?: RunDirectory): Promise<Map<string, string>> {
  // The twin is told the trace's path ("" for a run without one).
  const path = run.trace === null ? "" : join(corpusRoot(), "zeek", "traces", run.trace);
  // Without %INPUT, zeek runs the command line's scripts only.
  const [b, twin]: [ReplayBtest, Twin] = run.input ? [btest, btestTwin] : [{ ...btest, loads: [], settings: [], options: new Map() }, () => undefined];
  const { engine: settings, options } = runSettings(b, run);
  const loads = [...b.loads, ...run.loads];
  const filter = run.filter === undefined ? undefined : compileFilter(run.filter);
  const seed = run.seeded === false ? undefined : ZEEK_SEED;
  const engine = new Engine({
    seed,
    bare: run.bare,
    loads,
    settings,
    ignoreChecksums: run.ignoreChecksums,
    filter,
    cmdLineFilter: run.filter,
    spicy: btest.spicy,
  });
  const [printed, stderr]: [string[], string[]] = [[], []];
  twin(engine, (...values) => void printed.push(values.join(", ")), path, options, run);
  // What the reporter writes to standard error is the run's .stderr (btests compare it, mostly wanting it empty).
  const toStderr = run.stderrToStdout === true ? printed : stderr;
  const reading = run.trace !== null;
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: run.bare, loads, stderr: (line) => void toStderr.push(line), readingTraces: reading });
  if (run.input) setup?.(scripts.logs, scripts.notices, scripts);
  const source = reading ? await openTrace(path) : memorySource([], "-");
  // The btest's copied files are in its folder when zeek runs (each run's are taken with what it wrote, so copied again).
  if (dir !== undefined) for (const f of btest.copies ?? []) copyFileSync(join(corpusRoot(), "zeek", "traces", f), join(dir.path, basename(f)));
  await inDirectory(dir?.path, async () => {
    await engine.run(source);
    scripts.close();
  });
  const files = new Map<string, string>([
    [run.stdout, piped(printed, run.pipe, run.countFields).join("")],
    [run.stderr, stderr.map((l) => `${l}\n`).join("")],
  ]);
  for (const log of scripts.logs.written()) files.set(`${log}.log`, scripts.logs.text(log));
  if (dir !== undefined) takeWritten(dir.path, files, dir.raw);
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

/** The steps that make, move or remove files. */
type FileStep = Extract<Step, { kind: "mv" | "cp" | "into" | "touch" | "zeek-cut" | "echo" | "rows" | "rm-logs" | "pipe" | "rename" }>;
const FILE_STEPS: ReadonlySet<Step["kind"]> = new Set(["mv", "cp", "into", "touch", "zeek-cut", "echo", "rows", "rm-logs", "pipe", "rename"]);
const isFileStep = (s: Step): s is FileStep => FILE_STEPS.has(s.kind);
type Check = Exclude<Step, FileStep | { kind: "zeek" }>;

/** A check that compares a file with its baseline: a cut log, a log, printed lines. */
function checkBaseline(zeek: ZeekSource, baseline: string, s: Extract<Check, { kind: "diff" | "cut" }>, ours: string, raw: boolean): void {
  if (raw && s.kind === "diff") return checkBytes(zeek, baseline, s, ours);
  // Some baselines are stored with CRLF line ends; btest names a file in a folder D/F as D.F.
  const want = zeek.read(`testing/btest/Baseline/${baseline}/${s.file.replaceAll("/", ".")}`).replace(/\r\n/g, "\n");
  if (s.kind === "cut") return assert.equal(canonicalBtestLog(zeekCut(ours, s.columns, true)), canonicalBtestLog(want), `${baseline}: ${s.file}`);
  // A log by its name, or by its text whatever its name (`mv weird.log output`).
  const log = (s.file.includes(".log") && !s.file.endsWith(".cut")) || ours.startsWith("#separator");
  if (log) return assert.equal(canonicalBtestLog(ours), canonicalBtestLog(want), `${baseline}: ${s.file}`);
  assert.deepEqual(canonical(ours, s), baselineLines(want), `${baseline}: ${s.file}`);
}

/**
 * A file a run wrote to disk (a contents file) against its baseline byte for
 * byte, CRs included: the baseline's text after btest-diff's header line,
 * ours after the canonifier (each line's first time masked, or nothing).
 */
function checkBytes(zeek: ZeekSource, baseline: string, s: Extract<Check, { kind: "diff" }>, ours: string): void {
  const want = zeek.read(`testing/btest/Baseline/${baseline}/${s.file.replaceAll("/", ".")}`).replace(/^### .*\n/, "");
  const canonified = s.canonify ? ours.split("\n").map(maskFirstTime).join("\n") : ours;
  assert.ok(canonified === want, `${baseline}: ${s.file} as the baseline's bytes (${canonified.length} bytes, the baseline's ${want.length})`);
}

/** A btest's check of a file it wrote: a diff with the baseline, with another file, emptiness, absence, a count of lines; `raw` names the files runs wrote to disk. */
function check(zeek: ZeekSource, baseline: string, s: Check, files: ReadonlyMap<string, string>, raw: ReadonlySet<string>): void {
  const ours = files.get(s.file);
  if (s.kind === "absent") return assert.equal(ours, undefined, `${baseline}: no ${s.file}`);
  if (s.kind === "empty") return assert.equal(ours ?? "", "", `${baseline}: ${s.file} is empty`);
  assert.ok(ours !== undefined, `${baseline}: ${s.file} written`);
  if (s.kind === "same") return assert.equal(ours, files.get(s.other), `${baseline}: ${s.file} as ${s.other}`);
  if (s.kind === "count") {
    const n = ours.split("\n").filter((l) => l.includes(s.pattern)).length;
    return s.at < 0 ? assert.ok(n > 0, `${baseline}: ${s.pattern} in ${s.file}`) : assert.equal(n, s.at, `${baseline}: ${s.pattern} in ${s.file}`);
  }
  checkBaseline(zeek, baseline, s, ours, raw.has(s.file));
}

/** `mkdir D && mv …`: the named files (`*log` the logs) into folder D. */
function moveInto(s: Extract<FileStep, { kind: "into" }>, files: Map<string, string>): void {
  for (const [file, text] of [...files]) {
    if (file.includes("/") || !s.files.some((f) => f === file || (f === "*log" && file.endsWith("log")))) continue;
    files.set(`${s.dir}/${file}`, text);
    files.delete(file);
  }
}

/** A pipeline's output: cat's files (a missing one reads as nothing, as cat goes on past it), through the filters. */
function pipe(s: Extract<FileStep, { kind: "pipe" }>, files: Map<string, string>): void {
  const lines = s.from.flatMap((f) => linesOf(files.get(f) ?? ""));
  const out = textOf(runFilters(s.filters, lines));
  files.set(s.to, s.append ? `${files.get(s.to) ?? ""}${out}` : out);
}

/** `for f in GLOB; do mv … tr …`: each matching file under its name with tr's characters changed (as raw as it was). */
function rename(s: Extract<FileStep, { kind: "rename" }>, files: Map<string, string>, raw: Set<string>): void {
  const tr = (name: string): string => [...name].map((ch) => (s.from.includes(ch) ? s.to[s.from.indexOf(ch)]! : ch)).join("");
  for (const [name, text] of [...files]) {
    if (!s.glob.test(name)) continue;
    files.delete(name);
    files.set(tr(name), text);
    if (raw.delete(name)) raw.add(tr(name));
  }
}

/** A file command's effect on the btest's directory; `raw` names the files a run wrote to disk, compared byte for byte. */
function apply(s: FileStep, files: Map<string, string>, raw: Set<string>): void {
  if (s.kind === "rename") return rename(s, files, raw);
  // mv and cp keep a file's bytes as they are.
  if ((s.kind === "mv" || s.kind === "cp") && raw.has(s.from)) raw.add(s.to);
  if (s.kind === "mv") raw.delete(s.from);
  if (s.kind === "echo") return void files.set(s.file, `${files.get(s.file) ?? ""}${s.text}\n`);
  if (s.kind === "touch") {
    // touch leaves a file that is there as it is.
    if (!files.has(s.file)) files.set(s.file, "");
    return;
  }
  if (s.kind === "into") return moveInto(s, files);
  if (s.kind === "pipe") return pipe(s, files);
  if (s.kind === "rm-logs") {
    for (const f of files.keys()) if (f.endsWith(".log")) files.delete(f);
    return;
  }
  const from = files.get(s.from);
  if (s.kind === "mv") files.delete(s.from);
  if (from === undefined) return;
  if (s.kind === "mv") files.set(s.to, from);
  else if (s.kind === "cp") files.set(s.to, s.append ? `${files.get(s.to) ?? ""}${from}` : from);
  else if (s.kind === "zeek-cut") files.set(s.to, `${zeekCut(from, s.columns, s.names)}\n`);
  else files.set(s.to, `${files.get(s.to) ?? ""}${from.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length}\n`);
}

/**
 * Runs the btest's commands in order with the twin (and `setup` for its
 * logs) and checks each file it compares against its baselines; returns the
 * files it wrote, for the checks `skip` left to the suite.
 */
export async function replayBtest(b: ReplayBtest, twin: Twin, setup?: LogSetup): Promise<ReadonlyMap<string, string>> {
  const dir: RunDirectory = { path: mkdtempSync(join(tmpdir(), "bronze-btest-")), raw: new Set() };
  try {
    return await replaySteps(b, twin, dir, setup);
  } finally {
    rmSync(dir.path, { recursive: true, force: true });
  }
}

/** replayBtest's commands, each zeek run in `dir`. */
async function replaySteps(b: ReplayBtest, twin: Twin, dir: RunDirectory, setup?: LogSetup): Promise<ReadonlyMap<string, string>> {
  const files = new Map<string, string>();
  let compared = 0;
  for (const s of b.steps) {
    if (s.kind === "zeek") {
      const before = s.run.append ? (files.get(s.run.stdout) ?? "") : "";
      // btest's own standard error collects every run's too; `2> FILE` starts the file anew.
      const errBefore = s.run.stderr === ".stderr" ? (files.get(".stderr") ?? "") : "";
      // A log a run writes replaces the one before (a touched one among them).
      for (const [file, text] of await replayRun(b, s.run, twin, setup, dir)) {
        files.set(file, file === s.run.stdout ? before + text : file === s.run.stderr ? errBefore + text : text);
      }
    } else if (isFileStep(s)) apply(s, files, dir.raw);
    else {
      check(b.zeek, b.baseline, s, files, dir.raw);
      compared++;
    }
  }
  assert.ok(compared > 0, `${b.baseline}: compares its printed output`);
  return files;
}

/** How a core btest is replayed beyond its twin: its part (from 0), its zeek_init's setup of the logs, the commands left to the suite (BtestSuite.skip). */
export interface CoreBtestOptions {
  readonly part?: number;
  readonly setup?: LogSetup;
  readonly skip?: RegExp;
}

/**
 * A test's body replaying btest `path` of Zeek's core (under
 * testing/btest/core, its folder included: "icmp/icmp-events.test") with
 * `twin`; without Zeek's source or a trace it reads, the test skips saying
 * so (`what` names the suite's btests in that message).
 */
export function coreBtestCase(
  zeek: ZeekSource | null,
  what: string,
  path: string,
  twin: Twin,
  options: CoreBtestOptions = {},
): (t: TestContext) => Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "testing/btest/core" : `testing/btest/core/${path.slice(0, slash)}`;
  const name = path.slice(slash + 1).replace(/\.(zeek|test)$/, "");
  return async (t) => {
    const b = readBtest(t, { zeek, dir, what, skip: options.skip }, name, options.part);
    if (b !== null) await replayBtest(b, twin, options.setup);
  };
}
