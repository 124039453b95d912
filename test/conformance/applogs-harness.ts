/**
 * The application-layer conformance harness: runs bronze in-process on every
 * trace of corpus/zeek-all the way Zeek ran it (`zeek -C -r TRACE` with the
 * default scripts and the corpus seed, app-event-trace.zeek loaded), and
 * compares what the application layer produced with Zeek's:
 *
 * - every log of corpus/zeek-applogs (http, dns, ssl, ssh, analyzer, …) and
 *   every such log bronze writes where Zeek wrote none: rows matched as
 *   multisets (a Zeek row counts when bronze wrote an identical one), set
 *   columns compared as sets; once on all columns, once leaving out the
 *   columns that hold uids and fuids (reported apart);
 * - app-events.log lines of corpus/zeek-appevents, matched as multisets per
 *   event name;
 * - conn.log's `service`, row by row (rows paired by uid): per Zeek service
 *   value, how many rows bronze names identically, and the rows where bronze
 *   names a service Zeek did not.
 *
 * - the order of each (trace, log) pair whose rows are the same multiset as
 *   Zeek's: whether the rows come in Zeek's order (set columns compared as
 *   sets), and whether they are byte-identical (set elements in Zeek's order
 *   too). The multiset scores cannot see either: Zeek writes some rows, and
 *   prints sets, in its hash tables' iteration order.
 *
 * Scores are matched / max(Zeek's, bronze's). Floors per log, per event and
 * per service value, and for the order of each log, live in
 * known-failures/applogs.txt (applogs.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Engine } from "../../src/engine.js";
import { MemorySink } from "../../src/log/sink.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import appEventTrace from "../../src/scripts/misc/app-event-trace.js";
import { openTrace } from "../../src/source/open.js";
import { type CorpusCase, corpusRoot, corpusSeed, parseLog } from "./conn-harness.js";

/** Logs the application layer writes (conn.log and weird.log are the core suite's). */
const CORE_LOGS = new Set(["conn", "weird"]);

/**
 * Logs the corpus leaves out (its README): packet_filter.log (a default run's,
 * its start-up row stamped with the wall clock), reporter.log (e.g.
 * find-filtered-trace's warning on traces of TCP control packets) and the
 * logs of scripts bronze does not load by default.
 */
const NOT_IN_CORPUS = new Set(["packet_filter", "reporter", "loaded_scripts", "stats", "telemetry", "capture_loss"]);

/** Columns that hold connection or file uids: compared only in the "all columns" score. */
const UID_COLUMNS = /^(uid|fuid|uids|conn_uids|orig_fuids|resp_fuids|parent_fuid|cert_chain_fuids|client_cert_chain_fuids|fuids|id\.uid)$/;

export interface Tally {
  zeek: number;
  bronze: number;
  /** Rows identical on every column. */
  matched: number;
  /** Rows identical leaving out uid/fuid columns. */
  matchedNoUid: number;
}

/** Per log, counted in (trace, log) pairs where Zeek wrote the log. */
export interface OrderTally {
  pairs: number;
  /** Pairs whose rows are the same multiset as Zeek's (set columns as sets). */
  sameRows: number;
  /** Of those, pairs whose rows come in Zeek's order. */
  inOrder: number;
  /** Of those, pairs byte-identical to Zeek's: set elements in Zeek's order too. */
  exact: number;
}

/** Where two sequences of the same rows first differ: the index, and the row each side has there. */
export interface OrderDiff {
  index: number;
  zeek: string;
  bronze: string;
  rows: number;
}

/** The first position where `a` and `b` differ, or null when they are the same sequence. */
export function firstDifference(a: readonly string[], b: readonly string[]): OrderDiff | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return { index: i, zeek: a[i] ?? "", bronze: b[i] ?? "", rows: a.length };
  return null;
}

export interface ServiceTally {
  /** Zeek rows with this service value. */
  zeek: number;
  /** Those bronze names identically. */
  same: number;
}

export interface AppCaseResult {
  name: string;
  logs: Map<string, Tally>;
  /** Row order per log Zeek wrote (each count 0 or 1 for one case). */
  orders: Map<string, OrderTally>;
  events: Map<string, Tally>;
  services: Map<string, ServiceTally>;
  /** Rows where bronze names a service Zeek's row does not have ("trace uid: bronze vs zeek"). */
  extraServices: string[];
  error?: string;
  /** Per log whose rows are Zeek's multiset in another order: where the order first differs. */
  orderDiffs: Map<string, OrderDiff>;
  /** Unmatched rows per log (when asked for). */
  diffs?: Map<string, { onlyZeek: string[]; onlyBronze: string[] }>;
}

