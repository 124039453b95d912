/**
 * A bounded reader for RDP's mixed-endian structures (TPKT and GCC are
 * big-endian, the RDP blocks little-endian). Running past the bound, a
 * value an `&enforce` rejects, a literal that does not match or an
 * unhandled case are parse errors, which Zeek reports as "Binpac exception"
 * violations.
 */
export class RdpParseError extends Error {}

export class RdpReader {
  constructor(
    readonly d: Uint8Array,
    public at: number,
    readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.at;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.at + n > this.end) throw new RdpParseError(`binpac exception: out_of_bound: ${what}: ${n} > ${Math.max(0, this.end - this.at)}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.d[this.at++]!;
  }

  u16be(what: string): number {
    this.need(2, what);
    const v = (this.d[this.at]! << 8) | this.d[this.at + 1]!;
    this.at += 2;
    return v;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.d[this.at]! | (this.d[this.at + 1]! << 8);
    this.at += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const d = this.d;
    const v = (d[this.at]! | (d[this.at + 1]! << 8) | (d[this.at + 2]! << 16) | (d[this.at + 3]! << 24)) >>> 0;
    this.at += 4;
    return v;
  }

  u32be(what: string): number {
    this.need(4, what);
    const d = this.d;
    const v = ((d[this.at]! << 24) | (d[this.at + 1]! << 16) | (d[this.at + 2]! << 8) | d[this.at + 3]!) >>> 0;
    this.at += 4;
    return v;
  }

  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.d.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.at += n;
  }

  /** A sub-reader over the next `n` bytes (a field with `&length`); this one moves past them. */
  sub(n: number, what: string): RdpReader {
    this.need(n, what);
    const r = new RdpReader(this.d, this.at, this.at + n);
    this.at += n;
    return r;
  }

  /** A literal that must come next. */
  literal(text: string, what: string): void {
    this.need(text.length, what);
    for (let i = 0; i < text.length; i++) {
      if (this.d[this.at + i] !== text.charCodeAt(i)) throw new RdpParseError(`binpac exception: string mismatch at ${what}: \nexpected pattern: "${text}"`);
    }
    this.at += text.length;
  }

  /** True (and consumed) when `text` comes next. */
  optional(text: string): boolean {
    if (this.left < text.length) return false;
    for (let i = 0; i < text.length; i++) if (this.d[this.at + i] !== text.charCodeAt(i)) return false;
    this.at += text.length;
    return true;
  }

  /** An ASN.1 tag and length (Zeek's ASN1EncodingMeta): the content's length. */
  asn1Meta(what: string): number {
    this.u8(`${what}:tag`);
    const len = this.u8(`${what}:len`);
    if ((len & 0x80) === 0) return len;
    const more = this.bytes(len & 0x7f, `${what}:more_len`);
    let v = 0;
    for (const b of more) v = v * 256 + b;
    return v;
  }

  /** A whole ASN.1 element (meta and content). */
  asn1(what: string): Uint8Array {
    return this.bytes(this.asn1Meta(what), `${what}:content`);
  }
}
