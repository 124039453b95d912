/**
 * What the engine used of the packet it is processing: the decision behind
 * trace recording (`-w`), where each packet is written whole, header-only or
 * not at all "as the analysis decided" (Bro's record_current_packet and
 * record_current_content, which its analyzers set while processing a packet).
 *
 * One object per engine, reset when a packet enters it (engine.ts), raised by
 * the layers that look at the packet, read by the recorder once the packet
 * (and its events) are done: two number fields, nothing allocated per packet.
 * The rule:
 *
 *  - a packet that passed the capture filter starts as HEADERS: the engine
 *    saw it, so at least its headers belong in the trace. A non-IP packet
 *    (ARP, …) stays there, and since bronze does not parse it, all of it is
 *    header (record/header-length.ts);
 *  - WHOLE when the payload was analysed: delivered to a stream consumer
 *    (tcp_contents, a contents file, an application analyzer), to a handler
 *    given payload (tcp_packet, rexmit_inconsistency, udp_contents), parsed by
 *    an analyzer (the DNS/NTP role checks, Teredo and GTP decapsulation, every
 *    ICMP message), held for reassembly (IP fragments); when a layer measured
 *    the packet by its captured bytes (Packet.lengthFromCapture); and when the
 *    packet was rejected with a weird: kept whole as evidence, as Bro's
 *    NetSessions::Weird marked such packets for its dump file (a header-only
 *    copy could not even be checked again);
 *  - NOTHING when the engine skipped it: a TCP packet for which no connection
 *    state may be created, a new connection refused at max_connections;
 *  - a script's override for the packet's connection (record/record-contents.ts)
 *    has the last word (decision()).
 *
 * `headerEnd` is where the deepest transport header the engine decoded ends,
 * as an offset in the source's buffer (a tunnelled packet's headers run
 * through its inner transport header: the session layer sets it for each
 * packet it dispatches, an inner one after its carrier); -1 when no layer set
 * it, in which case the recorder measures the headers itself.
 */
import type { Packet } from "./packet.js";

/** Not recorded. */
export const USE_NOTHING = 0;
/** Recorded up to the end of the transport header, the wire length kept. */
export const USE_HEADERS = 1;
/** Recorded as captured. */
export const USE_WHOLE = 2;

export type PacketUseLevel = typeof USE_NOTHING | typeof USE_HEADERS | typeof USE_WHOLE;

/** What PacketUse needs of a connection: the script's override (record/record-contents.ts), 0 for none. */
export interface RecordOverride {
  readonly recordOverride: PacketUseLevel;
}

export class PacketUse {
  level: PacketUseLevel = USE_HEADERS;
  headerEnd = -1;
  /** The connection the packet was dispatched to (the innermost), or null. */
  conn: RecordOverride | null = null;
  /** The (innermost) packet dispatched to `conn`, its transport header at l4Offset: what TCP::raw_options reads. */
  transport: Packet | null = null;

  /** The level to record at: the override of the packet's connection if a script set one. */
  decision(): PacketUseLevel {
    const override = this.conn === null ? 0 : this.conn.recordOverride;
    return override !== 0 ? override : this.level;
  }

  /** The packet's payload was analysed, or the packet is evidence of a failed check. */
  whole(): void {
    this.level = USE_WHOLE;
  }

  /**
   * The IP layer's share of the rule, for `pkt` that it `accepted` or not:
   * a packet that stops there failed a check (evidence) or is a fragment held
   * for reassembly; a datagram completed from fragments used their payload;
   * a packet measured by its captured bytes (Packet.lengthFromCapture: an
   * 802.3 length, an IPv4 total length of 0 from segmentation offload) would
   * measure differently cut. All of these are whole. Returns `accepted`.
   */
  ipLayerDone(pkt: Packet, accepted: boolean): boolean {
    if (!accepted || pkt.reassembled || pkt.lengthFromCapture) this.level = USE_WHOLE;
    return accepted;
  }

  /** The engine dropped the packet without using it (and nothing else used it). */
  skipped(): void {
    if (this.level === USE_HEADERS) this.level = USE_NOTHING;
  }
}
