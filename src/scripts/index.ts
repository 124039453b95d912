/**
 * The built-in policy scripts, as `zeek` loads base/protocols/conn and the
 * weird framework by default: conn.log and weird.log. The CLI loads them
 * before the user's scripts; library users call `loadBuiltinScripts(engine)`.
 */
import { HTTP_DETECT_SQL_INJECTION } from "../analyzer/app/http/detect-sql-injection.js";
import type { EventBus } from "../event/bus.js";
import type { LogLimits } from "../log/limits.js";
import { LogManager, type LogOptions } from "../log/manager.js";
import { ZeekPrint } from "../log/print-log.js";
import type { LogRotationServices } from "../log/rotation.js";
import { type EngineSettings, policyScriptLoaded } from "../options.js";
import type { SessionManager } from "../session/manager.js";
import { isLoaded } from "../session/server-ports.js";
import type { TimerClient } from "../session/timers.js";
import { ANALYZER_DEBUG_SCRIPT, loadAnalyzerDebugLog } from "./analyzer-debug.js";
import { ChecksumOffloading, type ChecksumOffloadingHost } from "./checksum-offloading.js";
import type { ConfigFramework } from "./config/framework.js";
import { loadConfigFramework } from "./config/index.js";
import { ConnLog } from "./conn.js";
import { connColumnExtensions } from "./conn-columns.js";
import { loadConnContents } from "./conn-contents.js";
import { dnsLookups } from "./dns-lookups.js";
import { loadDpd, PACKET_SEGMENT_SCRIPT } from "./dpd.js";
import { FILTERED_TRACE_SCRIPT, FilteredTraceDetection } from "./filtered-trace.js";
import type { AnalyzerScriptHost, ScriptHost } from "./host.js";
import { INTEL_BASE_SCRIPT, loadIntelFiles } from "./intel/index.js";
import { zeekLoadedScripts } from "./loaded-scripts.js";
import { type NoticeFrameworkOptions, NoticeLog } from "./notice.js";
import { noticeCommunityId } from "./notice-community-id.js";
import { NOTICE_DROP_COLUMN } from "./notice-drop.js";
import { noticeGeodata } from "./notice-geodata.js";
import { PACKET_FILTER_SCRIPT, packetFilterFramework } from "./packet-filter/framework.js";
import { type CaptureCounters, loadNetstats } from "./packet-filter/netstats.js";
import { ignoredSignatureIds, loadPolicyScripts } from "./policy-scripts.js";
import { PROTOCOL_SCRIPTS } from "./protocols.js";
import { loadedExtensions } from "./record-extensions.js";
import { Reporter, type ReporterLevel } from "./reporter.js";
import { policyScriptInEffect, scriptsLoadedBy } from "./script-loads.js";
import { inScriptModule } from "./script-modules.js";
import { SignaturesLog, type SignaturesLogOptions } from "./signatures.js";
import { SumStats } from "./sumstats/sumstats.js";
import type { Telemetry } from "./telemetry/framework.js";
import { loadTelemetry, TELEMETRY_LOG_SCRIPT, TELEMETRY_SCRIPT } from "./telemetry/index.js";
import { vlanIdContext } from "./vlan-fivetuple.js";
import { WeirdLog } from "./weird.js";
import { ZeekRandom } from "./zeek-random.js";

export interface BuiltinScriptOptions extends LogOptions {
  /** Zeek's -b: weird.log only if the weird framework is among `loads`. */
  bare?: boolean;
  /** Zeek script names given on the command line (e.g. "policy/protocols/conn/mac-logging"). */
  loads?: readonly string[];
  /** Where reporter messages are shown besides reporter.log (one line each); null: nowhere. Default: process.stderr. */
  stderr?: ((line: string) => void) | null;
  /** Capturing live (-i): the checksum-offloading warning speaks of the interface, not the trace. */
  live?: boolean;
  /** Signatures::actions and ignored_ids of the signature framework (signatures.log). */
  signatures?: SignaturesLogOptions;
  /**
   * Reporter::fatal: the packet-filter framework's (a filter that does not compile at start-up; without it, a PacketFilterError is
   * thrown) and leftover log rotation's (a log that cannot be renamed; without it, an error, and the run goes on).
   */
  fatal?: (message: string) => void;
  /** Zeek's current_time() in seconds, for packet_filter.log's start-up row (default: the wall clock). */
  wallClock?: () => number;
  /** Capturing live: libpcap's counters, for the packet-filter framework's Dropped_Packets notices (netstats). */
  captureStats?: () => CaptureCounters | null;
  /** Zeek's reading_traces(): no notice mail is sent (default: unless `live`). A run of scripts alone, as `zeek script.zeek`, is false. */
  readingTraces?: boolean;
  /** bronze's version, for the telemetry framework's zeek_version_info (the command passes its package's). */
  version?: string;
}

