/**
 * IP-carried tunnels Zeek decapsulates: IP-in-IP (protocol 4 and 41, RFC
 * 2003/4213) and GRE (protocol 47, RFC 2784/2890; version 1 is PPTP's
 * enhanced GRE carrying PPP, RFC 2637), including ERSPAN types I–III inside
 * GRE. Each finds the inner frame; the session layer runs it again.
 * Aruba's GRE-carried 802.11 frames go to the 802.11 link decoder.
 */
import { u16 } from "../../packet/bytes.js";
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, LINKTYPE_ETHERNET, LINKTYPE_IEEE802_11, LINKTYPE_RAW, PPP_IPV4, PPP_IPV6 } from "../../packet/constants.js";
import { IPPROTO_GRE, IPPROTO_IPIP, IPPROTO_IPV6 } from "../../packet/ip-protocols.js";
import type { InnerFrame } from "./udp-tunnels.js";

const GRE_CHECKSUM = 0x8000;
const GRE_ROUTING = 0x4000;
const GRE_KEY = 0x2000;
const GRE_SEQUENCE = 0x1000;
const GRE_ACK = 0x0080;
const GRE_MIN_HEADER = 4;
/** Transparent Ethernet bridging. */
const GRE_PROTO_ETHERNET = 0x6558;
/** PPP inside PPTP's enhanced GRE. */
const GRE_PROTO_PPP = 0x880b;
const GRE_PROTO_ERSPAN_2 = 0x88be;
const GRE_PROTO_ERSPAN_3 = 0x22eb;
const ERSPAN_2_HEADER = 8;
const ERSPAN_3_HEADER = 12;
const ERSPAN_3_SUBHEADER = 8;
const PPP_ADDRESS_CONTROL = 0xff03;
const ARUBA_FIRST = 0x8200;
const ARUBA_LAST = 0x8300;

function frameAt(out: InnerFrame, offset: number, end: number, linktype: number): boolean {
  out.offset = offset;
  out.end = end;
  out.linktype = linktype;
  return true;
}

function fail(out: InnerFrame, weird: string): false {
  out.weird = weird;
  return false;
}

/** The inner frame of an IP-in-IP or GRE payload `d[off, end)`. */
export function decapsulateIp(proto: number, d: Uint8Array, off: number, end: number, out: InnerFrame): boolean {
  out.weird = "";
  out.ipVersion = proto === IPPROTO_IPIP ? 4 : proto === IPPROTO_IPV6 ? 6 : 0;
  if (out.ipVersion !== 0) return frameAt(out, off, end, LINKTYPE_RAW);
  if (proto !== IPPROTO_GRE) return false;
  if (end - off < GRE_MIN_HEADER) return fail(out, "truncated_GRE");
  const flags = u16(d, off);
  const version = flags & 7;
  const type = u16(d, off + 2);
  let len = GRE_MIN_HEADER;
  if (version === 0) {
    if ((flags & (GRE_CHECKSUM | GRE_ROUTING)) !== 0) len += 4;
    if ((flags & GRE_KEY) !== 0) len += 4;
    if ((flags & GRE_SEQUENCE) !== 0) len += 4;
  } else if (version === 1) {
    if (type !== GRE_PROTO_PPP) return fail(out, "egre_protocol_type");
    len += 4; // payload length and call id (K is always set)
    if ((flags & GRE_SEQUENCE) !== 0) len += 4;
    if ((flags & GRE_ACK) !== 0) len += 4;
  } else {
    return fail(out, "unknown_gre_version");
  }
  let at = off + len;
  if (at > end) return fail(out, "truncated_GRE");
  switch (type) {
    case ETHERTYPE_IPV4:
    case ETHERTYPE_IPV6:
      return frameAt(out, at, end, LINKTYPE_RAW);
    case GRE_PROTO_ETHERNET:
      return frameAt(out, at, end, LINKTYPE_ETHERNET);
    case GRE_PROTO_PPP: {
      if (at + 2 <= end && u16(d, at) === PPP_ADDRESS_CONTROL) at += 2;
      if (at + 2 > end) return fail(out, "truncated_GRE");
      const ppp = u16(d, at);
      if (ppp !== PPP_IPV4 && ppp !== PPP_IPV6) return false; // PPP control traffic (LCP, IPCP…)
      out.ipVersion = ppp === PPP_IPV4 ? 4 : 6;
      return frameAt(out, at + 2, end, LINKTYPE_RAW);
    }
    case GRE_PROTO_ERSPAN_2:
      // Type I has no sequence number and no ERSPAN header; type II has both.
      if ((flags & GRE_SEQUENCE) === 0) return frameAt(out, at, end, LINKTYPE_ETHERNET);
      if (at + ERSPAN_2_HEADER > end) return fail(out, "truncated_GRE");
      return frameAt(out, at + ERSPAN_2_HEADER, end, LINKTYPE_ETHERNET);
    case GRE_PROTO_ERSPAN_3: {
      if (at + ERSPAN_3_HEADER > end) return fail(out, "truncated_GRE");
      const optional = (d[at + 11]! & 1) !== 0 ? ERSPAN_3_SUBHEADER : 0;
      if (at + ERSPAN_3_HEADER + optional > end) return fail(out, "truncated_GRE");
      return frameAt(out, at + ERSPAN_3_HEADER + optional, end, LINKTYPE_ETHERNET);
    }
    default:
      // Aruba access points tunnel raw 802.11 frames.
      if (type >= ARUBA_FIRST && type <= ARUBA_LAST) return frameAt(out, at, end, LINKTYPE_IEEE802_11);
      return fail(out, "unknown_gre_protocol");
  }
}

const IPV4_MIN_HEADER = 20;
const IPV6_HEADER = 40;

/**
 * Zeek's IPTUNNEL check of the inner IP packet `d[off, end)` of an IP-in-IP
 * or PPTP payload, whose outer header said it is IP version `version`: the
 * weird that drops it ("invalid_inner_IP_version", "truncated_inner_IP",
 * "inner_IP_payload_length_mismatch" when the payload and the inner
 * header's length differ), or "" when it is whole. (GRE version 0 payloads
 * are not checked: Zeek hands them on as frames.)
 */
export function innerIpWeird(version: number, d: Uint8Array, off: number, end: number): string {
  const caplen = end - off;
  let total: number;
  if (version === 6) {
    if (caplen < IPV6_HEADER) return "truncated_inner_IP";
    if (d[off]! >> 4 !== 6) return "invalid_inner_IP_version";
    total = IPV6_HEADER + u16(d, off + 4);
  } else {
    // Too short for an IPv4 header counts as the wrong version, as in Zeek.
    if (caplen < IPV4_MIN_HEADER || d[off]! >> 4 !== 4) return "invalid_inner_IP_version";
    total = u16(d, off + 2);
  }
  if (caplen === total) return "";
  return caplen < total ? "truncated_inner_IP" : "inner_IP_payload_length_mismatch";
}
