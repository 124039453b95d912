/**
 * The string functions of Zeek's script language that the software
 * framework's version parsing is written with, with their edge cases:
 * splitting at a pattern's longest match at the leftmost position
 * (split_string_n, split_string_all), replacing the first match (sub),
 * stripping C whitespace (strip) and reading the first number (extract_count).
 * Strings are bytes, one character each, as bronze's event strings are.
 */

/** Sticky twins of the patterns split on, made once each. */
const sticky = new WeakMap<RegExp, RegExp>();

function stickyOf(pattern: RegExp): RegExp {
  let re = sticky.get(pattern);
  if (re === undefined) sticky.set(pattern, (re = new RegExp(pattern.source, "y")));
  return re;
}

/** Where `pattern` next matches `text` from `from` on, with something: [start, length], or null. */
function nextMatch(text: string, pattern: RegExp, from: number): [number, number] | null {
  const re = stickyOf(pattern);
  for (let at = from; at < text.length; at++) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m !== null && m[0].length > 0) return [at, m[0].length];
  }
  return null;
}

/**
 * Zeek's split_string_n (`keep`: the matches too, between the pieces; `max`
 * matches at most, 0 for all): the pieces of `text` between the matches of
 * `pattern`. The piece after the last match is always there, "" when the
 * text ends with a match (and the text itself when nothing matches).
 */
export function splitString(text: string, pattern: RegExp, keep: boolean, max = 0): string[] {
  const out: string[] = [];
  let start = 0;
  for (let matches = 0; max === 0 || matches < max; matches++) {
    const m = nextMatch(text, pattern, start);
    if (m === null) break;
    out.push(text.slice(start, m[0]));
    if (keep) out.push(text.substr(m[0], m[1]));
    start = m[0] + m[1];
  }
  out.push(text.slice(start));
  return out;
}

/** Zeek's split_string_all: the pieces and the matches between them. */
export function splitStringAll(text: string, pattern: RegExp): string[] {
  return splitString(text, pattern, true);
}

/** Zeek's sub: the first match of `pattern` replaced by `replacement` (taken literally). */
export function sub(text: string, pattern: RegExp, replacement: string): string {
  return text.replace(pattern, () => replacement);
}

/** C's isspace in the C locale. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Zeek's strip: whitespace off both ends. */
export function strip(text: string): string {
  let a = 0;
  let b = text.length;
  while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  return text.slice(a, b);
}

/** Zeek's extract_count (base/utils/numbers): the first run of digits as a number, 0 without one. */
export function extractCount(text: string): number {
  const m = /[0-9]+/.exec(text);
  return m === null ? 0 : Number(m[0]);
}
