/**
 * String escaping of Zeek's log writers (Zeek's ASCII writer, Zeek's JSON writer).
 *
 * Log strings are JS strings, i.e. Unicode text. Printable ASCII is kept;
 * control characters and DEL become `\xNN`; characters above U+007F are
 * written as UTF-8 (Zeek keeps valid UTF-8 when `LogAscii::enable_utf_8` is
 * on, its default), except lone surrogates, which have no UTF-8 form and are
 * written as `\xNN` of their low byte. The ASCII writer keeps UTF-8 only for
 * a run (between backslashes and separators) that is clean as a whole.
 */

const HEX = "0123456789abcdef";

/*
 * Loops over every character of a log value read it as
 * `String.prototype.charCodeAt.call(str, i)` with `str` = `${s}`. Log values
 * are strings of all of V8's kinds (flat, sliced, concatenated, internalized,
 * made by Buffer decoding), more string maps than an inline cache keeps, so
 * `s.charCodeAt(i)` was a megamorphic property lookup and a generic call per
 * character, and `s.length` a lookup per value: 2 % of the realistic mix's
 * instructions under callgrind. Named in full, the function called is a
 * constant the optimiser reads the character for inline (a module-level
 * alias is not: the bundle makes it a `var`, and every character was a call
 * again); `${s}` is `s` typed as a string, so its length is read inline
 * too. In a loop over one-byte strings, 180 ns a value became 50.
 */

/** `\xNN` for a byte (lower-case hex, as Zeek's writers escape). */
export function hexEscape(code: number): string {
  return `\\x${HEX[(code >> 4) & 0xf]}${HEX[code & 0xf]}`;
}

function isLoneSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = s.charCodeAt(i - 1);
    return !(prev >= 0xd800 && prev <= 0xdbff);
  }
  return false;
}

/** True when every character can be written as is (the common case, checked first). */
function isPlainAscii(s: string, separator: number, extra: number): boolean {
  const str = `${s}`; // the typed string, for the loop (above)
  for (let i = 0; i < str.length; i++) {
    const c = String.prototype.charCodeAt.call(str, i);
    if (c < 0x20 || c >= 0x7f || c === 0x5c || c === separator || c === extra) return false;
  }
  return true;
}

/**
 * Escapes one string for the ASCII writer: `\` → `\\`, the separator and the
 * optional `extra` character (the set separator, inside set elements) → `\xNN`,
 * non-printable → `\xNN`.
 */
export function escapeAscii(s: string, separator = 0x09, extra = -1, utf8 = true): string {
  if (isPlainAscii(s, separator, extra)) return s;
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) {
      out += "\\\\";
      i++;
      continue;
    }
    if (c === separator || c === extra) {
      out += hexEscape(c);
      i++;
      continue;
    }
    let end = i;
    while (end < s.length) {
      const d = s.charCodeAt(end);
      if (d === 0x5c || d === separator || d === extra) break;
      end++;
    }
    out += escapedRun(s, i, end, utf8);
    i = end;
  }
  return out;
}

/**
 * escapeAscii for separators of any length (Zeek takes any string as
 * LogAscii::separator and set_separator): wherever one of `sequences`
 * starts (the first that matches, in order), all of its UTF-8 bytes are
 * written as `\xNN`, as Zeek's ODesc escapes a registered escape sequence;
 * a single character of a longer separator stays as it is.
 */
export function escapeAsciiSequences(s: string, sequences: readonly string[], utf8 = true): string {
  let out = "";
  let runStart = 0;
  let i = 0;
  while (i < s.length) {
    const found = s.charCodeAt(i) === 0x5c ? "\\" : sequences.find((q) => s.startsWith(q, i));
    if (found === undefined) {
      i++;
      continue;
    }
    out += escapedRun(s, runStart, i, utf8);
    out += found === "\\" ? "\\\\" : hexEscapeUtf8(found);
    i += found.length;
    runStart = i;
  }
  return out + escapedRun(s, runStart, s.length, utf8);
}

/**
 * A run up to the next backslash or separator is one piece for Zeek's
 * writer (ODesc::AddBytes, util::escape_utf8): kept as UTF-8 when all of it
 * is, but one control character or invalid byte in it has every non-ASCII
 * character of the run written as its escaped UTF-8 bytes too. Without
 * `utf8` (Zeek's LogAscii::enable_utf_8=F) every byte outside printable
 * ASCII is escaped.
 */
function escapedRun(s: string, from: number, to: number, utf8: boolean): string {
  if (!utf8) return escapeRun(s, from, to);
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i);
    if (d < 0x20 || d === 0x7f || (d >= 0xd800 && d <= 0xdfff && isLoneSurrogate(s, i))) return escapeRun(s, from, to);
  }
  return s.slice(from, to);
}

/** Every UTF-8 byte of `s` as `\xNN`. */
export function hexEscapeUtf8(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) out += hexEscape(b);
  return out;
}

/** `s[from .. to)` with every character outside printable ASCII as `\xNN` per UTF-8 byte (a lone surrogate: its low byte). */
function escapeRun(s: string, from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) out += s[i];
    else if (c < 0x80 || (c >= 0xd800 && c <= 0xdfff && isLoneSurrogate(s, i))) out += hexEscape(c & 0xff);
    else {
      const char = String.fromCodePoint(s.codePointAt(i)!);
      out += hexEscapeUtf8(char);
      i += char.length - 1;
    }
  }
  return out;
}

