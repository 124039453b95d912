/**
 * One side of FTP's control connection cut into lines the way Zeek's NVT
 * support analyzer does for FTP (login/NVT.cc with LF as the only line end
 * and NULs flagged): a LF ends a line and a CR just before it is dropped; a
 * lone CR stays in the line (weird line_terminated_with_single_CR, once per
 * connection); the first NUL of a side is dropped with a NUL_in_line weird
 * (once per connection), later ones are kept; Telnet commands (IAC …) are
 * taken out, IAC IAC leaves one 0xFF. A line longer than the bound is handed
 * over in pieces (nvt_line_size_exceeded). Lines are handed over without
 * their end, as views of a buffer that is reused: copy what you keep.
 *
 * Telnet runs the same NVT with ContentLine's defaults (NvtMode): CR ends a
 * line too (a LF just after it is dropped), NULs stay in the line, and its
 * options go to an NvtOptionSink; a suboption past the line bound is dropped
 * with nvt_option_size_exceeded.
 */

import { indexOfByte } from "../../../packet/bytes.js";

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const IAC = 255;
const SB = 250;
const SE = 240;
/** WILL, WONT, DO, DONT take one option byte. */
const FIRST_3_BYTE = 251;

/** The bytes the line loop decides on one by one; every other byte goes into the line as it is. */
const DECIDED = [LF, CR, NUL, IAC] as const;
const IS_DECIDED = new Uint8Array(256);
for (const b of DECIDED) IS_DECIDED[b] = 1;
/**
 * How many bytes of a run are looked at one by one before the rest is
 * searched with memchr (indexOfByte): a control line is mostly shorter, and
 * for those the loop is cheaper than four searches; a line of megabytes (a
 * flood on port 21) goes at memchr's speed instead of some 40 instructions a
 * byte.
 */
const SHORT_RUN = 48;

/**
 * The longest line kept whole: Zeek's DEFAULT_MAX_LINE_LENGTH, 16 MiB less
 * 100 bytes (so that the doubling buffer stops short of 32 MiB). Past it,
 * nvt_line_size_exceeded names this length. A side's buffer grows only as
 * its longest line does (a bound of 16 MiB per side, as Zeek's).
 */
export const NVT_MAX_LINE = 16 * 1024 * 1024 - 100;

/** The weirds Zeek flags once per connection (Connection::FlagEvent), shared by both sides. */
export interface NvtFlags {
  singleCR: boolean;
  nulInLine: boolean;
}

/** Where the Telnet commands of a side go (Zeek's NVT_Analyzer::SawOption, SawSubOption, BadOptionTermination). */
export interface NvtOptionSink {
  /** WILL, WONT, DO or DONT (`verb`, 251-254) of option `code`. */
  option(isOrig: boolean, verb: number, code: number): void;
  /** IAC SB … IAC SE: the bytes between SB and the final IAC (the option's code first); a view, copy what you keep. */
  subOption(isOrig: boolean, data: Uint8Array): void;
  /** A suboption ended by IAC and something else than SE. */
  badTermination(isOrig: boolean): void;
}

/** How a side's NVT cuts lines: FTP's (the default) or Telnet's. */
export interface NvtMode {
  /** A CR ends a line too (ContentLine's CR_as_EOL): Telnet; FTP ends lines at LF only. */
  readonly crIsEol: boolean;
  /** The first NUL is dropped with NUL_in_line (FTP's SetIsNULSensitive); else NULs stay in the line. */
  readonly flagNuls: boolean;
  readonly options?: NvtOptionSink;
}

const FTP_MODE: NvtMode = { crIsEol: false, flagNuls: true };

export interface NvtSink {
  line(isOrig: boolean, line: Uint8Array): void;
  weird(name: string, addl?: string): void;
  /** True while NULs at the start of a partial connection's side are to be ignored (Zeek's keep-alive case). */
  ignoreNul(isOrig: boolean, bytesSeen: number): boolean;
}

