/**
 * User signature matching on one connection, with the semantics of Zeek's
 * rule matcher (learnt from RuleMatcher.cc's behaviour and the
 * testing/btest/signatures baselines):
 *
 * - each side is set up on its first packet: the signatures whose header
 *   conditions hold there are that side's candidates, and those among them
 *   with no pattern ("pure" ones) are tried at once;
 * - a side's payload runs through the set's automaton, from the start of
 *   the side's stream (TCP) or of each datagram (UDP, ICMP); a signature is
 *   tried when all its patterns have matched, with `data` the chunk in which
 *   the last one did;
 * - its other conditions (tcp-state, udp-state, payload-size, same-ip,
 *   requirements) must hold then; a signature whose requirement has not
 *   fired yet is tried again when that one fires (on either side), with the
 *   data its patterns matched in;
 * - a signature fires at most once per connection;
 * - negated requirements can only be decided at the end: of each datagram
 *   (UDP) or of the connection.
 */
import { ACCEPTS, DEAD, type SignatureAutomaton } from "../analyzer/app/automaton.js";
import { compare } from "../analyzer/app/signature.js";
import { type Connection, TcpState, type Transport } from "../event/records.js";
import type { Packet } from "../packet/packet.js";
import type { CompiledUserSignature, SignatureSet } from "./compiled.js";
import { STATE_ESTABLISHED, STATE_ORIG, STATE_RESP, STATE_STATELESS } from "./parse.js";

/** What matching needs of the connection. */
export interface MatchedConn {
  readonly transport: Transport;
  /** Zeek's connection record (read for tcp-state established, and by the actions). */
  val(): Connection;
  /** Both endpoints have the same address (same-ip). */
  sameIp(): boolean;
}

/**
 * A signature fired on one side: `data` is the payload it matched in (empty
 * for a pure one), `endOfMatch` where in it the match ended (Zeek's
 * end_of_match; 0 for a pure one).
 */
export type FireHandler = (sig: CompiledUserSignature, isOrig: boolean, payloadSize: number, data: Uint8Array, endOfMatch: number) => void;

/** The payload a signature's patterns matched in, and where in it the match ended. */
interface MatchedText {
  readonly data: Uint8Array;
  readonly end: number;
}

const EMPTY = new Uint8Array(0);
/** A pure signature's text: no data. */
const NO_TEXT: MatchedText = { data: EMPTY, end: 0 };

/** One side's matching state (Zeek's RuleEndpointState). */
class SideMatch {
  /** Per signature: its header conditions held on this side's first packet. */
  readonly candidate: Uint8Array;
  /** Per signature: it fired on this side. */
  readonly fired: Uint8Array;
  /** Per pattern: it matched in the current matching (the stream so far, or this datagram). */
  readonly hit: Uint8Array;
  /** Per pattern: where in the chunk it matched in its match ended. */
  readonly endAt: Int32Array;
  /** Signatures whose patterns all matched, with the data they matched in (kept for requirements met later and the end). */
  readonly matchData = new Map<number, MatchedText>();
  automaton: SignatureAutomaton;
  state: number;
  /** The size of the side's first non-empty chunk (-1 before any matching, 0 while only empty data came). */
  payloadSize = -1;
  /** Whether any candidate has a pattern (otherwise the payload need not be scanned). */
  readonly scans: boolean;

  constructor(set: SignatureSet, pkt: Packet) {
    const n = set.sigs.length;
    this.candidate = new Uint8Array(n);
    this.fired = new Uint8Array(n);
    this.hit = new Uint8Array(set.patternOwner.length);
    this.endAt = new Int32Array(set.patternOwner.length);
    let scans = false;
    for (const s of set.sigs) {
      if (!s.headerHolds(pkt)) continue;
      this.candidate[s.index] = 1;
      if (!s.pure) scans = true;
    }
    this.scans = scans;
    this.automaton = set.current();
    this.state = this.automaton.starts[0];
  }

  /** Back to the start of the patterns (a new datagram). */
  restart(set: SignatureSet): void {
    this.automaton = set.current();
    this.state = this.automaton.starts[0];
    this.hit.fill(0);
  }
}

