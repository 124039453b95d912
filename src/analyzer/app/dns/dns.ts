/**
 * The DNS analyzer (Zeek's "DNS"): on UDP each datagram is one message; on
 * TCP each side is a sequence of messages, each preceded by its 16-bit
 * length (RFC 1035 §4.2.2), several to a segment or one split over many.
 * Messages go to the interpreter (interpreter.ts), which raises the events.
 *
 * Ports as Zeek's base/protocols/dns registers them: 53/tcp, and 53, 137
 * (NetBIOS name service), 5353 (mDNS), 5355 (LLMNR) over UDP. The parts of
 * the analyzer that change conn.log on UDP (turning the flow around when the
 * first message is a response, the 10 s dns_session_timeout expiry, and
 * udp_session_done) are declared here as the component's `udpFlow` rules,
 * which the UDP analyzer (src/analyzer/udp/udp-conn.ts) applies to the flows
 * the component is attached to by port.
 *
 * Over TCP, a message cut short by the end of the connection is parsed as it
 * is when either side closes, with "is query" unknown (Zeek's Flush).
 */
import { type AnalyzerComponent, type AnalyzerHost, type DatagramAnalyzer, ROLE_DONE, ROLE_FLIP, ROLE_USED, type StreamAnalyzer } from "../analyzer.js";
import "./events.js";
import "./trace.js";
import { DnsInterpreter } from "./interpreter.js";

const NETBIOS_PORT = 137;
/** Zeek's dns_session_timeout: the analyzer expires its UDP flow after this long without a packet. */
const DNS_SESSION_TIMEOUT = 10;
const DNS_HEADER = 12;
/** The QR bit (response) in the third byte of a DNS header. */
const DNS_QR = 0x80;

/**
 * Zeek's DNS analyzer turns a UDP flow around when its first message (the
 * first datagram long enough for a header) is a response from the
 * originator, unless the responder is a multicast address (mDNS, LLMNR).
 */
function dnsRole(d: Uint8Array, start: number, end: number, isOrig: boolean, respMulticast: boolean): number {
  if (end - start < DNS_HEADER) return 0;
  const flip = isOrig && (d[start + 2]! & DNS_QR) !== 0 && !respMulticast;
  return ROLE_USED | ROLE_DONE | (flip ? ROLE_FLIP : 0);
}

/** "Is query" for a message whose direction is unknown (a TCP message flushed at close). */
const UNKNOWN_DIRECTION = 2;

/** Builds the interpreter on the first message (so a flow that carries none costs nothing). */
function interpreterFor(host: AnalyzerHost, udp: boolean): DnsInterpreter {
  return new DnsInterpreter(host, {
    netbios: host.origPort === NETBIOS_PORT || host.respPort === NETBIOS_PORT,
    respNetbios: host.respPort === NETBIOS_PORT,
    udp,
    skipAllAuth: host.settings.dns_skip_all_auth,
    skipAllAddl: host.settings.dns_skip_all_addl,
    maxQueries: host.settings.dns_max_queries,
    maxCompressionDepth: host.settings.dns_max_compression_chain_depth,
  });
}

class DnsDatagramAnalyzer implements DatagramAnalyzer {
  private interp: DnsInterpreter | null = null;
  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    (this.interp ??= interpreterFor(this.host, true)).parse(data, isOrig ? 1 : 0);
  }

  done(): void {}
}

const enum LenState {
  HI,
  LO,
  MESSAGE,
}

/** One side of a TCP DNS stream: the length prefix, then the message's bytes. */
class DnsTcpSide {
  state = LenState.HI;
  size = 0;
  /** Bytes of the message so far; grown to the message size (at most 65535). */
  buf: Uint8Array | null = null;
  have = 0;
}

class DnsStreamAnalyzer implements StreamAnalyzer {
  private interp: DnsInterpreter | null = null;
  private readonly sides = [new DnsTcpSide(), new DnsTcpSide()];
  constructor(private readonly host: AnalyzerHost) {}

  private interpreter(): DnsInterpreter {
    return (this.interp ??= interpreterFor(this.host, false));
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    let i = 0;
    while (i < data.length) {
      if (side.state === LenState.HI) {
        side.size = data[i++]! << 8;
        side.state = LenState.LO;
        continue;
      }
      if (side.state === LenState.LO) {
        side.size += data[i++]!;
        side.state = LenState.MESSAGE;
        side.have = 0;
        if (side.buf === null || side.buf.length < side.size) side.buf = new Uint8Array(side.size);
        // A zero-length message is complete at once (Zeek parses it only when more data follows).
        if (i === data.length) return;
      }
      const take = Math.min(side.size - side.have, data.length - i);
      // A whole message inside this chunk is parsed in place; otherwise it is gathered.
      if (side.have === 0 && take === side.size) {
        this.interpreter().parse(data.subarray(i, i + take), isOrig ? 1 : 0);
      } else {
        side.buf!.set(data.subarray(i, i + take), side.have);
        side.have += take;
        if (side.have < side.size) return;
        this.interpreter().parse(side.buf!.subarray(0, side.size), isOrig ? 1 : 0);
      }
      i += take;
      side.have = 0;
      side.state = LenState.HI;
    }
  }

  undelivered(): void {}

  endOfData(): void {
    // Zeek flushes both sides when either closes: a partial message is parsed as it is.
    for (const side of this.sides) {
      if (side.have > 0 && side.buf !== null) {
        const partial = side.buf.subarray(0, side.have);
        side.size = 0;
        side.have = 0;
        this.interpreter().parse(partial, UNKNOWN_DIRECTION);
      }
    }
  }

  done(): void {
    this.sides[0]!.buf = this.sides[1]!.buf = null;
  }
}

export const DNS: AnalyzerComponent = {
  name: "DNS",
  script: "base/protocols/dns",
  /** Zeek's constructor makes a Contents_DNS per side (on TCP). */
  supportAnalyzers: 2,
  tcpPorts: [53],
  udpPorts: [53, NETBIOS_PORT, 5353, 5355],
  udpFlow: { role: dnsRole, expiry: DNS_SESSION_TIMEOUT, sessionDone: true },
  datagram: (host) => new DnsDatagramAnalyzer(host),
  stream: (host) => new DnsStreamAnalyzer(host),
};
