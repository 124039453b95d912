/**
 * conn.log conformance against Zeek's corpus: every case is run in-process and
 * compared with Zeek's conn.log (see conn-harness.ts). The test fails when a
 * case fails that known-failures/conn.txt does not list, when a listed case
 * falls below its floor (rows identical; an exception scores none), and when
 * a listed case passes or beats its floor (so the list only ever improves).
 * `npm run conformance` prints the scores.
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { silentResponderIntact } from "../../src/analyzer/tcp/tcp-conn.js";
import { oracleMissing } from "../helpers/corpus.js";
import { gateProblems } from "../helpers/gates.js";
import { caseScore, checkKnownFailures, corpusRoot, KNOWN_FAILURES_FILE, parseKnownFailures, repoRoot, runAll, scoreTable } from "./conn-harness.js";

test("conn.log equals Zeek's on the corpus, but for the known failures", async (t) => {
  const root = corpusRoot();
  if (!existsSync(join(root, "zeek", "manifest.json"))) return oracleMissing(t, `corpus not found at ${root}`);
  const results = await runAll();
  // Every unanswered connection of the corpus shared one responder endpoint: nothing may have been written to it.
  assert.ok(silentResponderIntact(), "the shared silent responder was written to");
  for (const line of scoreTable(results).trimEnd().split("\n")) t.diagnostic(line);
  const listFile = join(repoRoot(), KNOWN_FAILURES_FILE);
  const known = parseKnownFailures(existsSync(listFile) ? readFileSync(listFile, "utf8") : "");
  const { newFailures, belowFloor, nowPassing, aboveFloor } = checkKnownFailures(results, known);
  const problems = [
    ...newFailures.map((r) => `new failure ${r.name}: ${r.firstDiff}`),
    ...belowFloor.map(
      ({ result: r, floor }) =>
        `${r.name} below its floor: ${caseScore(r).rows}/${caseScore(r).of} rows identical, floor ${floor.rows}/${floor.of} (${r.firstDiff})`,
    ),
    ...nowPassing.map((n) => `${n} passes now: remove it from ${KNOWN_FAILURES_FILE}`),
    ...aboveFloor.map(
      ({ result: r, floor }) =>
        `${r.name} beats its floor: ${caseScore(r).rows}/${caseScore(r).of} > ${floor.rows}/${floor.of}: raise it in ${KNOWN_FAILURES_FILE}`,
    ),
  ];
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} conformance changes (npm run conformance -- --update-known-failures rewrites the list)`);

  // weird.log rows of the engine's own layers (link, IP, fragments, tunnels,
  // transport headers) equal Zeek's; application analyzers' weirds are not ours yet.
  const weird = results.flatMap((r) => (r.weird ? [r.weird] : []));
  const expected = weird.reduce((n, w) => n + w.engineExpected, 0);
  const matched = weird.reduce((n, w) => n + w.engineMatched, 0);
  const extra = weird.reduce((n, w) => n + w.engineExtra, 0);
  t.diagnostic(`engine-layer weird.log rows: ${matched} of ${expected} matched, ${extra} only bronze's`);
  assert.deepEqual(
    gateProblems({
      "conn: engine-layer weird.log rows matched": matched,
      "conn: engine-layer weird.log rows only bronze wrote": extra,
    }),
    [],
    `engine-layer weird rows: ${matched} of ${expected}, ${extra} extra`,
  );
});
