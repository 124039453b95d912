/**
 * Zeek's telemetry framework (base/frameworks/telemetry) as bronze's
 * TypeScript surface: families registered with Zeek's MetricOpts, metrics
 * got for label values, counters, gauges and histograms updated, and
 * collect_metrics / collect_histogram_metrics giving Zeek's Metric and
 * HistogramMetric records. Telemetry::sync hooks run before every
 * collection (collect calls, the Prometheus endpoint, telemetry.log).
 *
 * Zeek's messages, as reporter errors and warnings:
 *  - a wrong number of label values: "Invalid label values expected N,
 *    have M", and the metric returned is Zeek's usage-error one
 *    (zeek_telemetry_{counter,gauge,histogram}_usage_error), which the
 *    update then counts;
 *  - label names other than the family's: "Telemetry::counter_metric_get_or_add:
 *    invalid label dimensions." and a metric that refuses every update
 *    ("Telemetry::counter_inc: invalid handle.");
 *  - counterSet below the value: "Attempted to set lower counter value=… cur_value=…";
 *  - a sync hook that collects: "Telemetry::sync() hook invoked
 *    recursively"; one that returns false (Zeek's `break`): "Telemetry::sync()
 *    implementations skipped due to 'break' usage".
 * Definitions Zeek refuses (names, label names, bounds) throw a TelemetryError.
 *
 * One framework per engine (telemetryFramework), made with the built-in
 * scripts or when a script first asks.
 */
import { formatDouble } from "../../log/numbers.js";
import type { TelemetryHistogramInfo, TelemetryInfo } from "./log.js";
import type { MetricsEndpoint } from "./prometheus.js";
import {
  compareStringLists,
  compareStrings,
  globRegExp,
  MAX_LABEL_SETS,
  type MetricFamily,
  type MetricInstance,
  MetricRegistry,
  type MetricType,
} from "./registry.js";

/** Zeek's Telemetry::MetricOpts. */
export interface MetricOpts {
  /** The namespace: "zeek" for Zeek's own metrics, "process" for the process's. */
  prefix: string;
  name: string;
  /** Left out (or "" or "1") for a unit-less metric; unset in collected records. */
  unit?: string;
  help_text?: string;
  /** The label names (dimensions); not filled in collected records. */
  label_names?: readonly string[];
  /** Collected records: whether the full name ends in "_total". */
  is_total?: boolean;
  /** Histograms: the bucket bounds (collected records add +Inf). */
  bounds?: readonly number[];
  /** Collected records only. */
  metric_type?: MetricType;
}

/** Zeek's Telemetry::Metric (collect_metrics). */
export interface Metric {
  opts: MetricOpts;
  label_names: string[];
  label_values: string[];
  value: number;
}

/** Zeek's Telemetry::HistogramMetric (collect_histogram_metrics). */
export interface HistogramMetric {
  opts: MetricOpts;
  label_names: string[];
  label_values: string[];
  /** Observations per bucket (not cumulative), as opts.bounds. */
  values: number[];
  observations: number;
  sum: number;
}

/** A family handle (Zeek's CounterFamily, GaugeFamily, HistogramFamily records): the family and the label names it was registered with. */
export interface FamilyHandle<T extends MetricType> {
  readonly metricType: T;
  /** @internal */ readonly family: MetricFamily;
  readonly labelNames: readonly string[];
}
export type CounterFamily = FamilyHandle<"Telemetry::COUNTER">;
export type GaugeFamily = FamilyHandle<"Telemetry::GAUGE">;
export type HistogramFamily = FamilyHandle<"Telemetry::HISTOGRAM">;

/** A metric handle (Zeek's Counter, Gauge, Histogram records); a null metric refuses updates (Zeek's invalid handle). */
export interface MetricHandle<T extends MetricType> {
  readonly metricType: T;
  /** @internal */ readonly metric: MetricInstance | null;
}
export type Counter = MetricHandle<"Telemetry::COUNTER">;
export type Gauge = MetricHandle<"Telemetry::GAUGE">;
export type Histogram = MetricHandle<"Telemetry::HISTOGRAM">;

