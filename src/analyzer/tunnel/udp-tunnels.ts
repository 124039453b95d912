/**
 * UDP-carried tunnels Zeek decapsulates by responder port: VXLAN (RFC 7348,
 * 4789/udp), Geneve (RFC 8926, 6081/udp) and GTPv1-U (3GPP TS 29.281,
 * 2152/udp). Each finds where the inner frame starts and what it is
 * (Ethernet or IP); the session layer then runs it through the link and IP
 * layers again and tags the inner connection with the outer uid.
 * GRE-in-UDP (4754/udp) is handed to the GRE decoder (ip-tunnels.ts).
 * AYIYA (5072/udp) forwards IPv4/IPv6 packets after its identity and signature.
 */
import type { TeredoHdr } from "../../event/records.js";
import { formatAddr } from "../../ip/addr.js";
import { latin1, u16, u32 } from "../../packet/bytes.js";
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, LINKTYPE_ETHERNET, LINKTYPE_RAW } from "../../packet/constants.js";
import { pktHdr } from "../../packet/pkt-hdr.js";
import { GTP_T_PDU, type GtpLayout, GtpRead, readGtpv1 } from "./gtpv1.js";

/** TEREDO_PROBE: Teredo tried on a flow found by content, quiet when it is not Teredo after all. */
export const TunnelKind = { NONE: 0, VXLAN: 1, GENEVE: 2, GTPV1: 3, GRE: 4, TEREDO: 5, TEREDO_PROBE: 6, AYIYA: 7 } as const;
export type TunnelKind = (typeof TunnelKind)[keyof typeof TunnelKind];

export const VXLAN_PORT = 4789;
export const GENEVE_PORT = 6081;
export const GTPV1_U_PORT = 2152;
/** GTPv1-C: Zeek's GTPv1 analyzer takes it too (control messages, and T-PDUs should one come). */
export const GTPV1_C_PORT = 2123;
/** AYIYA ("anything in anything", SixXS). */
export const AYIYA_PORT = 5072;
/** Teredo (RFC 4380), on its server port only (Zeek also finds it by signature). */
export const TEREDO_PORT = 3544;
/** GRE-in-UDP (RFC 8086): decapsulated like GRE, as an IP tunnel of the outer addresses. */
export const GRE_IN_UDP_PORT = 4754;

const VXLAN_HEADER = 8;
const GENEVE_HEADER = 8;
const GENEVE_PROTO_ETHERNET = 0x6558;
/** The GTPv1 header's layout of the packet being decapsulated (reused). */
const gtpLayout: GtpLayout = { flags: 0, msgType: 0, body: 0 };

/** weird.log's `source` for each tunnel kind's own weirds. */
export const TUNNEL_SOURCE: Readonly<Record<number, string>> = { 1: "VXLAN", 2: "GENEVE", 3: "GTPV1", 4: "GRE", 5: "TEREDO", 6: "TEREDO", 7: "AYIYA" };

/** The tunnel a UDP flow carries, by its responder port. */
export function tunnelKindForPort(respPort: number): TunnelKind {
  switch (respPort) {
    case VXLAN_PORT:
      return TunnelKind.VXLAN;
    case GENEVE_PORT:
      return TunnelKind.GENEVE;
    case GTPV1_U_PORT:
    case GTPV1_C_PORT:
      return TunnelKind.GTPV1;
    case GRE_IN_UDP_PORT:
      return TunnelKind.GRE;
    case TEREDO_PORT:
      return TunnelKind.TEREDO;
    case AYIYA_PORT:
      return TunnelKind.AYIYA;
    default:
      return TunnelKind.NONE;
  }
}

/** `InnerFrame.linktype` of a valid tunnel packet that carries no inner packet (a Teredo bubble). */
export const NOTHING_TO_DECODE = -1;
/** `InnerFrame.linktype` of Geneve carrying ARP directly (protocol type 0x0806): Zeek hands it to its ARP analyzer. */
export const INNER_ARP = -2;
const ETHERTYPE_ARP = 0x0806;