interface AppCorpus {
  root: string;
  cases: CorpusCase[];
  logsDir: string;
  eventsDir: string;
}

/** The zeek-all cases with the app-log and app-event folders beside them; null when the corpus is absent. */
export function loadAppCorpus(root = corpusRoot()): AppCorpus | null {
  const manifest = join(root, "zeek-all", "manifest.json");
  const logsDir = join(root, "zeek-applogs");
  if (!existsSync(manifest) || !existsSync(logsDir)) return null;
  const cases = (JSON.parse(readFileSync(manifest, "utf8")) as { cases: CorpusCase[] }).cases;
  return { root, cases, logsDir, eventsDir: join(root, "zeek-appevents") };
}

/** The trace's path relative to corpus/zeek/traces, as zeek-applogs names its folders. */
function traceKey(c: CorpusCase): string {
  return c.trace.replace(/^(\.\.\/zeek\/)?traces\//, "");
}

/** Zeek's logs of one trace: log name → text. */
function zeekLogs(corpus: AppCorpus, key: string): Map<string, string> {
  const dir = join(corpus.logsDir, key);
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) if (f.endsWith(".log")) out.set(f.slice(0, -4), readFileSync(join(dir, f), "utf8"));
  return out;
}

function zeekEvents(corpus: AppCorpus, key: string): string {
  const plain = join(corpus.eventsDir, key, "app-events.log");
  if (existsSync(plain)) return readFileSync(plain, "utf8");
  const gz = `${plain}.gz`;
  return existsSync(gz) ? gunzipSync(readFileSync(gz)).toString("utf8") : "";
}

/** A log's rows in a comparable form: set cells sorted (unless `sortSets` is false); `withUids` false blanks the uid columns. */
function rowsOf(text: string, withUids: boolean, sortSets = true): string[] {
  const parsed = parseLog(text);
  const types = typesOf(text);
  return parsed.rows.map((row) =>
    row
      .map((cell, i) => {
        const name = parsed.columns[i] ?? "";
        if (!withUids && UID_COLUMNS.test(name)) return "*";
        if (sortSets && types[i]?.startsWith("set[") && cell !== "-" && cell !== "(empty)") return cell.split(",").sort().join(",");
        return cell;
      })
      .join("\t"),
  );
}

function typesOf(text: string): string[] {
  const line = text.split("\n").find((l) => l.startsWith("#types\t"));
  return line === undefined ? [] : line.split("\t").slice(1);
}

/** How many of `a`'s entries have an equal entry in `b` (each used once); with the unmatched of each side. */
function multisetMatch(a: readonly string[], b: readonly string[]): { matched: number; onlyA: string[]; onlyB: string[] } {
  const pool = new Map<string, number>();
  for (const x of b) pool.set(x, (pool.get(x) ?? 0) + 1);
  let matched = 0;
  const onlyA: string[] = [];
  for (const x of a) {
    const n = pool.get(x) ?? 0;
    if (n > 0) {
      matched++;
      pool.set(x, n - 1);
    } else onlyA.push(x);
  }
  const onlyB: string[] = [];
  for (const [x, n] of pool) for (let i = 0; i < n; i++) onlyB.push(x);
  return { matched, onlyA, onlyB };
}

const sameSequence = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function compareLog(
  zeek: string,
  bronze: string,
): { tally: Tally; order: OrderTally; orderDiff: OrderDiff | null; onlyZeek: string[]; onlyBronze: string[] } {
  const z = rowsOf(zeek, true);
  const b = rowsOf(bronze, true);
  const all = multisetMatch(z, b);
  const noUid = multisetMatch(rowsOf(zeek, false), rowsOf(bronze, false));
  const sameRows = all.onlyA.length === 0 && all.onlyB.length === 0;
  const inOrder = sameRows && sameSequence(z, b);
  const exact = inOrder && sameSequence(rowsOf(zeek, true, false), rowsOf(bronze, true, false));
  return {
    tally: { zeek: z.length, bronze: b.length, matched: all.matched, matchedNoUid: noUid.matched },
    order: { pairs: 1, sameRows: Number(sameRows), inOrder: Number(inOrder), exact: Number(exact) },
    orderDiff: sameRows && !inOrder ? firstDifference(z, b) : null,
    onlyZeek: all.onlyA,
    onlyBronze: all.onlyB,
  };
}

/** app-events.log lines grouped by event name. */
function eventLines(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const name = line.split("\t")[1] ?? "";
    let list = out.get(name);
    if (list === undefined) out.set(name, (list = []));
    list.push(line);
  }
  return out;
}

