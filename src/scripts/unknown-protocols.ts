/**
 * Zeek's policy/misc/unknown-protocols: unknown_protocols.log, one row per
 * unknown_protocol event (sampled where it is raised, see
 * packet/unknown-protocols.ts): the analyzer that found nothing registered
 * for a protocol, the protocol's number in hex, the first bytes after the
 * analyzer's header in hex, and the analyzers the packet went through.
 */
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import type { AnalyzerScriptHost } from "./host.js";

/** Zeek's UnknownProtocol::Info: protocol_id_num has no &log (a script may add it: LogManager.logField). */
export const UNKNOWN_PROTOCOLS_FIELDS: readonly LogField[] = [
  ...fields(["ts", "time"], ["analyzer", "string"], ["protocol_id", "string"]),
  { name: "protocol_id_num", type: "count", logged: false },
  ...fields(["first_bytes", "string"], ["analyzer_history", "vector[string]"]),
];

/** Zeek's bytestring_to_hexstr. */
function hex(bytes: string): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += (bytes.charCodeAt(i) & 0xff).toString(16).padStart(2, "0");
  return out;
}

export function loadUnknownProtocolsLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "unknown_protocols", fields: UNKNOWN_PROTOCOLS_FIELDS });
  host.on("unknown_protocol", (analyzer, protocol, first, history) => {
    log.write([host.clock.now, analyzer, `0x${protocol.toString(16)}`, protocol, hex(first), history]);
  });
}
