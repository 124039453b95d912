/**
 * MIME sniffing as Zeek's files framework does it: the file-magic signatures
 * (data, src/files/magic-signatures.ts) are matched at the start of a file's
 * first bytes (its BOF buffer); the strongest match wins, and among equally
 * strong ones the MIME type that sorts first (Zeek keeps each strength's
 * types in an ordered set).
 */
import { latin1 } from "../packet/bytes.js";
import { MAGIC_SIGNATURES } from "./magic-signatures.js";

interface CompiledMagic {
  readonly mime: string;
  readonly strength: number;
  /** Anchored at `offset` (sticky), or searched anywhere when `offset` is -1. */
  readonly re: RegExp;
  readonly offset: number;
  /** The bytes the match can have at `offset` (null: any); only for offsets above 0. */
  readonly at: Uint8Array | null;
  /** For patterns made of `(.*)` and literals only: the literals, found in order with indexOf (linear time); `re` is unused. */
  readonly literals: readonly string[] | null;
  /** For searches anywhere: a literal every match begins with ("" when none is known); absent from the text, no match. */
  readonly lead: string;
}

/**
 * Zeek matches with a DFA, in time linear in the buffer; JavaScript's
 * regular expressions backtrack, and the few signatures with three or more
 * `(.*)` groups take seconds on a 4 KiB buffer that does not match. Those
 * made only of `(.*)` and literals (text/x-diff: "--- " … "\n" … "+++ " …
 * "\n" … "@@", which Zeek reports on smtp-bdat-pipeline-8bitmime) are
 * matched as a sequence of substring searches instead; the others
 * (image/x-pcx, application/x-ima, which Zeek never reports on the corpus)
 * are left out.
 */
const RISKY_DOT_STARS = 3;

/**
 * Every file is sniffed, and trying all ~370 expressions on each cost more
 * than parsing the HTTP message that carried it. So each signature is
 * compiled to the cheapest equivalent test:
 *  - most can only match a buffer whose first byte is one of a few values:
 *    they are sorted by first byte once, and a file is tried only against
 *    the list of its first byte (`firstBytes`);
 *  - `(.*)R` (R anywhere) is searched for as R alone, which V8 scans for
 *    with its literal search, instead of backtracking from the buffer's end
 *    once per position;
 *  - `(.{n})R` (or n dots, `....ftyp`) is R tried at offset n (a sticky
 *    expression), after a look at the byte there.
 * The answer is the same set of matches (test/files/magic.test.ts compares).
 */
interface Table {
  /** Anchored at 0, in the data's order, each with the first bytes it can match (null: any). */
  anchored: AnchoredMagic[];
  /** `anchored` narrowed to one first byte, made at the first file that begins with it. */
  byFirstByte: (CompiledMagic[] | undefined)[];
  /** Searched anywhere or anchored further in: tried on every file. */
  others: CompiledMagic[];
}

interface AnchoredMagic {
  readonly sig: CompiledMagic;
  readonly first: Uint8Array | null;
}

let table: Table | null = null;

/**
 * Compiled once, on the first file (engines that see no files never pay for
 * it). The per-byte lists are filled lazily: filling all 256 up front was a
 * 370×256 loop that V8 compiled twice on the stack (OSR) for its one run.
 */
function signatures(): Table {
  if (table === null) {
    const anchored: AnchoredMagic[] = [];
    const others: CompiledMagic[] = [];
    for (const [, mime, strength, source] of MAGIC_SIGNATURES) {
      if (source.split("(.*)").length - 1 >= RISKY_DOT_STARS) {
        const literals = literalSequence(source);
        if (literals !== null) others.push({ mime, strength, re: /(?:)/, offset: -1, at: null, literals, lead: "" });
        continue;
      }
      const sig = compile(mime, strength, source);
      if (sig.offset !== 0) others.push(sig);
      else anchored.push({ sig, first: firstBytes(source) });
    }
    table = { anchored, byFirstByte: new Array<CompiledMagic[] | undefined>(256).fill(undefined), others };
  }
  return table;
}

/** The anchored signatures a file beginning with `b` can match, in the data's order. */
function anchoredFor(t: Table, b: number): CompiledMagic[] {
  let list = t.byFirstByte[b];
  if (list === undefined) {
    list = [];
    for (const a of t.anchored) if (a.first === null || a.first[b] === 1) list.push(a.sig);
    t.byFirstByte[b] = list;
  }
  return list;
}

