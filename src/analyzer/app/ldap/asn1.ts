/**
 * ASN.1 as Zeek's LDAP analyzer reads it (its asn1.spicy), which is not the
 * shared BER reader's (src/asn1/ber.ts) reading: a tag's number is the low
 * five bits of its one identifier octet (0x1f is 31, no more octets read), a
 * long-form length is 1-8 octets (0x80, BER's indefinite form, and longer
 * ones are errors, as Spicy's integer conversion refuses them), and
 * universal values are checked as they are read (a BOOLEAN of other than
 * one octet, an INTEGER of none or more than eight). Sequences and sets are
 * read into their elements only where Zeek's grammar asks for it
 * (`recursive`), at most 32 levels deep.
 *
 * Every breach throws LdapError, whose message is the one Zeek's violation
 * carries (without Spicy's source location).
 */
import { decodeAscii, decodeUtf8 } from "../spicy-text.js";

/** A parse error: the analyzer reports it as a violation and stops. */
export class LdapError extends Error {}

export const UNIVERSAL = 0;
export const APPLICATION = 1;
export const CONTEXT = 2;

export const T_BOOLEAN = 1;
export const T_INTEGER = 2;
export const T_BIT_STRING = 3;
export const T_OCTET_STRING = 4;
export const T_NULL = 5;
export const T_OID = 6;
export const T_ENUMERATED = 10;
export const T_SEQUENCE = 16;
export const T_SET = 17;

/** asn1.spicy's MAX_ASN1_DEPTH. */
const MAX_ASN1_DEPTH = 32;

/** String types decoded as ASCII (the rest of the string types as UTF-8). */
const ASCII_STRINGS = new Set([19, 23, 24]);
const UTF8_STRINGS = new Set([12, 18, 20, 21, 22, 25, 26, 27, 28, 29, 30]);

/**
 * Thrown by an open cursor (a TCP side's bytes so far) that runs out: the
 * message is read again once more bytes came. One instance: no stack to
 * capture on a hot path.
 */
export class NeedMore extends Error {}
export const NEED_MORE = new NeedMore("more data needed");

/** A window onto the input; `open` when more bytes may follow `end` (a stream), else running out is an error. */
export class Cursor {
  constructor(
    readonly d: Uint8Array,
    public at: number,
    readonly end: number,
    readonly open = false,
  ) {}

  get left(): number {
    return this.end - this.at;
  }

  u8(): number {
    if (this.at >= this.end) {
      if (this.open) throw NEED_MORE;
      throw new LdapError("expected 1 byte (0 available)");
    }
    return this.d[this.at++]!;
  }

  u16(): number {
    const hi = this.u8();
    return hi * 256 + this.u8();
  }

  u32(): number {
    return this.u16() * 65536 + this.u16();
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.at) {
      if (this.open) throw NEED_MORE;
      throw new LdapError(`expected ${n} bytes (${this.end - this.at} available)`);
    }
    const v = this.d.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  /** A cursor over the next `n` bytes, which this one skips. */
  sub(n: number): Cursor {
    const start = this.at;
    this.take(n);
    return new Cursor(this.d, start, start + n);
  }
}

export interface Header {
  cls: number;
  type: number;
  constructed: boolean;
  len: number;
}

