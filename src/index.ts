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
 */

// ---- the engine
export { Engine, type EngineOptions, type RunSummary, type PacketPredicate, type PacketRecorder } from "./engine.js";
export { applySetting, defaultSettings, parseInterval, type EngineSettings } from "./options.js";
export { readSeedFile } from "./session/uid.js";

// ---- stream consumers: contents files and application analyzers
export {
  setContentsFile, getContentsFile, ContentsFile, CONTENTS_ORIG, CONTENTS_RESP, CONTENTS_BOTH, type ContentsDirection,
} from "./analyzer/tcp/contents-file.js";
export type {
  AnalyzerComponent, AnalyzerHost, AppAnalyzer, AppAnalyzerSpec, ChildStream, DatagramAnalyzer, StreamAnalyzer,
} from "./analyzer/app/analyzer.js";
/** The older name of AnalyzerHost. */
export type { AnalyzerHost as AppAnalyzerHost } from "./analyzer/app/analyzer.js";
export type { Signature } from "./analyzer/app/signature.js";
export { registerEvents } from "./event/events.js";
export { DEFAULT_ANALYZERS } from "./analyzer/app/protocols.js";
export { SSH, SSH_ANALYZER, sshAnalyzer, type SshVersionListener } from "./analyzer/app/ssh/ssh.js";
export type { SshAlgorithmPrefs, SshCapabilities, SshEvents } from "./analyzer/app/ssh/events.js";

// ---- trace recording (-w): whole, header-only or nothing per packet, as the analysis decided
export { Recorder, type RecorderOptions, type RecordMode } from "./record/recorder.js";
export { recordContents } from "./record/record-contents.js";

// ---- packet sources
export { openTrace, openTraceStream, readTrace } from "./source/open.js";
export { openLive, LiveSource, type LiveOptions, type CaptureStats } from "./source/live.js";
export { compileFilter, FilterSyntaxError, type PacketFilter } from "./filter/compile.js";
export { TraceError, type PacketSink, type PacketSource, type RawPacket, type SourceProgress, type SourceSummary } from "./source/raw-packet.js";

// ---- events and their records
export { EventBus, type HandlerOptions, type HandlerErrorReporter } from "./event/bus.js";
export { EVENT_ALIASES, type EventMap, type EventName, type Handler } from "./event/events.js";
export {
  TcpState, UdpState,
  type Connection, type ConnId, type Endpoint, type IcmpContext, type IcmpInfo, type SynPacket, type TcpOption, type Transport, type Weird,
} from "./event/records.js";

// ---- built-in scripts
export { loadBuiltinScripts, type BuiltinScriptOptions, type BuiltinScripts } from "./scripts/index.js";
export { ConnLog, CONN_FIELDS, connLogValues, type ConnLogOptions } from "./scripts/conn.js";
export { WeirdLog, WEIRD_FIELDS, type WeirdLogOptions } from "./scripts/weird.js";
export { connState, tcpConnState, udpConnState } from "./scripts/conn-state.js";
export { LocalNets, privateAddressSpace } from "./scripts/site.js";
export type { ScriptHost } from "./scripts/host.js";
/** What a user script's default export receives besides the engine (see README, "Writing a detector"). */
export type { ScriptContext } from "./cli/user-scripts.js";

// ---- logs
export { LogManager, type LogOptions } from "./log/manager.js";
export { AsciiWriter, formatAsciiValue } from "./log/ascii-writer.js";
export { JsonWriter } from "./log/json-writer.js";
export { FileSink, MemorySink, type LogSink } from "./log/sink.js";
export { fields, type LogField, type LogRecord, type LogSchema, type LogType, type LogValue } from "./log/schema.js";
export type { LogWriter } from "./log/writer.js";
export { formatFixed6, formatJsonNumber } from "./log/numbers.js";
