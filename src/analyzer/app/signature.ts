/**
 * DPD signatures as data: what each protocol's dpd.sig in Zeek matches,
 * written in our own format. A signature matches one side of a connection
 * when its payload pattern matches the start of that side's stream (TCP) or
 * of a datagram (UDP), its conditions hold, and the signatures it requires
 * (on the same side, or on the other: `requiresReverse`) matched; it then
 * enables its analyzer (or, without `enable`, only serves as another's
 * requirement). Semantics follow Zeek's rule matcher:
 *
 * - patterns are anchored at the start of the data (Zeek's payload patterns
 *   are; a leading `^` is redundant), `.` matches any byte including newline,
 *   and a match of any prefix counts;
 * - TCP patterns see a side's stream so far (matching carries over chunks);
 *   UDP patterns see each datagram on its own;
 * - a signature fires at most once per connection;
 * - one whose pattern matched while a required signature had not yet waits,
 *   and fires when that one does.
 */

export type SignatureProto = "tcp" | "udp" | "any";

export interface PayloadSize {
  op: "<" | "<=" | "==" | ">=" | ">";
  value: number;
}

export interface Signature {
  /** Zeek's signature id, e.g. "dpd_ssh_client" (requirements name these). */
  readonly id: string;
  readonly proto: SignatureProto;
  /**
   * The payload pattern as a JavaScript regular expression source over the
   * bytes read as latin1 text (byte 0xNN is `\xNN`). Anchored at the start.
   */
  readonly payload: string;
  /** Zeek's `tcp-state originator|responder`: which side's data may match. */
  readonly tcpState?: "originator" | "responder";
  /** Zeek's `payload-size`: conditions on the datagram's (or chunk's) size. */
  readonly payloadSize?: readonly PayloadSize[];
  /** Zeek's `requires-signature`: must have matched on the same side. */
  readonly requires?: string;
  /** Zeek's `requires-reverse-signature`: must have matched on the other side. */
  readonly requiresReverse?: string;
  /** Zeek's `enable "name"`: the analyzer to start (case-insensitive Zeek name). */
  readonly enable?: string;
}

/** A signature ready to match: its regular expression compiled once. */
export class CompiledSignature {
  readonly pattern: RegExp;
  /** The bytes a match can start with (null: any); DPD gives up on a side no signature can start on. */
  readonly first: Uint8Array | null;

  constructor(
    readonly sig: Signature,
    /** Index in the signature set (bit positions in per-side matched sets). */
    readonly index: number,
  ) {
    this.pattern = compilePayload(sig.payload);
    this.first = firstBytes(sig.payload);
  }

  /** Whether this signature could still match on a side whose data starts with `firstByte` (-1: none seen yet). */
  couldMatch(isOrig: boolean, firstByte: number): boolean {
    const s = this.sig;
    if (s.tcpState === "originator" && !isOrig) return false;
    if (s.tcpState === "responder" && isOrig) return false;
    return firstByte < 0 || this.first === null || this.first[firstByte] === 1;
  }

  /** The conditions that do not depend on other signatures. */
  conditionsHold(isOrig: boolean, size: number): boolean {
    const s = this.sig;
    if (s.tcpState === "originator" && !isOrig) return false;
    if (s.tcpState === "responder" && isOrig) return false;
    if (s.payloadSize !== undefined) {
      for (const c of s.payloadSize) if (!compare(size, c)) return false;
    }
    return true;
  }
}

/** Compiled payload patterns by source: signatures with the same payload share one (test() keeps no state without the g/y flags). */
const compiledPayloads = new Map<string, RegExp>();

/**
 * A payload pattern as a regular expression anchored at the data's start.
 * The `s` flag: `.` matches newline too, as in Zeek's patterns over binary
 * payload. The many DPD patterns of line protocols that look at the start
 * of any line, `(|.*[\r\n])R`, are searched as `(?:^|[\r\n])R` instead: the
 * same matches (R at 0 or just after a CR or LF), but V8 looks for the CR
 * or LF with its fast scan instead of taking `.*` to the end of the text
 * and backtracking over every byte (half the time on the PIA's buffer of
 * binary data). Only when R has no alternative at its top level (the
 * anchor would then bind only to the first) and no backreference (the
 * group numbers move by one).
 */
