/**
 * Number formatting exactly as Zeek's log writers print numbers.
 *
 * - ASCII `time`/`interval`: fixed point, 6 decimals, correctly rounded from the
 *   exact binary value with ties to even (C++ `to_chars`/glibc printf). JS
 *   `toFixed` is also exact but breaks ties away from zero; ties are only
 *   possible for values that are odd multiples of 1/128, handled apart.
 * - JSON numbers: RapidJSON's `Writer::Double` (shortest digits, `.0` on
 *   integral values, exponent without `+`, thresholds identical to JS).
 * - Intervals in scripts' text (fmt("%s"), print): "1.0 min 2.5 secs".
 */

/** Formats `x` with exactly six decimals, as Zeek's ASCII writer does. */
export function formatFixed6(x: number): string {
  return formatFixed(x, 6);
}

/**
 * Formats a `double` column as Zeek's ASCII writer does (ODesc::Add without
 * exponent): six decimals, trailing zeros and a bare point dropped, then
 * ".0" on a whole number ("0.0", "3.5", "7.956826").
 */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  let s = formatFixed6(x === 0 ? 0 : x);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  s = s.slice(0, end);
  return Math.abs(x - Math.round(x)) <= 1e-9 ? `${s}.0` : s;
}

/**
 * Formats `x` with `decimals` decimals as C's printf("%.Nf") does (Zeek's
 * fmt): correctly rounded, ties to even. A tie at the next decimal needs
 * x = m/2^(decimals+1) with m odd (see header): only then can it differ from
 * toFixed's round-half-away.
 */
export function formatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  // toFixed turns to exponent notation from 1e21 on, printf never: every digit of the (whole) number.
  if (Math.abs(x) >= 1e21) return decimals > 0 ? `${BigInt(x)}.${"0".repeat(decimals)}` : `${BigInt(x)}`;
  const fixed = x.toFixed(decimals);
  const scaled = x * 2 ** (decimals + 1);
  if (!Number.isInteger(scaled) || scaled % 2 === 0 || Math.abs(x) >= 1e15) return fixed;
  const longer = x.toFixed(decimals + 1); // exact: m/2^(decimals+1) has exactly decimals+1 decimals
  const truncated = longer.slice(0, -1);
  const lastDigit = truncated.charCodeAt(truncated.length - 1) - 48;
  return lastDigit % 2 === 0 ? truncated : fixed;
}

/** Formats `x` as RapidJSON's Writer::Double does; NaN and infinities become null. */
export function formatJsonNumber(x: number): string {
  if (!Number.isFinite(x)) return "null";
  // String(-0) is "0"; RapidJSON keeps the sign.
  if (Object.is(x, -0)) return "-0.0";
  const s = String(x);
  if (s.includes("e")) return s.replace("e+", "e");
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** A C++ to_chars exponent: a sign and at least two digits ("e+09", "e-07"). */
function cppExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

/**
 * A number as Zeek 9's ODesc::Add(double) writes it in readable text
 * (util::double_to_str with precision 6): above INT_MAX in shortest
 * scientific form, below 1e-6 as %.6g would, else six decimals with the
 * trailing zeros (and a bare point) dropped; then ".0" on a whole number.
 */
function describeNumber(v: number): string {
  if (Number.isNaN(v)) return "nan";
  const d = Math.abs(v);
  let s: string;
  if (d > 2147483647) s = Number.isFinite(d) ? cppExponent(d.toExponential()) : "inf";
  else if (d < 1e-6) s = d === 0 ? "0" : cppExponent(d.toExponential(5).replace(/\.?0+e/, "e"));
  else s = formatFixed(d, 6).replace(/\.?0+$/, "");
  if (v < 0) s = `-${s}`;
  if (Math.abs(v - Math.round(v)) <= 1e-9 && Number.isFinite(v) && !s.includes("e")) s += ".0";
  return s;
}

/** An interval as Zeek's fmt("%s") writes it: "1.0 min 2.5 secs", units from days down to microseconds. */
export function describeInterval(v: number): string {
  if (v === 0) return "0 secs";
  const units: ReadonlyArray<readonly [number, string]> = [
    [86400, "day"],
    [3600, "hr"],
    [60, "min"],
    [1, "sec"],
    [1e-3, "msec"],
  ];
  const parts: string[] = [];
  const word = (n: number, unit: string): string => `${describeNumber(n)} ${unit}${Math.abs(Math.abs(n) - 1) < 1e-6 ? "" : "s"}`;
  for (const [size, unit] of units) {
    if (!(v >= size || v <= -size)) continue;
    const n = v < 0 ? Math.ceil(v / size) : Math.floor(v / size);
    v -= n * size;
    parts.push(word(n, unit));
  }
  const usecs = v / 1e-6;
  if (Math.abs(usecs) >= 1e-6) parts.push(word(usecs, "usec"));
  return parts.length === 0 ? "0 secs" : parts.join(" ");
}
