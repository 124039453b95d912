/**
 * mysql.log: Zeek's base/protocols/mysql/main.zeek, written against the
 * MySQL events. The login (the handshake's user) and each command start a
 * record; the reply that ends it writes it (OK: success and affected rows;
 * ERR: failure and the message; the final EOF of a result: success, rows 0);
 * a new command writes a record still open, a quit is written at once (no
 * reply comes), and what is left is written when the connection goes away.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import "./events.js";

export const MYSQL_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["cmd", "string"],
  ["arg", "string"],
  ["success", "bool"],
  ["rows", "count"],
  ["response", "string"],
);

/** MySQL::commands (consts.zeek), by code. */
const COMMANDS = [
  "sleep",
  "quit",
  "init_db",
  "query",
  "field_list",
  "create_db",
  "drop_db",
  "refresh",
  "shutdown",
  "statistics",
  "process_info",
  "connect",
  "process_kill",
  "debug",
  "ping",
  "time",
  "delayed_insert",
  "change_user",
  "binlog_dump",
  "table_dump",
  "connect_out",
  "register_slave",
  "stmt_prepare",
  "stmt_execute",
  "stmt_send_long_data",
  "stmt_close",
  "stmt_reset",
  "set_option",
  "stmt_fetch",
  "daemon",
  "binlog_dump_gtid",
  "reset_connection",
];

function commandName(code: number): string {
  return COMMANDS[code] ?? `unknown-${code}`;
}

interface MysqlInfo {
  ts: number;
  cmd: string;
  arg: string;
  success?: boolean;
  rows?: number;
  response?: string;
}

export function loadMysqlLog(host: AnalyzerScriptHost, logs: LogManager | null): void {
  const log = logs?.open({ path: "mysql", fields: MYSQL_FIELDS }) ?? null;
  const infos = new WeakMap<Connection, MysqlInfo>();

  const flush = (c: Connection): void => {
    const info = infos.get(c);
    if (info === undefined) return;
    infos.delete(c);
    log?.write([
      info.ts,
      c.uid,
      c.id.orig_h,
      c.id.orig_p,
      c.id.resp_h,
      c.id.resp_p,
      info.cmd,
      bytesToLogText(info.arg),
      info.success,
      info.rows,
      info.response === undefined ? undefined : bytesToLogText(info.response),
    ]);
  };

  host.on("mysql_handshake", (c, username) => {
    if (infos.has(c)) return;
    infos.set(c, { ts: host.clock.now, cmd: "login", arg: username });
    registerRemovalHook(c, finalize);
  });

  host.on(
    "mysql_command_request",
    (c, command, arg) => {
      flush(c);
      infos.set(c, { ts: host.clock.now, cmd: commandName(command), arg: arg.endsWith("\0") ? arg.slice(0, -1) : arg });
      registerRemovalHook(c, finalize);
    },
    { priority: 5 },
  );

  host.on(
    "mysql_change_user",
    (c, username) => {
      const info = infos.get(c);
      if (info !== undefined) info.arg = username;
    },
    { priority: 5 },
  );

  host.on(
    "mysql_command_request",
    (c) => {
      if (infos.get(c)?.cmd === "quit") flush(c);
    },
    { priority: -5 },
  );

  host.on(
    "mysql_error",
    (c, _code, msg) => {
      const info = infos.get(c);
      if (info === undefined) return;
      info.success = false;
      info.response = msg;
    },
    { priority: 5 },
  );
  host.on("mysql_error", (c) => flush(c), { priority: -5 });

  host.on(
    "mysql_eof",
    (c, intermediate) => {
      if (intermediate) return;
      const info = infos.get(c);
      if (info === undefined) return;
      info.success ??= true;
      info.rows ??= 0;
      flush(c);
    },
    { priority: -5 },
  );

  host.on(
    "mysql_ok",
    (c, rows) => {
      const info = infos.get(c);
      if (info === undefined) return;
      info.success = true;
      info.rows = rows;
    },
    { priority: 5 },
  );
  host.on("mysql_ok", (c) => flush(c), { priority: -5 });

  // finalize_mysql, a connection removal hook.
  const finalize = removalHook(host, flush);
}

export const MYSQL_SCRIPT: ProtocolScript = {
  script: "base/protocols/mysql",
  load: (host, logs) => loadMysqlLog(host, logs),
};
