/**
 * Zeek's 15 DNP3 btests (testing/btest/scripts/base/protocols/dnp3/*.zeek
 * that run events.zeek on a trace) on bronze: a TypeScript twin of
 * events.zeek's print handlers prints each event as Zeek's `print` of a comma
 * list does, and the output must equal the btest's baseline `output` line
 * for line (and its `coverage` line). Zeek's source ($BRONZE_ZEEK_SOURCE or ../zeek) and the corpus
 * traces are oracles: without them the tests skip, saying so.
 *
 * Left out: dnp3-flowbuffer-overflow-assert, which redefs
 * BinPAC::flowbuffer_capacity_max (bronze's DNP3 has no BinPAC flow
 * buffer, nor that setting) and wants an empty reporter.log.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DNP3_EVENT_NAMES } from "../../src/analyzer/app/dnp3/events.js";
import { Engine } from "../../src/engine.js";
import type { EventName } from "../../src/event/events.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { hexdump, zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

const DIR = "testing/btest/scripts/base/protocols/dnp3";

/** One value of a print list: bools T/F, counts in decimal, strings escaped. */
function value(v: unknown): string {
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "string") return zeekString(v);
  return String(v);
}

/**
 * events.zeek's handlers: by default `print NAME, is_orig, every argument`;
 * these print fewer (the frozen counters print their flag only) or otherwise.
 */
const PRINTS_FLAG_ONLY = new Set([
  "dnp3_frozen_counter_32wFlag",
  "dnp3_frozen_counter_16wFlag",
  "dnp3_frozen_counter_32wFlagTime",
  "dnp3_frozen_counter_16wFlagTime",
]);
/**
 * events.zeek's handlers for g32v4-v8 name events Zeek never raises
 * (dnp3_analog_input_16wTime, dnp3_analog_inputSP_woTime, …): they print
 * nothing, so the twin leaves those events out.
 */
const UNHANDLED = new Set([
  "dnp3_analog_input_event_16wTime",
  "dnp3_analog_input_event_SPwoTime",
  "dnp3_analog_input_event_DPwoTime",
  "dnp3_analog_input_event_SPwTime",
  "dnp3_analog_input_event_DPwTime",
  "dnp3_file_transport",
]);
/** Handlers that print another name than their event's. */
const PRINT_NAME: Readonly<Record<string, string>> = {
  dnp3_frozen_analog_input_event_SPwTime: "dnp3_frozen_analog_inputeventSP_wTime",
  dnp3_frozen_analog_input_event_DPwTime: "dnp3_frozen_analog_inputeventDP_wTime",
};

/** Registers the twin of events.zeek on `engine`, printing into `out`. */
export function printEvents(engine: Engine, out: string[]): void {
  const on = engine.on.bind(engine) as (name: EventName, handler: (...args: unknown[]) => void) => Engine;
  for (const name of DNP3_EVENT_NAMES.filter((n) => !UNHANDLED.has(n))) {
    const label = PRINT_NAME[name] ?? name;
    on(name, (_c, ...args) => void out.push([label, ...(PRINTS_FLAG_ONLY.has(name) ? args.slice(0, 2) : args)].map(value).join(", ")));
  }
  on("dnp3_file_transport", (_c, isOrig, handle, block, data) => {
    out.push(["dnp3_file_transport", isOrig, handle, block].map(value).join(", "));
    out.push(zeekString(hexdump(data as string)));
  });
}

interface Dnp3Btest {
  name: string;
  trace: string;
  ignoreChecksums: boolean;
}

/** The btests whose command runs events.zeek (or is events.zeek) on a trace, printing into `output`. */
function dnp3Btests(zeek: ZeekSource): Dnp3Btest[] {
  const out: Dnp3Btest[] = [];
  for (const file of zeek.list(DIR).filter((f) => f.endsWith(".zeek"))) {
    const m = /@TEST-EXEC: zeek -b (-C )?-r \$TRACES\/(\S+) (%INPUT|%DIR\/events\.zeek) >output/.exec(zeek.read(`${DIR}/${file}`));
    if (m !== null) out.push({ name: file.slice(0, -".zeek".length), trace: m[2]!, ignoreChecksums: m[1] !== undefined });
  }
  return out;
}

/** The bronze output of one btest. */
export async function runDnp3Btest(b: Dnp3Btest): Promise<string[]> {
  const engine = new Engine({ seed: ZEEK_SEED, bare: true, loads: ["base/protocols/dnp3"], settings: { ignore_checksums: b.ignoreChecksums } });
  const out: string[] = [];
  printEvents(engine, out);
  loadBuiltinScripts(engine, { memory: true, bare: true, loads: ["base/protocols/dnp3"], stderr: null });
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", b.trace)));
  return out;
}

/**
 * The btest's `coverage` line: the distinct first words of the output (awk
 * '{print $1}' | sort | uniq) of the events events.bif declares.
 */
function coverage(zeek: ZeekSource, output: readonly string[]): string {
  const covered = new Set(output.map((l) => l.trim().split(/\s+/)[0] ?? "")).size;
  const total = zeek.read("src/analyzer/protocol/dnp3/events.bif").match(/^event dnp3_/gm)?.length ?? 0;
  return `${covered} of ${total} events triggered by trace`;
}

function baseline(zeek: ZeekSource, name: string, file = "output"): string[] {
  const lines = zeek.read(`testing/btest/Baseline/scripts.base.protocols.dnp3.${name}/${file}`).split("\n");
  if (lines[0]?.startsWith("### BTest baseline")) lines.shift();
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

test("DNP3: Zeek's 15 event btests print what Zeek's baselines hold, line for line", async (t) => {
  const zeek = zeekSource();
  if (zeek === null) return oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: the DNP3 btests cannot be read");
  const traces = join(corpusRoot(), "zeek", "traces", "dnp3");
  if (!existsSync(traces)) return oracleMissing(t, `the DNP3 traces (${traces}) are missing`);
  const btests = dnp3Btests(zeek);
  assert.equal(btests.length, 15);
  const differ: string[] = [];
  for (const b of btests) {
    const got = await runDnp3Btest(b);
    const want = baseline(zeek, b.name);
    const first = want.findIndex((l, i) => got[i] !== l);
    if (first >= 0 || got.length !== want.length) {
      const at = first >= 0 ? first : want.length;
      differ.push(`${b.name}: line ${at + 1}: bronze ${JSON.stringify(got[at])}, Zeek ${JSON.stringify(want[at])} (${got.length} vs ${want.length} lines)`);
    }
    const cov = coverage(zeek, got);
    const wantCov = baseline(zeek, b.name, "coverage").at(-1);
    if (cov !== wantCov) differ.push(`${b.name}: coverage "${cov}", Zeek "${wantCov}"`);
  }
  t.diagnostic(`${btests.length - differ.length} of ${btests.length} outputs identical`);
  assert.deepEqual(differ, []);
});
