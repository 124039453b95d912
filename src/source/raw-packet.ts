/**
 * What a trace source hands to the engine: one captured packet.
 *
 * Sources reuse a single RawPacket object for every packet they deliver and
 * point `data`/`offset` into their own read buffer, so nothing is allocated or
 * copied per packet. A consumer must finish with the packet (or copy what it
 * keeps) before returning from the sink callback.
 */
export interface RawPacket {
  /** Capture time in seconds: `sec + usec / 1e6`, exactly Zeek's expression (Zeek's run_state packet loop). */
  ts: number;
  /** Bytes captured (present in `data` from `offset`). */
  caplen: number;
  /** Bytes on the wire (may exceed caplen when the snaplen cut the packet). */
  wirelen: number;
  /** pcap LINKTYPE_* of the interface the packet came from. */
  linktype: number;
  /** Buffer holding the packet bytes (shared with other packets; do not keep). */
  data: Uint8Array;
  /** Offset of the first packet byte in `data`. */
  offset: number;
}

/** Called once per packet; the packet object is reused by the source afterwards. */
export type PacketSink = (packet: RawPacket) => void;

/** Called by a live source when no packet came for a while: the wall-clock time, in seconds. */
export type IdleSink = (wallTime: number) => void;

/** What a source reports when it has delivered its last packet. */
export interface SourceSummary {
  packets: number;
  /** Set when the input ended inside a record: everything before it was delivered. */
  truncated: string | null;
}

/** libpcap's and Zeek's "netmask unknown" (PktSrc::NETMASK_UNKNOWN): a trace's, and a capture's whose lookup said so. */
export const NETMASK_UNKNOWN = 0xffffffff;

/** What Zeek's packet_source() tells of an open source beside its path. */
export interface SourceProperties {
  /** A live interface, not a trace. */
  readonly live: boolean;
  /** The pcap link type (DLT) the source gives, -1 while not known. */
  readonly linkType: number;
  /** The capture's IPv4 netmask as libpcap gives it, NETMASK_UNKNOWN for a trace. */
  readonly netmask: number;
}

/** A trace file, standard input or a live interface. */
export interface PacketSource {
  /** A human-readable name for messages (a path, "-", an interface name). */
  readonly name: string;
  /**
   * Delivers every packet to `sink`, in order, and resolves when the input
   * ends. A live source also calls `idle` with the wall-clock time while no
   * packets arrive, so that network time (and the timers on it) goes on
   * through a quiet link, as Zeek's main loop does in a lull.
   */
  run(sink: PacketSink, idle?: IdleSink): Promise<SourceSummary>;
  /**
   * Opens the source ahead of run (optional; run opens it otherwise). The
   * engine calls it before zeek_init, as Zeek opens its packet source first:
   * a live capture's link type is then known to packet_source() there, and
   * an interface that cannot be opened fails the run before any script starts.
   */
  open?(): void;
  /** Stops a live source (no-op for files once they have ended). */
  stop?(): void;
  /** How far the source has read, for a progress line (optional). */
  progress?(): SourceProgress;
  /** Its properties for packet_source() (optional; without it: a trace of unknown link type). */
  properties?(): SourceProperties;
}

/** Input consumed so far; for a compressed file both counts are compressed bytes. */
export interface SourceProgress {
  bytesRead: number;
  /** Size of the input when known (a regular file), null for a pipe. */
  totalBytes: number | null;
}

/** A file or stream that cannot be read as a trace: one clear message for the user. */
export class TraceError extends Error {
  override name = "TraceError";
}
