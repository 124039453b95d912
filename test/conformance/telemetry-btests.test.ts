/**
 * Zeek's btests of the telemetry framework, replayed as TypeScript twins of
 * their scripts and held to their baselines, read from Zeek's source
 * ($BRONZE_ZEEK_SOURCE or ../zeek): Telemetry::register_*_family become
 * telemetry.registerCounterFamily…, counter_family_inc counterFamilyInc and
 * so on, `hook Telemetry::sync` onSync, `print` the lines Zeek's print makes.
 *
 * Replayed: scripts/base/frameworks/telemetry/{basic, conn-duration-histogram,
 * event-handler-invocations, process-collect, sync-collect, sync-warnings,
 * sync (the Prometheus endpoint, scraped three times over loopback)},
 * scripts/policy/frameworks/telemetry/{log-prefixes, log},
 * telemetry/{counter, gauge, histogram} and
 * scripts/base/frameworks/logging/telemetry (the zeek_log_* metrics; its
 * HTTP::log_policy and Log::log_stream_policy vetoes are default-filter
 * policies here, which count the same: a stream's writes before them, its
 * writer's after).
 *
 * policy/frameworks/telemetry/log is held to its log-windows baseline: the
 * two baselines differ only in the order of a family's metrics (libstdc++'s
 * hash order of label values, or MSVC's, which is theirs sorted); bronze
 * orders them by label values, always.
 *
 * Left out, and why:
 *  - internal-metrics: Broker's metrics (bronze has no Broker);
 *  - policy/frameworks/telemetry/prometheus, prometheus-ipv6,
 *    cluster/telemetry/*, broker/telemetry: clusters of nodes and the
 *    manager's services.json (bronze runs one node);
 *  - sync's "received termination signal" and terminate(): the twin's run
 *    ends with its (empty) input instead.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { type LogManager, loadBuiltinScripts } from "../../src/index.js";
import type { HistogramMetric, Metric, Telemetry } from "../../src/scripts/telemetry/index.js";
import { readTrace } from "../../src/source/open.js";
import type { PacketSource } from "../../src/source/raw-packet.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource } from "../helpers/packets.js";
import { zeekDouble } from "../helpers/zeek-print.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog } from "./btest-applogs-harness.js";

/** A twin's test: skipped, saying so, when Zeek's source is absent. */
function btest(title: string, fn: (zeek: ZeekSource) => Promise<void>): void {
  test(title, async (t: TestContext) => {
    const zeek = zeekSource();
    if (zeek === null) oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE or ../zeek) is missing: its telemetry btests cannot be read");
    else await fn(zeek);
  });
}

/** A baseline file without btest-diff's first line. */
function baseline(zeek: ZeekSource, test: string, file: string): string {
  return zeek.read(`testing/btest/Baseline/${test}/${file}`).replace(/^### BTest baseline.*\n/, "");
}

/** Zeek's print of a value: doubles with ".0" (inf as inf), vectors as [a, b]. */
function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (typeof v === "number") return Number.isFinite(v) ? zeekDouble(v) : v > 0 ? "inf" : "-inf";
  return String(v);
}

function print(out: string[], ...values: unknown[]): void {
  out.push(values.map(show).join(", "));
}

interface Run {
  printed: string[];
  errors: string[];
  warnings: string[];
  logs: { text(path: string): string };
}