export function compilePayload(payload: string): RegExp {
  let re = compiledPayloads.get(payload);
  if (re !== undefined) return re;
  re = new RegExp(payloadSource(payload), "s");
  compiledPayloads.set(payload, re);
  return re;
}

/**
 * The source of a payload's search pattern. Besides the line-start form
 * above, patterns are only ever tested (never asked where they matched), so
 * without backreferences (group numbers would move):
 * - a trailing `.*` is dropped (it matches whatever follows; V8 would run it
 *   to the end of the text);
 * - `.*R` (TLS's, SIP's, RDP's) is R searched anywhere: V8 scans for R's
 *   first bytes instead of taking `.*` to the end and backtracking over each
 *   byte, and the same holds for each branch of a top-level alternative
 *   (RDP's `(.{5}\xd0|.*McDn)`): `^(?:A)|(?:R)`.
 */
export function payloadSource(payload: string): string {
  if (/\\[1-9]/.test(payload)) return `^(?:${payload})`;
  let p = payload;
  while (p.length > 2 && p.endsWith(".*") && !escapedAt(p, p.length - 2) && depthAt(p, p.length - 2) === 0) p = p.slice(0, -2);
  const m = /^\(\|\.\*(\[\\[rn]\\[rn]\])\)/.exec(p);
  const rest = m === null ? "" : p.slice(m[0].length);
  if (m !== null && rest !== "" && !hasTopLevelAlternative(rest)) return `(?:^|${m[1]})(?:${rest})`;
  const branches = topLevelBranches(unwrapGroup(p));
  if (branches === null || !branches.some(leadingAny)) return `^(?:${p})`;
  return branches.map((b) => (leadingAny(b) ? `(?:${b.slice(2)})` : `^(?:${b})`)).join("|");
}

/** A branch that starts with a greedy `.*`. */
function leadingAny(branch: string): boolean {
  return branch.startsWith(".*") && branch[2] !== "?";
}

/** Whether the character at `i` is escaped (an odd run of backslashes before it). */
function escapedAt(src: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && src[k] === "\\") k--;
  return (i - 1 - k) % 2 === 1;
}

/** The group depth at position `i` (classes skipped); -1 when the source is not balanced there. */
function depthAt(src: string, end: number): number {
  let depth = 0;
  for (let i = 0; i < end; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (c === "[") {
      i = classEnd(src, i);
      if (i >= end) return -1;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return -1;
  }
  return depth;
}

/** The index of the `]` closing the class that opens at `i`. */
function classEnd(src: string, i: number): number {
  i++;
  if (src[i] === "^") i++;
  if (src[i] === "]") i++;
  while (i < src.length && src[i] !== "]") i += src[i] === "\\" ? 2 : 1;
  return i;
}

/** `(X)` as X when one plain capturing group spans the whole source (its number only mattered to backreferences). */
function unwrapGroup(src: string): string {
  if (!src.startsWith("(") || src.startsWith("(?") || !src.endsWith(")") || escapedAt(src, src.length - 1)) return src;
  const inner = src.slice(1, -1);
  return depthAt(inner, inner.length) === 0 ? inner : src;
}

/** The branches of the top-level alternative of `src` (one when there is none); null when it is not balanced. */
function topLevelBranches(src: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (c === "[") {
      i = classEnd(src, i);
      if (i >= src.length) return null;
    } else if (c === "(") depth++;
    else if (c === ")") {
      if (--depth < 0) return null;
    } else if (c === "|" && depth === 0) {
      out.push(src.slice(from, i));
      from = i + 1;
    }
  }
  if (depth !== 0) return null;
  out.push(src.slice(from));
  return out;
}

/** Whether a pattern source has a `|` outside every group and class (or is not balanced: then say yes, the safe answer). */
function hasTopLevelAlternative(src: string): boolean {
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (c === "[") {
      i++;
      if (src[i] === "^") i++;
      if (src[i] === "]") i++;
      while (i < src.length && src[i] !== "]") i += src[i] === "\\" ? 2 : 1;
    } else if (c === "(") depth++;
    else if (c === ")") {
      if (--depth < 0) return true;
    } else if (c === "|" && depth === 0) return true;
  }
  return depth !== 0;
}

function compare(size: number, c: PayloadSize): boolean {
  switch (c.op) {
    case "<":
      return size < c.value;
    case "<=":
      return size <= c.value;
    case "==":
      return size === c.value;
    case ">=":
      return size >= c.value;
    case ">":
      return size > c.value;
  }
}