/** Where the inner packet is: filled by `decapsulate` (one reused object). */
export interface InnerFrame {
  offset: number;
  end: number;
  linktype: number;
  /** The anomaly found, "" when none (a weird name). */
  weird: string;
  /** The weird's addl ("" for none). */
  addl: string;
  /** Why this is not the tunnel protocol, as Zeek's packet analyzer reports the violation; "" when none. */
  violation: string;
  /** The IP version (4 or 6) the inner header of an IP-in-IP or PPTP (GRE version 1) payload must have; 0 for other tunnels. */
  ipVersion: number;
}

/** PacketAnalyzer::Geneve::Option: one option of a Geneve header (RFC 8926 §3.5). */
export interface GeneveOption {
  class: number;
  critical: boolean;
  typ: number;
  /** The option's data, its length a multiple of 4. */
  data: string;
}

/**
 * The options of the Geneve header at the start of `layer` (the UDP payload
 * the Geneve analyzer was given): none when the header or its options are
 * cut; an option cut short ends the list (Zeek's parse_options).
 */
export function geneveOptions(layer: Uint8Array): GeneveOption[] {
  const options: GeneveOption[] = [];
  if (layer.length < GENEVE_HEADER) return options;
  const end = GENEVE_HEADER + (layer[0]! & 0x3f) * 4;
  if (end > layer.length) return options;
  for (let p = GENEVE_HEADER; end - p >= 4; ) {
    const length = (layer[p + 3]! & 0x1f) * 4;
    if (end - p - 4 < length) break;
    const data = latin1(layer.subarray(p + 4, p + 4 + length));
    options.push({ class: u16(layer, p), critical: (layer[p + 2]! & 0x80) !== 0, typ: layer[p + 2]! & 0x7f, data });
    p += 4 + length;
  }
  return options;
}

/**
 * Finds the inner frame of a tunnel payload `d[off, end)`. Returns false when
 * there is nothing to decapsulate; `out.weird` names any anomaly.
 */
export function decapsulate(kind: TunnelKind, d: Uint8Array, off: number, end: number, out: InnerFrame): boolean {
  out.weird = "";
  out.addl = "";
  out.violation = "";
  switch (kind) {
    case TunnelKind.VXLAN:
      if (end - off < VXLAN_HEADER) {
        return fail(out, "vxlan_truncated", "VXLAN header truncation");
      }
      return inner(out, off + VXLAN_HEADER, end, LINKTYPE_ETHERNET);
    case TunnelKind.GENEVE: {
      if (end - off < GENEVE_HEADER) {
        return fail(out, "geneve_truncated", "Geneve header truncation");
      }
      const version = d[off]! >> 6;
      if (version !== 0) {
        out.addl = String(version);
        return fail(out, "geneve_invalid_version");
      }
      const start = off + GENEVE_HEADER + (d[off]! & 0x3f) * 4;
      if (start > end) {
        return fail(out, "geneve_truncated", "Geneve option header truncation");
      }
      if (start === end) {
        return fail(out, "geneve_empty_packet");
      }
      const proto = u16(d, off + 2);
      if (proto === GENEVE_PROTO_ETHERNET) return inner(out, start, end, LINKTYPE_ETHERNET);
      if (proto === ETHERTYPE_IPV4 || proto === ETHERTYPE_IPV6) return inner(out, start, end, LINKTYPE_RAW);
      if (proto === ETHERTYPE_ARP) return inner(out, start, end, INNER_ARP);
      // Another protocol: Geneve itself parsed, and Zeek confirms it; nothing inside is analysed.
      return inner(out, start, end, NOTHING_TO_DECODE);
    }
    case TunnelKind.GTPV1:
      return gtpv1(d, off, end, out);
    case TunnelKind.TEREDO:
    case TunnelKind.TEREDO_PROBE:
      return teredo(d, off, end, out);
    case TunnelKind.AYIYA:
      return ayiya(d, off, end, out);
    default:
      return false;
  }
}

