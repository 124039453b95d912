/**
 * Reading one MySQL packet (little-endian, bounded by the packet's length)
 * the way Zeek's binpac parser does: running past the end, a missing NUL
 * terminator, a value an `&enforce` rejects or an unknown case index are
 * parse errors (Zeek reports them as "Binpac exception: …" violations).
 */
import { latin1 } from "../../../packet/bytes.js";

export class ParseError extends Error {}

export class Reader {
  at = 0;

  constructor(
    readonly d: Uint8Array,
    /** Where the packet ends (its header's length). */
    readonly end: number = d.length,
    start = 0,
  ) {
    this.at = start;
  }

  get left(): number {
    return this.end - this.at;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.at + n > this.end) throw new ParseError(`binpac exception: out_of_bound: ${what}: ${n} > ${Math.max(0, this.end - this.at)}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.d[this.at++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.d[this.at]! | (this.d[this.at + 1]! << 8);
    this.at += 2;
    return v;
  }

  u24(what: string): number {
    this.need(3, what);
    const v = this.d[this.at]! | (this.d[this.at + 1]! << 8) | (this.d[this.at + 2]! << 16);
    this.at += 3;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const d = this.d;
    const v = (d[this.at]! | (d[this.at + 1]! << 8) | (d[this.at + 2]! << 16) | (d[this.at + 3]! << 24)) >>> 0;
    this.at += 4;
    return v;
  }

  /** A uint64 as Zeek's to_int takes it: the low 32 bits. */
  u64Low(what: string): number {
    const low = this.u32(what);
    this.u32(what);
    return low;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.at += n;
  }

  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.d.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  rest(): Uint8Array {
    const b = this.d.subarray(this.at, this.end);
    this.at = this.end;
    return b;
  }

  /** Zeek's NUL_String (/[^\0]*\0/): the text before the NUL, which is consumed too. */
  nulString(what: string): string {
    const stop = this.d.subarray(this.at, this.end).indexOf(0);
    if (stop < 0) throw new ParseError(`binpac exception: string mismatch at ${what}: \nexpected pattern: "[^\\0]*\\0"`);
    const s = latin1(this.d.subarray(this.at, this.at + stop));
    this.at += stop + 1;
    return s;
  }

  /** Zeek's EmptyOrNUL_String: a NUL-terminated string, or nothing when none is there. */
  optionalNulString(): string {
    const stop = this.d.subarray(this.at, this.end).indexOf(0);
    if (stop < 0) return "";
    const s = latin1(this.d.subarray(this.at, this.at + stop));
    this.at += stop + 1;
    return s;
  }

  /** The rest of a length-encoded integer whose first byte was `first` (Zeek's to_int: an int, so 64-bit values keep their low 32 bits, signed). */
  leiAfter(first: number, what: string): number {
    if (first < 0xfb) return first;
    switch (first) {
      case 0xfc:
        return this.u16(what);
      case 0xfd:
        return this.u24(what);
      case 0xfe:
        return this.u64Low(what) | 0;
      default:
        return 0; // 0xfb (NULL) and 0xff
    }
  }

  lei(what: string): number {
    return this.leiAfter(this.u8(what), what);
  }

  /** A length-encoded string (its length byte already read as `first` when given). */
  les(what: string, first?: number): Uint8Array {
    const len = first === undefined ? this.lei(what) : this.leiAfter(first, what);
    return this.bytes(len, what);
  }
}
