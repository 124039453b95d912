/**
 * The event conformance scorer, for people: runs the corpus/zeek-events cases
 * and prints the per-event table (Zeek lines, bronze lines, matched).
 *
 *   node dist/test/conformance/events-score.js [options]
 *   node --import tsx test/conformance/events-score.ts [options]
 *
 *   --only TEXT     only cases whose name contains TEXT (repeatable)
 *   --diff          print the unmatched lines of each case run (with --only)
 *   --max N         at most N unmatched lines per side and case (default 40)
 *   --cases         one line per case: score, lines, time
 *   --update        rewrite known-failures/events.txt from this run (all cases only)
 */
import { writeFileSync } from "node:fs";
import {
  type CaseResult,
  formatKnownFailures,
  formatTable,
  knownFailuresPath,
  loadBronze,
  loadCases,
  readKnownFailures,
  regressed,
  runCase,
  seedPath,
} from "./events-harness.js";

interface Args {
  only: string[];
  diff: boolean;
  max: number;
  cases: boolean;
  update: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { only: [], diff: false, max: 40, cases: false, update: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--only") args.only.push(argv[++i] ?? "");
    else if (a === "--diff") args.diff = true;
    else if (a === "--max") args.max = Number(argv[++i]);
    else if (a === "--cases") args.cases = true;
    else if (a === "--update") args.update = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

function printDiff(r: CaseResult, max: number): void {
  console.log(`== ${r.name}: ${r.tally.matched}/${Math.max(r.tally.zeek, r.tally.bronze)}${r.error ? `\n   threw: ${r.error}` : ""}`);
  for (const [label, lines] of [
    ["zeek only", r.onlyZeek ?? []],
    ["bronze only", r.onlyBronze ?? []],
  ] as const) {
    if (lines.length === 0) continue;
    console.log(`-- ${label} (${lines.length})`);
    for (const l of [...lines].sort().slice(0, max)) console.log(`   ${l}`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const bronze = await loadBronze();
  const seed = bronze.readSeedFile(seedPath());
  const known = readKnownFailures();
  const cases = loadCases().filter((c) => args.only.length === 0 || args.only.some((o) => c.name.includes(o)));
  const started = performance.now();
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = await runCase(bronze, c, seed, args.diff);
    results.push(r);
    if (args.cases) {
      const max = Math.max(r.tally.zeek, r.tally.bronze);
      console.log(
        `${r.score === 1 ? "ok  " : "FAIL"} ${r.name}  ${r.tally.matched}/${max}  ${r.ms.toFixed(0)} ms${r.error ? `  threw: ${r.error.split("\n")[0]}` : ""}`,
      );
    }
    if (args.diff && r.score < 1) printDiff(r, args.max);
  }
  console.log(formatTable(results));
  console.log(`time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const worse = results.filter((r) => regressed(r, known));
  if (worse.length > 0) {
    const shown = worse
      .slice(0, 20)
      .map((r) => r.name)
      .join(", ");
    console.log(`worse than known-failures (${worse.length}): ${shown}${worse.length > 20 ? ", …" : ""}`);
  }
  if (args.update) {
    if (args.only.length > 0) throw new Error("--update needs a run over all cases");
    writeFileSync(knownFailuresPath(), formatKnownFailures(results));
    console.log(`wrote ${knownFailuresPath()}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
