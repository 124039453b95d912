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
 * - a PIA that stops leaves the connection: from then on it costs nothing.
 */
import type { EngineSettings } from "../../options.js";
import { latin1 } from "../../packet/bytes.js";
import type { AppAnalyzer } from "./analyzer.js";
import type { AnalyzerInstance } from "./instance.js";
import type { CompiledSignature } from "./signature.js";

const enum State {
  Buffering,
  MatchingOnly,
  Skipping,
}

/**
 * A buffered chunk of `len` bytes at `seq`: its data (a copy), or on a
 * stream its offset `at` in the side's text (which holds the same bytes);
 * a gap when it has neither (data null, at -1).
 */
interface Chunk {
  isOrig: boolean;
  seq: number;
  data: Uint8Array | null;
  at: number;
  len: number;
}

/** What a PIA needs from its connection's tree. */
export interface PiaTree {
  /** Starts the analyzer `name` (a signature's `enable`); the new instance, or null (unknown, inactive, already there). */
  activateByName(name: string): AnalyzerInstance | null;
  /** The PIA is done: it leaves the connection. */
  piaDone(): void;
}

/**
 * Per signature list (a registry compiles one per transport): for a side
 * (index isOrig ? 0 : 1) whose stream starts with byte b, at [side * 256 + b]
 * the signatures that can match there at all; and the bytes any of them can
 * start with. Kept beside the list so that connections share them.
 */
interface SignatureTables {
  candidates: (readonly CompiledSignature[] | undefined)[];
  anyFirst: Uint8Array;
}

const tables = new WeakMap<readonly CompiledSignature[], SignatureTables>();

function tablesOf(sigs: readonly CompiledSignature[]): SignatureTables {
  let t = tables.get(sigs);
  if (t === undefined) {
    const anyFirst = new Uint8Array(256);
    for (const s of sigs) for (let b = 0; b < 256; b++) if (s.first === null || s.first[b] === 1) anyFirst[b] = 1;
    t = { candidates: new Array(512).fill(undefined), anyFirst };
    tables.set(sigs, t);
  }
  return t;
}

/**
 * Which signatures matched on each side of one connection, with Zeek's rule
 * semantics: a signature fires once per connection; one whose pattern
 * matched while a required signature had not waits for it.
 */
class SignatureMatcher {
  /** Fired signature ids per side ([orig, resp]); created on the first fire. */
  private fired: [Set<string>, Set<string>] | null = null;
  /** Signatures whose pattern matched but whose requirement did not yet, per side; created when needed. */
  private waiting: [CompiledSignature[], CompiledSignature[]] | null = null;
  /** The first byte each side sent (-1: none yet), for `stillUseful`. */
  private readonly firstByte = [-1, -1];
  private readonly tables: SignatureTables;
  /**
   * On a stream, the signatures that can match on each side given the byte
   * it started with (all of them until it sent one): the others need not be
   * tested again. A datagram is matched on its own, so there it stays all.
   */
  private readonly sideSigs: [readonly CompiledSignature[], readonly CompiledSignature[]];

  constructor(
    private readonly sigs: readonly CompiledSignature[],
    private readonly enable: (name: string) => void,
    private readonly stream: boolean,
  ) {
    this.tables = tablesOf(sigs);
    this.sideSigs = [sigs, sigs];
  }

  /** False when no signature can start with `byte` (a datagram starting with it cannot match any). */
  mayStartWith(byte: number): boolean {
    return this.tables.anyFirst[byte] === 1;
  }

  private hasFired(side: number, id: string): boolean {
    return this.fired !== null && this.fired[side]!.has(id);
  }

  private isWaiting(side: number, s: CompiledSignature): boolean {
    return this.waiting !== null && this.waiting[side]!.includes(s);
  }

  /** Tests every signature not yet fired against `text` (a side's data), `size` for payload-size conditions. */
  match(isOrig: boolean, text: string, size: number): void {
    const side = isOrig ? 0 : 1;
    if (this.firstByte[side] === -1 && text.length > 0) {
      const first = text.charCodeAt(0);
      this.firstByte[side] = first;
      if (this.stream) this.sideSigs[side] = this.candidates(isOrig, first);
    }
    // Signatures with the same payload (IRC's server-to-server pair) test it once.
    let lastPattern: RegExp | null = null;
    let lastResult = false;
    for (const s of this.sideSigs[side]) {
      const id = s.sig.id;
      if (this.hasFired(side, id) || this.hasFired(1 - side, id) || this.isWaiting(side, s)) continue;
      if (!s.conditionsHold(isOrig, size)) continue;
      if (s.pattern !== lastPattern) {
        lastPattern = s.pattern;
        lastResult = s.pattern.test(text);
      }
      if (lastResult) this.tryFire(s, side);
    }
  }