function fail(out: InnerFrame, weird: string, violation = ""): false {
  out.weird = weird;
  out.violation = violation;
  return false;
}

function inner(out: InnerFrame, offset: number, end: number, linktype: number): boolean {
  out.offset = offset;
  out.end = end;
  out.linktype = linktype;
  return true;
}

/** GTPv1's fixed header: flags, message type, length, TEID. */
const GTPV1_FIXED_HEADER = 8;

/**
 * GTPv1 (user plane 2152/udp, control plane 2123/udp alike, as Zeek registers
 * both): only T-PDUs carry user packets, and only a whole IPv4 or IPv6
 * packet is passed on (corpus: gtp9_unknown_or_too_short_payload.pcap shows
 * Zeek refusing a short one). The violations are Zeek's reasons.
 */
function gtpv1(d: Uint8Array, off: number, end: number, out: InnerFrame): boolean {
  // Shorter than the fixed header: Zeek's binpac parser throws at the bounds
  // check of its last fixed field (teid, ending at byte 8), which the
  // analyzer reports as a violation. A short message is rare: the text is made then.
  if (end - off < GTPV1_FIXED_HEADER)
    return fail(out, "", `Binpac exception: binpac exception: out_of_bound: GTPv1_Header:teid: ${GTPV1_FIXED_HEADER} > ${end - off}`);
  const read = readGtpv1(d, off, end, gtpLayout);
  if (read === GtpRead.BAD_VERSION) return fail(out, "", "GTPv1 bad Version");
  if (read !== GtpRead.OK || gtpLayout.msgType !== GTP_T_PDU) return false;
  const at = gtpLayout.body;
  if (end - at < 20) return fail(out, "", "Truncated GTPv1");
  const version = d[at]! >> 4;
  if (version === 4) return u16(d, at + 2) <= end - at ? inner(out, at, end, LINKTYPE_RAW) : fail(out, "", "Truncated GTPv1");
  if (version === 6) return end - at >= 40 && u16(d, at + 4) + 40 <= end - at ? inner(out, at, end, LINKTYPE_RAW) : fail(out, "", "Truncated GTPv1");
  return fail(out, "", "non-IP packet in GTPv1");
}

const TEREDO_ORIGIN_INDICATION = 8;
const TEREDO_AUTH_FIXED = 4 + 8 + 1; // tag, id/auth lengths; nonce; confirmation
const IPV6_HEADER = 40;
const IPV6_NO_NEXT_HEADER = 59;

/**
 * Teredo: optional authentication, then optional origin indication, then an
 * IPv6 packet whose length must match (a bubble — no next header, no payload —
 * may carry trailing bytes, with a weird), as Zeek's TeredoEncapsulation parses it.
 */
function teredo(d: Uint8Array, off: number, end: number, out: InnerFrame): boolean {
  let at = off;
  let sawOrigin = false;
  let sawAuth = false;
  for (;;) {
    if (end - at < 2) return fail(out, "truncated_Teredo");
    const tag = u16(d, at);
    if (tag === 0) {
      if (sawOrigin) return false;
      if (end - at < TEREDO_ORIGIN_INDICATION) return fail(out, "truncated_Teredo_origin_indication");
      sawOrigin = true;
      at += TEREDO_ORIGIN_INDICATION;
    } else if (tag === 1) {
      if (sawOrigin || sawAuth) return false;
      if (end - at < 4) return fail(out, "truncated_Teredo_authentication");
      const total = TEREDO_AUTH_FIXED + d[at + 2]! + d[at + 3]!;
      if (end - at < total) return fail(out, "truncated_Teredo_authentication");
      sawAuth = true;
      at += total;
    } else if (tag >> 12 === 6) {
      if (end - at < IPV6_HEADER) return fail(out, "truncated_IPv6_in_Teredo");
      const declared = IPV6_HEADER + u16(d, at + 4);
      const available = end - at;
      if (available < declared) return false; // truncated inner packet: not decapsulated
      const bubble = d[at + 6] === IPV6_NO_NEXT_HEADER && declared === IPV6_HEADER;
      if (available > declared) {
        if (!bubble) return false;
        out.weird = "Teredo_bubble_with_payload";
      }
      out.offset = at;
      out.end = end;
      // A bubble is valid Teredo but carries nothing to decode (Zeek's IP layer stays quiet about it).
      out.linktype = bubble ? NOTHING_TO_DECODE : LINKTYPE_RAW;
      return true;
    } else {
      return false;
    }
  }
}

