/**
 * quic.log: bronze's twin of Zeek's base/protocols/quic/main.zeek (and
 * consts.zeek), written against the QUIC events and the SSL events of the
 * QUIC analyzer's SSL child.
 *
 * A connection's record is made by its first Initial, Handshake or 0-RTT
 * packet (or a Retry or unknown version): the version as Zeek names it, the
 * client's first non-empty Initial DCID, the latest SCID of each side, the
 * SNI and first ALPN of the ClientHello, and the history: one letter per
 * packet kind (upper case from the client): I Initial, H Handshake, Z 0-RTT,
 * R Retry, C CONNECTION_CLOSE, S a ClientHello/ServerHello, U an unknown
 * version, X a discarded packet, O short-header packets at 1, 2, 4, 8, …,
 * up to QUIC::max_history_length letters. A Retry, a CONNECTION_CLOSE or
 * an unknown version writes the row and starts a new one; the connection's
 * removal writes the last.
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import "../ssl/events.js";
import "./events.js";

export const QUIC_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["version", "string"],
  ["client_initial_dcid", "string"],
  ["client_scid", "string"],
  ["server_scid", "string"],
  ["server_name", "string"],
  ["client_protocol", "string"],
  ["history", "string"],
);

/** QUIC::version_strings (consts.zeek); others are "unknown-<hex>". */
const VERSION_STRINGS: ReadonlyMap<number, string> = new Map([
  [0x00000001, "1"],
  [0x6b3343cf, "quicv2"],
  [0xff000016, "draft-22"],
  [0xff000017, "draft-23"],
  [0xff000018, "draft-24"],
  [0xff000019, "draft-25"],
  [0xff00001a, "draft-26"],
  [0xff00001b, "draft-27"],
  [0xff00001c, "draft-28"],
  [0xff00001d, "draft-29"],
  [0xff00001e, "draft-30"],
  // Zeek's table says draft-30 for draft 31 too.
  [0xff00001f, "draft-30"],
  [0xff000020, "draft-32"],
  [0xff000021, "draft-33"],
  [0xff000022, "draft-34"],
  [0xfaceb001, "mvfst (faceb001)"],
  [0xfaceb002, "mvfst (faceb002)"],
  [0xfaceb00e, "mvfst (faceb00e)"],
  [0xfaceb011, "mvfst (faceb011)"],
  [0xfaceb012, "mvfst (faceb012)"],
  [0xfaceb013, "mvfst (faceb013)"],
]);

/** A QUIC version as quic.log names it. */
export function quicVersionString(version: number): string {
  return VERSION_STRINGS.get(version) ?? `unknown-${version.toString(16)}`;
}

/** Zeek's QUIC::Info. */
export interface QuicInfo {
  ts: number;
  uid: string;
  c: Connection;
  version: string;
  client_initial_dcid?: string;
  client_scid?: string;
  server_scid?: string;
  server_name?: string;
  client_protocol?: string;
  /** history_state: the letters so far. */
  history: string;
  logged: boolean;
}

/** bytestring_to_hexstr. */
function hex(s: string): string {
  return Buffer.from(s, "latin1").toString("hex");
}

