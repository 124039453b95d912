/**
 * Syslog over TCP (Zeek's Spicy analyzer "Syslog_TCP", RFC 6587): each side
 * a sequence of frames, each either octet-counted ("LEN SP" then LEN bytes
 * of one message, whose priority is optional) or non-transparent ("<PRI>"
 * then the text up to a run of NUL, LF or CR bytes). A frame's first byte
 * decides: a digit 1-9 or '<'; anything else is a parse error. Every
 * message raises `syslog_message` (facility and severity 999 without a
 * priority) after it confirmed the analyzer (service `syslog_tcp`).
 *
 * As Zeek's grammar reads a stream, a non-transparent message is complete
 * only once the byte after its terminator run (or the side's end) is seen.
 * A parse error is a violation and stops both sides; at a side's end a
 * frame left incomplete is a violation too (Zeek's Finish); a content gap
 * stops the analyzer quietly. Zeek's grammar has no length limit; bronze
 * keeps at most MAX_FRAME bytes of one message and skips a longer one
 * (weird `syslog_message_too_large`).
 *
 * A Spicy analyzer: the corpus' Zeek has none (its UDP syslog analyzer, the
 * BinPAC SYSLOG of syslog.ts, stays as it is); it runs with --spicy or when
 * base/protocols/syslog is named.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost } from "../analyzer.js";
import { ByteQueue } from "../byte-queue.js";
import { SpicyStreamAnalyzer } from "../spicy-stream.js";
import { isDigit, parseSpicyMessage, SyslogError, spicyPriority } from "./spicy-message.js";

/** The longest message kept whole. */
export const MAX_FRAME = 1 << 20;

const LT = 0x3c;
const GT = 0x3e;
const SP = 0x20;

/** /[\x00\n\r]/: what ends a non-transparent message. */
function isTerminator(b: number): boolean {
  return b === 0 || b === 0x0a || b === 0x0d;
}

const enum Mode {
  /** A frame's first byte is next. */
  Start,
  /** An octet-counted frame: `len` bytes after the header. */
  Octets,
  /** Bytes of an over-long frame or message to drop (`len` of them; -1: up to a terminator). */
  Skip,
}

/** One side's frames. */
class FrameReader {
  private readonly q = new ByteQueue();
  private mode = Mode.Start;
  private len = 0;
  /** How far a scan of the frame at the queue's start got (not to scan again). */
  private scanned = 0;

  constructor(
    private readonly message: (facility: number, severity: number, msg: Uint8Array) => void,
    private readonly tooLarge: (what: string) => void,
  ) {}

  feed(data: Uint8Array): void {
    this.q.push(data);
    this.parse(false);
  }

  /** The side's end: what the grammar still waits for decides (an incomplete frame is an error). */
  finish(): void {
    this.parse(true);
    if (this.mode === Mode.Octets) throw new SyslogError(`expected ${this.len} bytes (${this.q.length} available)`);
  }

  private parse(eod: boolean): void {
    for (;;) {
      const done = this.mode === Mode.Start ? this.frameStart(eod) : this.mode === Mode.Octets ? this.octets() : this.skip();
      if (!done) return;
    }
  }

  /** A frame's header: true when it moved on, false when it waits for more. */
  private frameStart(eod: boolean): boolean {
    const q = this.q;
    if (q.length === 0) return false;
    const b = q.at(0);
    if (b === LT) return this.nonTransparent(eod);
    if (b < 0x31 || b > 0x39) throw new SyslogError("no expected look-ahead token found");
    let i = 1;
    while (i < q.length && isDigit(q.at(i))) i++;
    if (i === q.length) {
      if (eod) throw new SyslogError('expected bytes literal " "');
      return false;
    }
    if (q.at(i) !== SP) throw new SyslogError('expected bytes literal " "');
    const len = Number(latin1(q.view(0, i)));
    q.consume(i + 1);
    this.len = len;
    this.mode = len > MAX_FRAME ? Mode.Skip : Mode.Octets;
    if (len > MAX_FRAME) this.tooLarge(`octet-counted frame of ${len} bytes`);
    return true;
  }

