/**
 * syslog.log: Zeek's base/protocols/syslog/main.zeek as bronze's script: one
 * row per syslog_message, facility and severity by their names
 * (Syslog::facility_codes and severity_codes, "?-N" for unknown values).
 */

import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { ScriptHost } from "../../../scripts/host.js";
import "./syslog.js";

export const SYSLOG_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["proto", "enum"],
  ["facility", "string"],
  ["severity", "string"],
  ["message", "string"],
);

const FACILITIES = [
  "KERN",
  "USER",
  "MAIL",
  "DAEMON",
  "AUTH",
  "SYSLOG",
  "LPR",
  "NEWS",
  "UUCP",
  "CRON",
  "AUTHPRIV",
  "FTP",
  "NTP",
  "AUDIT",
  "ALERT",
  "CLOCK",
  "LOCAL0",
  "LOCAL1",
  "LOCAL2",
  "LOCAL3",
  "LOCAL4",
  "LOCAL5",
  "LOCAL6",
  "LOCAL7",
];
const SEVERITIES = ["EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"];
const UNSPECIFIED = 999;

function codeName(names: readonly string[], code: number): string {
  if (code === UNSPECIFIED) return "UNSPECIFIED";
  return names[code] ?? `?-${code}`;
}

export const SYSLOG_SCRIPT = {
  script: "base/protocols/syslog",
  load(host: ScriptHost & { readonly clock: { readonly now: number } }, logs: LogManager): void {
    const log = logs.open({ path: "syslog", fields: SYSLOG_FIELDS });
    host.on(
      "syslog_message",
      (c, facility, severity, msg) => {
        const id = c.id;
        log.write([
          host.clock.now,
          c.uid,
          id.orig_h,
          id.orig_p,
          id.resp_h,
          id.resp_p,
          id.transport,
          codeName(FACILITIES, facility),
          codeName(SEVERITIES, severity),
          bytesToLogText(msg),
        ]);
      },
      { priority: -5 },
    );
  },
};