/** Matching state of one connection: a SideMatch per side, made on its first packet. */
export class ConnMatch {
  private readonly sides: [SideMatch | null, SideMatch | null] = [null, null];

  constructor(
    private readonly set: SignatureSet,
    private readonly conn: MatchedConn,
    private readonly onFire: FireHandler,
  ) {}

  /** Whether the side has been set up (its first packet seen). */
  started(isOrig: boolean): boolean {
    return this.sides[isOrig ? 0 : 1] !== null;
  }

  /** A side's first packet: its candidates, its pure signatures tried, and patterns that match the empty start. */
  startSide(isOrig: boolean, pkt: Packet): void {
    const side = new SideMatch(this.set, pkt);
    this.sides[isOrig ? 0 : 1] = side;
    for (const s of this.set.sigs) {
      if (side.candidate[s.index] === 1 && s.pure && this.conditionsHold(s, isOrig, false)) this.execute(s, isOrig, NO_TEXT, false);
    }
    // Zeek matches an empty chunk at the beginning: a pattern such as /.*/ matches there.
    this.match(isOrig, EMPTY, false);
  }

  /**
   * Matches one chunk of a side: the stream's next bytes, or with
   * `restart` a datagram of its own. Signatures whose patterns now all
   * matched are tried.
   */
  match(isOrig: boolean, data: Uint8Array, restart: boolean): void {
    const side = this.sides[isOrig ? 0 : 1];
    if (side === null) return;
    if (restart) side.restart(this.set);
    if (side.payloadSize <= 0 && data.length > 0) side.payloadSize = data.length;
    else if (side.payloadSize < 0) side.payloadSize = 0;
    if (!side.scans || !this.scan(side, data)) return;
    for (const s of this.set.sigs) {
      if (side.candidate[s.index] === 0 || s.pure || side.fired[s.index] === 1 || !allHit(s, side)) continue;
      let text = side.matchData.get(s.index);
      if (text === undefined) side.matchData.set(s.index, (text = { data: data.slice(), end: endOfMatch(s, side) }));
      if (this.conditionsHold(s, isOrig, false)) this.execute(s, isOrig, { data, end: text.end }, false);
    }
  }

  /** Runs `data` through the automaton from the side's state; true when some pattern newly matched. */
  private scan(side: SideMatch, data: Uint8Array): boolean {
    let a = side.automaton;
    let st = side.state;
    let found = this.note(side, a, st, 0);
    let i = 0;
    while (i < data.length && (a.flags[st]! & DEAD) === 0) {
      if (a.full) {
        // The shared automaton reached its state limit: go on in a fresh one, from the same NFA states.
        const fresh = this.set.current();
        st = fresh.adopt(a, st);
        a = fresh;
      }
      st = a.scan(st, data, i);
      i = a.stoppedAt;
      if (this.note(side, a, st, i)) found = true;
    }
    side.automaton = a;
    side.state = st;
    return found;
  }

  /** Marks the patterns state `st` accepts, their match ending at `end`; true when one was not marked before. */
  private note(side: SideMatch, a: SignatureAutomaton, st: number, end: number): boolean {
    if ((a.flags[st]! & ACCEPTS) === 0) return false;
    let added = false;
    for (const p of a.accepts(st)) {
      if (side.hit[p] === 1) continue;
      side.hit[p] = 1;
      side.endAt[p] = end;
      added = true;
    }
    return added;
  }

  /** The end of a datagram (UDP): negated requirements of pure signatures are decided, and the next one starts afresh. */
  endOfDatagram(isOrig: boolean): void {
    const side = this.sides[isOrig ? 0 : 1];
    if (side === null) return;
    this.purely(isOrig, true);
    side.payloadSize = -1;
  }

  /** The connection ends: what could only be decided at the end (negated requirements) is, on each side. */
  finish(): void {
    for (const isOrig of [true, false]) {
      const side = this.sides[isOrig ? 0 : 1];
      if (side === null) continue;
      this.purely(isOrig, true);
      for (const [index, data] of side.matchData) this.tryPurely(this.set.sigs[index]!, isOrig, data, true);
    }
  }