/** The cheapest test equivalent to matching `source` at the start of the buffer (see Table). */
function compile(mime: string, strength: number, source: string): CompiledMagic {
  const body = source.startsWith("^") ? source.slice(1) : source;
  const lead = /^(?:\(\.\*\)|\.\*|\(\.\{(\d+)\}\)|\.\{(\d+)\}|(\.+)(?![.*+?{]))/.exec(body);
  if (lead !== null) {
    const rest = body.slice(lead[0].length);
    // Only a plain sequence after the lead: a top-level `|` would belong to the whole pattern.
    const r = { s: rest, i: 0 };
    if (rest !== "" && skipToAlternativeEnd(r) && r.i === rest.length) {
      const count = lead[1] ?? lead[2] ?? lead[3]?.length;
      if (count === undefined) return { mime, strength, re: new RegExp(rest, "s"), offset: -1, at: null, literals: null, lead: leadingLiteral(rest) };
      const offset = Number(count);
      return { mime, strength, re: new RegExp(rest, "sy"), offset, at: firstBytes(rest), literals: null, lead: "" };
    }
  }
  return { mime, strength, re: new RegExp(`^(?:${source})`, "s"), offset: 0, at: null, literals: null, lead: "" };
}

/**
 * The literal a match of `source` must begin with: its leading plain
 * characters and byte escapes, read inside at most one opening group that
 * holds nothing else (so no alternative can skip them), and not followed by
 * a quantifier; "" when the pattern does not begin so. V8's expression scan
 * for a pattern searched anywhere costs far more than indexOf for it.
 */
export function leadingLiteral(source: string): string {
  const r = { s: source, i: 0 };
  const inGroup = source[0] === "(" && source[1] !== "?";
  if (inGroup) r.i++;
  let lit = "";
  for (;;) {
    const c = source[r.i];
    if (c === undefined || "()[]{}|.*+?^$".includes(c)) break;
    if (c === "\\") {
      const code = escapeCode(r);
      if (code < 0) return "";
      lit += String.fromCharCode(code);
    } else {
      if (source.charCodeAt(r.i) > 0xff) return "";
      lit += c;
      r.i++;
    }
  }
  if (inGroup) {
    if (source[r.i] !== ")") return "";
    r.i++;
  }
  const next = source[r.i];
  if (next === "?" || next === "*" || next === "+" || next === "{") return "";
  return lit;
}

/** `(.*)(lit)(.*)(lit)…` → the literals (escapes `\xNN` decoded), or null for any other pattern. */
function literalSequence(source: string): string[] | null {
  const m = source.match(/^(?:\(\.\*\)\((?:\\x[0-9a-fA-F]{2}|[^\\()[\]{}.*+?|^$])+\))+$/);
  if (m === null) return null;
  const out: string[] = [];
  for (const g of source.matchAll(/\(\.\*\)\(((?:\\x[0-9a-fA-F]{2}|[^\\()[\]{}.*+?|^$])+)\)/g)) {
    out.push(g[1]!.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  }
  return out;
}

function matchesLiterals(text: string, literals: readonly string[]): boolean {
  let at = 0;
  for (const lit of literals) {
    const i = text.indexOf(lit, at);
    if (i < 0) return false;
    at = i + lit.length;
  }
  return true;
}

// ---------------------------------------------------------------- first bytes of a pattern

/**
 * The bytes a match of `source` (anchored at its start) can begin with, or
 * null for "any byte" (also whenever the pattern's start is beyond this small
 * reader: the signature is then simply tried on every file). Only ever too
 * wide, never too narrow: elements that can match nothing (`(…)?`, `x*`,
 * `^`) add what follows them; a wildcard, a negated or escaped class it does
 * not know, a pattern that can match nothing at all, answer null.
 */
export function firstBytes(source: string): Uint8Array | null {
  const r = { s: source, i: 0 };
  if (r.s[r.i] === "^") r.i++;
  const f = firstOfAlternation(r);
  return f === null || f.empty ? null : f.set;
}

interface Reader {
  readonly s: string;
  i: number;
}

/** What a piece of a pattern can begin with, and whether it can match nothing (then what follows it can begin the match too). */
interface First {
  readonly set: Uint8Array;
  empty: boolean;
}

/** First bytes of `a|b|…` up to the closing `)` or the end (left after it), or null. */
function firstOfAlternation(r: Reader): First | null {
  let out: First | null = null;
  for (;;) {
    const alt = firstOfSequence(r);
    if (alt === null) return null;
    if (out === null) out = alt;
    else {
      orInto(out.set, alt.set);
      out.empty ||= alt.empty;
    }
    // Skip the rest of this alternative to the next top-level `|` or the closing `)`.
    if (!skipToAlternativeEnd(r)) return null;
    if (r.s[r.i] === "|") {
      r.i++;
      continue;
    }
    return out;
  }
}

/** Adds `from`'s bytes to `into` (a loop of its own: most patterns need no merge, and a 256-step loop made the caller hot). */
function orInto(into: Uint8Array, from: Uint8Array): void {
  for (let b = 0; b < 256; b++) into[b]! |= from[b]!;
}

/** First bytes of a sequence: its elements' up to the first one that cannot match nothing (left there). */
function firstOfSequence(r: Reader): First | null {
  let set: Uint8Array | null = null;
  for (;;) {
    const c = r.s[r.i];
    if (c === undefined || c === "|" || c === ")") return { set: set ?? new Uint8Array(256), empty: true };
    const e = firstOfElement(r);
    if (e === null) return null;
    if (set === null) set = e.set;
    else orInto(set, e.set);
    if (!e.empty) return { set, empty: false };
  }
}

/** One element (a group, class, escape or character) with its quantifier, or null. */
function firstOfElement(r: Reader): First | null {
  const s = r.s;
  const c = s[r.i];
  let f: First | null;
  if (c === "(") {
    r.i++;
    if (s[r.i] === "?") return null; // (?: … ), look-arounds: not needed by the data
    f = firstOfAlternation(r);
    if (f === null || s[r.i] !== ")") return null;
    r.i++;
  } else if (c === "^") {
    // Inside a group at the start (`(^[0-9]{5})`): it matches nothing there.
    r.i++;
    return { set: new Uint8Array(256), empty: true };
  } else if (c === "[") {
    f = nonEmpty(readClass(r));
  } else if (c === "\\") {
    f = nonEmpty(readEscape(r));
  } else if (c === "." || c === "$" || c === "*" || c === "+" || c === "?" || c === "{") {
    return null;
  } else {
    const code = s.charCodeAt(r.i++);
    if (code > 0xff) return null;
    const set = new Uint8Array(256);
    set[code] = 1;
    f = { set, empty: false };
  }
  if (f === null) return null;
  const zero = readQuantifier(r);
  if (zero === null) return null;
  if (zero) f.empty = true;
  return f;
}

function nonEmpty(set: Uint8Array | null): First | null {
  return set === null ? null : { set, empty: false };
}

/** Reads a quantifier if one follows: whether it allows zero repetitions, or null when it cannot be read. */
function readQuantifier(r: Reader): boolean | null {
  const c = r.s[r.i];
  let zero: boolean;
  if (c === "?" || c === "*") {
    zero = true;
    r.i++;
  } else if (c === "+") {
    zero = false;
    r.i++;
  } else if (c === "{") {
    const m = /^\{(\d+)(?:,\d*)?\}/.exec(r.s.slice(r.i));
    if (m === null) return null;
    zero = Number(m[1]) === 0;
    r.i += m[0].length;
  } else return false;
  if (r.s[r.i] === "?") r.i++; // lazy
  return zero;
}

/** One escape (`\xHH`, `\t`, an escaped literal) as a set, or null. */
function readEscape(r: Reader): Uint8Array | null {
  const code = escapeCode(r);
  if (code < 0) return null;
  const set = new Uint8Array(256);
  set[code] = 1;
  return set;
}

/** The byte an escape stands for (reading it), or -1 for a class escape (`\d`, `\s`, …) or anything else. */
function escapeCode(r: Reader): number {
  const s = r.s;
  const e = s[r.i + 1];
  if (e === undefined) return -1;
  if (e === "x") {
    const hex = s.slice(r.i + 2, r.i + 4);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return -1;
    r.i += 4;
    return parseInt(hex, 16);
  }
  const controls: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, "0": 0 };
  if (e === "0" && /[0-9]/.test(s[r.i + 2] ?? "")) return -1; // an octal escape
  r.i += 2;
  if (e in controls) return controls[e]!;
  if (/[A-Za-z0-9]/.test(e)) return -1; // \d \s \w \b \1 …: not a single byte
  return e.charCodeAt(0) <= 0xff ? e.charCodeAt(0) : -1;
}

/** A `[…]` class as a set (ranges, escapes, negation), or null. */
function readClass(r: Reader): Uint8Array | null {
  const s = r.s;
  r.i++;
  let negate = false;
  if (s[r.i] === "^") {
    negate = true;
    r.i++;
  }
  const set = new Uint8Array(256);
  let first = true;
  for (;;) {
    const c = s[r.i];
    if (c === undefined) return null;
    if (c === "]" && !first) {
      r.i++;
      break;
    }
    first = false;
    const lo = classAtom(r);
    if (lo < 0) return null;
    let hi = lo;
    if (s[r.i] === "-" && s[r.i + 1] !== "]" && s[r.i + 1] !== undefined) {
      r.i++;
      hi = classAtom(r);
      if (hi < lo) return null;
    }
    for (let b = lo; b <= hi; b++) set[b] = 1;
  }
  if (negate) for (let b = 0; b < 256; b++) set[b] = set[b] === 1 ? 0 : 1;
  return set;
}

function classAtom(r: Reader): number {
  if (r.s[r.i] === "\\") return escapeCode(r);
  const code = r.s.charCodeAt(r.i++);
  return code <= 0xff ? code : -1;
}

/** Moves past the rest of an alternative (balanced groups and classes); false on a malformed pattern. */
function skipToAlternativeEnd(r: Reader): boolean {
  const s = r.s;
  let depth = 0;
  while (r.i < s.length) {
    const c = s[r.i];
    if (c === "\\") r.i += 2;
    else if (c === "[") {
      r.i++;
      if (s[r.i] === "^") r.i++;
      if (s[r.i] === "]") r.i++;
      while (r.i < s.length && s[r.i] !== "]") r.i += s[r.i] === "\\" ? 2 : 1;
      r.i++;
    } else if (c === "(") {
      depth++;
      r.i++;
    } else if (c === ")") {
      if (depth === 0) return true;
      depth--;
      r.i++;
    } else if (c === "|" && depth === 0) return true;
    else r.i++;
  }
  return depth === 0;
}

// ---------------------------------------------------------------- matching

export interface MimeMatch {
  strength: number;
  mime: string;
}

/**
 * Every matching signature's type, strongest first (ties by type name), each
 * type once per strength; `extra`: the types of the user's file signatures
 * that matched (user-magic.ts), ranked with Zeek's own.
 */
export function sniffMimeTypes(data: Uint8Array, extra: readonly MimeMatch[] = []): MimeMatch[] {
  if (data.length === 0) return [];
  const text = latin1(data);
  const seen = new Set<string>();
  const out: MimeMatch[] = [];
  const t = signatures();
  const found = (sig: MimeMatch): void => {
    const key = `${sig.strength}\t${sig.mime}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ strength: sig.strength, mime: sig.mime });
  };
  for (const sig of anchoredFor(t, data[0]!)) if (sig.re.test(text)) found(sig);
  for (const sig of t.others) {
    if (sig.literals !== null) {
      if (matchesLiterals(text, sig.literals)) found(sig);
      continue;
    }
    if (sig.lead !== "" && text.indexOf(sig.lead) < 0) continue;
    if (sig.offset > 0) {
      // `.{n}` needs n bytes; a known byte at n needs that byte too.
      if (data.length < sig.offset) continue;
      if (sig.at !== null && (data.length === sig.offset || sig.at[data[sig.offset]!] !== 1)) continue;
      sig.re.lastIndex = sig.offset;
    }
    if (sig.re.test(text)) found(sig);
  }
  for (const m of extra) found(m);
  out.sort((a, b) => b.strength - a.strength || (a.mime < b.mime ? -1 : a.mime > b.mime ? 1 : 0));
  return out;
}

/** The strongest match's type, or undefined. */
export function sniffMimeType(data: Uint8Array): string | undefined {
  return sniffMimeTypes(data)[0]?.mime;
}