/** A Telemetry::sync hook: false is Zeek's `break` (the hooks after it are skipped). */
export type SyncHook = () => unknown;

/** What the framework reports with. */
export interface TelemetryDeps {
  readonly error: (message: string) => void;
  readonly warning: (message: string) => void;
  /** Zeek's running_under_test: collected metrics in one fixed order (see collectMetrics). */
  readonly sorted?: () => boolean;
}

/** Built-in metrics computed when collected (builtin.ts). */
export type CollectHook = () => void;

const NO_LABELS: readonly string[] = [];

export class Telemetry {
  readonly registry = new MetricRegistry();
  /** Telemetry::log_policy hooks (policy/frameworks/telemetry/log): false keeps a telemetry.log row out. */
  readonly logPolicies: Array<(rec: TelemetryInfo) => unknown> = [];
  /** Telemetry::log_policy_histogram hooks: false keeps a telemetry_histogram.log row out. */
  readonly histogramLogPolicies: Array<(rec: TelemetryHistogramInfo) => unknown> = [];
  /** The Prometheus endpoint while it runs (Telemetry::metrics_port set), else null. */
  endpoint: MetricsEndpoint | null = null;
  private readonly syncHooks: Array<{ fn: SyncHook; priority: number; order: number }> = [];
  private readonly collectHooks: CollectHook[] = [];
  private inSync = false;
  private readonly errorCounter: Counter;
  private readonly errorGauge: Gauge;
  private readonly errorHistogram: Histogram;

  constructor(private readonly deps: TelemetryDeps) {
    // base/frameworks/telemetry/main.zeek's fallbacks for label misuse.
    const cf = this.registerCounterFamily({
      prefix: "zeek",
      name: "telemetry_counter_usage_error",
      unit: "",
      help_text: "This counter is returned when label usage for counters is wrong. Check reporter.log if non-zero.",
    });
    const gf = this.registerGaugeFamily({
      prefix: "zeek",
      name: "telemetry_gauge_usage_error",
      unit: "",
      help_text: "This gauge is returned when label usage for gauges is wrong. Check reporter.log if non-zero.",
    });
    const hf = this.registerHistogramFamily({
      prefix: "zeek",
      name: "telemetry_histogram_usage_error",
      unit: "",
      help_text: "This histogram is returned when label usage for histograms is wrong. Check reporter.log if non-zero.",
      bounds: [1.0],
    });
    this.errorCounter = { metricType: "Telemetry::COUNTER", metric: cf.family.metric(NO_LABELS) };
    this.errorGauge = { metricType: "Telemetry::GAUGE", metric: gf.family.metric(NO_LABELS) };
    this.errorHistogram = { metricType: "Telemetry::HISTOGRAM", metric: hf.family.metric(NO_LABELS) };
    // Made but not shown until used (Zeek's returns the family's metric only when asked).
    for (const m of [this.errorCounter.metric!, this.errorGauge.metric!, this.errorHistogram.metric!]) m.family.metrics.clear();
  }

  // ------------------------------------------------------------------ families

  /** Telemetry::register_counter_family. */
  registerCounterFamily(opts: MetricOpts): CounterFamily {
    return this.register("Telemetry::COUNTER", opts);
  }

  /** Telemetry::register_gauge_family. */
  registerGaugeFamily(opts: MetricOpts): GaugeFamily {
    return this.register("Telemetry::GAUGE", opts);
  }

  /** Telemetry::register_histogram_family (opts.bounds: the buckets' upper bounds, strictly increasing). */
  registerHistogramFamily(opts: MetricOpts): HistogramFamily {
    return this.register("Telemetry::HISTOGRAM", opts);
  }

  private register<T extends MetricType>(type: T, opts: MetricOpts): FamilyHandle<T> {
    const labelNames = [...(opts.label_names ?? [])];
    const family = this.registry.family(type, opts.prefix, opts.name, opts.unit ?? "", opts.help_text ?? "Zeek Script Metric", labelNames, opts.bounds ?? []);
    return { metricType: type, family, labelNames };
  }

