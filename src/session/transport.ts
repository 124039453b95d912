/**
 * How analyzers plug into the session layer (Zeek's IPBasedAnalyzer and the
 * IP analyzer's dispatch by protocol number). The session layer keeps the
 * connection table, uids and timers and knows no protocol: each transport
 * analyzer (TCP, UDP, ICMP, unknown IP, in src/analyzer/) registers a
 * `TransportAnalyzer` that says how a packet of its protocols is keyed, when
 * it may start a connection and in which direction, when it starts a new one
 * on an old key, and how the connection is built. Packet-level analyzers
 * without connections (IP-in-IP and GRE decapsulation) register a
 * `PacketAnalyzer` for their protocol numbers instead.
 *
 * Registration happens once, when the engine is built; per packet the
 * session layer reads the analyzer from a table indexed by protocol number.
 */
import type { Packet } from "../packet/packet.js";
import type { Conn, SessionServices } from "./connection.js";

export interface TransportAnalyzer {
  /** Zeek's analyzer name ("TCP"): weird.log's source for its header truncation weirds. */
  readonly name: string;
  /** The IP protocol numbers it analyzes; empty for the fallback analyzer of every protocol nobody registered (Zeek's unknown-IP one). */
  readonly protocols: readonly number[];
  /** The fixed header a packet must carry (Zeek's CheckHeaderTrunc), 0 for none. */
  readonly minHeader: number;
  /** The key ports are the header's first two 16-bit fields (source and destination port: TCP, UDP). */
  readonly portsInHeader: boolean;
  /**
   * The key ports of a packet without port fields (ICMP: its type and the
   * counterpart type), packed without allocation: bits 0–15 the source
   * port, bits 16–30 the destination port, negative for a one-way key (not
   * canonicalised: both directions are not the same connection). Null when
   * the ports come from the header or are 0.
   */
  readonly keyPorts: ((pkt: Packet) => number) | null;
  /** This packet's transport header length (for header-only trace recording); null: `minHeader`. */
  readonly headerLength: ((pkt: Packet) => number) | null;
  /**
   * Zeek's WantConnection: null when no connection may start with this
   * packet, else whether its roles are flipped at creation (its source is the server).
   */
  wanted(services: SessionServices, pkt: Packet, sport: number, dport: number): boolean | null;
  /** Zeek's IsReuse: `pkt` starts a new connection on `conn`'s key (the old one is removed first); null: never. */
  readonly isReuse: ((conn: Conn, pkt: Packet) => boolean) | null;
  /** Zeek's MakeSessionAdapter: the connection `pkt` starts (not yet in the table, roles as the packet has them). */
  create(services: SessionServices, pkt: Packet, sport: number, dport: number, oneWay: boolean): Conn;
}

/** An analyzer of whole IP payloads that makes no connection of its own (IP tunnels). */
export interface PacketAnalyzer {
  readonly protocols: readonly number[];
  process(pkt: Packet): void;
}

/** Decapsulates tunnels carried by a connection's payload (UDP tunnels: the UDP analyzer asks through SessionServices.tunnel). */
export interface TunnelDecapsulator {
  /** The UDP ports of its tunnels: likely server ports in every configuration (Zeek's init-bare registers them). */
  readonly udpServerPorts: readonly number[];
  /**
   * The inner packet of `outer`'s packet as a tunnel of `kind` (the
   * decapsulator's own numbering); false when it was not one, null when that
   * tunnel's analyzer is switched off (nothing was tried: a flow probed for
   * Teredo by content is probed again once it is back on).
   */
  udp(outer: Conn, pkt: Packet, kind: number): boolean | null;
}
