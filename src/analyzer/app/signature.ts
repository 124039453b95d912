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

/** A signature in a compiled set (its pattern is in the set's automaton, automaton.ts). */
export class CompiledSignature {
  constructor(
    readonly sig: Signature,
    /** Index in the signature set (the automaton's pattern number; positions in per-side matched sets). */
    readonly index: number,
  ) {}

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
