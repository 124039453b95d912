/**
 * bronze's public API.
 *
 * ```ts
 * import { Engine, readTrace, loadBuiltinScripts } from "bronze";
 *
 * const engine = new Engine({ ignoreChecksums: true });
 * loadBuiltinScripts(engine, { logdir: "logs" });           // conn.log, weird.log
 * engine.on("connection_established", (c) => console.log(c.uid, c.id.resp_h, c.id.resp_p));
 * const summary = await engine.run(readTrace("trace.pcap"));
 * ```
 *
 * - The engine: `Engine`, its options and settings (Zeek's names and defaults).
 * - Trace recording: `Recorder` as the engine's `recorder` (bronze -w), and
 *   `recordContents(c, whole)`, a script's per-connection override.
 * - Packet sources: `openTrace` (pcap, pcapng, gzip, "-" for stdin), `readTrace`,
 *   `openLive` (libpcap, optional); `compileFilter` for tcpdump-syntax filters
 *   (pass the result as the engine's `filter`).
 * - Events: `EventMap` lists every event with its argument types; records
 *   (`Connection`, `Endpoint`, `Weird`, …) have Zeek's field names.
 * - Scripts and logs: `loadBuiltinScripts` (conn.log, weird.log), the log
 *   writers (Zeek ASCII and JSON) for logs of your own.
 * - GeoIP: `geoIp(engine).lookupLocation(addr)` and
 *   `.lookupAutonomousSystem(addr)` (Zeek's functions, the mmdb_* settings),
 *   `.haversineDistanceIp(a1, a2)` and `haversineDistance(lat1, long1, lat2,
 *   long2)` (miles), `MaxMindDb` to read a .mmdb file directly.
 */