export class NvtLines {
  private buf = new Uint8Array(128);
  private offset = 0;
  private lastChar = 0;
  private pendingIac = false;
  private iacPos = 0;
  private inSub = false;
  private lastWasIac = false;
  private flagNuls: boolean;
  private readonly crIsEol: boolean;
  private readonly options: NvtOptionSink | undefined;
  /** Telnet's binary option: every byte but IAC loses its high bit. */
  binary = false;
  /** Nothing more is read (Telnet's encryption started: SetSkipDeliveries). */
  skip = false;
  private seen = 0;
  /**
   * Where the chunk being delivered next has each of DECIDED (its length if
   * nowhere), found at or after the index last asked about, so that a chunk
   * is searched for each byte once per occurrence, not once per line; -1
   * until searched. Valid only for the chunk in `searchedIn`, within one
   * deliver call (runEnd resets them for any other chunk).
   */
  private readonly nextAt = new Int32Array(DECIDED.length);
  private searchedIn: Uint8Array | null = null;

  constructor(
    private readonly isOrig: boolean,
    private readonly sink: NvtSink,
    private readonly flags: NvtFlags,
    private readonly maxLine = NVT_MAX_LINE,
    mode: NvtMode = FTP_MODE,
  ) {
    this.flagNuls = mode.flagNuls;
    this.crIsEol = mode.crIsEol;
    this.options = mode.options;
  }

  get hasPartialLine(): boolean {
    return this.offset > 0;
  }

  /** The end of the side: a partial line is completed (Zeek delivers a "\n"). */
  endOfData(): void {
    if (this.offset > 0) this.deliver(EOL);
  }

  deliver(data: Uint8Array): void {
    if (this.skip) return;
    let i = 0;
    const n = data.length;
    // Positions from an earlier call are stale even for the same view (buffers are reused; a call that threw left them set).
    this.searchedIn = null;
    while (i < n) {
      if (this.pendingIac) {
        i = this.scanOption(data, i);
        continue;
      }
      for (; i < n; i++) {
        let c = data[i]!;
        if (this.binary && c !== IAC) c &= 0x7f;
        else if (IS_DECIDED[c] === 0 && this.lastChar !== CR) {
          const taken = this.ordinaryRun(data, i);
          if (taken > 0) {
            i += taken - 1;
            continue;
          }
        }
        this.seen++;
        if (this.offset >= this.buf.length && !this.grow()) {
          this.sink.weird("nvt_line_size_exceeded", `${this.buf.length}`);
          this.emit(this.buf.length - 1);
          this.lastChar = 0;
          continue;
        }
        if (c === LF) {
          if (this.lastChar === CR) {
            // With CR as a line end the line went at the CR.
            if (!this.crIsEol && this.offset > 0) this.emit(this.offset - 1);
          } else this.emit(this.offset);
        } else if (c === CR && this.crIsEol) this.emit(this.offset);
        else if (c === NUL) {
          if (this.lastChar !== CR) {
            if (!this.flagNuls) this.buf[this.offset++] = c;
            else if (!this.sink.ignoreNul(this.isOrig, this.seen)) {
              if (!this.flags.nulInLine) {
                this.flags.nulInLine = true;
                this.sink.weird("NUL_in_line");
              }
              this.flagNuls = false;
            }
          }
        } else if (c === IAC) {
          this.pendingIac = true;
          this.iacPos = this.offset;
          this.inSub = false;
          this.buf[this.offset++] = c;
          i = this.scanOption(data, i + 1);
          break;
        } else this.buf[this.offset++] = c;
        if (this.lastChar === CR && c !== LF && c !== NUL && !this.crIsEol && !this.flags.singleCR) {
          this.flags.singleCR = true;
          this.sink.weird("line_terminated_with_single_CR");
        }
        this.lastChar = c;
      }
    }
    this.searchedIn = null;
  }

  /**
   * Bytes from `i` on that are none of LF, CR, NUL and IAC, after a byte that
   * was no CR, go into the line as they are (what the loop above does with
   * each), taken here in one step: how many were taken (0 when the line is
   * at its bound, for the loop's nvt_line_size_exceeded).
   */
  private ordinaryRun(data: Uint8Array, i: number): number {
    const end = this.runEnd(data, i + 1);
    const want = this.offset + (end - i);
    while (this.buf.length < want && this.grow()) {}
    const buf = this.buf;
    let o = this.offset;
    const take = Math.min(end - i, buf.length - o);
    if (take <= 0) return 0;
    if (take >= 64) {
      buf.set(data.subarray(i, i + take), o);
      o += take;
    } else for (let x = i; x < i + take; x++) buf[o++] = data[x]!;
    this.offset = o;
    this.seen += take;
    this.lastChar = data[i + take - 1]!;
    return take;
  }

