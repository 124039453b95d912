/**
 * The event conformance harness: runs bronze in-process on every case of
 * corpus/zeek-events the way Zeek ran it (`zeek -C -r TRACE event-trace.zeek`
 * with the corpus seed and the default scripts), produces events.log lines with
 * misc/event-trace, and compares them with Zeek's.
 *
 * Comparison (as the corpus README asks): a uid is replaced by its
 * connection's new_connection line (ts + 5-tuple) on each side, so a wrong uid
 * does not hide a right event; lines are then matched as multisets per event
 * name; separately, each connection's whole event sequence is compared.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { corpusRoot, repoRoot } from "../helpers/corpus.js";

export interface EventCase {
  name: string;
  trace: string;
  gunzip: boolean;
  lines: number;
  events: string;
}

/** Counts for one event name (or a whole case). */
export interface Tally {
  zeek: number;
  bronze: number;
  matched: number;
}

export interface CaseResult {
  name: string;
  tally: Tally;
  perEvent: Map<string, Tally>;
  /** Connections (by Zeek's side) and how many have exactly Zeek's event sequence. */
  connections: number;
  identicalConnections: number;
  /** The same, leaving out events bronze does not raise at all yet (NOT_RAISED). */
  identicalIgnoringNotRaised: number;
  /** matched / max(zeek, bronze); 1 when both are empty. */
  score: number;
  /** Set when bronze threw. */
  error?: string;
  ms: number;
  /** Unmatched lines per side, in normalised form (only when asked for). */
  onlyZeek?: string[];
  onlyBronze?: string[];
}

// ---------------------------------------------------------------- locations

export { corpusRoot, repoRoot };

export function eventsCorpus(): string {
  return join(corpusRoot(), "zeek-events");
}

export function loadCases(): EventCase[] {
  const manifest = JSON.parse(readFileSync(join(eventsCorpus(), "manifest.json"), "utf8")) as { cases: EventCase[] };
  return manifest.cases;
}

export function knownFailuresPath(): string {
  return join(repoRoot(), "test/conformance/known-failures/events.txt");
}

// ---------------------------------------------------------------- running bronze

interface BronzeModules {
  Engine: typeof import("../../src/engine.js").Engine;
  readTrace: typeof import("../../src/source/open.js").readTrace;
  readSeedFile: typeof import("../../src/session/uid.js").readSeedFile;
  loadBuiltinScripts: typeof import("../../src/scripts/index.js").loadBuiltinScripts;
  eventTrace: typeof import("../../src/scripts/misc/event-trace.js").default;
  MemorySink: typeof import("../../src/log/sink.js").MemorySink;
}

/**
 * Loads the engine lazily: while the session layer is being written the import
 * fails, and the suite says so instead of crashing at load time.
 */
export async function loadBronze(): Promise<BronzeModules> {
  const [engine, open, uid, scripts, trace, sink] = await Promise.all([
    import("../../src/engine.js"),
    import("../../src/source/open.js"),
    import("../../src/session/uid.js"),
    import("../../src/scripts/index.js"),
    import("../../src/scripts/misc/event-trace.js"),
    import("../../src/log/sink.js"),
  ]);
  return {
    Engine: engine.Engine,
    readTrace: open.readTrace,
    readSeedFile: uid.readSeedFile,
    loadBuiltinScripts: scripts.loadBuiltinScripts,
    eventTrace: trace.default,
    MemorySink: sink.MemorySink,
  };
}

/** Runs bronze on one case like `zeek -C -r TRACE event-trace.zeek` with the corpus seed; returns its events.log lines. */
export async function runBronze(b: BronzeModules, c: EventCase, seed: readonly number[]): Promise<string[]> {
  const engine = new b.Engine({ ignoreChecksums: true, seed });
  b.loadBuiltinScripts(engine, { memory: true, stderr: null });
  const sink = new b.MemorySink();
  b.eventTrace(engine, { sink });
  await engine.run(b.readTrace(join(corpusRoot(), "zeek/traces", c.trace)));
  return splitLines(sink.text());
}

export function seedPath(): string {
  return join(corpusRoot(), "zeek/random.seed");
}

