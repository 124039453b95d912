/**
 * Zeek's own metrics, as far as bronze has their sources. Each is computed
 * when metrics are collected (a callback, or a value set from the engine's
 * counters then), so the packet path pays nothing for them; the one count
 * bronze keeps for them alone is the event bus's per-event dispatch count
 * (an integer field increment per dispatched event).
 *
 *  - zeek_version_info{…} (base/frameworks/telemetry: bronze's version);
 *  - zeek_active_sessions{protocol}, zeek_total_sessions_total{protocol}
 *    (a protocol appears with its first connection; with policy/misc/stats
 *    tcp, udp and icmp from the start, as its get_conn_stats() makes them),
 *    zeek_ended_sessions_total{reason="inactivity"};
 *  - zeek_event_handler_invocations_total{name}: events dispatched to
 *    handlers (bronze's schedule-statement calls are not named events and
 *    are left out);
 *  - zeek_timers_total: timers scheduled (bronze's, which are not Zeek's);
 *  - process_cpu_user_seconds_total, process_cpu_system_seconds_total,
 *    process_resident_memory_bytes, process_virtual_memory_bytes and
 *    process_open_fds (the last two from /proc, Linux only),
 *    process_start_time_seconds;
 *  - with policy/misc/stats: zeek_net_received_packets_total,
 *    zeek_net_received_bytes_total, zeek_net_timestamp_seconds, and
 *    capturing live zeek_net_dropped_packets_total,
 *    zeek_net_link_packets_total and zeek_net_packet_lag_seconds (set in a
 *    Telemetry::sync hook, as the script does).
 */
import { readdirSync, readFileSync } from "node:fs";
import type { LogManager } from "../../log/manager.js";
import { logStreamId } from "../../log/stream-ids.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { CaptureCounters } from "../packet-filter/netstats.js";
import type { Telemetry } from "./framework.js";

/** What the built-in metrics read besides the engine. */
export interface BuiltinMetricOptions {
  /** bronze's version ("0.1.0"), for zeek_version_info. */
  readonly version: string;
  /** policy/misc/stats is loaded: its zeek_net_* metrics, and the three session protocols from the start. */
  readonly stats: boolean;
  /** Capturing live: libpcap's counters for the zeek_net_* metrics the stats script sets only then. */
  readonly captureStats?: () => CaptureCounters | null;
  /** The run's logs: their writes, for the zeek_log_* metrics. */
  readonly logs?: LogManager;
}

const PROTOCOLS = ["icmp", "tcp", "udp"] as const;

/**
 * Zeek's own metrics: base/frameworks/telemetry/main.zeek's version gauge
 * and policy/misc/stats' families when their scripts are loaded (registered
 * as they load), and the core's, always (made before any zeek_init handler
 * runs, as Zeek's InitPostScript makes them after the scripts are parsed).
 */
export function loadBuiltinMetrics(host: AnalyzerScriptHost, telemetry: Telemetry, options: BuiltinMetricOptions, script: boolean): void {
  if (script) {
    const version = telemetry.registerGaugeFamily({
      prefix: "zeek",
      name: "version_info",
      unit: "",
      help_text: "The Zeek version",
      label_names: ["version_number", "major", "minor", "patch", "commit", "beta", "debug", "version_string"],
    });
    host.on("zeek_init", () => telemetry.gaugeFamilySet(version, versionLabels(options.version), 1));
  }
  if (options.stats) loadStatsMetrics(host, telemetry, options);
  host.on("zeek_init", () => loadCoreMetrics(host, telemetry, options), { priority: Number.MAX_SAFE_INTEGER });
}

/** Zeek's Version::info as labels: version_number (major*10000+minor*100+patch), major, minor, patch, commit, beta, debug, version_string. */
function versionLabels(version: string): string[] {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(version);
  const [major, minor, patch] = m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3])];
  const beta = m !== null && /-(beta|rc|dev)/.test(m[4]!);
  return [String(major * 10000 + minor * 100 + patch), String(major), String(minor), String(patch), "0", String(beta), "false", version];
}

