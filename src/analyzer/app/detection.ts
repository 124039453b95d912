/**
 * Protocol detection in the middle of a stream (Zeek's child PIA_TCP): after
 * a protocol that carries another one (SOCKS once both sides finished their
 * handshake, HTTP after a successful CONNECT or an Upgrade without an
 * analyzer of its own), the rest of the stream is matched against the DPD
 * signatures as if it started there. The analyzers a signature enables
 * become children of the carrying analyzer (so their confirmation adds
 * `socks,http`, `http,ssl` to the service) and get the buffered bytes
 * replayed, then the stream as the carrier forwards it.
 */
import type { EngineSettings } from "../../options.js";
import type { ChildStream } from "./analyzer.js";
import type { AnalyzerInstance } from "./instance.js";
import { type PiaTree, StreamPia } from "./pia.js";
import type { CompiledSignature } from "./signature.js";

export class DetectionStream implements ChildStream, PiaTree {
  private readonly pia: StreamPia;
  private matching = true;
  /** The analyzers the signatures started, in order (removed ones pruned as met). */
  private found: AnalyzerInstance[] = [];

  constructor(
    private readonly carrier: AnalyzerInstance,
    sigs: readonly CompiledSignature[],
    settings: EngineSettings,
  ) {
    this.pia = new StreamPia(this, sigs, settings);
  }

  get active(): boolean {
    if (!this.carrier.active) return false;
    if (this.matching) return true;
    for (const a of this.found) if (a.active) return true;
    return false;
  }

  activateByName(name: string): AnalyzerInstance | null {
    const instance = this.carrier.childInstance(name);
    if (instance !== null) this.found.push(instance);
    return instance;
  }

  piaDone(): void {
    this.matching = false;
  }

  lateMatch(name: string): void {
    this.carrier.lateMatch(name);
  }

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    // Analyzers the PIA starts on this chunk get it by the replay: only those there before it are fed.
    const before = this.found.length;
    if (this.matching) this.pia.deliverStream(isOrig, seq, data);
    this.each(before, (a) => a.deliverStream(isOrig, seq, data));
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    const before = this.found.length;
    if (this.matching) this.pia.undelivered(isOrig, seq, len);
    this.each(before, (a) => a.undelivered(isOrig, seq, len));
  }

  endOfData(isOrig: boolean): void {
    this.each(this.found.length, (a) => a.endOfData(isOrig));
  }

  /** The carrier drops the detection: it matches no more, and the analyzers it started are removed. */
  remove(): void {
    this.matching = false;
    for (const a of this.found) a.remove();
  }

  private each(count: number, call: (a: AnalyzerInstance) => void): void {
    let pruned = false;
    for (let i = 0; i < count; i++) {
      const a = this.found[i]!;
      if (a.active) call(a);
      else pruned = true;
    }
    if (pruned) this.found = this.found.filter((a) => a.active);
  }
}
