/**
 * Zeek's discarders (src/Discard.cc): functions a script defines to drop
 * packets before any analysis, by their headers and first payload bytes.
 * Zeek looks them up by name (discarder_check_ip, _tcp, _udp, _icmp); here a
 * script hands them to Engine.setDiscarders. The IP layer asks after the
 * header checks and the IPv4 checksum, before fragment reassembly, so that
 * a discarded packet leaves no trace: no connection, no event, no weird.
 *
 * What each is given, and when, as Zeek's:
 *  - ip: every packet's pkt_hdr (fragments too); true drops it, and the
 *    transport checks are not asked;
 *  - then only a whole captured datagram that is no fragment, of TCP, UDP or
 *    ICMP (IPv4's protocol 1; ICMPv6 is not asked), whose transport header
 *    is there: tcp and udp with the pkt_hdr and up to discarder_maxlen bytes
 *    of payload (a view: copy what you keep), icmp with the pkt_hdr.
 * A discarder that throws keeps the packet (Zeek's interpreter errors do).
 */
import type { PktHdr } from "../event/records.js";
import * as P from "../packet/ip-protocols.js";
import { pktHdr } from "../packet/pkt-hdr.js";

/** The discarders a script defines (Zeek's discarder_check_* functions); each returns true to drop the packet. */
export interface Discarders {
  /** Every IP packet (discarder_check_ip). */
  readonly ip?: (p: PktHdr) => boolean;
  /** A TCP segment and its first payload bytes (discarder_check_tcp). */
  readonly tcp?: (p: PktHdr, payload: Uint8Array) => boolean;
  /** A UDP datagram and its first payload bytes (discarder_check_udp). */
  readonly udp?: (p: PktHdr, payload: Uint8Array) => boolean;
  /** An ICMP (IPv4) message (discarder_check_icmp). */
  readonly icmp?: (p: PktHdr) => boolean;
}

const TCP_MIN_HEADER = 20;
const UDP_HEADER = 8;
/** Zeek compares with sizeof(struct icmp), the BSD struct with its largest variant: 28 bytes. */
const ICMP_MIN_HEADER = 28;

/** A datagram as the IP layer has checked it, for the discarders. */
export interface DiscarderInput {
  readonly data: Uint8Array;
  /** Offset of the IP header in `data`. */
  readonly ipOffset: number;
  readonly headerLen: number;
  /** The datagram's length by its header. */
  readonly totalLen: number;
  /** Its captured bytes from the IP header on. */
  readonly capLen: number;
  /** The transport protocol after the IP header chain. */
  readonly proto: number;
  readonly isFragment: boolean;
}

export class Discarder {
  constructor(
    private readonly checks: Discarders,
    private readonly maxlen: () => number,
  ) {}

  /** True when a discarder drops the datagram. */
  discards(x: DiscarderInput): boolean {
    const { ip, tcp, udp, icmp } = this.checks;
    const hdr = (): PktHdr => pktHdr(x.data, x.ipOffset, x.capLen);
    if (ip !== undefined && ask(() => ip(hdr()))) return true;
    if (x.capLen < x.totalLen || x.isFragment) return false;
    const len = x.totalLen - x.headerLen;
    const at = x.ipOffset + x.headerLen;
    switch (x.proto) {
      case P.IPPROTO_TCP: {
        if (tcp === undefined || len < TCP_MIN_HEADER) return false;
        const offset = (x.data[at + 12]! >> 4) * 4;
        return ask(() => tcp(hdr(), this.payload(x.data, at + offset, len - offset)));
      }
      case P.IPPROTO_UDP:
        if (udp === undefined || len < UDP_HEADER) return false;
        return ask(() => udp(hdr(), this.payload(x.data, at + UDP_HEADER, len - UDP_HEADER)));
      case P.IPPROTO_ICMP:
        return icmp !== undefined && len >= ICMP_MIN_HEADER && ask(() => icmp(hdr()));
      default:
        return false;
    }
  }

  /** Up to discarder_maxlen of the `len` payload bytes at `at` (none when the header claims more than the datagram). */
  private payload(d: Uint8Array, at: number, len: number): Uint8Array {
    const n = Math.max(0, Math.min(len, this.maxlen()));
    return d.subarray(at, at + n);
  }
}

/** A discarder's answer; one that throws keeps the packet. */
function ask(check: () => boolean): boolean {
  try {
    return check() === true;
  } catch {
    return false;
  }
}
