/**
 * The telemetry framework's rules, pinned: metric names and labels, what is
 * an error, histogram buckets, collect's globs and order, the bound on
 * label sets, the Prometheus text and endpoint, telemetry.log's rows at
 * Telemetry::log_interval, and Zeek's built-in metrics from a run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { formatPromValue, listenPrometheus, prometheusText, Telemetry, TelemetryError, telemetryFramework } from "../../../src/scripts/telemetry/index.js";
import { MAX_LABEL_SETS } from "../../../src/scripts/telemetry/registry.js";
import { frame, memorySource, type TestPacket, udp4 } from "../../helpers/packets.js";

function framework(): { tm: Telemetry; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const tm = new Telemetry({ error: (m) => errors.push(m), warning: (m) => warnings.push(m) });
  return { tm, errors, warnings };
}

test("a counter's full name is prefix_name_unit_total, non-alphanumeric bytes as _", () => {
  const { tm } = framework();
  const name = (prefix: string, n: string, unit?: string) => tm.registerCounterFamily({ prefix, name: n, unit }).family.fullName;
  assert.equal(name("site", "rejections"), "site_rejections_total");
  assert.equal(name("site", "bytes-seen", "bytes"), "site_bytes_seen_bytes_total");
  assert.equal(name("site", "unitless", "1"), "site_unitless_total");
  // "é" is two bytes in UTF-8: two underscores, as Zeek replaces byte by byte.
  assert.equal(name("a.b", "é"), "a_b____total");
  assert.equal(tm.registerGaugeFamily({ prefix: "site", name: "temp", unit: "celsius" }).family.fullName, "site_temp_celsius");
  assert.equal(tm.registerHistogramFamily({ prefix: "site", name: "size", unit: "bytes", bounds: [1] }).family.fullName, "site_size_bytes");
});

test("definitions Zeek refuses are one TelemetryError each", () => {
  const { tm } = framework();
  const refused = (f: () => unknown, message: RegExp) => assert.throws(f, (e: unknown) => e instanceof TelemetryError && message.test(e.message));
  refused(() => tm.registerCounterFamily({ prefix: "", name: "x" }), /non-zero-length prefix and name/);
  refused(() => tm.registerCounterFamily({ prefix: "site", name: "x_total" }), /^Metric names cannot end with '_total'$/);
  refused(() => tm.registerGaugeFamily({ prefix: "site", name: "x", unit: "total" }), /^Metric units cannot end with '_total'$/);
  refused(() => tm.registerCounterFamily({ prefix: "1site", name: "x" }), /Invalid metric name/);
  refused(() => tm.registerCounterFamily({ prefix: "site", name: "x", label_names: ["__x"] }), /Invalid label name "__x"/);
  refused(() => tm.registerCounterFamily({ prefix: "site", name: "y", label_names: ["a b"] }), /Invalid label name "a b"/);
  refused(() => tm.registerHistogramFamily({ prefix: "site", name: "h", label_names: ["le"], bounds: [1] }), /Invalid label name "le"/);
  refused(() => tm.registerHistogramFamily({ prefix: "site", name: "h2", bounds: [2, 1] }), /strictly sorted/);
  refused(() => tm.registerCounterFamily({ prefix: "site", name: "d", label_names: ["a", "a"] }), /Duplicate label name/);
  tm.registerGaugeFamily({ prefix: "site", name: "g" });
  refused(() => tm.registerHistogramFamily({ prefix: "site", name: "g", bounds: [1] }), /different type/);
  // The same name and type gives the family already there.
  const a = tm.registerCounterFamily({ prefix: "site", name: "same", label_names: ["x"] });
  const b = tm.registerCounterFamily({ prefix: "site", name: "same", label_names: ["x"], help_text: "other" });
  assert.equal(a.family, b.family);
});

test("labels: a wrong count counts as a usage error, other names refuse every update", () => {
  const { tm, errors } = framework();
  const cf = tm.registerCounterFamily({ prefix: "site", name: "conns", label_names: ["proto", "dir-ection"] });
  assert.equal(tm.counterFamilyInc(cf, ["tcp"]), true);
  assert.deepEqual(errors, ["Invalid label values expected 2, have 1"]);
  const usage = tm.collectMetrics("zeek", "telemetry_counter_usage_error");
  assert.deepEqual(
    usage.map((m) => [m.opts.name, m.value]),
    [["zeek_telemetry_counter_usage_error_total", 1]],
  );
  // Registered again under other label names: the family keeps its own.
  const other = tm.registerCounterFamily({ prefix: "site", name: "conns", label_names: ["proto", "zone"] });
  const c = tm.counterWith(other, ["tcp", "dmz"]);
  assert.equal(errors.at(-1), "Telemetry::counter_metric_get_or_add: invalid label dimensions.");
  assert.equal(tm.counterInc(c), false);
  assert.equal(errors.at(-1), "Telemetry::counter_inc: invalid handle.");
  // Label names are collected in Prometheus order (by name), "-" as "_".
  tm.counterFamilyInc(cf, ["udp", "in"], 3);
  const [m] = tm.collectMetrics("site");
  assert.deepEqual([m!.label_names, m!.label_values, m!.value], [["dir_ection", "proto"], ["in", "udp"], 3]);
});

test("counters ignore negative increments and refuse to go down; gauges go both ways", () => {
  const { tm, errors } = framework();
  const c = tm.counterWith(tm.registerCounterFamily({ prefix: "site", name: "n" }));
  tm.counterInc(c, 5);
  assert.equal(tm.counterInc(c, -2), true);
  assert.equal(tm.counterValue(c), 5);
  assert.equal(tm.counterSet(c, 4), false);
  assert.deepEqual(errors, ["Attempted to set lower counter value=4.0 cur_value=5.0"]);
  const g = tm.gaugeWith(tm.registerGaugeFamily({ prefix: "site", name: "level" }));
  tm.gaugeSet(g, 10);
  tm.gaugeDec(g, 12.5);
  assert.equal(tm.gaugeValue(g), -2.5);
});

test("a histogram's buckets: an observation lands in the first bound ≥ it, +Inf last", () => {
  const { tm } = framework();
  const hf = tm.registerHistogramFamily({ prefix: "site", name: "rtt", unit: "seconds", bounds: [0.1, 1, 10] });
  const h = tm.histogramWith(hf);
  for (const x of [0.05, 0.1, 0.2, 1, 5, 10, 11, 1e9]) tm.histogramObserve(h, x);
  const [m] = tm.collectHistogramMetrics("site");
  assert.deepEqual(m!.opts.bounds, [0.1, 1, 10, Number.POSITIVE_INFINITY]);
  assert.deepEqual(m!.values, [2, 2, 2, 2]);
  assert.equal(m!.observations, 8);
  assert.equal(m!.sum, 0.05 + 0.1 + 0.2 + 1 + 5 + 10 + 11 + 1e9);
  assert.equal(tm.histogramSum(h), m!.sum);
});

test("collect_metrics: fnmatch globs on prefix_name; counters, then gauges, each in registration order", () => {
  const { tm } = framework();
  tm.gaugeFamilySet(tm.registerGaugeFamily({ prefix: "app", name: "queue" }), [], 2);
  tm.counterFamilyInc(tm.registerCounterFamily({ prefix: "app", name: "b_requests" }));
  tm.counterFamilyInc(tm.registerCounterFamily({ prefix: "app", name: "a_requests" }));
  tm.counterFamilyInc(tm.registerCounterFamily({ prefix: "ap", name: "x" }));
  const names = (prefix: string, name?: string) => tm.collectMetrics(prefix, name).map((m) => m.opts.name);
  assert.deepEqual(names("app"), ["app_b_requests_total", "app_a_requests_total", "app_queue"]);
  assert.deepEqual(names("app", "[a]_*"), ["app_a_requests_total"]);
  assert.deepEqual(names("a?p", "*req*"), ["app_b_requests_total", "app_a_requests_total"]);
  assert.deepEqual(names("ap"), ["ap_x_total"]);
  const [m] = tm.collectMetrics("app", "queue");
  assert.deepEqual(m!.opts, {
    prefix: "app",
    name: "app_queue",
    help_text: "Zeek Script Metric",
    label_names: [],
    is_total: false,
    metric_type: "Telemetry::GAUGE",
  });
});

test("label sets are bounded: past MAX_LABEL_SETS one error, and new sets count as usage errors", () => {
  const { tm, errors } = framework();
  const cf = tm.registerCounterFamily({ prefix: "site", name: "per_host", label_names: ["host"] });
  for (let i = 0; i <= MAX_LABEL_SETS + 5; i++) tm.counterFamilyInc(cf, [`10.0.${i >> 8}.${i & 255}`]);
  assert.equal(cf.family.metrics.size, MAX_LABEL_SETS);
  assert.deepEqual(errors, [`Telemetry: site_per_host_total has ${MAX_LABEL_SETS} label sets, its most; updates of new ones count as usage errors`]);
  assert.equal(tm.collectMetrics("zeek", "telemetry_counter_usage_error")[0]!.value, 6);
});

test("Telemetry::sync hooks run before each collection, by priority; false skips the rest", () => {
  const { tm, warnings } = framework();
  const order: string[] = [];
  tm.onSync(() => void order.push("low"), -5);
  tm.onSync(() => void order.push("high"), 5);
  tm.collectMetrics();
  tm.onSync(() => {
    order.push("breaks");
    return false;
  });
  tm.collectHistogramMetrics();
  assert.deepEqual(order, ["high", "low", "high", "breaks"]);
  assert.deepEqual(warnings, ["Telemetry::sync() implementations skipped due to 'break' usage"]);
});

test("Prometheus values as a C++ stream with precision 16 prints them", () => {
  const cases: Array<[number, string]> = [
    [1, "1"],
    [0, "0"],
    [43.1, "43.1"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1e20, "1e+20"],
    [1300475167.096535, "1300475167.096535"],
    [1 / 3, "0.3333333333333333"],
    [-2.5, "-2.5"],
    [Number.NaN, "Nan"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
  ];
  for (const [x, text] of cases) assert.equal(formatPromValue(x), text, String(x));
});

test("the exposition text: HELP and TYPE, labels by name and escaped, histograms cumulative with +Inf", () => {
  const { tm } = framework();
  const cf = tm.registerCounterFamily({ prefix: "site", name: "hits", help_text: 'Hits\nby "path"', label_names: ["path", "method"] });
  tm.counterFamilyInc(cf, ['/a"b\\c\nd', "GET"], 2);
  tm.counterFamilyInc(cf, ["/", "GET"]);
  const hf = tm.registerHistogramFamily({ prefix: "site", name: "size", unit: "bytes", help_text: "Sizes", bounds: [100, 1000] });
  for (const x of [50, 500, 5000]) tm.histogramFamilyObserve(hf, [], x);
  tm.registerGaugeFamily({ prefix: "site", name: "unused" });
  assert.equal(
    prometheusText(tm),
    [
      '# HELP site_hits_total Hits\\nby "path"',
      "# TYPE site_hits_total counter",
      'site_hits_total{method="GET",path="/"} 1',
      'site_hits_total{method="GET",path="/a\\"b\\\\c\\nd"} 2',
      "# HELP site_size_bytes Sizes",
      "# TYPE site_size_bytes histogram",
      "site_size_bytes_count 3",
      "site_size_bytes_sum 5550",
      'site_size_bytes_bucket{le="100"} 1',
      'site_size_bytes_bucket{le="1000"} 2',
      'site_size_bytes_bucket{le="+Inf"} 3',
      "",
    ].join("\n"),
  );
  assert.equal(prometheusText(tm, { name: "node", value: "worker-1" }).split("\n")[2], 'site_hits_total{method="GET",node="worker-1",path="/"} 1');
});

test("the endpoint serves /metrics over HTTP (404 elsewhere) and closes", async () => {
  const { tm } = framework();
  tm.counterFamilyInc(tm.registerCounterFamily({ prefix: "site", name: "x" }), [], 7);
  const endpoint = listenPrometheus(tm, "127.0.0.1", 0, null, (m) => assert.fail(m));
  await new Promise((resolve) => endpoint.server.once("listening", resolve));
  const port = endpoint.address()!.port;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  assert.equal(await res.text(), "# HELP site_x_total Zeek Script Metric\n# TYPE site_x_total counter\nsite_x_total 7\n");
  assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  await endpoint.close();
  assert.equal(endpoint.server.listening, false);
});

/** UDP datagrams from 10.0.0.1 to 10.0.0.2 at the given times, each its own connection. */
function datagrams(times: number[]): TestPacket[] {
  return times.map((ts, i) => ({ ts, bytes: frame(udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 40000 + i, dport: 53, payload: "x" })) }));
}

