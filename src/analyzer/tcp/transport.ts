/**
 * The TCP analyzer's registration with the session layer (Zeek's
 * TCPAnalyzer as an IPBasedAnalyzer): ports from the header, Zeek's
 * WantConnection and IsReuse rules, a TcpConn per connection.
 */
import { IPPROTO_TCP } from "../../packet/ip-protocols.js";
import type { Packet } from "../../packet/packet.js";
import type { Conn } from "../../session/connection.js";
import type { TransportAnalyzer } from "../../session/transport.js";
import { TcpConn, tcpWantsConnection } from "./tcp-conn.js";

const TCP_MIN_HEADER = 20;

export const TCP_TRANSPORT: TransportAnalyzer = {
  name: "TCP",
  protocols: [IPPROTO_TCP],
  minHeader: TCP_MIN_HEADER,
  portsInHeader: true,
  keyPorts: null,
  // The data offset, never below the fixed header.
  headerLength: (pkt: Packet) => Math.max(TCP_MIN_HEADER, (pkt.data[pkt.l4Offset + 12]! >> 4) * 4),
  wanted: tcpWantsConnection,
  isReuse: (conn: Conn, pkt: Packet) => (conn as TcpConn).isReuse(pkt),
  create: (services, pkt, sport, dport) => new TcpConn(services, pkt, sport, dport),
};