export interface BuiltinScripts {
  logs: LogManager;
  conn: ConnLog;
  /** Absent in bare mode unless base/frameworks/notice(/weird) is loaded. */
  weird?: WeirdLog;
  /** reporter.log (Zeek's reporter framework): the run's info, warnings and errors. */
  reporter: Reporter;
  /** notice.log (Zeek's notice framework): what scripts report with notices.notice({ note, msg, conn }). */
  notices: NoticeLog;
  /** signatures.log (Zeek's signature framework): absent in bare mode unless base/frameworks/signatures is loaded. */
  signatures?: SignaturesLog;
  /** The config framework (options, change handlers, config.log, Config::config_files): Zeek loads it with -b too; absent on a bare event bus. */
  config?: ConfigFramework;
  /** The telemetry framework (metrics, the Prometheus endpoint, telemetry.log); absent on a bare event bus. */
  telemetry?: Telemetry;
  /** Writes `#close` lines and flushes every log. Runs by itself at zeek_done; idempotent. */
  close(): void;
  /** Zeek's print statement and open(), with Log::print_to_log's redirection into print.log. */
  print: ZeekPrint;
}

/** Lowest priority: logs close after every other zeek_done handler has run. */
const CLOSE_PRIORITY = -1_000_000;

const WEIRD_SCRIPTS = ["base/frameworks/notice", "base/frameworks/notice/weird"];
const SIGNATURES_SCRIPT = "base/frameworks/signatures";
/** reporter.log's script: loaded by default; with -b, by name or by a script that loads it. */
const REPORTER_SCRIPT = "base/frameworks/reporter";
const MAC_LOGGING = "protocols/conn/mac-logging";
const VLAN_LOGGING = "protocols/conn/vlan-logging";
const COMMUNITY_ID_LOGGING = "protocols/conn/community-id-logging";
const CONN_CONTENTS = "base/protocols/conn/contents";
const DISABLE_UNKNOWN_IP = "protocols/conn/disable-unknown-ip-proto-support";

function normalise(name: string): string {
  return name.replace(/\.(zeek|bro)$/, "").replace(/\/(__load__|main)$/, "");
}

/** The signature framework's options, with the ids Zeek's loaded policy scripts add to Signatures::ignored_ids. */
function signaturesLogOptions(options: BuiltinScriptOptions): SignaturesLogOptions | undefined {
  const ignoredIds = ignoredSignatureIds(options.loads ?? [], options.signatures?.ignoredIds);
  return ignoredIds === null ? options.signatures : { ...options.signatures, ignoredIds };
}

/** The run's Log::default_max_* bounds. */
function logLimits(settings: EngineSettings): LogLimits {
  return {
    maxFieldStringBytes: settings["Log::default_max_field_string_bytes"],
    maxTotalStringBytes: settings["Log::default_max_total_string_bytes"],
    maxFieldContainerElements: settings["Log::default_max_field_container_elements"],
    maxTotalContainerElements: settings["Log::default_max_total_container_elements"],
    maxRecordSize: settings["Log::max_log_record_size"],
  };
}

