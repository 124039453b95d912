/**
 * Zeek's Finger btests (testing/btest/scripts/base/protocols/finger), which
 * print from event handlers and so are not replayed by the btest-applogs
 * suite: each `zeek -r TRACE %INPUT >FILE` run is an engine with --spicy
 * (Zeek's baselines come from a Spicy build) and Zeek's btest seed, and a
 * TypeScript twin of the test's handlers prints what the script prints;
 * the lines must be the baseline's. Zeek's source and the corpus traces are
 * oracles: without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { zeekConnId, zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { zeekSource } from "../signatures/btest-harness.js";

const BASELINE = "testing/btest/Baseline/scripts.base.protocols.finger";
const TRACES = join(corpusRoot(), "zeek", "traces", "finger");

/** Zeek's `print` of a conn_id. */
const connId = (c: Connection): string => zeekConnId(c.id);

/** A twin of a btest's script: handlers on the engine that print into `out`. */
type Twin = (engine: Engine, out: string[]) => void;

/** events.zeek: every request; reply lines while fewer than five were seen (the counter is per zeek run). */
const eventsTwin: Twin = (engine, out) => {
  let respLines = 0;
  engine.on("finger_request", (c, full, username, hostname) => {
    out.push(["request", connId(c), full ? "T" : "F", zeekString(username), zeekString(hostname)].join(", "));
  });
  engine.on("finger_reply", (c, line) => {
    if (++respLines >= 5) return;
    out.push(["response", connId(c), zeekString(line)].join(", "));
  });
};

/** line-limit-exceeded.zeek: the request's lengths, and a complaint for any reply line. */
const lineLimitTwin: Twin = (engine, out) => {
  engine.on("finger_request", (_c, _full, username, hostname) => {
    out.push(`Request lengths: username: ${username.length} hostname: ${hostname.length}`);
  });
  engine.on("finger_reply", (_c, line) => {
    out.push("BAD BAD BAD, REPLY WAS TOO LARGE");
    out.push(`Reply length: ${line.length}:`);
  });
};

/** One `zeek -r TRACE %INPUT` run with the default scripts and Spicy: what the twin printed. */
async function run(trace: string, twin: Twin): Promise<string[]> {
  const engine = new Engine({ spicy: true, seed: ZEEK_SEED });
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  twin(engine, out);
  await engine.run(await openTrace(join(TRACES, trace)));
  return out;
}

interface Case {
  readonly test: string;
  /** Each run's trace and the baseline file its output goes to (`>>` appends: the same file twice). */
  readonly runs: readonly (readonly [trace: string, output: string])[];
  readonly twin: Twin;
}

const CASES: readonly Case[] = [
  {
    test: "events",
    runs: [
      ["standard.pcap", "output"],
      ["verbose.pcap", "output"],
    ],
    twin: eventsTwin,
  },
  {
    test: "line-limit-exceeded",
    runs: [
      ["long-request.pcapng", "out-request"],
      ["long-reply-line.pcapng", "out-reply"],
    ],
    twin: lineLimitTwin,
  },
];

const zeek = zeekSource();

for (const c of CASES) {
  test(`Zeek's Finger btest ${c.test}: what it prints, with --spicy`, async (t) => {
    if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its Finger btests are not replayed");
    if (!existsSync(TRACES)) return oracleMissing(t, "the corpus' Finger traces (zeek/traces/finger) are not there");
    const printed = new Map<string, string[]>();
    for (const [trace, output] of c.runs) printed.set(output, [...(printed.get(output) ?? []), ...(await run(trace, c.twin))]);
    for (const [output, lines] of printed) {
      const baseline: string[] = zeek
        .read(`${BASELINE}.${c.test}/${output}`)
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("### "));
      assert.deepEqual(lines, baseline, `${c.test} ${output}`);
    }
  });
}

test("without --spicy the legacy analyzer runs: it reads the over-long request in pieces, which the Spicy baseline has none of", async (t) => {
  if (zeek === null) return oracleMissing(t, "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its Finger btests are not read");
  if (!existsSync(TRACES)) return oracleMissing(t, "the corpus' Finger traces (zeek/traces/finger) are not there");
  const engine = new Engine({ seed: ZEEK_SEED });
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  lineLimitTwin(engine, out);
  await engine.run(await openTrace(join(TRACES, "long-request.pcapng")));
  const spicy = zeek
    .read(`${BASELINE}.line-limit-exceeded/out-request`)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("### "));
  assert.deepEqual(spicy, []);
  // The legacy analyzer's line splitter cuts the 1,300 bytes into more than one query: no violation stops it.
  assert.ok(out.length >= 2, out.join("; "));
});