export function readExpected(c: EventCase): string[] {
  const raw = readFileSync(join(eventsCorpus(), c.events));
  return splitLines((c.events.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

// ---------------------------------------------------------------- comparison

/**
 * Events Zeek raised in the corpus that bronze does not implement at all:
 * tcp_rexmit comes from Zeek's TCP statistics analyzer, which the corpus
 * script switched on. Reported separately so they do not hide the rest.
 */
export const NOT_RAISED: ReadonlySet<string> = new Set(["tcp_rexmit"]);

interface Normalised {
  /** Event name of each line. */
  events: string[];
  /** Each line with its uid replaced by its connection key. */
  lines: string[];
  /** Connection key → its lines (without the key), in order. */
  byConnection: Map<string, string[]>;
}

/** Replaces each uid with "ts|5-tuple" of its connection's new_connection line. */
function normalise(lines: readonly string[]): Normalised {
  const keyOf = new Map<string, string>();
  for (const line of lines) {
    const f = line.split("\t");
    if (f[1] === "new_connection" && f[2] !== undefined && !keyOf.has(f[2])) keyOf.set(f[2], `${f[0]}|${f[3] ?? ""}`);
  }
  const out: Normalised = { events: [], lines: [], byConnection: new Map() };
  for (const line of lines) {
    const f = line.split("\t");
    const [ts = "", event = "", uid = "", args = ""] = f;
    const key = keyOf.get(uid) ?? `uid:${uid}`;
    out.events.push(event);
    out.lines.push(`${ts}\t${event}\t${key}\t${args}`);
    let seq = out.byConnection.get(key);
    if (!seq) out.byConnection.set(key, (seq = []));
    seq.push(`${ts}\t${event}\t${args}`);
  }
  return out;
}

function countLines(n: Normalised): Map<string, Map<string, number>> {
  const byEvent = new Map<string, Map<string, number>>();
  for (let i = 0; i < n.lines.length; i++) {
    const event = n.events[i]!;
    let m = byEvent.get(event);
    if (!m) byEvent.set(event, (m = new Map()));
    m.set(n.lines[i]!, (m.get(n.lines[i]!) ?? 0) + 1);
  }
  return byEvent;
}

/** Compares bronze's lines with Zeek's for one case. */
export function compareEvents(name: string, zeekLines: readonly string[], bronzeLines: readonly string[], keepUnmatched = false): CaseResult {
  const z = normalise(zeekLines);
  const b = normalise(bronzeLines);
  const zc = countLines(z);
  const bc = countLines(b);
  const perEvent = new Map<string, Tally>();
  const onlyZeek: string[] = [];
  const onlyBronze: string[] = [];
  for (const event of new Set([...zc.keys(), ...bc.keys()])) {
    const zm = zc.get(event) ?? new Map<string, number>();
    const bm = bc.get(event) ?? new Map<string, number>();
    const t: Tally = { zeek: 0, bronze: 0, matched: 0 };
    for (const [line, n] of zm) {
      t.zeek += n;
      const m = Math.min(n, bm.get(line) ?? 0);
      t.matched += m;
      if (keepUnmatched) for (let k = m; k < n; k++) onlyZeek.push(line);
    }
    for (const [line, n] of bm) {
      t.bronze += n;
      if (keepUnmatched) for (let k = Math.min(n, zm.get(line) ?? 0); k < n; k++) onlyBronze.push(line);
    }
    perEvent.set(event, t);
  }
  const tally = sumTallies(perEvent.values());
  let identical = 0;
  let identicalIgnoring = 0;
  const raised = (l: string) => !NOT_RAISED.has(l.split("\t", 2)[1]!);
  for (const [key, seq] of z.byConnection) {
    const other = b.byConnection.get(key) ?? [];
    if (sameLines(other, seq)) identical++;
    if (sameLines(other.filter(raised), seq.filter(raised))) identicalIgnoring++;
  }
  const result: CaseResult = {
    name,
    tally,
    perEvent,
    connections: z.byConnection.size,
    identicalConnections: identical,
    identicalIgnoringNotRaised: identicalIgnoring,
    score: scoreOf(tally),
    ms: 0,
  };
  if (keepUnmatched) {
    result.onlyZeek = onlyZeek;
    result.onlyBronze = onlyBronze;
  }
  return result;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

export function scoreOf(t: Tally): number {
  const most = Math.max(t.zeek, t.bronze);
  return most === 0 ? 1 : t.matched / most;
}

export function sumTallies(tallies: Iterable<Tally>): Tally {
  const sum: Tally = { zeek: 0, bronze: 0, matched: 0 };
  for (const t of tallies) {
    sum.zeek += t.zeek;
    sum.bronze += t.bronze;
    sum.matched += t.matched;
  }
  return sum;
}

/** Runs one case end to end; a bronze exception becomes a result with `error` and every Zeek line unmatched. */
export async function runCase(b: BronzeModules, c: EventCase, seed: readonly number[], keepUnmatched = false): Promise<CaseResult> {
  const expected = readExpected(c);
  const started = performance.now();
  let actual: string[] = [];
  let error: string | undefined;
  try {
    actual = await runBronze(b, c, seed);
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  const result = compareEvents(c.name, expected, actual, keepUnmatched);
  result.ms = performance.now() - started;
  if (error !== undefined) result.error = error;
  return result;
}

// ---------------------------------------------------------------- known failures

/**
 * test/conformance/known-failures/events.txt: one line per case that is not
 * yet perfect, `name<TAB>matched/max`; `#` starts a comment. A listed case
 * must not score below its line; an unlisted case must be perfect.
 */
export function readKnownFailures(path = knownFailuresPath()): Map<string, { matched: number; max: number }> {
  const known = new Map<string, { matched: number; max: number }>();
  if (!existsSync(path)) return known;
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const m = /^(.*\S)\s+(\d+)\/(\d+)$/.exec(line);
    if (!m) throw new Error(`${path}: cannot parse ${JSON.stringify(raw)}`);
    known.set(m[1]!, { matched: Number(m[2]), max: Number(m[3]) });
  }
  return known;
}

export function formatKnownFailures(results: readonly CaseResult[]): string {
  const header = [
    "# Event conformance cases (corpus/zeek-events) where bronze's events.log is not yet Zeek's.",
    "# name<TAB>matched/max(zeek lines, bronze lines). A case must not score below its line;",
    "# a case not listed must match exactly. Regenerate: node --import tsx test/conformance/events-score.ts --update",
  ];
  const body = results
    .filter((r) => r.score < 1)
    .map((r) => `${r.name}\t${r.tally.matched}/${Math.max(r.tally.zeek, r.tally.bronze)}`)
    .sort();
  return [...header, ...body, ""].join("\n");
}

/** Whether `r` is worse than what the known-failures list allows. */
export function regressed(r: CaseResult, known: ReadonlyMap<string, { matched: number; max: number }>): boolean {
  const k = known.get(r.name);
  const allowed = k ? (k.max === 0 ? 1 : k.matched / k.max) : 1;
  return r.score < allowed - 1e-9;
}

// ---------------------------------------------------------------- reporting

export function formatTable(results: readonly CaseResult[]): string {
  const perEvent = new Map<string, Tally>();
  for (const r of results) {
    for (const [event, t] of r.perEvent) {
      const sum = perEvent.get(event) ?? { zeek: 0, bronze: 0, matched: 0 };
      sum.zeek += t.zeek;
      sum.bronze += t.bronze;
      sum.matched += t.matched;
      perEvent.set(event, sum);
    }
  }
  const rows = [...perEvent].sort((a, b) => b[1].zeek - a[1].zeek || a[0].localeCompare(b[0]));
  const width = Math.max(5, ...rows.map(([e]) => e.length));
  const pct = (t: Tally) => `${(100 * scoreOf(t)).toFixed(1)}%`;
  const line = (name: string, t: Tally) =>
    `${name.padEnd(width)}  ${String(t.zeek).padStart(8)}  ${String(t.bronze).padStart(8)}  ${String(t.matched).padStart(8)}  ${pct(t).padStart(7)}`;
  const total = sumTallies(perEvent.values());
  const raised = sumTallies([...perEvent].filter(([e]) => !NOT_RAISED.has(e)).map(([, t]) => t));
  const connections = results.reduce((n, r) => n + r.connections, 0);
  const identical = results.reduce((n, r) => n + r.identicalConnections, 0);
  const identicalIgnoring = results.reduce((n, r) => n + r.identicalIgnoringNotRaised, 0);
  const perfect = results.filter((r) => r.score === 1).length;
  const errors = results.filter((r) => r.error !== undefined).length;
  return [
    `${"event".padEnd(width)}  ${"zeek".padStart(8)}  ${"bronze".padStart(8)}  ${"matched".padStart(8)}  ${"score".padStart(7)}`,
    ...rows.map(([e, t]) => line(e, t)),
    line("TOTAL", total),
    line(`TOTAL w/o ${[...NOT_RAISED].join(",")}`.slice(0, Math.max(width, 5)), raised),
    `cases: ${results.length}, identical: ${perfect}, bronze errors: ${errors}`,
    `connections with Zeek's exact event sequence: ${identical}/${connections}` +
      ` (${identicalIgnoring}/${connections} leaving out ${[...NOT_RAISED].join(", ")})`,
  ].join("\n");
}
