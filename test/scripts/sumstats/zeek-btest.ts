/**
 * What the SumStats and probabilistic btest twins read from Zeek's source
 * (see zeekSource): a baseline's lines; and the btests' seed (their
 * random.seed, as the session tests keep it), whose key makes bronze's
 * hashes Zeek's. Absent source: the test is skipped,
 * saying so (an error under CI).
 */
import type { TestContext } from "node:test";
import { oracleMissing } from "../../helpers/corpus.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { zeekSource } from "../../signatures/btest-harness.js";

export interface ZeekBtestOracle {
  /** The lines of testing/btest/Baseline/TEST/FILE, without btest's header line. */
  baseline(test: string, file: string): string[];
  /** The numbers of testing/btest/random.seed (ZEEK_SEED_FILE in Zeek's btest.cfg). */
  readonly seed: readonly number[];
}

export function zeekBtestOracle(t: TestContext, what: string): ZeekBtestOracle | null {
  const zeek = zeekSource();
  if (zeek === null) {
    oracleMissing(t, `Zeek's source (BRONZE_ZEEK_SOURCE) is missing: ${what} not compared with Zeek's baselines`);
    return null;
  }
  return {
    seed: ZEEK_SEED,
    baseline(test, file) {
      const lines = zeek.read(`testing/btest/Baseline/${test}/${file}`).split("\n");
      if (lines[0]?.startsWith("### BTest baseline")) lines.shift();
      if (lines.at(-1) === "") lines.pop();
      return lines;
    },
  };
}
