/**
 * tunnel.log (Zeek's base/frameworks/tunnels/main.zeek): a DISCOVER row the
 * first time a connection shows a tunnel in its c.tunnel stack, and a CLOSE
 * row when that tunnel's own connection (UDP tunnels) is removed. IP tunnels
 * have no connection: they are discovered, never closed (Zeek would expire
 * them after an hour without traffic, which no corpus trace reaches).
 */
import type { ConnId, EncapsulatingConn } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../log/schema.js";
import type { AnalyzerScriptHost } from "./host.js";

export const TUNNEL_FIELDS: readonly LogField[] = fields(...CONN_ID_COLUMNS, ["tunnel_type", "enum"], ["action", "enum"]);

/** The removal hook runs after the connection's other removal handlers (Zeek's removal hooks). */
const CLOSE_PRIORITY = -10;

function key(id: { orig_h: string; orig_p: number; resp_h: string; resp_p: number }): string {
  return `${id.orig_h}|${id.orig_p}|${id.resp_h}|${id.resp_p}`;
}

/** Each engine's Tunnel::register (by its script host), once tunnel.log is loaded. */
const registers = new WeakMap<object, (ec: EncapsulatingConn) => void>();

/**
 * Zeek's Tunnel::register for other scripts (SOCKS, HTTP CONNECT): a
 * DISCOVER row unless the tunnel is known already. Nothing when tunnel.log
 * is not loaded on this host.
 */
export function registerTunnel(host: object, ec: EncapsulatingConn): void {
  registers.get(host)?.(ec);
}

export function loadTunnelLog(host: AnalyzerScriptHost, logs: LogManager): void {
  // Its id is the encapsulating connection's, which Zeek builds without a ctx (EncapsulatingConn::ToVal).
  const log = logs.open({ path: "tunnel", fields: TUNNEL_FIELDS, idWithoutContext: true });
  const active = new Map<string, EncapsulatingConn>();
  // How many active tunnels have each port pair: a removed connection's key
  // string is built only when its ports are a tunnel's (most are not).
  const portPairs = new Map<number, number>();
  const pairOf = (id: { orig_p: number; resp_p: number }): number => id.orig_p * 65536 + id.resp_p;
  const write = (ts: number, ec: EncapsulatingConn, action: string): void => {
    const id = ec.cid;
    log.write([ts, ec.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, ec.tunnel_type, action]);
  };
  const register = (ec: EncapsulatingConn): void => {
    const k = key(ec.cid);
    if (active.has(k)) return;
    active.set(k, ec);
    const pair = pairOf(ec.cid);
    portPairs.set(pair, (portPairs.get(pair) ?? 0) + 1);
    write(host.clock.now, ec, "Tunnel::DISCOVER");
  };
  registers.set(host, register);
  const registerAll = (stack: readonly EncapsulatingConn[] | undefined): void => {
    if (stack === undefined) return;
    for (const ec of stack) register(ec);
  };
  // Zeek's script does this at new_connection for connections with c$tunnel; bronze
  // raises new_tunnelled_connection just before new_connection for exactly those.
  host.on("new_tunnelled_connection", (c) => registerAll(c.tunnel), { priority: 5 });
  host.on("tunnel_changed", (_c, e) => registerAll(e), { priority: 5 });
  host.on(
    "connection_state_remove",
    (c) => {
      const pair = pairOf(c.id);
      const n = portPairs.get(pair);
      if (n === undefined) return;
      const k = key(c.id as ConnId);
      const ec = active.get(k);
      if (ec === undefined || ec.cid.orig_p === 0) return;
      active.delete(k);
      if (n === 1) portPairs.delete(pair);
      else portPairs.set(pair, n - 1);
      write(host.clock.now, ec, "Tunnel::CLOSE");
    },
    { priority: CLOSE_PRIORITY },
  );
}
