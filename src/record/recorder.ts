/**
 * Trace recording (`-w`): writes the packets the engine saw to a pcap file,
 * each either whole, header-only (cut after its transport header, the wire
 * length kept), or not at all. Which one is the engine's decision, made per
 * packet by the analysis (packet/packet-use.ts) and handed over as the mode:
 * pass a Recorder as the engine's `recorder`.
 *
 *   const rec = new Recorder("out.pcap");
 *   rec.record(raw);                        // whole (the default mode)
 *   rec.record(raw, "headers");             // cut after the transport header
 *   rec.record(raw, "headers", 54);         // cut after 54 bytes (headers the caller decoded)
 *   rec.close();
 *
 * The file is created at the first recorded packet, with that packet's link
 * type, unless `linktype` is given (pcap holds one link type per file); packets of another link type are
 * counted in `otherLinktype` and not written. Nothing is allocated per
 * packet: records are copied into the writer's buffer.
 */
import type { RawPacket } from "../source/raw-packet.js";
import { headersLength } from "./header-length.js";
import { PcapWriter } from "./pcap-writer.js";

/** How much of a packet is written. */
export type RecordMode = "whole" | "headers" | "none";

export interface RecorderOptions {
  /** Mode of record() without a mode (default "whole"). */
  defaultMode?: RecordMode;
  /** Snap length written in the file header; longer packets are cut to it (default 262144). */
  snaplen?: number;
  /** Create the file now with this link type (otherwise it is created at the first recorded packet). */
  linktype?: number;
}

export class Recorder {
  readonly defaultMode: RecordMode;
  /** Records written whole. */
  whole = 0;
  /** Records written header-only. */
  headersOnly = 0;
  /** Packets not written because their mode was "none". */
  skipped = 0;
  /** Packets not written because their link type differs from the file's. */
  otherLinktype = 0;
  private writer: PcapWriter | null = null;
  private closed = false;

  /** `target`: a path (created at the first packet) or an open file descriptor. */
  constructor(
    private readonly target: string | number,
    private readonly options: RecorderOptions = {},
  ) {
    this.defaultMode = options.defaultMode ?? "whole";
    if (options.linktype !== undefined) this.open(options.linktype);
  }

  /** The link type of the file, or null before the first packet. */
  get linktype(): number | null {
    return this.writer?.linktype ?? null;
  }

  /**
   * Writes `raw` in `mode`. For "headers", `headerBytes` may give the header
   * length the caller already decoded; otherwise it is measured here.
   */
  record(raw: RawPacket, mode: RecordMode = this.defaultMode, headerBytes = -1): void {
    if (this.closed) throw new Error("Recorder: record() after close()");
    if (mode === "none") {
      this.skipped++;
      return;
    }
    const writer = this.writer ?? this.open(raw.linktype);
    if (raw.linktype !== writer.linktype) {
      this.otherLinktype++;
      return;
    }
    let caplen = raw.caplen;
    if (mode === "headers") {
      caplen = Math.min(caplen, headerBytes >= 0 ? headerBytes : headersLength(raw));
      this.headersOnly++;
    } else {
      this.whole++;
    }
    writer.write(raw.ts, raw.data, raw.offset, caplen, raw.wirelen);
  }

  /** Records in the file so far (those still buffered, or after a failed write, left out). */
  get recorded(): number {
    return this.writer?.packetsFlushed ?? 0;
  }

  /** Writes buffered records to the file. */
  flush(): void {
    this.writer?.flush();
  }

  /** Flushes and closes the file. Without `linktype`, a recorder that recorded nothing creates no file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writer?.close();
  }

  private open(linktype: number): PcapWriter {
    this.writer = new PcapWriter(this.target, { linktype, snaplen: this.options.snaplen });
    return this.writer;
  }
}
