/**
 * The transport analyzers every engine registers with its session layer
 * (Zeek's IP analyzer's children): the session layer imports none of them.
 */

import type { TransportAnalyzer } from "../session/transport.js";
import { ICMP_TRANSPORT } from "./icmp/transport.js";
import { TCP_TRANSPORT } from "./tcp/transport.js";
import { UDP_TRANSPORT } from "./udp/transport.js";
import { UNKNOWN_IP_TRANSPORT } from "./unknown/transport.js";

export const DEFAULT_TRANSPORTS: readonly TransportAnalyzer[] = [UNKNOWN_IP_TRANSPORT, TCP_TRANSPORT, UDP_TRANSPORT, ICMP_TRANSPORT];
