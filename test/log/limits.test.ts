/**
 * Zeek's bounds on a log record's strings and lists (src/log/limits.ts):
 * its btests logging/field-length-limiting and field-length-limiting-stream
 * (six runs each: the run's Log::default_max_* redefs, then the same bounds
 * as the stream's own) replayed as TypeScript twins and held to their
 * test.log, weird.log and .stdout baselines (the latter the
 * zeek_log_writer_truncated_* counters, sorted as the btest sorts it); and the rules
 * the corpus does not reach (a cut inside a UTF-8 character, http.log's
 * unbounded strings, extension columns counted first).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { cutLogText, type LogLimits, logTextBytes } from "../../src/log/limits.js";
import { LogManager } from "../../src/log/manager.js";
import { fields, type LogSchema } from "../../src/log/schema.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { zeekDouble } from "../helpers/zeek-print.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();

/** The six runs of each btest: the redef of the run (global) or the stream's field (stream). */
const RUNS: ReadonlyArray<[setting: string, limit: Partial<LogLimits>]> = [
  ["Log::default_max_field_string_bytes=5", { maxFieldStringBytes: 5 }],
  ["Log::default_max_total_string_bytes=115", { maxTotalStringBytes: 115 }],
  ["Log::default_max_total_string_bytes=85", { maxTotalStringBytes: 85 }],
  ["Log::default_max_field_container_elements=5", { maxFieldContainerElements: 5 }],
  ["Log::default_max_total_container_elements=15", { maxTotalContainerElements: 15 }],
  ["Log::default_max_total_container_elements=5", { maxTotalContainerElements: 5 }],
];