/** A `zeek -b` run: the twin's script gets the telemetry framework before the first packet. */
async function replay(
  zeek: ZeekSource,
  opts: { trace?: string; loads: string[]; settings?: string[]; source?: PacketSource },
  script: (telemetry: Telemetry, engine: Engine, out: string[]) => void,
  withLogs?: (logs: LogManager) => void,
): Promise<Run> {
  const engine = new Engine({ bare: true, loads: opts.loads, settings: opts.settings ?? [], ignoreChecksums: true });
  const errors: string[] = [];
  const warnings: string[] = [];
  const stderr = (line: string) => {
    const m = /^(?:bronze: )?(error|warning)[^:]*: (.*)$/.exec(line);
    if (m?.[1] === "error") errors.push(m[2]!);
    else if (m?.[1] === "warning") warnings.push(m[2]!);
  };
  const builtins = loadBuiltinScripts(engine, { memory: true, bare: true, loads: opts.loads, stderr, version: "0.1.0" });
  const printed: string[] = [];
  script(builtins.telemetry!, engine, printed);
  withLogs?.(builtins.logs);
  if (opts.source !== undefined) await engine.run(opts.source);
  else if (opts.trace === undefined) await engine.run(memorySource([]));
  else {
    const dir = mkdtempSync(join(tmpdir(), "bronze-telemetry-btest-"));
    try {
      const path = join(dir, opts.trace.replace(/^.*\//, ""));
      writeFileSync(path, Buffer.from(zeek.read(`testing/btest/Traces/${opts.trace}`), "latin1"));
      await engine.run(readTrace(path));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { printed, errors, warnings, logs: builtins.logs };
}

const TELEMETRY = ["base/frameworks/telemetry"];

/** What the twin printed, held to the btest's baseline of its standard output ("out" unless named); no reporter error. */
function assertPrinted(zeek: ZeekSource, run: Run, btest: string, file = "out"): void {
  assert.deepEqual(run.errors, []);
  assert.equal(`${run.printed.join("\n")}\n`, baseline(zeek, `scripts.base.frameworks.telemetry.${btest}`, file));
}

/** `event zeek_done() &priority=-100`: after the run's other zeek_done handlers, before the logs close. */
function lateZeekDone(engine: Engine, fn: () => void): void {
  engine.on("zeek_done", fn, { priority: -100 });
}

function printMetrics(out: string[], what: string, metrics: Metric[]): void {
  out.push(`### ${what} |${metrics.length}|`);
  for (const m of metrics) print(out, m.opts.metric_type, m.opts.prefix, m.opts.name, m.label_names, m.label_values, m.value);
}

function printHistograms(out: string[], what: string, metrics: HistogramMetric[]): void {
  out.push(`### ${what} |${metrics.length}|`);
  for (const m of metrics)
    print(out, m.opts.metric_type, m.opts.prefix, m.opts.name, m.opts.bounds, m.label_names, m.label_values, m.values, m.sum, m.observations);
}

btest("telemetry btest basic: counters, gauges and histograms listed by collect_metrics", async (zeek) => {
  const run = await replay(zeek, { trace: "echo-connections.pcap.gz", loads: TELEMETRY, settings: ["running_under_test=T"] }, (tm, engine, out) => {
    const counter = (name: string, help: string) => tm.registerCounterFamily({ prefix: "btest", name, unit: "", help_text: help, label_names: ["x", "y"] });
    const a = counter("a_test", "A btest metric");
    const b = counter("b_test", "Another btest metric");
    const c = counter("c_test", "The last btest metric");
    const temp = tm.registerGaugeFamily({
      prefix: "system",
      name: "sensor_temperature",
      unit: "celsius",
      help_text: "Temperatures reported by sensors in the system",
      label_names: ["name"],
    });
    const hist = tm.registerHistogramFamily({
      prefix: "btest",
      name: "sample_histogram",
      unit: "",
      help_text: "A sample histogram that is not returned by Telemetry::collect_metrics",
      bounds: [1, 2, 3, 4, 5],
      label_names: ["dim"],
    });
    lateZeekDone(engine, () => {
      tm.counterFamilyInc(a, ["a", "b"]);
      tm.counterFamilyInc(a, ["a", "c"]);
      tm.counterFamilyInc(a, ["a", "c"]);
      tm.counterFamilyInc(b, ["a", "b"], 10);
      tm.counterFamilyInc(b, ["a", "c"], 20);
      tm.counterFamilySet(c, ["a", "b"], 100);
      tm.counterFamilySet(c, ["a", "b"], 200);
      tm.gaugeFamilySet(temp, ["cpu0"], 43.0);
      tm.gaugeFamilySet(temp, ["cpu1"], 43.1);
      tm.gaugeFamilyInc(temp, ["cpu1"]);
      tm.gaugeFamilySet(temp, ["cpu3"], 43.2);
      tm.gaugeFamilyDec(temp, ["cpu3"]);
      for (const x of [0.5, 0.9, 1.1, 2.0, 7.0]) tm.histogramFamilyObserve(hist, ["a"], x);
      for (const x of [0.5, 7.0]) tm.histogramFamilyObserve(hist, ["b"], x);
      printMetrics(out, "zeek_session_metrics", tm.collectMetrics("zeek", "*session*"));
      printMetrics(out, "bt* metrics", tm.collectMetrics("bt*", "*"));
      printMetrics(out, "btest_a_metrics", tm.collectMetrics("btest", "a_*"));
      printMetrics(out, "btest_b_metrics", tm.collectMetrics("btest", "b_*"));
      printMetrics(out, "system_metrics", tm.collectMetrics("system"));
      printHistograms(out, "btest_histogram_metrics", tm.collectHistogramMetrics("btest"));
    });
  });
  assertPrinted(zeek, run, "basic");
});

btest("telemetry btest conn-duration-histogram: connection durations in histograms", async (zeek) => {
  const run = await replay(zeek, { trace: "echo-connections.pcap.gz", loads: TELEMETRY }, (tm, engine, out) => {
    const plain = tm.registerHistogramFamily({
      prefix: "zeek",
      name: "connection_duration",
      unit: "seconds",
      help_text: "Monitored connection durations",
      bounds: [2, 3, 4, 5, 6, 10],
    });
    const realistic = tm.registerHistogramFamily({
      prefix: "zeek",
      name: "realistic_connection_duration",
      label_names: ["proto"],
      unit: "seconds",
      help_text: "Monitored connection durations by protocol",
      bounds: [0.1, 1, 10, 30, 60, 120, 300, 900, 1800],
    });
    const h = tm.histogramWith(plain);
    engine.on("connection_state_remove", (c: Connection) => {
      tm.histogramObserve(h, c.duration);
      tm.histogramFamilyObserve(realistic, [c.id.transport], c.duration);
    });
    lateZeekDone(engine, () => {
      for (const hm of tm.collectHistogramMetrics("zeek", "*connection_duration")) {
        print(out, hm.opts.metric_type, hm.opts.prefix, hm.opts.name);
        print(out, hm.label_names);
        print(out, hm.label_values);
        print(out, hm.opts.bounds);
        print(out, hm.values);
        print(out, hm.observations, hm.sum);
      }
    });
  });
  assertPrinted(zeek, run, "conn-duration-histogram");
});

btest("telemetry btest event-handler-invocations: every handled event counted", async (zeek) => {
  const run = await replay(zeek, { trace: "echo-connections.pcap.gz", loads: TELEMETRY, settings: ["running_under_test=T"] }, (tm, engine, out) => {
    lateZeekDone(engine, () => {
      for (const m of tm.collectMetrics("zeek", "event_handler_invocations")) {
        if (/zeek_.*|connection_.*/.test(show(m.label_values))) print(out, m.opts.prefix, m.opts.name, m.label_values, m.value);
      }
    });
  });
  assertPrinted(zeek, run, "event-handler-invocations");
});

btest("telemetry btest process-collect: process metrics computed when collected", async (zeek) => {
  const run = await replay(zeek, { trace: "http/get.pcap", loads: TELEMETRY }, (tm, engine, out) => {
    const printAll = (ms: Metric[]) => {
      for (const m of ms) print(out, m.opts.name, m.label_values, m.value > 0 ? ">0.0, good" : "0.0, bad");
    };
    engine.on("zeek_init", () => {
      out.push("zeek_init");
      // burn_cpu(): at least 1 ms and 1000 rounds.
      const end = performance.now() + 1;
      for (let i = 0; performance.now() < end || i < 1000; i++);
      printAll(tm.collectMetrics("process"));
    });
    engine.on("zeek_done", () => {
      out.push("zeek_done");
      printAll(tm.collectMetrics("process"));
    });
  });
  assertPrinted(zeek, run, "process-collect");
});

/** sync-collect's and sync's counter and hook. */
function syncScript(tm: Telemetry, out: string[], after?: (calls: number) => void): void {
  const cf = tm.registerCounterFamily({
    prefix: "btest",
    name: "connections",
    unit: "",
    help_text: "Total number of monitored connections",
    label_names: ["proto"],
  });
  let calls = 0;
  tm.onSync(() => {
    calls++;
    const proto = calls === 1 ? "tcp" : "udp";
    print(out, "sync", String(calls), proto);
    tm.counterFamilyInc(cf, [proto]);
    after?.(calls);
  });
}

btest("telemetry btest sync-collect: every collection runs Telemetry::sync first", async (zeek) => {
  const run = await replay(zeek, { loads: TELEMETRY, settings: ["running_under_test=T"] }, (tm, engine, out) => {
    syncScript(tm, out);
    engine.on("zeek_init", () => {
      out.push("node up");
      const printAll = (ms: Metric[]) => {
        for (const m of ms) print(out, m.opts.name, m.label_values, m.value);
      };
      let ms = tm.collectMetrics("btest");
      printAll(ms);
      ms = tm.collectMetrics("btest");
      printAll(ms);
      ms = tm.collectMetrics("btest");
      printAll(ms);
      tm.collectHistogramMetrics("btest");
      printAll(ms);
    });
  });
  assertPrinted(zeek, run, "sync-collect");
});

btest("telemetry btest sync-warnings: a recursive collection and a breaking hook are warned of", async (zeek) => {
  const run = await replay(zeek, { loads: TELEMETRY }, (tm, engine, out) => {
    const cf = tm.registerCounterFamily({
      prefix: "btest",
      name: "connections",
      unit: "",
      help_text: "Total number of monitored connections",
      label_names: ["proto"],
    });
    engine.on("zeek_init", () => {
      out.push("node up");
      tm.counterFamilyInc(cf, ["tcp"]);
      tm.collectMetrics("btest");
    });
    tm.onSync(() => {
      tm.collectMetrics("btest");
    });
    tm.onSync(() => false, -100);
  });
  assertPrinted(zeek, run, "sync-warnings");
  assert.equal(run.warnings.map((w) => `warning: ${w}\n`).join(""), baseline(zeek, "scripts.base.frameworks.telemetry.sync-warnings", ".stderr"));
});

/** A free loopback port (the system's choice, released at once). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

btest("telemetry btest sync: the Prometheus endpoint runs Telemetry::sync for each scrape", async (zeek) => {
  const port = await freePort();
  const scraped: string[] = [];
  // The run lasts while the three scrapes are made (Zeek's exit_only_after_terminate, ended by the third sync).
  const source: PacketSource = {
    name: "scrapes",
    run: async () => {
      for (let i = 0; i < 3; i++) {
        const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        scraped.push(
          body
            .split("\n")
            .filter((l) => l.startsWith("btest"))
            .sort()
            .join("\n"),
        );
      }
      return { packets: 0, truncated: null };
    },
  };
  const run = await replay(
    zeek,
    { loads: TELEMETRY, settings: [`Telemetry::metrics_port=${port}/tcp`, "Telemetry::metrics_address=127.0.0.1"], source },
    (tm, engine, out) => {
      engine.on("zeek_init", () => out.push("node up"));
      syncScript(tm, out);
    },
  );
  assertPrinted(zeek, run, "sync", "zeek..stdout");
  for (let i = 0; i < 3; i++) assert.equal(`${scraped[i]}\n`, baseline(zeek, "scripts.base.frameworks.telemetry.sync", `metrics${i + 1}.txt`));
});

btest("telemetry btest log-prefixes: telemetry.log and telemetry_histogram.log of the btest prefix only", async (zeek) => {
  const loads = ["frameworks/telemetry/log"];
  const run = await replay(zeek, { trace: "echo-connections.pcap.gz", loads, settings: ['Telemetry::log_prefixes={"btest"}'] }, (tm, engine) => {
    const cf = tm.registerCounterFamily({
      prefix: "btest",
      name: "connections",
      unit: "",
      help_text: "Total number of monitored connections",
      label_names: ["proto"],
    });
    const hf = tm.registerHistogramFamily({
      prefix: "btest",
      name: "connection_duration",
      unit: "seconds",
      help_text: "Monitored connection duration",
      bounds: [2, 3, 4, 5, 6, 10],
    });
    const h = tm.histogramWith(hf);
    engine.on("connection_state_remove", (c: Connection) => {
      tm.counterFamilyInc(cf, [c.id.transport]);
      tm.histogramObserve(h, c.duration);
    });
  });
  const test = "scripts.policy.frameworks.telemetry.log-prefixes";
  assert.equal(canonicalBtestLog(run.logs.text("telemetry")), canonicalBtestLog(baseline(zeek, test, "telemetry.log")));
  assert.equal(canonicalBtestLog(run.logs.text("telemetry_histogram")), canonicalBtestLog(baseline(zeek, test, "telemetry_histogram.log")));
});

btest("telemetry btest log: telemetry.log every second of network time with misc/stats' metrics", async (zeek) => {
  const loads = ["misc/stats", "frameworks/telemetry/log"];
  const run = await replay(zeek, { trace: "wikipedia.pcap", loads, settings: ["Telemetry::log_interval=1sec"] }, (tm, engine) => {
    const hf = tm.registerHistogramFamily({
      prefix: "zeek",
      name: "connection_duration",
      unit: "seconds",
      help_text: "Monitored connection duration",
      bounds: [0.0001, 0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0],
    });
    const h = tm.histogramWith(hf);
    engine.on("connection_state_remove", (c: Connection) => void tm.histogramObserve(h, c.duration));
  });
  const grep = (text: string, re: RegExp) =>
    `${text
      .split("\n")
      .filter((l) => re.test(l))
      .join("\n")}\n`;
  const test = "scripts.policy.frameworks.telemetry.log-windows";
  assert.equal(grep(run.logs.text("telemetry"), /zeek_(net|.*sessions)/), baseline(zeek, test, "telemetry.log.filtered"));
  assert.equal(
    canonicalBtestLog(grep(run.logs.text("telemetry_histogram"), /zeek.*connection_duration/)),
    canonicalBtestLog(baseline(zeek, test, "telemetry_histogram.log.filtered")),
  );
});

btest("telemetry btests counter, gauge, histogram: the low-level functions", async (zeek) => {
  const f6 = (x: number) => x.toFixed(6);
  const run = await replay(zeek, { loads: [] }, (tm, engine, out) => {
    const cnt1 = tm.registerCounterFamily({ prefix: "cnt1", name: "bar", label_names: ["dim1", "dim2"] });
    const cnt2 = tm.registerCounterFamily({ prefix: "cnt2", name: "bar" });
    const gg1 = tm.registerGaugeFamily({ prefix: "gg1", name: "bar", label_names: ["dim1", "dim2"] });
    const gg2 = tm.registerGaugeFamily({ prefix: "gg2", name: "bar" });
    const hst1 = tm.registerHistogramFamily({ prefix: "hst1", name: "bar", label_names: ["dim1", "dim2"], bounds: [10, 20] });
    const hst2 = tm.registerHistogramFamily({ prefix: "hst2", name: "bar", bounds: [10, 20] });
    engine.on("zeek_init", () => {
      const c1 = tm.counterWith(cnt1, ["val1", "val2"]);
      tm.counterInc(c1);
      const c2 = tm.counterWith(cnt2);
      tm.counterInc(c2);
      tm.counterInc(c2, 41);
      out.push(`cnt1_bar: ${f6(tm.counterValue(c1))}`, `cnt2_bar: ${f6(tm.counterValue(c2))}`);
      const g1 = tm.gaugeWith(gg1, ["val1", "val2"]);
      tm.gaugeInc(g1);
      const g2 = tm.gaugeWith(gg2);
      tm.gaugeInc(g2);
      tm.gaugeInc(g2, 41);
      tm.gaugeDec(g2);
      tm.gaugeDec(g2, 18);
      out.push(`gg1_bar: ${f6(tm.gaugeValue(g1))}`, `gg2_bar: ${f6(tm.gaugeValue(g2))}`);
      const h1 = tm.histogramWith(hst1, ["val1", "val2"]);
      tm.histogramObserve(h1, 2);
      tm.histogramObserve(h1, 4);
      const h2 = tm.histogramWith(hst2);
      tm.histogramObserve(h2, 64);
      out.push(`hst1_bar: ${f6(tm.histogramSum(h1))}`, `hst2_bar: ${f6(tm.histogramSum(h2))}`);
    });
  });
  const expected = ["counter", "gauge", "histogram"].map((n) => baseline(zeek, `telemetry.${n}`, "output")).join("");
  assert.equal(`${run.printed.join("\n")}\n`, expected);
});

btest("telemetry btest logging/telemetry: log stream and writer writes in telemetry.log", async (zeek) => {
  const loads = ["base/protocols/conn", "base/protocols/dns", "base/protocols/http", "policy/frameworks/telemetry/log"];
  const run = await replay(
    zeek,
    { trace: "wikipedia.pcap", loads, settings: ["running_under_test=T"] },
    (tm) => {
      tm.onLogPolicy((rec) => /^zeek_log_/.test(rec.name) && /HTTP|DNS|Conn/.test(show(rec.label_values)));
    },
    (logs) => {
      let http = 0;
      let dns = 0;
      let conn = 0;
      logs.addFilter("http", { name: "default", policy: () => ++http % 3 !== 0 });
      logs.addFilter("dns", { name: "default", policy: () => ++dns % 3 !== 0 });
      logs.addFilter("conn", { name: "default", policy: () => ++conn % 7 !== 0 });
    },
  );
  assert.equal(canonicalBtestLog(run.logs.text("telemetry")), canonicalBtestLog(baseline(zeek, "scripts.base.frameworks.logging.telemetry", "telemetry.log")));
});
