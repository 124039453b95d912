/**
 * The command line's V8 settings (src/cli/v8-flags.ts) take effect: with
 * them no function is optimised for being small (V8's early optimisation
 * of small functions is off, on V8 11 where the flag exists) and
 * allocation sites are weighed for pretenuring only before the settings
 * are made (start-up); with BRONZE_V8_DEFAULTS V8 does both as usual.
 * Checked through V8's own --trace-opt and --trace-pretenuring-statistics
 * logs of a run of the bundled command, whose standard error stays empty
 * (V8 knows every flag set).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { packageInfo } from "../../src/cli/package-root.js";
import { oneShotV8Flags } from "../../src/cli/v8-flags.js";

const root = packageInfo()!.root;
const bundle = join(root, "dist", "bronze.js");
const sample = join(root, "samples", "sample.pcap");

/** The environment without BRONZE_V8_DEFAULTS (the test sets it itself). */
function withoutDefaultsSwitch(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { BRONZE_V8_DEFAULTS: _set, ...rest } = env;
  return rest;
}

/** What V8 logged of one run of `bronze -r sample.pcap`: optimisation reasons, counted, and allocation-site pretenuring decisions. */
function v8Log(env: Record<string, string>): { reasons: Map<string, number>; pretenuringDecisions: number } {
  const dir = mkdtempSync(join(tmpdir(), "bronze-v8-"));
  try {
    const run = spawnSync(process.execPath, ["--trace-opt", "--trace-pretenuring-statistics", bundle, "-r", sample, "--logdir", dir], {
      env: { ...withoutDefaultsSwitch(process.env), ...env },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "", "V8 knows every flag the run sets (an unknown one is reported on standard error)");
    const reasons = new Map<string, number>();
    for (const m of run.stdout.matchAll(/marking .* for optimization .*reason: ([a-z ]+)/g)) reasons.set(m[1]!, (reasons.get(m[1]!) ?? 0) + 1);
    const pretenuringDecisions = [...run.stdout.matchAll(/pretenuring: AllocationSite\(/g)].length;
    return { reasons, pretenuringDecisions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the command line turns V8's early optimisation of small functions and its pretenuring off; BRONZE_V8_DEFAULTS keeps them", () => {
  assert.ok(existsSync(bundle), "npm run build makes dist/bronze.js");
  const tuned = v8Log({});
  assert.ok((tuned.reasons.get("hot and stable") ?? 0) > 0, "the run optimises some functions (the log is read)");
  const defaults = v8Log({ BRONZE_V8_DEFAULTS: "1" });
  if (oneShotV8Flags().includes("--max-bytecode-size-for-early-opt=0")) {
    assert.equal(tuned.reasons.get("small function") ?? 0, 0);
    assert.ok((defaults.reasons.get("small function") ?? 0) > 0, "V8's defaults optimise small functions early");
  }
  // Scavenges during start-up, before the flags are set, may weigh a site or two; with V8's defaults the run's scavenges weigh more.
  assert.ok(
    tuned.pretenuringDecisions < defaults.pretenuringDecisions,
    `pretenuring decisions: ${tuned.pretenuringDecisions} with the settings, ${defaults.pretenuringDecisions} with V8's defaults`,
  );
});

test("each V8 gets only the flags it has: all four on V8 11 (Node 20), two on V8 12 to 14 (Node 22 to 26), none on a V8 not checked", () => {
  assert.equal(oneShotV8Flags("11.3.244.8-node.38").length, 4);
  for (const v8 of ["12.4.254.21-node.57", "13.6.233.17-node.63", "14.6.202.34-node.40"]) {
    assert.deepEqual(oneShotV8Flags(v8), ["--max-inlined-bytecode-size-cumulative=460", "--no-allocation-site-pretenuring"], v8);
  }
  assert.deepEqual(oneShotV8Flags("15.0.1"), []);
  assert.deepEqual(oneShotV8Flags("10.2.154"), []);
});