/** The uid → service map of a conn.log. */
function servicesByUid(text: string): Map<string, string> {
  const parsed = parseLog(text);
  const uid = parsed.columns.indexOf("uid");
  const service = parsed.columns.indexOf("service");
  const out = new Map<string, string>();
  if (uid < 0 || service < 0) return out;
  for (const row of parsed.rows) out.set(row[uid]!, row[service]!);
  return out;
}

/** Runs bronze on one case: every log it wrote, and its app-events.log. */
export async function runBronzeApp(corpus: AppCorpus, c: CorpusCase, seed: readonly number[]): Promise<{ logs: Map<string, string>; events: string }> {
  const engine = new Engine({ ignoreChecksums: c.ignoreChecksums, bare: c.bare, loads: c.loads, seed });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: c.bare, loads: c.loads, stderr: null });
  const sink = new MemorySink();
  appEventTrace(engine, { sink });
  await engine.run(await openTrace(join(corpus.root, "zeek-all", c.trace)));
  scripts.close();
  const logs = new Map<string, string>();
  for (const path of scripts.logs.written()) logs.set(path, scripts.logs.text(path));
  return { logs, events: sink.text() };
}

export async function runAppCase(corpus: AppCorpus, c: CorpusCase, seed: readonly number[], withDiffs = false): Promise<AppCaseResult> {
  const key = traceKey(c);
  const result: AppCaseResult = {
    name: key,
    logs: new Map(),
    orders: new Map(),
    orderDiffs: new Map(),
    events: new Map(),
    services: new Map(),
    extraServices: [],
  };
  let bronze: { logs: Map<string, string>; events: string };
  try {
    bronze = await runBronzeApp(corpus, c, seed);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    bronze = { logs: new Map(), events: "" };
  }
  const zeek = zeekLogs(corpus, key);
  if (withDiffs) result.diffs = new Map();
  for (const name of new Set([...zeek.keys(), ...bronze.logs.keys()])) {
    if (CORE_LOGS.has(name) || NOT_IN_CORPUS.has(name)) continue;
    const cmp = compareLog(zeek.get(name) ?? "", bronze.logs.get(name) ?? "");
    result.logs.set(name, cmp.tally);
    if (zeek.has(name)) result.orders.set(name, cmp.order);
    if (zeek.has(name) && cmp.orderDiff !== null) result.orderDiffs.set(name, cmp.orderDiff);
    if (withDiffs && (cmp.onlyZeek.length > 0 || cmp.onlyBronze.length > 0)) result.diffs!.set(name, { onlyZeek: cmp.onlyZeek, onlyBronze: cmp.onlyBronze });
  }
  const ze = eventLines(zeekEvents(corpus, key));
  const be = eventLines(bronze.events);
  for (const name of new Set([...ze.keys(), ...be.keys()])) {
    const z = ze.get(name) ?? [];
    const b = be.get(name) ?? [];
    const m = multisetMatch(z, b);
    result.events.set(name, { zeek: z.length, bronze: b.length, matched: m.matched, matchedNoUid: m.matched });
    if (withDiffs && (m.onlyA.length > 0 || m.onlyB.length > 0)) result.diffs!.set(`event ${name}`, { onlyZeek: m.onlyA, onlyBronze: m.onlyB });
  }
  const expectedConn = c.expected !== undefined ? join(corpus.root, "zeek-all", c.expected) : "";
  if (expectedConn !== "" && existsSync(expectedConn)) {
    const zs = servicesByUid(readFileSync(expectedConn, "utf8"));
    const bs = servicesByUid(bronze.logs.get("conn") ?? "");
    for (const [uid, zService] of zs) {
      const t = result.services.get(zService) ?? { zeek: 0, same: 0 };
      const bService = bs.get(uid) ?? "-";
      t.zeek++;
      if (bService === zService) t.same++;
      result.services.set(zService, t);
      const zNames = new Set(zService.split(","));
      if (bService !== "-" && bService.split(",").some((n) => !zNames.has(n))) result.extraServices.push(`${key} ${uid}: ${bService} vs ${zService}`);
    }
  }
  return result;
}

/** Runs every zeek-all case (or those whose name contains one of `only`). */
export async function runAllApp(onCase?: (r: AppCaseResult) => void, only: readonly string[] = [], withDiffs = false): Promise<AppCaseResult[]> {
  const corpus = loadAppCorpus();
  if (corpus === null) return [];
  const seed = corpusSeed(corpus.root);
  const out: AppCaseResult[] = [];
  for (const c of corpus.cases) {
    if (only.length > 0 && !only.some((o) => traceKey(c).includes(o))) continue;
    const r = await runAppCase(corpus, c, seed, withDiffs);
    out.push(r);
    onCase?.(r);
  }
  return out;
}

