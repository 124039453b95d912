/**
 * Where the oracle data lives, and what a test does when an oracle is missing.
 *
 * Paths are resolved from the repository root, never from the working
 * directory, so `node --test dist/test/…` run from any folder finds the same
 * corpus. A test backed by an oracle (the Zeek corpus, tcpdump, tcpflow, the
 * built CLI) skips with a visible reason on a developer's machine that lacks
 * it, but under CI (`CI=true`) a missing oracle is a failure: a green CI run
 * must mean the oracles were actually consulted.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest folder above this file whose package.json names bronze (works from test/ and dist/test/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "bronze") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the bronze repository root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The corpus directory: $BRONZE_CORPUS (relative paths from the repository root) or ../shared/corpus beside the repository. */
export function corpusRoot(): string {
  return resolve(repoRoot(), process.env.BRONZE_CORPUS ?? "../shared/corpus");
}

/**
 * The traces Zeek wrote `log` (e.g. "x509.log") for: their paths under
 * zeek/traces, as corpus/zeek-applogs names its folders, in directory order
 * (a folder holding logs is a trace's; any other is searched on).
 */
export function tracesWithAppLog(log: string, root = corpusRoot()): string[] {
  const applogs = join(root, "zeek-applogs");
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(applogs, rel), { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = join(rel, e.name);
      if (existsSync(join(applogs, p, log))) out.push(p);
      else walk(p);
    }
  };
  walk("");
  return out;
}

/** Whether this run is a CI run (the convention CI services follow: CI=true). */
export function inCi(): boolean {
  const v = process.env.CI;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** The message a missing oracle gives under CI. */
function ciFailure(reason: string): string {
  return `${reason} — CI=true: an oracle-backed test may not skip (install the oracle or provide the corpus; see .ci/run)`;
}

/**
 * Skips the running test because an oracle is missing; under CI fails it
 * instead. Use as `if (!existsSync(x)) return oracleMissing(t, "…")`.
 */
export function oracleMissing(t: TestContext, reason: string): void {
  if (inCi()) throw new Error(ciFailure(reason));
  t.skip(reason);
}

/**
 * For the `{ skip }` option of test() and describe(): the reason when an
 * oracle is missing (false when it is there). Under CI a missing oracle gives
 * false, so the test runs; call requireOracle(reason) first in its body so it
 * fails with the reason rather than on a missing file.
 */
export function skipUnlessOracle(reason: string | false): string | false {
  return inCi() ? false : reason;
}

/** Fails with the reason when an oracle is missing (the body-side half of skipUnlessOracle). */
export function requireOracle(reason: string | false): void {
  if (reason !== false) throw new Error(ciFailure(reason));
}
