/**
 * Comparison side of the conn.log conformance suite: log parsing, row by row
 * and column by column comparison, the known-failures list and the score
 * table. Pure functions over text, independent of the engine (conn-harness.ts
 * runs bronze).
 */

/** A conn.log as columns and rows of text. */
export interface ParsedLog {
  columns: string[];
  /** Zeek's `#types` per column (empty for a btest baseline's plain header). */
  types: string[];
  rows: string[][];
}

/** conn.log columns that only the core engine decides (the "core" score). */
export const CORE_COLUMNS = [
  "duration",
  "orig_bytes",
  "resp_bytes",
  "conn_state",
  "missed_bytes",
  "history",
  "orig_pkts",
  "orig_ip_bytes",
  "resp_pkts",
  "resp_ip_bytes",
];

/**
 * Parses a conn.log: Zeek's `#fields` header, or a btest baseline's plain
 * header line of a few columns (after `#` comment lines).
 */
export function parseLog(text: string): ParsedLog {
  let columns: string[] | null = null;
  let types: string[] = [];
  const rows: string[][] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#fields\t")) {
      columns = line.split("\t").slice(1);
      continue;
    }
    if (line.startsWith("#types\t")) {
      types = line.split("\t").slice(1);
      continue;
    }
    if (line.startsWith("#")) continue;
    const cells = line.split("\t");
    if (columns === null) columns = cells;
    else rows.push(cells);
  }
  return { columns: columns ?? [], types, rows };
}

/** How one case compares. */
export interface CaseResult {
  name: string;
  suite: string;
  plainRunMatches: boolean;
  /** Set when bronze threw. */
  error?: string;
  expectedRows: number;
  actualRows: number;
  /** Rows (by position) equal on every compared column. */
  rowsAll: number;
  /** Rows equal on the core columns the baseline has. */
  rowsCore: number;
  /** Rows whose uid equals (when the baseline has uids). */
  rowsUid: number;
  /** Rows whose service equals (not part of pass: it needs protocol analyzers). */
  rowsService: number;
  /** The first difference, for reports and the known-failures list. */
  firstDiff?: string;
  pass: boolean;
  /** weird.log (zeek-all only, reported, not part of pass): rows Zeek wrote, rows matched exactly, rows only bronze wrote. */
  weird?: WeirdScore;
}

export interface WeirdScore {
  expected: number;
  matched: number;
  extra: number;
  /** The same counts for the rows of the engine's own layers (link, IP, tunnels, transport). */
  engineExpected: number;
  engineMatched: number;
  engineExtra: number;
}

/**
 * weird.log `source` values written by the layers bronze implements: Zeek's
 * packet analyzers (link, IP, tunnels), its transport analyzers and a bare
 * number for an IP protocol's. Every other source is an application analyzer
 * (HTTP, DNS, SMTP, …) bronze does not have. Rows without a source ("-") are
 * the engine's (fragments, IPv6 options, split routing, tunnels) but for those
 * raised by application analyzers, scripts and the logging framework, named
 * in APP_WEIRDS_WITHOUT_SOURCE.
 */
const ENGINE_WEIRD_SOURCES = new Set([
  "ETHERNET",
  "VLAN",
  "MPLS",
  "PPPOE",
  "PPP_SERIAL",
  "NFLOG",
  "NULL",
  "LINUXSLL",
  "LINUXSLL2",
  "FDDI",
  "LLC",
  "SNAP",
  "IEEE802_11",
  "IEEE802_11_RADIO",
  "VNTAG",
  "PBB",
  "ARP",
  "IP",
  "IPTUNNEL",
  "GRE",
  "GENEVE",
  "VXLAN",
  "TEREDO",
  "AYIYA",
  "GTPV1",
  "TCP",
  "UDP",
  "ICMP",
]);

const APP_WEIRDS_WITHOUT_SOURCE = /HTTP|SIP|^log_|x509|base64|^asn_/;

function isEngineWeird(columns: string[], row: string[]): boolean {
  const source = row[columns.indexOf("source")] ?? "-";
  if (source === "-") return !APP_WEIRDS_WITHOUT_SOURCE.test(row[columns.indexOf("name")] ?? "");
  return ENGINE_WEIRD_SOURCES.has(source) || /^\d+$/.test(source);
}

