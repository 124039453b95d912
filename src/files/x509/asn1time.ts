/**
 * ASN.1 times as Zeek's X509Common::GetTimeFromAsn1 reads them: UTCTime
 * (11 to 17 characters, must end in "Z"; years below 50 are 20xx) and
 * GeneralizedTime (12 to 23 characters); seconds may be missing, fractions
 * are skipped. A malformed time is a weird and 0, not a failure. Zeek's
 * arithmetic on a "+hhmm"/"-hhmm" offset is kept as it is (its digits
 * weighted 10, 60, 10, 1 and the result added), so that times agree with
 * Zeek's on the rare certificates that carry one.
 */

export const UTC_TIME = 0x17;
export const GENERALIZED_TIME = 0x18;

/** Seconds since the epoch, or 0 after calling `weird` with Zeek's name for what is wrong. */
export function asn1Time(tag: number, v: Uint8Array, weird: (name: string) => void): number {
  const digits: number[] = [];
  let p = 0;
  let remaining = v.length;
  const ch = (i: number): number => v[i] ?? 0;
  if (tag === UTC_TIME) {
    if (remaining < 11 || remaining > 17) {
      weird("x509_utc_length");
      return 0;
    }
    if (v[remaining - 1] !== 0x5a) {
      weird("x509_utc_format");
      return 0;
    }
    const century = ch(0) < 0x35 ? [2, 0] : [1, 9];
    digits.push(...century);
    for (let i = 0; i < 10; i++) digits.push(ch(i) - 0x30);
    p = 10;
    remaining -= 10;
  } else if (tag === GENERALIZED_TIME) {
    if (remaining < 12 || remaining > 23) {
      weird("x509_gen_time_length");
      return 0;
    }
    for (let i = 0; i < 12; i++) digits.push(ch(i) - 0x30);
    p = 12;
    remaining -= 12;
  } else {
    weird("x509_invalid_time_type");
    return 0;
  }
  const c = ch(p);
  if (remaining === 0 || c === 0x5a || c === 0x2d || c === 0x2b) digits.push(0, 0);
  else if (remaining >= 2) {
    digits.push(ch(p) - 0x30, ch(p + 1) - 0x30);
    p += 2;
    remaining -= 2;
    if (remaining > 0 && ch(p) === 0x2e) {
      p++;
      remaining--;
      while (remaining > 0 && ch(p) >= 0x30 && ch(p) <= 0x39) {
        p++;
        remaining--;
      }
    }
  } else {
    weird("x509_time_add_char");
    return 0;
  }
  let offset = 0;
  if (!(remaining === 0 || ch(p) === 0x5a)) {
    if (remaining < 5) {
      weird("x509_time_offset_underflow");
      return 0;
    }
    if (ch(p) !== 0x2b && ch(p) !== 0x2d) {
      weird("x509_time_offset_type");
      return 0;
    }
    offset = (ch(p + 1) - 0x30) * 10 + (ch(p + 2) - 0x30) * 60 + (ch(p + 3) - 0x30) * 10 + (ch(p + 4) - 0x30);
    if (ch(p) === 0x2d) offset = -offset;
  }
  const d = (i: number): number => digits[i]! * 10 + digits[i + 1]!;
  const year = digits[0]! * 1000 + digits[1]! * 100 + d(2);
  // timegm normalises out-of-range fields as Date.UTC does.
  const t = Date.UTC(year, d(4) - 1, d(6), d(8), d(10), d(12)) / 1000;
  if (!Number.isFinite(t) || t === 0) return 0;
  return t + offset;
}
