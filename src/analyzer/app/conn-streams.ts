/**
 * The consumers of one TCP connection's reassembled streams: the application
 * analyzers attached to it and its contents files (setContentsFile). The TCP
 * analyzer creates this only when a connection gets its first consumer and
 * hands it every in-order delivery, gap, end of a side, and the removal.
 *
 * A consumer that throws is treated like a protocol violation: detached (its
 * `done` runs), reported as a weird, and the engine carries on.
 */
import type { Connection } from "../../event/records.js";
import type { EventBus } from "../../event/bus.js";
import type { AppAnalyzer, AppAnalyzerHost, AppAnalyzerSpec } from "./analyzer.js";

/** What the connection offers its stream consumers (the TCP connection implements it). */
export interface StreamOwner {
  val(): Connection;
  weird(name: string, addl?: string, source?: string): void;
  readonly isPartial: boolean;
  readonly ctx: { readonly bus: EventBus };
}

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

export class ConnStreams {
  private consumers: AppAnalyzer[] = [];
  /** The contents file of each side: [orig, resp] (the same sink for CONTENTS_BOTH). */
  private readonly files: [ContentsSink | null, ContentsSink | null] = [null, null];
  private finished = false;

  constructor(private readonly owner: StreamOwner) {}

  /** Creates one analyzer of each spec for this connection. */
  attachAnalyzers(specs: readonly AppAnalyzerSpec[]): void {
    for (const spec of specs) {
      const host = new AnalyzerHost(this, this.owner);
      try {
        host.analyzer = spec.create(host);
        this.consumers.push(host.analyzer);
      } catch (err) {
        this.owner.weird("analyzer_error", `${spec.name}: ${errorText(err)}`);
      }
    }
  }

  /** Writes the stream(s) of `directions` to `sink` from now on, replacing (and closing) a file set before. */
  setContentsFile(directions: number, sink: ContentsSink): void {
    for (let side = 0; side < 2; side++) {
      if ((directions & (side === 0 ? CONTENTS_ORIG : CONTENTS_RESP)) === 0) continue;
      const old = this.files[side];
      this.files[side] = sink;
      if (old !== null && this.files[0] !== old && this.files[1] !== old) this.detach(old);
    }
    this.consumers.push(sink);
  }

  /** The contents file of one side (CONTENTS_ORIG or CONTENTS_RESP), if any. */
  contentsFile(side: number): ContentsSink | null {
    return side === CONTENTS_ORIG ? this.files[0] : side === CONTENTS_RESP ? this.files[1] : null;
  }

  /** Whether a consumer takes one side's bytes now (a detached analyzer no longer does). */
  takes(isOrig: boolean): boolean {
    const list = this.consumers;
    for (let i = 0; i < list.length; i++) if (this.wantsSide(list[i]!, isOrig)) return true;
    return false;
  }

  /** In-order bytes `data[offset .. offset+len)` of one side (a view is handed on, not a copy). */
  deliver(isOrig: boolean, seq: number, data: Uint8Array, offset: number, len: number): void {
    const list = this.consumers;
    if (list.length === 0) return;
    const view = data.subarray(offset, offset + len);
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (!this.wantsSide(c, isOrig)) continue;
      try {
        c.deliverStream(isOrig, seq, view);
      } catch (err) {
        this.failed(c, err);
        i--; // the list shrank
      }
    }
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    for (const c of this.consumers.slice()) if (this.wantsSide(c, isOrig)) this.guard(c, () => c.undelivered(isOrig, seq, len));
  }

  endOfData(isOrig: boolean): void {
    for (const c of this.consumers.slice()) if (this.wantsSide(c, isOrig)) this.guard(c, () => c.endOfData(isOrig));
  }

  /** The connection is removed: every consumer's `done`, once. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    const list = this.consumers;
    this.consumers = [];
    this.files[0] = this.files[1] = null;
    for (const c of list) this.callDone(c);
  }

  /** Detaches `consumer` (violation, error, replaced file) and runs its `done`. */
  detach(consumer: AppAnalyzer): void {
    const at = this.consumers.indexOf(consumer);
    if (at < 0) return;
    this.consumers.splice(at, 1);
    for (let side = 0; side < 2; side++) if (this.files[side] === consumer) this.files[side] = null;
    this.callDone(consumer);
  }

  /** A contents file gets only the side(s) it was set for, and only while it is that side's file. */
  private wantsSide(c: AppAnalyzer, isOrig: boolean): boolean {
    if (!isContentsSink(c)) return true;
    return this.files[isOrig ? 0 : 1] === c;
  }

  private guard(c: AppAnalyzer, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.failed(c, err);
    }
  }

  private failed(c: AppAnalyzer, err: unknown): void {
    this.owner.weird("analyzer_error", errorText(err));
    this.detach(c);
  }

  private callDone(c: AppAnalyzer): void {
    try {
      c.done();
    } catch (err) {
      this.owner.weird("analyzer_error", errorText(err));
    }
  }
}

function isContentsSink(c: AppAnalyzer): c is ContentsSink {
  return typeof (c as Partial<ContentsSink>).directions === "number";
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The host one analyzer talks to (confirmation into c.service, violations detach it). */
class AnalyzerHost implements AppAnalyzerHost {
  analyzer: AppAnalyzer | null = null;
  private confirmed = false;

  constructor(
    private readonly streams: ConnStreams,
    private readonly owner: StreamOwner,
  ) {}

  connection(): Connection {
    return this.owner.val();
  }

  confirm(service: string): void {
    if (this.confirmed) return;
    this.confirmed = true;
    this.owner.val().service.add(service);
  }

  /** Zeek raises analyzer_violation_info with the reason; bronze has no such event yet, so only the detaching happens. */
  violation(_reason: string): void {
    if (this.analyzer !== null) this.streams.detach(this.analyzer);
    this.analyzer = null;
  }

  isPartial(): boolean {
    return this.owner.isPartial;
  }

  weird(name: string, addl = ""): void {
    this.owner.weird(name, addl);
  }
}
