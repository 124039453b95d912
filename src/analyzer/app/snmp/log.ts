/**
 * snmp.log: Zeek's base/protocols/snmp/main.zeek, written against the SNMP
 * events.
 *
 * - A connection's record starts at its first SNMP event (ts then); every
 *   event moves `duration` to now − ts. `version` is "1", "2c", "3" (else
 *   "unknown"); `community` is the first v1/v2c community, or for v3 the
 *   first non-empty USM user name.
 * - get_requests counts the bindings of GetRequest and GetNextRequest PDUs,
 *   get_bulk_requests of GetBulkRequest, get_responses of Response PDUs,
 *   set_requests of SetRequest.
 * - From responses: display_string from a sysDescr.0 octet string,
 *   up_since = now − sysUpTime.0 / 100 s.
 * - The row is written when the connection goes away (Zeek's removal hook).
 */
import { DOUBLE_ZERO } from "../../../doubles.js";
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import type { SnmpHeader } from "./events.js";
import "./events.js";

export const SNMP_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["duration", "interval"],
  ["version", "string"],
  ["community", "string"],
  ["get_requests", "count"],
  ["get_bulk_requests", "count"],
  ["get_responses", "count"],
  ["set_requests", "count"],
  ["display_string", "string"],
  ["up_since", "time"],
);

/** SNMP::version_map. */
const VERSIONS = new Map<number, string>([
  [0, "1"],
  [1, "2c"],
  [3, "3"],
]);
const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const SYS_UPTIME = "1.3.6.1.2.1.1.3.0";

/** SNMP::Info. */
interface SnmpInfo {
  ts: number;
  duration: number;
  version: string;
  community?: string;
  get_requests: number;
  get_bulk_requests: number;
  get_responses: number;
  set_requests: number;
  display_string?: string;
  up_since?: number;
}

export function loadSnmpLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "snmp", fields: SNMP_FIELDS });
  const infos = new WeakMap<Connection, SnmpInfo>();

  /** main.zeek's init_state. */
  const state = (c: Connection, h: SnmpHeader): SnmpInfo => {
    const now = host.clock.now;
    let s = infos.get(c);
    if (s === undefined) {
      s = {
        ts: now,
        // A time difference: a double from the start (see doubles.ts).
        duration: DOUBLE_ZERO,
        version: VERSIONS.get(h.version) ?? "unknown",
        get_requests: 0,
        get_bulk_requests: 0,
        get_responses: 0,
        set_requests: 0,
      };
      infos.set(c, s);
      registerRemovalHook(c, finalize);
    }
    if (s.community === undefined) {
      if (h.v1 !== undefined) s.community = h.v1.community;
      else if (h.v2 !== undefined) s.community = h.v2.community;
      else if (h.v3?.user_security_parameters !== undefined && h.v3.user_security_parameters.UserName.length > 0) {
        s.community = h.v3.user_security_parameters.UserName;
      }
    }
    s.duration = now - s.ts;
    return s;
  };

  const opts = { priority: 5 };
  host.on("snmp_get_request", (c, _o, h, pdu) => void (state(c, h).get_requests += pdu.bindings.length), opts);
  host.on("snmp_get_next_request", (c, _o, h, pdu) => void (state(c, h).get_requests += pdu.bindings.length), opts);
  host.on("snmp_get_bulk_request", (c, _o, h, pdu) => void (state(c, h).get_bulk_requests += pdu.bindings.length), opts);
  host.on("snmp_set_request", (c, _o, h, pdu) => void (state(c, h).set_requests += pdu.bindings.length), opts);
  host.on(
    "snmp_response",
    (c, _o, h, pdu) => {
      const s = state(c, h);
      s.get_responses += pdu.bindings.length;
      for (const b of pdu.bindings) {
        if (b.oid === SYS_DESCR && b.value.octets !== undefined) s.display_string = b.value.octets;
        else if (b.oid === SYS_UPTIME && b.value.unsigned !== undefined) s.up_since = host.clock.now - b.value.unsigned / 100;
      }
    },
    opts,
  );
  host.on("snmp_trap", (c, _o, h) => void state(c, h), opts);
  host.on("snmp_inform_request", (c, _o, h) => void state(c, h), opts);
  host.on("snmp_trapV2", (c, _o, h) => void state(c, h), opts);
  host.on("snmp_report", (c, _o, h) => void state(c, h), opts);
  host.on("snmp_unknown_pdu", (c, _o, h) => void state(c, h), opts);
  host.on("snmp_unknown_scoped_pdu", (c, _o, h) => void state(c, h), opts);
  host.on("snmp_encrypted_pdu", (c, _o, h) => void state(c, h), opts);

  const finalize = removalHook(host, (c) => {
    const s = infos.get(c);
    if (s === undefined) return;
    infos.delete(c);
    log.write([
      s.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      s.duration,
      s.version,
      s.community,
      s.get_requests,
      s.get_bulk_requests,
      s.get_responses,
      s.set_requests,
      s.display_string,
      s.up_since,
    ]);
  });
}

export const SNMP_SCRIPT: ProtocolScript = {
  script: "base/protocols/snmp",
  load: (host, logs) => loadSnmpLog(host, logs),
};