  /** The signatures that can match on a side whose stream starts with `first` (shared by the connections). */
  private candidates(isOrig: boolean, first: number): readonly CompiledSignature[] {
    const at = (isOrig ? 0 : 256) + first;
    let list = this.tables.candidates[at];
    if (list === undefined) this.tables.candidates[at] = list = this.sigs.filter((s) => s.couldMatch(isOrig, first));
    return list;
  }

  /**
   * Whether some signature that starts an analyzer can still fire, given the
   * first bytes the sides sent: when none can, DPD has nothing left to do on
   * this connection and stops (the same outcome as matching on, sooner).
   */
  stillUseful(): boolean {
    for (const s of this.sigs) {
      if (s.sig.enable === undefined || this.hasFired(0, s.sig.id) || this.hasFired(1, s.sig.id)) continue;
      if (this.satisfiable(s, 0, 0) || this.satisfiable(s, 1, 0)) return true;
    }
    return false;
  }

  /** Whether signature `s` has fired or may still fire on `side` (its requirements too). */
  private satisfiable(s: CompiledSignature, side: number, depth: number): boolean {
    if (this.hasFired(side, s.sig.id)) return true;
    if (depth > 4 || !s.couldMatch(side === 0, this.firstByte[side]!)) return false;
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

  /**
   * Buffers one chunk: data copied, or (a stream's) found at offset `at` of
   * the side's text, or a gap (data null, `at` -1); returns the state to
   * take after matching it.
   */
  protected buffer(isOrig: boolean, seq: number, data: Uint8Array | null, len: number, at = -1): State {
    if (this.state !== State.Buffering) return this.state;
    if (data !== null || at >= 0) this.size += len;
    const full = this.size > this.bufferSize || this.chunks.length + 1 > this.maxChunks;
    // The chunk that fills the buffer is replayed only while it is being
    // matched (settle drops the buffer right after), so it needs no copy.
    this.chunks.push({ isOrig, seq, data: data === null ? null : full ? data : data.slice(), at, len });
    if (full) return this.onlyBeginning ? State.Skipping : State.MatchingOnly;
    return State.Buffering;
  }

  /** Takes the state decided for the chunk just matched; a PIA that skips from now on leaves the connection. */
  protected settle(next: State): void {
    this.state = next;
    if (next === State.Buffering) return;
    this.chunks = [];
    if (next === State.Skipping && this.active) {
      this.active = false;
      this.released();
      this.tree.piaDone();
    }
  }

  /** Frees what matching kept (the TCP PIA's per-side text). */
  protected released(): void {}

  done(): void {
    this.active = false;
    this.chunks = [];
    this.released();
  }
}

/** DPD on a TCP connection's reassembled streams (a stream consumer of ConnStreams). */
export class StreamPia extends PiaBase implements AppAnalyzer {
  /** Each side's stream so far as latin1 text: patterns match from its start. */
  private origText = "";
  private respText = "";

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.state === State.Skipping || !this.active) return;
    const before = (isOrig ? this.origText : this.respText).length;
    const first = before === 0;
    // The side's text keeps the chunk's bytes: the buffer notes where (no copy).
    let next = this.buffer(isOrig, seq, null, data.length, before);
    let text: string;
    if (isOrig) text = this.origText += latin1(data);
    else text = this.respText += latin1(data);
    this.matcher.match(isOrig, text, data.length);
    // A side's first bytes can rule out every signature: then stop at once.
    if (first && next === State.Buffering && !this.matcher.stillUseful()) next = State.Skipping;
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
      if (c.at >= 0) {
        const text = c.isOrig ? this.origText : this.respText;
        const bytes = new Uint8Array(c.len);
        for (let k = 0; k < c.len; k++) bytes[k] = text.charCodeAt(c.at + k);
        instance.deliverStream(c.isOrig, c.seq, bytes);
      } else if (c.data !== null) instance.deliverStream(c.isOrig, c.seq, c.data);
      else instance.undelivered(c.isOrig, c.seq, c.len);
    }
  }

  protected override released(): void {
    this.origText = this.respText = "";
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
    // Most datagrams (DNS…) start with a byte no UDP signature starts with: then none can match it.
    if (data.length === 0 || this.matcher.mayStartWith(data[0]!)) this.matcher.match(isOrig, latin1(data), data.length);
    this.settle(next);
  }

  protected replay(instance: AnalyzerInstance): void {
    for (const c of this.chunks) {
      if (!instance.active) return;
      if (c.data !== null) instance.deliverPacket(c.isOrig, c.data);
    }
  }
}
