/**
 * rdp.log: Zeek's base/protocols/rdp/main.zeek, written against the RDP
 * events. A connection's record starts at its first RDP event and collects
 * the cookie, the negotiation's result and security protocol, the client's
 * core data (keyboard layout, build, name, desktop size, colour depth) and
 * channels, the server's encryption and certificates (X.509 ones counted as
 * the files framework sees them). It is written once — at a violation of
 * the RDP analyzer, or when the connection goes away — and only when it
 * holds a cookie, a keyboard layout or a result.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../../../log/schema.js";
import { policyScriptLoaded } from "../../../options.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import {
  BUILDS,
  CERT_TYPES,
  ENCRYPTION_LEVELS,
  ENCRYPTION_METHODS,
  FAILURE_CODES,
  HIGH_COLOR_DEPTHS,
  LANGUAGES,
  RESULTS,
  SECURITY_PROTOCOLS,
} from "./consts.js";
import "./events.js";

export const RDP_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["cookie", "string"],
  ["result", "string"],
  ["security_protocol", "string"],
  ["client_channels", "vector[string]"],
  ["keyboard_layout", "string"],
  ["client_build", "string"],
  ["client_name", "string"],
  ["client_dig_product_id", "string"],
  ["desktop_width", "count"],
  ["desktop_height", "count"],
  ["requested_color_depth", "string"],
  ["cert_type", "string"],
  ["cert_count", "count"],
  ["cert_permanent", "bool"],
  ["encryption_level", "string"],
  ["encryption_method", "string"],
);

interface RdpInfo {
  ts: number;
  cookie?: string;
  result?: string;
  security_protocol?: string;
  client_channels?: string[];
  keyboard_layout?: string;
  client_build?: string;
  client_name?: string;
  client_dig_product_id?: string;
  desktop_width?: number;
  desktop_height?: number;
  requested_color_depth?: string;
  cert_type?: string;
  cert_count: number;
  cert_permanent?: boolean;
  encryption_level?: string;
  encryption_method?: string;
  /** indicate_ssl's column (&default=F). */
  ssl: boolean;
  done: boolean;
}

/** policy/protocols/rdp/indicate_ssl: an ssl column, T once the connection's TLS (after RDP's negotiation) is established. */
const INDICATE_SSL_SCRIPT = "protocols/rdp/indicate_ssl";
const INDICATE_SSL_FIELDS: readonly LogField[] = [...RDP_FIELDS, ...fields(["ssl", "bool"])];

const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));

function keyboardLayout(layout: number): string {
  const name = LANGUAGES.get(layout);
  if (name !== undefined) return name;
  const guess = LANGUAGES.get(layout & 0xffff);
  return guess !== undefined ? `${guess} (Best Guess for ${layout})` : `keyboard-${layout}`;
}

