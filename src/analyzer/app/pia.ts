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
import { ACCEPTS, DEAD, SignatureAutomaton } from "./automaton.js";
import type { AnalyzerInstance } from "./instance.js";
import type { CompiledSignature } from "./signature.js";

const enum State {
  Buffering,
  MatchingOnly,
  Skipping,
}

/**
 * The buffer is one byte store per PIA: each chunk is a record of a header
 * (kind, length, sequence number) followed by its bytes, so that buffering
 * allocates nothing per chunk and at most one store per connection (grown by
 * doubling; most connections buffer a few hundred bytes), usually none
 * (stores are recycled, below).
 */
const HEADER = 17;
/** Header kind bits: the originator's; a gap (no bytes); the chunk that filled the buffer (bytes not copied: the caller's view). */
const ORIG = 1;
const GAP = 2;
const VIEW = 4;
/** The first store (grown as needed up to the buffer size plus headers). */
const FIRST_STORE = 256;

/** Scratch for writing and reading the headers' doubles. */
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);

function putDouble(to: Uint8Array, at: number, v: number): void {
  F64[0] = v;
  for (let k = 0; k < 8; k++) to[at + k] = F64_BYTES[k]!;
}

function getDouble(from: Uint8Array, at: number): number {
  for (let k = 0; k < 8; k++) F64_BYTES[k] = from[at + k]!;
  return F64[0]!;
}

/** Bit `k` of a bitset (signature index, or side * count + index). */
function hasBit(bits: Uint32Array, k: number): boolean {
  return (bits[k >>> 5]! & (1 << (k & 31))) !== 0;
}

function setBit(bits: Uint32Array, k: number): void {
  bits[k >>> 5]! |= 1 << (k & 31);
}

/** A bitset of one bit per signature and side (12 bytes for 34 signatures: kept in V8's heap, not outside it). */
function sideBits(count: number): Uint32Array {
  return new Uint32Array((2 * count + 31) >>> 5);
}

/**
 * Stores are recycled: a PIA hands its store back when it stops buffering
 * (or outgrows it) and the next PIA takes it, so a run allocates about as
 * many stores as PIAs buffer at once. Fresh ones come from Node's Buffer
 * pool (no allocation of its own below 4 KiB, where a Uint8Array of a few
 * hundred bytes is one outside V8's heap). Without recycling the mix took
 * 40k stores (23 MB) from the pool, ~1.2 us each: the pool's 8 KiB blocks,
 * a Buffer object per store, and the scavenges for both; with it, 7.2k.
 *
 * Capacities are FIRST_STORE doubled: shelf k holds free stores of
 * FIRST_STORE << k bytes, up to SHELF_BYTES of them; larger stores (a
 * dpd_buffer_size raised far above Zeek's) are not kept.
 */
const SHELVES = 5;
const SHELF_BYTES = 256 << 10;
const shelves: Buffer[][] = Array.from({ length: SHELVES }, () => []);
/** Stores allocated rather than taken from a shelf, since the process started (tests read it). */
let freshStores = 0;

/** How many stores the PIAs allocated rather than took from a shelf, since the process started. */
export function piaStoresAllocated(): number {
  return freshStores;
}

/** The shelf of a capacity (FIRST_STORE doubled k times), or SHELVES when there is none. */
function shelfOf(capacity: number): number {
  const k = Math.clz32(FIRST_STORE) - Math.clz32(capacity);
  return k >= 0 && k < SHELVES && FIRST_STORE << k === capacity ? k : SHELVES;
}

/** A store of `capacity` bytes (FIRST_STORE doubled), uninitialised: a recycled one when there is one. */
function takeStore(capacity: number): Buffer {
  const k = shelfOf(capacity);
  const kept = k < SHELVES ? shelves[k]!.pop() : undefined;
  if (kept !== undefined) return kept;
  freshStores++;
  return Buffer.allocUnsafe(capacity);
}

/** A store no longer used (nothing may read it afterwards): kept for the next PIA while its shelf has room. */
function giveBack(store: Buffer): void {
  const k = shelfOf(store.length);
  if (k < SHELVES && shelves[k]!.length * store.length < SHELF_BYTES) shelves[k]!.push(store);
}

