/**
 * Zeek's header records (`raw_pkt_hdr`, `pkt_hdr` and what they hold), built
 * from a packet's bytes only when an event that carries them is handled
 * (raw_packet): nothing here runs on the default path.
 *
 * The rules are Zeek's (Packet::ToRawPktHdrVal, IP_Hdr::ToPktHdrVal): the
 * link part is filled for Ethernet frames only; the IP part appears once the
 * IP header passed its length checks and the frame holds the whole datagram
 * (or it was reassembled); a transport header only when the datagram was
 * captured whole and its payload is long enough for the header (for ICMPv4,
 * the 28 bytes of the C library's `struct icmp`).
 */
import type {
  Ip4Hdr,
  Ip6ExtHdr,
  Ip6Hdr,
  Ip6MobilityMsg,
  Ip6Option,
  Ip6Options,
  L2Hdr,
  PcapLinkEncap,
  PcapPacket,
  PktHdr,
  RawPktHdr,
  TcpHdr,
  UdpHdr,
} from "../event/records.js";
import { formatAddr } from "../ip/addr.js";
import * as H from "../ip/headers.js";
import { extensionLength, isExtensionHeader } from "../ip/ipv6-chain.js";
import type { RawPacket } from "../source/raw-packet.js";
import { u16, u32 } from "./bytes.js";
import * as P from "./ip-protocols.js";
import { macText } from "./mac-text.js";
import type { Packet } from "./packet.js";

const DLT_EN10MB = 1;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_REVARP = 0x8035;
/** Packet.l3Proto's value once ARP was analysed. */
export const L3_ARP = ETHERTYPE_ARP;
const MAC_LEN = 6;
const NO_MAC = "00:00:00:00:00:00";
const TCP_MIN_HEADER = 20;
const UDP_HEADER = 8;
/** sizeof(struct icmp) in the C library Zeek checks ICMPv4 payloads against; ICMPv6's header is 8. */
const ICMP4_STRUCT = 28;
const ICMP6_HEADER = 8;

/** Hears of the anomalies Zeek reports while it builds a header record (a net weird's name and addl). */
export type RecordWeird = (name: string, addl: string) => void;

function l3Name(l3: number): L2Hdr["proto"] {
  if (l3 === 4) return "L3_IPV4";
  if (l3 === 6) return "L3_IPV6";
  return l3 === L3_ARP ? "L3_ARP" : "L3_UNKNOWN";
}

/** The l2_hdr of frame `raw` once the layers decoded it into `pkt`. */
function l2Hdr(raw: RawPacket, pkt: Packet): L2Hdr {
  const proto = l3Name(pkt.l3Proto);
  if (raw.linktype !== DLT_EN10MB) return { encap: "LINK_UNKNOWN", len: raw.wirelen, cap_len: raw.caplen, proto };
  const d = raw.data;
  const at = raw.offset;
  const l2: L2Hdr = {
    encap: "LINK_ETHERNET",
    len: raw.wirelen,
    cap_len: raw.caplen,
    src: raw.caplen >= 2 * MAC_LEN ? macText(d, at + MAC_LEN) : NO_MAC,
    dst: raw.caplen >= MAC_LEN ? macText(d, at) : NO_MAC,
    eth_type: Math.max(pkt.ethType, 0),
    proto,
  };
  if (pkt.vlan >= 0) Object.assign(l2, { vlan: pkt.vlan, vlan_pcp: pkt.vlanPri >> 1, vlan_dei: (pkt.vlanPri & 1) === 1 });
  if (pkt.innerVlan >= 0) Object.assign(l2, { inner_vlan: pkt.innerVlan, inner_vlan_pcp: pkt.innerVlanPri >> 1, inner_vlan_dei: (pkt.innerVlanPri & 1) === 1 });
  // Zeek names ARP by its EtherType on Ethernet whether or not the ARP analyzer ran.
  if (l2.eth_type === ETHERTYPE_ARP || l2.eth_type === ETHERTYPE_REVARP) l2.proto = "L3_ARP";
  return l2;
}

/** Zeek's pcap_packet of packet `raw` (Packet::ToVal). */
export function pcapPacket(raw: RawPacket): PcapPacket {
  const sec = Math.floor(raw.ts);
  const data = latin1(raw.data, raw.offset, raw.offset + raw.caplen);
  return { ts_sec: sec, ts_usec: Math.round((raw.ts - sec) * 1e6), caplen: raw.caplen, len: raw.wirelen, data, link_type: linkEncapOfDlt(raw.linktype) };
}

