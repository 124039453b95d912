/**
 * SSH against Zeek on the corpus: ssh.log on every trace Zeek wrote one for
 * (../shared/corpus/zeek-applogs/<trace>/ssh.log), and the SSH lines of
 * misc/app-event-trace (ssh_* events, analyzer=SSH confirmations and
 * violations) on every trace where Zeek's app-events.log has one. Rows
 * count as equal on all columns (uid included); a row bronze writes that
 * Zeek did not counts against the score. Skips with a message when the
 * corpus is absent. Floors: 95 % each.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { Engine, loadBuiltinScripts, openTrace } from "../../src/index.js";
import { MemorySink } from "../../src/log/sink.js";
import appEventTrace from "../../src/scripts/misc/app-event-trace.js";
import { corpusRoot, corpusSeed } from "./conn-harness.js";

const root = corpusRoot();
const applogs = join(root, "zeek-applogs");
const appevents = join(root, "zeek-appevents");
const present = existsSync(applogs) && existsSync(appevents);

/** Files named `name` (or `name.gz`) under `dir`, by trace (their directory relative to `dir`). */
function findLogs(dir: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry === name || entry === `${name}.gz`) out.set(relative(dir, d), p);
    }
  };
  walk(dir);
  return out;
}

function readText(path: string): string {
  const raw = readFileSync(path);
  return path.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
}

const dataRows = (text: string): string[] => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
const isSshEvent = (line: string): boolean => /\tssh_/.test(line) || /\tanalyzer=SSH( |$)/.test(line);

/** Lines of `expected` found in `actual` (as a multiset), and lines of `actual` not in `expected`. */
function matchLines(expected: readonly string[], actual: readonly string[]): { same: number; extra: number; missing: string[] } {
  const pool = new Map<string, number>();
  for (const l of actual) pool.set(l, (pool.get(l) ?? 0) + 1);
  let same = 0;
  const missing: string[] = [];
  for (const l of expected) {
    const n = pool.get(l) ?? 0;
    if (n > 0) {
      same++;
      pool.set(l, n - 1);
    } else missing.push(l);
  }
  let extra = 0;
  for (const n of pool.values()) extra += n;
  return { same, extra, missing };
}

async function runTrace(trace: string, seed: readonly number[]): Promise<{ ssh: string[]; events: string[] }> {
  const engine = new Engine({ ignoreChecksums: true, seed });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const sink = new MemorySink();
  appEventTrace(engine, { sink });
  await engine.run(await openTrace(join(root, "zeek", "traces", trace)));
  scripts.close();
  return { ssh: dataRows(scripts.logs.text("ssh")), events: dataRows(sink.text()).filter(isSshEvent) };
}

test("SSH vs Zeek on the corpus: ssh.log rows and the SSH app events", { skip: !present && `corpus not found at ${root}` }, async () => {
  const seed = corpusSeed(root);
  const sshLogs = findLogs(applogs, "ssh.log");
  const eventLogs = new Map<string, string[]>();
  for (const [trace, path] of findLogs(appevents, "app-events.log")) {
    const lines = dataRows(readText(path)).filter(isSshEvent);
    if (lines.length > 0) eventLogs.set(trace, lines);
  }
  const traces = [...new Set([...sshLogs.keys(), ...eventLogs.keys()])].sort();
  let rows = 0;
  let rowsSame = 0;
  let rowsExtra = 0;
  let lines = 0;
  let linesSame = 0;
  let linesExtra = 0;
  const report: string[] = [];
  for (const trace of traces) {
    const ours = await runTrace(trace, seed);
    const zeekRows = sshLogs.has(trace) ? dataRows(readText(sshLogs.get(trace)!)) : [];
    const r = matchLines(zeekRows, ours.ssh);
    rows += zeekRows.length;
    rowsSame += r.same;
    rowsExtra += r.extra;
    const e = matchLines(eventLogs.get(trace) ?? [], ours.events);
    lines += eventLogs.get(trace)?.length ?? 0;
    linesSame += e.same;
    linesExtra += e.extra;
    if (r.missing.length > 0 || r.extra > 0 || e.missing.length > 0 || e.extra > 0) {
      report.push(`${trace}: ssh.log ${r.same}/${zeekRows.length} (+${r.extra}), events ${e.same}/${eventLogs.get(trace)?.length ?? 0} (+${e.extra})`);
    }
  }
  const rowScore = rowsSame / Math.max(1, rows + rowsExtra);
  const lineScore = linesSame / Math.max(1, lines + linesExtra);
  console.log(`ssh.log: ${rowsSame}/${rows} rows identical, ${rowsExtra} extra: ${(100 * rowScore).toFixed(1)} % over ${sshLogs.size} traces`);
  console.log(`SSH app events: ${linesSame}/${lines} lines, ${linesExtra} extra: ${(100 * lineScore).toFixed(1)} % over ${eventLogs.size} traces`);
  for (const line of report) console.log(`  differs: ${line}`);
  assert.ok(rows >= 40 && lines >= 100, `too little corpus: ${rows} rows, ${lines} event lines`);
  assert.ok(rowScore >= 0.95, `ssh.log score ${(100 * rowScore).toFixed(1)} % < 95 %`);
  assert.ok(lineScore >= 0.95, `SSH app-event score ${(100 * lineScore).toFixed(1)} % < 95 %`);
});