/** What a PIA needs from its connection's tree. */
export interface PiaTree {
  /**
   * Starts the analyzer `name` (a signature's `enable`, its script loaded or
   * not); the new instance, or null (unknown, already there, or disabled).
   */
  activateByName(name: string): AnalyzerInstance | null;
  /** The PIA is done: it leaves the connection. */
  piaDone(): void;
  /** A signature enabled `name` once the buffer was full: Zeek's protocol_late_match, and nothing starts. */
  lateMatch(name: string): void;
}

/** Each signature list's automaton (a registry compiles one list per transport), shared by the connections. */
const automata = new WeakMap<readonly CompiledSignature[], SignatureAutomaton>();

/**
 * The automaton of a signature list: its patterns, each on the sides its
 * tcp-state allows. One that grew to MAX_STATES is replaced by a fresh one,
 * which new connections get and to which the connections that used it move
 * (SignatureMatcher.match), at once if their data needs another state: no
 * automaton grows past MAX_STATES, whatever the traffic.
 */
export function automatonOf(sigs: readonly CompiledSignature[]): SignatureAutomaton {
  let a = automata.get(sigs);
  if (a === undefined || a.full) {
    a = new SignatureAutomaton(
      sigs.map((s) => s.sig.payload),
      sigs.map((s) => s.sides),
    );
    automata.set(sigs, a);
  }
  return a;
}

/** Each signature list's indices by id number (requirements name ids), shared by the connections. */
const indices = new WeakMap<readonly CompiledSignature[], readonly (readonly number[])[]>();

