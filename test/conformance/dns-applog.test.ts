/**
 * DNS against Zeek on the corpus, through the app-layer harness
 * (applogs-harness.ts): dns.log, the dns_* app events and the conn.log rows
 * Zeek names `dns`, on every trace for which Zeek wrote a dns.log or raised
 * a DNS event. A row bronze writes that Zeek did not counts against the
 * score. Prints the scores; the bar is 97 % (applogs.test.ts holds
 * the exact counts as floors).
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { loadAppCorpus, runAllApp, serviceTotals, type Tally, totals } from "./applogs-harness.js";

/** The bar. */
const REQUIRED = 0.97;

function readMaybeGz(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8");
  if (existsSync(`${path}.gz`)) return gunzipSync(readFileSync(`${path}.gz`)).toString("utf8");
  return "";
}

/** Matched over Zeek's rows plus bronze's extra ones. */
const score = (t: Tally): number => t.matched / Math.max(1, t.zeek + t.bronze - t.matched);
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

test("DNS vs Zeek on the corpus: dns.log rows, the dns_* app events, service dns (>= 97 %)", async (t) => {
  if (loadAppCorpus() === null) {
    oracleMissing(t, `app-log corpus not found under ${corpusRoot()}`);
    return;
  }
  const root = corpusRoot();
  const logIndex = JSON.parse(readFileSync(join(root, "zeek-applogs", "index.json"), "utf8")) as Record<string, string[]>;
  const eventIndex = JSON.parse(readFileSync(join(root, "zeek-appevents", "index.json"), "utf8")) as Record<string, number>;
  const traces = new Set(Object.keys(logIndex).filter((k) => logIndex[k]!.includes("dns")));
  for (const trace of Object.keys(eventIndex)) {
    if (readMaybeGz(join(root, "zeek-appevents", trace, "app-events.log")).includes("\tdns_")) traces.add(trace);
  }
  const results = await runAllApp(undefined, [...traces]);
  const log = totals(results, (r) => r.logs).get("dns") ?? { zeek: 0, bronze: 0, matched: 0, matchedNoUid: 0 };
  const events = [...totals(results, (r) => r.events)]
    .filter(([name]) => name.startsWith("dns_"))
    .reduce<Tally>(
      (sum, [, t]) => ({
        zeek: sum.zeek + t.zeek,
        bronze: sum.bronze + t.bronze,
        matched: sum.matched + t.matched,
        matchedNoUid: sum.matchedNoUid + t.matchedNoUid,
      }),
      { zeek: 0, bronze: 0, matched: 0, matchedNoUid: 0 },
    );
  const service = serviceTotals(results).get("dns") ?? { zeek: 0, same: 0 };
  t.diagnostic(
    `dns.log: ${log.matched}/${log.zeek} rows identical (${log.matchedNoUid} uid apart), ${log.bronze - log.matched} extra: ${pct(score(log))} over ${results.length} traces`,
  );
  t.diagnostic(`dns_* app events: ${events.matched}/${events.zeek} lines, ${events.bronze - events.matched} extra: ${pct(score(events))}`);
  t.diagnostic(`conn.log rows Zeek names dns: ${service.same}/${service.zeek} identical`);
  assert.ok(log.zeek >= 300 && events.zeek >= 2000, `too little corpus: ${log.zeek} rows, ${events.zeek} event lines`);
  assert.ok(score(log) >= REQUIRED, `dns.log score ${pct(score(log))}`);
  assert.ok(score(events) >= REQUIRED, `dns_* app-event score ${pct(score(events))}`);
  assert.ok(service.zeek > 0 && service.same / service.zeek >= REQUIRED, `service dns ${service.same}/${service.zeek}`);
});