/** The Teredo prefix 2001:0000::/32 (RFC 4380 §2.6). */
const TEREDO_PREFIX = 0x20010000;

/**
 * Zeek's Teredo DPD signature, roughly: an origin indication or authentication
 * header, or an IPv6 header with a Teredo (2001:0::/32) source or destination.
 * Only a first packet that looks like this gets the Teredo decoder on a
 * non-Teredo port.
 */
export function looksLikeTeredo(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < 2) return false;
  if (d[off] === 0 && (d[off + 1] === 0 || d[off + 1] === 1)) return true;
  if (d[off]! >> 4 !== 6 || end - off < IPV6_HEADER) return false;
  const src = ((d[off + 8]! << 24) | (d[off + 9]! << 16) | (d[off + 10]! << 8) | d[off + 11]!) >>> 0;
  const dst = ((d[off + 24]! << 24) | (d[off + 25]! << 16) | (d[off + 26]! << 8) | d[off + 27]!) >>> 0;
  return src === TEREDO_PREFIX || dst === TEREDO_PREFIX;
}

const AYIYA_FIXED = 8;
const AYIYA_OP_FORWARD = 1;
const IPPROTO_IPV4_INNER = 4;
const IPPROTO_IPV6_INNER = 41;

/** AYIYA: identity of 2^idlen bytes and a signature of siglen words precede the packet; only "forward" carries one. */
function ayiya(d: Uint8Array, off: number, end: number, out: InnerFrame): boolean {
  if (end - off < AYIYA_FIXED) return false;
  if ((d[off + 2]! & 0x0f) !== AYIYA_OP_FORWARD) return false;
  const next = d[off + 3]!;
  if (next !== IPPROTO_IPV4_INNER && next !== IPPROTO_IPV6_INNER) return fail(out, "ayiya_tunnel_non_ip");
  const at = off + AYIYA_FIXED + (1 << (d[off]! >> 4)) + (d[off + 1]! >> 4) * 4;
  if (end - at < 20) return fail(out, "truncated_AYIYA", "Truncated AYIYA");
  return inner(out, at, end, LINKTYPE_RAW);
}

/**
 * Zeek's teredo_hdr of a Teredo payload `d[off, end)` already found valid,
 * whose IPv6 packet starts at `ipv6`: the authentication header (its nonce a
 * 64-bit count) and the origin indication (port and address unobfuscated)
 * when present, and the IPv6 packet's pkt_hdr.
 */
export function teredoHdr(d: Uint8Array, off: number, ipv6: number, end: number): TeredoHdr {
  const hdr: TeredoHdr = { hdr: pktHdr(d, ipv6, end - ipv6) };
  for (let at = off; at < ipv6; ) {
    if (u16(d, at) === 1) {
      const idLen = d[at + 2]!;
      const auLen = d[at + 3]!;
      const nonceAt = at + 4 + idLen + auLen;
      const nonce = (BigInt(u32(d, nonceAt)) << 32n) | BigInt(u32(d, nonceAt + 4));
      hdr.auth = { id: latin1(d.subarray(at + 4, at + 4 + idLen)), value: latin1(d.subarray(at + 4 + idLen, nonceAt)), nonce, confirm: d[nonceAt + 8]! };
      at += TEREDO_AUTH_FIXED + idLen + auLen;
    } else {
      hdr.origin = { p: u16(d, at + 2) ^ 0xffff, a: formatAddr(0, 0, 0xffff, (u32(d, at + 4) ^ 0xffffffff) >>> 0) };
      at += TEREDO_ORIGIN_INDICATION;
    }
  }
  return hdr;
}