/**
 * pcap_packet's link_type as Zeek fills it: the link_encap enum value
 * numbered as the DLT (Zeek's quirk, not a mapping), so link_encap's order
 * (LINK_ETHERNET 0, LINK_UNKNOWN 1) names DLTs 0 and 1 and no other.
 */
export function linkEncapOfDlt(dlt: number): PcapLinkEncap {
  return dlt === 0 ? "LINK_ETHERNET" : dlt === 1 ? "LINK_UNKNOWN" : "<undefined>";
}

/** Zeek's raw_pkt_hdr of the packet just processed (`raw` as read, `pkt` as the layers left it). */
export function rawPktHdr(raw: RawPacket, pkt: Packet): RawPktHdr {
  const hdr: RawPktHdr = { l2: l2Hdr(raw, pkt) };
  if (!pkt.ipHeaderKept || (pkt.l3Proto !== 4 && pkt.l3Proto !== 6)) return hdr;
  const d = pkt.data;
  const off = pkt.l3Offset;
  // The frame's captured length against the datagram's: a datagram cut by the snaplen shows no IP part.
  if (raw.caplen < ipTotalLen(d, off) && !pkt.reassembled) return hdr;
  return Object.assign(hdr, pktHdr(d, off, pkt.reassembled ? 0 : pkt.end - off));
}

/** An IP datagram's total length as its header gives it. */
function ipTotalLen(d: Uint8Array, off: number): number {
  return d[off]! >> 4 === 4 ? u16(d, off + H.IPV4_TOTAL_LEN) : u16(d, off + H.IPV6_PAYLOAD_LEN) + H.IPV6_HEADER_LEN;
}

/**
 * Zeek's pkt_hdr of the IP datagram at `off`: `captured` is how many of its
 * bytes were captured (0: a reassembled datagram, whole by definition).
 */
export function pktHdr(d: Uint8Array, off: number, captured: number, weird?: RecordWeird): PktHdr {
  const hdr: PktHdr = {};
  let headerLen: number;
  let next: number;
  if (d[off]! >> 4 === 4) {
    hdr.ip = ip4Hdr(d, off);
    headerLen = hdr.ip.hl;
    next = hdr.ip.p;
  } else {
    const chain = walkChain(d, off, captured === 0 ? Number.MAX_SAFE_INTEGER : captured, weird);
    hdr.ip6 = ip6Hdr(d, off, chain.exts);
    headerLen = chain.headerLen;
    next = chain.next;
  }
  const total = ipTotalLen(d, off);
  if (captured > 0 && captured < total) return hdr;
  transportHdr(hdr, d, off + headerLen, total - headerLen, next);
  return hdr;
}

function ip4Hdr(d: Uint8Array, off: number): Ip4Hdr {
  const flags = u16(d, off + H.IPV4_FLAGS_FRAG);
  return {
    hl: (d[off]! & 0x0f) * 4,
    tos: d[off + 1]!,
    len: u16(d, off + H.IPV4_TOTAL_LEN),
    id: u16(d, off + H.IPV4_ID),
    DF: (flags & H.IPV4_FLAG_DF) !== 0,
    MF: (flags & H.IPV4_FLAG_MF) !== 0,
    offset: flags & H.IPV4_FRAG_OFFSET_MASK,
    ttl: d[off + H.IPV4_TTL]!,
    p: d[off + H.IPV4_PROTO]!,
    sum: u16(d, off + H.IPV4_CHECKSUM),
    src: addrAt(d, off + H.IPV4_SRC, 4),
    dst: addrAt(d, off + H.IPV4_DST, 4),
  };
}

/** An address of `bytes` (4 or 16) bytes at `at`, as text. */
function addrAt(d: Uint8Array, at: number, bytes: number): string {
  if (bytes === 4) return formatAddr(0, 0, 0xffff, u32(d, at));
  return formatAddr(u32(d, at), u32(d, at + 4), u32(d, at + 8), u32(d, at + 12));
}

function ip6Hdr(d: Uint8Array, off: number, exts: Ip6ExtHdr[]): Ip6Hdr {
  const first = u32(d, off);
  return {
    class: (first >>> 20) & 0xff,
    flow: first & 0xfffff,
    len: u16(d, off + H.IPV6_PAYLOAD_LEN),
    nxt: d[off + H.IPV6_NEXT_HEADER]!,
    hlim: d[off + H.IPV6_HOP_LIMIT]!,
    src: addrAt(d, off + H.IPV6_SRC, 16),
    dst: addrAt(d, off + H.IPV6_DST, 16),
    exts,
  };
}

