/**
 * Prints how many logs of Zeek's base- and policy-script btests bronze writes as Zeek
 * does (see btest-applogs-harness.ts), and each one it does not.
 *
 *   node dist/test/conformance/btest-applogs-score.js [--update-known-failures]
 *
 * --update-known-failures rewrites known-failures/btest-applogs.txt with the
 * logs that differ now, keeping the reasons written for those still listed.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../helpers/corpus.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { KNOWN_FAILURES_FILE, type LogResult, parseKnownFailures, resultKey, runAllAppBtests } from "./btest-applogs-harness.js";

const HEADER = [
  "# Logs of Zeek's base- and policy-script btests (btest-applogs.test.ts) that bronze does not write as Zeek's baseline,",
  "# one `test log  # why` per line. The test fails on a failure not listed and on a listed log that now matches.",
  "# Regenerate with: node dist/test/conformance/btest-applogs-score.js --update-known-failures (then write the whys).",
];

function knownFailuresText(failing: readonly LogResult[], known: Map<string, string>): string {
  const lines = failing.map((r) => `${resultKey(r)}  # ${known.get(resultKey(r)) || `${r.outcome}: ${r.firstDiff.slice(0, 120)}`}`);
  return `${[...HEADER, ...lines].join("\n")}\n`;
}

async function main(): Promise<void> {
  const zeek = zeekSource();
  if (zeek === null) throw new Error("Zeek's source not found: set BRONZE_ZEEK_SOURCE to a checkout or bare repository of zeek/zeek");
  const results = await runAllAppBtests(zeek);
  const failing = results.filter((r) => r.outcome !== "same");
  for (const r of failing) process.stdout.write(`${r.outcome.padEnd(8)} ${resultKey(r)}  ${r.firstDiff.slice(0, 160)}\n`);
  const tests = new Set(results.map((r) => r.test)).size;
  process.stdout.write(`${results.length - failing.length} of ${results.length} logs identical (${tests} btests, Zeek's source at ${zeek.where})\n`);
  if (process.argv.includes("--update-known-failures")) {
    const file = join(repoRoot(), KNOWN_FAILURES_FILE);
    writeFileSync(file, knownFailuresText(failing, parseKnownFailures(existsSync(file) ? readFileSync(file, "utf8") : "")));
    process.stdout.write(`wrote ${KNOWN_FAILURES_FILE}\n`);
  }
}

await main();
