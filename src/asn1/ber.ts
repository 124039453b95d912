/**
 * The one ASN.1 reader of bronze: a bounded walk over BER/DER tag-length-value
 * elements, shared by the X.509 parser (src/files/x509), SNMP and Kerberos
 * (src/analyzer/app/snmp, krb).
 *
 * Two ways to step, because the protocols need both: `next()` takes a whole
 * element (header and value, which must lie inside the reader's bounds), while
 * `header()` takes only the identifier and length octets and leaves the reader
 * at the first value byte. Zeek's BinPAC grammars for SNMP and Kerberos read
 * many constructed elements that way ("meta"): the fields that follow are
 * read from the rest of the input, whatever the constructed element's length
 * says, and bronze reproduces what those grammars accept.
 *
 * Every read checks its bounds and throws BerError, which each user catches at
 * its top (X.509: a weird or a missing field; SNMP/Kerberos: a violation).
 * Nothing is copied: values are views into the input. There is no recursion
 * here, so nesting depth costs no stack; callers that descend do so by
 * structure, a fixed number of levels.
 */
export class BerError extends Error {}

export interface Tlv {
  /**
   * The first identifier octet (class, constructed bit and the tag number when
   * below 31; 0x1f in its low bits for a high tag number, see `number`).
   */
  tag: number;
  /** The tag number (any size up to 2^28). */
  number: number;
  /** The value's bytes (a view). */
  value: Uint8Array;
  /** The whole element, header included (a view). */
  whole: Uint8Array;
}

/** An element's header: identifier and length octets only. */
export interface BerHeader {
  /** As Tlv.tag. */
  tag: number;
  /** As Tlv.number. */
  number: number;
  /** The value's length as the header states it (not checked against the input). */
  length: number;
  /** Offset of the first value byte in the reader's buffer. */
  start: number;
}

/**
 * What `next` returns: `whole` is made when asked for (X.509 and OCSP ask for
 * a few; SNMP and Kerberos never), as a view costs an object per element.
 */
class Element implements Tlv {
  constructor(
    readonly tag: number,
    readonly number: number,
    readonly value: Uint8Array,
    private readonly buf: Uint8Array,
    /** Offset of the identifier octet in `buf`. */
    private readonly start: number,
  ) {}

  get whole(): Uint8Array {
    return this.buf.subarray(this.start, this.value.byteOffset - this.buf.byteOffset + this.value.length);
  }
}

/** Reads consecutive elements out of `buf[start, end)`. */
export class BerReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = Math.min(end, buf.length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** The next identifier octet, or -1 at the end. */
  peekTag(): number {
    return this.pos < this.end ? this.buf[this.pos]! : -1;
  }

  /**
   * Identifier and length octets of the next element; the reader moves to its
   * first value byte. The length may point beyond the input: `next` and
   * `bytes` check it when the value is read.
   */
  header(): BerHeader {
    const b = this.buf;
    let at = this.pos;
    if (at >= this.end) throw new BerError("truncated header");
    const tag = b[at++]!;
    let number = tag & 0x1f;
    if (number === 0x1f) {
      // High tag number: base-128 digits, the last without the top bit.
      number = 0;
      for (let digits = 0; ; digits++) {
        if (at >= this.end) throw new BerError("truncated tag");
        if (digits === 4) throw new BerError("tag number too large");
        const d = b[at++]!;
        number = number * 128 + (d & 0x7f);
        if ((d & 0x80) === 0) break;
      }
    }
    if (at >= this.end) throw new BerError("truncated header");
    let length = b[at++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      // 0x80 is BER's indefinite form, which neither DER, SNMP nor Kerberos allow.
      if (n === 0) throw new BerError("indefinite length");
      if (n > 8) throw new BerError("length of length too large");
      if (at + n > this.end) throw new BerError("truncated length");
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + b[at + i]!;
      at += n;
    }
    this.pos = at;
    return { tag, number, length, start: at };
  }

  /** The next whole element; its value must lie within the reader's bounds. */
  next(): Tlv {
    const start = this.pos;
    const h = this.header();
    if (h.length > this.end - h.start) {
      this.pos = start;
      throw new BerError("length beyond data");
    }
    this.pos = h.start + h.length;
    return new Element(h.tag, h.number, this.buf.subarray(h.start, this.pos), this.buf, start);
  }

  /** The next element, which must carry identifier octet `tag`. */
  expect(tag: number): Tlv {
    const t = this.next();
    if (t.tag !== tag) throw new BerError(`expected tag ${tag}, got ${t.tag}`);
    return t;
  }

  /** The next `n` raw bytes (a view). */
  bytes(n: number): Uint8Array {
    if (n < 0 || n > this.end - this.pos) throw new BerError("length beyond data");
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A reader over the next `n` bytes, which this one skips. */
  sub(n: number): BerReader {
    if (n < 0 || n > this.end - this.pos) throw new BerError("length beyond data");
    const r = new BerReader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  /** A reader over whatever is left, which this one skips. */
  rest(): BerReader {
    return this.sub(this.end - this.pos);
  }
}

export const BOOLEAN = 0x01;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const NULL = 0x05;
export const OID = 0x06;
export const SEQUENCE = 0x30;
export const SET = 0x31;

/** The identifier octet of context-specific constructed tag [n] (n < 31). */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

/** The identifier octet of application constructed tag [APPLICATION n] (n < 31). */
export function applicationTag(n: number): number {
  return 0x60 | n;
}

/**
 * Up to 8 big-endian bytes as an unsigned number, as Zeek's binary_to_int64
 * reads ASN.1 integers (no sign extension: INTEGER -1 in one byte is 255);
 * `null` for more than 8 bytes (Zeek's weird asn_binary_to_int64_shift_too_large
 * and 0). Eight-byte values above 2^53 lose their low bits.
 */
export function beUint(v: Uint8Array): number | null {
  if (v.length > 8) return null;
  let n = 0;
  for (let i = 0; i < v.length; i++) n = n * 256 + v[i]!;
  return n;
}

/** As beUint, read as Zeek's int64: an 8-byte value with the top bit set is negative. */
export function beInt64(v: Uint8Array): number | null {
  if (v.length !== 8 || (v[0]! & 0x80) === 0) return beUint(v);
  // Two's complement from the complemented bytes, so that small negatives stay exact.
  let n = 0;
  for (let i = 0; i < 8; i++) n = n * 256 + (255 - v[i]!);
  return -(n + 1);
}

/** An OBJECT IDENTIFIER's dotted text, as OpenSSL prints it (first arcs per X.690: 0, 1 or 2). */
export function oidText(v: Uint8Array): string {
  if (v.length === 0) throw new BerError("empty OID");
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const byte = v[i]!;
    n = n * 128 + (byte & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 256) throw new BerError("OID arc too large");
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) {
        const first = n < 80 ? Math.floor(n / 40) : 2;
        parts.push(first, n - first * 40);
      } else parts.push(n);
      n = 0;
    }
  }
  return parts.join(".");
}

