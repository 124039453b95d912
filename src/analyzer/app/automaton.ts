/**
 * The DPD signatures' payload patterns as one automaton per signature set,
 * so that each byte a side sends is examined once for all of them (as Zeek's
 * rule matcher does with its combined DFA), instead of every pattern being
 * tested again on the whole text at every delivery.
 *
 * A pattern (a JavaScript regular expression source over bytes read as
 * latin1, anchored at the data's start, `.` matching every byte) becomes a
 * Thompson NFA; the NFAs of a set share one start per side (tcp-state rules
 * out the others), and the DFA's states (sets of NFA states) are built
 * lazily, as bytes lead to them, and shared by all connections. A DFA state
 * tells which patterns have matched a prefix (`accepts`), which can still
 * match (`live`), and whether nothing can (`dead`): a side in a dead state
 * needs no more matching.
 *
 * Zeek's pattern language is regular: backreferences, lookarounds and
 * anchors other than the leading `^` are refused when the set is compiled.
 * A user signature's trailing `$` is taken off by its parser, which marks
 * the pattern `atEnd`: such a pattern's match is not an accept but an
 * `endAccepts` of the state (it holds only where the data ends there).
 */

/** NFA state kinds. */
const BYTE = 0;
const SPLIT = 1;
const ACCEPT = 2;

/** A parsed pattern. */
type Node = { t: "set"; set: Uint8Array } | { t: "cat"; items: Node[] } | { t: "alt"; items: Node[] } | { t: "rep"; node: Node; min: number; max: number };

const EMPTY: readonly number[] = [];

/** Byte sets of single atoms by source, shared by all patterns (`.`, `[0-9]`, `\x05`…); a caseless one's key ends in "/i". */
const atomSets = new Map<string, Uint8Array>();
/** Every byte value once, in order, as latin1 text. */
const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, b) => b));
/** The byte of each set made for a plain character or `\xNN` atom (most of a pattern set's sets). */
const singleBytes = new Map<Uint8Array, number>();

/**
 * The bytes an atom's source matches: a plain character or a `\xNN` escape
 * is its one byte; for classes and other escapes the RegExp engine itself is
 * asked about each byte (so they mean exactly what they do there). A
 * caseless atom (a user signature's `/.../i`) also takes the other case of
 * each ASCII letter it matches (Zeek folds ASCII only).
 */
function atomSet(src: string, caseless = false): Uint8Array {
  const key = caseless ? `${src}/i` : src;
  let set = atomSets.get(key);
  if (set !== undefined) return set;
  set = new Uint8Array(256);
  const single = singleByte(src);
  if (caseless && single >= 0 && isAsciiLetter(single)) {
    set[single] = set[single ^ 0x20] = 1;
  } else if (single >= 0) {
    set[single] = 1;
    singleBytes.set(set, single);
  } else {
    // One native search over all 256 bytes (256 calls of test() made V8 compile this loop).
    for (const m of ALL_BYTES.matchAll(new RegExp(`(?:${src})`, "gs"))) if (m[0].length === 1) set[m.index] = 1;
    if (caseless) for (let b = 0; b < 256; b++) if (set[b] === 1 && isAsciiLetter(b)) set[b ^ 0x20] = 1;
  }
  atomSets.set(key, set);
  return set;
}

function isAsciiLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** The byte a plain character or `\xNN` atom stands for; -1 for anything else (classes, `.`, other escapes). */
function singleByte(src: string): number {
  if (src.length === 1) return src === "." || src.charCodeAt(0) > 255 ? -1 : src.charCodeAt(0);
  if (src.length === 4 && src.startsWith("\\x")) return Number.parseInt(src.slice(2), 16);
  return -1;
}

/** Recursive-descent parser of the regular subset; throws a SyntaxError naming what it refuses. */
class PatternParser {
  private i = 0;