/** How the JSON writer escapes strings (Zeek's LogAscii::json_string_escape_policy, a JSON::StringEscapePolicy). */
export type JsonStringPolicy = "JSON::STRING_ESCAPE_POLICY_HEX" | "JSON::STRING_ESCAPE_POLICY_PUA" | "JSON::STRING_ESCAPE_POLICY_TSV";

export const JSON_STRING_POLICIES: readonly JsonStringPolicy[] = [
  "JSON::STRING_ESCAPE_POLICY_HEX",
  "JSON::STRING_ESCAPE_POLICY_PUA",
  "JSON::STRING_ESCAPE_POLICY_TSV",
];

/** JSON's own short escapes, by character code. */
const JSON_SHORT: Readonly<Record<number, string>> = { 34: '\\"', 92: "\\\\", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t" };

/** True when `s` is printable ASCII without `"` and `\\`: every policy writes it as it is. */
function isPlainJson(s: string): boolean {
  const str = `${s}`; // typed as a string: see the note on loops above
  for (let i = 0; i < str.length; i++) {
    const c = String.prototype.charCodeAt.call(str, i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** A character no policy keeps as it is: a control character but JSON's five, DEL, or a byte that is no UTF-8 (a lone surrogate). */
function isBadForJson(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0x20) return JSON_SHORT[c] === undefined;
  return c === 0x7f || (c >= 0xd800 && c <= 0xdfff && isLoneSurrogate(s, i));
}

/** The bytes of the character at `i` (a lone surrogate: its low byte). */
function charUtf8(s: string, i: number): number[] {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdfff && isLoneSurrogate(s, i)) return [c & 0xff];
  return [...Buffer.from(String.fromCodePoint(s.codePointAt(i)!), "utf8")];
}

/**
 * Escapes a string value for the JSON writer (the text between the quotes),
 * as Zeek 9's JSON formatter does under `policy`:
 * - HEX (the default; util::escape_utf8 then RapidJSON): JSON's escapes for
 *   `"`, `\\`, \b, \f, \n, \r, \t; valid UTF-8 kept, unless the string holds
 *   one bad character (another control, DEL, an invalid byte): then every
 *   byte outside printable ASCII is written `\\xNN` (a backslash escaped for JSON);
 * - PUA (escape_string_for_json): the same JSON escapes, valid UTF-8 kept,
 *   each bad byte as the private-use character U+F00NN (`\\udb80\\udcNN`);
 * - TSV: the string as the ASCII writer escapes it (`\\xNN`, `\\\\`), then
 *   escaped for JSON.
 */
export function escapeJson(s: string, policy: JsonStringPolicy = "JSON::STRING_ESCAPE_POLICY_HEX"): string {
  if (isPlainJson(s)) return s;
  if (policy === "JSON::STRING_ESCAPE_POLICY_TSV") return jsonQuoted(escapeAscii(s, -1));
  let bad = false;
  if (policy === "JSON::STRING_ESCAPE_POLICY_HEX") for (let i = 0; i < s.length && !bad; i++) bad = isBadForJson(s, i);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = JSON_SHORT[c];
    if (short !== undefined) out += short;
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else if (policy === "JSON::STRING_ESCAPE_POLICY_PUA" && isBadForJson(s, i)) out += `\\udb80\\udc${hexEscape(c & 0xff).slice(2)}`;
    else if (!bad && !isBadForJson(s, i)) out += s[i];
    else for (const b of charUtf8(s, i)) out += `\\${hexEscape(b)}`;
    if (c >= 0xd800 && c <= 0xdbff && !isLoneSurrogate(s, i)) {
      // The pair's second half went with its first (kept, or escaped as the character's bytes).
      if (!bad || policy === "JSON::STRING_ESCAPE_POLICY_PUA") out += s[i + 1];
      i++;
    }
  }
  return out;
}

/** `s` (already free of control characters) with JSON's escapes for `"` and `\\`. */
function jsonQuoted(s: string): string {
  return s.replace(/["\\]/g, (c) => `\\${c}`);
}

/**
 * A protocol's byte string (one character per byte, as analyzers keep what
 * they read) as log text: valid UTF-8 sequences become their characters, any
 * other byte above 0x7f a lone surrogate (0xDC00 | byte) that the writers
 * print as `\xNN` — so the log shows the bytes as Zeek's does.
 */
export function bytesToLogText(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const b0 = s.charCodeAt(i);
    if (b0 < 0x80) {
      out += s[i];
      continue;
    }
    const n = utf8SequenceLength(s, i);
    if (n > 0) {
      out += Buffer.from(s.slice(i, i + n), "latin1").toString("utf8");
      i += n - 1;
    } else out += String.fromCharCode(0xdc00 | (b0 & 0xff));
  }
  return out;
}

/** The length of the valid UTF-8 sequence at `i` of a byte string (Unicode table 3-7), or 0. */
export function utf8SequenceLength(s: string, i: number): number {
  const b0 = s.charCodeAt(i);
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = i + k < s.length ? s.charCodeAt(i + k) : -1;
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
