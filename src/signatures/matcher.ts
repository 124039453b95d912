/**
 * User signature matching on one connection, with the semantics of Zeek's
 * rule matcher (learnt from RuleMatcher.cc's behaviour and the
 * testing/btest/signatures baselines):
 *
 * - each side is set up on its first packet: the signatures whose header
 *   conditions hold there are that side's candidates, and those among them
 *   with no pattern ("pure" ones) are tried at once;
 * - a side's payload runs through the payload patterns' automaton, from the
 *   start of the side's stream (TCP) or of each datagram (UDP, ICMP); the
 *   HTTP analyzer's data through the http-* patterns' automata, from the
 *   start of each URI, header and body (matchContent); a signature is tried
 *   when all its patterns (of every type) have matched, with `data` the
 *   chunk in which the last one did;
 * - its requirements, then its other conditions (tcp-state, udp-state,
 *   payload-size, same-ip, eval) in the file's order must hold then; a
 *   signature whose requirement has not fired yet is tried again when that
 *   one fires (on either side), with the data its patterns matched in;
 * - a signature fires at most once per connection;
 * - negated requirements can only be decided at the end: of each datagram
 *   (UDP) or of the connection.
 */
import { ACCEPTS, DEAD, type SignatureAutomaton } from "../analyzer/app/automaton.js";
import { compare } from "../analyzer/app/signature.js";
import { type Connection, TcpState, type Transport } from "../event/records.js";
import type { Packet } from "../packet/packet.js";
import type { CompiledUserSignature, PatternGroup, SignatureSet } from "./compiled.js";
import { PATTERN_TYPES, type PatternType, type RuleCondition, STATE_ESTABLISHED, STATE_ORIG, STATE_RESP, STATE_STATELESS } from "./parse.js";

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

/**
 * An `eval` condition of signature `sig` (its function's name), asked on a
 * side with `data`: the chunk the patterns just matched in, or nothing when
 * the signature is tried on its own (pure, at the end, after a requirement
 * fired), as Zeek's RuleConditionEval is given.
 */
export type EvalHandler = (name: string, sig: CompiledUserSignature, isOrig: boolean, payloadSize: number, data: Uint8Array) => boolean;

/** The payload a signature's patterns matched in, and where in it the match ended. */
interface MatchedText {
  readonly data: Uint8Array;
  readonly end: number;
}

const EMPTY = new Uint8Array(0);
const NONE: readonly number[] = [];
/** A pure signature's text: no data. */
const NO_TEXT: MatchedText = { data: EMPTY, end: 0 };

/** Where one side is in one pattern group's automaton. */
class Cursor {
  automaton: SignatureAutomaton;
  state: number;

  constructor(readonly group: PatternGroup) {
    this.automaton = group.current();
    this.state = this.automaton.starts[0];
  }

  /** Back to the start of the group's patterns (a new datagram, HTTP message, header or URI). */
  restart(): void {
    this.automaton = this.group.current();
    this.state = this.automaton.starts[0];
  }
}

/** One side's matching state (Zeek's RuleEndpointState). */
class SideMatch {
  /** Per signature: its header conditions held on this side's first packet. */
  readonly candidate: Uint8Array;
  /** Per signature: it fired on this side. */
  readonly fired: Uint8Array;
  /** Per pattern: it matched since the side started (UDP: in this datagram). */
  readonly hit: Uint8Array;
  /** Per pattern: where in the chunk it matched in its match ended. */
  readonly endAt: Int32Array;
  /** Signatures whose patterns all matched, with the data they matched in (kept for requirements met later and the end). */
  readonly matchData = new Map<number, MatchedText>();
  /** Per pattern type: the side's place in its group, null when no candidate has a pattern of the type. */
  readonly cursors: (Cursor | null)[];
  /** The size of the side's first non-empty chunk (-1 before any matching, 0 while only empty data came). */
  payloadSize = -1;

  constructor(set: SignatureSet, pkt: Packet) {
    const n = set.sigs.length;
    this.candidate = new Uint8Array(n);
    this.fired = new Uint8Array(n);
    this.hit = new Uint8Array(set.patternOwner.length);
    this.endAt = new Int32Array(set.patternOwner.length);
    const types = new Set<PatternType>();
    for (const s of set.sigs) {
      if (!s.headerHolds(pkt)) continue;
      this.candidate[s.index] = 1;
      for (const p of s.sig.patterns) types.add(p.type);
    }
    // A type none of the candidates has is never scanned (the payload of most connections when only http-* signatures are loaded).
    this.cursors = set.groups.map((g, i) => (g !== null && types.has(PATTERN_TYPES[i]!) ? new Cursor(g) : null));
  }
}

/** Zeek's bol/eol/clear flags of one chunk of content. */
export interface ChunkFlags {
  /** The chunk ends its data (an end of line is fed: patterns ending in `$` may match). */
  readonly eol: boolean;
  /** The chunk starts new data: its group's automaton starts again (the patterns that matched stay matched). */
  readonly clear: boolean;
}

const PAYLOAD_CHUNK: ChunkFlags = { eol: false, clear: false };
const DATAGRAM: ChunkFlags = { eol: false, clear: true };

/** Matching state of one connection: a SideMatch per side, made on its first packet. */
export class ConnMatch {
  private readonly sides: [SideMatch | null, SideMatch | null] = [null, null];

  constructor(
    private readonly set: SignatureSet,
    private readonly conn: MatchedConn,
    private readonly onFire: FireHandler,
    private readonly onEval: EvalHandler,
  ) {}