  constructor(
    private readonly s: string,
    /** `/.../i`: letters match either case. */
    private readonly caseless = false,
  ) {
    if (s.startsWith("^")) this.i = 1;
  }

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.s.length) this.refuse("an unbalanced ')'");
    return node;
  }

  private refuse(what: string): never {
    throw new SyntaxError(`DPD pattern ${JSON.stringify(this.s)}: ${what} at ${this.i} (Zeek's patterns are regular)`);
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.s[this.i] === "|") {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { t: "alt", items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== "|" && this.s[this.i] !== ")") items.push(this.quantified(this.atom()));
    return items.length === 1 ? items[0]! : { t: "cat", items };
  }

  private atom(): Node {
    const s = this.s;
    const c = s[this.i]!;
    if (c === "(") {
      this.i++;
      if (s[this.i] === "?") {
        if (s[this.i + 1] !== ":") this.refuse("a lookaround or named group");
        this.i += 2;
      }
      const inner = this.alternation();
      if (s[this.i] !== ")") this.refuse("an unclosed group");
      this.i++;
      return inner;
    }
    let src: string;
    if (c === "[") src = this.classSource();
    else if (c === "\\") {
      const e = s[this.i + 1];
      if (e === undefined || /[1-9bBkpPuc]/.test(e)) this.refuse("a backreference, assertion or unsupported escape");
      if (e === "x" && !/^[0-9a-fA-F]{2}$/.test(s.slice(this.i + 2, this.i + 4))) this.refuse("a \\x escape without two hex digits");
      src = s.slice(this.i, e === "x" ? this.i + 4 : this.i + 2);
      this.i += src.length;
    } else if ("*+?{^$".includes(c)) this.refuse(`'${c}' where an atom belongs`);
    else {
      src = c === "." ? "." : c;
      this.i++;
    }
    return { t: "set", set: atomSet(src, this.caseless) };
  }

  private classSource(): string {
    const start = this.i;
    this.i++;
    if (this.s[this.i] === "^") this.i++;
    if (this.s[this.i] === "]") this.i++;
    while (this.i < this.s.length && this.s[this.i] !== "]") this.i += this.s[this.i] === "\\" ? 2 : 1;
    if (this.i >= this.s.length) this.refuse("an unclosed class");
    this.i++;
    return this.s.slice(start, this.i);
  }

  /** The atom with its quantifier, if one follows (a lazy `?` after it changes nothing for whether a match exists). */
  private quantified(node: Node): Node {
    const s = this.s;
    let min: number;
    let max: number;
    const c = s[this.i];
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      min = c === "+" ? 1 : 0;
      max = c === "?" ? 1 : Infinity;
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (m === null) this.refuse("a malformed {n,m}");
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      if (max < min || min > 4096 || (max !== Infinity && max > 4096)) this.refuse("a repetition count out of range");
    } else return node;
    if (s[this.i] === "?") this.i++;
    const after = s[this.i];
    if (after !== undefined && "*+?{".includes(after)) this.refuse("a quantifier on a quantifier");
    return { t: "rep", node, min, max };
  }
}

/** DFA states at which an automaton is replaced by a fresh one, for new connections and the ones that used it alike (pia.ts: a bound on memory whatever the traffic). */
export const MAX_STATES = 4096;
/** The transition table holds state numbers as int16. */
const MAX_STATE_ID = 0x7fff;

/** Splits each of the `count` classes in `classOf` into its bytes in and out of `set`; the new count. */
function refineBy(classOf: Int32Array, count: number, set: Uint8Array): number {
  // (old class, in the set) → new class, -1 until met.
  const split = new Int32Array(2 * count).fill(-1);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    const key = 2 * classOf[b]! + set[b]!;
    if (split[key]! < 0) split[key] = next++;
    classOf[b] = split[key]!;
  }
  return next;
}

/** State flags: some pattern matched on reaching it; no pattern can match any more from it. */
export const ACCEPTS = 1;
export const DEAD = 2;

/**
 * One signature set's patterns as a lazily built DFA. States are numbers.
 * Bytes that every pattern treats alike share a class, and the transitions
 * are one flat table of a row per state with one entry per class
 * (state * classes + class, -1 until computed), each a 16-bit state number:
 * scan()'s states stop at MAX_STATES, where pia.ts moves on to a fresh
 * automaton. The default TCP set's 86 classes make a row 172 bytes, so
 * the states a run visits stay in the processor's caches: with a row of
 * 256 four-byte entries (one load less per byte) its 631 states on the
 * realistic mix took 631 KiB, and scanning cost twice as long a byte.
 */
