/**
 * Zeek's policy/frameworks/telemetry/log: telemetry.log (counters and
 * gauges) and telemetry_histogram.log, a row per metric whose prefix is in
 * Telemetry::log_prefixes (all when empty), every Telemetry::log_interval
 * of network time (the first due at the first packet: it is scheduled in
 * zeek_init, where network time is 0) and once more at zeek_done, late.
 * Telemetry::log_policy and log_policy_histogram are `onLogPolicy` and
 * `onLogPolicyHistogram` hooks (false keeps the row out).
 *
 * The prefixes are collected one after the other in sorted order (Zeek
 * iterates its set in hash order).
 */
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { HistogramMetric, Metric, Telemetry } from "./framework.js";

export const TELEMETRY_LOG_SCRIPT = "policy/frameworks/telemetry/log";

export const TELEMETRY_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["peer", "string"],
  ["metric_type", "string"],
  ["name", "string"],
  ["labels", "vector[string]"],
  ["label_values", "vector[string]"],
  ["value", "double"],
);

export const TELEMETRY_HISTOGRAM_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["peer", "string"],
  ["name", "string"],
  ["labels", "vector[string]"],
  ["label_values", "vector[string]"],
  ["bounds", "vector[double]"],
  ["values", "vector[double]"],
  ["sum", "double"],
  ["observations", "double"],
);

/** Zeek's Telemetry::Info. */
export interface TelemetryInfo {
  ts: number;
  peer: string;
  metric_type: string;
  name: string;
  labels: string[];
  label_values: string[];
  value: number;
}

/** Zeek's Telemetry::HistogramInfo. */
export interface TelemetryHistogramInfo {
  ts: number;
  peer: string;
  name: string;
  labels: string[];
  label_values: string[];
  bounds: number[];
  values: number[];
  sum: number;
  observations: number;
}

/** Zeek's peer_description default. */
const PEER = "zeek";

export function loadTelemetryLog(host: AnalyzerScriptHost, logs: LogManager, telemetry: Telemetry): void {
  let log: LogWriter | null = null;
  let histogramLog: LogWriter | null = null;
  const doLog = (): void => {
    const ts = host.clock.now;
    const prefixes = [...host.settings["Telemetry::log_prefixes"]].sort();
    const metrics: Metric[] = prefixes.length > 0 ? prefixes.flatMap((p) => telemetry.collectMetrics(p, "*")) : telemetry.collectMetrics();
    for (const m of metrics) {
      const rec: TelemetryInfo = {
        ts,
        peer: PEER,
        metric_type: m.opts.metric_type === "Telemetry::COUNTER" ? "counter" : m.opts.metric_type === "Telemetry::GAUGE" ? "gauge" : "unknown",
        name: m.opts.name,
        labels: m.label_names,
        label_values: m.label_values,
        value: m.value,
      };
      if (telemetry.logPolicies.some((hook) => hook(rec) === false)) continue;
      (log ??= logs.open({ path: "telemetry", fields: TELEMETRY_FIELDS })).write([
        rec.ts,
        rec.peer,
        rec.metric_type,
        rec.name,
        rec.labels,
        rec.label_values,
        rec.value,
      ]);
    }
    const histograms: HistogramMetric[] =
      prefixes.length > 0 ? prefixes.flatMap((p) => telemetry.collectHistogramMetrics(p, "*")) : telemetry.collectHistogramMetrics();
    for (const h of histograms) {
      const rec: TelemetryHistogramInfo = {
        ts: host.clock.now,
        peer: PEER,
        name: h.opts.name,
        labels: h.label_names,
        label_values: h.label_values,
        bounds: [...(h.opts.bounds ?? [])],
        values: h.values,
        sum: h.sum,
        observations: h.observations,
      };
      if (telemetry.histogramLogPolicies.some((hook) => hook(rec) === false)) continue;
      (histogramLog ??= logs.open({ path: "telemetry_histogram", fields: TELEMETRY_HISTOGRAM_FIELDS })).write([
        rec.ts,
        rec.peer,
        rec.name,
        rec.labels,
        rec.label_values,
        rec.bounds,
        rec.values,
        rec.sum,
        rec.observations,
      ]);
    }
  };
  const schedule = (at: number) =>
    host.scheduleEvent(at, () => {
      // Logged once more at zeek_done: nothing here once the end began.
      if (host.stats().terminating) return;
      doLog();
      schedule(host.clock.now + host.settings["Telemetry::log_interval"]);
    });
  host.on("zeek_init", () => schedule(host.clock.now + host.settings["Telemetry::log_interval"]), { priority: 5 });
  host.on("zeek_done", doLog, { priority: -1000 });
}
