/**
 * SSH against Zeek on the corpus, through the app-layer harness
 * (applogs-harness.ts): ssh.log and the ssh_* app events on every trace
 * where Zeek wrote any. Rows count as equal on all columns (uid included); a
 * row bronze writes that Zeek did not counts against the score. Prints the
 * scores; floors 95 % each (applogs.test.ts holds the exact counts).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { loadAppCorpus, runAllApp, type Tally, totals } from "./applogs-harness.js";

/** Traces (paths under the corpus folder) with a file `name` or `name.gz` whose text passes `keep`. */
function tracesWith(dir: string, name: string, keep: (text: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry === name || entry === `${name}.gz`) {
        const raw = readFileSync(p);
        if (keep(entry.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8"))) out.push(relative(dir, d));
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Matched over Zeek's rows plus bronze's extra ones. */
const score = (t: Tally): number => t.matched / Math.max(1, t.zeek + t.bronze - t.matched);
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

test("SSH vs Zeek on the corpus: ssh.log rows and the ssh_* app events", async (t) => {
  if (loadAppCorpus() === null) {
    oracleMissing(t, `app-log corpus not found under ${corpusRoot()}`);
    return;
  }
  const root = corpusRoot();
  const traces = [
    ...tracesWith(join(root, "zeek-applogs"), "ssh.log", () => true),
    ...tracesWith(join(root, "zeek-appevents"), "app-events.log", (text) => /\tssh_/.test(text)),
  ];
  const results = await runAllApp(undefined, [...new Set(traces)]);
  const log = totals(results, (r) => r.logs).get("ssh") ?? { zeek: 0, bronze: 0, matched: 0, matchedNoUid: 0 };
  const events: Tally = { zeek: 0, bronze: 0, matched: 0, matchedNoUid: 0 };
  for (const [name, tally] of totals(results, (r) => r.events)) {
    if (!name.startsWith("ssh_")) continue;
    events.zeek += tally.zeek;
    events.bronze += tally.bronze;
    events.matched += tally.matched;
  }
  t.diagnostic(`ssh.log: ${log.matched}/${log.zeek} rows identical, ${log.bronze - log.matched} extra: ${pct(score(log))} over ${results.length} traces`);
  t.diagnostic(`ssh_* app events: ${events.matched}/${events.zeek} lines, ${events.bronze - events.matched} extra: ${pct(score(events))}`);
  assert.ok(log.zeek >= 40 && events.zeek >= 100, `too little corpus: ${log.zeek} rows, ${events.zeek} event lines`);
  assert.ok(score(log) >= 0.95, `ssh.log score ${pct(score(log))} < 95 %`);
  assert.ok(score(events) >= 0.95, `ssh_* app-event score ${pct(score(events))} < 95 %`);
});