export class SignatureAutomaton {
  private readonly kind: number[] = [];
  private readonly set: (Uint8Array | null)[] = [];
  private readonly out: number[] = [];
  private readonly out2: number[] = [];
  /** The signature each NFA state belongs to. */
  private readonly owner: number[] = [];
  /** The class of each byte value. */
  readonly classOf = new Uint8Array(256);
  /** Byte classes (a transition is computed once per class). */
  readonly classes: number;
  /** Per class, a byte of it (NFA byte sets are asked about it). */
  private readonly representative: number[] = [];
  /** Transitions: [state * classes + class] → state, -1 until computed. */
  table: Int16Array;
  /** ACCEPTS and DEAD per state. */
  flags: Uint8Array;
  /** Per state: its NFA states (BYTE and ACCEPT, sorted), the signatures it matched, those that can still match. */
  private readonly nfaOf: Int32Array[] = [];
  private readonly acceptsOf: (readonly number[])[] = [];
  /** Per state: the `atEnd` patterns that match if the data ends here. */
  private readonly endAcceptsOf: (readonly number[])[] = [];
  private readonly liveOf: (readonly number[])[] = [];
  private readonly byKey = new Map<string, number>();
  /** Side starts: [orig, resp]. */
  readonly starts: [number, number];
  /** Closure marks (a generation per walk, so no clearing). */
  private readonly marks: Int32Array;
  private generation = 0;
  /** Transitions computed, and bytes run through (tests count them). */
  built = 0;
  scanned = 0;

  /**
   * `patterns[i]` is signature i's payload; `sides[i]` where it may match
   * (bit 0: the originator's data, bit 1: the responder's); `caseless[i]`
   * makes pattern i match letters in either case (user signatures' `/.../i`);
   * `atEnd[i]` makes it match only at the end of the data (see endAccepts).
   */
  constructor(
    patterns: readonly string[],
    sides: readonly number[],
    caseless?: readonly boolean[],
    private readonly atEnd?: readonly boolean[],
  ) {
    const entries: number[] = [];
    patterns.forEach((p, sig) => {
      const ast = new PatternParser(p, caseless?.[sig] === true).parse();
      const accept = this.add(ACCEPT, null, -1, -1, sig);
      entries.push(this.build(ast, accept, sig));
    });
    this.marks = new Int32Array(this.kind.length);
    this.classes = this.splitClasses();
    this.table = new Int16Array(64 * this.classes).fill(-1);
    this.flags = new Uint8Array(64);
    const startOf = (bit: number) => this.intern(this.closure(entries.filter((_, sig) => (sides[sig]! & bit) !== 0)));
    this.starts = [startOf(1), startOf(2)];
  }

  /**
   * Partitions the byte values so that each NFA byte set is a union of
   * classes; the class count. Each distinct set of several bytes refines the
   * partition in turn (a class splits into its bytes in and out of the set).
   * A literal's set holds one byte that no other byte shares it with: that
   * byte is a class of its own, with no pass over the 256 bytes (literals are
   * two thirds of the default TCP signatures' 124 sets, and their passes made
   * V8 compile this once-per-automaton loop). Classes are numbered in the
   * order of their first byte, which is their representative.
   */
  private splitClasses(): number {
    const seen = new Set<Uint8Array>();
    // Working class numbers: literal bytes take numbers past 255 before the final numbering.
    const work = new Int32Array(256);
    const alone = new Uint8Array(256);
    let count = 1;
    for (const set of this.set) {
      if (set === null || seen.has(set)) continue;
      seen.add(set);
      const single = singleBytes.get(set);
      if (single !== undefined) alone[single] = 1;
      else count = refineBy(work, count, set);
    }
    for (let b = 0; b < 256; b++) if (alone[b] === 1) work[b] = count++;
    const numbered = new Int32Array(count).fill(-1);
    let classes = 0;
    for (let b = 0; b < 256; b++) {
      const c = work[b]!;
      if (numbered[c]! < 0) {
        numbered[c] = classes++;
        this.representative.push(b);
      }
      this.classOf[b] = numbered[c]!;
    }
    return classes;
  }

  private add(kind: number, set: Uint8Array | null, out: number, out2: number, sig: number): number {
    this.kind.push(kind);
    this.set.push(set);
    this.out.push(out);
    this.out2.push(out2);
    this.owner.push(sig);
    return this.kind.length - 1;
  }

