/**
 * Zeek's Ident analyzer (RFC 1413, port 113 by a script's choice;
 * src/analyzer/protocol/ident): each side is cut into lines of at most
 * 1,000 bytes (NUL-sensitive, as Zeek's ContentLine with its weirds from
 * CONTENTLINE). A client line is a query `<port> , <port>`; a server line
 * a reply `<port> , <port> : USERID : <system>[,<charset>] : <user>` or
 * `<port> , <port> : ERROR : <reason>`. The events carry the second port as
 * `lport` and the first as `rport`, as Zeek's do. It never confirms and
 * writes no log.
 *
 * Zeek's rules are kept: queries are read only when ident_request has a
 * handler, replies (errors too) only when ident_reply has one; a port past
 * 65535 is bad_ident_port (the line from the number on) and counts as 0;
 * an unreadable query is bad_ident_request, bytes after a query's ports
 * ident_request_addendum, an unreadable reply bad_ident_reply (once per
 * connection), each with the line (a line holding a NUL as
 * "<string-with-NUL>", as Zeek's CheckString gives it); lines of a side
 * that closed straight from partial or inactive are not complained about.
 * At the end, a client that closed without a whole query read is
 * partial_ident_request, unless either side's state before its last was
 * partial or inactive (Zeek's TCP endpoint states, AnalyzerHost.tcpState). The system name of a USERID reply keeps the
 * character that ends it (',' or ':'), as Zeek's does.
 *
 * As Telnet, no base script registers it: `engine.registerForPort("IDENT", 113)`.
 */
import { registerEvents } from "../../../event/events.js";
import { type Connection, TcpState } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost } from "../analyzer.js";
import { LineAnalyzer } from "../line-analyzer.js";