  private octets(): boolean {
    if (this.q.length < this.len) return false;
    const frame = this.q.view(0, this.len);
    this.q.consume(this.len);
    this.mode = Mode.Start;
    this.framedMessage(frame);
    return true;
  }

  /** An octet-counted frame's message: syslog.spicy's Message unit on the frame. */
  private framedMessage(frame: Uint8Array): void {
    const [facility, severity, msg] = parseSpicyMessage(frame);
    this.message(facility, severity, msg);
  }

  /** "<PRI>" MSG terminators: complete once a byte after the terminators (or the end) is there. */
  private nonTransparent(eod: boolean): boolean {
    const q = this.q;
    let i = 1;
    while (i < q.length && isDigit(q.at(i))) i++;
    if (i === q.length) return this.needMore(eod, i === 1 ? "failed to match regular expression" : 'expected bytes literal ">"');
    if (i === 1) throw new SyslogError("failed to match regular expression");
    if (q.at(i) !== GT) throw new SyslogError('expected bytes literal ">"');
    const msgStart = i + 1;
    let end = Math.max(msgStart, this.scanned);
    while (end < q.length && !isTerminator(q.at(end))) end++;
    this.scanned = end;
    if (end - msgStart > MAX_FRAME) return this.dropLong();
    // At the end, an empty text fails its pattern, a whole one the terminators' pattern.
    if (end === q.length) return this.needMore(eod, "failed to match regular expression");
    if (end === msgStart) throw new SyslogError("failed to match regular expression");
    let next = end;
    while (next < q.length && isTerminator(q.at(next))) next++;
    if (next === q.length && !eod) return false;
    const [facility, severity] = spicyPriority(q.view(1, i));
    const msg = q.view(msgStart, end);
    this.scanned = 0;
    this.message(facility, severity, msg);
    q.consume(next);
    return true;
  }

  /** The data ends inside a field: wait, or at the end an error. */
  private needMore(eod: boolean, error: string): boolean {
    if (eod) throw new SyslogError(error);
    return false;
  }

  /** A non-transparent message past MAX_FRAME: dropped up to its terminators. */
  private dropLong(): boolean {
    this.tooLarge(`non-transparent message over ${MAX_FRAME} bytes`);
    this.q.consume(this.q.length);
    this.scanned = 0;
    this.mode = Mode.Skip;
    this.len = -1;
    return true;
  }

  private skip(): boolean {
    const q = this.q;
    if (this.len >= 0) {
      const n = Math.min(this.len, q.length);
      q.consume(n);
      this.len -= n;
      if (this.len > 0) return false;
    } else {
      let i = 0;
      while (i < q.length && !isTerminator(q.at(i))) i++;
      q.consume(i);
      if (q.length === 0) return false;
    }
    this.mode = Mode.Start;
    // A dropped non-transparent message's terminators: one more run of them is no frame start.
    while (q.length > 0 && isTerminator(q.at(0))) q.consume(1);
    return q.length > 0;
  }
}

class SyslogTcpAnalyzer extends SpicyStreamAnalyzer {
  private readonly sides: [FrameReader, FrameReader];

  constructor(host: AnalyzerHost) {
    super(host);
    const reader = () =>
      new FrameReader(
        (f, s, m) => this.message(f, s, m),
        (what) => host.weird("syslog_message_too_large", what),
      );
    this.sides = [reader(), reader()];
  }

  protected side(isOrig: boolean): FrameReader {
    return this.sides[isOrig ? 0 : 1];
  }

  private message(facility: number, severity: number, msg: Uint8Array): void {
    // spicy::accept_input() in the message's %done hook, before its event.
    this.host.confirm();
    if (this.host.wants("syslog_message")) this.host.raise("syslog_message", this.host.conn(), facility, severity, latin1(msg));
  }
}

export const SYSLOG_TCP: AnalyzerComponent = {
  name: "SYSLOG_TCP",
  script: "base/protocols/syslog",
  tcpPorts: [514],
  spicy: true,
  stream: (host) => new SyslogTcpAnalyzer(host),
};
