/**
 * zeek-cut's btests, replayed against bronze-cut. They live in zeek-aux
 * (testing/zeek-cut, until zeek-cut moved to Zeek: the last commit that has
 * them is used) and in Zeek (testing/btest/tools/zeek-cut). Each TEST-EXEC
 * line runs in bash as btest runs it, with `zeek-cut` on PATH being a
 * wrapper around dist/bronze-cut.js; each btest-diff compares with the
 * baseline through the canonifier the test names.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../helpers/corpus.js";
import { zeekSource } from "../signatures/btest-harness.js";

/** Where one copy of the zeek-cut btests is, and how its btest.cfg runs them. */
export interface CutBtestSource {
  name: string;
  read(path: string): string;
  list(dir: string): string[];
  tests: string;
  logs: string;
  /** The baseline folder of a test ("columns" → …/zeek-cut.columns). */
  baseline(test: string): string;
  /** btest.cfg's TZ. */
  tz: string;
  /** btest.cfg's default canonifier. */
  canonify(text: string): string;
}

const noChange = (s: string): string => s;

/** Zeek's diff-remove-first-timestamp (its btest.cfg default). */
function removeFirstTimestamp(s: string): string {
  return s
    .split("\n")
    .map((l) =>
      l.replace(/(^|[^0-9])([0-9]{9,10}\.[0-9]{1,8})/, "$1XXXXXXXXXX.XXXXXX").replace(/^ *#(open|close).(19|20)..-..-..-..-..-..$/, "#$1 XXXX-XX-XX-XX-XX-XX"),
    )
    .join("\n");
}

/** zeek-aux's and Zeek's diff-time-zone. */
function timeZone(s: string): string {
  return s.replace(/[+-][0-9]{4}/g, "+0000");
}

/** A bare git repository's reader at `rev`. */
function gitReader(dir: string, rev: string): Pick<CutBtestSource, "read" | "list"> {
  const git = (...args: string[]): string => execFileSync("git", ["--git-dir", dir, ...args], { encoding: "latin1", maxBuffer: 64 << 20 });
  return {
    read: (path) => git("show", `${rev}:${path}`),
    list: (sub) =>
      git("ls-tree", "--name-only", `${rev}:${sub}`)
        .split("\n")
        .filter((n) => n !== ""),
  };
}

const AUX_LAYOUT = {
  tests: "testing/zeek-cut",
  logs: "testing/Logs",
  baseline: (t: string) => `testing/Baseline/zeek-cut.${t}`,
  tz: "PST+8",
  canonify: noChange,
};

/** zeek-aux from $BRONZE_ZEEK_AUX_SOURCE (a checkout, or a bare repository whose history has zeek-cut); null when absent. */
export function auxSource(): CutBtestSource | null {
  const dir = process.env.BRONZE_ZEEK_AUX_SOURCE;
  if (dir === undefined || dir === "" || !existsSync(dir)) return null;
  if (existsSync(join(dir, AUX_LAYOUT.tests))) {
    return { name: `zeek-aux (${dir})`, read: (p) => readFileSync(join(dir, p), "latin1"), list: (s) => readdirSync(join(dir, s)), ...AUX_LAYOUT };
  }
  if (!existsSync(join(dir, "HEAD"))) return null;
  try {
    // zeek-cut left zeek-aux for Zeek: the commit that removed its tests is found, and its parent read.
    const last = execFileSync("git", ["--git-dir", dir, "rev-list", "-1", "HEAD", "--", AUX_LAYOUT.tests], { encoding: "latin1" }).trim();
    if (last === "") return null;
    const has = spawnSync("git", ["--git-dir", dir, "cat-file", "-e", `${last}:${AUX_LAYOUT.tests}`]).status === 0;
    const rev = has ? last : `${last}^`;
    return { name: `zeek-aux ${last.slice(0, 12)}${has ? "" : "^"}`, ...gitReader(dir, rev), ...AUX_LAYOUT };
  } catch {
    return null;
  }
}

/** Zeek's copy from $BRONZE_ZEEK_SOURCE (or ../zeek); null when absent or older than zeek-cut's move. */
export function zeekCutSource(): CutBtestSource | null {
  const zeek = zeekSource();
  if (zeek === null) return null;
  const tests = "testing/btest/tools/zeek-cut";
  try {
    if (zeek.list(tests).length === 0) return null;
  } catch {
    return null;
  }
  return {
    name: `zeek (${zeek.where})`,
    read: zeek.read,
    list: zeek.list,
    tests,
    logs: "testing/btest/Files/zeek-cut-logs",
    baseline: (t) => `testing/btest/Baseline/tools.zeek-cut.${t}`,
    tz: "UTC",
    canonify: removeFirstTimestamp,
  };
}

/** One btest-diff's outcome. */
export interface DiffResult {
  test: string;
  file: string;
  identical: boolean;
  lines: number;
  detail: string;
}

/** One TEST-EXEC whose status was not the expected one. */
export interface ExecFailure {
  test: string;
  command: string;
  status: number | null;
  stderr: string;
}

/** A baseline's text without btest's header line. */
function baselineText(src: CutBtestSource, test: string, file: string): string {
  return src
    .read(`${src.baseline(test)}/${file}`)
    .split("\n")
    .filter((l) => !l.startsWith("### BTest baseline"))
    .join("\n");
}

/** The canonifier a btest-diff line names ("TEST_DIFF_CANONIFIER=" for none). */
function canonifierOf(line: string, src: CutBtestSource): (s: string) => string {
  const m = /TEST_DIFF_CANONIFIER=(\S*)/.exec(line);
  if (m === null) return src.canonify;
  return m[1]!.endsWith("diff-time-zone") ? timeZone : noChange;
}

/** Writes the logs and the `zeek-cut` wrapper into `dir`; returns the environment the commands run in. */
function prepare(src: CutBtestSource, dir: string): NodeJS.ProcessEnv {
  const logs = join(dir, "logs");
  mkdirSync(logs, { recursive: true });
  for (const f of src.list(src.logs)) writeFileSync(join(logs, f), Buffer.from(src.read(`${src.logs}/${f}`), "latin1"));
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const wrapper = join(bin, "zeek-cut");
  writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${join(repoRoot(), "dist", "bronze-cut.js")}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    LOGS: logs,
    ZEEK_CUT_LOGS: logs,
    TZ: src.tz,
    LC_ALL: "C",
  };
  delete env.ZEEK_CUT_TIMEFMT;
  delete env.BRO_CUT_TIMEFMT;
  return env;
}