/** Log::default_writer and the LogSQLite options from the engine's settings, the writers' messages to the reporter (Zeek's writer threads report through it). */
function writerOptions(
  settings: EngineSettings | undefined,
  to: { reporter?: Reporter },
): Pick<LogOptions, "writer" | "localLogging" | "sqlite" | "onWriterMessage"> {
  const onWriterMessage = (level: "info" | "error", message: string): void => {
    if (to.reporter === undefined) process.stderr.write(`bronze: ${level === "error" ? "error: " : ""}${message}\n`);
    else if (level === "error") to.reporter.error(message);
    else to.reporter.info(message);
  };
  if (settings === undefined) return { onWriterMessage };
  return {
    writer: settings["Log::default_writer"],
    localLogging: settings["Log::enable_local_logging"],
    sqlite: {
      setSeparator: settings["LogSQLite::set_separator"],
      emptyField: settings["LogSQLite::empty_field"],
      unsetField: settings["LogSQLite::unset_field"],
      synchronous: settings["LogSQLite::synchronous"],
      journalMode: settings["LogSQLite::journal_mode"],
    },
    onWriterMessage,
  };
}

export function loadBuiltinScripts(host: ScriptHost, options: BuiltinScriptOptions = {}): BuiltinScripts {
  // An engine counts the handlers registered here as its built-in scripts' (Engine.asBuiltinScripts).
  const engine = host as Partial<{ asBuiltinScripts<T>(load: () => T): T }>;
  if (engine.asBuiltinScripts !== undefined) return engine.asBuiltinScripts(() => loadBuiltins(host, options));
  return loadBuiltins(host, options);
}

