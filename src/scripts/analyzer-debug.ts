/**
 * Zeek's policy/frameworks/analyzer/debug-logging: analyzer_debug.log, one
 * row per analyzer confirmation, violation (with its reason and the first
 * bytes of the data that caused it) and disabling, for whoever develops or
 * troubleshoots analyzers and detection. Loaded only when named
 * (`frameworks/analyzer/debug-logging`), as in Zeek.
 *
 * Its options are read where they act, so that the config framework's
 * changes take effect at the next row, as Zeek's change handlers switch the
 * stream and the script's event groups: `enable` (F: Log::disable_stream,
 * which also switches off the module's handlers: no row at all),
 * `include_confirmations`, `include_disabling`, `failure_data_max_size`
 * (0: the whole data) and `ignore_analyzers` (tags: Analyzer::ANALYZER_HTTP,
 * PacketAnalyzer::ANALYZER_VXLAN, Files::ANALYZER_ZIP). A file analyzer's
 * row names its file, and the file's connection when it has exactly one.
 */
import { analyzerKind } from "../analyzer/kinds.js";
import { PACKET_ANALYZER_MODULE } from "../analyzer/packet-analyzer-tags.js";
import type { Connection } from "../event/records.js";
import type { FaFile } from "../files/file.js";
import { FILE_ANALYZER_MODULE } from "../files/tags.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import { ANALYZER_SUBJECT_COLUMNS, failureData, subjectConnection } from "./dpd.js";
import type { AnalyzerScriptHost } from "./host.js";

export const ANALYZER_DEBUG_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["cause", "string"],
  ...ANALYZER_SUBJECT_COLUMNS,
  ["failure_reason", "string"],
  ["failure_data", "string"],
);

/** The script's name on a command line. */
export const ANALYZER_DEBUG_SCRIPT = "frameworks/analyzer/debug-logging";

/** An analyzer's tag as a set of AllAnalyzers::Tag names it (without Zeek's "Analyzer::" of the protocol ones). */
function analyzerTag(name: string): string {
  const kind = analyzerKind(name);
  const module = kind === "packet" ? PACKET_ANALYZER_MODULE : kind === "file" ? FILE_ANALYZER_MODULE : "";
  return `${module}ANALYZER_${name}`;
}

export function loadAnalyzerDebugLog(host: AnalyzerScriptHost, logs: LogManager): void {
  // Log::disable_stream switches the script's module events off with the stream (its $event_groups).
  const log = logs.open({ path: "analyzer_debug", fields: ANALYZER_DEBUG_FIELDS, eventGroups: ["Analyzer::DebugLogging"] });
  const settings = host.settings;
  const wanted = (atype: string): boolean =>
    settings["Analyzer::DebugLogging::enable"] && !settings["Analyzer::DebugLogging::ignore_analyzers"].has(analyzerTag(atype));
  const write = (cause: string, name: string, c: Connection | undefined, f?: FaFile, reason?: string, data?: string): void => {
    const at = subjectConnection(c, f);
    log.write([host.clock.now, cause, analyzerKind(name), name, at?.uid, f?.id, at?.id.orig_h, at?.id.orig_p, at?.id.resp_h, at?.id.resp_p, reason, data]);
  };
  host.on("analyzer_confirmation_info", (atype, info) => {
    if (settings["Analyzer::DebugLogging::include_confirmations"] && wanted(atype)) write("confirmation", atype, info.c);
  });
  // Before the DPD policy's handler (priority 5), which may disable the analyzer: the violation comes first.
  host.on(
    "analyzer_violation_info",
    (atype, info) => {
      if (!wanted(atype)) return;
      write("violation", atype, info.c, info.f, info.reason, failureData(info.data, settings["Analyzer::DebugLogging::failure_data_max_size"]));
    },
    { priority: 6 },
  );
  host.onDisablingAnalyzer?.((c, name) => {
    if (settings["Analyzer::DebugLogging::include_disabling"] && wanted(name)) write("disabled", name, c);
    return true;
  }, -1000);
}
