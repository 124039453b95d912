/**
 * The ICMP analyzer's registration with the session layer (Zeek's
 * ICMPAnalyzer as an IPBasedAnalyzer, ICMPv4 and ICMPv6): the key ports are
 * the message type and its counterpart's (or the code, for one-way
 * messages), no flip at creation, never reused.
 */
import { IPPROTO_ICMP, IPPROTO_ICMPV6 } from "../../packet/ip-protocols.js";
import type { Packet } from "../../packet/packet.js";
import type { TransportAnalyzer } from "../../session/transport.js";
import { IcmpConn, icmpKeyPorts } from "./icmp-conn.js";

export const ICMP_TRANSPORT: TransportAnalyzer = {
  name: "ICMP",
  protocols: [IPPROTO_ICMP, IPPROTO_ICMPV6],
  minHeader: 8,
  portsInHeader: false,
  keyPorts: (pkt: Packet) => icmpKeyPorts(pkt.data[pkt.l4Offset]!, pkt.data[pkt.l4Offset + 1]!, pkt.ipProto === IPPROTO_ICMPV6),
  headerLength: null,
  wanted: () => false,
  isReuse: null,
  create: (services, pkt, sport, dport, oneWay) => new IcmpConn(services, pkt, sport, dport, oneWay),
};
