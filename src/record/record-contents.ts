/**
 * The per-connection override of trace recording, for scripts: Bro's
 * Connection::SetRecordContents. `-w` records each packet whole, header-only
 * or not at all as the analysis decided (packet/packet-use.ts); a script that
 * wants a connection's full contents in the trace (it found something worth
 * keeping), or only its headers (the payload is bulk or private), says so:
 *
 *   engine.on("connection_established", (c) => {
 *     if (c.id.resp_p === 23) recordContents(c, true);   // telnet: every byte
 *   });
 *
 * The recorder asks after the packet's events ran, so the override covers the
 * packet whose event the handler handles (a new_connection handler gets the
 * first packet too) and every later packet of the connection while it lives.
 */
import type { Connection } from "../event/records.js";
import { liveConn } from "../session/connection.js";

/**
 * `whole` true: record `c`'s later packets whole; false: header-only (cut
 * after the transport header, wire length kept), whatever the analysis used;
 * null: back to the analysis' decision. False when `c` is not a live
 * connection of an engine.
 */
export function recordContents(c: Connection, whole: boolean | null): boolean {
  const conn = liveConn(c);
  if (conn === null) return false;
  conn.setRecordContents(whole);
  return true;
}