function loadStatsMetrics(host: AnalyzerScriptHost, telemetry: Telemetry, options: BuiltinMetricOptions): void {
  const counter = (name: string, help: string) => telemetry.registerCounterFamily({ prefix: "zeek", name, unit: "", help_text: help });
  const bytes = counter("net-received-bytes", "Total number of bytes received");
  const packets = counter("net-received-packets", "Total number of packets received");
  const dropped = counter("net-dropped-packets", "Total number of packets dropped");
  const link = counter("net-link-packets", "Total number of packets on the packet source link before filtering");
  counter("net-filtered-packets", "Total number of packets filtered");
  const lag = telemetry.registerGaugeFamily({
    prefix: "zeek",
    name: "net-packet-lag",
    unit: "seconds",
    help_text: "Difference of network time and wallclock time in seconds.",
  });
  const timestamp = telemetry.registerGaugeFamily({ prefix: "zeek", name: "net-timestamp", unit: "seconds", help_text: "The current network time." });
  telemetry.onSync(() => {
    telemetry.gaugeFamilySet(timestamp, [], host.clock.now);
    const s = host.stats();
    telemetry.counterFamilySet(bytes, [], s.bytesRecvd);
    telemetry.counterFamilySet(packets, [], s.pktsRecvd);
    const live = options.captureStats?.() ?? null;
    if (live !== null) {
      telemetry.counterFamilySet(dropped, [], live.dropped);
      telemetry.counterFamilySet(link, [], live.received);
      telemetry.gaugeFamilySet(lag, [], Date.now() / 1000 - host.clock.now);
    }
  });
}

/** The core's metrics (Zeek's session, timer, event and process managers). */
function loadCoreMetrics(host: AnalyzerScriptHost, telemetry: Telemetry, options: BuiltinMetricOptions): void {
  const ended = telemetry.registerCounterFamily({
    prefix: "zeek",
    name: "ended_sessions",
    help_text: "Number of sessions ended for specific reasons",
    label_names: ["reason"],
  });
  ended.family.metric(["inactivity"], () => host.stats().conns.killedByInactivity);
  loadProcessMetrics(telemetry);
  const timers = telemetry.registerCounterFamily({ prefix: "zeek", name: "timers", unit: "", help_text: "Cumulative number of timers" });
  timers.family.metric([], () => host.stats().timersCumulative);
  const handlers = telemetry.registerCounterFamily({
    prefix: "zeek",
    name: "event-handler-invocations",
    help_text: "Number of times the given event handler was called",
    label_names: ["name"],
  });
  const logWrites = options.logs === undefined ? null : logWriteMetrics(telemetry, options.logs);
  const active = telemetry.registerGaugeFamily({ prefix: "zeek", name: "active_sessions", help_text: "Active Zeek Sessions", label_names: ["protocol"] });
  const total = telemetry.registerCounterFamily({ prefix: "zeek", name: "total_sessions", help_text: "Total number of sessions", label_names: ["protocol"] });
  const conns = () => host.stats().conns;
  const counts = {
    icmp: { active: () => conns().activeAtEnd?.icmp ?? conns().activeIcmp, total: () => conns().totalIcmp },
    tcp: { active: () => conns().activeAtEnd?.tcp ?? conns().activeTcp, total: () => conns().totalTcp },
    udp: { active: () => conns().activeAtEnd?.udp ?? conns().activeUdp, total: () => conns().totalUdp },
  };
  telemetry.onCollect(() => {
    for (const p of PROTOCOLS) {
      if (!options.stats && counts[p].total() === 0) continue;
      active.family.metric([p], counts[p].active);
      total.family.metric([p], counts[p].total);
    }
    // One metric per event that has run (bounded by the number of event names).
    for (const [name, calls] of host.stats().handlerCalls) {
      const m = handlers.family.metric([name]);
      if (m !== null) m.value = calls;
    }
    logWrites?.();
  });
}

/**
 * Zeek's logging framework's metrics: records written to each stream (before
 * any filter's policy) and to each filter's writer (after it); the writers'
 * string and container values cut to the stream's bounds (src/log/limits.ts)
 * and its records dropped as larger than Log::max_log_record_size. Labels as Zeek's: the stream's Log::ID and module, the
 * writer (ASCII, JSON included), the filter's name and path.
 */
