/**
 * Prints each comparison of Zeek's QUIC btests on bronze (quic-btests.ts):
 *
 *   BRONZE_ZEEK_SOURCE=… node dist/test/conformance/quic-btests-score.js [NAME-SUBSTRING]
 */
import { zeekSource } from "../signatures/btest-harness.js";
import { quicBtests, runQuicBtest } from "./quic-btests.js";

const zeek = zeekSource();
if (zeek === null) throw new Error("Zeek's source not found: set BRONZE_ZEEK_SOURCE");
const only = process.argv[2];
let same = 0;
let all = 0;
for (const t of quicBtests(zeek)) {
  if (only !== undefined && !t.name.includes(only)) continue;
  for (const r of await runQuicBtest(zeek, t)) {
    all++;
    if (r.same) same++;
    process.stdout.write(`${r.same ? "same   " : "differs"} ${r.test} ${r.file}${r.same ? "" : `  ${r.diff.slice(0, 300)}`}\n`);
  }
}
process.stdout.write(`${same} of ${all} identical\n`);