/** Runs one btest in `dir`; its diffs and failed commands are appended. */
function runTest(src: CutBtestSource, test: string, dir: string, env: NodeJS.ProcessEnv, diffs: DiffResult[], failures: ExecFailure[]): void {
  const work = join(dir, test);
  mkdirSync(work, { recursive: true });
  for (const line of src.read(`${src.tests}/${test}.test`).split("\n")) {
    const m = /^# @TEST-EXEC(-FAIL)?:\s*(.*)$/.exec(line);
    if (m === null) continue;
    const command = m[2]!;
    const diff = /btest-diff\s+(\S+)\s*$/.exec(command);
    if (diff !== null) {
      const file = diff[1]!;
      const canon = canonifierOf(command, src);
      const actual = canon(readFileSync(join(work, file), "latin1").replaceAll("bronze-cut", "zeek-cut"));
      const expected = canon(baselineText(src, test, file));
      const identical = actual === expected;
      diffs.push({ test, file, identical, lines: expected.split("\n").length - 1, detail: identical ? "" : `expected:\n${expected}\nactual:\n${actual}` });
      continue;
    }
    const r = spawnSync("bash", ["-c", command], { cwd: work, env, encoding: "latin1" });
    if ((r.status === 0) === (m[1] === "-FAIL")) failures.push({ test, command, status: r.status, stderr: r.stderr });
  }
}

/** Replays every zeek-cut btest of `src` in `dir`. */
export function replayCutBtests(src: CutBtestSource, dir: string): { diffs: DiffResult[]; failures: ExecFailure[]; tests: string[] } {
  const env = prepare(src, dir);
  const tests = src
    .list(src.tests)
    .filter((f) => f.endsWith(".test"))
    .map((f) => f.slice(0, -".test".length))
    .sort();
  const diffs: DiffResult[] = [];
  const failures: ExecFailure[] = [];
  for (const t of tests) runTest(src, t, dir, env, diffs, failures);
  return { diffs, failures, tests };
}