/** The transport header Zeek reports when the payload is long enough for it. */
function transportHdr(hdr: PktHdr, d: Uint8Array, at: number, payloadLen: number, proto: number): void {
  if (proto === P.IPPROTO_TCP && payloadLen >= TCP_MIN_HEADER) hdr.tcp = tcpHdr(d, at, payloadLen);
  else if (proto === P.IPPROTO_UDP && payloadLen >= UDP_HEADER) hdr.udp = udpHdr(d, at);
  else if (proto === P.IPPROTO_ICMP && payloadLen >= ICMP4_STRUCT) hdr.icmp = { icmp_type: d[at]! };
  else if (proto === P.IPPROTO_ICMPV6 && payloadLen >= ICMP6_HEADER) hdr.icmp = { icmp_type: d[at]! };
}

function tcpHdr(d: Uint8Array, at: number, payloadLen: number): TcpHdr {
  const hl = (d[at + 12]! >> 4) * 4;
  return {
    sport: u16(d, at),
    dport: u16(d, at + 2),
    seq: u32(d, at + 4),
    ack: u32(d, at + 8),
    hl,
    // An impossible data offset gives no data rather than a negative length.
    dl: payloadLen >= hl ? payloadLen - hl : 0,
    reserved: d[at + 12]! & 0x0f,
    flags: d[at + 13]!,
    win: u16(d, at + 14),
  };
}

function udpHdr(d: Uint8Array, at: number): UdpHdr {
  return { sport: u16(d, at), dport: u16(d, at + 2), ulen: u16(d, at + 4) };
}

// ---------------------------------------------------------------- IPv6 chain

/**
 * The extension headers after the fixed header, walked as the IP layer
 * walks them (ipv6-chain.ts, without its weirds): a header that does not fit
 * in the captured bytes ends the chain uncounted; fragment, ESP and mobility
 * headers end it.
 */
function walkChain(d: Uint8Array, off: number, captured: number, weird?: RecordWeird): { exts: Ip6ExtHdr[]; headerLen: number; next: number } {
  const exts: Ip6ExtHdr[] = [];
  let at = off + H.IPV6_HEADER_LEN;
  let remaining = captured - H.IPV6_HEADER_LEN;
  let next = d[off + H.IPV6_NEXT_HEADER]!;
  while (isExtensionHeader(next) && remaining >= 2) {
    const len = extensionLength(next, d, at);
    if (len > remaining) break;
    exts.push(extHdr(next, d, at, len, weird));
    const current = next;
    // ESP's next header is encrypted: Zeek reads it as "no next header".
    next = current === P.IPPROTO_ESP ? P.IPPROTO_NONE : d[at]!;
    at += len;
    remaining -= len;
    if (current === P.IPPROTO_FRAGMENT || current === P.IPPROTO_ESP || current === P.IPPROTO_MOBILITY) break;
  }
  return { exts, headerLen: at - off, next };
}

function latin1(d: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(d[i]!);
  return s;
}

/** Zeek's ip6_ext_hdr of the header of type `t` at `at`, `len` bytes long. */
function extHdr(t: number, d: Uint8Array, at: number, len: number, weird?: RecordWeird): Ip6ExtHdr {
  switch (t) {
    case P.IPPROTO_HOPOPTS:
      return { id: t, hopopts: optionsHdr(d, at, len) };
    case P.IPPROTO_DSTOPTS:
      return { id: t, dstopts: optionsHdr(d, at, len) };
    case P.IPPROTO_ROUTING:
      return { id: t, routing: { nxt: d[at]!, len: d[at + 1]!, rtype: d[at + 2]!, segleft: d[at + 3]!, data: latin1(d, at + 4, at + len) } };
    case P.IPPROTO_FRAGMENT: {
      const offlg = u16(d, at + 2);
      const fragment = { nxt: d[at]!, rsv1: d[at + 1]!, offset: (offlg & 0xfff8) >> 3, rsv2: (offlg & 0x6) >> 1, more: (offlg & 1) === 1, id: u32(d, at + 4) };
      return { id: t, fragment };
    }
    case P.IPPROTO_AH: {
      const ah: Ip6ExtHdr["ah"] = { nxt: d[at]!, len: d[at + 1]!, rsv: u16(d, at + 2), spi: u32(d, at + 4) };
      // Sequence number and ICV only when the header is long enough to have them.
      if (len >= 12) Object.assign(ah, { seq: u32(d, at + 8), data: latin1(d, at + 12, at + len) });
      return { id: t, ah };
    }
    case P.IPPROTO_ESP:
      return { id: t, esp: { spi: u32(d, at), seq: u32(d, at + 4) } };
    default:
      return {
        id: t,
        mobility: { nxt: d[at]!, len: d[at + 1]!, mh_type: d[at + 2]!, rsv: d[at + 3]!, chksum: u16(d, at + 4), msg: mobilityMsg(d, at, len, weird) },
      };
  }
}

