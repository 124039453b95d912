/**
 * websocket.log: Zeek's base/protocols/websocket/main.zeek, written against
 * the HTTP and WebSocket events.
 *
 * - The record starts at the first Sec-WebSocket-* header of the upgrade
 *   request or reply (a new request forgets it: a nested upgrade reuses the
 *   connection): the client's protocols and extensions (split at commas),
 *   its key, the server's subprotocol, extensions and accept value.
 * - At websocket_established (the analyzer attached after the 101 reply)
 *   the weirds websocket_established_unexpected, websocket_missing_key_header,
 *   websocket_missing_accept_header and websocket_wrong_accept_header (the
 *   accept value is base64(SHA-1(key + RFC 6455's GUID))); host, uri and
 *   user_agent come from c$http; the row is written then, ts being that time.
 */
import { createHash } from "node:crypto";
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { httpInfoOf } from "../http/script.js";
import { configureWebSocket, type WebSocketAnalyzerConfig } from "./websocket.js";

declare module "../../../event/hooks.js" {
  interface HookMap {
    /** WebSocket::configure_analyzer: handlers may change the analyzer's config; a break (false) disables the analyzer instead. */
    "WebSocket::configure_analyzer": [c: Connection, aid: number, config: WebSocketAnalyzerConfig];
  }
}

export const WEBSOCKET_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["host", "string"],
  ["uri", "string"],
  ["user_agent", "string"],
  ["subprotocol", "string"],
  ["client_protocols", "vector[string]"],
  ["server_extensions", "vector[string]"],
  ["client_extensions", "vector[string]"],
);

/** WebSocket::HANDSHAKE_GUID (RFC 6455 §1.3). */
const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** WebSocket::Info. */
export interface WebSocketInfo {
  ts: number;
  host?: string;
  uri?: string;
  user_agent?: string;
  subprotocol?: string;
  client_protocols?: string[];
  server_extensions?: string[];
  client_extensions?: string[];
  client_key?: string;
  server_accept?: string;
}

/** The value Sec-WebSocket-Accept must have for `key` (WebSocket::expected_accept_for). */
export function expectedAcceptFor(key: string): string {
  return createHash("sha1")
    .update(Buffer.from(key + HANDSHAKE_GUID, "latin1"))
    .digest("base64");
}

/** Zeek's split_string at commas with any spaces around them. */
function splitList(value: string): string[] {
  return value.split(/ *, */);
}

/** c$websocket of each connection, while the script keeps one. */
const infos = new WeakMap<Connection, WebSocketInfo>();

/** c$websocket: the WebSocket::Info of the connection's upgrade, if the script has one. */
export function webSocketInfoOf(c: Connection): Readonly<WebSocketInfo> | undefined {
  return infos.get(c);
}

export function loadWebSocketScript(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "websocket", fields: WEBSOCKET_FIELDS });
  const start = (c: Connection): WebSocketInfo => {
    const ws: WebSocketInfo = { ts: host.clock.now };
    infos.set(c, ws);
    return ws;
  };
  const weird = (name: string, c: Connection, addl = ""): void => host.connWeird(name, c, addl, "WebSocket");

  host.on("http_header", (c, isOrig, _original, name, value) => {
    if (!name.startsWith("SEC-WEBSOCKET-")) return;
    const ws = infos.get(c) ?? start(c);
    if (isOrig) {
      if (name === "SEC-WEBSOCKET-PROTOCOL") (ws.client_protocols ??= []).push(...splitList(value));
      else if (name === "SEC-WEBSOCKET-EXTENSIONS") (ws.client_extensions ??= []).push(...splitList(value));
      else if (name === "SEC-WEBSOCKET-KEY") {
        if (ws.client_key !== undefined) weird("websocket_multiple_key_headers", c);
        ws.client_key = value;
      }
    } else if (name === "SEC-WEBSOCKET-PROTOCOL") {
      if (ws.subprotocol !== undefined) weird("websocket_multiple_protocol_headers", c);
      ws.subprotocol = value;
    } else if (name === "SEC-WEBSOCKET-EXTENSIONS") (ws.server_extensions ??= []).push(...splitList(value));
    else if (name === "SEC-WEBSOCKET-ACCEPT") {
      if (ws.server_accept !== undefined) weird("websocket_multiple_accept_headers", c);
      ws.server_accept = value;
    }
  });

  host.on("http_request", (c) => {
    infos.delete(c);
  });

  host.on(
    "websocket_established",
    (c) => {
      let ws = infos.get(c);
      if (ws === undefined) {
        weird("websocket_established_unexpected", c);
        ws = start(c);
      }
      if (ws.client_key === undefined) weird("websocket_missing_key_header", c);
      if (ws.server_accept === undefined) weird("websocket_missing_accept_header", c);
      if (ws.client_key !== undefined && ws.server_accept !== undefined) {
        const expected = expectedAcceptFor(ws.client_key);
        if (ws.server_accept !== expected) weird("websocket_wrong_accept_header", c, `expected=${expected}, found=${ws.server_accept}`);
      }
      const http = httpInfoOf(c);
      if (http !== undefined) {
        if (http.host !== undefined) ws.host = http.host;
        if (http.uri !== undefined) ws.uri = http.uri;
        if (http.user_agent !== undefined) ws.user_agent = http.user_agent;
      }
    },
    { priority: 5 },
  );

  host.on(
    "websocket_established",
    (c, aid) => {
      const ws = infos.get(c);
      if (ws === undefined) return;
      configure(host, c, aid, ws);
      ws.ts = host.clock.now;
      const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
      const v = (a: readonly string[] | undefined): string[] | undefined => a?.map(bytesToLogText);
      const id = c.id;
      log.write([
        ws.ts,
        c.uid,
        id.orig_h,
        id.orig_p,
        id.resp_h,
        id.resp_p,
        t(ws.host),
        t(ws.uri),
        t(ws.user_agent),
        t(ws.subprotocol),
        v(ws.client_protocols),
        v(ws.server_extensions),
        v(ws.client_extensions),
      ]);
    },
    { priority: -5 },
  );
}

/**
 * The script's configuration of a new WebSocket analyzer: the server's
 * subprotocol and extensions, DPD by default (WebSocket::use_dpd_default),
 * as WebSocket::configure_analyzer's handlers leave it; a handler's break
 * disables the analyzer.
 */
function configure(host: AnalyzerScriptHost, c: Connection, aid: number, ws: WebSocketInfo): void {
  const config: WebSocketAnalyzerConfig = { use_dpd: true };
  if (ws.subprotocol !== undefined) config.subprotocol = ws.subprotocol;
  if (ws.server_extensions !== undefined) config.server_extensions = [...ws.server_extensions];
  if (host.runHook?.("WebSocket::configure_analyzer", c, aid, config) ?? true) configureWebSocket(host.connectionAnalyzerById?.(c, aid), config);
  else host.disableAnalyzer(c, aid);
}

export const WEBSOCKET_SCRIPT: ProtocolScript = {
  script: "base/protocols/websocket",
  load: (host, logs) => loadWebSocketScript(host, logs),
};
