/**
 * How many leading bytes of a packet are headers: link layer, IP (with IPv6
 * extension headers), and the transport header. The recorder keeps exactly
 * these bytes in "headers" mode, like Bro's header-only recording of
 * connections whose contents are not wanted.
 *
 * A small self-contained walk over the bytes (no decoded Packet needed, so the
 * recorder can be used on its own); it never reads past the captured length
 * and never allocates. When the bytes stop making sense it answers with what
 * it has recognised so far; a non-IP packet is all header.
 */

import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_ROUTING,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from "../packet/ip-protocols.js";
import type { RawPacket } from "../source/raw-packet.js";

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const ETHERTYPE_MPLS = 0x8847;
const ETHERTYPE_PPPOE_SESSION = 0x8864;
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;
const AF_INET = 2;

const TCP_MIN_HEADER = 20;
const UDP_HEADER = 8;
const ICMP_HEADER = 8;
const SCTP_COMMON_HEADER = 12;
const IPV6_HEADER = 40;
const IPV6_FRAGMENT_HEADER = 8;
const MAX_IPV6_EXTENSIONS = 16;

// The packet being measured (module state rather than closures: nothing is allocated per packet).
const EMPTY = new Uint8Array(0);
let d: Uint8Array = EMPTY;
let o = 0;
let end = 0;

/** Byte `at` of the packet, or -1 beyond the captured bytes. */
function u8(at: number): number {
  return at < end ? d[o + at]! : -1;
}

/** Big-endian 16 bits at `at`, or -1 beyond the captured bytes. */
function u16(at: number): number {
  return at + 1 < end ? (d[o + at]! << 8) | d[o + at + 1]! : -1;
}

/** Bytes, counted from the packet's first byte, up to the end of its transport header (at most caplen). */
export function headersLength(raw: RawPacket): number {
  d = raw.data;
  o = raw.offset;
  end = raw.caplen;
  const n = networkHeadersEnd(raw.linktype);
  d = EMPTY; // do not keep the source's buffer alive
  return Math.min(n, end);
}

function networkHeadersEnd(linktype: number): number {
  // Link layer: find the network header and what it is (4, 6, or 0 = not IP).
  let at: number;
  let version: number;
  switch (linktype) {
    case 1: {
      at = 12;
      let type = u16(at);
      at += 2;
      while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
        type = u16(at + 2);
        at += 4;
      }
      if (type === ETHERTYPE_MPLS) {
        while (at + 4 <= end && (u8(at + 2) & 1) === 0) at += 4;
        at += 4;
        version = u8(at) >> 4;
      } else if (type === ETHERTYPE_PPPOE_SESSION) {
        const ppp = u16(at + 6);
        at += 8;
        version = ppp === PPP_IPV4 ? 4 : ppp === PPP_IPV6 ? 6 : 0;
      } else {
        version = type === ETHERTYPE_IPV4 ? 4 : type === ETHERTYPE_IPV6 ? 6 : 0;
      }
      break;
    }
    case 113:
    case 276: {
      const type = linktype === 113 ? u16(14) : u16(0);
      at = linktype === 113 ? 16 : 20;
      version = type === ETHERTYPE_IPV4 ? 4 : type === ETHERTYPE_IPV6 ? 6 : 0;
      break;
    }
    case 0:
    case 108: {
      at = 4;
      const first = u8(0);
      version = first === AF_INET || u8(3) === AF_INET ? 4 : u8(4) >> 4 === 6 ? 6 : 0;
      break;
    }
    case 9: {
      const ppp = u16(2);
      at = 4;
      version = ppp === PPP_IPV4 ? 4 : ppp === PPP_IPV6 ? 6 : 0;
      break;
    }
    case 12:
    case 14:
    case 101:
    case 228:
    case 229:
      at = 0;
      version = u8(0) >> 4;
      break;
    default:
      return end; // unknown link type: keep it all rather than guess
  }
  if (version === 4) return ipv4HeadersEnd(at);
  if (version === 6) return ipv6HeadersEnd(at);
  return end;
}

function ipv4HeadersEnd(at: number): number {
  const ihl = (u8(at) & 0x0f) * 4;
  if (ihl < 20) return at;
  const fragmentOffset = u16(at + 6) & 0x1fff;
  const payload = at + ihl;
  // A later fragment carries no transport header.
  if (fragmentOffset !== 0) return payload;
  return payload + transportHeaderLength(u8(at + 9), payload);
}

function ipv6HeadersEnd(start: number): number {
  let next = u8(start + 6);
  let at = start + IPV6_HEADER;
  for (let i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
    if (next === IPPROTO_HOPOPTS || next === IPPROTO_ROUTING || next === IPPROTO_DSTOPTS) {
      const len = u8(at + 1);
      if (len < 0) return at;
      next = u8(at);
      at += (len + 1) * 8;
    } else if (next === IPPROTO_AH) {
      const len = u8(at + 1);
      if (len < 0) return at;
      next = u8(at);
      at += (len + 2) * 4;
    } else if (next === IPPROTO_FRAGMENT) {
      const offset = (u8(at + 2) << 5) | (u8(at + 3) >> 3);
      next = u8(at);
      at += IPV6_FRAGMENT_HEADER;
      if (offset !== 0) return at;
    } else {
      break;
    }
  }
  return at + transportHeaderLength(next, at);
}

function transportHeaderLength(proto: number, at: number): number {
  switch (proto) {
    case IPPROTO_TCP: {
      const offset = u8(at + 12);
      return offset < 0 ? TCP_MIN_HEADER : Math.max(TCP_MIN_HEADER, (offset >> 4) * 4);
    }
    case IPPROTO_UDP:
      return UDP_HEADER;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
      return ICMP_HEADER;
    case IPPROTO_SCTP:
      return SCTP_COMMON_HEADER;
    default:
      return 0;
  }
}
