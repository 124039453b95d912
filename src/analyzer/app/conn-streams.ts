/**
 * The consumers of one TCP connection's reassembled streams: its application
 * analyzers (the tree: by expectation, by port, by DPD signature through the
 * PIA) and its contents files (setContentsFile). The TCP analyzer creates
 * this only when a connection gets its first consumer and hands it every
 * in-order delivery, gap, end of a side, and the removal.
 *
 * Consumers added or removed while a delivery is under way take effect after
 * it (an analyzer the PIA starts has been replayed the buffer, this chunk
 * included). An analyzer that throws is reported as a violation and removed
 * (see instance.ts); the engine carries on.
 */
import type { AppAnalyzer } from "./analyzer.js";
import type { AnalyzerInstance, AnalyzerOwner } from "./instance.js";
import { StreamPia } from "./pia.js";
import type { AnalyzerRegistry, StreamTap } from "./registry.js";
import type { CompiledSignature } from "./signature.js";
import { AnalyzerTree } from "./tree.js";

/** What the connection offers its stream consumers (the TCP connection implements it). */
export type StreamOwner = AnalyzerOwner;

/** Where a contents file writes: Zeek's CONTENTS_ORIG (1), CONTENTS_RESP (2), CONTENTS_BOTH (3). */
export const CONTENTS_ORIG = 1;
export const CONTENTS_RESP = 2;
export const CONTENTS_BOTH = 3;

/** A consumer that writes a direction's stream to a file (see tcp/contents-file.ts). */
export interface ContentsSink extends AppAnalyzer {
  readonly path: string;
  /** CONTENTS_ORIG, CONTENTS_RESP or CONTENTS_BOTH. */
  readonly directions: number;
}

/** A PIA's signatures when it only buffers for user signatures' `enable`. */
const NO_SIGNATURES: readonly CompiledSignature[] = [];

/** each()'s length for the end of a side rather than a gap. */
const END_OF_DATA = -1;

export class ConnStreams extends AnalyzerTree {
  /** Who gets the bytes, in order: analyzers, the PIA, contents files. */
  private consumers: AppAnalyzer[] = [];
  /** The contents file of each side: [orig, resp] (the same sink for CONTENTS_BOTH). */
  private readonly files: [ContentsSink | null, ContentsSink | null] = [null, null];
  private pia: StreamPia | null = null;
  /** Deliveries under way (a nested one may come from a consumer's side effects). */
  private delivering = 0;
  /** The consumer list changed during a delivery: rebuilt after it. */
  private dirty = false;
  private pendingAdds: AppAnalyzer[] | null = null;
  /** Deliveries some consumer took (the recorder asks whether a packet's payload was used). */
  deliveriesTaken = 0;

  constructor(owner: StreamOwner, registry: AnalyzerRegistry | null = null) {
    super(owner, registry, false);
  }

  /**
   * Starts DPD on this connection when signatures are loaded (after the port
   * analyzers: Zeek's tree order), and the user signatures' matching when
   * some are (bronze -s: in Zeek the PIA matches them too).
   */
  startPia(): void {
    const tap = this.registry?.streamTap;
    if (tap != null) return this.startPiaAndTap(tap);
    const sigs = this.registry?.signaturesFor(false);
    if (sigs === null || sigs === undefined || this.pia !== null) return;
    this.pia = new StreamPia(this, sigs, this.owner.ctx.settings);
    this.add(this.pia);
  }

  /**
   * With user signatures: the PIA (one with no DPD signature when some user
   * signature enables an analyzer, so that there is a buffer to replay),
   * then the user signatures' consumer. Runs once per connection.
   */
  private startPiaAndTap(tap: StreamTap): void {
    const sigs = this.registry?.signaturesFor(false) ?? (tap.holdsDpdBuffer ? NO_SIGNATURES : null);
    if (sigs !== null && this.pia === null) {
      this.pia = new StreamPia(this, sigs, this.owner.ctx.settings);
      this.pia.holdBuffer = tap.holdsDpdBuffer;
      this.add(this.pia);
    }
    this.add(tap.consumer(this.owner));
  }