/**
 * An OBJECT IDENTIFIER's dotted text as Zeek's asn1_oid_to_val writes it:
 * the first subidentifier split as quotient and remainder of 40 (so 120 is
 * "3.0"), arcs as unsigned 64-bit numbers. "" when the last subidentifier is
 * unfinished or there is none; "" and `onTooLong(bytes)` (Zeek's weird
 * asn_oid_subidentifier_too_long) when one subidentifier spans more than 10
 * bytes.
 */
export function zeekOidText(v: Uint8Array, onTooLong?: (bytes: number) => void): string {
  if (v.length === 0 || v[v.length - 1]! & 0x80) return "";
  // First pass: no subidentifier may be longer than 10 bytes.
  let run = 0;
  for (let i = 0; i < v.length; i++) {
    run++;
    if ((v[i]! & 0x80) === 0) {
      if (run > 10) {
        onTooLong?.(run);
        return "";
      }
      run = 0;
    }
  }
  let out = "";
  let n = 0;
  let big: bigint | null = null;
  let first = true;
  for (let i = 0; i < v.length; i++) {
    const d = v[i]! & 0x7f;
    if (big !== null) big = ((big << 7n) | BigInt(d)) & 0xffffffffffffffffn;
    else if (n >= 2 ** 45) big = ((BigInt(n) << 7n) | BigInt(d)) & 0xffffffffffffffffn;
    else n = n * 128 + d;
    if ((v[i]! & 0x80) === 0) {
      if (first) {
        // Zeek divides as int (std::div on the value cast to int).
        const value = big !== null ? Number(BigInt.asIntN(32, big)) : n | 0;
        const q = Math.trunc(value / 40);
        out = `${q}.${value - q * 40}`;
        first = false;
      } else out += `.${big !== null ? big.toString() : n}`;
      n = 0;
      big = null;
    }
  }
  return out;
}

/** An INTEGER's magnitude as upper-case hex without the sign-padding zero (OpenSSL's i2a_ASN1_INTEGER). */
export function integerHex(v: Uint8Array): string {
  let start = 0;
  while (start < v.length - 1 && v[start] === 0) start++;
  let s = "";
  for (let i = start; i < v.length; i++) s += v[i]!.toString(16).padStart(2, "0").toUpperCase();
  return s;
}

/** An INTEGER's value as a decimal string (exponents can exceed 2^53). */
export function integerDecimal(v: Uint8Array): string {
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  return n.toString();
}

/** The bit length of an unsigned big-endian integer. */
export function bitLength(v: Uint8Array): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]!));
}

/**
 * An INTEGER's value as Zeek's analyzers read it (binary_to_int64): unsigned
 * up to 8 bytes, or as int64 when `signed`; longer values are 0 after
 * `onTooLarge` (Zeek's weird asn_binary_to_int64_shift_too_large, addl the
 * byte count).
 */
export function zeekInteger(v: Uint8Array, signed: boolean, onTooLarge: (addl: string) => void): number {
  const n = signed ? beInt64(v) : beUint(v);
  if (n !== null) return n;
  onTooLarge(`${v.length}`);
  return 0;
}
