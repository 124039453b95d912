/**
 * One side's line splitter (Zeek's ContentLine support analyzer as HTTP uses
 * it): it cuts the stream into lines at CR LF, a lone CR or a lone LF (or only
 * CR LF inside a multipart body), or hands bytes through as they are while a
 * "plain delivery" length is set (bodies with a known length, chunk data).
 * Lines are handed over without their end; the buffer is reused, so the
 * consumer copies what it keeps. A line longer than MAX_LINE is cut there.
 */

import { DOUBLE_MINUS_ONE, DOUBLE_ZERO } from "../../../doubles.js";

const CR = 0x0d;
const LF = 0x0a;
/** The longest line kept whole (Zeek grows its buffer without bound; bronze bounds memory). */
export const MAX_LINE = 1 << 20;

export interface LineConsumer {
  /** A line (plain = false; without its end) or plain bytes (plain = true). */
  onData(isOrig: boolean, data: Uint8Array, plain: boolean): void;
  /** Zeek's weirds of the splitter (line_terminated_with_single_LF, …). */
  lineWeird(name: string, addl?: string): void;
}

export class ContentLine {
  /** The line so far; made at the first byte of a line (many splitters never see one: analyzers tried on other protocols). */
  private buf = NO_LINE;
  /** The last line handed over: a view of `buf`, reused while lines keep its length (a view per line cost an allocation per line). */
  private view = NO_LINE;
  private offset = 0;
  private lastChar = 0;
  /** Bytes still to hand through as they are (a double from the start: it takes a body's length, see doubles.ts). */
  plain = DOUBLE_ZERO;
  /** Zeek's delivery_length: bytes left of a body delivered in lines (its last line may lack CR LF); a double as `plain`. */
  deliveryLength = DOUBLE_MINUS_ONE;
  /** After a content gap the side is not delivered any more. */
  skip = false;
  /** Set by the consumer once it has finished: nothing more is delivered, not even the rest of the chunk at hand. */
  stopped = false;
  /** Bytes of the current chunk after the piece being handed over (Zeek's GetDeliverStreamRemainingLength). */
  remaining = 0;
  /** CR alone and LF alone end lines (off inside multipart bodies: only CR LF does). */
  crlfAsEol = true;
  suppressWeirds = false;
  /** Zeek's NUL-sensitive mode (SMTP, POP3): the first NUL is dropped with a NUL_in_line weird, later ones kept. */
  flagNuls = false;
  /** The weirds Zeek reports once per connection. */
  private flagged = 0;
  /**
   * The consumer's onData, read once: consumers are of several classes
   * (HTTP, SMTP, POP3, IRC, Finger), so reading the method from the consumer
   * at every line is a megamorphic lookup, where this field is one load.
   */
  private readonly onData: LineConsumer["onData"];

  constructor(
    private readonly isOrig: boolean,
    private readonly consumer: LineConsumer,
    /** Zeek's max_line_length: a longer line is cut there (contentline_size_exceeded). IRC uses 1000. */
    private readonly maxLine = MAX_LINE,
  ) {
    this.onData = consumer.onData;
  }

  /** True while a line is partly buffered. */
  get hasPartialLine(): boolean {
    return this.offset > 0;
  }

  deliver(data: Uint8Array): void {
    if (data.length === 0 || this.skip) return;
    if (this.deliveryLength > 0) this.deliveryLength -= data.length;
    this.doDeliver(data);
    if (this.deliveryLength === 0) {
      if (this.offset > 0) {
        this.consumer.lineWeird("line_terminated_without_CRLF");
        this.doDeliver(CRLF);
      }
      this.deliveryLength = -1;
    }
  }

  /** End of the side: a partial line is completed (Zeek delivers a "\n"). */
  endOfData(): void {
    if (this.offset > 0) this.deliver(NEWLINE);
  }

