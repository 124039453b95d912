/**
 * MySQL's length-encoded integers and strings, read with the shared bounded
 * reader (../reader.ts): a MySQL packet is little-endian and bounded by its
 * header's length; running past it is BinPAC's out_of_bound error, which
 * the analyzer reports as its violation.
 */
import type { ByteReader } from "../reader.js";

/** A uint64 as Zeek's to_int takes it: the low 32 bits. */
function u64Low(r: ByteReader, what: string): number {
  const low = r.u32le(what);
  r.u32le(what);
  return low;
}

/** The rest of a length-encoded integer whose first byte was `first` (Zeek's to_int: an int, so 64-bit values keep their low 32 bits, signed). */
export function leiAfter(r: ByteReader, first: number, what: string): number {
  if (first < 0xfb) return first;
  switch (first) {
    case 0xfc:
      return r.u16le(what);
    case 0xfd:
      return r.u24le(what);
    case 0xfe:
      return u64Low(r, what) | 0;
    default:
      return 0; // 0xfb (NULL) and 0xff
  }
}

/** A length-encoded integer. */
export function lei(r: ByteReader, what: string): number {
  return leiAfter(r, r.u8(what), what);
}

/** A length-encoded string (its length byte already read as `first` when given). */
export function les(r: ByteReader, what: string, first?: number): Uint8Array {
  const len = first === undefined ? lei(r, what) : leiAfter(r, first, what);
  return r.bytes(len, what);
}