test("a run: telemetry.log every log_interval of network time and at the end; the endpoint closed after", async () => {
  const loads = ["frameworks/telemetry/log"];
  const engine = new Engine({ loads, settings: ["Telemetry::log_interval=10sec", "Telemetry::metrics_port=0/unknown", 'Telemetry::log_prefixes={"zeek"}'] });
  const builtins = loadBuiltinScripts(engine, { memory: true, loads, stderr: null, version: "1.2.3" });
  await engine.run(memorySource(datagrams([100, 105, 112, 131])));
  const rows = builtins.logs
    .text("telemetry")
    .split("\n")
    .filter((l) => /\tzeek_total_sessions_total\t/.test(l))
    .map((l) => l.split("\t"));
  // Due at 10 (zeek_init's time 0 + 10 s): at the first packet; then 110, 120 (at 131), 131 at the end.
  assert.deepEqual(
    rows.map((r) => [r[0], r[5], r[6]]),
    [
      ["100.000000", "udp", "1.0"],
      ["112.000000", "udp", "3.0"],
      ["131.000000", "udp", "4.0"],
      ["131.000000", "udp", "4.0"],
    ],
  );
  const version = builtins.telemetry!.collectMetrics("zeek", "version_info")[0]!;
  assert.deepEqual(version.label_names, ["beta", "commit", "debug", "major", "minor", "patch", "version_number", "version_string"]);
  assert.deepEqual(version.label_values, ["false", "0", "false", "1", "2", "3", "10203", "1.2.3"]);
  assert.equal(builtins.telemetry!.endpoint, null);
});