function logWriteMetrics(telemetry: Telemetry, logs: LogManager): () => void {
  const family = (name: string, help: string, labels: string[]) =>
    telemetry.registerCounterFamily({ prefix: "zeek", name, help_text: help, label_names: labels }).family;
  const writerLabels = ["writer", "module", "stream", "filter-name", "path"];
  const streamWrites = family("log-stream-writes", "Total number of log writes for the given stream.", ["module", "stream"]);
  const writerWrites = family(
    "log-writer-writes",
    "Total number of log writes passed to a concrete log writer not vetoed by stream or filter policies.",
    writerLabels,
  );
  const discarded = family("log-writer-discarded-writes", "Total number of log writes discarded due to size limitations.", writerLabels);
  const truncatedStrings = family("log-writer-truncated-string-fields", "Total number of logged string fields limited by length", writerLabels);
  const truncatedContainers = family("log-writer-truncated-containers", "Total number of logged container fields limited by length", writerLabels);
  return () => {
    for (const { stream, id: streamId, writes, outputs } of logs.writeCounts()) {
      const id = logStreamId(stream, streamId);
      const m = streamWrites.metric([id.module, id.stream]);
      if (m !== null) m.value = writes;
      for (const out of outputs) {
        const values = ["Log::WRITER_ASCII", id.module, id.stream, out.filter, out.path];
        const w = writerWrites.metric(values);
        if (w !== null) w.value = out.writes;
        const dropped = discarded.metric(values);
        if (dropped !== null) dropped.value = out.discardedWrites;
        const strings = truncatedStrings.metric(values);
        if (strings !== null) strings.value = out.truncatedStrings;
        const containers = truncatedContainers.metric(values);
        if (containers !== null) containers.value = out.truncatedContainers;
      }
    }
  };
}

/** Zeek's process metrics (ProcessStats: /proc on Linux). */
function loadProcessMetrics(telemetry: Telemetry): void {
  let cached: ProcessStats | null = null;
  let cachedAt = 0;
  // As Zeek's get_stats: read again when the last reading is older than 10 ms.
  const stats = (): ProcessStats => {
    const now = performance.now();
    if (cached === null || now - cachedAt > 10) {
      cached = processStats();
      cachedAt = now;
    }
    return cached;
  };
  const gauge = (name: string, help: string, unit: string, fn: () => number) =>
    telemetry.registerGaugeFamily({ prefix: "process", name, unit, help_text: help }).family.metric([], fn);
  const counter = (name: string, help: string, unit: string, fn: () => number) =>
    telemetry.registerCounterFamily({ prefix: "process", name, unit, help_text: help }).family.metric([], fn);
  gauge("resident_memory", "Resident memory size", "bytes", () => stats().rss);
  const proc = readProc() !== null;
  if (proc) gauge("virtual_memory", "Virtual memory size", "bytes", () => stats().vms ?? 0);
  counter("cpu_user", "Total user CPU time spent", "seconds", () => stats().cpuUser);
  counter("cpu_system", "Total system CPU time spent", "seconds", () => stats().cpuSystem);
  if (proc) gauge("open_fds", "Number of open file descriptors", "", () => stats().fds ?? 0);
  const start = Date.now() / 1000 - process.uptime();
  gauge("start_time", "Process start time", "seconds", () => start);
}

interface ProcessStats {
  rss: number;
  vms: number | null;
  cpuUser: number;
  cpuSystem: number;
  fds: number | null;
}

function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const proc = readProc();
  return { rss: process.memoryUsage.rss(), vms: proc?.vms ?? null, cpuUser: cpu.user / 1e6, cpuSystem: cpu.system / 1e6, fds: proc?.fds ?? null };
}

/** Virtual memory size (field 23 of /proc/self/stat) and open descriptors (/proc/self/fd); null where there is no /proc. */
function readProc(): { vms: number; fds: number } | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // The command name (field 2) is in parentheses and may hold blanks: count fields after its closing one.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const vms = Number(rest[20]);
    const fds = readdirSync("/proc/self/fd").length;
    return Number.isFinite(vms) ? { vms, fds } : null;
  } catch {
    return null;
  }
}
