/**
 * modbus.log: Zeek's base/protocols/modbus/main.zeek, written against the
 * Modbus events. One row per PDU with a good header: at modbus_message for
 * requests and normal responses, at modbus_exception (with the exception's
 * name) for exception responses; `func` is the function's name
 * (Modbus::build_func), `pdu_type` REQ from the originator, RESP from the
 * responder, `ts` the time of the message.
 */
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { codeName, EXCEPTION_CODES, functionName } from "./consts.js";
import "./events.js";

export const MODBUS_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["tid", "count"],
  ["unit", "count"],
  ["func", "string"],
  ["pdu_type", "string"],
  ["exception", "string"],
);

export function loadModbusLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "modbus", fields: MODBUS_FIELDS });
  const write = (
    c: import("../../../event/records.js").Connection,
    tid: number,
    unit: number,
    fc: number,
    isOrig: boolean,
    exception: string | undefined,
  ): void => {
    const id = c.id;
    log.write([host.clock.now, c.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, tid, unit, functionName(fc), isOrig ? "REQ" : "RESP", exception]);
  };
  // Exception responses are written by the exception event (main.zeek's priority -5 handlers).
  host.on(
    "modbus_message",
    (c, h, isOrig) => {
      if (h.function_code < 0x80) write(c, h.tid, h.uid, h.function_code, isOrig, undefined);
    },
    { priority: -5 },
  );
  host.on(
    "modbus_exception",
    (c, h, code) => {
      write(c, h.tid, h.uid, h.function_code, false, codeName(EXCEPTION_CODES, code));
    },
    { priority: -5 },
  );
}

export const MODBUS_SCRIPT: ProtocolScript = {
  script: "base/protocols/modbus",
  load: (host, logs) => loadModbusLog(host, logs),
};