/** Spicy's bytes.to_uint/to_int: 1-8 bytes, big-endian. */
export function toUint(v: Uint8Array): number {
  if (v.length === 0) throw new LdapError("not enough bytes for conversion to integer");
  if (v.length > 8) throw new LdapError(`more than max of 8 bytes for conversion to integer (have ${v.length})`);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function toInt(v: Uint8Array): number {
  const n = toUint(v);
  // Negative when the top bit is set (two's complement of the value's own width).
  return v[0]! & 0x80 ? n - 2 ** (8 * v.length) : n;
}

/** asn1.spicy's ASN1Header: one identifier octet and the length. */
export function header(c: Cursor): Header {
  const tag = c.u8();
  const first = c.u8();
  const len = first & 0x80 ? toUint(c.take(first & 0x7f)) : first;
  return { cls: tag >> 6, type: tag & 0x1f, constructed: (tag & 0x20) !== 0, len };
}

/** asn1.spicy's ASN1Message: a header and its value, universal values checked. */
export interface Node {
  readonly cls: number;
  readonly type: number;
  readonly value: Uint8Array;
  /** The elements of a universal SEQUENCE or SET read recursively, else null. */
  readonly children: Node[] | null;
}

export function message(c: Cursor, recursive: boolean, depth = 0): Node {
  if (depth > MAX_ASN1_DEPTH) throw new LdapError("ASN.1 exceeded max recursion depth");
  const h = header(c);
  const value = c.take(h.len);
  let children: Node[] | null = null;
  if (h.cls === UNIVERSAL) children = checkUniversal(h, value, recursive, depth);
  return { cls: h.cls, type: h.type, value, children };
}

/** The checks asn1.spicy's ASN1Body makes while reading a universal value; the elements of a sequence. */
function checkUniversal(h: Header, value: Uint8Array, recursive: boolean, depth: number): Node[] | null {
  switch (h.type) {
    case T_BOOLEAN:
      if (h.len !== 1) throw new LdapError("&requires failed: (head.len.len == 1)");
      return null;
    case T_INTEGER:
    case T_ENUMERATED:
      toInt(value);
      return null;
    case T_NULL:
      if (h.len !== 0) throw new LdapError("&requires failed: (head.len.len == 0)");
      return null;
    case T_BIT_STRING:
    case T_OID:
      if (h.len === 0) throw new LdapError("expected 1 byte (0 available)");
      return null;
    case T_SEQUENCE:
    case T_SET: {
      if (!recursive) return null;
      const inner = new Cursor(value, 0, value.length);
      const out: Node[] = [];
      while (inner.left > 0) out.push(message(inner, true, depth + 1));
      return out;
    }
    default:
      return null;
  }
}

/** `body.num_value`: a universal INTEGER or ENUMERATED. */
export function numValue(n: Node): number {
  if (n.cls !== UNIVERSAL || (n.type !== T_INTEGER && n.type !== T_ENUMERATED)) throw new LdapError("access to unset field 'num_value'");
  return toInt(n.value);
}

/** `body.bool_value`. */
export function boolValue(n: Node): boolean {
  if (n.cls !== UNIVERSAL || n.type !== T_BOOLEAN) throw new LdapError("access to unset field 'bool_value'");
  return n.value[0] !== 0;
}

/** Whether `body.str_value` is set: an OCTET STRING, an OID or a character string. */
export function hasStr(n: Node): boolean {
  return n.cls === UNIVERSAL && (n.type === T_OCTET_STRING || n.type === T_OID || ASCII_STRINGS.has(n.type) || UTF8_STRINGS.has(n.type));
}

/** `body.str_value` (text as bytes, one character per byte). */
export function strValue(n: Node): string {
  if (!hasStr(n)) throw new LdapError("access to unset field 'str_value'");
  if (n.type === T_OID) return oidString(n.value);
  return UTF8_STRINGS.has(n.type) ? decodeUtf8(n.value) : decodeAscii(n.value);
}

/** `application_data`: a non-universal element's value. */
export function appData(n: Node): Uint8Array {
  if (n.cls === UNIVERSAL) throw new LdapError("access to unset field 'application_data'");
  return n.value;
}

/** asn1.spicy's ASN1ObjectIdentifier: the first octet as quotient and remainder of 40, then 7-bit groups (64-bit). */
export function oidString(v: Uint8Array): string {
  let out = `${Math.floor(v[0]! / 40)}.${v[0]! % 40}`;
  let n = 0n;
  for (let i = 1; i < v.length; i++) {
    n = ((n << 7n) | BigInt(v[i]! & 0x7f)) & 0xffffffffffffffffn;
    if ((v[i]! & 0x80) === 0) {
      out += `.${n}`;
      n = 0n;
    }
  }
  return out;
}