  enableForSignature(name: string): void {
    if (this.pia?.active === true) this.pia.enable(name);
    else this.activateByName(name);
  }

  /** A signature's analyzer starts (Zeek's PIA_TCP::ActivateAnalyzer): the connection's reassembly is on from now, if it was not. */
  override activateByName(name: string): AnalyzerInstance | null {
    const instance = super.activateByName(name);
    if (instance !== null) this.owner.reassemblyOn?.();
    return instance;
  }

  /** True when the connection has analyzers or a PIA still interested (not just contents files). */
  get analyzing(): boolean {
    return this.instances.length > 0 || this.pia?.active === true;
  }

  protected attach(instance: AnalyzerInstance): void {
    this.add(instance);
  }

  protected detachInstance(instance: AnalyzerInstance): void {
    this.drop(instance);
  }

  /** The PIA stopped matching: it leaves the consumers. */
  piaDone(): void {
    if (this.pia !== null) this.drop(this.pia);
  }

  /** True once a consumer other than the PIA joined: the reassemblers must keep every out-of-order byte. */
  needsWholeStreams = false;

  private add(consumer: AppAnalyzer): void {
    if (consumer !== this.pia && !this.needsWholeStreams) {
      this.needsWholeStreams = true;
      this.owner.streamsWhole?.();
    }
    if (this.delivering > 0) {
      (this.pendingAdds ??= []).push(consumer);
      this.dirty = true;
    } else this.consumers.push(consumer);
  }

  private drop(consumer: AppAnalyzer): void {
    if (this.delivering > 0) {
      this.dirty = true;
      const dropped = (this.dropped ??= []);
      if (!dropped.includes(consumer)) dropped.push(consumer);
      return;
    }
    const at = this.consumers.indexOf(consumer);
    if (at >= 0) this.consumers.splice(at, 1);
    if (this.consumers.length === 0) this.owner.streamsIdle?.();
  }

  /** Consumers removed during a delivery (created when needed; one or two: the PIA, an analyzer that failed). */
  private dropped: AppAnalyzer[] | null = null;

  /**
   * Applies the adds and drops that came during a delivery, in place: it
   * runs only once no delivery is under way, so no loop is reading the list.
   * (It runs whenever a PIA stops: on the realistic mix, new arrays,
   * closures and a Set here were 34 MB of the run's allocation.)
   */
  private settle(): void {
    if (!this.dirty || this.delivering > 0) return;
    this.dirty = false;
    const dropped = this.dropped;
    const list = this.consumers;
    if (dropped !== null) {
      this.dropped = null;
      let kept = 0;
      for (let i = 0; i < list.length; i++) if (!dropped.includes(list[i]!)) list[kept++] = list[i]!;
      list.length = kept;
    }
    const adds = this.pendingAdds;
    if (adds !== null) {
      this.pendingAdds = null;
      for (let i = 0; i < adds.length; i++) if (dropped === null || !dropped.includes(adds[i]!)) list.push(adds[i]!);
    }
    if (list.length === 0) this.owner.streamsIdle?.();
  }

  /** Writes the stream(s) of `directions` to `sink` from now on, replacing (and closing) a file set before. */
  setContentsFile(directions: number, sink: ContentsSink): void {
    for (let side = 0; side < 2; side++) {
      if ((directions & (side === 0 ? CONTENTS_ORIG : CONTENTS_RESP)) === 0) continue;
      const old = this.files[side]!;
      this.files[side] = sink;
      if (old !== null && this.files[0] !== old && this.files[1] !== old) this.detach(old);
    }
    this.add(sink);
  }

  /** True while a contents file is set for either side. */
  get hasContentsFile(): boolean {
    return this.files[0] !== null || this.files[1] !== null;
  }

