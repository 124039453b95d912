/**
 * bronze's capture filters against tcpdump: for every (trace, expression),
 * the set of packets bronze selects must equal the set tcpdump selects.
 * Method and caching: see oracle.ts. Pairs tcpdump refuses to compile for a
 * link type (e.g. `vlan` on Linux SLL) are counted as "n/a".
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { compileFilter } from "../../src/filter/compile.js";
import type { RawPacket } from "../../src/source/raw-packet.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { type LoadedTrace, loadTrace, TcpdumpOracle, tcpdumpVersion } from "./oracle.js";
import { FUZZ_TRACES, generatedExpressions, instantiate, ORACLE_EXPRESSIONS, ORACLE_TRACES, traceFacts } from "./oracle-cases.js";

const corpus = corpusRoot();
const traces = resolve(corpus, "zeek/traces");
const version = tcpdumpVersion();
/** tcpdump processes at once (the machine has 2 cores; tcpdump mostly waits on process start). */
const CONCURRENCY = 4;
/** Generated expressions per fuzz trace. */
const GENERATED_COUNT = 80;

interface Row {
  trace: string;
  linktypes: string;
  packets: number;
  compared: number;
  notApplicable: number;
  /** Comparisons where tcpdump selected some but not all packets (the informative ones). */
  partial: number;
  mismatches: string[];
}

function bronzeIndices(trace: LoadedTrace, linktype: number, expression: string): number[] {
  const filter = compileFilter(expression);
  const raw: RawPacket = { ts: 0, caplen: 0, wirelen: 0, linktype, data: new Uint8Array(0), offset: 0 };
  const selected: number[] = [];
  for (const p of trace.packets) {
    if (p.linktype !== linktype) continue;
    raw.data = p.data;
    raw.caplen = p.caplen;
    raw.wirelen = p.wirelen;
    if (filter(raw)) selected.push(p.index);
  }
  return selected;
}

function describeDifference(ours: number[], theirs: number[]): string {
  const a = new Set(ours);
  const b = new Set(theirs);
  const onlyOurs = ours.filter((i) => !b.has(i));
  const onlyTheirs = theirs.filter((i) => !a.has(i));
  return `bronze ${ours.length} vs tcpdump ${theirs.length}; only bronze: [${onlyOurs.slice(0, 5).join(",")}${onlyOurs.length > 5 ? ",…" : ""}] only tcpdump: [${onlyTheirs.slice(0, 5).join(",")}${onlyTheirs.length > 5 ? ",…" : ""}]`;
}

/** Compares bronze with tcpdump on every (trace, expression) pair; one row per trace. */
async function compareAll(names: string[], expressionsFor: (facts: Record<string, string>) => string[], t: { diagnostic(m: string): void }): Promise<Row[]> {
  const loaded: LoadedTrace[] = [];
  const expressionSets: string[][] = [];
  for (const name of names) {
    const path = resolve(traces, name);
    if (!existsSync(path)) {
      t.diagnostic(`trace missing, skipped: ${name}`);
      continue;
    }
    loaded.push(await loadTrace(path, name));
    expressionSets.push([...new Set(expressionsFor(traceFacts(path)))]);
  }
  const oracle = new TcpdumpOracle(loaded, version!);
  const answers = await oracle.answers(
    expressionSets.flatMap((set, trace) => set.map((expression) => ({ trace, expression }))),
    CONCURRENCY,
  );
  const rows: Row[] = [];
  loaded.forEach((trace, ti) => {
    const row: Row = {
      trace: trace.name,
      linktypes: trace.linktypes.join("+"),
      packets: trace.packets.length,
      compared: 0,
      notApplicable: 0,
      partial: 0,
      mismatches: [],
    };
    for (const lt of trace.linktypes) {
      const groupSize = trace.packets.filter((p) => p.linktype === lt).length;
      for (const expression of expressionSets[ti]!) {
        const answer = answers.get(`${ti}|${lt}|${expression}`)!;
        if ("error" in answer) {
          row.notApplicable++;
          continue;
        }
        row.compared++;
        if (answer.indices.length > 0 && answer.indices.length < groupSize) row.partial++;
        let ours: number[];
        try {
          ours = bronzeIndices(trace, lt, expression);
        } catch (e) {
          row.mismatches.push(`  [linktype ${lt}] ${expression}: bronze rejected it: ${(e as Error).message.split("\n")[0]}`);
          continue;
        }
        const same = ours.length === answer.indices.length && ours.every((v, i) => v === answer.indices[i]);
        if (!same) row.mismatches.push(`  [linktype ${lt}] ${expression}: ${describeDifference(ours, answer.indices)}`);
      }
    }
    rows.push(row);
  });
  return rows;
}

