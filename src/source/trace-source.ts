/**
 * A trace file or stream as a PacketSource: the reader loop that alternates
 * "parse every complete record in the chunk" with "refill the chunk". The
 * loop awaits only when a stream input has to wait; a plain file is read with
 * synchronous reads from start to end.
 */
import type { ChunkBuffer } from "./chunk-buffer.js";
import {
  NETMASK_UNKNOWN,
  type PacketSink,
  type PacketSource,
  type SourceProgress,
  type SourceProperties,
  type SourceSummary,
  TraceError,
} from "./raw-packet.js";
import type { RecordParser } from "./record-parser.js";

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A trace's properties (of link type -1 while not known): libpcap knows no netmask for one. */
export function traceProperties(linkType = -1): SourceProperties {
  return { live: false, linkType, netmask: NETMASK_UNKNOWN };
}

export class TraceSource implements PacketSource {
  private ran = false;

  constructor(
    readonly name: string,
    readonly format: string,
    private readonly chunk: ChunkBuffer,
    readonly parser: RecordParser,
    /** The link type libpcap would give when opening it (-1 when not known). */
    private readonly linkType = -1,
  ) {}

  properties(): SourceProperties {
    return traceProperties(this.linkType);
  }

  /** Delivers every packet; a cut or corrupt tail ends the run with `truncated` set. */
  async run(sink: PacketSink): Promise<SourceSummary> {
    if (this.ran) throw new TraceError(`${this.name}: a trace source can be run only once`);
    this.ran = true;
    const chunk = this.chunk;
    const parser = this.parser;
    let truncated: string | null = null;
    try {
      chunk.startReadAhead();
      for (;;) {
        chunk.start = parser.parse(chunk.buf, chunk.start, chunk.end, chunk.base, sink);
        if (parser.stopped) break;
        if (parser.error !== null) {
          truncated = parser.error;
          break;
        }
        if (chunk.eof) {
          if (chunk.failure !== null) truncated = this.inputFailure(chunk.failure);
          else if (chunk.available > 0) truncated = this.cutMessage();
          break;
        }
        const pending = chunk.fill(parser.need);
        if (pending !== undefined) await pending;
        // A file is read without ever awaiting; yield once per chunk so signal
        // handlers (the CLI's SIGINT → stop()) and timers get to run.
        else await yieldToEventLoop();
      }
    } catch (err) {
      truncated = this.inputFailure(err);
    } finally {
      chunk.input.close();
    }
    return { packets: parser.packets, truncated };
  }

  /** Stops before the next packet (called from the sink or a signal handler); the summary is not truncated. */
  stop(): void {
    this.parser.stopped = true;
    // Also wakes a run waiting on a pipe that may never send more.
    this.chunk.input.close();
  }

  progress(): SourceProgress {
    return this.chunk.input.progress();
  }

  private cutMessage(): string {
    const c = this.chunk;
    const missing = this.parser.need - c.available;
    return `trace ends mid-record at byte ${c.position} (packet ${this.parser.packets + 1}): ${missing} byte${missing === 1 ? "" : "s"} missing`;
  }

  /** A read or decompression error after some packets: keep them, say what happened. */
  private inputFailure(err: unknown): string {
    const c = this.chunk;
    const what = err instanceof Error ? err.message : String(err);
    if (err instanceof TraceError) return what;
    const code = (err as { code?: unknown }).code;
    const gzip = typeof code === "string" && code.startsWith("Z_");
    const n = this.parser.packets;
    // Bytes of the next record already in hand: it is cut; none: the input broke between records.
    const where = c.available > 0 ? `packet ${n + 1} incomplete` : n > 0 ? `after packet ${n}` : "before the first packet";
    const after = `after ${c.position + c.available} ${gzip ? "decompressed " : ""}bytes (${where})`;
    return gzip ? `gzip data ends or breaks ${after}: ${what}` : `read error ${after}: ${what}`;
  }
}