export function loadQuicLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const writer: LogWriter = logs.open({ path: "quic", fields: QUIC_FIELDS });
  /** c$quic, by uid. */
  const records = new Map<string, QuicInfo>();

  const write = (q: QuicInfo): void => {
    const id = q.c.id;
    writer.write([
      q.ts,
      q.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      q.version,
      q.client_initial_dcid,
      q.client_scid,
      q.server_scid,
      q.server_name,
      q.client_protocol,
      q.history,
    ]);
    q.logged = true;
  };

  /** log_record, then `delete c$quic`. */
  const logAndForget = (c: Connection, q: QuicInfo): void => {
    write(q);
    records.delete(c.uid);
  };

  const finalize = removalHook(host, (c) => {
    const q = records.get(c.uid);
    if (q === undefined) return;
    records.delete(c.uid);
    if (!q.logged) write(q);
  });

  const setSession = (c: Connection, isOrig: boolean, version: number, dcid: string, scid: string): QuicInfo => {
    let q = records.get(c.uid);
    if (q === undefined) {
      q = { ts: host.clock.now, uid: c.uid, c, version: quicVersionString(version), history: "", logged: false };
      records.set(c.uid, q);
      registerRemovalHook(c, finalize);
    }
    if (isOrig && dcid.length > 0 && q.client_initial_dcid === undefined) q.client_initial_dcid = hex(dcid);
    if (isOrig) q.client_scid = hex(scid);
    else q.server_scid = hex(scid);
    return q;
  };

  const addToHistory = (q: QuicInfo, isOrig: boolean, what: string): void => {
    const max = host.settings["QUIC::max_history_length"];
    if (q.history.length === max) return;
    q.history += isOrig ? what[0]!.toUpperCase() : what[0]!.toLowerCase();
    if (q.history.length === max) host.connWeird("QUIC_max_history_length_reached", q.c);
  };

  const packet = (what: string) => (c: Connection, isOrig: boolean, version: number, dcid: string, scid: string) => {
    addToHistory(setSession(c, isOrig, version, dcid, scid), isOrig, what);
  };
  host.on("QUIC::initial_packet", packet("INIT"));
  host.on("QUIC::handshake_packet", packet("HANDSHAKE"));
  host.on("QUIC::zero_rtt_packet", packet("ZeroRTT"));

  // A Retry writes the row and starts a new one.
  host.on("QUIC::retry_packet", (c, isOrig, version, dcid, scid) => {
    const q = records.get(c.uid) ?? setSession(c, isOrig, version, dcid, scid);
    addToHistory(q, isOrig, "RETRY");
    logAndForget(c, q);
  });

  host.on("QUIC::short_header_packet_threshold_crossed", (c, isOrig, threshold) => {
    const q = records.get(c.uid);
    // Short-header packets parsed without an Initial seen first.
    if (q === undefined) host.connWeird("QUIC_spurious_short_header_packet_threshold_crossed", c, `${threshold}`);
    else addToHistory(q, isOrig, "Oshort_header");
  });

  host.on("QUIC::discarded_packet", (c, isOrig) => {
    const q = records.get(c.uid);
    if (q === undefined) host.connWeird("QUIC_spurious_discarded_packet", c);
    else addToHistory(q, isOrig, "Xdiscarded");
  });

  // A version the analyzer cannot handle: one row of its own.
  host.on("QUIC::unhandled_version", (c, isOrig, version, dcid, scid) => {
    const q = records.get(c.uid) ?? setSession(c, isOrig, version, dcid, scid);
    addToHistory(q, isOrig, "UNHANDLED_VERSION");
    logAndForget(c, q);
  });

  host.on("QUIC::connection_close_frame", (c, isOrig) => {
    const q = records.get(c.uid);
    if (q === undefined) return;
    addToHistory(q, isOrig, "CONNECTION_CLOSE");
    logAndForget(c, q);
  });

  host.on(
    "ssl_extension_server_name",
    (c, isClient, names) => {
      const q = records.get(c.uid);
      if (isClient && q !== undefined && names.length > 0) q.server_name = names[0];
    },
    { priority: 5 },
  );

  host.on("ssl_extension_application_layer_protocol_negotiation", (c, isClient, protocols) => {
    const q = records.get(c.uid);
    if (q === undefined || !isClient) return;
    q.client_protocol = protocols[0];
    // quic.log keeps the first only.
    if (protocols.length > 1) host.connWeird("QUIC_many_protocols", c, `[${protocols.join(", ")}]`);
  });

  host.on("ssl_client_hello", (c) => {
    const q = records.get(c.uid);
    if (q !== undefined) addToHistory(q, true, "SSL");
  });

  host.on(
    "ssl_server_hello",
    (c) => {
      const q = records.get(c.uid);
      if (q !== undefined) addToHistory(q, false, "SSL");
    },
    { priority: -5 },
  );
}

export const QUIC_SCRIPT: ProtocolScript = {
  script: "base/protocols/quic",
  spicy: true,
  load: (host, logs) => loadQuicLog(host, logs),
};