/** Compares weird.logs as multisets of whole rows (order inside one packet is not significant). */
export function compareWeirdLogs(expectedText: string, actualText: string): WeirdScore {
  const pending = new Map<string, number>();
  const expected = parseLog(expectedText);
  const score: WeirdScore = { expected: expected.rows.length, matched: 0, extra: 0, engineExpected: 0, engineMatched: 0, engineExtra: 0 };
  for (const row of expected.rows) {
    const key = row.join("\t");
    pending.set(key, (pending.get(key) ?? 0) + 1);
    if (isEngineWeird(expected.columns, row)) score.engineExpected++;
  }
  const actual = parseLog(actualText);
  for (const row of actual.rows) {
    const key = row.join("\t");
    const n = pending.get(key) ?? 0;
    const engine = isEngineWeird(actual.columns, row);
    if (n > 0) {
      score.matched++;
      if (engine) score.engineMatched++;
      pending.set(key, n - 1);
    } else {
      score.extra++;
      if (engine) score.engineExtra++;
    }
  }
  return score;
}

/**
 * Whether two cells are equal: a set column (`set[...]` in either log's
 * #types, e.g. conn.log's tunnel_parents) holds its elements in the order of
 * Zeek's hash table, which is not part of the value, so it compares as a set;
 * every other column (service included: Zeek appends to it in order) as text.
 */
function sameCell(want: string, got: string, isSet: boolean): boolean {
  if (got === want) return true;
  if (!isSet || want === "-" || got === "-") return false;
  const a = want.split(",").sort();
  const b = got.split(",").sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const MASKED_TIME = /^X+\.X+$/;

function compareRow(columns: string[], expected: string[], actual: Map<string, string> | undefined, skip: ReadonlySet<string>, sets: ReadonlySet<string>) {
  let all = true;
  let core = true;
  let diff: string | undefined;
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i]!;
    if (skip.has(col)) continue;
    const want = expected[i] ?? "";
    // A time the btest's canonifier masked (diff-remove-timestamps: ts, and an extension's _write_ts).
    if (MASKED_TIME.test(want)) continue;
    const got = actual?.get(col);
    if (got !== undefined && sameCell(want, got, sets.has(col))) continue;
    all = false;
    if (CORE_COLUMNS.includes(col)) core = false;
    diff ??= `${col} ${got ?? "(none)"} != ${want}`;
  }
  return { all, core, diff };
}

/** Compares bronze's conn.log text with the baseline's. */
export function compareLogs(
  expectedText: string,
  actualText: string,
  skip: ReadonlySet<string>,
): Omit<CaseResult, "name" | "suite" | "plainRunMatches" | "pass"> {
  const expected = parseLog(expectedText);
  const actual = parseLog(actualText);
  const byName = actual.rows.map((r) => new Map(actual.columns.map((c, i) => [c, r[i]!] as const)));
  const sets = new Set([expected, actual].flatMap((log) => log.columns.filter((_, i) => log.types[i]?.startsWith("set[") === true)));
  let rowsAll = 0;
  let rowsCore = 0;
  let rowsUid = 0;
  let rowsService = 0;
  const serviceAt = expected.columns.indexOf("service");
  let firstDiff: string | undefined;
  expected.rows.forEach((row, i) => {
    const got = byName[i];
    const r = compareRow(expected.columns, row, got, skip, sets);
    if (r.all) rowsAll++;
    if (r.core) rowsCore++;
    const uidAt = expected.columns.indexOf("uid");
    if (uidAt >= 0 && got?.get("uid") === row[uidAt]) rowsUid++;
    if (serviceAt >= 0 && got?.get("service") === row[serviceAt]) rowsService++;
    if (r.diff !== undefined && firstDiff === undefined) firstDiff = `row ${i + 1}: ${r.diff}`;
  });
  if (firstDiff === undefined && actual.rows.length !== expected.rows.length) firstDiff = `${actual.rows.length} rows, Zeek has ${expected.rows.length}`;
  return { expectedRows: expected.rows.length, actualRows: actual.rows.length, rowsAll, rowsCore, rowsUid, rowsService, firstDiff };
}
// ---------------------------------------------------------------- known failures