/** The Mobility Header's own 6 bytes: next header, length, MH type, reserved, checksum. */
const MH_FIXED = 6;
/** Each MH type's message size before its options (RFC 6275 §6.1.2 to RFC 6275 §6.1.9), types 0 to 7. */
const MH_MESSAGE_SIZE = [2, 10, 10, 18, 18, 6, 6, 18];

/**
 * Zeek's ip6_mobility_msg of the Mobility Header at `at` (`len` bytes): the
 * message of its type with the options after it. A header too short for its
 * message's fixed part leaves it unset (truncated_IPv6_option), an unknown
 * type too (unknown_mobility_type); Zeek reports both as it builds the record.
 */
function mobilityMsg(d: Uint8Array, at: number, len: number, weird?: RecordWeird): Ip6MobilityMsg {
  const type = d[at + 2]!;
  const msg: Ip6MobilityMsg = { id: type };
  const size = MH_MESSAGE_SIZE[type];
  if (size === undefined) {
    weird?.("unknown_mobility_type", String(type));
    return msg;
  }
  const m = at + MH_FIXED;
  const optionsAt = m + size;
  if (optionsAt > at + len) {
    weird?.("truncated_IPv6_option", "");
    return msg;
  }
  const options = optionList(d, optionsAt, at + len);
  const u64 = (i: number): bigint => (BigInt(u32(d, i)) << 32n) | BigInt(u32(d, i + 4));
  switch (type) {
    case 0:
      msg.brr = { rsv: u16(d, m), options };
      break;
    case 1:
    case 2:
      msg[type === 1 ? "hoti" : "coti"] = { rsv: u16(d, m), cookie: u64(m + 2), options };
      break;
    case 3:
    case 4:
      msg[type === 3 ? "hot" : "cot"] = { nonce_idx: u16(d, m), cookie: u64(m + 2), token: u64(m + 10), options };
      break;
    case 5: {
      const flags = u16(d, m + 2);
      msg.bu = {
        seq: u16(d, m),
        a: (flags & 0x8000) !== 0,
        h: (flags & 0x4000) !== 0,
        l: (flags & 0x2000) !== 0,
        k: (flags & 0x1000) !== 0,
        life: u16(d, m + 4),
        options,
      };
      break;
    }
    case 6:
      msg.back = { status: d[m]!, k: (d[m + 1]! & 0x80) !== 0, seq: u16(d, m + 2), life: u16(d, m + 4), options };
      break;
    default:
      msg.be = { status: d[m]!, hoa: addrAt(d, m + 2, 16), options };
  }
  return msg;
}

/** Hop-by-hop or destination options: Zeek's BuildOptionsVal (Pad1 is one byte, but a last single byte is not read; an option past the end stops the list). */
function optionsHdr(d: Uint8Array, at: number, len: number): Ip6Options {
  return { nxt: d[at]!, len: d[at + 1]!, options: optionList(d, at + 2, at + len) };
}

/** The options of `d[from, to)`, as Zeek's BuildOptionsVal reads them (extension headers and mobility messages alike). */
function optionList(d: Uint8Array, from: number, to: number): Ip6Option[] {
  const options: Ip6Option[] = [];
  let p = from;
  let left = to - from;
  while (left >= 2) {
    const otype = d[p]!;
    if (otype === 0) {
      options.push({ otype, len: 0, data: "" });
      p++;
      left--;
      continue;
    }
    const olen = d[p + 1]!;
    if (left < olen + 2) break;
    options.push({ otype, len: olen, data: latin1(d, p + 2, p + 2 + olen) });
    p += olen + 2;
    left -= olen + 2;
  }
  return options;
}
