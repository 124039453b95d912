/**
 * What a green run guards: oracle-backed tests find the corpus from the
 * repository root whatever the working directory, skip visibly without it, and
 * fail instead of skipping under CI=true. Runs one cheap oracle-backed test
 * file (the uid seed check) in a child process from another folder.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";
import { corpusRoot, oracleMissing, repoRoot } from "../helpers/corpus.js";

const uidTest = join(repoRoot(), "dist", "test", "session", "uid.test.js");

/** Runs one compiled test file with node's runner from `cwd`; returns its exit status and the runner's pass/skip/fail counts. */
function runTestFile(file: string, cwd: string, env: Record<string, string | undefined>) {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  delete merged.NODE_TEST_CONTEXT; // set for children of a test run: the child would report to us in the runner's own protocol
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", file], { cwd, env: merged, encoding: "utf8", timeout: 60_000 });
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(r.stdout)?.[1] ?? NaN);
  return { status: r.status, pass: count("pass"), skipped: count("skipped"), fail: count("fail"), out: r.stdout };
}

test("an oracle-backed test finds the corpus from another working directory (no skip)", (t) => {
  if (!existsSync(join(corpusRoot(), "zeek", "random.seed"))) return oracleMissing(t, `corpus not found at ${corpusRoot()}`);
  const r = runTestFile(uidTest, tmpdir(), { CI: undefined, BRONZE_CORPUS: undefined });
  assert.equal(r.status, 0, r.out);
  assert.equal(r.skipped, 0, `a test skipped when run from ${tmpdir()}:\n${r.out}`);
});

test("without the corpus an oracle test skips with its reason; under CI=true it fails", () => {
  const missing = join(tmpdir(), "bronze-no-corpus-here");
  const dev = runTestFile(uidTest, repoRoot(), { CI: undefined, BRONZE_CORPUS: missing });
  assert.equal(dev.status, 0, dev.out);
  assert.equal(dev.skipped, 1, dev.out);
  assert.match(dev.out, /# SKIP corpus not found at .*bronze-no-corpus-here/);
  const ci = runTestFile(uidTest, repoRoot(), { CI: "true", BRONZE_CORPUS: missing });
  assert.notEqual(ci.status, 0, `CI=true with the corpus hidden passed:\n${ci.out}`);
  assert.equal(ci.skipped, 0, ci.out);
  assert.equal(ci.fail, 1, ci.out);
  assert.match(ci.out, /CI=true: an oracle-backed test may not skip/);
});

test("tests resolve the corpus and skip for a missing oracle only through test/helpers/corpus.ts", () => {
  const testDir = join(repoRoot(), "test");
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts") && !path.endsWith(join("helpers", "corpus.ts"))) {
        readFileSync(path, "utf8")
          .split("\n")
          .forEach((line, i) => {
            const where = `${relative(testDir, path)}:${i + 1}`;
            if (/["'`]\.\.\/shared\/corpus/.test(line)) offenders.push(`${where}: resolves the corpus itself`);
            if (/\bt\.skip\(.*(corpus|tcpdump|tcpflow|not built)/.test(line)) offenders.push(`${where}: skips for a missing oracle without oracleMissing`);
          });
      }
    }
  };
  walk(testDir);
  assert.deepEqual(offenders, []);
});