test("a run with Telemetry::metrics_port: scraped while it runs, closed when it ends", async () => {
  const engine = new Engine({ settings: ["Telemetry::metrics_address=127.0.0.1"] });
  const telemetry = telemetryFramework(engine);
  // Port 0 as a setting means no endpoint: the test asks the system for one the same way the endpoint does.
  const probe = listenPrometheus(telemetry, "127.0.0.1", 0, null, () => undefined);
  await new Promise((resolve) => probe.server.once("listening", resolve));
  const port = probe.address()!.port;
  await probe.close();
  engine.settings["Telemetry::metrics_port"] = port;
  const builtins = loadBuiltinScripts(engine, { memory: true, stderr: null });
  let body = "";
  await engine.run({
    name: "scrape",
    run: async (sink) => {
      memorySource(datagrams([1, 2])).run(sink);
      body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return { packets: 2, truncated: null };
    },
  });
  assert.match(body, /^zeek_total_sessions_total\{protocol="udp"\} 2$/m);
  assert.match(body, /^zeek_event_handler_invocations_total\{name="zeek_init"\} 1$/m);
  assert.match(body, /^# TYPE process_resident_memory_bytes gauge$/m);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(builtins.telemetry!.endpoint!.server.listening, false);
});

test("Zeek's log metrics: each stream's writes and its filters' writer writes, labelled with the stream's Log::ID", async () => {
  const engine = new Engine({ settings: ["running_under_test=T"] });
  const builtins = loadBuiltinScripts(engine, { memory: true, stderr: null });
  let n = 0;
  // A filter policy (Zeek's) keeps every other conn.log row out: the stream counts them all, its writer half.
  builtins.logs.addFilter("conn", { name: "default", policy: () => ++n % 2 === 0 });
  const mine = builtins.logs.open({ path: "site_notes", fields: [{ name: "ts", type: "time" }] });
  engine.on("zeek_init", () => mine.write([0]));
  await engine.run(memorySource(datagrams([1, 2, 3, 4])));
  const metrics = builtins.telemetry!.collectMetrics("zeek", "log_*writes");
  const shown = metrics
    // The other streams of the run (weird.log, packet_filter.log) are left out here.
    .filter((m) => m.label_values.includes("Conn::LOG") || m.label_values.includes("site_notes"))
    .map((m) => `${m.opts.name}{${m.label_names.map((l, i) => `${l}=${m.label_values[i]}`).join(",")}} ${m.value}`);
  assert.deepEqual(shown, [
    "zeek_log_stream_writes_total{module=Conn,stream=Conn::LOG} 4",
    "zeek_log_stream_writes_total{module=GLOBAL,stream=site_notes} 1",
    "zeek_log_writer_writes_total{filter_name=default,module=Conn,path=conn,stream=Conn::LOG,writer=Log::WRITER_ASCII} 2",
    "zeek_log_writer_writes_total{filter_name=default,module=GLOBAL,path=site_notes,stream=site_notes,writer=Log::WRITER_ASCII} 1",
    "zeek_log_writer_discarded_writes_total{filter_name=default,module=Conn,path=conn,stream=Conn::LOG,writer=Log::WRITER_ASCII} 0",
    "zeek_log_writer_discarded_writes_total{filter_name=default,module=GLOBAL,path=site_notes,stream=site_notes,writer=Log::WRITER_ASCII} 0",
  ]);
});

test("Telemetry::log_interval is an option: the config framework changes it while the run goes on", () => {
  const engine = new Engine();
  const builtins = loadBuiltinScripts(engine, { memory: true, stderr: null });
  builtins.config!.setValue("Telemetry::log_interval", 5, "test");
  assert.equal(engine.settings["Telemetry::log_interval"], 5);
});
