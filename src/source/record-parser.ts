/**
 * The contract between the reader loop (trace-source.ts) and a file format
 * (pcap.ts, pcapng.ts): the format walks as many complete records as the
 * buffer holds, delivering packets in place, and says how many bytes the next
 * record needs when it stops.
 */
import type { PacketSink } from "./raw-packet.js";

export interface RecordParser {
  /** "pcap" or "pcapng", for messages. */
  readonly format: string;
  /** Packets delivered so far. */
  packets: number;
  /**
   * After parse(): bytes the record at the returned position needs (more than
   * are available), or the header size when even that is missing.
   */
  need: number;
  /** Set when a record is malformed beyond reading on: the trace is corrupt from here. */
  error: string | null;
  /** Set by the source's stop(): parse() returns before the next record. */
  stopped: boolean;
  /**
   * Parses complete records in buf[start, end), delivering packets to `sink`,
   * and returns the position of the first record it could not finish.
   * `base` is the stream offset of buf[0] (for messages).
   */
  parse(buf: Uint8Array, start: number, end: number, base: number, sink: PacketSink): number;
}
