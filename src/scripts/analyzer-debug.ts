/**
 * Zeek's policy/frameworks/analyzer/debug-logging: analyzer_debug.log, one
 * row per analyzer confirmation, violation (with its reason and the first
 * bytes of the data that caused it) and disabling, for whoever develops or
 * troubleshoots analyzers and detection. Loaded only when named
 * (`frameworks/analyzer/debug-logging`), as in Zeek.
 */
import { analyzerKind } from "../analyzer/kinds.js";
import type { Connection } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import { ANALYZER_SUBJECT_COLUMNS, failureData } from "./dpd.js";
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

export function loadAnalyzerDebugLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "analyzer_debug", fields: ANALYZER_DEBUG_FIELDS });
  const write = (cause: string, name: string, c: Connection | undefined, reason?: string, data?: string): void => {
    log.write([host.clock.now, cause, analyzerKind(name), name, c?.uid, undefined, c?.id.orig_h, c?.id.orig_p, c?.id.resp_h, c?.id.resp_p, reason, data]);
  };
  // The script's options (event groups Zeek switches by them): read once, as the command line sets them.
  const settings = host.settings;
  if (settings["Analyzer::DebugLogging::include_confirmations"]) host.on("analyzer_confirmation_info", (atype, info) => write("confirmation", atype, info.c));
  // Before the DPD policy's handler (priority 5), which may disable the analyzer: the violation comes first.
  host.on("analyzer_violation_info", (atype, info) => write("violation", atype, info.c, info.reason, failureData(info.data)), { priority: 6 });
  if (!settings["Analyzer::DebugLogging::include_disabling"]) return;
  host.onDisablingAnalyzer?.((c, name) => {
    write("disabled", name, c);
    return true;
  }, -1000);
}
