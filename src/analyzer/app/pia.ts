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
import type { AppAnalyzer } from "./analyzer.js";
import type { AnalyzerInstance } from "./instance.js";
import { latin1, type CompiledSignature } from "./signature.js";

const enum State {
  Buffering,
  MatchingOnly,
  Skipping,
}

/** A buffered chunk: data (a copy), or a gap of `len` bytes at `seq` when data is null. */
interface Chunk {
  isOrig: boolean;
  seq: number;
  data: Uint8Array | null;
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
 * Which signatures matched on each side of one connection, with Zeek's rule
 * semantics: a signature fires once per connection; one whose pattern
 * matched while a required signature had not waits for it.
 */
class SignatureMatcher {
  /** Fired signature ids per side ([orig, resp]). */
  private readonly fired: [Set<string>, Set<string>] = [new Set(), new Set()];
  /** Signatures whose pattern matched but whose requirement did not yet, per side. */
  private readonly waiting: [CompiledSignature[], CompiledSignature[]] = [[], []];

  constructor(
    private readonly sigs: readonly CompiledSignature[],
    private readonly enable: (name: string) => void,
  ) {}

  /** Tests every signature not yet fired against `text` (a side's data), `size` for payload-size conditions. */
  match(isOrig: boolean, text: string, size: number): void {
    const side = isOrig ? 0 : 1;
    for (const s of this.sigs) {
      const id = s.sig.id;
      if (this.fired[side].has(id) || this.fired[1 - side]!.has(id) || this.waiting[side].includes(s)) continue;
      if (!s.conditionsHold(isOrig, size) || !s.pattern.test(text)) continue;
      this.tryFire(s, side);
    }
  }

  private requirementsMet(s: CompiledSignature, side: number): boolean {
    const sig = s.sig;
    if (sig.requires !== undefined && !this.fired[side]!.has(sig.requires)) return false;
    if (sig.requiresReverse !== undefined && !this.fired[1 - side]!.has(sig.requiresReverse)) return false;
    return true;
  }

  private tryFire(s: CompiledSignature, side: number): void {
    if (!this.requirementsMet(s, side)) {
      this.waiting[side]!.push(s);
      return;
    }
    const id = s.sig.id;
    if (this.fired[1 - side]!.has(id)) return; // already fired for the connection
    this.fired[side]!.add(id);
    if (s.sig.enable !== undefined) this.enable(s.sig.enable);
    // Signatures that waited for this one may fire now, on either side.
    for (let w = 0; w < 2; w++) {
      const list = this.waiting[w]!;
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
  ) {
    this.bufferSize = settings.dpd_buffer_size;
    this.maxChunks = settings.dpd_max_packets;
    this.onlyBeginning = settings.dpd_match_only_beginning;
    this.matcher = new SignatureMatcher(sigs, (name) => this.enable(name));
  }

  /** A signature enabled `name`: start it and replay the buffer, unless the buffer is already gone. */
  private enable(name: string): void {
    if (this.state !== State.Buffering) return; // Zeek: "analyzer found but buffer already exceeded"
    const instance = this.tree.activateByName(name);
    if (instance !== null) this.replay(instance);
  }

  protected abstract replay(instance: AnalyzerInstance): void;

  /** Buffers one chunk (data copied, or a gap); returns the state to take after matching it. */
  protected buffer(isOrig: boolean, seq: number, data: Uint8Array | null, len: number): State {
    if (this.state !== State.Buffering) return this.state;
    this.chunks.push({ isOrig, seq, data: data === null ? null : data.slice(), len });
    if (data !== null) this.size += len;
    if (this.size > this.bufferSize || this.chunks.length > this.maxChunks) return this.onlyBeginning ? State.Skipping : State.MatchingOnly;
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
  /** Each side's stream so far as latin1 text ([orig, resp]): patterns match from its start. */
  private text: [string, string] = ["", ""];

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.state === State.Skipping || !this.active) return;
    const next = this.buffer(isOrig, seq, data, data.length);
    const side = isOrig ? 0 : 1;
    this.text[side] += latin1(data);
    this.matcher.match(isOrig, this.text[side]!, data.length);
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
      if (c.data !== null) instance.deliverStream(c.isOrig, c.seq, c.data);
      else instance.undelivered(c.isOrig, c.seq, c.len);
    }
  }

  protected override released(): void {
    this.text = ["", ""];
  }
}

/** DPD on a UDP flow's datagrams. */
export class DatagramPia extends PiaBase {
  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    if (this.state === State.Skipping || !this.active) return;
    const next = data.length > 0 ? this.buffer(isOrig, 0, data, data.length) : this.state;
    this.matcher.match(isOrig, latin1(data), data.length);
    this.settle(next);
  }

  protected replay(instance: AnalyzerInstance): void {
    for (const c of this.chunks) {
      if (!instance.active) return;
      if (c.data !== null) instance.deliverPacket(c.isOrig, c.data);
    }
  }
}
