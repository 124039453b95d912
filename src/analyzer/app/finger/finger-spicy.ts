/**
 * Finger as a Zeek built with Spicy runs it (finger.spicy and finger.evt:
 * the analyzer "Finger", which there takes the place of finger.ts's legacy
 * one). Active only with --spicy. Each side is parsed as the grammar says:
 *
 * - the client's side is one request: blanks, an optional "/W" (upper-case
 *   W only), blanks, then the text up to CR or LF (or the side's end),
 *   stripped of white space and split at its first '@' into user and host,
 *   each decoded as UTF-8 (bad bytes become U+FFFD). It raises
 *   finger_request whether or not the line was ended, confirms Finger when
 *   the user is not empty or /W was given, and nothing after it is read;
 * - the server's side is lines, each ended by LF or CR LF; every non-empty
 *   one raises finger_reply (UTF-8 decoded as above), and one of more than
 *   ten characters confirms Finger. A CR not followed by LF, or a last line
 *   without its end, is a parse error.
 *
 * A request text or reply line longer than Finger::max_line_length (1024;
 * 0: 1 MiB) is a violation as soon as one byte more than that has arrived.
 * Parse errors are violations with Spicy's words (without the grammar's
 * source location) and stop both sides, as Zeek's Spicy driver does; so
 * does a content gap, quietly. There is no partial_finger_request weird,
 * and user signatures' `finger` patterns are not matched (Zeek's Spicy
 * analyzer has no rule matching).
 */
import type { EngineSettings } from "../../../options.js";
import type { AnalyzerComponent, AnalyzerHost } from "../analyzer.js";
import { ByteQueue } from "../byte-queue.js";
import { SpicyParseError, type SpicySide, SpicyStreamAnalyzer } from "../spicy-stream.js";
import { decodeUtf8 } from "../spicy-text.js";
import "./finger.js";

/** A field reached one byte past its &max-size. */
const MAX_SIZE_ERROR = "parsing not done within &max-size bytes";
/** A pattern (the line's end) did not match. */
const REGEX_ERROR = "failed to match regular expression";

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const SLASH = 0x2f;
const AT = 0x40;
const W = 0x57;

/** finger.spicy's `max_line_length()`: the option, 0 standing for 1 MiB. */
function maxLineLength(settings: EngineSettings): number {
  const n = settings["Finger::max_line_length"];
  return n === 0 ? 1024 * 1024 : n;
}

/** Where the first CR or LF of the queue is, from `from` on; -1 if none. */
function lineEnd(q: ByteQueue, from: number): number {
  for (let i = from; i < q.length; i++) {
    const b = q.at(i);
    if (b === CR || b === LF) return i;
  }
  return -1;
}

/** HILTI's white space for bytes' strip(): " \t\f\v\n\r". */
function isSpace(b: number): boolean {
  return b === SP || (b >= TAB && b <= CR);
}

/** `bytes.strip()`: without leading and trailing white space. */
function strip(b: Uint8Array): Uint8Array {
  let from = 0;
  let to = b.length;
  while (from < to && isSpace(b[from]!)) from++;
  while (to > from && isSpace(b[to - 1]!)) to--;
  return b.subarray(from, to);
}

/** Characters (code points) of Spicy's decoded string: its bytes other than UTF-8 continuation bytes. */
function codePoints(utf8: string): number {
  let n = 0;
  for (let i = 0; i < utf8.length; i++) {
    const c = utf8.charCodeAt(i);
    if (c < 0x80 || c > 0xbf) n++;
  }
  return n;
}

const enum RequestState {
  /** The blanks before the optional /W. */
  Lead,
  /** The blanks after /W. */
  AfterW,
  /** The request's text, up to CR or LF. */
  Text,
  /** The request was read: the client's side is no longer parsed. */
  Done,
}

/** The client's side: finger.spicy's Request unit. */
class RequestReader {
  private readonly q = new ByteQueue();
  private state = RequestState.Lead;
  private whois = false;
  /** Bytes came: Zeek's driver has a parser for the side only from its first data on. */
  private started = false;
  /** How far the search for the text's end got. */
  private scanned = 0;

  constructor(
    private readonly max: number,
    private readonly request: (whois: boolean, text: Uint8Array) => void,
  ) {}

  feed(data: Uint8Array): void {
    if (this.state === RequestState.Done) return;
    this.started = true;
    this.q.push(data);
    this.parse(false);
  }

  /** The side's end: the text ends here (its pattern needs no line end). */
  finish(): void {
    if (this.started && this.state !== RequestState.Done) this.parse(true);
  }

  private parse(eod: boolean): void {
    if (this.state === RequestState.Lead && !this.lead(eod)) return;
    if (this.state === RequestState.AfterW && !this.skipBlanks(eod)) return;
    if (this.state === RequestState.Text) this.text(eod);
  }

