/**
 * The UDP analyzer's registration with the session layer (Zeek's
 * UDPAnalyzer as an IPBasedAnalyzer): ports from the header, every first
 * packet starts a flow, flipped when it comes from a likely server port to
 * one that is not (Connection::FlipRoles), never reused.
 */
import { IPPROTO_UDP } from "../../packet/ip-protocols.js";
import type { TransportAnalyzer } from "../../session/transport.js";
import { UdpConn } from "./udp-conn.js";

export const UDP_TRANSPORT: TransportAnalyzer = {
  name: "UDP",
  protocols: [IPPROTO_UDP],
  minHeader: 8,
  portsInHeader: true,
  keyPorts: null,
  headerLength: null,
  wanted: (services, _pkt, sport, dport) => {
    const lsp = services.serverPorts.udp;
    return lsp[sport] === 1 && lsp[dport] !== 1;
  },
  isReuse: null,
  create: (services, pkt, sport, dport) => new UdpConn(services, pkt, sport, dport),
};
