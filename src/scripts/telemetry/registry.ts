/**
 * Zeek's telemetry registry (src/telemetry/Manager.cc over prometheus-cpp):
 * families of counters, gauges and histograms, each with a full name built
 * from prefix, name and unit, label names, and one metric per set of label
 * values. Scripts reach it through the framework (framework.ts, Zeek's
 * base/frameworks/telemetry); collection (collect_metrics and the
 * Prometheus endpoint) reads it.
 *
 * Zeek's rules, kept here:
 *  - full name: `prefix_name`, every byte that is not an ASCII letter or
 *    digit turned into `_`, then `_unit` (unless the unit is "" or "1"),
 *    then `_total` for counters; an empty prefix or name, a name ending in
 *    `_total` or a unit ending in `total` is an error (Zeek's fatal error);
 *  - a name registered again gives the family already there (its labels,
 *    help and bounds stay); with another type it is an error;
 *  - label names: `-` becomes `_`; a name must be a Prometheus label name
 *    (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`; not `le` for a
 *    histogram), checked when the family is registered;
 *  - histogram bounds strictly increasing; an observation lands in the
 *    first bucket whose bound is ≥ it, +Inf last;
 *  - counters ignore negative increments.
 *
 * Memory: each family holds at most MAX_LABEL_SETS metrics; past that a
 * new label set is refused (one error per family) and its updates go to
 * Zeek's usage-error metric of the family's type, as a wrong number of
 * label values does.
 */

/** Zeek's Telemetry::MetricType. */
export type MetricType = "Telemetry::COUNTER" | "Telemetry::GAUGE" | "Telemetry::HISTOGRAM";

/** At most this many label sets (metrics) per family. */
export const MAX_LABEL_SETS = 10_000;

/** An error of a metric's definition (Zeek stops with a fatal error, or prometheus-cpp throws). */
export class TelemetryError extends Error {
  override name = "TelemetryError";
}

/** One metric: a family's member for one set of label values. */
export class MetricInstance {
  value = 0;
  /** Histograms: observations per bucket (bounds, then +Inf). */
  readonly buckets: Float64Array;
  sum = 0;

  constructor(
    readonly family: MetricFamily,
    /** The label values in the order of the family's label names. */
    readonly labelValues: readonly string[],
    /** Computed at collection (Zeek's callback metrics: process, sessions, events). */
    readonly callback: (() => number) | null,
  ) {
    this.buckets = new Float64Array(family.type === "Telemetry::HISTOGRAM" ? family.bounds.length + 1 : 0);
  }

  /** The value now (a callback metric's is computed). */
  current(): number {
    return this.callback === null ? this.value : this.callback();
  }

  observe(x: number): void {
    const bounds = this.family.bounds;
    let i = 0;
    // std::lower_bound: the first bound not below x (NaN compares below nothing: the first bucket).
    while (i < bounds.length && bounds[i]! < x) i++;
    this.buckets[i]!++;
    this.sum += x;
  }
}

/** A family: every metric with one full name. */
export class MetricFamily {
  /** By the label values joined with NUL, in creation order. */
  readonly metrics = new Map<string, MetricInstance>();
  /** The label names in Prometheus order (by name), as indices into labelNames. */
  readonly sortedLabels: readonly number[];
  /** Reported once when MAX_LABEL_SETS is reached. */
  overflowReported = false;

  constructor(
    readonly type: MetricType,
    readonly fullName: string,
    readonly help: string,
    /** As registered ("-" already "_"). */
    readonly labelNames: readonly string[],
    /** Histograms: the bucket bounds, without +Inf. */
    readonly bounds: readonly number[],
    /** Registration order (families are collected in it, counters then gauges). */
    readonly order: number,
  ) {
    this.sortedLabels = labelNames.map((_, i) => i).sort((a, b) => compareStrings(labelNames[a]!, labelNames[b]!));
  }

  /** The prefix Zeek reports: the word before the first "_" of the full name. */
  get prefix(): string {
    const at = this.fullName.indexOf("_");
    return at < 0 ? "" : this.fullName.slice(0, at);
  }

  /** The label names in Prometheus order. */
  promLabelNames(): string[] {
    return this.sortedLabels.map((i) => this.labelNames[i]!);
  }

  /** A metric's label values in Prometheus order. */
  promLabelValues(m: MetricInstance): string[] {
    return this.sortedLabels.map((i) => m.labelValues[i]!);
  }