  /** Blanks, then "/W" or not: false while the bytes to tell are still to come. */
  private lead(eod: boolean): boolean {
    if (!this.skipBlanks(eod)) return false;
    const q = this.q;
    if (q.length > 0 && q.at(0) === SLASH) {
      if (q.length < 2 && !eod) return false;
      if (q.length >= 2 && q.at(1) === W) {
        q.consume(2);
        this.whois = true;
        this.state = RequestState.AfterW;
        return true;
      }
    }
    this.state = RequestState.Text;
    return true;
  }

  /** Drops blanks (they are never kept: a long run of them costs nothing); false while more may follow. */
  private skipBlanks(eod: boolean): boolean {
    const q = this.q;
    let i = 0;
    while (i < q.length && (q.at(i) === SP || q.at(i) === TAB)) i++;
    q.consume(i);
    if (q.length === 0 && !eod) return false;
    if (this.state === RequestState.AfterW) this.state = RequestState.Text;
    return true;
  }

  private text(eod: boolean): void {
    const q = this.q;
    const end = lineEnd(q, this.scanned);
    const length = end < 0 ? q.length : end;
    if (length > this.max) throw new SpicyParseError(MAX_SIZE_ERROR);
    this.scanned = length;
    if (end < 0 && !eod) return;
    this.state = RequestState.Done;
    const text = q.view(0, length);
    this.request(this.whois, text);
    q.consume(q.length);
  }
}

/** The server's side: finger.spicy's Reply unit, ReplyLine after ReplyLine. */
class ReplyReader {
  private readonly q = new ByteQueue();
  /** How far the search for the current line's end got. */
  private scanned = 0;

  constructor(
    private readonly max: number,
    private readonly line: (data: Uint8Array) => void,
  ) {}

  feed(data: Uint8Array): void {
    this.q.push(data);
    this.parse(false);
  }

  /** The side's end: the lines must all be complete. */
  finish(): void {
    this.parse(true);
  }

  private parse(eod: boolean): void {
    const q = this.q;
    while (q.length > 0) {
      const end = lineEnd(q, this.scanned);
      if (end < 0) {
        this.scanned = q.length;
        if (q.length > this.max) throw new SpicyParseError(MAX_SIZE_ERROR);
        if (eod) throw new SpicyParseError(REGEX_ERROR);
        return;
      }
      if (end > this.max) throw new SpicyParseError(MAX_SIZE_ERROR);
      const next = this.afterNewLine(end, eod);
      if (next < 0) return;
      this.scanned = 0;
      this.line(q.view(0, end));
      q.consume(next);
    }
  }

  /** Where the line ending at `end` (LF or CR LF) is over; -1 while its LF may still come. */
  private afterNewLine(end: number, eod: boolean): number {
    const q = this.q;
    if (q.at(end) === LF) return end + 1;
    if (end + 1 === q.length) {
      if (eod) throw new SpicyParseError(REGEX_ERROR);
      return -1;
    }
    if (q.at(end + 1) !== LF) throw new SpicyParseError(REGEX_ERROR);
    return end + 2;
  }
}

class SpicyFingerAnalyzer extends SpicyStreamAnalyzer {
  private readonly request: RequestReader;
  private readonly reply: ReplyReader;

  constructor(host: AnalyzerHost) {
    super(host);
    const max = maxLineLength(host.settings);
    this.request = new RequestReader(max, (whois, text) => this.onRequest(whois, text));
    this.reply = new ReplyReader(max, (data) => this.onReplyLine(data));
  }

  protected side(isOrig: boolean): SpicySide {
    return isOrig ? this.request : this.reply;
  }

  private onRequest(whois: boolean, text: Uint8Array): void {
    const arg = strip(text);
    const at = arg.indexOf(AT);
    const user = at < 0 ? arg : arg.subarray(0, at);
    // The Request's %done hook (accept_input) comes before finger.evt's event.
    if (user.length > 0 || whois) this.host.confirm();
    if (!this.host.wants("finger_request")) return;
    const host = at < 0 ? "" : decodeUtf8(arg.subarray(at + 1));
    this.host.raise("finger_request", this.host.conn(), whois, decodeUtf8(user), host);
  }

  private onReplyLine(line: Uint8Array): void {
    const data = decodeUtf8(line);
    // "Some non-trivial output" confirms: more than ten characters.
    if (codePoints(data) > 10) this.host.confirm();
    if (data.length !== 0 && this.host.wants("finger_reply")) this.host.raise("finger_reply", this.host.conn(), data);
  }
}

/** The Spicy build's FINGER: the legacy one's name, port and script. */
export const FINGER_SPICY: AnalyzerComponent = {
  name: "FINGER",
  script: "base/protocols/finger",
  tcpPorts: [79],
  build: "spicy",
  stream: (host) => new SpicyFingerAnalyzer(host),
};
