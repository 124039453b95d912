/**
 * Zeek's Rlogin analyzer (login/Rlogin.cc, RFC 1282): the client's prolog
 * (NUL, client user, server user, terminal type/speed, each NUL-ended), the
 * server's NUL acknowledging it, then lines ended by CR or LF, the client's
 * in-band window-size control (FF FF s s + 8 bytes) taken out. The server
 * user name is the dialog's typeahead, the terminal type login_terminal,
 * the client user the login events' client_user (../login/login.ts). It
 * never confirms and writes no log.
 *
 * Its limit is the contents analyzer's line buffer: a prolog field or line
 * past 16 MiB less 100 bytes is rlogin_line_size_exceeded (source
 * CONTENTLINE, 'X' in the history) and the side's state becomes unknown.
 * Weirds: bad_rlogin_prolog, rlogin_text_after_rejected. As Telnet, only a
 * script's register_for_port starts it.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost } from "../analyzer.js";
import { LineBuffer } from "../login/line-buffer.js";
import { LoginAnalyzer } from "../login/login.js";

const enum State {
  FirstNul,
  ClientUser,
  ServerUser,
  TerminalType,
  ServerAck,
  ControlFf2,
  WindowS1,
  WindowS2,
  WindowRest,
  LineMode,
  PresumedRejected,
  Unknown,
}

const CR = 0x0d;
const LF = 0x0a;
const FF = 0xff;
const S = 0x73;
/** The window size after FF FF s s. */
const WINDOW_BYTES = 8;
const EOL = Uint8Array.of(LF);

/** What one side's contents analyzer hands the analyzer. */
interface RloginOwner {
  readonly host: AnalyzerHost;
  prologField(state: State, field: Uint8Array): void;
  line(isOrig: boolean, line: Uint8Array): void;
  peerState(isOrig: boolean): State;
}

/** One side (Contents_Rlogin_Analyzer). */
class RloginSide {
  state: State;
  private saved: State;
  private toScan = 0;
  private lastChar = 0;
  private readonly buf = new LineBuffer();

  constructor(
    private readonly isOrig: boolean,
    private readonly owner: RloginOwner,
  ) {
    this.state = this.saved = isOrig ? State.FirstNul : State.ServerAck;
  }

  deliver(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      if (!this.buf.room()) {
        this.owner.host.limitReached("rlogin_line_size_exceeded", this.buf.length, 0, "CONTENTLINE");
        this.state = State.Unknown;
        this.buf.offset = 0;
        // The byte that found the buffer full is dropped, as Zeek's loop moves past it.
        continue;
      }
      if (this.step(data[i]!)) i--;
    }
  }

  /** The side's end: a partial line is completed with a LF (ContentLine's EndpointEOF). */
  endOfData(): void {
    if (this.buf.offset > 0) this.deliver(EOL);
  }

  /** One byte; true to read it again (in the state it led to). */
  private step(c: number): boolean {
    switch (this.state) {
      case State.FirstNul:
      case State.ServerAck:
        return this.prologStart(c);
      case State.ClientUser:
      case State.ServerUser:
      case State.TerminalType:
        this.prologByte(c);
        return false;
      case State.ControlFf2:
        if (c === FF) this.state = State.WindowS1;
        else {
          // Not a control: the FF that led here is text.
          this.buf.push(FF);
          this.state = this.saved;
          return true;
        }
        return false;
      case State.WindowS1:
      case State.WindowS2:
        this.windowMarker(c);
        return false;
      case State.WindowRest:
        if (--this.toScan === 0) this.state = this.saved;
        return false;
      default:
        this.lineByte(c);
        return false;
    }
  }

  /** The client's first NUL, the server's acknowledging NUL. */
  private prologStart(c: number): boolean {
    // A side whose start was not seen (or that starts with a FIN's data) is read as unknown.
    if (this.owner.host.isPartial() || this.owner.host.sideClosed(this.isOrig)) {
      this.state = State.Unknown;
      return true;
    }
    if (this.state === State.ServerAck) this.state = c === 0 ? State.LineMode : State.PresumedRejected;
    else if (c === 0) this.state = State.ClientUser;
    else {
      this.owner.host.weird("bad_rlogin_prolog", "", "CONTENTLINE");
      this.state = State.Unknown;
    }
    return false;
  }

  private prologByte(c: number): void {
    this.buf.push(c);
    if (c !== 0) return;
    const state = this.state;
    this.state = state === State.ClientUser ? State.ServerUser : state === State.ServerUser ? State.TerminalType : State.LineMode;
    this.owner.prologField(state, this.buf.cString());
    this.buf.offset = 0;
  }

  private windowMarker(c: number): void {
    if (c === S) {
      if (this.state === State.WindowS1) this.state = State.WindowS2;
      else {
        this.state = State.WindowRest;
        this.toScan = WINDOW_BYTES;
      }
      return;
    }
    // An unknown control: what it consumed is read again as text (this byte is lost, as in Zeek).
    const replay = this.state === State.WindowS2 ? [FF, FF, S] : [FF, FF];
    this.state = State.Unknown;
    this.deliver(Uint8Array.from(replay));
  }

  private lineByte(c: number): void {
    if (this.state === State.LineMode && this.owner.peerState(this.isOrig) === State.PresumedRejected) {
      this.owner.host.weird("rlogin_text_after_rejected", "", "CONTENTLINE");
      this.state = State.Unknown;
    }
    if (c === CR || c === LF) {
      // CR LF is one line end (RFC 1282); as in Zeek, the last character is not updated at a line's end.
      if (!(c === LF && this.lastChar === CR)) {
        this.owner.line(this.isOrig, this.buf.take());
        return;
      }
    } else if (c === FF && this.isOrig && this.state === State.LineMode) {
      this.saved = this.state;
      this.state = State.ControlFf2;
    } else this.buf.push(c);
    this.lastChar = c;
  }
}

class RloginAnalyzer extends LoginAnalyzer<RloginSide> implements RloginOwner {
  protected readonly sides: readonly [RloginSide, RloginSide] = [new RloginSide(true, this), new RloginSide(false, this)];

  peerState(isOrig: boolean): State {
    return this.sides[isOrig ? 1 : 0].state;
  }

  prologField(state: State, field: Uint8Array): void {
    const text = latin1(field);
    if (state === State.ClientUser) {
      // Zeek reports a second client name as an analyzer error and keeps the first.
      this.login.clientName ??= text;
    } else if (state === State.ServerUser) {
      this.login.userLinesSeen++;
      this.login.loginPromptLine++;
      this.login.addUserText(text);
    } else if (this.host.wants("login_terminal")) this.host.raise("login_terminal", this.host.conn(), text);
  }
}

/** Zeek's Rlogin analyzer: no base script registers it (no port, no signature). */
export const RLOGIN: AnalyzerComponent = {
  name: "RLOGIN",
  script: "",
  /** Zeek's constructor makes a Contents_Rlogin_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  stream: (host) => new RloginAnalyzer(host),
};
