/**
 * The one bounded cursor over a byte view that the binpac-grammar analyzers
 * (MySQL, RDP, …) read their messages with: little- and big-endian
 * integers, views, literals and nested bounds. Running past the bound is
 * BinPAC's out_of_bound error (a `BinpacError`, "TYPE:FIELD: need > have",
 * counted from the cursor), which the analyzer that started the parse catches
 * and reports as its violation (`BINPAC_EXCEPTION` + message), as Zeek does.
 *
 * It is used once or more per message: it holds only the view and two
 * offsets, allocates nothing per read (views are subarrays), and is one class
 * so every call site stays monomorphic.
 */
import { latin1, u16, u16le, u32, u32le } from "../../packet/bytes.js";
import { BinpacError, outOfBound } from "./binpac.js";

export class ByteReader {
  constructor(
    readonly d: Uint8Array,
    /** The next byte to read. */
    public at = 0,
    /** Where the bounded structure ends (exclusive). */
    readonly end: number = d.length,
  ) {}

  get left(): number {
    return this.end - this.at;
  }

  /** The next `n` bytes must be there (`what` is binpac's "TYPE:FIELD"). */
  need(n: number, what: string): void {
    if (n < 0 || this.at + n > this.end) throw outOfBound(what, n, this.end - this.at);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.d[this.at++]!;
  }

  u16le(what: string): number {
    this.need(2, what);
    const v = u16le(this.d, this.at);
    this.at += 2;
    return v;
  }

  u16be(what: string): number {
    this.need(2, what);
    const v = u16(this.d, this.at);
    this.at += 2;
    return v;
  }

  u24le(what: string): number {
    this.need(3, what);
    const d = this.d;
    const v = d[this.at]! | (d[this.at + 1]! << 8) | (d[this.at + 2]! << 16);
    this.at += 3;
    return v;
  }

  u32le(what: string): number {
    this.need(4, what);
    const v = u32le(this.d, this.at);
    this.at += 4;
    return v;
  }

  u32be(what: string): number {
    this.need(4, what);
    const v = u32(this.d, this.at);
    this.at += 4;
    return v;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.at += n;
  }

  /** The next `n` bytes as a view (no copy). */
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.d.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  /** The rest up to the bound, as a view. */
  rest(): Uint8Array {
    const b = this.d.subarray(this.at, this.end);
    this.at = this.end;
    return b;
  }

  /** A reader over the next `n` bytes (a field with `&length`); this one moves past them. */
  sub(n: number, what: string): ByteReader {
    this.need(n, what);
    const r = new ByteReader(this.d, this.at, this.at + n);
    this.at += n;
    return r;
  }

  /** A literal (ASCII) that must come next: binpac's string mismatch otherwise. */
  literal(text: string, what: string): void {
    this.need(text.length, what);
    for (let i = 0; i < text.length; i++) {
      if (this.d[this.at + i] !== text.charCodeAt(i)) throw new BinpacError(`string mismatch at ${what}: \nexpected pattern: "${text}"`);
    }
    this.at += text.length;
  }

  /** True (and consumed) when the literal `text` comes next. */
  optional(text: string): boolean {
    if (this.left < text.length) return false;
    for (let i = 0; i < text.length; i++) if (this.d[this.at + i] !== text.charCodeAt(i)) return false;
    this.at += text.length;
    return true;
  }

  /** Zeek's NUL_String (/[^\0]*\0/): the text before the NUL, which is consumed too. */
  nulString(what: string): string {
    const stop = this.d.subarray(this.at, this.end).indexOf(0);
    if (stop < 0) throw new BinpacError(`string mismatch at ${what}: \nexpected pattern: "[^\\0]*\\0"`);
    const s = latin1(this.d.subarray(this.at, this.at + stop));
    this.at += stop + 1;
    return s;
  }

  /** Zeek's EmptyOrNUL_String: a NUL-terminated string, or "" (nothing consumed) when no NUL is there. */
  optionalNulString(): string {
    const stop = this.d.subarray(this.at, this.end).indexOf(0);
    if (stop < 0) return "";
    const s = latin1(this.d.subarray(this.at, this.at + stop));
    this.at += stop + 1;
    return s;
  }
}