/** Sums, key by key and field by field, the tallies `pick` takes from each case. */
function sumByKey<T extends object>(results: readonly AppCaseResult[], pick: (r: AppCaseResult) => Map<string, T>): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of results) {
    for (const [k, t] of pick(r)) {
      const s = out.get(k) as Record<string, number> | undefined;
      if (s === undefined) {
        out.set(k, { ...t });
        continue;
      }
      for (const [field, n] of Object.entries(t) as [string, number][]) s[field] = (s[field] ?? 0) + n;
    }
  }
  return out;
}

/** Sums tallies by key over cases. */
export function totals(results: readonly AppCaseResult[], pick: (r: AppCaseResult) => Map<string, Tally>): Map<string, Tally> {
  return sumByKey(results, pick);
}

/** Sums the row-order tallies by log over cases. */
export function orderTotals(results: readonly AppCaseResult[]): Map<string, OrderTally> {
  return sumByKey(results, (r) => r.orders);
}

export function serviceTotals(results: readonly AppCaseResult[]): Map<string, ServiceTally> {
  return sumByKey(results, (r) => r.services);
}

const pct = (n: number, d: number): string => (d === 0 ? "  -  " : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

/**
 * The row-order table: per log, its (trace, log) pairs, those with Zeek's
 * rows, those of them in Zeek's row order, and those byte-identical (set
 * elements in Zeek's order too); only logs where some pair falls short.
 */
function orderTable(lines: string[], m: Map<string, OrderTally>): void {
  const col = (n: number): string => String(n).padStart(7);
  lines.push(`${"log order (trace, log) pairs".padEnd(34)} ${"pairs".padStart(7)} ${"rows".padStart(7)} ${"order".padStart(7)} ${"exact".padStart(7)}`);
  const sum = { pairs: 0, sameRows: 0, inOrder: 0, exact: 0 };
  for (const [k, t] of [...m].sort((a, b) => a[0].localeCompare(b[0]))) {
    sum.pairs += t.pairs;
    sum.sameRows += t.sameRows;
    sum.inOrder += t.inOrder;
    sum.exact += t.exact;
    if (t.exact < t.sameRows) lines.push(`  ${k.padEnd(32)} ${col(t.pairs)} ${col(t.sameRows)} ${col(t.inOrder)} ${col(t.exact)}`);
  }
  lines.push(`  ${"all logs".padEnd(32)} ${col(sum.pairs)} ${col(sum.sameRows)} ${col(sum.inOrder)} ${col(sum.exact)}`);
}

/** The score tables: logs, events, row order, services. */
export function formatAppTables(results: readonly AppCaseResult[]): string {
  const lines: string[] = [];
  const table = (title: string, m: Map<string, Tally>): void => {
    lines.push(`${title.padEnd(34)} ${"zeek".padStart(7)} ${"bronze".padStart(7)} ${"same".padStart(7)} ${"score".padStart(6)} ${"no-uid".padStart(6)}`);
    for (const [k, t] of [...m].sort((a, b) => b[1].zeek - a[1].zeek || a[0].localeCompare(b[0]))) {
      const d = Math.max(t.zeek, t.bronze);
      lines.push(
        `  ${k.padEnd(32)} ${String(t.zeek).padStart(7)} ${String(t.bronze).padStart(7)} ${String(t.matched).padStart(7)} ${pct(t.matched, d)} ${pct(t.matchedNoUid, d)}`,
      );
    }
  };
  table(
    "log",
    totals(results, (r) => r.logs),
  );
  table(
    "event",
    totals(results, (r) => r.events),
  );
  orderTable(lines, orderTotals(results));
  lines.push(`${"service (Zeek's value)".padEnd(34)} ${"rows".padStart(7)} ${"same".padStart(7)}`);
  for (const [k, t] of [...serviceTotals(results)].sort((a, b) => b[1].zeek - a[1].zeek))
    lines.push(`  ${k.padEnd(32)} ${String(t.zeek).padStart(7)} ${String(t.same).padStart(7)} ${pct(t.same, t.zeek)}`);
  const extra = results.flatMap((r) => r.extraServices);
  lines.push(`rows where bronze names a service Zeek did not: ${extra.length}`);
  for (const e of extra.slice(0, 20)) lines.push(`  ${e}`);
  const errors = results.filter((r) => r.error !== undefined);
  lines.push(`cases that threw: ${errors.length}`);
  for (const e of errors.slice(0, 10)) lines.push(`  ${e.name}: ${e.error}`);
  return `${lines.join("\n")}\n`;
}
