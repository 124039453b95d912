/**
 * Number formatting exactly as Zeek's log writers print numbers.
 *
 * - ASCII `time`/`interval`: fixed point, 6 decimals, correctly rounded from the
 *   exact binary value with ties to even (C++ `to_chars`/glibc printf). JS
 *   `toFixed` is also exact but breaks ties away from zero; ties are only
 *   possible for values that are odd multiples of 1/128, handled apart.
 * - JSON numbers: RapidJSON's `Writer::Double` (shortest digits, `.0` on
 *   integral values, exponent without `+`, thresholds identical to JS).
 */

/** Formats `x` with exactly six decimals, as Zeek's ASCII writer does. */
export function formatFixed6(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const fixed = x.toFixed(6);
  // A tie at the 7th decimal needs x = m/128 with m odd (see header): only then can
  // round-half-even differ from toFixed's round-half-away.
  const scaled = x * 128;
  if (!Number.isInteger(scaled) || scaled % 2 === 0 || Math.abs(x) >= 1e15) return fixed;
  const seven = x.toFixed(7); // exact: m/128 has exactly seven decimals
  const truncated = seven.slice(0, -1);
  const lastDigit = truncated.charCodeAt(truncated.length - 1) - 48;
  return lastDigit % 2 === 0 ? truncated : fixed;
}

/** Formats `x` as RapidJSON's Writer::Double does; NaN and infinities become null. */
export function formatJsonNumber(x: number): string {
  if (!Number.isFinite(x)) return "null";
  const s = String(x);
  if (s.includes("e")) return s.replace("e+", "e");
  return Number.isInteger(x) ? `${s}.0` : s;
}
