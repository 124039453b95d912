/**
 * Zeek's Rsh analyzer (login/RSH.cc): the client's prolog (an optional
 * stderr port in digits, NUL, client user, NUL, server user, NUL), then
 * lines on both sides ended by CR, LF or NUL. Each line is rsh_request
 * (client; `new_session` for the first) or rsh_reply (server), and goes
 * through the login dialog as Rlogin's do (../login/login.ts). It never
 * confirms and writes no log.
 *
 * Its limit is the contents analyzer's line buffer: past 16 MiB less 100
 * bytes, rsh_line_size_exceeded (source CONTENTS_RSH, 'X' in the history)
 * and the side's state becomes unknown. Weird: bad_rsh_prolog. As Telnet,
 * only a script's register_for_port starts it.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent } from "../analyzer.js";
import { LineBuffer } from "../login/line-buffer.js";
import { LoginAnalyzer } from "../login/login.js";

export interface RshEvents {
  /** A client line: the client and server user names of the prolog ("<none>" before them), the line without leading blanks; `new_session` for the first. */
  rsh_request: [c: Connection, client_user: string, server_user: string, line: string, new_session: boolean];
  /** A server line, with the same user names. */
  rsh_reply: [c: Connection, client_user: string, server_user: string, line: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends RshEvents {}
}

registerEvents<RshEvents>({ rsh_request: true, rsh_reply: true });

const enum State {
  FirstNul,
  ClientUser,
  ServerUser,
  LineMode,
  Unknown,
}

const CR = 0x0d;
const LF = 0x0a;
const EOL = Uint8Array.of(LF);

/** One side (Contents_Rsh_Analyzer). */
class RshSide {
  private state: State;
  /** ServerUser until the first line after the prolog went (rsh_request's new_session). */
  saved: State;
  private lastChar = 0;
  private readonly buf = new LineBuffer();

  constructor(
    private readonly isOrig: boolean,
    private readonly owner: RshAnalyzer,
  ) {
    this.state = isOrig ? State.FirstNul : State.LineMode;
    this.saved = isOrig ? State.FirstNul : State.Unknown;
  }

  deliver(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      if (!this.buf.room()) {
        this.owner.host.limitReached("rsh_line_size_exceeded", this.buf.length, 0, "CONTENTS_RSH");
        this.state = State.Unknown;
        this.buf.offset = 0;
        // The byte that found the buffer full is dropped, as Zeek's loop moves past it.
        continue;
      }
      const c = data[i]!;
      if (this.state === State.FirstNul) {
        if (this.startsUnknown()) i--;
        else if (c === 0) this.state = State.ClientUser;
        // Digits are the stderr port.
        else if (c < 0x30 || c > 0x39) {
          this.owner.host.weird("bad_rsh_prolog", "", "CONTENTS_RSH");
          this.state = State.Unknown;
        }
      } else if (this.state === State.ClientUser || this.state === State.ServerUser) this.prologByte(c);
      else this.lineByte(c);
    }
  }

  /** The side's end: a partial line is completed with a LF (ContentLine's EndpointEOF). */
  endOfData(): void {
    if (this.buf.offset > 0) this.deliver(EOL);
  }

  /** A side whose start was not seen (or that starts with a FIN's data) is read as unknown. */
  private startsUnknown(): boolean {
    const host = this.owner.host;
    if (!host.isPartial() && !host.sideClosed(this.isOrig)) return false;
    this.state = State.Unknown;
    return true;
  }

  private prologByte(c: number): void {
    this.buf.push(c);
    if (c !== 0) return;
    if (this.state === State.ClientUser) {
      this.owner.clientUser(this.buf.cString());
      this.state = State.ServerUser;
    } else if (this.buf.offset > 1) {
      // An empty server user name is skipped: the next field is read as it.
      this.owner.serverUser(this.buf.cString());
      this.saved = this.state;
      this.state = State.LineMode;
    }
    this.buf.offset = 0;
  }

  private lineByte(c: number): void {
    // A NUL ends a line too; CR LF is one end (RFC 1282), and the last character is not updated at a line's end, as in Zeek.
    if (c === 0 || ((c === CR || c === LF) && !(c === LF && this.lastChar === CR))) {
      this.owner.line(this.isOrig, this.buf.take(), this.saved === State.ServerUser);
      this.saved = State.LineMode;
      return;
    }
    this.buf.push(c);
    this.lastChar = c;
  }
}

class RshAnalyzer extends LoginAnalyzer<RshSide> {
  protected readonly sides: readonly [RshSide, RshSide] = [new RshSide(true, this), new RshSide(false, this)];

  clientUser(name: Uint8Array): void {
    // Zeek reports a second client name as an analyzer error and keeps the first.
    this.login.clientName ??= latin1(name);
  }

  serverUser(name: Uint8Array): void {
    this.login.username ??= latin1(name);
  }

  /** A line: the login dialog's, and rsh_request or rsh_reply (`first`: the first client line after the prolog). */
  override line(isOrig: boolean, line: Uint8Array, first = false): void {
    if (this.login.skip) return;
    this.login.deliverLine(isOrig, line);
    const host = this.host;
    if (!host.wants(isOrig ? "rsh_request" : "rsh_reply")) return;
    const nul = line.indexOf(0);
    const text = latin1(nul < 0 ? line : line.subarray(0, nul)).replace(/^[ \t\n\v\f\r]+/, "");
    const client = this.login.clientName ?? "<none>";
    const server = this.login.username ?? "<none>";
    if (isOrig) host.raise("rsh_request", host.conn(), client, server, text, first);
    else host.raise("rsh_reply", host.conn(), client, server, text);
  }
}

/** Zeek's Rsh analyzer: no base script registers it (no port, no signature). */
export const RSH: AnalyzerComponent = {
  name: "RSH",
  script: "",
  /** Zeek's constructor makes a Contents_Rsh_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  stream: (host) => new RshAnalyzer(host),
};