  // ------------------------------------------------------------------ metrics

  /** Telemetry::counter_with. */
  counterWith(cf: CounterFamily, labelValues: readonly string[] = NO_LABELS): Counter {
    return { metricType: "Telemetry::COUNTER", metric: this.metricWith(cf, labelValues, this.errorCounter, "counter") };
  }

  /** Telemetry::gauge_with. */
  gaugeWith(gf: GaugeFamily, labelValues: readonly string[] = NO_LABELS): Gauge {
    return { metricType: "Telemetry::GAUGE", metric: this.metricWith(gf, labelValues, this.errorGauge, "gauge") };
  }

  /** Telemetry::histogram_with. */
  histogramWith(hf: HistogramFamily, labelValues: readonly string[] = NO_LABELS): Histogram {
    return { metricType: "Telemetry::HISTOGRAM", metric: this.metricWith(hf, labelValues, this.errorHistogram, "histogram") };
  }

  private metricWith(handle: FamilyHandle<MetricType>, values: readonly string[], fallback: MetricHandle<MetricType>, kind: string): MetricInstance | null {
    if (handle.labelNames.length !== values.length) {
      this.deps.error(`Invalid label values expected ${handle.labelNames.length}, have ${values.length}`);
      return this.usageError(fallback);
    }
    const family = handle.family;
    // Zeek builds a table of name → value (a name given twice keeps its last value), then checks it against the family's names.
    const byName = new Map<string, string>();
    for (let i = 0; i < handle.labelNames.length; i++) byName.set(handle.labelNames[i]!.replaceAll("-", "_"), String(values[i]));
    if (byName.size !== family.labelNames.length || !family.labelNames.every((n) => byName.has(n))) {
      this.deps.error(`Telemetry::${kind}_metric_get_or_add: invalid label dimensions.`);
      return null;
    }
    const metric = family.metric(family.labelNames.map((n) => byName.get(n)!));
    if (metric !== null) return metric;
    if (!family.overflowReported) {
      family.overflowReported = true;
      this.deps.error(`Telemetry: ${family.fullName} has ${MAX_LABEL_SETS} label sets, its most; updates of new ones count as usage errors`);
    }
    return this.usageError(fallback);
  }

  /** The usage-error metric of a type, shown from its first use. */
  private usageError(fallback: MetricHandle<MetricType>): MetricInstance {
    const m = fallback.metric!;
    if (!m.family.metrics.has("")) m.family.metrics.set("", m);
    return m;
  }

  /** Telemetry::counter_inc (a negative amount is ignored, as prometheus-cpp does). */
  counterInc(c: Counter, amount = 1): boolean {
    const m = this.live(c, "Telemetry::counter_inc: invalid handle.");
    if (m === null) return false;
    if (amount >= 0) m.value += amount;
    return true;
  }

  /** Telemetry::counter_set: a value below the current one is an error. */
  counterSet(c: Counter, value: number): boolean {
    const current = this.counterValue(c);
    if (value < current) {
      this.deps.error(`Attempted to set lower counter value=${formatDouble(value)} cur_value=${formatDouble(current)}`);
      return false;
    }
    return this.counterInc(c, value - current);
  }

  /** Telemetry::__counter_value. */
  counterValue(c: Counter): number {
    const m = this.live(c, "Telemetry::counter_value: invalid handle.");
    return m === null ? 0 : m.current();
  }

  /** Telemetry::counter_family_inc. */
  counterFamilyInc(cf: CounterFamily, labelValues: readonly string[] = NO_LABELS, amount = 1): boolean {
    return this.counterInc(this.counterWith(cf, labelValues), amount);
  }

  /** Telemetry::counter_family_set. */
  counterFamilySet(cf: CounterFamily, labelValues: readonly string[], value: number): boolean {
    return this.counterSet(this.counterWith(cf, labelValues), value);
  }

