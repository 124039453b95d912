/**
 * The command line's V8 settings (src/cli/v8-flags.ts) take effect: with
 * them no function is optimised for being small (V8's early optimisation
 * of small functions is off), with BRONZE_V8_DEFAULTS V8 does it as usual.
 * Checked through V8's own --trace-opt log of a run of the bundled command.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { packageInfo } from "../../src/cli/package-root.js";

const root = packageInfo()!.root;
const bundle = join(root, "dist", "bronze.js");
const sample = join(root, "samples", "sample.pcap");

/** The environment without BRONZE_V8_DEFAULTS (the test sets it itself). */
function withoutDefaultsSwitch(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { BRONZE_V8_DEFAULTS: _set, ...rest } = env;
  return rest;
}

/** The optimisation reasons --trace-opt printed for one run of `bronze -r sample.pcap`, counted. */
function optimisationReasons(env: Record<string, string>): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-v8-"));
  try {
    const run = spawnSync(process.execPath, ["--trace-opt", bundle, "-r", sample, "--logdir", dir], {
      env: { ...withoutDefaultsSwitch(process.env), ...env },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    const reasons = new Map<string, number>();
    for (const m of run.stdout.matchAll(/marking .* for optimization .*reason: ([a-z ]+)/g)) reasons.set(m[1]!, (reasons.get(m[1]!) ?? 0) + 1);
    return reasons;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the command line turns V8's early optimisation of small functions off; BRONZE_V8_DEFAULTS keeps it", () => {
  assert.ok(existsSync(bundle), "npm run build makes dist/bronze.js");
  const tuned = optimisationReasons({});
  assert.ok((tuned.get("hot and stable") ?? 0) > 0, "the run optimises some functions (the log is read)");
  assert.equal(tuned.get("small function") ?? 0, 0);
  const defaults = optimisationReasons({ BRONZE_V8_DEFAULTS: "1" });
  assert.ok((defaults.get("small function") ?? 0) > 0, "V8's defaults optimise small functions early");
});
