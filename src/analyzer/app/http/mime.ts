/**
 * MIME header parsing as Zeek's MIME analyzer does it (RFC 822/2045 fields:
 * names, tokens, comments, quoted strings, Content-Type parameters), on byte
 * strings kept as latin1 text (one character per byte).
 */

export function isLws(ch: number): boolean {
  return ch === 9 || ch === 32;
}

/** Skips linear white space and (nested) comments from `i`; returns the index after them. */
export function skipLwsComments(s: string, i: number, end = s.length): number {
  while (i < end) {
    const ch = s.charCodeAt(i);
    if (isLws(ch)) i++;
    else if (ch === 0x28) i = skipComment(s, i, end);
    else return i;
  }
  return end;
}

function skipComment(s: string, i: number, end: number): number {
  let depth = 0;
  for (let k = i; k < end; k++) {
    const ch = s.charCodeAt(k);
    if (ch === 0x28) depth++;
    else if (ch === 0x29) {
      depth--;
      if (depth === 0) return k + 1;
    } else if (ch === 0x5c) k++;
  }
  return end;
}

function isFieldNameChar(ch: number): boolean {
  return ch >= 33 && ch <= 126 && ch !== 0x3a;
}

/** MIME token characters: 1 for a token's (no tspecial), 2 for a boundary's (anything printable but '"'), by byte. */
const TOKEN = new Uint8Array(256);
for (let ch = 33; ch <= 126; ch++) {
  if (!'()<>@,;:\\"/[]?='.includes(String.fromCharCode(ch))) TOKEN[ch]! |= 1;
  if (ch !== 0x22) TOKEN[ch]! |= 2;
}

function isTokenChar(ch: number, boundary: boolean): boolean {
  return ((TOKEN[ch] ?? 0) & (boundary ? 2 : 1)) !== 0;
}

/** A token found at [start, end), or null. */
export interface Span {
  start: number;
  end: number;
}

/** Zeek's MIME_get_token: the next token after white space and comments (boundaries: anything but '"'). */
export function getToken(s: string, i: number, end = s.length, boundary = false): Span | null {
  if (!boundary) i = skipLwsComments(s, i, end);
  while (i < end) {
    if (isTokenChar(s.charCodeAt(i), boundary)) {
      let j = i;
      while (j < end && isTokenChar(s.charCodeAt(j), boundary)) j++;
      return { start: i, end: j };
    }
    const j = skipLwsComments(s, i, end);
    i = j > i ? j : i + 1;
  }
  return null;
}

/** A parsed header: its name as sent, and its value (from after ':' and leading white space). */
export interface MimeHeader {
  name: string;
  value: string;
}

/** Zeek's MIME_Header: the field name, then ':' (after white space/comments), then the value; null when there is none. */
export function parseHeader(line: string): MimeHeader | null {
  let i = skipLwsComments(line, 0);
  let name: Span | null = null;
  while (i < line.length) {
    if (isFieldNameChar(line.charCodeAt(i))) {
      let j = i;
      while (j < line.length && isFieldNameChar(line.charCodeAt(j))) j++;
      name = { start: i, end: j };
      break;
    }
    const j = skipLwsComments(line, i);
    i = j > i ? j : i + 1;
  }
  if (name === null) return null;
  const colon = skipLwsComments(line, name.end);
  if (colon >= line.length || line.charCodeAt(colon) !== 0x3a) return null;
  let v = colon + 1;
  while (v < line.length && isSpace(line.charCodeAt(v))) v++;
  return { name: line.slice(name.start, name.end), value: line.slice(v) };
}

function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/** The first token of a header value and what follows it (Zeek's get_value_token / get_value_after_token). */
export function valueToken(value: string): { token: string; rest: string } | null {
  const t = getToken(value, 0);
  if (t === null) return null;
  return { token: value.slice(t.start, t.end), rest: value.slice(t.end) };
}

/**
 * Case-insensitive ASCII equality, a character at a time (no lower-cased
 * copies). The same answer as comparing toLowerCase()s for latin1 text
 * against an ASCII word: no latin1 letter lower-cases to an ASCII one.
 */
export function iequal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (asciiLower(a.charCodeAt(i)) !== asciiLower(b.charCodeAt(i))) return false;
  return true;
}

function asciiLower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** Content-Type: "type/subtype; params" → upper-cased type and subtype, the boundary (multipart), or null when malformed. */
export function parseContentType(value: string): { type: string; subtype: string; boundary?: string; badBoundary?: boolean } | null {
  const ty = getToken(value, 0);
  if (ty === null) return null;
  const slash = skipLwsComments(value, ty.end);
  if (slash >= value.length || value.charCodeAt(slash) !== 0x2f) return null;
  const sub = getToken(value, slash + 1);
  if (sub === null) return null;
  const type = value.slice(ty.start, ty.end).toUpperCase();
  const subtype = value.slice(sub.start, sub.end).toUpperCase();
  const out: { type: string; subtype: string; boundary?: string; badBoundary?: boolean } = { type, subtype };
  if (type !== "MULTIPART" && type !== "MESSAGE") return out;
  // Parameters: ; attr = value
  let i = sub.end;
  for (;;) {
    i = skipLwsComments(value, i);
    if (i >= value.length || value.charCodeAt(i) !== 0x3b) break;
    const attr = getToken(value, i + 1);
    if (attr === null) break;
    i = skipLwsComments(value, attr.end);
    if (i >= value.length || value.charCodeAt(i) !== 0x3d) continue;
    i++;
    const isBoundary = type === "MULTIPART" && iequal(value.slice(attr.start, attr.end), "boundary");
    const v = getValue(value, i, isBoundary);
    if (v === null) {
      if (isBoundary) out.badBoundary = true;
      break;
    }
    if (isBoundary) out.boundary = v.value;
    i = v.end;
  }
  return out;
}

/** Zeek's MIME_get_value: a quoted string (quoted pairs decoded) or a token. */
function getValue(s: string, i: number, boundary: boolean): { value: string; end: number } | null {
  if (!boundary) i = skipLwsComments(s, i);
  if (i < s.length && s.charCodeAt(i) === 0x22) {
    let out = "";
    for (let k = i + 1; k < s.length; k++) {
      const ch = s.charCodeAt(k);
      if (ch === 0x22) return { value: out, end: k + 1 };
      if (ch === 0x5c) {
        k++;
        if (k < s.length) out += s[k];
      } else out += s[k];
    }
    return null;
  }
  const t = getToken(s, i, s.length, boundary);
  if (t === null) return null;
  return { value: s.slice(t.start, t.end), end: t.end };
}
