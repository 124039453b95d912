/**
 * Dynamic protocol detection (Zeek's PIA, "protocol identification
 * analyzer"): buffers the first bytes of a connection, matches the loaded
 * DPD signatures against them, starts the analyzer a matching signature
 * enables and replays the buffer into it.
 *
 * As Zeek's PIA_TCP / PIA_UDP:
 * - one buffer for both sides; once it holds more than `dpd_buffer_size`
 *   bytes or more than `dpd_max_packets` chunks, with
 *   `dpd_match_only_beginning` the PIA stops (buffer and matching) after
 *   matching that last chunk; without it, it keeps matching but no longer
 *   buffers, and a late match starts nothing (Zeek's MATCHING_ONLY state);
 * - TCP: patterns see each side's stream so far; content gaps are buffered
 *   and replayed as gaps; UDP: each datagram is matched on its own.
 * - every byte is examined once, by one automaton for all the signatures
 *   (automaton.ts): a side stops costing as soon as no pattern can match it
 *   any more, and the connection as soon as no signature that starts an
 *   analyzer can still fire;
 * - a PIA that stops leaves the connection: from then on it costs nothing.
 */
import type { EngineSettings } from "../../options.js";
import type { AppAnalyzer } from "./analyzer.js";
import { ACCEPTS, DEAD, MAX_STATES, SignatureAutomaton } from "./automaton.js";
import type { AnalyzerInstance } from "./instance.js";
import type { CompiledSignature } from "./signature.js";

const enum State {
  Buffering,
  MatchingOnly,
  Skipping,
}

/**
 * A buffered chunk of `len` bytes at `seq`: the data itself (the chunk that
 * filled the buffer, replayed only while it is being matched), or its
 * offset `at` in the PIA's copy of the buffered bytes; a gap when it has
 * neither (data null, at -1).
 */
interface Chunk {
  isOrig: boolean;
  seq: number;
  data: Uint8Array | null;
  at: number;
  len: number;
}

/** The first copy of the buffered bytes is dpd_buffer_size bytes, up to this (a large setting grows as needed). */
const MAX_FIRST_COPY = 64 * 1024;

/**
 * `n` bytes, uninitialised: below 4 KiB a piece of Node's shared Buffer pool
 * (no allocation of its own, where a Uint8Array of 1 KiB is one outside V8's
 * heap per connection), seen as a plain Uint8Array so that an analyzer's
 * slice() of a replayed chunk copies as it would elsewhere.
 */
