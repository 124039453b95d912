/**
 * Zeek's telemetry framework: base/frameworks/telemetry (metrics for
 * scripts, Zeek's own metrics, the Prometheus endpoint) and
 * policy/frameworks/telemetry/log (telemetry.log). docs/telemetry.md.
 *
 * One framework per engine: made with the built-in scripts, or when a
 * script or library user first asks (telemetryFramework). Zeek's core
 * metrics and the collect functions exist with -b too (they are the core's
 * and its built-in functions'); the script's version gauge, the endpoint
 * and the stats script's metrics need their scripts loaded.
 */
import type { LogManager } from "../../log/manager.js";
import type { AnalyzerScriptHost } from "../host.js";
import { type BuiltinMetricOptions, loadBuiltinMetrics } from "./builtin.js";
import { Telemetry, type TelemetryDeps } from "./framework.js";
import { loadTelemetryLog } from "./log.js";
import { listenPrometheus } from "./prometheus.js";

export const TELEMETRY_SCRIPT = "base/frameworks/telemetry";
export { TELEMETRY_LOG_SCRIPT } from "./log.js";

const frameworks = new WeakMap<AnalyzerScriptHost, Telemetry>();

/** The engine's telemetry framework, made on first use (reporting through `deps`). */
export function telemetryFramework(host: AnalyzerScriptHost, deps?: Omit<TelemetryDeps, "sorted">): Telemetry {
  let telemetry = frameworks.get(host);
  if (telemetry === undefined) {
    const report = deps ?? {
      error: (m: string) => process.stderr.write(`bronze: error: ${m}\n`),
      warning: (m: string) => process.stderr.write(`bronze: warning: ${m}\n`),
    };
    telemetry = new Telemetry({ ...report, sorted: () => host.settings.running_under_test });
    frameworks.set(host, telemetry);
  }
  return telemetry;
}

/** What loading the framework with the built-in scripts needs. */
export interface TelemetryLoadOptions extends Omit<BuiltinMetricOptions, "version"> {
  readonly logs: LogManager;
  readonly error: (message: string) => void;
  readonly warning: (message: string) => void;
  /** base/frameworks/telemetry is loaded (by default; with -b when named or @loaded). */
  readonly script: boolean;
  /** policy/frameworks/telemetry/log is loaded. */
  readonly log: boolean;
  /** bronze's version, for zeek_version_info (default: unknown). */
  readonly version?: string;
}

/** Loads the framework as Zeek's scripts do; the endpoint listens from zeek_init when Telemetry::metrics_port is set, until the run ends. */
export function loadTelemetry(host: AnalyzerScriptHost, options: TelemetryLoadOptions): Telemetry {
  const telemetry = telemetryFramework(host, { error: options.error, warning: options.warning });
  const script = options.script || options.log;
  const metrics = { version: options.version ?? "unknown", stats: options.stats, captureStats: options.captureStats, logs: options.logs };
  loadBuiltinMetrics(host, telemetry, metrics, script);
  if (!script) return telemetry;
  if (options.log) loadTelemetryLog(host, options.logs, telemetry);
  host.on("zeek_init", () => {
    const port = host.settings["Telemetry::metrics_port"];
    if (port === 0 || telemetry.endpoint !== null) return;
    const address = host.settings["Telemetry::metrics_address"] || process.env.ZEEK_DEFAULT_LISTEN_ADDRESS || "0.0.0.0";
    const label = host.settings["Telemetry::metrics_endpoint_label"];
    const name = host.settings["Telemetry::metrics_endpoint_name"];
    const endpoint = label !== "" && name !== "" ? { name: label, value: name } : null;
    telemetry.endpoint = listenPrometheus(telemetry, address, port, endpoint, options.error);
  });
  // After everything else at the end (logs included): no scrape is answered once the run is over.
  host.on(
    "zeek_done",
    () => {
      void telemetry.endpoint?.close();
    },
    { priority: -2_000_000 },
  );
  return telemetry;
}

export type {
  Counter,
  CounterFamily,
  Gauge,
  GaugeFamily,
  Histogram,
  HistogramFamily,
  HistogramMetric,
  Metric,
  MetricOpts,
  SyncHook,
} from "./framework.js";
export { Telemetry } from "./framework.js";

export type { TelemetryHistogramInfo, TelemetryInfo } from "./log.js";
export { formatPromValue, listenPrometheus, type MetricsEndpoint, prometheusText } from "./prometheus.js";
export { type MetricType, TelemetryError } from "./registry.js";
