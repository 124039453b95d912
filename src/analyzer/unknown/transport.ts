/**
 * The unknown-IP analyzer's registration with the session layer (Zeek's
 * UnknownIPAnalyzer): the fallback for every IP protocol no other analyzer
 * registered, keyed by addresses and protocol alone (ports 0/0).
 */
import type { TransportAnalyzer } from "../../session/transport.js";
import { UnknownIpConn } from "./unknown-ip-conn.js";

export const UNKNOWN_IP_TRANSPORT: TransportAnalyzer = {
  name: "UNKNOWN_IP",
  protocols: [],
  minHeader: 0,
  portsInHeader: false,
  keyPorts: null,
  headerLength: null,
  wanted: () => false,
  isReuse: null,
  create: (services, pkt) => new UnknownIpConn(services, pkt),
};
