/**
 * Zeek's SMTP events (src/analyzer/protocol/smtp/events.bif), with Zeek's
 * arguments. Strings hold one byte per character. See docs/events.md.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import type { SmtpInfo } from "./script.js";

export interface SmtpEvents {
  /** A client command: the verb upper-cased ("." ends DATA, "(UNKNOWN)" after a gap), its argument. `is_orig` is T unless TURN swapped the roles. */
  smtp_request: [c: Connection, is_orig: boolean, command: string, arg: string];
  /** A server reply line: the code, the command it answers (">" for the greeting, "." for the end of data), the text, T while more lines follow. */
  smtp_reply: [c: Connection, is_orig: boolean, code: number, cmd: string, msg: string, cont_resp: boolean];
  /** One line of the message data (DATA), dot-unstuffed. */
  smtp_data: [c: Connection, is_orig: boolean, data: string];
  /** Something the state machine did not expect (an unknown command, a reply out of range, a content gap, …). */
  smtp_unexpected: [c: Connection, is_orig: boolean, msg: string, detail: string];
  /** The server accepted STARTTLS: the rest of the connection goes to SSL. */
  smtp_starttls: [c: Connection];
  /** SMTP::log_smtp: an smtp.log row was written (raised only when handled), with the transaction's record (c$smtp as logged). */
  log_smtp: [rec: Readonly<SmtpInfo>];
}

declare module "../../../event/events.js" {
  interface EventMap extends SmtpEvents {}
}

registerEvents<SmtpEvents>({
  smtp_request: true,
  smtp_reply: true,
  smtp_data: true,
  smtp_unexpected: true,
  smtp_starttls: true,
  log_smtp: true,
});
