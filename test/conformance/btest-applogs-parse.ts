/**
 * Reads a btest of Zeek's scripts (testing/btest/scripts/…, core/…) into
 * the steps the btest-applogs suite replays: zeek runs on one corpus trace
 * each, the shell commands that move their logs about in the test's one
 * directory (mv, cp, cat and echo, > and >>), and the comparisons (btest-diff,
 * btest-diff-cut, `test ! -f`, diff). A btest is of the suite's kind when
 * its script is only @load lines and redefs bronze has, and every command
 * is one of those; anything else (a grep, a script of its own) leaves it
 * out. A run that loads one of the test's own files (@TEST-START-FILE) is
 * not replayed: what it would have written is unknown, and comparisons of
 * those files are left out (see the runner).
 *
 * Three more shapes are read: a trace piped in (`zcat <$TRACES/X.gz | zeek
 * -r - …`: bronze reads gzip itself), a zeek_init handler whose only
 * statements are Analyzer::register_for_port calls, which bronze's command
 * line takes as words of their own, and a log cut into a file of the test's
 * (`zeek-cut [-m] COLUMN… < X.log > Y`) that a later `btest-diff Y` compares.
 */
import { parseRegisterForPort } from "../../src/cli/args.js";
import { applySetting, defaultSettings } from "../../src/options.js";

/** A log a btest compares: whole (`btest-diff`) or cut (`btest-diff-cut [-m] [COLUMN…]`, Zeek's zeek-cut). */
export interface BtestLog {
  readonly log: string;
  /** Null: the whole log; else the columns kept, in this order ([] for all of them). */
  readonly cut: readonly string[] | null;
  /** zeek-cut -m: the column names as a first line. */
  readonly names: boolean;
  /** `test ! -f X.log`: Zeek writes no such log. */
  readonly absent?: boolean;
  /** `test -f X.log`: Zeek writes that log (its content is not compared). */
  readonly present?: boolean;
  /** TEST_DIFF_CANONIFIER's script, when the btest-diff line sets one: "" for none, else a name of canonifiers.ts. */
  readonly canonifier?: string;
}

/** One `zeek` command line. */
export interface ZeekRun {
  readonly bare: boolean;
  readonly ignoreChecksums: boolean;
  /** The trace under the corpus' zeek/traces. */
  readonly trace: string;
  /** %INPUT is on the command line: the test's script (its @load lines and redefs) is loaded. */
  readonly input: boolean;
  /** Script names on the command line (the script's own @load lines are the test's). */
  readonly loads: readonly string[];
  /** NAME=VALUE words on the command line, as bronze's command line takes them. */
  readonly settings: readonly string[];
  /** -f FILTER: the capture filter. */
  readonly filter?: string;
  /** The test's own files the run loads: the run is not replayed when there are any. */
  readonly ownFiles: readonly string[];
  /** Files zeek's standard output or error went to (`>output`, `2>err`): not logs, never compared. */
  readonly outputs?: readonly string[];
}

/** What a btest does, in order, in its one directory. */
export type BtestStep =
  | { readonly kind: "zeek"; readonly run: ZeekRun }
  | { readonly kind: "move" | "copy"; readonly from: string; readonly to: string }
  /** `cat A B > C` (append: `>>`), through Zeek's diff-remove-timestamps when `masked`. */
  | { readonly kind: "cat"; readonly from: readonly string[]; readonly to: string; readonly append: boolean; readonly masked: boolean }
  | { readonly kind: "compare"; readonly log: BtestLog }
  /** `touch B`: B exists (empty when it did not). */
  | { readonly kind: "touch"; readonly to: string }
  /** `echo WORDS > B` (append: `>>`): a line of the test's own, e.g. a header between the logs of several runs. */
  | { readonly kind: "echo"; readonly text: string; readonly to: string; readonly append: boolean }
  /** `zeek-cut [-m] COLUMN… < A > B`: B is zeek-cut's output on log A (see BtestLog's cut and names). */
  | { readonly kind: "cut"; readonly from: string; readonly to: string; readonly columns: readonly string[]; readonly names: boolean }
  /** `diff [-u] A B`: two files of the run are the same. */
  | { readonly kind: "diff"; readonly a: string; readonly b: string }
  | { readonly kind: "ignored" };

