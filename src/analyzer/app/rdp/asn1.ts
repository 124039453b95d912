/**
 * The ASN.1 (BER) headers RDP's GCC/MCS structures carry, read with the
 * shared bounded reader (../reader.ts; TPKT and GCC are big-endian, the RDP
 * blocks little-endian). Running past a bound is BinPAC's out_of_bound
 * error, which the analyzer reports as its violation.
 */
import type { ByteReader } from "../reader.js";

/** An ASN.1 tag and length (Zeek's ASN1EncodingMeta): the content's length. */
export function asn1Meta(r: ByteReader, what: string): number {
  r.u8(`${what}:tag`);
  const len = r.u8(`${what}:len`);
  if ((len & 0x80) === 0) return len;
  const more = r.bytes(len & 0x7f, `${what}:more_len`);
  let v = 0;
  for (const b of more) v = v * 256 + b;
  return v;
}

/** A whole ASN.1 element (meta and content). */
export function asn1(r: ByteReader, what: string): Uint8Array {
  return r.bytes(asn1Meta(r, what), `${what}:content`);
}