  private doDeliver(data: Uint8Array): void {
    const n = data.length;
    let i = 0;
    while (i < n && !this.skip && !this.stopped) {
      if (this.crlfAsEol && this.lastChar === CR && data[i] === LF) {
        this.lastChar = LF;
        i++;
        if (i >= n) return;
      }
      if (this.plain > 0) {
        const k = Math.min(this.plain, n - i);
        this.lastChar = 0;
        this.plain -= k;
        this.remaining = n - i - k;
        // A chunk that is all plain goes on as it is: a body's packets mostly are, and a view costs an allocation.
        this.onData.call(this.consumer, this.isOrig, k === n ? data : data.subarray(i, i + k), true);
        i += k;
        if (i >= n) return;
        continue;
      }
      i += this.deliverOnce(data, i);
    }
  }

  /** Scans for one line end from `start`; returns the bytes consumed. */
  private deliverOnce(data: Uint8Array, start: number): number {
    const n = data.length;
    for (let j = start; j < n; j++) {
      if (this.lastChar !== CR) {
        j = this.copyPlainBytes(data, j);
        if (j >= n) break;
      }
      let c = data[j]!;
      if (this.offset >= this.buf.length) {
        if (this.buf.length >= this.maxLine) {
          this.consumer.lineWeird("contentline_size_exceeded");
          this.offset = this.buf.length - 1;
          return this.emit(c, data, j, start);
        }
        const bigger = new Uint8Array(this.buf.length === 0 ? FIRST_LINE_SIZE : Math.min(this.buf.length * 2, this.maxLine));
        bigger.set(this.buf);
        this.buf = bigger;
        this.view = NO_LINE;
      }
      if (c === CR) {
        if (j + 1 < n && data[j + 1] === LF) {
          j++;
          this.lastChar = CR;
          c = LF;
          return this.emit(c, data, j, start);
        }
        if (this.crlfAsEol) return this.emit(c, data, j, start);
        this.buf[this.offset++] = c;
      } else if (c === LF) {
        if (this.lastChar === CR) {
          if (this.offset === 0) {
            this.lastChar = c;
            continue;
          }
          this.offset--;
          return this.emit(c, data, j, start);
        }
        if (this.crlfAsEol) return this.emit(c, data, j, start);
        if (!this.suppressWeirds && (this.flagged & 1) === 0) {
          this.flagged |= 1;
          this.consumer.lineWeird("line_terminated_with_single_LF");
        }
        this.buf[this.offset++] = c;
      } else if (c === 0 && this.flagNuls) {
        this.flagNuls = false;
        if (!this.suppressWeirds && (this.flagged & 4) === 0) {
          this.flagged |= 4;
          this.consumer.lineWeird("NUL_in_line");
        }
      } else {
        this.buf[this.offset++] = c;
      }
      if (this.lastChar === CR && !this.suppressWeirds && (this.flagged & 2) === 0) {
        this.flagged |= 2;
        this.consumer.lineWeird("line_terminated_with_single_CR");
      }
      this.lastChar = c;
    }
    return n - start;
  }

  /**
   * Copies the bytes from `j` that need no decision (not CR, LF or NUL) into
   * the line while it has room, in one tight loop: most of a line. Returns
   * where the scan stopped. Not after a CR, whose next byte may be a weird.
   */
  private copyPlainBytes(data: Uint8Array, j: number): number {
    const buf = this.buf;
    const end = Math.min(data.length, j + buf.length - this.offset);
    let off = this.offset;
    let k = j;
    for (; k < end; k++) {
      const c = data[k]!;
      if (c === CR || c === LF || c === 0) break;
      buf[off++] = c;
    }
    if (k > j) {
      this.offset = off;
      this.lastChar = data[k - 1]!;
    }
    return k;
  }

  private emit(c: number, data: Uint8Array, j: number, start: number): number {
    this.lastChar = c;
    this.remaining = data.length - j - 1;
    let line = this.view;
    if (line.length !== this.offset) line = this.view = this.buf.subarray(0, this.offset);
    this.offset = 0;
    this.onData.call(this.consumer, this.isOrig, line, false);
    return j + 1 - start;
  }
}

const NO_LINE = new Uint8Array(0);
/** The first line buffer's size: most lines fit. */
const FIRST_LINE_SIZE = 256;
const CRLF = Uint8Array.of(CR, LF);
const NEWLINE = Uint8Array.of(LF);
