/**
 * Runs Zeek's signature btests (testing/btest/signatures/*.zeek, vendored
 * with their baselines in zeek-btests/ from Zeek's repository) on bronze:
 * each `@TEST-EXEC: zeek [-b] [-C] [-s NAME] -r $TRACES/… %INPUT >out` line
 * becomes an engine run on the corpus trace with the btest's signature files
 * (`-s` and `@load-sigs`), and a TypeScript policy that prints what the
 * btest's Zeek script prints. The printed lines are compared with the
 * baseline file the line redirects to.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { SignatureError } from "../../src/signatures/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, repoRoot } from "../helpers/corpus.js";

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
  /** The baseline file the output goes to (".stdout" when not redirected). */
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
  /** Script lines that redefine dpd_buffer_size and the like, as engine settings. */
  readonly settings: Readonly<Record<string, number>>;
}

export const BTEST_DIR = join(repoRoot(), "test", "signatures", "zeek-btests");

/** A policy that prints, as the btest's script does, into `out`. */
export type Printer = (engine: Engine, out: string[]) => void;

export function loadBtest(name: string): Btest {
  const text = readFileSync(join(BTEST_DIR, `${name}.zeek`), "latin1");
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
  const runs = script.map(parseExec).filter((r): r is BtestRun => r !== null);
  const loadSigs = script.flatMap((l) => /^@load-sigs\s+(\S+)/.exec(l)?.[1]?.replace(/^\.\//, "") ?? []);
  const settings: Record<string, number> = {};
  for (const l of script) {
    const m = /^redef\s+(\w+)\s*=\s*(\d+)\s*\*\s*(\d+)\s*;/.exec(l);
    if (m !== null) settings[m[1]!] = Number(m[2]) * Number(m[3]);
  }
  return { name, runs, files, loadSigs, settings };
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
export function baseline(test: Btest, output: string): string[] {
  const text = readFileSync(join(BTEST_DIR, "Baseline", test.name, output), "latin1");
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

/** Runs one command line; the printed lines (with a refused signature file: Zeek's "error: …" line). */
export async function runBtest(test: Btest, run: BtestRun, printer: Printer): Promise<string[]> {
  const engine = new Engine({ bare: run.bare, settings: { ignore_checksums: run.ignoreChecksums, ...test.settings } });
  const out: string[] = [];
  try {
    const sources = [...run.signatureArgs.map((s) => signatureFile(test, s)), ...test.loadSigs.map((s) => signatureFile(test, s))];
    engine.loadSignatures(...sources);
  } catch (err) {
    if (err instanceof SignatureError) return [`error: ${err.message}`];
    throw err;
  }
  loadBuiltinScripts(engine, { memory: true, bare: run.bare, stderr: null });
  printer(engine, out);
  await engine.run(await openTrace(tracePath(run)));
  return run.sorted ? out.sort() : out;
}
