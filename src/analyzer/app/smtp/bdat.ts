/**
 * SMTP's BDAT (RFC 3030): the command's argument, and the chunks' bytes cut
 * back into lines for the MIME parser (Zeek's SMTP_BDAT_Analyzer: CR LF ends
 * a line, a lone LF too (weird), a line longer than
 * SMTP::bdat_max_line_length is cut (weird)).
 */

/** SMTP::bdat_max_line_length. */
export const BDAT_MAX_LINE_LENGTH = 4096;

export interface BdatArg {
  /** The chunk size (a bigint: the argument may exceed 2^53). */
  size: bigint;
  last: boolean;
  /** Zeek's reason when the argument is invalid. */
  error?: string;
}

const UINT64_MAX = (1n << 64n) - 1n;

/** Zeek's parse_bdat_arg: "<size>" or "<size> LAST" (LAST in any case). */
export function parseBdatArg(arg: string): BdatArg {
  // UINT64_MAX followed by " LAST" is the longest argument there can be.
  if (arg.length <= 0 || arg.length > 25) return { size: 0n, last: false, error: "BDAT argument bad length" };
  const c0 = arg.charCodeAt(0);
  if (c0 < 0x30 || c0 > 0x39) return { size: 0n, last: false, error: "BDAT not followed by a valid chunk-size" };
  let i = 0;
  while (i < arg.length && arg.charCodeAt(i) >= 0x30 && arg.charCodeAt(i) <= 0x39) i++;
  if (i < arg.length && arg[i] !== " " && arg[i] !== "\0") return { size: 0n, last: false, error: "BDAT chunk-size not valid" };
  const size = BigInt(arg.slice(0, i));
  if (size > UINT64_MAX) return { size: 0n, last: false, error: "BDAT chunk-size too large" };
  // strtoull stops at a NUL as at the end of the string.
  const rest = arg[i] === "\0" ? "" : arg.slice(i);
  if (rest.length === 0) return { size, last: false };
  const last = rest.slice(0, 5).toUpperCase() === " LAST";
  if (!last || rest.length !== 5) return { size, last, error: "BDAT chunk-size followed by junk" };
  return { size, last };
}

/** Where the lines of the chunks go. */
export interface BdatSink {
  line(data: Uint8Array, trailingCrlf: boolean): void;
  weird(name: string, addl?: string): void;
}

/** The chunks of one message. */
export class BdatChunks {
  private buf = new Uint8Array(256);
  private len = 0;
  private remaining = 0n;
  private last = false;

  constructor(
    private readonly sink: BdatSink,
    private readonly maxLine = BDAT_MAX_LINE_LENGTH,
  ) {}

  get remainingSize(): bigint {
    return this.remaining;
  }

  get isLastChunk(): boolean {
    return this.last;
  }

  nextChunk(last: boolean, size: bigint): void {
    this.last = last;
    this.remaining = size;
  }

  /** Bytes of the current chunk (at most what remains of it). */
  deliver(data: Uint8Array): void {
    let n = data.length;
    if (BigInt(n) > this.remaining) {
      this.sink.weird("smtp_bdat_chunk_overflow");
      n = Number(this.remaining);
    }
    // A CR at the end of what came before, not followed by LF: that line ends there, CR included.
    if (this.len > 0 && this.buf[this.len - 1] === 0x0d && (n === 0 || data[0] !== 0x0a)) {
      this.sink.weird("smtp_bdat_line_cr_only");
      this.sink.line(this.buf.subarray(0, this.len), false);
      this.len = 0;
    }
    let i = this.len > 0 ? this.len - 1 : 0;
    this.append(data.subarray(0, n));
    let start = 0;
    const b = this.buf;
    for (; i < this.len; i++) {
      if (i < this.len - 1 && b[i] === 0x0d && b[i + 1] === 0x0a) {
        this.sink.line(b.subarray(start, i), true);
        start = i + 2;
        i++;
      } else if (b[i] === 0x0a) {
        this.sink.weird("smtp_bdat_line_lf_only");
        this.sink.line(b.subarray(start, i + 1), false);
        start = i + 1;
      } else if (i - start >= this.maxLine) {
        this.sink.weird("smtp_bdat_line_too_long", String(this.len));
        this.sink.line(b.subarray(start, i), false);
        start = i;
      }
    }
    this.buf.copyWithin(0, start, this.len);
    this.len -= start;
    this.remaining -= BigInt(n);
    if (this.last && this.remaining === 0n && this.len > 0) {
      this.sink.line(this.buf.subarray(0, this.len), false);
      this.len = 0;
    }
  }

  /** The message ends: what is still buffered goes out. */
  done(): void {
    if (this.len > 0) {
      this.sink.weird("smtp_bdat_undelivered_at_done");
      const n = this.len;
      this.len = 0;
      this.sink.line(this.buf.subarray(0, n), false);
    }
  }

  private append(data: Uint8Array): void {
    if (this.len + data.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + data.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(data, this.len);
    this.len += data.length;
  }
}