  /** The contents file of one side (CONTENTS_ORIG or CONTENTS_RESP), if any. */
  contentsFile(side: number): ContentsSink | null {
    return side === CONTENTS_ORIG ? this.files[0] : side === CONTENTS_RESP ? this.files[1] : null;
  }

  /** Whether a consumer takes one side's bytes now (a removed analyzer, or a PIA done matching, no longer does). */
  takes(isOrig: boolean): boolean {
    const list = this.consumers;
    for (let i = 0; i < list.length; i++) if (this.wantsSide(list[i]!, isOrig)) return true;
    return false;
  }

  /** In-order bytes `data[offset .. offset+len)` of one side (a view is handed on, not a copy). */
  deliver(isOrig: boolean, seq: number, data: Uint8Array, offset: number, len: number): void {
    const list = this.consumers;
    if (list.length === 0) return;
    // A buffered block is delivered whole: it is its own view (a subarray is an object per delivery).
    const view = offset === 0 && len === data.length ? data : data.subarray(offset, offset + len);
    this.delivering++;
    try {
      let taken = false;
      for (let i = 0; i < list.length; i++) {
        const c = list[i]!;
        if (!this.wantsSide(c, isOrig)) continue;
        taken = true;
        c.deliverStream(isOrig, seq, view);
      }
      if (taken) this.deliveriesTaken++;
    } finally {
      this.delivering--;
      this.settle();
    }
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    this.each(isOrig, seq, len);
  }

  endOfData(isOrig: boolean): void {
    this.each(isOrig, 0, END_OF_DATA);
  }

  /** A packet with RST: each consumer that listens for it hears it (HTTP ends its messages). */
  packetWithRst(): void {
    const list = this.consumers;
    this.delivering++;
    try {
      for (let i = 0; i < list.length; i++) list[i]!.packetWithRst?.();
    } finally {
      this.delivering--;
      this.settle();
    }
  }

  /** A side's gap of `len` bytes at `seq` to each consumer of it, or with `len` END_OF_DATA its end (no closure per call). */
  private each(isOrig: boolean, seq: number, len: number): void {
    const list = this.consumers;
    this.delivering++;
    try {
      for (let i = 0; i < list.length; i++) {
        const c = list[i]!;
        if (!this.wantsSide(c, isOrig)) continue;
        if (len === END_OF_DATA) c.endOfData(isOrig);
        else c.undelivered(isOrig, seq, len);
      }
    } finally {
      this.delivering--;
      this.settle();
    }
  }

  /** The connection is removed: every consumer's `done`, once. */
  done(): void {
    if (this.finished) return;
    const list = this.consumers;
    this.consumers = [];
    this.files[0] = this.files[1] = null;
    this.doneAll();
    for (const c of list) if (!isInstance(c)) guardedDone(c, this.owner);
  }

  /** Detaches a contents file (replaced, failed) and runs its `done`. */
  detach(consumer: AppAnalyzer): void {
    for (let side = 0; side < 2; side++) if (this.files[side] === consumer) this.files[side] = null;
    this.drop(consumer);
    guardedDone(consumer, this.owner);
  }

  /** A removed analyzer or a PIA done matching takes no more bytes; a contents file only its side(s). */
  private wantsSide(c: AppAnalyzer, isOrig: boolean): boolean {
    if (this.dropped?.includes(c)) return false;
    if (!isContentsSink(c)) return true;
    return this.files[isOrig ? 0 : 1] === c;
  }
}

function isContentsSink(c: AppAnalyzer): c is ContentsSink {
  return typeof (c as Partial<ContentsSink>).directions === "number";
}

function isInstance(c: AppAnalyzer): boolean {
  return typeof (c as Partial<AnalyzerInstance>).confirm === "function";
}

function guardedDone(c: AppAnalyzer, owner: AnalyzerOwner): void {
  try {
    c.done();
  } catch (err) {
    owner.weird("analyzer_error", err instanceof Error ? err.message : String(err));
  }
}
