/**
 * dns.log and the DNS events against Zeek's corpus: every trace for which
 * Zeek wrote a dns.log (../shared/corpus/zeek-applogs) or raised a DNS event
 * (zeek-appevents) is run in-process with the default scripts and
 * misc/app-event-trace, and compared row by row (uid apart: it depends on
 * every connection of the trace, not on DNS) and line by line. Rows Zeek did
 * not write count against the score as much as rows bronze missed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { Engine } from "../../src/engine.js";
import { MemorySink } from "../../src/log/sink.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import appEventTrace from "../../src/scripts/misc/app-event-trace.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, corpusSeed, parseLog } from "./conn-harness.js";

/** The share of rows and lines that must match (the bar). */
const REQUIRED = 0.97;

function readMaybeGz(path: string): string | null {
  if (existsSync(path)) return readFileSync(path, "utf8");
  if (existsSync(`${path}.gz`)) return gunzipSync(readFileSync(`${path}.gz`)).toString("utf8");
  return null;
}

/** How many items of `expected` and `actual` pair up, as multisets. */
function matched(expected: readonly string[], actual: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const e of expected) counts.set(e, (counts.get(e) ?? 0) + 1);
  let n = 0;
  for (const a of actual) {
    const k = counts.get(a) ?? 0;
    if (k > 0) {
      n++;
      counts.set(a, k - 1);
    }
  }
  return n;
}

const isDnsEvent = (line: string): boolean => {
  const event = line.split("\t")[1] ?? "";
  return event.startsWith("dns_") || (event.startsWith("analyzer_") && line.includes("analyzer=DNS"));
};

test("dns.log and the DNS events equal Zeek's on the corpus (>= 97 %)", async (t) => {
  const root = corpusRoot();
  const applogs = join(root, "zeek-applogs");
  const appevents = join(root, "zeek-appevents");
  if (!existsSync(join(applogs, "index.json")) || !existsSync(join(appevents, "index.json"))) {
    t.skip(`app-layer corpus not found under ${root}`);
    return;
  }
  const logIndex = JSON.parse(readFileSync(join(applogs, "index.json"), "utf8")) as Record<string, string[]>;
  const eventIndex = JSON.parse(readFileSync(join(appevents, "index.json"), "utf8")) as Record<string, number>;
  const traces = new Set(Object.keys(logIndex).filter((k) => logIndex[k]!.includes("dns")));
  for (const trace of Object.keys(eventIndex)) {
    if ((readMaybeGz(join(appevents, trace, "app-events.log")) ?? "").includes("\tdns_")) traces.add(trace);
  }
  const seed = corpusSeed(root);
  let rows = 0, rowsOk = 0, uidOk = 0, lines = 0, linesOk = 0;
  const worst: string[] = [];
  for (const trace of [...traces].sort()) {
    const path = join(root, "zeek", "traces", trace);
    if (!existsSync(path)) continue;
    const engine = new Engine({ ignoreChecksums: true, seed });
    const scripts = loadBuiltinScripts(engine, { memory: true });
    const sink = new MemorySink();
    appEventTrace(engine, { sink });
    await engine.run(await openTrace(path));
    scripts.close();

    const expected = parseLog(readMaybeGz(join(applogs, trace, "dns.log")) ?? "");
    const actual = parseLog(scripts.logs.text("dns"));
    if (expected.rows.length > 0 && actual.rows.length > 0) assert.deepEqual(actual.columns, expected.columns, `${trace}: dns.log columns`);
    const uidAt = expected.columns.indexOf("uid");
    const content = (r: string[]) => r.filter((_, i) => i !== uidAt).join("\t");
    const n = Math.max(expected.rows.length, actual.rows.length);
    const ok = matched(expected.rows.map(content), actual.rows.map(content));
    rows += n;
    rowsOk += ok;
    uidOk += matched(expected.rows.map((r) => r.join("\t")), actual.rows.map((r) => r.join("\t")));

    const wantLines = (readMaybeGz(join(appevents, trace, "app-events.log")) ?? "").split("\n").filter(isDnsEvent);
    const gotLines = sink.text().split("\n").filter(isDnsEvent);
    const m = Math.max(wantLines.length, gotLines.length);
    const lok = matched(wantLines, gotLines);
    lines += m;
    linesOk += lok;
    if (ok < n || lok < m) worst.push(`${trace}: dns.log ${ok}/${n}, events ${lok}/${m}`);
  }
  t.diagnostic(`dns.log rows identical (uid apart): ${rowsOk} of ${rows}; with uid: ${uidOk}`);
  t.diagnostic(`DNS event lines identical: ${linesOk} of ${lines}`);
  for (const w of worst.slice(0, 20)) t.diagnostic(w);
  assert.ok(rows > 0 && rowsOk / rows >= REQUIRED, `dns.log rows ${rowsOk}/${rows}`);
  assert.ok(lines > 0 && linesOk / lines >= REQUIRED, `DNS event lines ${linesOk}/${lines}`);
});