export interface IdentEvents {
  /** A query: the ports it names (lport the second, rport the first; tcp). */
  ident_request: [c: Connection, lport: number, rport: number];
  /** A USERID reply: its ports, the user id and the operating system (with its ending character, as Zeek). */
  ident_reply: [c: Connection, lport: number, rport: number, user_id: string, system: string];
  /** An ERROR reply: its ports and the rest of the line. */
  ident_error: [c: Connection, lport: number, rport: number, line: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends IdentEvents {}
}

registerEvents<IdentEvents>({ ident_request: true, ident_reply: true, ident_error: true });

/** Zeek's Ident analyzer cuts lines at 1,000 bytes. */
const IDENT_MAX_LINE = 1000;
const MAX_PORT = 65535;
const COMMA = 0x2c;
const COLON = 0x3a;

function isBlank(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** A line as Zeek's String::CheckString gives it to a weird: "<string-with-NUL>" when it holds a NUL. */
function checkString(line: Uint8Array): string {
  return line.includes(0) ? "<string-with-NUL>" : latin1(line);
}

/** A line read left to right. */
class Cursor {
  at = 0;
  constructor(readonly line: Uint8Array) {}

  get end(): boolean {
    return this.at >= this.line.length;
  }

  get char(): number | undefined {
    return this.line[this.at];
  }

  skipBlanks(): void {
    while (isBlank(this.line[this.at])) this.at++;
  }

  /** The bytes from here to the end of the line. */
  rest(): Uint8Array {
    return this.line.subarray(this.at);
  }

  /** Takes `word` when the line goes on with it. */
  take(word: string): boolean {
    if (this.line.length - this.at < word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.line[this.at + i] !== word.charCodeAt(i)) return false;
    this.at += word.length;
    return true;
  }
}

class IdentAnalyzer extends LineAnalyzer {
  /** A query was read (Zeek's did_deliver). */
  private delivered = false;
  private badReplyReported = false;

  constructor(host: AnalyzerHost) {
    super(host, IDENT_MAX_LINE, [true, true]);
  }

  done(): void {
    const unread = !this.delivered || this.lines[0].hasPartialLine;
    if (unread && this.clientClosedAfterHandshake()) this.host.weird("partial_ident_request");
  }

  /** Zeek's test at the end: the client closed, and neither side's previous state was partial or inactive. */
  private clientClosedAfterHandshake(): boolean {
    const orig = this.host.tcpState?.(true) ?? null;
    const resp = this.host.tcpState?.(false) ?? null;
    if (orig === null || resp === null) return false;
    if (orig[0] !== TcpState.CLOSED && orig[1] !== TcpState.CLOSED) return false;
    const unseen = (prev: number): boolean => prev === TcpState.PARTIAL || prev === TcpState.INACTIVE;
    return !unseen(orig[1]) && !unseen(resp[1]);
  }

  onData(isOrig: boolean, line: Uint8Array): void {
    if (line.length === 0) return;
    if (isOrig) this.request(line);
    else this.reply(line);
  }

  /** A side closed straight from partial or inactive: its mangled lines are no surprise (Zeek). */
  private expectedMangled(isOrig: boolean): boolean {
    const side = this.host.tcpState?.(isOrig) ?? null;
    return side !== null && side[0] === TcpState.CLOSED && (side[1] === TcpState.INACTIVE || side[1] === TcpState.PARTIAL);
  }

  private request(line: Uint8Array): void {
    if (!this.host.wants("ident_request")) return;
    const cursor = new Cursor(line);
    const ports = this.portPair(cursor);
    if (ports === null) {
      if (!this.expectedMangled(true)) this.host.weird("bad_ident_request", checkString(line));
      return;
    }
    if (!cursor.end) this.host.weird("ident_request_addendum", checkString(line));
    this.host.raise("ident_request", this.host.conn(), ports[1], ports[0]);
    this.delivered = true;
  }

  private reply(line: Uint8Array): void {
    if (!this.host.wants("ident_reply")) return;
    const cursor = new Cursor(line);
    const ports = this.portPair(cursor);
    if (ports === null || cursor.char !== COLON) {
      if (!this.expectedMangled(false)) this.badReply(line);
      return;
    }
    cursor.at++;
    cursor.skipBlanks();
    const isError = cursor.take("ERROR");
    if (!isError && !cursor.take("USERID")) return this.badReply(line);
    cursor.skipBlanks();
    if (cursor.char !== COLON) return this.badReply(line);
    cursor.at++;
    cursor.skipBlanks();
    if (isError) {
      if (this.host.wants("ident_error")) this.host.raise("ident_error", this.host.conn(), ports[1], ports[0], latin1(cursor.rest()));
      return;
    }
    this.userId(cursor, ports, line);
  }

  /** USERID's `<system>[,<charset>] : <user>`: the system up to and with its ending ',' or ':' (as Zeek). */
  private userId(cursor: Cursor, ports: readonly [number, number], line: Uint8Array): void {
    const rest = cursor.rest();
    const colon = rest.indexOf(COLON);
    if (colon < 0) return this.badReply(line);
    const comma = rest.indexOf(COMMA);
    const systemEnd = comma >= 0 && comma < colon ? comma : colon;
    const system = latin1(rest.subarray(0, systemEnd + 1));
    cursor.at += colon + 1;
    cursor.skipBlanks();
    this.host.raise("ident_reply", this.host.conn(), ports[1], ports[0], latin1(cursor.rest()), system);
  }

  private badReply(line: Uint8Array): void {
    if (this.badReplyReported) return;
    this.badReplyReported = true;
    this.host.weird("bad_ident_reply", checkString(line));
  }

  /** `<port> , <port>` with blanks around each: the two ports, or null. */
  private portPair(cursor: Cursor): [number, number] | null {
    const first = this.port(cursor);
    if (first === null || cursor.char !== COMMA) return null;
    cursor.at++;
    const second = this.port(cursor);
    return second === null ? null : [first, second];
  }

  /** Blanks, digits, blanks: the number (0 after bad_ident_port when past 65535), or null without digits. */
  private port(cursor: Cursor): number | null {
    cursor.skipBlanks();
    if (!isDigit(cursor.char)) return null;
    const start = cursor.at;
    let n = 0;
    for (; isDigit(cursor.char); cursor.at++) if (n <= MAX_PORT) n = n * 10 + (cursor.char! - 0x30);
    cursor.skipBlanks();
    if (n <= MAX_PORT) return n;
    // Zeek hands the weird the line from the number on, as a C string (up to a NUL).
    const from = cursor.line.subarray(start);
    const nul = from.indexOf(0);
    this.host.weird("bad_ident_port", latin1(nul < 0 ? from : from.subarray(0, nul)));
    return 0;
  }
}

/** Zeek's Ident analyzer: no base script registers it (no port, no signature). */
export const IDENT: AnalyzerComponent = {
  name: "IDENT",
  script: "",
  /** Zeek's constructor makes a ContentLine_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  stream: (host) => new IdentAnalyzer(host),
};