  /** Whether the side has been set up (its first packet seen). */
  started(isOrig: boolean): boolean {
    return this.sides[isOrig ? 0 : 1] !== null;
  }

  /** A side's first packet: its candidates, its pure signatures tried, and patterns that match the empty start. */
  startSide(isOrig: boolean, pkt: Packet): void {
    const side = new SideMatch(this.set, pkt);
    this.sides[isOrig ? 0 : 1] = side;
    for (const i of this.set.pureOrder) {
      const s = this.set.sigs[i]!;
      if (side.candidate[i] === 1 && this.conditionsHold(s, isOrig, EMPTY, false)) this.execute(s, isOrig, NO_TEXT, false);
    }
    // Zeek matches an empty chunk at the beginning: a pattern such as /.*/ matches there.
    this.match(isOrig, EMPTY, false);
  }

  /**
   * Matches one chunk of a side's payload: the stream's next bytes, or with
   * `restart` a datagram of its own.
   */
  match(isOrig: boolean, data: Uint8Array, restart: boolean): void {
    const side = this.sides[isOrig ? 0 : 1];
    if (side === null) return;
    if (restart) side.hit.fill(0);
    if (side.payloadSize <= 0 && data.length > 0) side.payloadSize = data.length;
    else if (side.payloadSize < 0) side.payloadSize = 0;
    this.matchContent(isOrig, 0, data, restart ? DATAGRAM : PAYLOAD_CHUNK);
  }

  /**
   * Matches one chunk of content of pattern type `type` (PATTERN_TYPES'
   * index) on a side: signatures whose patterns now all matched are tried.
   */
  matchContent(isOrig: boolean, type: number, data: Uint8Array, flags: ChunkFlags): void {
    const side = this.sides[isOrig ? 0 : 1];
    const cursor = side?.cursors[type];
    if (side === null || cursor === null || cursor === undefined) return;
    if (flags.clear) cursor.restart();
    if (!this.scan(side, cursor, data, flags.eol)) return;
    for (const s of this.set.sigs) {
      if (side.candidate[s.index] === 0 || s.pure || side.fired[s.index] === 1 || !allHit(s, side)) continue;
      let text = side.matchData.get(s.index);
      if (text === undefined) side.matchData.set(s.index, (text = { data: data.slice(), end: endOfMatch(s, side) }));
      if (this.conditionsHold(s, isOrig, data, false)) this.execute(s, isOrig, { data, end: text.end }, false);
    }
  }

  /** Runs `data` through the cursor's automaton; true when some pattern newly matched. */
  private scan(side: SideMatch, cursor: Cursor, data: Uint8Array, eol: boolean): boolean {
    let a = cursor.automaton;
    let st = cursor.state;
    const global = cursor.group.global;
    let found = this.note(side, global, a.flags[st]! & ACCEPTS ? a.accepts(st) : NONE, 0);
    let i = 0;
    while (i < data.length && (a.flags[st]! & DEAD) === 0) {
      if (a.full) {
        // The shared automaton reached its state limit: go on in a fresh one, from the same NFA states.
        const fresh = cursor.group.current();
        st = fresh.adopt(a, st);
        a = fresh;
      }
      st = a.scan(st, data, i);
      i = a.stoppedAt;
      if ((a.flags[st]! & ACCEPTS) !== 0 && this.note(side, global, a.accepts(st), i)) found = true;
    }
    // The end of the data: patterns anchored there (a trailing `$`) match if the data brought them to it.
    if (eol && this.note(side, global, a.endAccepts(st), data.length)) found = true;
    cursor.automaton = a;
    cursor.state = st;
    return found;
  }

  /** Marks the group's patterns `accepted` as matched, their match ending at `end`; true when one was not marked before. */
  private note(side: SideMatch, global: readonly number[], accepted: readonly number[], end: number): boolean {
    let added = false;
    for (const k of accepted) {
      const p = global[k]!;
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
    for (const i of this.set.pureOrder) if (side.candidate[i] === 1) this.tryPurely(this.set.sigs[i]!, isOrig, NO_TEXT, eos);
  }

  /** Tries a signature on its own (Zeek's ExecRulePurely: an eval is given no data, the actions the text kept). */
  private tryPurely(s: CompiledUserSignature, isOrig: boolean, data: MatchedText, eos: boolean): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    if (side.fired[s.index] === 1) return;
    if (this.conditionsHold(s, isOrig, EMPTY, eos)) this.execute(s, isOrig, data, eos);
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

  /** The conditions other than headers and patterns: requirements first, then the others in the file's order. */
  private conditionsHold(s: CompiledUserSignature, isOrig: boolean, data: Uint8Array, eos: boolean): boolean {
    if (!this.requirementsHold(s, isOrig, eos)) return false;
    for (const c of s.sig.conditions) if (!this.conditionHolds(c, s, isOrig, data)) return false;
    return true;
  }

  private conditionHolds(c: RuleCondition, s: CompiledUserSignature, isOrig: boolean, data: Uint8Array): boolean {
    const size = this.sides[isOrig ? 0 : 1]!.payloadSize;
    switch (c.kind) {
      case "tcp-state":
        return this.stateHolds(c.bits, "tcp", isOrig);
      case "udp-state":
        return this.stateHolds(c.bits, "udp", isOrig);
      case "same-ip":
        return this.conn.sameIp();
      case "payload-size":
        // Decided on the first non-empty chunk only.
        return size > 0 && compare(size, c.value, c.comparison);
      case "eval":
        return this.onEval(c.name, s, isOrig, size, data);
    }
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