  /** The index of the first of DECIDED at or after `from` in `data` (data.length if none). */
  private runEnd(data: Uint8Array, from: number): number {
    const n = data.length;
    const stop = Math.min(n, from + SHORT_RUN);
    let i = from;
    for (; i < stop; i++) if (IS_DECIDED[data[i]!] === 1) return i;
    if (i === n) return n;
    const nextAt = this.nextAt;
    // A line handed over may lead to another delivery before this one ends: positions are of one chunk.
    if (this.searchedIn !== data) {
      this.searchedIn = data;
      nextAt.fill(-1);
    }
    let end = n;
    for (let k = 0; k < DECIDED.length; k++) {
      let at = nextAt[k]!;
      if (at < i) {
        at = indexOfByte(data, DECIDED[k]!, i);
        nextAt[k] = at = at < 0 ? n : at;
      }
      if (at < end) end = at;
    }
    return end;
  }

  /** A Telnet command after an IAC (NVT_Analyzer::ScanOption); returns the next index. */
  private scanOption(data: Uint8Array, i: number): number {
    const n = data.length;
    if (i >= n) return i;
    if (this.iacPos === this.offset - 1) {
      const code = data[i]!;
      if (code === IAC) {
        // An escaped 255: one stays in the line.
        this.pendingIac = false;
        this.lastChar = code;
      } else if (code === SB) {
        this.inSub = true;
        this.lastWasIac = false;
        this.put(code);
      } else if (code >= FIRST_3_BYTE) {
        this.inSub = false;
        this.put(code);
      } else {
        // A whole 2-byte command (Zeek's SawOption(code) does nothing with it): both bytes go.
        this.offset--;
        this.pendingIac = false;
      }
      return i + 1;
    }
    if (!this.inSub) {
      // The option byte of a 3-byte command: all three go.
      this.options?.option(this.isOrig, this.buf[this.offset - 1]!, data[i]!);
      this.offset -= 2;
      this.pendingIac = false;
      return i + 1;
    }
    for (; i < n; i++) {
      if (this.offset >= this.buf.length && !this.grow()) {
        this.sink.weird("nvt_option_size_exceeded", `${this.buf.length}`);
        this.pendingIac = false;
        this.inSub = false;
        this.offset = 0;
        this.lastChar = 0;
        return i;
      }
      const code = data[i]!;
      if (this.lastWasIac) {
        this.lastWasIac = false;
        if (code === IAC) continue;
        // The suboption ends (IAC SE, or any IAC as BSD Telnet does): it is dropped.
        if (this.options !== undefined) this.endSubOption(code);
        this.offset = this.iacPos;
        this.pendingIac = false;
        this.inSub = false;
        if (code === SE) return i + 1;
        this.pendingIac = true;
        this.iacPos = this.offset;
        this.buf[this.offset++] = IAC;
        return i;
      }
      this.buf[this.offset++] = code;
      this.lastWasIac = code === IAC;
    }
    return i;
  }

  /** A suboption's end: its bytes after SB up to the closing IAC go to the option sink. */
  private endSubOption(code: number): void {
    const options = this.options!;
    if (code !== SE) options.badTermination(this.isOrig);
    options.subOption(this.isOrig, this.buf.subarray(this.iacPos + 2, this.offset - 1));
  }

  private put(b: number): void {
    if (this.offset >= this.buf.length && !this.grow()) return;
    this.buf[this.offset++] = b;
  }

  private grow(): boolean {
    if (this.buf.length >= this.maxLine) return false;
    const bigger = new Uint8Array(Math.min(this.buf.length * 2, this.maxLine));
    bigger.set(this.buf);
    this.buf = bigger;
    return true;
  }

  private emit(len: number): void {
    this.offset = 0;
    this.sink.line(this.isOrig, this.buf.subarray(0, len));
  }
}

const EOL = Uint8Array.of(LF);
