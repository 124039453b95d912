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
import type { AnalyzerViolationInfo, Connection } from "../event/records.js";
import type { FaFile } from "../files/file.js";
import { bytesToLogText } from "../log/escape.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField, type LogType } from "../log/schema.js";
import { withScriptRedefs } from "../options.js";
import { latin1 } from "../packet/bytes.js";
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

/** The connection a row names: the event's, else (a file analyzer's row) the file's when it has exactly one (Zeek's populate_from_file). */
export function subjectConnection(c: Connection | undefined, f: FaFile | undefined): Connection | undefined {
  return c ?? (f?.conns.size === 1 ? f.conns.values().next().value : undefined);
}

/** A violation's data as analyzer.log shows it: its first `max` bytes (all of them for 0), escaped as Zeek escapes bytes. */
export function failureData(data: string | undefined, max = FAILURE_DATA_MAX): string | undefined {
  return data === undefined ? undefined : bytesToLogText(max > 0 ? data.slice(0, max) : data);
}

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

/** policy/frameworks/analyzer/packet-segment-logging: analyzer.log's packet_segment. */
export const PACKET_SEGMENT_SCRIPT = "frameworks/analyzer/packet-segment-logging";

/**
 * packet-segment-logging: at each violation of a protocol analyzer the first
 * Analyzer::Logging::packet_segment_size bytes of the packet being processed
 * (as captured, link layer included: Zeek's get_current_packet, which may
 * not be the packet that caused it) are kept on the connection, the last
 * one kept goes into the connection's analyzer.log rows.
 */
function packetSegments(host: AnalyzerScriptHost): WeakMap<Connection, string> {
  const kept = new WeakMap<Connection, string>();
  host.on(
    "analyzer_violation_info",
    (atype, info) => {
      const kind = analyzerKind(atype);
      if ((kind !== "protocol" && kind !== "packet") || info.c === undefined) return;
      const data = host.currentPacketData?.();
      if (data === null || data === undefined) return;
      const size = host.settings["Analyzer::Logging::packet_segment_size"];
      kept.set(info.c, latin1(data.subarray(0, size < 0 ? Math.max(0, data.length + size) : size)));
    },
    { priority: 4 },
  );
  return kept;
}

/** The packet segment kept for `c`, as log text; unset when none. */
function segmentOf(segments: WeakMap<Connection, string>, c: Connection | undefined): string | undefined {
  const kept = c === undefined ? undefined : segments.get(c);
  return kept === undefined ? undefined : bytesToLogText(kept);
}

export function loadDpd(host: AnalyzerScriptHost, logs: LogManager | null, withPacketSegments = false): void {
  const segments = withPacketSegments ? packetSegments(host) : null;
  const columns = segments === null ? ANALYZER_FIELDS : [...ANALYZER_FIELDS, { name: "packet_segment", type: "string" as const }];
  const log = logs?.open({ path: "analyzer", fields: columns }) ?? null;

  const write = (ts: number, atype: string, info: AnalyzerViolationInfo): void => {
    if (log === null) return;
    const c = info.c;
    const at = subjectConnection(c, info.f);
    log.write([
      ts,
      analyzerKind(atype),
      atype,
      at?.uid,
      info.f?.id,
      at?.id.orig_h,
      at?.id.orig_p,
      at?.id.resp_h,
      at?.id.resp_p,
      c?.id.transport,
      info.reason,
      failureData(info.data),
      ...(segments === null ? [] : [segmentOf(segments, c)]),
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