export interface AppBtest {
  /** The baseline directory's name (the test's path with dots: scripts.base.protocols.http.100-continue). */
  readonly name: string;
  /** Its @load lines. */
  readonly loads: readonly string[];
  /** Its @load-sigs lines' names: Zeek's signature files, which bronze's command line takes with -s. */
  readonly signatures?: readonly string[];
  /** Its redefs, as bronze's command line takes them ("FTP::logged_commands+={…}"). */
  readonly settings: readonly string[];
  /** Its zeek_init's Analyzer::register_for_port calls, as command-line words. */
  readonly calls?: readonly string[];
  readonly steps: readonly BtestStep[];
  /** Its own files (@TEST-START-FILE), by name: the runner writes them into the test's directory. */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * Redefs of Zeek settings that change nothing bronze writes, with why: a
 * test carrying one is still of the suite's kind.
 */
const INERT_REDEFS: Readonly<Record<string, string>> = {
  "Cluster::default_store_dir": "where persistent stores keep their files; bronze has none (runs that enable them are not replayed)",
};

/** Canonifiers (TEST_DIFF_CANONIFIER) the suite can apply, by their script's name under Zeek's testing/scripts. */
export const CANONIFIERS = ["diff-canonifier", "diff-remove-timestamps", "diff-sort", "diff-remove-timestamps-and-sort"] as const;

/** Whether a script line is a one-line redef of a setting bronze has (`redef FTP::logged_commands += { "USER" };`), or an inert one. */
function isKnownRedef(line: string): boolean {
  const m = /^redef\s+([\w:]+)\s*[-+]?=.*;$/.exec(line);
  if (m === null) return false;
  if (Object.hasOwn(INERT_REDEFS, m[1]!)) return true;
  return isKnownSetting(line);
}

function isKnownSetting(assignment: string): boolean {
  try {
    applySetting(defaultSettings(), assignment);
    return true;
  } catch {
    return false;
  }
}

/**
 * A command line's words, as the shell splits them: quotes joined and
 * removed; `|`, `>` and `>>` are words of their own, marked (see op) so that
 * a quoted ">" is not one. Null for an unbalanced quote.
 */
export function shellWords(line: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  const re = /(\s+)|(>>|>|\|)|"([^"]*)"|'([^']*)'|([^\s"'|>]+)/y;
  while (re.lastIndex < line.length) {
    const m = re.exec(line);
    if (m === null) return null;
    if (m[1] !== undefined || m[2] !== undefined) {
      if (word !== null) words.push(word);
      word = null;
      if (m[2] !== undefined) words.push(`\0${m[2]}`);
    } else word = (word ?? "") + (m[3] ?? m[4] ?? m[5]!);
  }
  if (word !== null) words.push(word);
  return words;
}

/** An operator word of shellWords (`|`, `>`, `>>`): marked so that a quoted ">" is not one. */
function op(word: string | undefined): string | null {
  return word?.startsWith("\0") ? word.slice(1) : null;
}

