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

/** A comparison of Zeek's signature language. */
export type Comparison = "==" | "!=" | "<" | "<=" | ">" | ">=";

export interface PayloadSize {
  op: Exclude<Comparison, "!=">;
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

/**
 * A signature in a compiled set (its pattern is in the set's automaton,
 * automaton.ts), with what matching reads of it as fields every compiled
 * signature has, whatever the data declared: the signatures are object
 * literals of many shapes, and reading them directly made the matcher's
 * property loads polymorphic (its optimised code was thrown away when a new
 * shape came along). Ids are numbered within the set, so that whether a
 * signature fired is one bit, not a lookup by name.
 */
export class CompiledSignature {
  /** The id's number in the set (an id only a requirement names gets one too). */
  readonly idNo: number;
  /** The analyzer it starts, or null (it only serves as another's requirement). */
  readonly enable: string | null;
  /** The id numbers of `requires` and `requiresReverse`, -1 for none. */
  readonly requires: number;
  readonly requiresReverse: number;
  /** Where it may match: bit 0 the originator's data, bit 1 the responder's (tcp-state). */
  readonly sides: number;
  readonly payloadSize: readonly PayloadSize[] | null;

  constructor(
    readonly sig: Signature,
    /** Index in the signature set (the automaton's pattern number; positions in per-side matched sets). */
    readonly index: number,
    /** The set's id numbers so far (grown as new ids come). */
    ids: Map<string, number>,
  ) {
    this.idNo = idNumber(ids, sig.id);
    this.enable = sig.enable ?? null;
    this.requires = sig.requires === undefined ? -1 : idNumber(ids, sig.requires);
    this.requiresReverse = sig.requiresReverse === undefined ? -1 : idNumber(ids, sig.requiresReverse);
    this.sides = sig.tcpState === "originator" ? 1 : sig.tcpState === "responder" ? 2 : 3;
    this.payloadSize = sig.payloadSize ?? null;
  }

  /** The conditions that do not depend on other signatures. */
  conditionsHold(isOrig: boolean, size: number): boolean {
    if ((this.sides & (isOrig ? 1 : 2)) === 0) return false;
    const conditions = this.payloadSize;
    if (conditions !== null) {
      for (const c of conditions) if (!compare(size, c.value, c.op)) return false;
    }
    return true;
  }
}

/** A signature list as one compiled set (ids numbered in order of first mention). */
export function compileSignatures(list: readonly Signature[]): CompiledSignature[] {
  const ids = new Map<string, number>();
  return list.map((s, i) => new CompiledSignature(s, i, ids));
}

function idNumber(ids: Map<string, number>, id: string): number {
  let n = ids.get(id);
  if (n === undefined) ids.set(id, (n = ids.size));
  return n;
}

/** `a <c> b`: DPD's payload-size conditions and the user signatures' (src/signatures) alike. */
export function compare(a: number, b: number, c: Comparison): boolean {
  switch (c) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}
