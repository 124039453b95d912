/**
 * rfb.log: Zeek's base/protocols/rfb/main.zeek, written against the RFB
 * events: versions, the authentication method's name and result, the share
 * flag, the desktop's name and size. The row is written after ServerInit,
 * or when the connection goes away if the handshake did not get that far.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import "./events.js";

const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));

export const RFB_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["client_major_version", "string"],
  ["client_minor_version", "string"],
  ["server_major_version", "string"],
  ["server_minor_version", "string"],
  ["authentication_method", "string"],
  ["auth", "bool"],
  ["share_flag", "bool"],
  ["desktop_name", "string"],
  ["width", "count"],
  ["height", "count"],
);

/** main.zeek's friendly_auth_name. */
const AUTH_NAMES: Readonly<Record<number, string>> = {
  0: "Invalid",
  1: "None",
  2: "VNC",
  16: "Tight",
  17: "Ultra",
  18: "TLS",
  19: "VeNCrypt",
  20: "GTK-VNC SASL",
  21: "MD5 hash authentication",
  22: "Colin Dean xvp",
  30: "Apple Remote Desktop",
};

interface RfbInfo {
  ts: number;
  client_major_version?: string;
  client_minor_version?: string;
  server_major_version?: string;
  server_minor_version?: string;
  authentication_method?: string;
  auth?: boolean;
  share_flag?: boolean;
  desktop_name?: string;
  width?: number;
  height?: number;
  done: boolean;
}

export function loadRfbLog(host: AnalyzerScriptHost, logs: LogManager | null): void {
  const log = logs?.open({ path: "rfb", fields: RFB_FIELDS }) ?? null;
  const infos = new WeakMap<Connection, RfbInfo>();

  const session = (c: Connection): RfbInfo => {
    let info = infos.get(c);
    if (info === undefined) {
      info = { ts: host.clock.now, done: false };
      infos.set(c, info);
      registerRemovalHook(c, finalize);
    }
    return info;
  };

  const write = (c: Connection, i: RfbInfo): void => {
    if (i.done) return;
    i.done = true;
    log?.write([
      i.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      t(i.client_major_version),
      t(i.client_minor_version),
      t(i.server_major_version),
      t(i.server_minor_version),
      i.authentication_method,
      i.auth,
      i.share_flag,
      t(i.desktop_name),
      i.width,
      i.height,
    ]);
  };

  host.on(
    "rfb_client_version",
    (c, major, minor) => {
      const i = session(c);
      i.client_major_version = major;
      i.client_minor_version = minor;
    },
    { priority: 5 },
  );
  host.on(
    "rfb_server_version",
    (c, major, minor) => {
      const i = session(c);
      i.server_major_version = major;
      i.server_minor_version = minor;
    },
    { priority: 5 },
  );
  host.on(
    "rfb_authentication_type",
    (c, type) => {
      session(c).authentication_method = AUTH_NAMES[type] ?? "RealVNC";
    },
    { priority: 5 },
  );
  host.on(
    "rfb_server_parameters",
    (c, name, width, height) => {
      const i = session(c);
      i.desktop_name = name;
      i.width = width;
      i.height = height;
    },
    { priority: 5 },
  );
  host.on(
    "rfb_server_parameters",
    (c) => {
      const i = infos.get(c);
      if (i !== undefined) write(c, i);
    },
    { priority: -5 },
  );
  // Zeek's script assumes a record here (a result or share flag comes after a version line).
  host.on(
    "rfb_authentication_result",
    (c, result) => {
      const i = infos.get(c);
      if (i !== undefined) i.auth = result;
    },
    { priority: 5 },
  );
  host.on(
    "rfb_share_flag",
    (c, flag) => {
      const i = infos.get(c);
      if (i !== undefined) i.share_flag = flag;
    },
    { priority: 5 },
  );
  // finalize_rfb, a connection removal hook.
  const finalize = removalHook(host, (c) => {
    const i = infos.get(c);
    if (i !== undefined) write(c, i);
  });
}

export const RFB_SCRIPT: ProtocolScript = {
  script: "base/protocols/rfb",
  load: (host, logs) => loadRfbLog(host, logs),
};
