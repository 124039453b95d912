/**
 * dnp3.log: Zeek's base/protocols/dnp3/main.zeek. A request's header notes
 * its function (and the time); a response's header writes the row with the
 * request noted last (if any), the response's function and its IIN, and
 * starts afresh; a request still unanswered when the connection goes away
 * is written then (the finalize_dnp3 removal hook).
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import "./events.js";

/** DNP3::function_codes. */
const FUNCTION_CODES: readonly string[] = [
  "CONFIRM",
  "READ",
  "WRITE",
  "SELECT",
  "OPERATE",
  "DIRECT_OPERATE",
  "DIRECT_OPERATE_NR",
  "IMMED_FREEZE",
  "IMMED_FREEZE_NR",
  "FREEZE_CLEAR",
  "FREEZE_CLEAR_NR",
  "FREEZE_AT_TIME",
  "FREEZE_AT_TIME_NR",
  "COLD_RESTART",
  "WARM_RESTART",
  "INITIALIZE_DATA",
  "INITIALIZE_APPL",
  "START_APPL",
  "STOP_APPL",
  "SAVE_CONFIG",
  "ENABLE_UNSOLICITED",
  "DISABLE_UNSOLICITED",
  "ASSIGN_CLASS",
  "DELAY_MEASURE",
  "RECORD_CURRENT_TIME",
  "OPEN_FILE",
  "CLOSE_FILE",
  "DELETE_FILE",
  "GET_FILE_INFO",
  "AUTHENTICATE_FILE",
  "ABORT_FILE",
  "ACTIVATE_CONFIG",
  "AUTHENTICATE_REQ",
  "AUTHENTICATE_REQ_NR",
];
const RESPONSE_CODES: readonly string[] = ["RESPONSE", "UNSOLICITED_RESPONSE", "AUTHENTICATE_RESP"];

/** The table's name for `fc`, else its &default "unknown-N". */
export function dnp3FunctionName(fc: number): string {
  const name = fc < FUNCTION_CODES.length ? FUNCTION_CODES[fc] : fc >= 0x81 && fc <= 0x83 ? RESPONSE_CODES[fc - 0x81] : undefined;
  return name ?? `unknown-${fc}`;
}

export const DNP3_FIELDS: readonly LogField[] = fields(...CONN_ID_COLUMNS, ["fc_request", "string"], ["fc_reply", "string"], ["iin", "count"]);

interface Dnp3Info {
  ts: number;
  fc_request?: string;
}

export function loadDnp3Log(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "dnp3", fields: DNP3_FIELDS });
  const infos = new WeakMap<Connection, Dnp3Info>();
  const write = (c: Connection, info: Dnp3Info, reply?: string, iin?: number): void => {
    const id = c.id;
    log.write([info.ts, c.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, info.fc_request, reply, iin]);
  };
  host.on("dnp3_application_request_header", (c, _isOrig, _app, fc) => {
    let info = infos.get(c);
    if (info === undefined) infos.set(c, (info = { ts: host.clock.now }));
    info.ts = host.clock.now;
    info.fc_request = dnp3FunctionName(fc);
  });
  host.on("dnp3_application_response_header", (c, _isOrig, _app, fc, iin) => {
    const info = infos.get(c) ?? { ts: host.clock.now };
    info.ts = host.clock.now;
    write(c, info, dnp3FunctionName(fc), iin);
    infos.delete(c);
  });
  // The removal hook (Conn::register_removal_hook runs at connection_state_remove).
  host.on("connection_state_remove", (c) => {
    const info = infos.get(c);
    if (info === undefined) return;
    write(c, info);
    infos.delete(c);
  });
}

export const DNP3_SCRIPT: ProtocolScript = {
  script: "base/protocols/dnp3",
  load: (host, logs) => loadDnp3Log(host, logs),
};