function indicesById(sigs: readonly CompiledSignature[]): readonly (readonly number[])[] {
  let byId = indices.get(sigs);
  if (byId === undefined) {
    const ids = Math.max(-1, ...sigs.map((s) => Math.max(s.idNo, s.requires, s.requiresReverse))) + 1;
    const lists: number[][] = Array.from({ length: ids }, () => []);
    for (const s of sigs) lists[s.idNo]!.push(s.index);
    indices.set(sigs, (byId = lists));
  }
  return byId;
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
 *
 * The PIA extends it (one object per connection, its state in plain fields
 * and small bitsets, created when first needed).
 */
abstract class SignatureMatcher {
  /** Per side (side * ids + id number): a signature with that id fired there; created on the first fire. */
  private fired: Uint32Array | null = null;
  private firedCount = 0;
  /** Signatures whose pattern matched but whose requirement did not yet, per side; created when needed. */
  private waiting: [CompiledSignature[], CompiledSignature[]] | null = null;
  /** Per side (side * count + index): the signature went into `waiting` there (it is not fired again from matching). */
  private held: Uint32Array | null = null;
  private automaton: SignatureAutomaton;
  /** Signature indices by id number. */
  private readonly byId: readonly (readonly number[])[];
  /** The automaton state each side's data so far led to (streams). */
  private origAt: number;
  private respAt: number;
  /** Per side (side * count + index): signature index's pattern matched; created on the first match. */
  private matched: Uint32Array | null = null;
  /** Per side, matched signatures whose other conditions did not hold yet (tried again on the next data). */
  private origPending = 0;
  private respPending = 0;
  /** The index of the signature that last showed DPD still has something to do (stillUseful), -1 before. */
  private useful = -1;

  constructor(
    private readonly sigs: readonly CompiledSignature[],
    private readonly stream: boolean,
  ) {
    this.automaton = automatonOf(sigs);
    this.byId = indicesById(sigs);
    this.origAt = this.automaton.starts[0];
    this.respAt = this.automaton.starts[1];
  }

  /** A signature fired and names an analyzer to start. */
  abstract enable(name: string): void;

  /** Whether a signature with id number `id` fired on `side`. */
  private hasFired(side: number, id: number): boolean {
    const fired = this.fired;
    return fired !== null && hasBit(fired, side * this.byId.length + id);
  }

  /** Whether `s`'s id fired on either side (a signature fires once per connection). */
  private firedEither(s: CompiledSignature): boolean {
    return this.hasFired(0, s.idNo) || this.hasFired(1, s.idNo);
  }

  /**
   * Runs one side's new bytes through the automaton (each byte once) and
   * fires what matched; `size` for payload-size conditions. True when some
   * pattern stopped being able to match or a signature fired (then whether
   * DPD still has anything to do may have changed).
   */
  match(isOrig: boolean, data: Uint8Array, size: number): boolean {
    const side = isOrig ? 0 : 1;
    if (this.automaton.full) this.moveToCurrentAutomaton();
    let automaton = this.automaton;
    let st = !this.stream ? automaton.starts[side]! : isOrig ? this.origAt : this.respAt;
    if (!this.stream && this.matched !== null) this.forget(side);
    const liveBefore = automaton.live(st).length;
    let hit = (automaton.flags[st]! & ACCEPTS) !== 0 && this.note(side, automaton.accepts(st));
    let i = 0;
    while (i < data.length && (automaton.flags[st]! & DEAD) === 0) {
      if (automaton.full) {
        // scan stopped where it needed a new state: the rest goes through a fresh automaton.
        this.moveToCurrentAutomaton();
        st = this.automaton.adopt(automaton, st);
        automaton = this.automaton;
      }
      st = automaton.scan(st, data, i);
      i = automaton.stoppedAt;
      if ((automaton.flags[st]! & ACCEPTS) !== 0 && this.note(side, automaton.accepts(st))) hit = true;
    }
    if (this.stream) {
      if (isOrig) this.origAt = st;
      else this.respAt = st;
    }
    const firedBefore = this.firedCount;
    if (hit || (isOrig ? this.origPending : this.respPending) > 0) this.fireMatched(side, isOrig, size);
    // A state's live count is the same in every automaton (the same NFA states).
    return automaton.live(st).length < liveBefore || this.firedCount > firedBefore;
  }

  /**
   * The automaton in use reached MAX_STATES, so new connections have a fresh
   * one: this connection moves to it too, each side's state found again by
   * its NFA states, so that the full one stops growing and can be collected.
   */
  private moveToCurrentAutomaton(): void {
    // automatonOf replaces a full automaton, so the one it returns is never this one.
    const old = this.automaton;
    const current = automatonOf(this.sigs);
    this.origAt = current.adopt(old, this.origAt);
    this.respAt = current.adopt(old, this.respAt);
    this.automaton = current;
  }

  /** A datagram is matched on its own: what the side's earlier ones matched does not count. */
  private forget(side: number): void {
    const matched = this.matched!;
    const n = this.sigs.length;
    for (let i = side * n; i < (side + 1) * n; i++) matched[i >>> 5]! &= ~(1 << (i & 31));
    if (side === 0) this.origPending = 0;
    else this.respPending = 0;
  }

  /** Marks the patterns `accepts` as matched on `side`; true when one was not before. */
  private note(side: number, accepts: readonly number[]): boolean {
    const matched = (this.matched ??= sideBits(this.sigs.length));
    const base = side * this.sigs.length;
    let added = false;
    for (const i of accepts) {
      if (hasBit(matched, base + i)) continue;
      setBit(matched, base + i);
      added = true;
    }
    return added;
  }

  /** Fires, in signature order, each signature matched on `side` that has not fired or waited yet and whose conditions hold. */
  private fireMatched(side: number, isOrig: boolean, size: number): void {
    const matched = this.matched!;
    const base = side * this.sigs.length;
    let pending = 0;
    const held = this.held;
    for (let i = 0; i < this.sigs.length; i++) {
      if (!hasBit(matched, base + i) || (held !== null && hasBit(held, base + i))) continue;
      const s = this.sigs[i]!;
      if (this.firedEither(s)) continue;
      if (s.conditionsHold(isOrig, size)) this.tryFire(s, side);
      else pending++;
    }
    if (isOrig) this.origPending = pending;
    else this.respPending = pending;
  }

  /**
   * Whether some signature that starts an analyzer can still fire, given
   * where each side's data led: when none can, DPD has nothing left to do on
   * this connection and stops (the same outcome as matching on, sooner).
   */
  stillUseful(): boolean {
    // The signature that showed it last time usually still does (a line-start pattern stays live): asked first.
    if (this.useful >= 0 && this.mayStillFire(this.sigs[this.useful]!)) return true;
    for (let i = 0; i < this.sigs.length; i++) {
      if (!this.mayStillFire(this.sigs[i]!)) continue;
      this.useful = i;
      return true;
    }
    return false;
  }

  /** Whether `s` starts an analyzer, has not fired, and may still fire on either side. */
  private mayStillFire(s: CompiledSignature): boolean {
    if (s.enable === null || this.firedEither(s)) return false;
    return this.satisfiable(s, 0, 0) || this.satisfiable(s, 1, 0);
  }

  /** Whether signature `s`'s pattern matched or can still match on `side`. */
  private mayMatch(s: CompiledSignature, side: number): boolean {
    if (this.matched !== null && hasBit(this.matched, side * this.sigs.length + s.index)) return true;
    return this.automaton.live(side === 0 ? this.origAt : this.respAt).includes(s.index);
  }

  /** Whether signature `s` has fired or may still fire on `side` (its requirements too). */
  private satisfiable(s: CompiledSignature, side: number, depth: number): boolean {
    if (this.hasFired(side, s.idNo)) return true;
    if (depth > 4 || !this.mayMatch(s, side)) return false;
    if (s.requires >= 0 && !this.anySatisfiable(s.requires, side, depth + 1)) return false;
    if (s.requiresReverse >= 0 && !this.anySatisfiable(s.requiresReverse, 1 - side, depth + 1)) return false;
    return true;
  }

  private anySatisfiable(id: number, side: number, depth: number): boolean {
    for (const i of this.byId[id]!) if (this.satisfiable(this.sigs[i]!, side, depth)) return true;
    return false;
  }

  private requirementsMet(s: CompiledSignature, side: number): boolean {
    if (s.requires >= 0 && !this.hasFired(side, s.requires)) return false;
    if (s.requiresReverse >= 0 && !this.hasFired(1 - side, s.requiresReverse)) return false;
    return true;
  }

  private tryFire(s: CompiledSignature, side: number): void {
    if (!this.requirementsMet(s, side)) {
      (this.waiting ??= [[], []])[side]!.push(s);
      setBit((this.held ??= sideBits(this.sigs.length)), side * this.sigs.length + s.index);
      return;
    }
    const id = s.idNo;
    if (this.hasFired(1 - side, id)) return; // already fired for the connection
    setBit((this.fired ??= sideBits(this.byId.length)), side * this.byId.length + id);
    this.firedCount++;
    if (s.enable !== null) this.enable(s.enable);
    // Signatures that waited for this one may fire now, on either side.
    const waiting = this.waiting;
    if (waiting === null) return;
    for (let w = 0; w < 2; w++) {
      const list = waiting[w]!;
      for (let i = 0; i < list.length; i++) {
        const dep = list[i]!;
        if (dep.requires !== id && dep.requiresReverse !== id) continue;
        if (!this.requirementsMet(dep, w)) continue;
        list.splice(i--, 1);
        this.tryFire(dep, w);
      }
    }
  }
}

/** Shared buffering and limits of both PIAs. */
abstract class PiaBase extends SignatureMatcher {
  active = true;
  protected state = State.Buffering;
  /** The buffered chunks as records (header, then bytes), `used` bytes of it; null until the first chunk. */
  private store: Buffer | null = null;
  private used = 0;
  private chunks = 0;
  private size = 0;
  /** The chunk that filled the buffer, replayed from the caller's view while it is being matched. */
  private last: Uint8Array | null = null;
  /** Replays under way: an analyzer may still be reading a chunk of a store dropped meanwhile. */
  private replaying = 0;

  constructor(
    protected readonly tree: PiaTree,
    sigs: readonly CompiledSignature[],
    private readonly settings: EngineSettings,
    /** Whether patterns see a side's stream (TCP) rather than each datagram on its own. */
    stream = true,
  ) {
    super(sigs, stream);
  }

  /**
   * Keep buffering until the buffer is full even when no DPD signature can
   * fire any more: user signatures (src/signatures) may still enable an
   * analyzer, which gets the buffer replayed, as in Zeek, whose PIA buffers
   * regardless.
   */
  holdBuffer = false;

  /**
   * A signature enabled `name` (a DPD signature's or a user signature's
   * `enable`, Zeek's PIA::ActivateAnalyzer for both): start it and replay
   * the buffer. Once the buffer is gone and the PIA only matches on
   * (dpd_match_only_beginning=F) it is a late match, reported and nothing
   * more, also for an analyzer that runs already. Zeek's
   * dpd_late_match_stop would stop matching then, but its PIA sets the state
   * it had before the chunk again right after matching it, so matching goes
   * on: as here.
   */
  enable(name: string): void {
    if (this.state === State.MatchingOnly) {
      this.tree.lateMatch(name);
      return;
    }
    if (this.state !== State.Buffering) return;
    const instance = this.tree.activateByName(name);
    if (instance !== null) this.replay(instance);
  }

  /** Hands `instance` each buffered chunk in order, while it stays active. */
  private replay(instance: AnalyzerInstance): void {
    this.replaying++;
    try {
      this.replayChunks(instance);
    } finally {
      this.replaying--;
    }
  }

  private replayChunks(instance: AnalyzerInstance): void {
    let at = 0;
    // The store is read again after each chunk: a nested delivery may have grown or dropped it.
    for (let store = this.store; store !== null && at < this.used && instance.active; store = this.store) {
      const kind = store[at]!;
      const seq = getDouble(store, at + 1);
      const len = getDouble(store, at + 9);
      at += HEADER;
      const isOrig = (kind & ORIG) !== 0;
      if ((kind & GAP) !== 0) this.replayGap(instance, isOrig, seq, len);
      else if ((kind & VIEW) !== 0) this.replayData(instance, isOrig, seq, this.last!);
      else {
        // A plain Uint8Array (not a Buffer), so that an analyzer's slice() copies as it does elsewhere.
        this.replayData(instance, isOrig, seq, new Uint8Array(store.buffer, store.byteOffset + at, len));
        at += len;
      }
    }
  }

  protected abstract replayData(instance: AnalyzerInstance, isOrig: boolean, seq: number, data: Uint8Array): void;
  protected abstract replayGap(instance: AnalyzerInstance, isOrig: boolean, seq: number, len: number): void;

  /** Buffers one chunk (data null: a gap); returns the state to take after matching it. */
  protected buffer(isOrig: boolean, seq: number, data: Uint8Array | null, len: number): State {
    if (this.state !== State.Buffering) return this.state;
    if (data !== null) this.size += len;
    const full = this.size > this.settings.dpd_buffer_size || ++this.chunks > this.settings.dpd_max_packets;
    // The chunk that fills the buffer is replayed only while it is being
    // matched (settle drops the buffer right after), so it needs no copy.
    const copied = data !== null && !full;
    const at = this.reserve(HEADER + (copied ? len : 0));
    const store = this.store!;
    store[at] = (isOrig ? ORIG : 0) | (data === null ? GAP : copied ? 0 : VIEW);
    putDouble(store, at + 1, seq);
    putDouble(store, at + 9, len);
    if (copied) store.set(data, at + HEADER);
    else if (data !== null) this.last = data;
    if (full) return this.settings.dpd_match_only_beginning ? State.Skipping : State.MatchingOnly;
    return State.Buffering;
  }

  /** Makes room for `n` more bytes in the store; where they go. What was written stays where it is (a new store copies it). */
  private reserve(n: number): number {
    const at = this.used;
    const need = at + n;
    const store = this.store;
    if (store === null || need > store.length) {
      let capacity = store === null ? FIRST_STORE : 2 * store.length;
      while (capacity < need) capacity *= 2;
      const grown = takeStore(capacity);
      if (store !== null) {
        store.copy(grown, 0, 0, at);
        this.release(store);
      }
      this.store = grown;
    }
    this.used = need;
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
    if (this.store !== null) this.release(this.store);
    this.store = null;
    this.used = 0;
    this.last = null;
  }

  /** A store this PIA no longer uses goes back to the shelf, unless a replay may still be reading it. */
  private release(store: Buffer): void {
    if (this.replaying === 0) giveBack(store);
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
    if (this.match(isOrig, data, data.length) && next === State.Buffering && !this.holdBuffer && !this.stillUseful()) next = State.Skipping;
    this.settle(next);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.state !== State.Buffering || !this.active) return;
    // A gap is buffered (and replayed as one); only the chunk count limits it.
    this.settle(this.buffer(isOrig, seq, null, len));
  }

  endOfData(_isOrig: boolean): void {}

  protected replayData(instance: AnalyzerInstance, isOrig: boolean, seq: number, data: Uint8Array): void {
    instance.deliverStream(isOrig, seq, data);
  }

  protected replayGap(instance: AnalyzerInstance, isOrig: boolean, seq: number, len: number): void {
    instance.undelivered(isOrig, seq, len);
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
    this.match(isOrig, data, data.length);
    this.settle(next);
  }

  protected replayData(instance: AnalyzerInstance, isOrig: boolean, _seq: number, data: Uint8Array): void {
    instance.deliverPacket(isOrig, data);
  }

  protected replayGap(): void {}
}