  /** Telemetry::gauge_inc. */
  gaugeInc(g: Gauge, amount = 1): boolean {
    const m = this.live(g, "Telemetry::gauge_inc: invalid handle.");
    if (m === null) return false;
    m.value += amount;
    return true;
  }

  /** Telemetry::gauge_dec. */
  gaugeDec(g: Gauge, amount = 1): boolean {
    const m = this.live(g, "Telemetry::gauge_dec: invalid handle.");
    if (m === null) return false;
    m.value -= amount;
    return true;
  }

  /** Telemetry::gauge_set (as Zeek's script: an increment or decrement by the difference). */
  gaugeSet(g: Gauge, value: number): boolean {
    const current = this.gaugeValue(g);
    return value > current ? this.gaugeInc(g, value - current) : this.gaugeDec(g, current - value);
  }

  /** Telemetry::__gauge_value. */
  gaugeValue(g: Gauge): number {
    const m = this.live(g, "Telemetry::gauge_value: invalid handle.");
    return m === null ? 0 : m.current();
  }

  /** Telemetry::gauge_family_inc. */
  gaugeFamilyInc(gf: GaugeFamily, labelValues: readonly string[] = NO_LABELS, amount = 1): boolean {
    return this.gaugeInc(this.gaugeWith(gf, labelValues), amount);
  }

  /** Telemetry::gauge_family_dec. */
  gaugeFamilyDec(gf: GaugeFamily, labelValues: readonly string[] = NO_LABELS, amount = 1): boolean {
    return this.gaugeDec(this.gaugeWith(gf, labelValues), amount);
  }

  /** Telemetry::gauge_family_set. */
  gaugeFamilySet(gf: GaugeFamily, labelValues: readonly string[], value: number): boolean {
    return this.gaugeSet(this.gaugeWith(gf, labelValues), value);
  }

  /** Telemetry::histogram_observe. */
  histogramObserve(h: Histogram, measurement: number): boolean {
    const m = this.live(h, "Telemetry::histogram_inc: invalid handle.");
    if (m === null) return false;
    m.observe(measurement);
    return true;
  }

  /** Telemetry::histogram_family_observe. */
  histogramFamilyObserve(hf: HistogramFamily, labelValues: readonly string[], measurement: number): boolean {
    return this.histogramObserve(this.histogramWith(hf, labelValues), measurement);
  }

  /** Telemetry::__histogram_sum. */
  histogramSum(h: Histogram): number {
    const m = this.live(h, "Telemetry::histogram_sum: invalid handle.");
    return m === null ? 0 : m.sum;
  }

  private live(h: MetricHandle<MetricType>, error: string): MetricInstance | null {
    if (h.metric === null) this.deps.error(error);
    return h.metric;
  }

  // ------------------------------------------------------------------ collection

  /** Telemetry::log_policy: `hook` sees each telemetry.log row first; false keeps it out. */
  onLogPolicy(hook: (rec: TelemetryInfo) => unknown): void {
    this.logPolicies.push(hook);
  }

  /** Telemetry::log_policy_histogram: as onLogPolicy, for telemetry_histogram.log. */
  onLogPolicyHistogram(hook: (rec: TelemetryHistogramInfo) => unknown): void {
    this.histogramLogPolicies.push(hook);
  }

  /** Telemetry::sync: `hook` runs before every collection, by priority (higher first); returning false skips the rest. */
  onSync(hook: SyncHook, priority = 0): void {
    this.syncHooks.push({ fn: hook, priority, order: this.syncHooks.length });
    this.syncHooks.sort((a, b) => b.priority - a.priority || a.order - b.order);
  }

  /** A built-in metric source, run after the sync hooks at every collection. */
  onCollect(hook: CollectHook): void {
    this.collectHooks.push(hook);
  }

  /** Zeek's UpdateMetrics: the sync hooks, then the built-in sources. */
  update(): void {
    this.runSync();
    for (const hook of this.collectHooks) hook();
  }