export const KNOWN_FAILURES_FILE = "test/conformance/known-failures/conn.txt";

/**
 * A listed case's floor: rows identical on every compared column (`rows`) out
 * of max(Zeek's rows, bronze's rows) (`of`), and the first difference seen
 * when it was recorded. A case may do better than its floor, never worse.
 */
export interface KnownFailure {
  rows: number;
  of: number;
  reason: string;
}

/** rows identical / max(Zeek's rows, bronze's rows): extra rows bronze writes count against a case as missing ones do. */
export function caseScore(r: CaseResult): { rows: number; of: number } {
  return { rows: r.rowsAll, of: Math.max(r.expectedRows, r.actualRows) };
}

/** Reads `case-name  rows/of  # first difference` lines; blank lines and whole-line comments are ignored. */
export function parseKnownFailures(text: string): Map<string, KnownFailure> {
  const known = new Map<string, KnownFailure>();
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const hash = line.indexOf("  #");
    const head = (hash < 0 ? line : line.slice(0, hash)).trim();
    const m = /^(\S+)\s+(\d+)\/(\d+)$/.exec(head);
    if (m === null) throw new Error(`${KNOWN_FAILURES_FILE} line ${i + 1}: expected \`case-name  rows/of  # first difference\`, got ${JSON.stringify(raw)}`);
    known.set(m[1]!, { rows: Number(m[2]), of: Number(m[3]), reason: hash < 0 ? "" : line.slice(hash + 3).trim() });
  });
  return known;
}

export function formatKnownFailures(results: readonly CaseResult[]): string {
  const header =
    "# conn.log conformance cases bronze does not pass yet, one per line: `case-name  rows/of  # first difference`,\n" +
    "# rows/of = rows identical on every compared column / max(Zeek's rows, bronze's rows): the case's floor.\n" +
    "# conn.test.ts fails on a failure not listed here, on a listed case below its floor (or throwing), and on\n" +
    "# a listed case above its floor or passing (raise the floor: the list only ever gets better).\n" +
    "# Regenerate with: npm run conformance -- --update-known-failures (refuses to lower a floor without --allow-lower)\n";
  const lines = results
    .filter((r) => !r.pass)
    .map((r) => {
      const { rows, of } = caseScore(r);
      return `${r.name}  ${rows}/${of}  # ${(r.firstDiff ?? "differs").replace(/\s+/g, " ").slice(0, 160)}`;
    });
  return header + lines.join("\n") + (lines.length > 0 ? "\n" : "");
}

/** Whether a/b < c/d, in integers (0/0 counts as a whole). */
function below(a: number, b: number, c: number, d: number): boolean {
  if (b === 0) return false;
  if (d === 0) return a < b;
  return a * d < c * b;
}

/**
 * The list against a run: cases that fail but are not listed, listed cases
 * below their floor (a thrown exception scores 0 rows), listed cases that
 * pass now and listed cases above their floor.
 */
export function checkKnownFailures(
  results: readonly CaseResult[],
  known: ReadonlyMap<string, KnownFailure>,
): {
  newFailures: CaseResult[];
  belowFloor: Array<{ result: CaseResult; floor: KnownFailure }>;
  nowPassing: string[];
  aboveFloor: Array<{ result: CaseResult; floor: KnownFailure }>;
} {
  const newFailures = results.filter((r) => !r.pass && !known.has(r.name));
  const nowPassing = results.filter((r) => r.pass && known.has(r.name)).map((r) => r.name);
  const belowFloor: Array<{ result: CaseResult; floor: KnownFailure }> = [];
  const aboveFloor: Array<{ result: CaseResult; floor: KnownFailure }> = [];
  for (const r of results) {
    const floor = known.get(r.name);
    if (floor === undefined || r.pass) continue;
    const { rows, of } = caseScore(r);
    if (below(rows, of, floor.rows, floor.of)) belowFloor.push({ result: r, floor });
    else if (below(floor.rows, floor.of, rows, of)) aboveFloor.push({ result: r, floor });
  }
  return { newFailures, belowFloor, nowPassing, aboveFloor };
}