/**
 * The bytes a pattern's match can start with (a 256-entry table), or null
 * when it may start with any byte or the pattern can match the empty string.
 * Conservative: it understands literals, escapes, classes, `.`, groups with
 * alternatives and quantifiers that allow zero; anything else is "any". DPD
 * uses it to stop early on a side whose first byte no signature can start
 * with.
 */
export function firstBytes(source: string): Uint8Array | null {
  const p = new FirstParser(source);
  const set = new Uint8Array(256);
  const nullable = p.sequence(set, false);
  if (p.failed || nullable || !p.done()) return null;
  return set;
}

class FirstParser {
  private i = 0;
  failed = false;

  constructor(private readonly s: string) {
    if (s.startsWith("^")) this.i = 1;
  }

  done(): boolean {
    return this.i >= this.s.length || this.s[this.i] === ")" || this.s[this.i] === "|";
  }

  /** Adds the first bytes of a sequence of atoms (up to `|` or `)`) to `out`; true when the sequence can be empty. */
  sequence(out: Uint8Array, inGroup: boolean): boolean {
    let nullable = true;
    while (!this.failed && this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === "|" || c === ")") {
        if (!inGroup) this.failed = c === ")";
        return nullable;
      }
      const atom = new Uint8Array(256);
      const atomNullable = this.atom(atom);
      const zero = this.quantifier();
      if (nullable) for (let b = 0; b < 256; b++) out[b]! |= atom[b]!;
      if (!(atomNullable || zero)) nullable = false;
      if (!nullable) {
        this.skipRest(inGroup);
        return false;
      }
    }
    return nullable;
  }

  /** Skips to the end of the current alternative's sequence (its first bytes are known). */
  private skipRest(inGroup: boolean): void {
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === "\\") {
        this.i += 2;
        continue;
      }
      if (c === "[") {
        this.classSource();
        continue;
      }
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) return;
        depth--;
      } else if (c === "|" && depth === 0 && inGroup) return;
      else if (c === "|" && depth === 0 && !inGroup) return;
      this.i++;
    }
  }

  /** One atom's first bytes; true when it can match empty (a group with an empty alternative). */
  private atom(out: Uint8Array): boolean {
    const c = this.s[this.i]!;
    if (c === "(") {
      this.i++;
      if (this.s.startsWith("?:", this.i)) this.i += 2;
      let nullable = false;
      for (;;) {
        if (this.sequence(out, true)) nullable = true;
        if (this.failed || this.i >= this.s.length) {
          this.failed = true;
          return false;
        }
        if (this.s[this.i] === ")") {
          this.i++;
          return nullable;
        }
        this.i++; // "|"
      }
    }
    let src: string;
    if (c === "[") src = this.classSource();
    else if (c === "\\") {
      src = this.s.slice(this.i, this.s[this.i + 1] === "x" ? this.i + 4 : this.i + 2);
      this.i += src.length;
    } else if ("*+?{".includes(c)) {
      this.failed = true;
      return false;
    } else {
      src = c === "." ? "[\\s\\S]" : c.replace(/[$^]/, "\\$&");
      this.i++;
    }
    const re = new RegExp(`^(?:${src})`, "s");
    for (let b = 0; b < 256; b++) if (re.test(String.fromCharCode(b))) out[b] = 1;
    return false;
  }

  private classSource(): string {
    const start = this.i;
    this.i++;
    if (this.s[this.i] === "^") this.i++;
    if (this.s[this.i] === "]") this.i++;
    while (this.i < this.s.length && this.s[this.i] !== "]") this.i += this.s[this.i] === "\\" ? 2 : 1;
    this.i++;
    return this.s.slice(start, this.i);
  }

  /** Consumes a quantifier; true when it allows zero repetitions. */
  private quantifier(): boolean {
    const c = this.s[this.i];
    if (c === "*" || c === "?") {
      this.i++;
      if (this.s[this.i] === "?") this.i++;
      return true;
    }
    if (c === "+") {
      this.i++;
      return false;
    }
    if (c === "{") {
      const m = /^\{(\d*)(,\d*)?\}/.exec(this.s.slice(this.i));
      if (m === null) return false;
      this.i += m[0].length;
      return m[1] === "" || Number(m[1]) === 0;
    }
    return false;
  }
}
