/**
 * The MySQL events, with Zeek's names and arguments (Zeek's mysql
 * events.bif). Strings hold one byte per character (latin1).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface MysqlEvents {
  /** A client command (MySQL::commands names the code: 3 = query) and its argument (the query text, the database…). */
  mysql_command_request: [c: Connection, command: number, arg: string];
  /** An ERR packet: the error code and message. */
  mysql_error: [c: Connection, code: number, msg: string];
  /** An OK packet: the affected rows. */
  mysql_ok: [c: Connection, affected_rows: number];
  /** An EOF packet: intermediate (between column definitions and rows) or the end of a result. */
  mysql_eof: [c: Connection, is_intermediate: boolean];
  /** A text resultset row: its fields. */
  mysql_result_row: [c: Connection, row: string[]];
  /** The server's version string from its initial handshake. */
  mysql_server_version: [c: Connection, ver: string];
  /** The client's handshake response: the user name. */
  mysql_handshake: [c: Connection, username: string];
  /** The client asked to switch to TLS (the rest goes to the SSL analyzer). */
  mysql_ssl_request: [c: Connection];
  /** An authentication plugin named by the server's handshake (its scramble), the client's response, or COM_CHANGE_USER. */
  mysql_auth_plugin: [c: Connection, is_orig: boolean, name: string, data: string];
  /** The server asks the client to switch authentication method. */
  mysql_auth_switch_request: [c: Connection, name: string, data: string];
  /** More authentication data from either side (e.g. caching_sha2_password's exchanges). */
  mysql_auth_more_data: [c: Connection, is_orig: boolean, data: string];
  /** COM_CHANGE_USER: the new user name. */
  mysql_change_user: [c: Connection, username: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends MysqlEvents {}
}

registerEvents<MysqlEvents>({
  mysql_command_request: true,
  mysql_error: true,
  mysql_ok: true,
  mysql_eof: true,
  mysql_result_row: true,
  mysql_server_version: true,
  mysql_handshake: true,
  mysql_ssl_request: true,
  mysql_auth_plugin: true,
  mysql_auth_switch_request: true,
  mysql_auth_more_data: true,
  mysql_change_user: true,
});
