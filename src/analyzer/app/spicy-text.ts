/**
 * Spicy's string decoding (its `decode` with the default REPLACE), shared by
 * the analyzers that follow a Spicy grammar (LDAP, Finger).
 */

/** Spicy's decode(ASCII): a byte outside 32-126 becomes "?". */
export function decodeAscii(v: Uint8Array): string {
  let s = "";
  for (const b of v) s += b >= 32 && b < 0x7f ? String.fromCharCode(b) : "?";
  return s;
}

const REPLACEMENT = "\xef\xbf\xbd";

/** The length of a valid UTF-8 sequence at `i` (RFC 3629: no overlongs, surrogates or values past U+10FFFF), 0 if invalid. */
function utf8Length(v: Uint8Array, i: number): number {
  const b = v[i]!;
  if (b < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < v.length && v[i + k]! >= lo && v[i + k]! <= hi;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Spicy's decode(UTF8) with its default REPLACE: the valid sequences as they are, each other byte U+FFFD (as UTF-8 bytes). */
export function decodeUtf8(v: Uint8Array): string {
  let s = "";
  let i = 0;
  while (i < v.length) {
    const n = utf8Length(v, i);
    if (n === 0) {
      s += REPLACEMENT;
      i++;
    } else {
      for (let k = 0; k < n; k++) s += String.fromCharCode(v[i + k]!);
      i += n;
    }
  }
  return s;
}