  /** Thompson construction, backwards: the entry state of `node` followed by state `next`. */
  private build(node: Node, next: number, sig: number): number {
    switch (node.t) {
      case "set":
        return this.add(BYTE, node.set, next, -1, sig);
      case "cat": {
        let at = next;
        for (let k = node.items.length - 1; k >= 0; k--) at = this.build(node.items[k]!, at, sig);
        return at;
      }
      case "alt": {
        let at = this.build(node.items[node.items.length - 1]!, next, sig);
        for (let k = node.items.length - 2; k >= 0; k--) at = this.add(SPLIT, null, this.build(node.items[k]!, next, sig), at, sig);
        return at;
      }
      case "rep": {
        let at: number;
        if (node.max === Infinity) {
          // A loop: the split goes round once more or on to `next`.
          at = this.add(SPLIT, null, -1, next, sig);
          this.out[at] = this.build(node.node, at, sig);
        } else {
          // Up to max - min optional copies, each leading to the next or on to `next`.
          at = next;
          for (let k = node.min; k < node.max; k++) at = this.add(SPLIT, null, this.build(node.node, at, sig), next, sig);
        }
        for (let k = 0; k < node.min; k++) at = this.build(node.node, at, sig);
        return at;
      }
    }
  }

  /** The BYTE and ACCEPT states reachable from `from` without consuming a byte, sorted. */
  private closure(from: readonly number[]): Int32Array {
    const gen = ++this.generation;
    const marks = this.marks;
    const found: number[] = [];
    const stack = [...from];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (s < 0 || marks[s] === gen) continue;
      marks[s] = gen;
      if (this.kind[s] === SPLIT) stack.push(this.out[s]!, this.out2[s]!);
      else found.push(s);
    }
    return Int32Array.from(found).sort();
  }

  private intern(nfa: Int32Array): number {
    const key = nfa.join(",");
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const id = this.nfaOf.length;
    // scan() stops at MAX_STATES; only matches() (tests) could go on, and must not wrap.
    if (id > MAX_STATE_ID) throw new RangeError(`signature automaton: more than ${MAX_STATE_ID + 1} states`);
    const accepts: number[] = [];
    const endAccepts: number[] = [];
    const live: number[] = [];
    for (const s of nfa) {
      const sig = this.owner[s]!;
      // An atEnd pattern's accept is no match yet: the pattern stays live (a further byte decides against it).
      const atEnd = this.kind[s] === ACCEPT && this.atEnd?.[sig] === true;
      if (atEnd && !endAccepts.includes(sig)) endAccepts.push(sig);
      const list = this.kind[s] === ACCEPT && !atEnd ? accepts : live;
      if (!list.includes(sig)) list.push(sig);
    }
    accepts.sort((x, y) => x - y);
    this.nfaOf.push(nfa);
    this.acceptsOf.push(accepts.length === 0 ? EMPTY : accepts);
    this.endAcceptsOf.push(endAccepts.length === 0 ? EMPTY : endAccepts);
    this.liveOf.push(live.length === 0 ? EMPTY : live);
    if (id >= this.flags.length) this.grow();
    this.flags[id] = (accepts.length > 0 ? ACCEPTS : 0) | (live.length === 0 ? DEAD : 0);
    this.byKey.set(key, id);
    return id;
  }

  private grow(): void {
    const flags = new Uint8Array(this.flags.length * 2);
    flags.set(this.flags);
    this.flags = flags;
    const table = new Int16Array(this.table.length * 2).fill(-1);
    table.set(this.table);
    this.table = table;
  }

  /**
   * The state `state` goes to on a byte of class `cls` (computed once, then
   * read from the table). A pattern that matched at `state` has nothing
   * more to say (a match of a prefix stays a match): its NFA states are left
   * behind, so a trailing `.*` does not keep it alive.
   */
  step(state: number, cls: number): number {
    this.built++;
    const b = this.representative[cls]!;
    const matched = this.acceptsOf[state]!;
    const to: number[] = [];
    // Every class that each NFA state here treats as it treats `cls` leads to the same place: filled in at once.
    const same = this.same.fill(1);
    const nfa = this.nfaOf[state]!;
    for (let k = 0; k < nfa.length; k++) {
      const s = nfa[k]!;
      if (this.kind[s] !== BYTE || matched.includes(this.owner[s]!)) continue;
      const v = this.set[s]![b]!;
      if (v === 1) to.push(this.out[s]!);
      // The classes this state treats otherwise than `cls`: those outside its set if `cls` is in it, else those inside.
      const other = this.classesOf(s, v === 1 ? 0 : 1);
      for (let i = 0; i < other.length; i++) same[other[i]!] = 0;
    }
    const next = this.intern(this.closure(to));
    const row = state * this.classes;
    for (let c = 0; c < this.classes; c++) if (same[c] === 1) this.table[row + c] = next;
    return next;
  }

  /** step's scratch: the classes found to lead where the one asked about does. */
  private readonly same = new Uint8Array(256);

  /** Per byte set (shared by the NFA states that have it): its classes outside it [0] and inside it [1], listed when first asked. */
  private readonly setClasses = new Map<Uint8Array, [Uint8Array, Uint8Array]>();

  /** The classes NFA state `s`'s byte set holds (`inside` 1) or not (0). */
  private classesOf(s: number, inside: number): Uint8Array {
    const set = this.set[s]!;
    let lists = this.setClasses.get(set);
    if (lists === undefined) {
      const out: number[] = [];
      const into: number[] = [];
      for (let c = 0; c < this.classes; c++) (set[this.representative[c]!] === 1 ? into : out).push(c);
      this.setClasses.set(set, (lists = [Uint8Array.from(out), Uint8Array.from(into)]));
    }
    return lists[inside]!;
  }

  /** Where the last scan stopped: the index after the last byte it consumed. */
  stoppedAt = 0;

  /**
   * Runs `data` from index `from` through the automaton, starting in
   * `state` (not dead); stops after the first state where some pattern
   * matched or none can any more, at the end, or before a byte that would
   * need a new state once the automaton has MAX_STATES (`full`: the caller
   * goes on in a fresh one). The state reached; the position in `stoppedAt`.
   *
   * The inner loop follows transitions already in the table and holds
   * nothing else. With the call that builds a state inside it, V8 spilled
   * the loop's variables to the stack around it: scan and step took 379 M
   * instructions for mix300k's 5.4 MB under `dpd-on`, 294 M since. A state
   * that loops on a byte (a `.*` waiting for its literal) neither accepts (a
   * match leaves its pattern behind) nor is dead (scan starts live): no flag
   * test.
   */
  scan(state: number, data: Uint8Array, from: number): number {
    const classOf = this.classOf;
    // `| 0` tells TurboFan these are small integers: without it `st`, a phi
    // with step()'s result, was a double, converted twice per byte for the row.
    const classes = this.classes | 0;
    const n = data.length;
    let st = state | 0;
    let i = from | 0;
    for (;;) {
      const table = this.table; // replaced when it grows
      const flags = this.flags;
      let row = Math.imul(st, classes);
      let flagged = false;
      while (i < n) {
        const next = table[row + classOf[data[i]!]!]!;
        if (next < 0) break;
        i++;
        if (next !== st) {
          st = next;
          if (flags[st] !== 0) {
            flagged = true;
            break;
          }
          row = Math.imul(st, classes);
        }
      }
      if (flagged || i === n || this.full) break;
      st = this.step(st, classOf[data[i]!]!) | 0;
      i++;
      if (this.flags[st] !== 0) break;
    }
    this.stoppedAt = i;
    this.scanned += i - from;
    return st;
  }

  /**
   * This automaton's state for `other`'s state `state`: the one with the
   * same NFA states (interned now if new). Automata of one signature list
   * number their NFA states alike, so a matcher can move from one to another
   * between deliveries and go on where it was.
   */
  adopt(other: SignatureAutomaton, state: number): number {
    return this.intern(other.nfaOf[state]!);
  }

  /** The signatures whose pattern matched on reaching `state`. */
  accepts(state: number): readonly number[] {
    return this.acceptsOf[state]!;
  }

  /** The `atEnd` patterns that match when the data ends in `state`. */
  endAccepts(state: number): readonly number[] {
    return this.endAcceptsOf[state]!;
  }

  /** The signatures whose pattern can still match after `state`. */
  live(state: number): readonly number[] {
    return this.liveOf[state]!;
  }

  /** Whether pattern `sig` matches some prefix of `bytes` (for tests: the whole automaton, one pattern asked). */
  matches(sig: number, bytes: Uint8Array, side = 0): boolean {
    let st = this.starts[side]!;
    if (this.accepts(st).includes(sig)) return true;
    for (let i = 0; i < bytes.length; i++) {
      const cls = this.classOf[bytes[i]!]!;
      const next = this.table[st * this.classes + cls]!;
      st = next >= 0 ? next : this.step(st, cls);
      if (this.accepts(st).includes(sig)) return true;
      if (!this.live(st).includes(sig)) return false;
    }
    return false;
  }

  /** DFA states built so far. */
  get size(): number {
    return this.nfaOf.length;
  }

  /** scan() builds no more states: the matchers move on to a fresh automaton. */
  get full(): boolean {
    return this.nfaOf.length >= MAX_STATES;
  }
}
