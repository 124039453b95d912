/**
 * Zeek's POP3 events (src/analyzer/protocol/pop3/events.bif), with Zeek's
 * arguments. Strings hold one byte per character. See docs/events.md.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface Pop3Events {
  /** A client command (upper-cased verb) and its argument. */
  pop3_request: [c: Connection, is_orig: boolean, command: string, arg: string];
  /** A server status line: "OK" or "ERR" and the rest of the line. */
  pop3_reply: [c: Connection, is_orig: boolean, cmd: string, msg: string];
  /** One line of a multi-line reply (LIST, UIDL, RETR, TOP, CAPA…), whitespace-trimmed. */
  pop3_data: [c: Connection, is_orig: boolean, data: string];
  /** A command out of place (e.g. RETR before authentication) or an unknown AUTH method. */
  pop3_unexpected: [c: Connection, is_orig: boolean, msg: string, detail: string];
  /** The server accepted STLS: the rest of the connection goes to SSL. */
  pop3_starttls: [c: Connection];
  /** A login the server accepted (USER/PASS, APOP, AUTH LOGIN/PLAIN/CRAM-MD5). */
  pop3_login_success: [c: Connection, is_orig: boolean, user: string, password: string];
  /** A login the server refused. */
  pop3_login_failure: [c: Connection, is_orig: boolean, user: string, password: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends Pop3Events {}
}

registerEvents<Pop3Events>({
  pop3_request: true,
  pop3_reply: true,
  pop3_data: true,
  pop3_unexpected: true,
  pop3_starttls: true,
  pop3_login_success: true,
  pop3_login_failure: true,
});
