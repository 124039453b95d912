/**
 * A bounded DER reader for X.509 certificates: just enough of ASN.1's
 * tag-length-value walk to pull out what x509.log shows. Every read checks its
 * bounds and throws DerError, which the certificate parser catches and turns
 * into a weird; nothing here allocates beyond views into the certificate.
 */
export class DerError extends Error {}

export interface Tlv {
  /** The whole identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** The value's bytes (a view). */
  value: Uint8Array;
  /** The whole element, header included (a view). */
  whole: Uint8Array;
}

/** Reads consecutive DER elements out of `buf`. */
export class Der {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  peekTag(): number {
    return this.pos < this.buf.length ? this.buf[this.pos]! : -1;
  }

  next(): Tlv {
    const b = this.buf;
    const start = this.pos;
    if (start + 2 > b.length) throw new DerError("truncated header");
    const tag = b[start]!;
    if ((tag & 0x1f) === 0x1f) throw new DerError("high tag number");
    let len = b[start + 1]!;
    let at = start + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || at + n > b.length) throw new DerError("bad length");
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[at + i]!;
      at += n;
    }
    if (at + len > b.length) throw new DerError("length beyond data");
    this.pos = at + len;
    return { tag, value: b.subarray(at, at + len), whole: b.subarray(start, at + len) };
  }

  /** The next element, which must carry `tag`. */
  expect(tag: number): Tlv {
    const t = this.next();
    if (t.tag !== tag) throw new DerError(`expected tag ${tag}, got ${t.tag}`);
    return t;
  }
}

export const SEQUENCE = 0x30;
export const SET = 0x31;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const NULL = 0x05;
export const OID = 0x06;
export const BOOLEAN = 0x01;

/** An OBJECT IDENTIFIER's dotted text. */
export function oidText(v: Uint8Array): string {
  if (v.length === 0) throw new DerError("empty OID");
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const byte = v[i]!;
    n = n * 128 + (byte & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 256) throw new DerError("OID arc too large");
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