function bytesFromPool(n: number): Uint8Array {
  const b = Buffer.allocUnsafe(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

/** What a PIA needs from its connection's tree. */
export interface PiaTree {
  /** Starts the analyzer `name` (a signature's `enable`); the new instance, or null (unknown, inactive, already there). */
  activateByName(name: string): AnalyzerInstance | null;
  /** The PIA is done: it leaves the connection. */
  piaDone(): void;
}

/** Each signature list's automaton (a registry compiles one list per transport), shared by the connections. */
const automata = new WeakMap<readonly CompiledSignature[], SignatureAutomaton>();

/**
 * The automaton of a signature list: its patterns, each on the sides its
 * tcp-state allows. One that grew past MAX_STATES is left to the connections
 * that use it; new ones get a fresh one (memory stays bounded).
 */
export function automatonOf(sigs: readonly CompiledSignature[]): SignatureAutomaton {
  let a = automata.get(sigs);
  if (a === undefined || a.size >= MAX_STATES) {
    const sides = sigs.map((s) => (s.sig.tcpState === "originator" ? 1 : s.sig.tcpState === "responder" ? 2 : 3));
    a = new SignatureAutomaton(
      sigs.map((s) => s.sig.payload),
      sides,
    );
    automata.set(sigs, a);
  }
  return a;
}

/**
 * Which signatures matched on each side of one connection, with Zeek's rule
 * semantics: a signature fires once per connection; one whose pattern
 * matched while a required signature had not waits for it.
 *
 * Each side's bytes go through the signature set's automaton once, as they
 * come: a stream side keeps the state its data so far led to (patterns see
 * the stream from its start), a datagram starts from the beginning. A
 * pattern that matched stays matched on a stream (a longer text still has
 * that prefix), so a signature whose payload-size did not hold yet is tried
 * again on later data, as testing the pattern on the whole text would.
 */
class SignatureMatcher {
  /** Fired signature ids per side ([orig, resp]); created on the first fire. */
  private fired: [Set<string>, Set<string>] | null = null;
  /** Signatures whose pattern matched but whose requirement did not yet, per side; created when needed. */
  private waiting: [CompiledSignature[], CompiledSignature[]] | null = null;
  private readonly automaton: SignatureAutomaton;
  /** The automaton state each side's data so far led to (streams). */
  private readonly at: [number, number];
  /** Per side (side * count + index): 1 when signature index's pattern matched; created on the first match. */
  private matched: Uint8Array | null = null;
  /** Per side, matched signatures whose other conditions did not hold yet (tried again on the next data). */
  private readonly pending = [0, 0];

  constructor(
    private readonly sigs: readonly CompiledSignature[],
    private readonly enable: (name: string) => void,
    private readonly stream: boolean,
  ) {
    this.automaton = automatonOf(sigs);
    this.at = [this.automaton.starts[0], this.automaton.starts[1]];
  }

  private hasFired(side: number, id: string): boolean {
    return this.fired !== null && this.fired[side]!.has(id);
  }

  private isWaiting(side: number, s: CompiledSignature): boolean {
    return this.waiting !== null && this.waiting[side]!.includes(s);
  }

  /**
   * Runs one side's new bytes through the automaton (each byte once) and
   * fires what matched; `size` for payload-size conditions. True when some
   * pattern stopped being able to match or a signature fired (then whether
   * DPD still has anything to do may have changed).
   */
  match(isOrig: boolean, data: Uint8Array, size: number): boolean {
    const side = isOrig ? 0 : 1;
    const automaton = this.automaton;
    let st = this.stream ? this.at[side]! : automaton.starts[side]!;
    if (!this.stream && this.matched !== null) {
      this.matched.fill(0, side * this.sigs.length, (side + 1) * this.sigs.length);
      this.pending[side] = 0;
    }
    const liveBefore = automaton.live(st).length;
    let hit = (automaton.flags[st]! & ACCEPTS) !== 0 && this.note(side, automaton.accepts(st));
    let i = 0;
    while (i < data.length && (automaton.flags[st]! & DEAD) === 0) {
      st = automaton.scan(st, data, i);
      i = automaton.stoppedAt;
      if ((automaton.flags[st]! & ACCEPTS) !== 0 && this.note(side, automaton.accepts(st))) hit = true;
    }
    if (this.stream) this.at[side] = st;
    const firedBefore = this.firedCount();
    if (hit || this.pending[side]! > 0) this.fireMatched(side, isOrig, size);
    return automaton.live(st).length < liveBefore || this.firedCount() > firedBefore;
  }

  private firedCount(): number {
    return this.fired === null ? 0 : this.fired[0].size + this.fired[1].size;
  }

  /** Marks the patterns `accepts` as matched on `side`; true when one was not before. */
  private note(side: number, accepts: readonly number[]): boolean {
    const matched = (this.matched ??= new Uint8Array(2 * this.sigs.length));
    const base = side * this.sigs.length;
    let added = false;
    for (const i of accepts) {
      if (matched[base + i] === 1) continue;
      matched[base + i] = 1;
      added = true;
    }
    return added;
  }

  /** Fires, in signature order, each signature matched on `side` that has not fired or waited yet and whose conditions hold. */
  private fireMatched(side: number, isOrig: boolean, size: number): void {
    const matched = this.matched!;
    const base = side * this.sigs.length;
    let pending = 0;
    for (let i = 0; i < this.sigs.length; i++) {
      if (matched[base + i] !== 1) continue;
      const s = this.sigs[i]!;
      const id = s.sig.id;
      if (this.hasFired(side, id) || this.hasFired(1 - side, id) || this.isWaiting(side, s)) continue;
      if (s.conditionsHold(isOrig, size)) this.tryFire(s, side);
      else pending++;
    }
    this.pending[side] = pending;
  }

  /**
   * Whether some signature that starts an analyzer can still fire, given
   * where each side's data led: when none can, DPD has nothing left to do on
   * this connection and stops (the same outcome as matching on, sooner).
   */
  stillUseful(): boolean {
    for (const s of this.sigs) {
      if (s.sig.enable === undefined || this.hasFired(0, s.sig.id) || this.hasFired(1, s.sig.id)) continue;
      if (this.satisfiable(s, 0, 0) || this.satisfiable(s, 1, 0)) return true;
    }
    return false;
  }

  /** Whether signature `s`'s pattern matched or can still match on `side`. */
  private mayMatch(s: CompiledSignature, side: number): boolean {
    if (this.matched !== null && this.matched[side * this.sigs.length + s.index] === 1) return true;
    return this.automaton.live(this.at[side]!).includes(s.index);
  }

  /** Whether signature `s` has fired or may still fire on `side` (its requirements too). */
  private satisfiable(s: CompiledSignature, side: number, depth: number): boolean {
    if (this.hasFired(side, s.sig.id)) return true;
    if (depth > 4 || !this.mayMatch(s, side)) return false;
    const req = s.sig.requires;
    if (req !== undefined && !this.anySatisfiable(req, side, depth + 1)) return false;
    const rev = s.sig.requiresReverse;
    if (rev !== undefined && !this.anySatisfiable(rev, 1 - side, depth + 1)) return false;
    return true;
  }

  private anySatisfiable(id: string, side: number, depth: number): boolean {
    for (const s of this.sigs) if (s.sig.id === id && this.satisfiable(s, side, depth)) return true;
    return false;
  }

  private requirementsMet(s: CompiledSignature, side: number): boolean {
    const sig = s.sig;
    if (sig.requires !== undefined && !this.hasFired(side, sig.requires)) return false;
    if (sig.requiresReverse !== undefined && !this.hasFired(1 - side, sig.requiresReverse)) return false;
    return true;
  }

  private tryFire(s: CompiledSignature, side: number): void {
    if (!this.requirementsMet(s, side)) {
      (this.waiting ??= [[], []])[side]!.push(s);
      return;
    }
    const id = s.sig.id;
    if (this.hasFired(1 - side, id)) return; // already fired for the connection
    (this.fired ??= [new Set(), new Set()])[side]!.add(id);
    if (s.sig.enable !== undefined) this.enable(s.sig.enable);
    // Signatures that waited for this one may fire now, on either side.
    const waiting = this.waiting;
    if (waiting === null) return;
    for (let w = 0; w < 2; w++) {
      const list = waiting[w]!;
      for (let i = 0; i < list.length; i++) {
        const dep = list[i]!;
        if (dep.sig.requires !== id && dep.sig.requiresReverse !== id) continue;
        if (!this.requirementsMet(dep, w)) continue;
        list.splice(i--, 1);
        this.tryFire(dep, w);
      }
    }
  }
}

/** Shared buffering and limits of both PIAs. */
abstract class PiaBase {
  active = true;
  protected state = State.Buffering;
  protected chunks: Chunk[] = [];
  /** A copy of the buffered bytes (chunks note where theirs are); grown as needed, never written over. */
  private kept: Uint8Array | null = null;
  private keptLength = 0;
  private size = 0;
  protected readonly matcher: SignatureMatcher;
  private readonly bufferSize: number;
  private readonly maxChunks: number;
  private readonly onlyBeginning: boolean;

  constructor(
    protected readonly tree: PiaTree,
    sigs: readonly CompiledSignature[],
    settings: EngineSettings,
    /** Whether patterns see a side's stream (TCP) rather than each datagram on its own. */
    stream = true,
  ) {
    this.bufferSize = settings.dpd_buffer_size;
    this.maxChunks = settings.dpd_max_packets;
    this.onlyBeginning = settings.dpd_match_only_beginning;
    this.matcher = new SignatureMatcher(sigs, (name) => this.enable(name), stream);
  }

  /** A signature enabled `name`: start it and replay the buffer, unless the buffer is already gone. */
  private enable(name: string): void {
    if (this.state !== State.Buffering) return; // Zeek: "analyzer found but buffer already exceeded"
    const instance = this.tree.activateByName(name);
    if (instance !== null) this.replay(instance);
  }

  protected abstract replay(instance: AnalyzerInstance): void;

  /** A buffered chunk's bytes (a view of the copy, or the chunk being matched), null for a gap. */
  protected bytesOf(c: Chunk): Uint8Array | null {
    if (c.data !== null) return c.data;
    return c.at >= 0 && this.kept !== null ? this.kept.subarray(c.at, c.at + c.len) : null;
  }

  /** Buffers one chunk (data null: a gap); returns the state to take after matching it. */
  protected buffer(isOrig: boolean, seq: number, data: Uint8Array | null, len: number): State {
    if (this.state !== State.Buffering) return this.state;
    if (data !== null) this.size += len;
    const full = this.size > this.bufferSize || this.chunks.length + 1 > this.maxChunks;
    // The chunk that fills the buffer is replayed only while it is being
    // matched (settle drops the buffer right after), so it needs no copy.
    const at = data !== null && !full ? this.keep(data) : -1;
    this.chunks.push({ isOrig, seq, data: full ? data : null, at, len });
    if (full) return this.onlyBeginning ? State.Skipping : State.MatchingOnly;
    return State.Buffering;
  }

  /** Copies `data` after the bytes kept so far; its offset. The copy only grows (views handed out stay valid). */
  private keep(data: Uint8Array): number {
    const at = this.keptLength;
    const need = at + data.length;
    let kept = this.kept;
    if (kept === null || need > kept.length) {
      // Most connections buffer up to dpd_buffer_size (some pattern can always still match): take it at once.
      const grown = bytesFromPool(Math.max(need, Math.min(2 * (kept?.length ?? 0) || this.bufferSize, MAX_FIRST_COPY)));
      if (kept !== null) grown.set(kept.subarray(0, at));
      this.kept = kept = grown;
    }
    kept.set(data, at);
    this.keptLength = need;
    return at;
  }

  /** Takes the state decided for the chunk just matched; a PIA that skips from now on leaves the connection. */
  protected settle(next: State): void {
    this.state = next;
    if (next === State.Buffering) return;
    this.dropBuffer();
    if (next === State.Skipping && this.active) {
      this.active = false;
      this.tree.piaDone();
    }
  }

  private dropBuffer(): void {
    this.chunks = [];
    this.kept = null;
    this.keptLength = 0;
  }

  done(): void {
    this.active = false;
    this.dropBuffer();
  }
}

/** DPD on a TCP connection's reassembled streams (a stream consumer of ConnStreams). */
export class StreamPia extends PiaBase implements AppAnalyzer {
  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.state === State.Skipping || !this.active) return;
    let next = this.buffer(isOrig, seq, data, data.length);
    // When a pattern can no longer match (or a signature fired), DPD may have nothing left to find: then stop at once.
    if (this.matcher.match(isOrig, data, data.length) && next === State.Buffering && !this.matcher.stillUseful()) next = State.Skipping;
    this.settle(next);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.state !== State.Buffering || !this.active) return;
    // A gap is buffered (and replayed as one); only the chunk count limits it.
    this.settle(this.buffer(isOrig, seq, null, len));
  }

  endOfData(_isOrig: boolean): void {}

  protected replay(instance: AnalyzerInstance): void {
    for (const c of this.chunks) {
      if (!instance.active) return;
      const bytes = this.bytesOf(c);
      if (bytes !== null) instance.deliverStream(c.isOrig, c.seq, bytes);
      else instance.undelivered(c.isOrig, c.seq, c.len);
    }
  }
}

/** DPD on a UDP flow's datagrams. */
export class DatagramPia extends PiaBase {
  constructor(tree: PiaTree, sigs: readonly CompiledSignature[], settings: EngineSettings) {
    super(tree, sigs, settings, false);
  }

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    if (this.state === State.Skipping || !this.active) return;
    const next = data.length > 0 ? this.buffer(isOrig, 0, data, data.length) : this.state;
    // Most datagrams (DNS…) start with a byte no UDP signature starts with: the automaton is dead after it.
    this.matcher.match(isOrig, data, data.length);
    this.settle(next);
  }

  protected replay(instance: AnalyzerInstance): void {
    for (const c of this.chunks) {
      if (!instance.active) return;
      const bytes = this.bytesOf(c);
      if (bytes !== null) instance.deliverPacket(c.isOrig, bytes);
    }
  }
}