/** Prints the summary table; returns the mismatches and counts. */
function report(rows: Row[], expressionCount: number, t: { diagnostic(m: string): void }): { bad: string[]; total: number; partial: number } {
  const width = Math.max(42, ...rows.map((r) => r.trace.length + 2));
  const lines = [
    `${"trace".padEnd(width)}linktype  packets  compared  partial  n/a  mismatches`,
    ...rows.map(
      (r) =>
        `${r.trace.padEnd(width)}${r.linktypes.padEnd(8)}${String(r.packets).padStart(9)}${String(r.compared).padStart(10)}${String(r.partial).padStart(9)}${String(r.notApplicable).padStart(5)}${String(r.mismatches.length).padStart(12)}`,
    ),
  ];
  const total = rows.reduce((n, r) => n + r.compared, 0);
  const partial = rows.reduce((n, r) => n + r.partial, 0);
  const bad = rows.flatMap((r) => r.mismatches.map((m) => `${r.trace}${m}`));
  lines.push(
    `${rows.length} traces × ${expressionCount} expressions: ${total} comparisons (${partial} selecting some but not all packets), ${bad.length} mismatches`,
  );
  for (const l of lines) t.diagnostic(l);
  if (process.env.BRONZE_FILTER_ORACLE_VERBOSE) console.log(lines.join("\n"));
  return { bad, total, partial };
}

test("capture filters select exactly the packets tcpdump selects", async (t) => {
  if (version === null) return oracleMissing(t, "tcpdump not found on PATH");
  if (!existsSync(traces)) return oracleMissing(t, `corpus not found at ${traces}`);
  const rows = await compareAll(ORACLE_TRACES, (facts) => ORACLE_EXPRESSIONS.map((e) => instantiate(e, facts)), t);
  const { bad, total, partial } = report(rows, ORACLE_EXPRESSIONS.length, t);
  assert.ok(rows.length >= 10, "too few corpus traces found for a meaningful comparison");
  assert.ok(partial >= total / 8, "too few comparisons select a strict subset: the expressions test too little");
  assert.deepEqual(bad, [], `filters disagree with tcpdump:\n${bad.join("\n")}`);
});

test("generated and/or/not combinations agree with tcpdump", async (t) => {
  if (version === null) return oracleMissing(t, "tcpdump not found on PATH");
  if (!existsSync(traces)) return oracleMissing(t, `corpus not found at ${traces}`);
  const generated = generatedExpressions(GENERATED_COUNT);
  const rows = await compareAll(FUZZ_TRACES, (facts) => generated.map((e) => instantiate(e, facts)), t);
  const { bad } = report(rows, generated.length, t);
  assert.ok(rows.length >= 5, "too few corpus traces found for a meaningful comparison");
  assert.deepEqual(bad, [], `filters disagree with tcpdump:\n${bad.join("\n")}`);
});

test("NULL loopback: ip6 matches every AF_INET6 value (a deliberate difference from libpcap on Linux)", async (t) => {
  if (version === null) return oracleMissing(t, "tcpdump not found on PATH");
  const path = resolve(traces, "irc-353.pcap");
  if (!existsSync(path)) return oracleMissing(t, `corpus not found at ${traces}`);
  // A macOS capture (AF_INET6 = 30). tcpdump's filter on Linux looks for 10 and selects nothing,
  // but its decoder knows better: compare with the packets it prints as IP6.
  const trace = await loadTrace(path);
  const text = execFileSync("tcpdump", ["-nn", "-r", path], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, trace.packets.length, "one tcpdump line per packet");
  const printedAs = (word: string) => lines.flatMap((l, i) => (l.split(" ")[1] === word ? [i] : []));
  assert.ok(printedAs("IP6").length > 0);
  assert.deepEqual(bronzeIndices(trace, 0, "ip6"), printedAs("IP6"));
  assert.deepEqual(bronzeIndices(trace, 0, "ip"), printedAs("IP"));
});