  /** Tries each pure candidate of a side. */
  private purely(isOrig: boolean, eos: boolean): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    for (const s of this.set.sigs) if (side.candidate[s.index] === 1 && s.pure) this.tryPurely(s, isOrig, NO_TEXT, eos);
  }

  private tryPurely(s: CompiledUserSignature, isOrig: boolean, data: MatchedText, eos: boolean): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    if (side.fired[s.index] === 1) return;
    if (this.conditionsHold(s, isOrig, eos)) this.execute(s, isOrig, data, eos);
  }

  /** Fires `s` on a side (unless it fired on the other), then tries the signatures that required it. */
  private execute(s: CompiledUserSignature, isOrig: boolean, text: MatchedText, eos: boolean): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    const other = this.sides[isOrig ? 1 : 0];
    // Once per connection (a dependent fired by its requirement is not fired again by the loop that reached it).
    if (side.fired[s.index] === 1 || (other !== null && other.fired[s.index] === 1)) return;
    side.fired[s.index] = 1;
    this.onFire(s, isOrig, side.payloadSize, text.data, text.end);
    for (const d of s.dependents) {
      this.tryDependent(this.set.sigs[d]!, isOrig, eos);
      if (other !== null) this.tryDependent(this.set.sigs[d]!, !isOrig, eos);
    }
  }

  /** A signature another one's firing may complete: pure, or with its patterns matched already. */
  private tryDependent(s: CompiledUserSignature, isOrig: boolean, eos: boolean): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    if (side.fired[s.index] === 1 || side.candidate[s.index] === 0) return;
    if (s.pure) return this.tryPurely(s, isOrig, NO_TEXT, eos);
    const data = side.matchData.get(s.index);
    if (data !== undefined) this.tryPurely(s, isOrig, data, eos);
  }

  /** The conditions other than headers and patterns. */
  private conditionsHold(s: CompiledUserSignature, isOrig: boolean, eos: boolean): boolean {
    if (!this.requirementsHold(s, isOrig, eos)) return false;
    const sig = s.sig;
    if (sig.tcpState !== 0 && !this.stateHolds(sig.tcpState, "tcp", isOrig)) return false;
    if (sig.udpState !== 0 && !this.stateHolds(sig.udpState, "udp", isOrig)) return false;
    if (sig.sameIp && !this.conn.sameIp()) return false;
    if (sig.payloadSize.length > 0) {
      const size = this.sides[isOrig ? 0 : 1]!.payloadSize;
      // Decided on the first non-empty chunk only.
      if (size <= 0) return false;
      for (const t of sig.payloadSize) if (!compare(size, t.value, t.comparison)) return false;
    }
    return true;
  }

  private requirementsHold(s: CompiledUserSignature, isOrig: boolean, eos: boolean): boolean {
    for (const r of s.requires) {
      const side = this.sides[r.reverse === isOrig ? 1 : 0];
      if (side === null) return false;
      const fired = side.fired[r.index] === 1;
      if (!r.negated && !fired) return false;
      // A negated requirement holds only once it is certain: at the end.
      if (r.negated && (!eos || fired)) return false;
    }
    return true;
  }

  /** tcp-state / udp-state: false on another transport, as in Zeek. */
  private stateHolds(bits: number, transport: Transport, isOrig: boolean): boolean {
    if (this.conn.transport !== transport) return false;
    if ((bits & STATE_STATELESS) !== 0) return true;
    if ((bits & STATE_ORIG) !== 0 && !isOrig) return false;
    if ((bits & STATE_RESP) !== 0 && isOrig) return false;
    if ((bits & STATE_ESTABLISHED) !== 0) {
      const c = this.conn.val();
      if (!established(c.orig.state) || !established(c.resp.state)) return false;
    }
    return true;
  }
}

/** Where the match of a signature's patterns ended: the latest end among them. */
function endOfMatch(s: CompiledUserSignature, side: SideMatch): number {
  let end = 0;
  for (const p of s.patterns) end = Math.max(end, side.endAt[p]!);
  return end;
}

function allHit(s: CompiledUserSignature, side: SideMatch): boolean {
  for (const p of s.patterns) if (side.hit[p] === 0) return false;
  return true;
}

/** Zeek's is_established: past the handshake (inactive, SYN sent and SYN-ACK sent are not). */
function established(state: number): boolean {
  return state > TcpState.SYN_ACK_SENT;
}