export function loadRdpLog(host: AnalyzerScriptHost, logs: LogManager | null, indicateSsl = false): void {
  const log = logs?.open({ path: "rdp", fields: indicateSsl ? INDICATE_SSL_FIELDS : RDP_FIELDS }) ?? null;
  const infos = new WeakMap<Connection, RdpInfo>();

  const session = (c: Connection): RdpInfo => {
    let i = infos.get(c);
    if (i === undefined) {
      i = { ts: host.clock.now, cert_count: 0, ssl: false, done: false };
      infos.set(c, i);
      registerRemovalHook(c, finalize);
    }
    return i;
  };

  const write = (c: Connection, i: RdpInfo): void => {
    if (i.done) return;
    i.done = true;
    if (i.cookie === undefined && i.keyboard_layout === undefined && i.result === undefined) return;
    const row: LogValue[] = [
      i.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      t(i.cookie),
      i.result,
      i.security_protocol,
      i.client_channels?.map(bytesToLogText),
      i.keyboard_layout,
      i.client_build,
      t(i.client_name),
      t(i.client_dig_product_id),
      i.desktop_width,
      i.desktop_height,
      i.requested_color_depth,
      i.cert_type,
      i.cert_count,
      i.cert_permanent,
      i.encryption_level,
      i.encryption_method,
    ];
    if (indicateSsl) row.push(i.ssl);
    log?.write(row);
  };
  if (indicateSsl)
    host.on("ssl_established", (c) => {
      const i = infos.get(c);
      if (i !== undefined) i.ssl = true;
    });

  host.on(
    "rdp_connect_request",
    (c, cookie) => {
      session(c).cookie = cookie;
    },
    { priority: 5 },
  );
  host.on(
    "rdp_negotiation_response",
    (c, protocol) => {
      session(c).security_protocol = SECURITY_PROTOCOLS(protocol);
    },
    { priority: 5 },
  );
  host.on(
    "rdp_negotiation_failure",
    (c, code) => {
      session(c).result = FAILURE_CODES(code);
    },
    { priority: 5 },
  );
  host.on(
    "rdp_client_core_data",
    (c, data) => {
      const i = session(c);
      i.keyboard_layout = keyboardLayout(data.keyboard_layout);
      i.client_build = BUILDS(data.client_build);
      i.client_name = data.client_name;
      i.client_dig_product_id = data.dig_product_id;
      i.desktop_width = data.desktop_width;
      i.desktop_height = data.desktop_height;
      i.requested_color_depth = data.ec_flags?.want_32bpp_session === true ? "32bit" : HIGH_COLOR_DEPTHS(data.high_color_depth ?? 0);
    },
    { priority: 5 },
  );
  host.on("rdp_client_network_data", (c, channels) => {
    const i = session(c);
    const list = (i.client_channels ??= []);
    channels.forEach((ch, k) => {
      list[k] = ch.name.replace(/\0+$/, "");
    });
    if (channels.length > 31) host.connWeird("RDP_channels_requested_exceeds_max", c, `${channels.length}`, "");
  });
  host.on(
    "rdp_gcc_server_create_response",
    (c, result) => {
      session(c).result = RESULTS(result);
    },
    { priority: 5 },
  );
  host.on(
    "rdp_server_security",
    (c, method, level) => {
      const i = session(c);
      i.encryption_method = ENCRYPTION_METHODS(method);
      i.encryption_level = ENCRYPTION_LEVELS(level);
    },
    { priority: 5 },
  );
  host.on(
    "rdp_server_certificate",
    (c, type, permanent) => {
      const i = session(c);
      i.cert_type = CERT_TYPES(type);
      // Proprietary (RSA) certificates do not go to the files framework: counted here.
      if (i.cert_type === "RSA") i.cert_count++;
      i.cert_permanent = permanent;
    },
    { priority: 5 },
  );
  host.on(
    "rdp_begin_encryption",
    (c, protocol) => {
      const i = session(c);
      i.result ??= "encrypted";
      i.security_protocol = SECURITY_PROTOCOLS(protocol);
    },
    { priority: 5 },
  );
  host.on(
    "file_over_new_connection",
    (f, c) => {
      const i = infos.get(c);
      if (i !== undefined && f.source === "RDP") i.cert_count++;
    },
    { priority: 5 },
  );
  host.on(
    "analyzer_confirmation_info",
    (atype, info) => {
      if (atype === "RDP" && info.c !== undefined) session(info.c);
    },
    { priority: 5 },
  );
  host.on(
    "analyzer_violation_info",
    (atype, info) => {
      if (atype !== "RDP" || info.c === undefined) return;
      const i = infos.get(info.c);
      if (i !== undefined) write(info.c, i);
    },
    { priority: 5 },
  );
  // finalize_rdp, a connection removal hook.
  const finalize = removalHook(host, (c) => {
    const i = infos.get(c);
    if (i !== undefined) write(c, i);
  });
}

export const RDP_SCRIPT: ProtocolScript = {
  script: "base/protocols/rdp",
  load: (host, logs, loads) => loadRdpLog(host, logs, policyScriptLoaded(loads, INDICATE_SSL_SCRIPT)),
};