/**
 * The list rewritten from a run, and the cases it would lower: a listed case
 * below its floor, or a case that passed (not listed) and fails now. The
 * caller refuses to write when `lowered` is not empty unless told to.
 */
export function updateKnownFailures(results: readonly CaseResult[], known: ReadonlyMap<string, KnownFailure>): { text: string; lowered: string[] } {
  const { newFailures, belowFloor } = checkKnownFailures(results, known);
  const lowered = [
    ...newFailures.map((r) => `${r.name}: passed, now ${caseScore(r).rows}/${caseScore(r).of} (${r.firstDiff ?? "differs"})`),
    ...belowFloor.map(
      ({ result, floor }) =>
        `${result.name}: floor ${floor.rows}/${floor.of}, now ${caseScore(result).rows}/${caseScore(result).of}${result.error !== undefined ? ` (threw: ${result.error.split("\n")[0]})` : ""}`,
    ),
  ];
  return { text: formatKnownFailures(results), lowered };
}

// ---------------------------------------------------------------- score table

interface Tally {
  cases: number;
  pass: number;
  errors: number;
  rows: number;
  rowsCore: number;
  rowsAll: number;
  rowsUid: number;
  rowsService: number;
}

function tally(results: readonly CaseResult[]): Tally {
  const t: Tally = { cases: 0, pass: 0, errors: 0, rows: 0, rowsCore: 0, rowsAll: 0, rowsUid: 0, rowsService: 0 };
  for (const r of results) {
    t.cases++;
    if (r.pass) t.pass++;
    if (r.error !== undefined) t.errors++;
    t.rows += r.expectedRows;
    t.rowsCore += r.rowsCore;
    t.rowsAll += r.rowsAll;
    t.rowsUid += r.rowsUid;
    t.rowsService += r.rowsService;
  }
  return t;
}

function pct(n: number, d: number): string {
  return d === 0 ? "-" : `${((100 * n) / d).toFixed(1)}%`;
}

/** The score table: per suite, cases passing and rows identical on core / all-but-service columns, uid match. */
export function scoreTable(results: readonly CaseResult[]): string {
  const groups: Array<[string, CaseResult[]]> = [
    ["zeek btest baselines (plain runs)", results.filter((r) => r.suite === "zeek" && r.plainRunMatches)],
    ["zeek btest baselines (extra config)", results.filter((r) => r.suite === "zeek" && !r.plainRunMatches)],
    ["zeek-all (default scripts, -C)", results.filter((r) => r.suite === "zeek-all")],
  ];
  const head = ["suite", "cases", "pass", "errors", "rows", "core cols", "all but service", "uid", "service"];
  const lines = [head];
  for (const [label, rs] of groups) {
    if (rs.length === 0) continue;
    const t = tally(rs);
    lines.push([
      label,
      String(t.cases),
      `${t.pass} (${pct(t.pass, t.cases)})`,
      String(t.errors),
      String(t.rows),
      pct(t.rowsCore, t.rows),
      pct(t.rowsAll, t.rows),
      pct(t.rowsUid, t.rows),
      pct(t.rowsService, t.rows),
    ]);
  }
  const weird = results.filter((r) => r.weird !== undefined).map((r) => r.weird!);
  const wExpected = weird.reduce((n, w) => n + w.expected, 0);
  const wMatched = weird.reduce((n, w) => n + w.matched, 0);
  const wExtra = weird.reduce((n, w) => n + w.extra, 0);
  const eExpected = weird.reduce((n, w) => n + w.engineExpected, 0);
  const eMatched = weird.reduce((n, w) => n + w.engineMatched, 0);
  const eExtra = weird.reduce((n, w) => n + w.engineExtra, 0);
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return (
    lines.map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")).join("\n") +
    "\n" +
    (weird.length > 0
      ? `weird.log (zeek-all, not scored): ${wMatched} of ${wExpected} Zeek rows matched exactly (${pct(wMatched, wExpected)}), ${wExtra} rows only bronze wrote; ` +
        `of the engine's layers (link, IP, tunnels, transport): ${eMatched} of ${eExpected} (${pct(eMatched, eExpected)}), ${eExtra} only bronze's\n`
      : "")
  );
}