/** A `zeek` command line's words (after "zeek") as a run, or null if it does more than the suite replays; `stdin`: the trace piped in. */
function parseZeekRun(words: readonly string[], ownFiles: ReadonlyMap<string, string>, stdin: string | null = null): ZeekRun | null {
  let bare = false;
  let ignoreChecksums = false;
  let trace: string | null = null;
  let input = false;
  const loads: string[] = [];
  const settings: string[] = [];
  const own: string[] = [];
  const outputs: string[] = [];
  let filter: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // `>output`, `2>err`: what zeek prints (not a log: its comparisons are left out).
    if ((w === "1" || w === "2") && op(words[i + 1]) === ">") continue;
    // `>&2`: what zeek prints goes to standard error, which no comparison reads.
    if (op(w) === ">" && /^&[12]$/.test(words[i + 1] ?? "")) {
      i++;
      continue;
    }
    if (op(w) === ">" && /^[\w.-]+$/.test(words[i + 1] ?? "")) {
      outputs.push(words[++i]!);
      continue;
    }
    if (op(w) !== null) return null;
    if (/^-[bC]+$/.test(w)) {
      bare ||= w.includes("b");
      ignoreChecksums ||= w.includes("C");
    } else if (/^-[bC]*r$/.test(w) && words[i + 1]?.startsWith("$TRACES/")) {
      // -r, or flags joined with it (-Cr).
      bare ||= w.includes("b");
      ignoreChecksums ||= w.includes("C");
      trace = words[++i]!.slice("$TRACES/".length);
    } else if (w === "-r" && words[i + 1] === "-" && stdin !== null) {
      trace = stdin;
      i++;
    } else if (w === "-f" && words[i + 1] !== undefined && op(words[i + 1]) === null) filter = words[++i]!;
    else if (w === "%INPUT") input = true;
    else if (ownFiles.has(w.replace(/^\.\//, ""))) {
      // A file of the test's own that only loads scripts is those loads; any other is not replayed.
      const its = loadsOnly(ownFiles.get(w.replace(/^\.\//, ""))!);
      if (its === null) own.push(w);
      else loads.push(...its);
    } else if (w.includes("=")) {
      if (!isKnownSetting(w)) return null;
      settings.push(w);
    } else if (/^[\w./-]+$/.test(w) && !w.startsWith("-")) loads.push(w);
    else return null;
  }
  if (trace === null) return null;
  return {
    bare,
    ignoreChecksums,
    trace,
    input,
    loads,
    settings,
    ownFiles: own,
    ...(filter !== undefined ? { filter } : {}),
    ...(outputs.length > 0 ? { outputs } : {}),
  };
}

/** The comparison a `btest-diff` or `btest-diff-cut` command makes, or null for another command. */
function parseCompare(words: readonly string[], canonifier: string | undefined, cuts: ReadonlySet<string>): BtestLog | null {
  const [cmd, ...args] = words;
  const extra = canonifier === undefined ? {} : { canonifier };
  if (cmd === "btest-diff" && args.length === 1 && (args[0]!.endsWith(".log") || cuts.has(args[0]!)))
    return { log: args[0]!, cut: null, names: false, ...extra };
  if (cmd !== "btest-diff-cut" || args.length === 0 || args.some((a) => op(a) !== null)) return null;
  const names = args[0] === "-m";
  const rest = names ? args.slice(1) : args;
  const log = rest.at(-1)!;
  if (!log.endsWith(".log") || rest.slice(0, -1).some((c) => !/^[\w.]+$/.test(c))) return null;
  return { log, cut: rest.slice(0, -1), names, ...extra };
}

/** TEST_DIFF_CANONIFIER=VALUE as the name of a canonifier the suite has ("" for none), or null. */
function canonifierOf(value: string): string | null {
  if (value === "") return "";
  const m = /^\$SCRIPTS\/([\w-]+)$/.exec(value);
  return m !== null && (CANONIFIERS as readonly string[]).includes(m[1]!) ? m[1]! : null;
}

/** `zeek-cut [-m] COLUMN… < A > B` (or `<A`): the cut step, or null for any other options or redirections. */
function parseZeekCut(args: readonly string[]): BtestStep | null {
  const names = args[0] === "-m";
  const rest = names ? args.slice(1) : args;
  const to = rest.at(-1);
  if (to === undefined || op(to) !== null || op(rest.at(-2)) !== ">") return null;
  const before = rest.slice(0, -2);
  const joined = before.at(-1)?.startsWith("<") === true && before.at(-1) !== "<";
  const from = joined ? before.at(-1)!.slice(1) : before.at(-1);
  const columns = before.slice(0, joined ? -1 : -2);
  if (from === undefined || !(joined || before.at(-2) === "<") || !/^[\w./-]+$/.test(from)) return null;
  if (columns.some((c) => !/^[\w.]+$/.test(c))) return null;
  return { kind: "cut", from, to, columns, names };
}

/** One command of the test, or null if the suite cannot replay it; `cuts`: the files zeek-cut wrote so far. */
function parseStep(words: string[], ownFiles: ReadonlyMap<string, string>, cuts: ReadonlySet<string>): BtestStep | null {
  let canonifier: string | undefined;
  const env = /^TEST_DIFF_CANONIFIER=(.*)$/s.exec(words[0] ?? "");
  if (env !== null) {
    const c = canonifierOf(env[1]!);
    if (c === null) return null;
    canonifier = c;
    words = words.slice(1);
  }
  // `! test -f X`, the shell's negation of the command, is `test ! -f X`.
  if (words[0] === "!" && words[1] === "test" && words.length === 4) words = ["test", "!", ...words.slice(2)];
  const [cmd, ...args] = words;
  if (cmd === "zeek") {
    const run = canonifier === undefined ? parseZeekRun(args, ownFiles) : null;
    return run === null ? null : { kind: "zeek", run };
  }
  if (cmd === "zcat") return canonifier === undefined ? parsePipedRun(args, ownFiles) : null;
  if (cmd === "zeek-cut") return canonifier === undefined ? parseZeekCut(args) : null;
  const log = parseCompare(words, canonifier, cuts);
  if (log !== null) return { kind: "compare", log };
  // What zeek printed (.stdout, .stderr) and the documentation's excerpts (btest-diff-rst) are not logs: not compared.
  if (cmd === "btest-diff-rst" || (cmd === "btest-diff" && args.length === 1 && /^\.(stdout|stderr)$/.test(args[0]!))) return { kind: "ignored" };
  if (canonifier !== undefined) return null;
  return parseFileCommand(cmd, args);
}

/** `zcat [<]$TRACES/X | zeek … -r - …`: a run reading trace X. */
function parsePipedRun(args: readonly string[], ownFiles: ReadonlyMap<string, string>): BtestStep | null {
  // `<$TRACES/X`, `< $TRACES/X` or `$TRACES/X`.
  const spaced = args[0] === "<" ? 1 : 0;
  const source = args[spaced]?.replace(/^</, "");
  if (source === undefined || !source.startsWith("$TRACES/") || op(args[spaced + 1]) !== "|" || args[spaced + 2] !== "zeek") return null;
  const run = parseZeekRun(args.slice(spaced + 3), ownFiles, source.slice("$TRACES/".length));
  return run === null ? null : { kind: "zeek", run };
}

/**
 * A zeek_init handler from line `at` whose statements are only
 * Analyzer::register_for_port calls: the calls and the line after its
 * closing brace, or null for any other handler.
 */
function parseZeekInit(script: readonly string[], at: number): { calls: string[]; next: number } | null {
  const body: string[] = [];
  let i = at;
  let text = script[i]!.trim().replace(/^event\s+zeek_init\s*\(\s*\)\s*/, "");
  for (;;) {
    const close = text.indexOf("}");
    body.push(close < 0 ? text : text.slice(0, close));
    if (close >= 0) {
      if (text.slice(close + 1).trim() !== "") return null;
      break;
    }
    if (++i >= script.length) return null;
    text = script[i]!.trim();
  }
  const joined = body.join(" ").trim();
  if (!joined.startsWith("{")) return null;
  const statements = joined
    .slice(1)
    .split(";")
    .map((st) => st.trim())
    .filter((st) => st !== "");
  const calls = statements.map((st) => (parseRegisterForPort(st) === null ? null : st));
  if (calls.length === 0 || calls.some((c) => c === null)) return null;
  return { calls: calls as string[], next: i + 1 };
}

/** mv, cp, cat (to a file, maybe through diff-remove-timestamps), `test ! -f|-e`, `diff [-u]`. */
function parseFileCommand(cmd: string | undefined, args: readonly string[]): BtestStep | null {
  const plain = args.every((a) => op(a) === null && !a.startsWith("-"));
  if ((cmd === "mv" || cmd === "cp") && plain && args.length === 2) return { kind: cmd === "mv" ? "move" : "copy", from: args[0]!, to: args[1]! };
  if (cmd === "test" && args.length === 3 && args[0] === "!" && (args[1] === "-f" || args[1] === "-e")) {
    return { kind: "compare", log: { log: args[2]!, cut: null, names: false, absent: true } };
  }
  if (cmd === "test" && args.length === 2 && (args[0] === "-f" || args[0] === "-e") && op(args[1]) === null) {
    return { kind: "compare", log: { log: args[1]!, cut: null, names: false, present: true } };
  }
  if (cmd === "touch" && args.length === 1 && plain) return { kind: "touch", to: args[0]! };
  if (cmd === "diff") {
    const files = args.filter((a) => a !== "-u");
    if (files.length === 2 && files.every((f) => op(f) === null && !f.startsWith("-"))) return { kind: "diff", a: files[0]!, b: files[1]! };
  }
  if (cmd === "cat") return parseCat(args);
  if (cmd === "echo") return parseEcho(args);
  return null;
}

/** `echo WORDS > B`, `echo WORDS >> B`, without options (its line is the words joined by spaces). */
function parseEcho(args: readonly string[]): BtestStep | null {
  const to = args.at(-1);
  const redirect = op(args.at(-2));
  const words = args.slice(0, -2);
  if (to === undefined || op(to) !== null || (redirect !== ">" && redirect !== ">>")) return null;
  if (words.some((w) => op(w) !== null) || words[0]?.startsWith("-")) return null;
  return { kind: "echo", text: `${words.join(" ")}\n`, to, append: redirect === ">>" };
}

/** `cat A… > B`, `cat A… >> B`, `cat A | $SCRIPTS/diff-remove-timestamps > B`. */
function parseCat(args: readonly string[]): BtestStep | null {
  const to = args.at(-1);
  const redirect = op(args.at(-2));
  if (to === undefined || op(to) !== null || (redirect !== ">" && redirect !== ">>")) return null;
  let from = args.slice(0, -2);
  let masked = false;
  if (op(from.at(-2)) === "|" && from.at(-1) === "$SCRIPTS/diff-remove-timestamps") {
    from = from.slice(0, -2);
    masked = true;
  }
  if (from.length === 0 || from.some((f) => op(f) !== null || f.startsWith("-"))) return null;
  return { kind: "cat", from, to, append: redirect === ">>", masked };
}

/** The scripts a file of the test's own loads, when it is nothing but @load lines (and comments); else null. */
function loadsOnly(text: string): string[] | null {
  const loads: string[] = [];
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (l === "" || l.startsWith("#")) continue;
    const load = /^@load\s+(\S+)$/.exec(l);
    if (load === null) return null;
    loads.push(load[1]!);
  }
  return loads;
}

/** The test's script (without its own files) and those files' names and texts. */
function splitOwnFiles(text: string): { script: string[]; files: Map<string, string> } {
  const script: string[] = [];
  const files = new Map<string, string>();
  let inFile: string | null = null;
  for (const line of text.split("\n")) {
    const start = /^#\s*@TEST-START-FILE\s+(\S+)/.exec(line);
    if (start !== null) {
      inFile = start[1]!;
      files.set(inFile, "");
    } else if (/^#\s*@TEST-END-FILE/.test(line)) inFile = null;
    else if (inFile !== null) files.set(inFile, `${files.get(inFile)}${line}\n`);
    else script.push(line);
  }
  return { script, files };
}

/**
 * Handlers that change nothing bronze writes, left out of the script:
 * those that only hold packet processing back until input files are read
 * (`suspend_processing()` at zeek_init, `continue_processing()` at
 * Input::end_of_data: Zeek reads them in a thread, bronze before the first
 * packet) and those that only print (stdout is not compared), with the
 * `if`/`for` lines around those statements and the counters they use
 * (`global n = 0;`). Any other statement keeps the handler, and with it the
 * test out of the suite; so does a `connection` parameter (see below).
 */
const INERT_STATEMENT = /^(suspend_processing\(\);|continue_processing\(\);|print\b.*;|(if|for)\s*\(.*\)|\{|\}|)$/;
const HANDLER_HEAD = /^(event|hook)\s+[\w:]+\s*\([^)]*\)\s*(&priority\s*=\s*-?\d+\s*)?\{?$/;

function withoutInertHandlers(script: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < script.length; i++) {
    const line = script[i]!.trim();
    if (/^global\s+\w+\s*=\s*0\s*;$/.test(line)) continue;
    // A handler given a connection is not inert: Zeek builds the connection's record (and draws its uid) to call it.
    const end = HANDLER_HEAD.test(line) && !/:\s*connection\b/.test(line) ? handlerEnd(script, i) : -1;
    const body = end < 0 ? [] : script.slice(i + 1, end + 1).map((l) => l.replace(/#.*$/, "").trim());
    if (end >= 0 && body.every((l) => INERT_STATEMENT.test(l))) i = end;
    else out.push(script[i]!);
  }
  return out;
}

/** The line closing the handler whose head is line `head` (braces balanced), or -1. */
function handlerEnd(script: readonly string[], head: number): number {
  let depth = 0;
  let opened = false;
  for (let i = head; i < script.length; i++) {
    for (const ch of script[i]!.replace(/#.*$/, "")) {
      if (ch === "{") {
        depth++;
        opened = true;
      } else if (ch === "}") depth--;
    }
    if (opened && depth === 0) return i;
  }
  return -1;
}

/** A redef written over several lines (`redef X += {` … `};`) as one line. */
function joinedRedefs(script: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < script.length; i++) {
    let line = script[i]!.trim();
    while (line.startsWith("redef ") && !line.endsWith(";") && i + 1 < script.length) line = `${line} ${script[++i]!.trim()}`;
    out.push(line);
  }
  return out;
}

const IGNORED: BtestStep = { kind: "ignored" };

/** A command line's words split at `&&` into the commands it runs in turn. */
function andChain(words: readonly string[]): string[][] {
  const commands: string[][] = [[]];
  for (const w of words) {
    if (w === "&&") commands.push([]);
    else commands.at(-1)!.push(w);
  }
  return commands;
}

/** The btest in `text` if it is one of this suite's kind, else null. */
export function parseAppBtest(name: string, text: string): AppBtest | null {
  // A test in several parts runs its commands on each part by itself, the later ones against baselines of their own: the first is replayed.
  // Its own files are every part's (btest writes them all before the first part runs).
  const { script: whole } = splitOwnFiles(text.split(/^.*@TEST-START-NEXT.*$/m)[0]!);
  const { files } = splitOwnFiles(text);
  const ownFiles: ReadonlyMap<string, string> = files;
  const steps: BtestStep[] = [];
  /** The files zeek's runs printed into so far: comparing one is not comparing a log. */
  const printed = new Set<string>();
  /** The files zeek-cut wrote so far: `btest-diff` of one compares it. */
  const cuts = new Set<string>();
  for (const line of whole) {
    const exec = /@TEST-EXEC(-FAIL)?:\s*(.*)/.exec(line);
    if (exec === null) continue;
    // `${TRACES}` is the shell's other spelling of `$TRACES`.
    const words = exec[1] === undefined ? shellWords(exec[2]!.trim().replaceAll("$\u007bTRACES}", "$TRACES")) : null;
    if (words === null) return null;
    // `A && B`: B runs when A succeeded, as every command of a passing btest does.
    for (const command of andChain(words)) {
      const step = command[0] === "btest-diff" && command.length === 2 && printed.has(command[1]!) ? IGNORED : parseStep(command, ownFiles, cuts);
      if (step === null) return null;
      if (step.kind === "zeek") for (const f of step.run.outputs ?? []) printed.add(f);
      if (step.kind === "cut") cuts.add(step.to);
      steps.push(step);
    }
  }
  if (!steps.some((s) => s.kind === "zeek") || !steps.some((s) => s.kind === "compare")) return null;
  // Only @load lines and redefs of settings bronze has, besides comments: a script of its own would need a TypeScript twin.
  const loads: string[] = [];
  const signatures: string[] = [];
  const settings: string[] = [];
  const script = joinedRedefs(withoutInertHandlers(whole.filter((l) => !/^\s*#/.test(l))));
  const calls: string[] = [];
  for (let i = 0; i < script.length; i++) {
    const l = script[i]!.trim();
    if (l === "") continue;
    const load = /^@load\s+(\S+)$/.exec(l);
    const sigs = /^@load-sigs\s+(\S+)$/.exec(l);
    if (load !== null) loads.push(load[1]!);
    else if (sigs !== null) signatures.push(sigs[1]!);
    else if (/^event\s+zeek_init\s*\(/.test(l)) {
      const init = parseZeekInit(script, i);
      if (init === null) return null;
      calls.push(...init.calls);
      i = init.next - 1;
    } else if (!isKnownRedef(l)) return null;
    else if (!Object.hasOwn(INERT_REDEFS, /^redef\s+([\w:]+)/.exec(l)![1]!)) settings.push(l.replace(/^redef\s+/, "").replace(/;$/, ""));
  }
  return { name, loads, ...(signatures.length > 0 ? { signatures } : {}), settings, ...(calls.length > 0 ? { calls } : {}), steps, files };
}