function loadBuiltins(host: ScriptHost, options: BuiltinScriptOptions): BuiltinScripts {
  const loads = (options.loads ?? []).map(normalise);
  const settings = (host as Partial<{ settings: EngineSettings }>).settings;
  // The writers' messages go to the reporter, made below (no writer starts before the first record).
  const writerReports: { reporter?: Reporter } = {};
  const logs = new LogManager({
    rotation: rotationServices(host),
    connIdContext: vlanIdContext(host),
    limits: settings === undefined ? undefined : logLimits(settings),
    maxDelayInterval: settings?.["Log::default_max_delay_interval"],
    queueEvent: isAnalyzerHost(host) ? (fn) => host.queueEvent(fn) : undefined,
    eventGroups: streamEventGroups(host),
    maxDelayQueueSize: settings?.["Log::default_max_delay_queue_size"],
    // Zeek's logging manager reports each cut as a weird without a connection.
    onLimit: (weird, stream) => (isAnalyzerHost(host) ? host.netWeird?.(weird, stream) : undefined),
    ...writerOptions(settings, writerReports),
    // A filter's path changed to avoid another's: a reporter warning (reporter.log and stderr), as Zeek's.
    onWarning: (message) =>
      writerReports.reporter === undefined ? process.stderr.write(`bronze: warning: ${message}\n`) : writerReports.reporter.warning(message, { location: "" }),
    // A bad Log::delay or Log::delay_finish call: a reporter error, as Zeek's.
    onError: (message) =>
      writerReports.reporter === undefined ? process.stderr.write(`bronze: error: ${message}\n`) : writerReports.reporter.error(message, { location: "" }),
    ...options,
  });
  // The policy scripts' conn.log columns need an engine (settings, table hashes): none on a bare event bus.
  const connExtensions = isAnalyzerHost(host) ? loadedExtensions(connColumnExtensions(), options.loads ?? []) : [];
  const conn = inScriptModule(
    host,
    "base/protocols/conn",
    () =>
      new ConnLog(host, logs, {
        macLogging: policyScriptLoaded(loads, MAC_LOGGING),
        vlanLogging: policyScriptLoaded(loads, VLAN_LOGGING),
        // Also when a script that @loads it is named (frameworks/notice/community-id).
        communityId: policyScriptInEffect(options.loads ?? [], COMMUNITY_ID_LOGGING),
        noIpProto: policyScriptLoaded(loads, DISABLE_UNKNOWN_IP),
        extensions: connExtensions,
        settings,
      }),
  );
  if (isAnalyzerHost(host)) for (const e of connExtensions) inScriptModule(host, e.script, () => e.load?.(host, logs));
  // Its connection_established handler only where Zeek loads the script: a handler raises the event, and gives each connection its uid then.
  if (isAnalyzerHost(host) && isLoaded(options.bare ?? false, loads, CONN_CONTENTS)) inScriptModule(host, "base/protocols/conn", () => loadConnContents(host));
  // Its zeek_init disables the unknown-IP transport: an engine's sessions stop making its connections.
  if (policyScriptLoaded(loads, DISABLE_UNKNOWN_IP) && "sessions" in host) (host as { sessions: SessionManager }).sessions.disableFallback();
  const bare = options.bare ?? false;
  const wantWeird = WEIRD_SCRIPTS.some((script) => isLoaded(bare, loads, script));
  const weird = wantWeird
    ? inScriptModule(
        host,
        "base/frameworks/notice/weird",
        () => new WeirdLog(host, logs, { doNotIgnoreRepeats: settings?.["Weird::weird_do_not_ignore_repeats"] }),
      )
    : undefined;
  // The analyzer framework (always loaded, -b or not): service, disabling, analyzer.log.
  if (isAnalyzerHost(host)) {
    inScriptModule(host, "base/frameworks/analyzer/dpd", () => loadDpd(host, logs, policyScriptLoaded(loads, PACKET_SEGMENT_SCRIPT)));
    if (policyScriptLoaded(loads, ANALYZER_DEBUG_SCRIPT)) inScriptModule(host, `policy/${ANALYZER_DEBUG_SCRIPT}`, () => loadAnalyzerDebugLog(host, logs));
    // A Spicy analyzer's script runs as its analyzer does: in a Spicy configuration, or named.
    const spicy = (host as Partial<{ spicy: boolean }>).spicy === true;
    for (const p of PROTOCOL_SCRIPTS) {
      if (p.spicy === true && !spicy && !isLoaded(true, loads, p.script)) continue;
      if (isLoaded(bare, loads, p.script)) inScriptModule(host, p.script, () => p.load(host, logs, options.loads ?? [], bare));
    }
  }
  const clock = (host as Partial<{ clock: { readonly now: number } }>).clock ?? { now: 0 };
  const stderr = options.stderr === undefined ? (line: string) => void process.stderr.write(`${line}\n`) : (options.stderr ?? undefined);
  const raise = isAnalyzerHost(host) ? reporterEvents(host) : undefined;
  const reporter = new Reporter(logs, { clock, stderr, raise, log: isLoaded(bare, loads, REPORTER_SCRIPT) });
  writerReports.reporter = reporter;
  // LogAscii::enable_leftover_log_rotation: Zeek rotates the logs a dead run left once its scripts are loaded, before any zeek_init handler runs.
  if (settings?.["LogAscii::enable_leftover_log_rotation"] === true && isAnalyzerHost(host))
    host.on("zeek_init", () => logs.rotateLeftoverLogs(options.fatal), { priority: Number.MAX_SAFE_INTEGER });
  // The engine's built-in functions (lookup_connection, …) report their errors here.
  if (isBuiltinErrorHost(host)) host.builtinErrors = (message) => reporter.error(message);
  // The engine core's infos (a packet analyzer mapping replaced) have no script location: Zeek logs it empty.
  if (isReporterInfoHost(host)) {
    host.reporterInfo = (message) => reporter.info(message, { location: "" });
    host.reporterWarning = (message) => reporter.warning(message, { location: "" });
  }
  // base/misc/find-checksum-offloading: loaded by default, by name with -b; needs the engine's packet count.
  if (isLoaded(bare, loads, "base/misc/find-checksum-offloading") && "packetsSeen" in host && "clock" in host) {
    inScriptModule(host, "base/misc/find-checksum-offloading", () => new ChecksumOffloading(host as ChecksumOffloadingHost, reporter, options.live ?? false));
  }
  // base/misc/find-filtered-trace: loaded by default, by name with -b; only when reading a trace (its script looks for -r).
  if (isLoaded(bare, loads, FILTERED_TRACE_SCRIPT) && settings !== undefined && (options.readingTraces ?? !(options.live ?? false))) {
    inScriptModule(host, FILTERED_TRACE_SCRIPT, () => new FilteredTraceDetection(host, reporter, settings));
  }
  const noticeExtensions = settings === undefined ? [] : loadedExtensions([noticeCommunityId(settings), NOTICE_DROP_COLUMN], options.loads ?? []);
  const analyzerHost = isAnalyzerHost(host);
  const notices = inScriptModule(
    host,
    "base/frameworks/notice",
    () =>
      new NoticeLog(
        logs,
        clock,
        noticeExtensions,
        analyzerHost ? noticeGeodata(host, reporter) : null,
        analyzerHost ? host.tableHash.count : null,
        analyzerHost ? noticeFramework(host, reporter, options) : {},
      ),
  );
  let config: ConfigFramework | undefined;
  let telemetry: Telemetry | undefined;
  if (isAnalyzerHost(host)) {
    // base/frameworks/config: loaded with -b too (init-frameworks-and-bifs), before the scripts that change options.
    config = inScriptModule(host, "base/frameworks/config", () =>
      loadConfigFramework(host, { logs, error: (m) => reporter.error(m), warning: (m) => reporter.warning(m), live: options.live ?? false }),
    );
    // base/frameworks/telemetry (loaded by default) and policy/frameworks/telemetry/log: before the policy scripts, as Zeek's @loads order them.
    telemetry = inScriptModule(host, TELEMETRY_SCRIPT, () =>
      loadTelemetry(host, {
        logs,
        error: (m) => reporter.error(m),
        warning: (m) => reporter.warning(m),
        script: isLoaded(bare, loads, TELEMETRY_SCRIPT),
        log: policyScriptInEffect(options.loads ?? [], TELEMETRY_LOG_SCRIPT.replace(/^policy\//, "")),
        stats: policyScriptInEffect(options.loads ?? [], "misc/stats"),
        version: options.version,
        captureStats: options.captureStats,
      }),
    );
    // SumStats is made for the first script that counts with it.
    let sumstats: SumStats | null = null;
    const random = (host as Partial<{ random: ZeekRandom }>).random ?? new ZeekRandom();
    const sumstatsOptions = {
      // detect-sql-injection adds `uid` to SumStats::Observation, which changes how HLL_UNIQUE hashes every observation.
      observationUid: scriptsLoadedBy(options.loads ?? []).has(HTTP_DETECT_SQL_INJECTION.script),
      report: (level: "error" | "warning", message: string) => (level === "error" ? reporter.error(message) : reporter.warning(message)),
    };
    const context = { logs, notices, reporter, sumstats: () => (sumstats ??= new SumStats(host, random, sumstatsOptions)) };
    // Before the policy scripts: policy/frameworks/packet-filter/shunt plugs into it.
    if (isLoaded(bare, loads, PACKET_FILTER_SCRIPT)) {
      const framework = { logs, notices, warning: (m: string) => reporter.warning(m), fatal: options.fatal, wallClock: options.wallClock };
      inScriptModule(host, PACKET_FILTER_SCRIPT, () => packetFilterFramework(host, framework));
      // base/frameworks/packet-filter/netstats: only capturing live (its zeek_init skips traces).
      const { captureStats } = options;
      if (captureStats !== undefined) inScriptModule(host, "base/frameworks/packet-filter/netstats", () => loadNetstats(host, notices, captureStats));
    }
    loadPolicyScripts(host, options.loads ?? [], context);
    if (isLoaded(bare, loads, INTEL_BASE_SCRIPT)) inScriptModule(host, INTEL_BASE_SCRIPT, () => loadIntelFiles(host, context, options.loads ?? []));
    else if (host.settings["Intel::read_files"].size > 0) reporter.warning(`Intel::read_files is set, but ${INTEL_BASE_SCRIPT} is not loaded (-b): not read`);
  }
  const wantSignatures = isLoaded(bare, loads, SIGNATURES_SCRIPT);
  const signatures = wantSignatures
    ? inScriptModule(host, SIGNATURES_SCRIPT, () => new SignaturesLog({ on: host.on.bind(host), clock }, logs, notices, signaturesLogOptions(options)))
    : undefined;
  const close = () => logs.closeAll();
  host.on("zeek_done", close, { priority: CLOSE_PRIORITY });
  const print = new ZeekPrint(logs, { redirect: settings?.["Log::print_to_log"], path: settings?.["Log::print_log_path"], now: () => clock.now });
  return { logs, conn, weird, reporter, notices, signatures, config, telemetry, close, print };
}

/** What the notice framework's mail and alarm summary need of the engine. */
/** The notice framework's add-geodata (Notice::Info's remote_location), as Zeek's loaded files name it. */
const ADD_GEODATA_FILE = "base/frameworks/notice/actions/add-geodata.zeek";

function noticeFramework(host: AnalyzerScriptHost, reporter: Reporter, options: BuiltinScriptOptions): NoticeFrameworkOptions {
  return {
    settings: host.settings,
    readingTraces: options.readingTraces ?? !(options.live ?? false),
    stringHash: host.tableHash.string,
    reporter,
    scheduleEvent: (at, fn) => host.scheduleEvent(at, fn),
    holdUntil: host.holdUntil?.bind(host),
    lookupAddr: (addr, body) => dnsLookups(host).whenAddr(addr, body),
    alarmDir: options.memory === true ? null : (options.logdir ?? "."),
    // Zeek's own file walk, not the package-level script graph: `-b base/protocols/http` runs notice's main.zeek (through notice/weird) but not its actions.
    geodataColumns: !(options.bare ?? false) || zeekLoadedScripts({ bare: true, loads: options.loads ?? [] }).some((s) => s.file === ADD_GEODATA_FILE),
  };
}

/** Log rotation's clock, timers and settings, when `host` is an engine (a bare ScriptHost has no timer heap: its logs never rotate). */
function rotationServices(host: ScriptHost): LogRotationServices | undefined {
  const engine = host as Partial<{
    settings: EngineSettings;
    clock: { readonly now: number };
    sessions: { scheduleClient(c: TimerClient, t: number): void };
    readonly networkTime: number;
  }>;
  const { settings, clock, sessions } = engine;
  if (settings === undefined || clock === undefined || sessions === undefined) return undefined;
  return {
    clock,
    settings,
    networkTime: () => engine.networkTime ?? clock.now,
    scheduleClient: (client, time) => sessions.scheduleClient(client, time),
  };
}

/** Zeek's reporter events, queued through the engine like a script's `event` statement. */
function reporterEvents(host: AnalyzerScriptHost): (level: ReporterLevel, t: number, message: string, location: string) => void {
  return (level, t, message, location) => {
    if (level === "INFO") host.raise("reporter_info", t, message, location);
    else if (level === "WARNING") host.raise("reporter_warning", t, message, location);
    else host.raise("reporter_error", t, message, location);
  };
}

/** Log::disable_stream's switch of a stream's event groups: the module group and the attribute group of the name, each where it exists (the engine's groups). */
function streamEventGroups(host: ScriptHost): ((name: string, enabled: boolean) => void) | undefined {
  if (!("bus" in host)) return undefined;
  const groups = (host as { bus: EventBus }).bus.groups;
  return (name, enabled) => {
    groups.setEnabled("module", name, enabled);
    groups.setEnabled("attribute", name, enabled);
  };
}

/** A host whose core reports infos (the Engine's reporterInfo). */
function isReporterInfoHost(
  host: ScriptHost,
): host is ScriptHost & { reporterInfo: ((message: string) => void) | null; reporterWarning: ((message: string) => void) | null } {
  return "reporterInfo" in host;
}

/** A host whose built-in functions report errors (the Engine's builtinErrors). */
function isBuiltinErrorHost(host: ScriptHost): host is ScriptHost & { builtinErrors: ((message: string) => void) | null } {
  return "builtinErrors" in host;
}

function isAnalyzerHost(host: ScriptHost): host is AnalyzerScriptHost {
  return typeof (host as Partial<AnalyzerScriptHost>).disableAnalyzer === "function";
}

export { CONN_FIELDS, ConnLog, connLogValues } from "./conn.js";
export { connState, tcpConnState, udpConnState } from "./conn-state.js";
export type { ScriptHost } from "./host.js";
export { REPORTER_FIELDS, Reporter, type ReporterLevel, type ReportOptions } from "./reporter.js";
export { SIGNATURES_FIELDS, type SignatureAction, SignaturesLog, type SignaturesLogOptions } from "./signatures.js";
export { LocalNets, privateAddressSpace } from "./site.js";
export { WEIRD_FIELDS, WeirdLog } from "./weird.js";
