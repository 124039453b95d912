/**
 * socks.log: Zeek's base/protocols/socks/main.zeek, written against the
 * SOCKS events. The record starts at a connection's first SOCKS event;
 * the request's target, the reply's status and bound address, and the
 * RFC 1929 user (the password only with SOCKS::default_capture_password)
 * fill it; it is written when the connection goes away, and only when the
 * SOCKS analyzer confirmed (so a failed one leaves no row). Each request
 * registers the proxy as a tunnel (tunnel.log), the client port zeroed: a
 * proxy is one tunnel whatever port each proxied connection came from.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { registerTunnel } from "../../../scripts/tunnel-log.js";
import type { SocksAddress } from "./events.js";
import "./events.js";

const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));

export const SOCKS_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["version", "count"],
  ["user", "string"],
  ["password", "string"],
  ["status", "string"],
  ["request.host", "addr"],
  ["request.name", "string"],
  ["request_p", "port"],
  ["bound.host", "addr"],
  ["bound.name", "string"],
  ["bound_p", "port"],
);

/** SOCKS::v4_status (consts.zeek). */
const V4_STATUS: Readonly<Record<number, string>> = {
  90: "succeeded",
  91: "general SOCKS server failure",
  92: "request failed because client is not running identd",
  93: "request failed because client's identd could not confirm the user ID string in the request",
};

/** SOCKS::v5_status (consts.zeek). */
const V5_STATUS: Readonly<Record<number, string>> = {
  0: "succeeded",
  1: "general SOCKS server failure",
  2: "connection not allowed by ruleset",
  3: "Network unreachable",
  4: "Host unreachable",
  5: "Connection refused",
  6: "TTL expired",
  7: "Command not supported",
  8: "Address type not supported",
};

/** The tables' &default. */
function status(table: Readonly<Record<number, string>>, code: number): string {
  return table[code] ?? `unknown-${code}`;
}

interface SocksInfo {
  ts: number;
  version: number;
  user?: string;
  password?: string;
  status?: string;
  request?: SocksAddress;
  request_p?: number;
  bound?: SocksAddress;
  bound_p?: number;
}

export function loadSocksLog(host: AnalyzerScriptHost, logs: LogManager | null): void {
  const log = logs?.open({ path: "socks", fields: SOCKS_FIELDS }) ?? null;
  const infos = new WeakMap<Connection, SocksInfo>();
  const capture = (): boolean => host.settings["SOCKS::default_capture_password"];

  const setSession = (c: Connection, version: number): SocksInfo => {
    let info = infos.get(c);
    if (info === undefined) {
      info = { ts: host.clock.now, version };
      infos.set(c, info);
      registerRemovalHook(c, finalize);
    }
    return info;
  };

  host.on(
    "socks_request",
    (c, version, _type, sa, p) => {
      const info = setSession(c, version);
      info.request = sa;
      info.request_p = p;
      registerTunnel(host, { cid: { ...c.id, orig_p: 0 }, tunnel_type: "Tunnel::SOCKS" });
    },
    { priority: 5 },
  );

  host.on(
    "socks_reply",
    (c, version, reply, sa, p) => {
      const info = setSession(c, version);
      if (version === 5) info.status = status(V5_STATUS, reply);
      else if (version === 4) info.status = status(V4_STATUS, reply);
      info.bound = sa;
      info.bound_p = p;
    },
    { priority: 5 },
  );

  host.on(
    "socks_login_userpass_request",
    (c, user, password) => {
      const info = setSession(c, 5);
      info.user = user;
      if (capture()) info.password = password;
    },
    { priority: 5 },
  );

  host.on(
    "socks_login_userpass_reply",
    (c, code) => {
      setSession(c, 5).status = status(V5_STATUS, code);
    },
    { priority: 5 },
  );

  // finalize_socks, a connection removal hook.
  const finalize = removalHook(host, (c) => {
    const info = infos.get(c);
    if (info === undefined || !c.service.has("SOCKS")) return;
    log?.write([
      info.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      info.version,
      t(info.user),
      t(info.password),
      info.status,
      info.request?.host,
      t(info.request?.name),
      info.request_p,
      info.bound?.host,
      t(info.bound?.name),
      info.bound_p,
    ]);
  });
}

export const SOCKS_SCRIPT: ProtocolScript = {
  script: "base/protocols/socks",
  load: (host, logs) => loadSocksLog(host, logs),
};
