/**
 * The analyzer framework's policy (Zeek's base/frameworks/analyzer/dpd.zeek
 * and logging.zeek, as bronze's built-in script):
 *
 * - a confirmation adds the analyzer's name to c.service (priority 10, so
 *   other handlers already see it);
 * - a protocol analyzer's violation, while the connection has carried at
 *   most DPD::ignore_violations_after bytes, disables the analyzer and raises
 *   analyzer_failed (also when it was already gone), unless a protocol
 *   script (`ignoreViolations`) or the user's settings put it into
 *   DPD::ignore_violations;
 * - analyzer_failed writes an analyzer.log row for an analyzer that had
 *   confirmed and not failed before, then (priority -5) takes its name out
 *   of c.service into c.failed_analyzers (with
 *   DPD::track_removed_services_in_connection the name stays and "-NAME"
 *   follows it);
 * - violations of packet analyzers (tunnels) are logged as they come.
 */
import { analyzerKind } from "../analyzer/kinds.js";
import type { AnalyzerViolationInfo } from "../event/records.js";
import { bytesToLogText } from "../log/escape.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField, type LogType } from "../log/schema.js";
import { withScriptRedefs } from "../options.js";
import type { AnalyzerScriptHost } from "./host.js";

/** The analyzer and where it ran: the columns analyzer.log and analyzer_debug.log share. */
export const ANALYZER_SUBJECT_COLUMNS = [
  ["analyzer_kind", "string"],
  ["analyzer_name", "string"],
  ["uid", "string"],
  ["fuid", "string"],
  ["id.orig_h", "addr"],
  ["id.orig_p", "port"],
  ["id.resp_h", "addr"],
  ["id.resp_p", "port"],
] as const satisfies ReadonlyArray<readonly [string, LogType]>;

export const ANALYZER_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ...ANALYZER_SUBJECT_COLUMNS,
  ["proto", "enum"],
  ["failure_reason", "string"],
  ["failure_data", "string"],
);

/** Analyzer::Logging::failure_data_max_size. */
const FAILURE_DATA_MAX = 40;

/** What bronze's protocol scripts add to DPD::ignore_violations, per script host (tag names: "ANALYZER_NTLM"). */
const SCRIPT_IGNORED = new WeakMap<AnalyzerScriptHost, Set<string>>();

/** `redef DPD::ignore_violations += { Analyzer::ANALYZER_X }` (a protocol script's, e.g. DCE_RPC, NTLM). */
export function ignoreViolations(host: AnalyzerScriptHost, name: string): void {
  let set = SCRIPT_IGNORED.get(host);
  if (set === undefined) SCRIPT_IGNORED.set(host, (set = new Set()));
  set.add(`ANALYZER_${name}`);
}

/** DPD::ignore_violations as the run has it: the scripts' additions under the user's redefs, made at the first violation (every script is loaded by then). */
const IGNORED = new WeakMap<AnalyzerScriptHost, Set<string>>();

function ignored(host: AnalyzerScriptHost): Set<string> {
  let set = IGNORED.get(host);
  if (set === undefined) IGNORED.set(host, (set = withScriptRedefs(host.settings, "DPD::ignore_violations", SCRIPT_IGNORED.get(host) ?? [])));
  return set;
}

export function loadDpd(host: AnalyzerScriptHost, logs: LogManager | null): void {
  const log = logs?.open({ path: "analyzer", fields: ANALYZER_FIELDS }) ?? null;

  const write = (ts: number, atype: string, info: AnalyzerViolationInfo): void => {
    if (log === null) return;
    const c = info.c;
    log.write([
      ts,
      analyzerKind(atype),
      atype,
      c?.uid,
      undefined,
      c?.id.orig_h,
      c?.id.orig_p,
      c?.id.resp_h,
      c?.id.resp_p,
      c?.id.transport,
      info.reason,
      // The bytes as Zeek's writer shows them (\xNN outside UTF-8).
      info.data === undefined ? undefined : bytesToLogText(info.data.slice(0, FAILURE_DATA_MAX)),
    ]);
  };

  host.on(
    "analyzer_confirmation_info",
    (atype, info) => {
      if (info.c !== undefined) info.c.service.add(atype);
    },
    { priority: 10 },
  );

  host.on(
    "analyzer_violation_info",
    (atype, info) => {
      const c = info.c;
      if (analyzerKind(atype) !== "protocol" || c === undefined) return;
      if (ignored(host).has(`ANALYZER_${atype}`)) return;
      const limit = host.settings["DPD::ignore_violations_after"];
      if (limit > 0 && c.orig.size + c.resp.size > limit) return;
      if (host.lookupAnalyzer(c, atype) === 0 || host.disableAnalyzer(c, info.aid)) host.raise("analyzer_failed", host.clock.now, atype, info);
    },
    { priority: 5 },
  );

  host.on("analyzer_violation_info", (atype, info) => {
    if (analyzerKind(atype) !== "protocol") write(host.clock.now, atype, info);
  });

  host.on("analyzer_failed", (ts, atype, info) => {
    const c = info.c;
    if (c === undefined || !c.service.has(atype) || c.failed_analyzers?.has(atype)) return;
    write(ts, atype, info);
  });

  host.on(
    "analyzer_failed",
    (_ts, atype, info) => {
      const c = info.c;
      if (c === undefined || !c.service.has(atype)) return;
      (c.failed_analyzers ??= new Set()).add(atype);
      // Tracking removed services keeps the name and adds "-NAME" after it ("FTP,-FTP", lower-cased in conn.log).
      if (host.settings["DPD::track_removed_services_in_connection"]) c.service.add(`-${atype}`);
      else c.service.delete(atype);
    },
    { priority: -5 },
  );
}
