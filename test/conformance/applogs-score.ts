/**
 * The application-layer scorer, for people: runs the corpus and prints the
 * tables (logs, events, services).
 *
 *   node dist/test/conformance/applogs-score.js [--only TEXT]… [--diff] [--order [LOG]] [--update [--lower]]
 *
 *   --only TEXT   only traces whose path contains TEXT (repeatable)
 *   --diff        print unmatched rows/lines per trace (Zeek's "-", bronze's "+")
 *   --order [LOG] print the (trace, log) pairs whose rows are Zeek's but in another
 *                 order (only LOG's when given), with the first row where they differ
 *   --update      raise the floors of known-failures/applogs.txt to today's counts (all traces only)
 *   --lower       with --update: allow a floor to go down
 */

import { currentCounts, readFloors, writeFloors } from "./applogs-floors.js";
import { formatAppTables, runAllApp } from "./applogs-harness.js";

const argv = process.argv.slice(2);
const only: string[] = [];
let diff = false;
let update = false;
let lower = false;
let order: string | null = null;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--only") only.push(argv[++i] ?? "");
  else if (a === "--diff") diff = true;
  else if (a === "--update") update = true;
  else if (a === "--lower") lower = true;
  else if (a === "--order") order = argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--") ? argv[++i]! : "";
  else throw new Error(`unknown argument ${a}`);
}
const results = await runAllApp(
  (r) => {
    if (order !== null)
      for (const [name, d] of r.orderDiffs) {
        if (order !== "" && name !== order) continue;
        process.stdout.write(`== order ${r.name} ${name}: row ${d.index + 1} of ${d.rows}\n  zeek:   ${d.zeek}\n  bronze: ${d.bronze}\n`);
      }
    if (!diff || r.diffs === undefined) return;
    for (const [name, d] of r.diffs) {
      process.stdout.write(`== ${r.name} ${name}\n`);
      for (const z of d.onlyZeek.slice(0, 30)) process.stdout.write(`- ${z}\n`);
      for (const b of d.onlyBronze.slice(0, 30)) process.stdout.write(`+ ${b}\n`);
    }
  },
  only,
  diff,
);
process.stdout.write(formatAppTables(results));
if (update) {
  if (only.length > 0) throw new Error("--update needs a run over every trace (no --only)");
  const lowered = writeFloors(readFloors(), currentCounts(results), lower);
  if (lowered.length > 0) {
    process.stderr.write(`refusing to lower floors (pass --lower):\n${lowered.map((l) => `  ${l}\n`).join("")}`);
    process.exitCode = 1;
  } else process.stdout.write("floors updated\n");
}
