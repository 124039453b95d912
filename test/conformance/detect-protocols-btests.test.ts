/**
 * Zeek's btests of policy/frameworks/analyzer/detect-protocols that the
 * btest-applogs suite cannot replay: the two regression tests of analyzer
 * violations (an HTTP request to an SSH server, a TLS client hello to an
 * HTTP server), whose script's Notice::policy hook prints and exits at any
 * notice; the test then requires that no notice.log exists. Each is read
 * from Zeek's source (its trace, @loads and btest-diff-cut lines), run
 * through bronze's command line with the btest seed, and its cut logs
 * compared with the baselines; the hook's twin is the check that bronze
 * wrote no notice.log. Skipped with a message without Zeek's source or the
 * corpus' traces. (detect-protocols.zeek itself, only @loads, is replayed
 * by the btest-applogs suite.)
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

const DIR = "testing/btest/scripts/policy/frameworks/analyzer";
const NAMES = ["detect-protocols-violation", "detect-protocols-violation-ssl-to-http"];

interface ViolationBtest {
  readonly trace: string;
  readonly loads: string[];
  readonly cuts: Array<{ log: string; columns: string[] }>;
}

/** The btest's run, cut logs and @loads; it must be the shape described above (else the test fails, not skips). */
function parseViolationBtest(text: string): ViolationBtest {
  const trace = /@TEST-EXEC: zeek -Cr \$\{TRACES\}\/(\S+) %INPUT/.exec(text)?.[1];
  assert.ok(trace !== undefined, "the btest runs zeek -Cr on one trace");
  assert.match(text, /@TEST-EXEC: test ! -f notice\.log/);
  assert.match(text, /hook Notice::policy\(n: Notice::Info\)\s*\{\s*print "unexpected notice generated", n;\s*exit\(1\);\s*\}/);
  const loads = [...text.matchAll(/^@load (\S+)/gm)].map((m) => m[1]!);
  const cuts = [...text.matchAll(/@TEST-EXEC: btest-diff-cut -m (.+) (\S+\.log)$/gm)].map((m) => ({ log: m[2]!, columns: m[1]!.split(" ") }));
  assert.ok(cuts.length > 0);
  return { trace, loads, cuts };
}

for (const name of NAMES) {
  test(`detect-protocols btest ${name}: its logs as Zeek's baselines, no notice`, async (t: TestContext) => {
    const zeek = zeekSource();
    if (zeek === null) return oracleMissing(t, "Zeek's source not found: set BRONZE_ZEEK_SOURCE");
    const b = parseViolationBtest(zeek.read(`${DIR}/${name}.zeek`));
    const trace = join(corpusRoot(), "zeek", "traces", b.trace);
    if (!existsSync(trace)) return oracleMissing(t, `the corpus' trace ${b.trace} is missing`);
    const dir = mkdtempSync(join(tmpdir(), "bronze-detect-protocols-"));
    try {
      const seed = join(corpusRoot(), "zeek", "random.seed");
      const result = await bronze(["-C", "--seed-file", seed, "-r", trace, "--logdir", dir, ...b.loads]);
      assert.equal(result.code, 0, result.err);
      assert.equal(existsSync(join(dir, "notice.log")), false, "no Protocol_Found or Server_Found");
      for (const { log, columns } of b.cuts) {
        const mine = zeekCut(readFileSync(join(dir, log), "latin1"), columns, true);
        const baseline = zeek.read(`testing/btest/Baseline/scripts.policy.frameworks.analyzer.${name}/${log}`);
        assert.equal(canonicalBtestLog(mine), canonicalBtestLog(baseline), log);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
