/**
 * The FTP events, with Zeek's names and arguments (analyzer/protocol/ftp
 * events.bif). Strings hold one byte per character (latin1), as the wire
 * carried them.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

export interface FtpEvents {
  /** A client command line: the command upper-cased, the rest of the line (leading blanks skipped) as the argument. */
  ftp_request: [c: Connection, command: string, arg: string];
  /**
   * A server reply line: its code (0 for the inner lines of a multi-line
   * reply), the text after the code, and whether more lines of the reply follow.
   */
  ftp_reply: [c: Connection, code: number, msg: string, cont_resp: boolean];
  /** The server accepted AUTH TLS (234): the rest of the connection goes to the SSL analyzer. */
  ftp_starttls: [c: Connection];
  /**
   * base/protocols/ftp/gridftp's: a connection was found to be a GridFTP
   * data channel (its service now has "gridftp-data"), raised before its
   * further processing is skipped (GridFTP::skip_data).
   */
  "GridFTP::data_channel_detected": [c: Connection];
}
declare module "../../../event/events.js" {
  interface EventMap extends FtpEvents {}
}
registerEvents<FtpEvents>({ ftp_request: true, ftp_reply: true, ftp_starttls: true, "GridFTP::data_channel_detected": true });
