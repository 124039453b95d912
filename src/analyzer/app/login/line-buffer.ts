/**
 * The growing line buffer of Zeek's ContentLine support analyzer as Rlogin
 * and Rsh fill it byte by byte: it starts at 128 bytes and doubles up to the
 * line bound (16 MiB less 100 bytes, Zeek's DEFAULT_MAX_LINE_LENGTH); a
 * byte that finds it full at the bound is the caller's limit (InitBufferSafe
 * failing), reported with the buffer's length.
 */
import { NVT_MAX_LINE } from "../ftp/nvt.js";

export class LineBuffer {
  private buf = new Uint8Array(128);
  offset = 0;

  constructor(private readonly max = NVT_MAX_LINE) {}

  /** The buffer's length: Zeek's buf_len, what a limit weird reports. */
  get length(): number {
    return this.buf.length;
  }

  /** Room for one more byte, growing if it may; false at the bound. */
  room(): boolean {
    if (this.offset < this.buf.length) return true;
    if (this.buf.length >= this.max) return false;
    const bigger = new Uint8Array(Math.min(this.buf.length * 2, this.max));
    bigger.set(this.buf);
    this.buf = bigger;
    return true;
  }

  /** Appends a byte (call room() first). */
  push(b: number): void {
    this.buf[this.offset++] = b;
  }

  /** The bytes so far (a view: copy what you keep), and the buffer emptied. */
  take(): Uint8Array {
    const line = this.buf.subarray(0, this.offset);
    this.offset = 0;
    return line;
  }

  /** The bytes so far up to the first NUL, as a C string reads them. */
  cString(): Uint8Array {
    const all = this.buf.subarray(0, this.offset);
    const nul = all.indexOf(0);
    return nul < 0 ? all : all.subarray(0, nul);
  }
}