/** The older name of AnalyzerHost. */
export type {
  AnalyzerComponent,
  AnalyzerHost,
  AnalyzerHost as AppAnalyzerHost,
  AppAnalyzer,
  AppAnalyzerSpec,
  ChildStream,
  DatagramAnalyzer,
  StreamAnalyzer,
} from "./analyzer/app/analyzer.js";
// ---- protocol state scripts read (c$smtp), and the sizes of the state Zeek's scripts bound (c$smb_state, c$dce_rpc_backing, DHCP::join_data)
export { dceRpcBackingSize } from "./analyzer/app/dce-rpc/log.js";
export { type DhcpJoinDataSizes, dhcpJoinDataSizes } from "./analyzer/app/dhcp/log.js";
export { DEFAULT_ANALYZERS } from "./analyzer/app/protocols.js";
export type { Signature } from "./analyzer/app/signature.js";
export { type SmbStateSizes, smbStateSizes } from "./analyzer/app/smb/script.js";
export { type SmtpEntity, type SmtpInfo, smtpInfoOf } from "./analyzer/app/smtp/script.js";
export type { SshAlgorithmPrefs, SshCapabilities, SshEvents } from "./analyzer/app/ssh/events.js";
export { SSH, SSH_ANALYZER, type SshVersionListener, sshAnalyzer } from "./analyzer/app/ssh/ssh.js";
export {
  type PacketAnalyzerName,
  type PacketAnalyzerTag,
  SWITCHABLE_PACKET_ANALYZERS,
  ZEEK_PACKET_ANALYZER_TAGS,
} from "./analyzer/packet-analyzer-tags.js";
// ---- stream consumers: contents files and application analyzers
export {
  CONTENTS_BOTH,
  CONTENTS_ORIG,
  CONTENTS_RESP,
  type ContentsDirection,
  ContentsFile,
  getContentsFile,
  setContentsFile,
} from "./analyzer/tcp/contents-file.js";
export type { TcpRawOption } from "./analyzer/tcp/options.js";
export type { GeneveOption } from "./analyzer/tunnel/udp-tunnels.js";
/** What a user script's default export receives besides the engine (see README, "Writing a detector"). */
export type { ScriptContext } from "./cli/user-scripts.js";
// ---- the engine
export { Engine, type EngineOptions, type PacketPredicate, type PacketRecorder, type RunSummary } from "./engine.js";
// ---- events and their records
export { EventBus, type HandlerErrorReporter, type HandlerOptions } from "./event/bus.js";
export { EVENT_ALIASES, type EventMap, type EventName, type Handler, registerEvents } from "./event/events.js";
export type { GroupKind, GroupOptions } from "./event/groups.js";
export type { HookHandler, HookName, HookOptions } from "./event/hooks.js";
export {
  type Connection,
  type ConnId,
  type ConnStatsRecord,
  type Endpoint,
  type IcmpContext,
  type IcmpInfo,
  type PacketSourceRecord,
  type SynPacket,
  type TcpOption,
  TcpState,
  type Transport,
  UdpState,
  type Weird,
} from "./event/records.js";
export type { X509CertRecord } from "./files/x509/cert.js";
// ---- hooks and helpers of the X509 certificate event cache and of the policy scripts that use them
export { type CacheReplayArgs, onCertificateCacheReplay } from "./files/x509/certificate-event-cache.js";
export { alwaysRaiseX509Events } from "./files/x509/disable-certificate-events-known-certs.js";
export {
  type X509Result,
  type X509Roots,
  x509CheckCertHostname,
  x509CheckHostname,
  x509IssuerNameHash,
  x509OcspVerify,
  x509Parse,
  x509SpkiHash,
  x509SubjectNameHash,
  x509Verify,
} from "./files/x509/functions.js";
export { compileFilter, FilterSyntaxError, type PacketFilter } from "./filter/compile.js";
export { haversineDistance } from "./geoip/distance.js";
// ---- GeoIP (Zeek's lookup_location, lookup_autonomous_system) and the MaxMind DB reader under it
export { type GeoAutonomousSystem, GeoIp, type GeoIpHost, type GeoIpReporter, type GeoLocation, geoIp } from "./geoip/geoip.js";
export { MaxMindDb, MmdbError, type MmdbMap, type MmdbMetadata, type MmdbRecord, type MmdbValue } from "./geoip/mmdb.js";
export type { Discarders } from "./ip/discarder.js";
export { AsciiWriter, formatAsciiValue } from "./log/ascii-writer.js";
export { CheckedWriter } from "./log/checked-writer.js";
export { JsonWriter } from "./log/json-writer.js";
// ---- logs
export { type LogFilter, type LogLayout, LogManager, type LogOptions } from "./log/manager.js";
export { formatFixed6, formatJsonNumber } from "./log/numbers.js";
export {
  type ScpDestination,
  type SftpDestination,
  type ShippingOptions,
  scpCommand,
  scpPostprocessor,
  sftpCommand,
  sftpPostprocessor,
} from "./log/postprocessors.js";
export { PrintFile, type PrintLogInfo, type PrintRedirect, type PrintValue, ZeekPrint } from "./log/print-log.js";
export type { RotationInfo } from "./log/rotation.js";
export { fields, type LogField, type LogRecord, type LogSchema, type LogType, type LogValue } from "./log/schema.js";
export { FileSink, type LogSink, MemorySink } from "./log/sink.js";
export type { LogExtension, LogFormatter, LogWriter, NamedLogRecord } from "./log/writer.js";
export { applySetting, defaultSettings, type EngineSettings, parseInterval } from "./options.js";
// Each protocol's event interface (DnsEvents, …): through them the declarations give EventMap every event.
export type * from "./protocol-events.js";
export { recordContents } from "./record/record-contents.js";
// ---- trace recording (-w): whole, header-only or nothing per packet, as the analysis decided
export { Recorder, type RecorderOptions, type RecordMode } from "./record/recorder.js";
export { communityIdV1 } from "./scripts/community-id.js";
// ---- the config framework (Zeek's Config::set_value, Option::set_change_handler, config files; config.log)
export { ENGINE_OPTIONS } from "./scripts/config/engine-options.js";
export {
  type ChangeHandler,
  CONFIG_FIELDS,
  CONFIG_SCRIPT,
  type ConfigDeps,
  ConfigFramework,
  configFramework,
  type EndOfDataHandler,
  type OptionDeclaration,
} from "./scripts/config/framework.js";
export type { OptionScalar, OptionShape, OptionType, OptionValue } from "./scripts/config/values.js";
export { CONN_FIELDS, ConnLog, type ConnLogOptions, connLogValues } from "./scripts/conn.js";
export { type PollCallback, type PollingHost, watchConnection } from "./scripts/conn-polling.js";
export { connState, tcpConnState, udpConnState } from "./scripts/conn-state.js";
export { type ConnThresholdEvents, ConnThresholds, connThresholds, type ThresholdHost } from "./scripts/conn-thresholds.js";
export { foundProtocol } from "./scripts/detect-protocols.js";
export type { ScriptHost } from "./scripts/host.js";
// ---- built-in scripts
export { type BuiltinScriptOptions, type BuiltinScripts, loadBuiltinScripts } from "./scripts/index.js";
// ---- the Input framework (context.input): tables and events read from files
export {
  type AnalysisDescription,
  type EventDescription,
  type EventStreamHandler,
  type InputContainerType,
  type InputDeps,
  type InputEndOfDataHandler,
  type InputErrorHandler,
  type InputErrorLevel,
  type InputEventType,
  type InputFieldShorthand,
  type InputFieldSpec,
  type InputFieldType,
  InputFramework,
  type InputMode,
  InputPattern,
  type InputProcessFinishedHandler,
  type InputReader,
  type InputRecord,
  type InputRecordType,
  type InputScalar,
  type InputScalarType,
  InputTable,
  type InputTableEntry,
  type InputValue,
  inputFramework,
  inputRecord,
  printValue as printInputValue,
  type TableDescription,
  type TableEventHandler,
  type TablePredicate,
} from "./scripts/input/index.js";
// ---- the Intel framework (Zeek's Intel::insert, seen, hooks; intel_match, intel.log)
export {
  INTEL_FIELDS,
  INTEL_TYPES,
  INTEL_WHERE,
  Intel,
  type IntelEvents,
  IntelFileError,
  type IntelInfo,
  type IntelItem,
  type IntelMetaData,
  type IntelSeen,
  type IntelType,
  intelFramework,
  parseIntelFile,
} from "./scripts/intel/index.js";
// ---- the NetControl framework (Zeek's NetControl::add_rule, helpers, plugins; netcontrol.log)
export {
  type BlockInfo,
  CatchAndRelease,
  type CatchReleaseInfo,
  catchAndRelease,
  createDebug,
  createDebugError,
  createDebugExists,
  createOpenflow,
  createPacketfilter,
  type Entity,
  type EntityType,
  type Flow,
  type FlowId,
  type FlowInfo,
  type FlowMod,
  NetControl,
  type NetControlConnId,
  type NetControlDeps,
  type NetControlEvents,
  type NetControlInfo,
  type NetControlPlugin,
  netControlFramework,
  type OfConfig,
  type OpenFlowPluginState,
  type PluginState,
  type PortText,
  type Rule,
  type RuleInput,
  type RuleType,
  type TargetType,
} from "./scripts/netcontrol/index.js";
export {
  addEmailSection,
  DEFAULT_SUPPRESSION_INTERVAL,
  delayEmail,
  NOTICE_ACTIONS,
  type NoticeAction,
  type NoticeFrameworkOptions,
  type NoticeInfo,
  type NoticeInput,
  NoticeLog,
  releaseEmail,
} from "./scripts/notice.js";
export { createFileInfo, type NoticeFileInfo, populateFileInfo } from "./scripts/notice-file-info.js";
// ---- the OpenFlow framework (Zeek's OpenFlow::flow_mod, match_conn, cookies, the log plugin; openflow.log) (NetControl's OpenFlow plugin is exported with NetControl)
export {
  type Controller,
  type ControllerState,
  generateCookie,
  getCookieGid,
  getCookieUid,
  logNew,
  matchConn,
  OFPFF_SEND_FLOW_REM,
  OFPP_NORMAL,
  type OfpFlowAction,
  type OfpFlowMod,
  type OfpFlowModCommand,
  type OfpFlowModInput,
  type OfpMatch,
  OpenFlow,
  type OpenFlowDeps,
  type OpenFlowEvents,
  type OpenFlowInfo,
  openFlowFramework,
} from "./scripts/openflow/index.js";
export {
  combineFilters,
  type FilterPlugin,
  PACKET_FILTER_FIELDS,
  type PacketFilterDeps,
  PacketFilterError,
  PacketFilterFramework,
  PacketFilterShunt,
  packetFilterFramework,
  portToBpf,
  samplingFilter,
} from "./scripts/packet-filter/index.js";
export { REPORTER_FIELDS, Reporter, type ReporterLevel, type ReportOptions } from "./scripts/reporter.js";
export { LocalNets, privateAddressSpace } from "./scripts/site.js";
// ---- SumStats' probabilistic counters, for scripts too: Zeek's topk_* and hll_cardinality_* built-ins
export { CardinalityCounter, type CardinalityOptions, registerBits } from "./scripts/sumstats/hll.js";
export { type ProbabilisticReport, TopK, type TopKOptions } from "./scripts/sumstats/topk.js";
// ---- the telemetry framework (Zeek's Telemetry::): metrics, the Prometheus endpoint, telemetry.log
export {
  type Counter as TelemetryCounter,
  type CounterFamily,
  formatPromValue,
  type Gauge as TelemetryGauge,
  type GaugeFamily,
  type Histogram as TelemetryHistogram,
  type HistogramFamily,
  type HistogramMetric,
  listenPrometheus,
  type Metric,
  type MetricOpts,
  type MetricsEndpoint,
  type MetricType,
  prometheusText,
  type SyncHook,
  Telemetry,
  TelemetryError,
  type TelemetryHistogramInfo,
  type TelemetryInfo,
  telemetryFramework,
} from "./scripts/telemetry/index.js";
export { WEIRD_FIELDS, WeirdLog, type WeirdLogOptions } from "./scripts/weird.js";
export type { ThresholdKind } from "./session/connection.js";
export { readSeedFile } from "./session/uid.js";
export {
  parseSignatures,
  type SignatureCondition,
  type SignatureConstant,
  type SignatureDataHandler,
  SignatureError,
  type SignatureEventForm,
  type SignatureEvents,
  type SignatureMessageHandler,
  type SignatureSource,
  type SignatureState,
  type UserSignature,
} from "./signatures/index.js";
export { type CaptureStats, type LiveOptions, LiveSource, openLive } from "./source/live.js";
// ---- packet sources
export { openTrace, openTraceStream, readTrace } from "./source/open.js";
export {
  NETMASK_UNKNOWN,
  type PacketSink,
  type PacketSource,
  type RawPacket,
  type SourceProgress,
  type SourceProperties,
  type SourceSummary,
  TraceError,
} from "./source/raw-packet.js";
// ---- the bytes Zeek hashes for a value (a CardinalityCounter's elements)
export { addrKey, countKey, doubleKey, intKey, stringKey, type ZeekKey } from "./zeek-table/key-bytes.js";
// ---- a set a script declares &ordered (e.g. assigned to a files.log record's analyzers): logged in the order it was filled
export { ZeekOrderedSet } from "./zeek-table/table.js";
