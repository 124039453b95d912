/**
 * radius.log: Zeek's base/protocols/radius/main.zeek as bronze's script. A
 * connection's messages fill one record: the Access-Request's user name,
 * Calling-Station-Id (as a MAC), Tunnel-Client-Endpoint and Connect-Info (the
 * first of each), an Access-Challenge's Framed-IP-Address and Reply-Message;
 * an Access-Accept or Access-Reject sets the result ("success", "failed")
 * and writes the row, with the time since the record began as ttl (unset
 * when zero). A record never answered is written with result "unknown" when
 * the connection goes away.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import type { ScriptHost } from "../../../scripts/host.js";
import { type RemovalHook, registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { ipv4At } from "../binpac.js";
import type { RadiusMessage } from "./radius.js";

export const RADIUS_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["username", "string"],
  ["mac", "string"],
  ["framed_addr", "addr"],
  ["tunnel_client", "string"],
  ["connect_info", "string"],
  ["reply_msg", "string"],
  ["result", "string"],
  ["ttl", "interval"],
);

const ACCESS_REQUEST = 1;
const ACCESS_ACCEPT = 2;
const ACCESS_REJECT = 3;
const ACCESS_CHALLENGE = 11;
const ATTR_USER_NAME = 1;
const ATTR_FRAMED_IP_ADDRESS = 8;
const ATTR_REPLY_MESSAGE = 18;
const ATTR_CALLING_STATION_ID = 31;
const ATTR_TUNNEL_CLIENT_ENDPOINT = 66;
const ATTR_CONNECT_INFO = 77;

/** RADIUS::Info. */
interface RadiusInfo {
  ts: number;
  c: Connection;
  username?: string;
  mac?: string;
  framed_addr?: string;
  tunnel_client?: string;
  connect_info?: string;
  reply_msg?: string;
  result?: string;
  ttl?: number;
}

/** Zeek's normalize_mac: hex digits only, lower case, as 6 or 8 colon-separated octets; "" otherwise. */
export function normalizeMac(a: string): string {
  const hex = a.replace(/[^A-Fa-f0-9]/g, "").toLowerCase();
  if (hex.length !== 12 && hex.length !== 16) return "";
  return hex.match(/../g)!.join(":");
}

/** Zeek's raw_bytes_to_v4_addr: four bytes as an address, 0.0.0.0 for any other length. */
function rawV4(s: string): string {
  return s.length === 4 ? ipv4At(Buffer.from(s, "latin1"), 0) : "0.0.0.0";
}

export class RadiusLog {
  private readonly log: LogWriter;
  private readonly infos = new WeakMap<Connection, RadiusInfo>();
  /** finalize_radius, a connection removal hook. */
  private readonly finalize: RemovalHook;

  constructor(host: ScriptHost & { readonly clock: { readonly now: number } }, logs: LogManager) {
    this.log = logs.open({ path: "radius", fields: RADIUS_FIELDS });
    host.on("radius_message", (c, msg) => this.message(host.clock.now, c, msg), { priority: 5 });
    host.on(
      "radius_message",
      (c) => {
        const info = this.infos.get(c);
        if (info?.result === undefined) return;
        const ttl = host.clock.now - info.ts;
        if (ttl !== 0) info.ttl = ttl;
        this.write(info);
        this.infos.delete(c);
      },
      { priority: -5 },
    );
    this.finalize = removalHook(host, (c) => {
      const info = this.infos.get(c);
      if (info === undefined) return;
      this.infos.delete(c);
      info.result = "unknown";
      this.write(info);
    });
  }

  private message(now: number, c: Connection, msg: RadiusMessage): void {
    let info = this.infos.get(c);
    if (info === undefined) {
      this.infos.set(c, (info = { ts: now, c }));
      registerRemovalHook(c, this.finalize);
    }
    const attrs = msg.attributes;
    const first = (type: number): string | undefined => attrs?.get(type)?.[0];
    switch (msg.code) {
      case ACCESS_REQUEST:
        if (attrs === undefined) break;
        info.username ??= first(ATTR_USER_NAME);
        if (info.mac === undefined && attrs.has(ATTR_CALLING_STATION_ID)) info.mac = normalizeMac(first(ATTR_CALLING_STATION_ID)!);
        info.tunnel_client ??= first(ATTR_TUNNEL_CLIENT_ENDPOINT);
        info.connect_info ??= first(ATTR_CONNECT_INFO);
        break;
      case ACCESS_CHALLENGE:
        if (attrs === undefined) break;
        if (info.framed_addr === undefined && attrs.has(ATTR_FRAMED_IP_ADDRESS)) info.framed_addr = rawV4(first(ATTR_FRAMED_IP_ADDRESS)!);
        info.reply_msg ??= first(ATTR_REPLY_MESSAGE);
        break;
      case ACCESS_ACCEPT:
        info.result = "success";
        break;
      case ACCESS_REJECT:
        info.result = "failed";
        break;
    }
  }

  private write(info: RadiusInfo): void {
    const id = info.c.id;
    const text = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
    this.log.write([
      info.ts,
      info.c.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      text(info.username),
      info.mac,
      info.framed_addr,
      text(info.tunnel_client),
      text(info.connect_info),
      text(info.reply_msg),
      info.result,
      info.ttl,
    ]);
  }
}

export const RADIUS_SCRIPT = {
  script: "base/protocols/radius",
  load(host: ScriptHost & { readonly clock: { readonly now: number } }, logs: LogManager): void {
    new RadiusLog(host, logs);
  },
};