  private runSync(): void {
    if (this.inSync) {
      this.deps.warning("Telemetry::sync() hook invoked recursively");
      return;
    }
    this.inSync = true;
    try {
      for (const { fn } of [...this.syncHooks]) {
        if (fn() === false) {
          this.deps.warning("Telemetry::sync() implementations skipped due to 'break' usage");
          break;
        }
      }
    } finally {
      this.inSync = false;
    }
  }

  /**
   * The families in collection order: counters, then gauges, then
   * histograms (prometheus-cpp's registry), each kind in registration
   * order; a family's metrics by their label values (Prometheus order).
   */
  collected(): Array<{ family: MetricFamily; metrics: MetricInstance[] }> {
    const rank: Record<MetricType, number> = { "Telemetry::COUNTER": 0, "Telemetry::GAUGE": 1, "Telemetry::HISTOGRAM": 2 };
    return this.registry
      .families()
      .sort((a, b) => rank[a.type] - rank[b.type] || a.order - b.order)
      .map((family) => ({
        family,
        metrics: [...family.metrics.values()].sort((x, y) => compareStringLists(family.promLabelValues(x), family.promLabelValues(y))),
      }));
  }

  /**
   * Telemetry::collect_metrics: counters and gauges whose full name matches
   * `prefix_name` (fnmatch globs; a `*` is added at the end unless there).
   * In collection order, or under Zeek's running_under_test in the order
   * its btests show: by the length of the name, then label values, then name.
   */
  collectMetrics(prefix = "*", name = "*"): Metric[] {
    this.update();
    const pattern = matcher(prefix, name);
    const out: Metric[] = [];
    for (const { family, metrics } of this.collected()) {
      if (family.type === "Telemetry::HISTOGRAM" || !pattern.test(family.fullName)) continue;
      const opts = collectedOpts(family);
      for (const m of metrics) out.push({ opts, label_names: family.promLabelNames(), label_values: family.promLabelValues(m), value: m.current() });
    }
    return this.deps.sorted?.() === true ? out.sort(testOrder) : out;
  }

  /** Telemetry::collect_histogram_metrics (globs as collectMetrics). */
  collectHistogramMetrics(prefix = "*", name = "*"): HistogramMetric[] {
    this.update();
    const pattern = matcher(prefix, name);
    const out: HistogramMetric[] = [];
    for (const { family, metrics } of this.collected()) {
      if (family.type !== "Telemetry::HISTOGRAM" || !pattern.test(family.fullName)) continue;
      const opts = { ...collectedOpts(family), bounds: [...family.bounds, Number.POSITIVE_INFINITY] };
      for (const m of metrics) {
        const values = [...m.buckets];
        out.push({
          opts,
          label_names: family.promLabelNames(),
          label_values: family.promLabelValues(m),
          values,
          observations: values.reduce((a, b) => a + b, 0),
          sum: m.sum,
        });
      }
    }
    return this.deps.sorted?.() === true ? out.sort(testOrder) : out;
  }
}

function matcher(prefix: string, name: string): RegExp {
  let full = `${prefix}_${name}`;
  if (!full.endsWith("*")) full += "*";
  return globRegExpCached(full);
}

const patterns = new Map<string, RegExp>();

function globRegExpCached(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (re === undefined) {
    re = globRegExp(pattern);
    if (patterns.size < 256) patterns.set(pattern, re);
  }
  return re;
}

/** A family's MetricOpts as collected: full name, first word as prefix, help, is_total, type; no unit, no label names. */
function collectedOpts(family: MetricFamily): MetricOpts {
  return {
    prefix: family.prefix,
    name: family.fullName,
    help_text: family.help,
    label_names: [],
    is_total: family.fullName.endsWith("_total"),
    metric_type: family.type,
  };
}

function testOrder(a: { opts: MetricOpts; label_values: string[] }, b: { opts: MetricOpts; label_values: string[] }): number {
  return a.opts.name.length - b.opts.name.length || compareStringLists(a.label_values, b.label_values) || compareStrings(a.opts.name, b.opts.name);
}