  /** The metric for `values` (label names' order), made when new; null past MAX_LABEL_SETS. */
  metric(values: readonly string[], callback: (() => number) | null = null): MetricInstance | null {
    const key = values.join("\0");
    const known = this.metrics.get(key);
    if (known !== undefined) return known;
    if (this.metrics.size >= MAX_LABEL_SETS) return null;
    const m = new MetricInstance(this, [...values], callback);
    this.metrics.set(key, m);
    return m;
  }
}

/** Byte-wise order of strings (std::string's operator<, for ASCII). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** std::vector<std::string>'s operator<: element by element, a prefix first. */
export function compareStringLists(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function isAlnum(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

/** Zeek's BuildFullPrometheusName: prefix_name[_unit][_total], non-alphanumeric bytes as "_". */
export function fullMetricName(prefix: string, name: string, unit: string, isSum: boolean): string {
  if (prefix === "" || name === "") throw new TelemetryError("Telemetry metric families must have a non-zero-length prefix and name");
  const bytes = Buffer.from(`${prefix}_${name}`, "utf8");
  let fn = "";
  for (const b of bytes) fn += isAlnum(b) ? String.fromCharCode(b) : "_";
  if (fn.endsWith("_total")) throw new TelemetryError("Metric names cannot end with '_total'");
  if (unit === "total" || unit.endsWith("_total")) throw new TelemetryError("Metric units cannot end with '_total'");
  if (unit !== "" && unit !== "1") fn += `_${unit}`;
  if (isSum) fn += "_total";
  // prometheus-cpp's CheckMetricName: the unit is taken as given, so the whole name is checked.
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(fn) || fn.startsWith("__")) throw new TelemetryError(`Invalid metric name: ${JSON.stringify(fn)}`);
  return fn;
}

/** prometheus-cpp's CheckLabelName, after Zeek's "-" to "_". */
function checkLabelName(name: string, type: MetricType, fullName: string): void {
  const ok = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) && !name.startsWith("__") && !(type === "Telemetry::HISTOGRAM" && name === "le");
  if (!ok) throw new TelemetryError(`Invalid label name ${JSON.stringify(name)} for ${fullName}`);
}

const TYPE_WORD: Record<MetricType, string> = { "Telemetry::COUNTER": "counter", "Telemetry::GAUGE": "gauge", "Telemetry::HISTOGRAM": "histogram" };

/** The families of one process (Zeek's telemetry manager's registry). */
export class MetricRegistry {
  private readonly byName = new Map<string, MetricFamily>();

  /** Registers (or finds) a family; a definition Zeek refuses throws a TelemetryError. */
  family(
    type: MetricType,
    prefix: string,
    name: string,
    unit: string,
    help: string,
    labelNames: readonly string[],
    bounds: readonly number[] = [],
  ): MetricFamily {
    const fullName = fullMetricName(prefix, name, unit, type === "Telemetry::COUNTER");
    const known = this.byName.get(fullName);
    if (known !== undefined) {
      if (known.type !== type) throw new TelemetryError(`Family name already exists with different type: ${fullName} is a ${TYPE_WORD[known.type]}`);
      return known;
    }
    const names = labelNames.map((l) => l.replaceAll("-", "_"));
    for (const l of names) checkLabelName(l, type, fullName);
    if (new Set(names).size !== names.length) throw new TelemetryError(`Duplicate label name in ${fullName}: ${names.join(", ")}`);
    if (type === "Telemetry::HISTOGRAM") {
      for (let i = 1; i < bounds.length; i++)
        if (!(bounds[i - 1]! < bounds[i]!)) throw new TelemetryError(`Bucket Boundaries must be strictly sorted (${fullName})`);
      if (bounds.some((b) => Number.isNaN(b))) throw new TelemetryError(`Bucket Boundaries must be strictly sorted (${fullName})`);
    }
    const family = new MetricFamily(type, fullName, help, names, type === "Telemetry::HISTOGRAM" ? [...bounds] : [], this.byName.size);
    this.byName.set(fullName, family);
    return family;
  }

  /** Every family in registration order. */
  families(): MetricFamily[] {
    return [...this.byName.values()];
  }

  /** The family of `fullName`, if registered. */
  get(fullName: string): MetricFamily | undefined {
    return this.byName.get(fullName);
  }
}

/**
 * fnmatch(3) without flags as Zeek's collect functions use it: `*` any
 * run of characters, `?` one, `[...]` a class (`!` or `^` negates), `\`
 * quotes the next character.
 */
export function globRegExp(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "\\" && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end);
        const negate = body.startsWith("!") || body.startsWith("^");
        if (negate) body = body.slice(1);
        re += `[${negate ? "^" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
        i = end;
      }
    } else re += escapeRegExp(c);
  }
  return new RegExp(`${re}$`);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