/** The btest's record: two vectors of ten "ABCDEFGHIJ", written at zeek_init; test.log and weird.log as written. */
async function limitRun(setting: string | null, streamLimits: Partial<LogLimits> | undefined): Promise<{ test: string; weird: string; stdout: string[] }> {
  const loads = ["base/frameworks/telemetry", "base/frameworks/notice/weird"];
  const engine = new Engine({ settings: setting === null ? [] : [setting], bare: true, loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const schema: LogSchema = {
    path: "test",
    id: "Test::LOG",
    fields: fields(["strings1", "vector[string]"], ["strings2", "vector[string]"]),
    limits: streamLimits,
  };
  const log = scripts.logs.open(schema);
  const ten = Array.from({ length: 10 }, () => "ABCDEFGHIJ");
  engine.on("zeek_init", () => log.write([ten, ten]));
  await engine.run(memorySource([]));
  // The btest prints Telemetry::collect_metrics("zeek", "log_writer_truncated*") in an event after the write.
  const stdout = scripts
    .telemetry!.collectMetrics("zeek", "log_writer_truncated*")
    .map((m) =>
      [m.opts.metric_type, m.opts.prefix, m.opts.name, `[${m.label_names.join(", ")}]`, `[${m.label_values.join(", ")}]`, zeekDouble(m.value)].join(", "),
    );
  return { test: scripts.logs.text("test"), weird: scripts.logs.text("weird"), stdout };
}

/** A log as compared with a baseline: no #open/#close, each row's time masked. */
function compared(lines: readonly string[]): string[] {
  return lines.filter((l) => l !== "" && !/^#(open|close)\b/.test(l)).map((l) => l.replace(/^(\d+\.\d{6}|XXXXXXXXXX\.XXXXXX)\t/, "TS\t"));
}

for (const [btest, global] of [
  ["field-length-limiting", true],
  ["field-length-limiting-stream", false],
] as const) {
  test(`Zeek's btest logging/${btest}: its six runs' test.log and weird.log`, async (t) => {
    if (zeek === null) return oracleMissing(t, `Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: ${btest}'s baselines cannot be read`);
    for (const [n, [setting, limits]] of RUNS.entries()) {
      const dir = `scripts.base.frameworks.logging.${btest}${n === 0 ? "" : `-${n + 1}`}`;
      const out = await limitRun(global ? setting : null, global ? undefined : limits);
      assert.deepEqual(compared(out.test.split("\n")), compared(baselineLines(zeek, `${dir}/test.log`)), `${dir}: test.log`);
      assert.deepEqual(compared(out.weird.split("\n")), compared(baselineLines(zeek, `${dir}/weird.log`)), `${dir}: weird.log`);
      assert.deepEqual([...out.stdout].sort(), baselineLines(zeek, `${dir}/.stdout`), `${dir}: .stdout`);
    }
  });
}

test("a cut inside a UTF-8 character keeps its leading bytes, written \\xNN; lone surrogates (raw bytes) count one byte", () => {
  assert.equal(logTextBytes("aé✓"), 1 + 2 + 3);
  assert.equal(logTextBytes("\udcff😀"), 1 + 4);
  assert.equal(cutLogText("aé✓", 2), "a\udcc3");
  assert.equal(cutLogText("aé✓", 5), "aé\udce2\udc9c");
  assert.equal(cutLogText("😀b", 3), "\udcf0\udc9f\udc98");
  const logs = new LogManager({ memory: true, limits: { maxFieldStringBytes: 4 } });
  const w = logs.open({ path: "u", fields: fields(["s", "string"]) });
  w.write(["ab✓x"]);
  logs.closeAll();
  // The run holding the cut is escaped whole, as Zeek's writer escapes an invalid sequence's run.
  assert.equal(
    logs
      .text("u")
      .split("\n")
      .filter((l) => !l.startsWith("#"))[0],
    "ab\\xe2\\x9c",
  );
});

test("extension columns are counted first; the stream's own bounds win over the run's; 0 is no bound; each cut is reported", () => {
  const cuts: string[] = [];
  const logs = new LogManager({
    memory: true,
    limits: { maxTotalStringBytes: 8 },
    extension: { fields: fields(["sensor", "string"]), values: () => ["s1234"] },
    onLimit: (weird, stream) => cuts.push(`${weird} ${stream}`),
  });
  const w = logs.open({ path: "http", fields: fields(["uri", "string"], ["tags", "set[string]"]), limits: { maxFieldStringBytes: 0 } });
  w.write(["/abcdef", ["x", "y"]]);
  const unbounded = logs.open({ path: "big", fields: fields(["s", "string"]), limits: { maxFieldStringBytes: 0, maxTotalStringBytes: 0 } });
  unbounded.write(["z".repeat(10_000)]);
  logs.closeAll();
  assert.deepEqual(rows(logs, "http"), ["s1234\t/ab\t(empty),(empty)"]);
  assert.deepEqual(cuts, ["log_string_field_truncated HTTP::LOG", "log_string_field_truncated HTTP::LOG", "log_string_field_truncated HTTP::LOG"]);
  assert.equal(rows(logs, "big")[0], `s1234\t${"z".repeat(10_000)}`);
});

test("the default bounds: a string column over 4096 bytes and a list over 100 elements are cut, naming the stream's Log::ID", () => {
  const cuts: string[] = [];
  const logs = new LogManager({ memory: true, onLimit: (weird, stream) => cuts.push(`${weird} ${stream}`) });
  const w = logs.open({ path: "dns", fields: fields(["query", "string"], ["answers", "vector[string]"]) });
  w.write(["q".repeat(5000), Array.from({ length: 150 }, (_, i) => `a${i}`)]);
  w.write(["short", ["one"]]);
  logs.closeAll();
  const [first, second] = rows(logs, "dns");
  const [query, answers] = first!.split("\t");
  assert.equal(query!.length, 4096);
  assert.equal(answers!.split(",").length, 100);
  assert.equal(second, "short\tone");
  assert.deepEqual(cuts, ["log_string_field_truncated DNS::LOG", "log_container_field_truncated DNS::LOG"]);
});

function rows(logs: LogManager, path: string): string[] {
  return logs
    .text(path)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
}
