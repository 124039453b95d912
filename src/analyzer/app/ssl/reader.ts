/**
 * A bounds-checked big-endian reader over a byte view, for the SSL/TLS
 * parsers. Reading past a structure's end throws an OutOfBound, which the
 * analyzers catch and report as Zeek does: a violation whose reason is
 * binpac's ("Binpac exception: binpac exception: out_of_bound: Type: need >
 * have"). It never escapes an analyzer.
 */
import { latin1 } from "../../../packet/bytes.js";

export class OutOfBound extends Error {
  constructor(
    readonly where: string,
    readonly need: number,
    readonly have: number,
  ) {
    super(`out_of_bound: ${where}: ${need} > ${have}`);
  }

  /** The violation reason Zeek's SSL analyzers give for it. */
  get reason(): string {
    return `Binpac exception: binpac exception: ${this.message}`;
  }
}

export class Reader {
  /** Where the structure being read started (for the error's "need > have"). */
  private readonly start: number;

  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly type: string,
  ) {
    this.start = pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new OutOfBound(this.type, this.pos + n - this.start, this.end - this.start);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = ((this.buf[this.pos]! << 24) | (this.buf[this.pos + 1]! << 16) | (this.buf[this.pos + 2]! << 8) | this.buf[this.pos + 3]!) >>> 0;
    this.pos += 4;
    return v;
  }

  /** `n` bytes as a view (no copy). */
  view(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** `n` bytes as a latin1 string (one char per byte), the form event strings take. */
  str(n: number): string {
    return bytesToString(this.view(n));
  }

  /** The rest of this structure as a view. */
  rest(): Uint8Array {
    return this.view(this.remaining);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /**
   * A nested structure of `len` bytes starting here, named `type` in errors;
   * `header` bytes of it were already read (its length field), so "need" and
   * "have" count from the structure's own start as binpac does.
   */
  sub(len: number, type: string, header = 0): Reader {
    if (this.pos + len > this.end) throw new OutOfBound(type, len + header, this.end - this.pos + header);
    const r = new Reader(this.buf, this.pos, this.pos + len, type);
    this.pos += len;
    return r;
  }
}

/** Bytes as a latin1 string (Zeek's strings are bytes; bronze keeps one char per byte). */
export function bytesToString(b: Uint8Array): string {
  return latin1(b);
}

/**
 * Bytes of one side kept between deliveries: the start of a record or
 * message not yet complete. Complete units are parsed straight from the
 * engine's view; only a remainder is copied here.
 */
export class Pending {
  buf: Uint8Array = new Uint8Array(0);
  len = 0;

  /** Makes room for `n` bytes in all (a unit whose length is known), so it is not grown step by step. */
  reserve(n: number): void {
    if (n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const grown = new Uint8Array(n);
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  append(data: Uint8Array): void {
    if (this.len + data.length > this.buf.length) {
      this.grow(Math.max(this.len + data.length, this.buf.length * 2, 256));
    }
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** What to parse: `data` itself when nothing is pending, else the pending bytes with `data` appended. */
  input(data: Uint8Array): Uint8Array {
    if (this.len === 0) return data;
    this.append(data);
    return this.buf.subarray(0, this.len);
  }

  /**
   * After parsing `buf` (from `input(data)`) up to `pos`: keeps the
   * unparsed rest, copied.
   */
  keep(data: Uint8Array, buf: Uint8Array, pos: number): void {
    const end = buf.length;
    if (buf === data) {
      if (pos < end) this.append(data.subarray(pos));
    } else if (pos >= end) {
      this.len = 0;
      if (this.buf.length > 65536) this.buf = new Uint8Array(0);
    } else if (pos > 0) {
      this.buf.copyWithin(0, pos, end);
      this.len = end - pos;
    }
  }
}
