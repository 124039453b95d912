/**
 * Test-only packet builder: crafts link, IP and transport headers byte by byte
 * so tests can feed bronze exactly the packets they need, malformed ones included.
 *
 * Checksums are computed here with deliberately naive code (an array of numbers,
 * no shared helpers) so that the builder is an independent oracle for
 * src/packet/checksum.ts rather than a copy of it.
 *
 * Conventions:
 *  - addresses are strings ("10.0.0.1", "2001:db8::1"); the IP family of a
 *    transport builder follows the addresses it is given;
 *  - every builder returns a fresh Uint8Array holding its header plus payload;
 *  - `...Override` fields write a raw value into a header field instead of the
 *    computed one, to build malformed packets.
 */
import type { PacketSink, PacketSource, RawPacket, SourceSummary } from "../../src/source/raw-packet.js";

export type Bytes = Uint8Array | readonly number[];

// ---------------------------------------------------------------- small utils

export function bytes(b: Bytes | string = []): Uint8Array {
  if (typeof b === "string") return new TextEncoder().encode(b);
  return b instanceof Uint8Array ? b : Uint8Array.from(b);
}

export function concat(...parts: Bytes[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p instanceof Uint8Array ? p : Uint8Array.from(p), at);
    at += p.length;
  }
  return out;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** "aa:bb:cc:dd:ee:ff" → 6 bytes. */
export function mac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) throw new Error(`bad MAC ${text}`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/** True when `text` is an IPv6 address (contains a colon). */
export function isV6(text: string): boolean {
  return text.includes(":");
}

/** "10.1.2.3" → 4 bytes. */
export function ipv4Bytes(text: string): Uint8Array {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((n) => !(n >= 0 && n <= 255))) throw new Error(`bad IPv4 ${text}`);
  return Uint8Array.from(parts);
}

/** "2001:db8::1" or "::ffff:1.2.3.4" → 16 bytes. */
export function ipv6Bytes(text: string): Uint8Array {
  let s = text;
  const words: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  let tail: number[] = [];
  if (dotted) {
    const b = ipv4Bytes(dotted[1]!);
    tail = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    s = `${s.slice(0, s.length - dotted[1]!.length)}0:0`;
  }
  const halves = s.split("::");
  if (halves.length > 2) throw new Error(`bad IPv6 ${text}`);
  const parse = (h: string): number[] => (h === "" ? [] : h.split(":").map((w) => parseInt(w, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  words.push(...head, ...new Array<number>(fill).fill(0), ...rest);
  if (words.length !== 8) throw new Error(`bad IPv6 ${text}`);
  if (tail.length) words.splice(6, 2, ...tail);
  const out = new Uint8Array(16);
  words.forEach((w, i) => put16(out, i * 2, w));
  return out;
}

export function addrBytes(text: string): Uint8Array {
  return isV6(text) ? ipv6Bytes(text) : ipv4Bytes(text);
}

/** The internet checksum, written the slow obvious way (RFC 1071). */
export function onesComplementSum(...chunks: Bytes[]): number {
  let sum = 0;
  for (const chunk of chunks) {
    const arr = Array.from(chunk);
    if (arr.length % 2 === 1) arr.push(0);
    for (let i = 0; i < arr.length; i += 2) sum += arr[i]! * 256 + arr[i + 1]!;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return ~sum & 0xffff;
}

// ---------------------------------------------------------------- link layer

export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;
export const ETH_ARP = 0x0806;
export const ETH_VLAN = 0x8100;
export const ETH_QINQ = 0x88a8;
export const ETH_MPLS = 0x8847;
export const ETH_PPPOE = 0x8864;

export const DEFAULT_DST_MAC = "00:00:00:00:00:02";
export const DEFAULT_SRC_MAC = "00:00:00:00:00:01";

/** An Ethernet II header (or 802.3 when `type` ≤ 1500) followed by `payload`. */
export function ethernet(dst: string, src: string, type: number, payload: Bytes = []): Uint8Array {
  const h = new Uint8Array(14);
  h.set(mac(dst), 0);
  h.set(mac(src), 6);
  put16(h, 12, type);
  return concat(h, payload);
}

/** One 802.1Q tag body (TCI + inner EtherType) followed by `payload`; the outer type names the tag. */
export function vlanTag(vid: number, innerType: number, payload: Bytes = [], pcp = 0): Uint8Array {
  const h = new Uint8Array(4);
  put16(h, 0, ((pcp & 7) << 13) | (vid & 0xfff));
  put16(h, 2, innerType);
  return concat(h, payload);
}

/** An MPLS label stack: bottom-of-stack set on the last label. */
export function mplsLabels(labels: number[], payload: Bytes = [], ttl = 64): Uint8Array {
  const h = new Uint8Array(labels.length * 4);
  labels.forEach((label, i) => {
    const bos = i === labels.length - 1 ? 1 : 0;
    put32(h, i * 4, ((label & 0xfffff) << 12) | (bos << 8) | (ttl & 0xff));
  });
  return concat(h, payload);
}

/** PPPoE session header + PPP protocol (0x0021 IPv4, 0x0057 IPv6). */
export function pppoeSession(pppProto: number, payload: Bytes = [], opts: { session?: number; lengthOverride?: number } = {}): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = 0x11; // version 1, type 1
  h[1] = 0x00; // code: session data
  put16(h, 2, opts.session ?? 1);
  put16(h, 4, opts.lengthOverride ?? payload.length + 2);
  put16(h, 6, pppProto);
  return concat(h, payload);
}

/** Linux cooked capture v1 (DLT 113) header + payload. */
export function sll(protocol: number, payload: Bytes = [], packetType = 0): Uint8Array {
  const h = new Uint8Array(16);
  put16(h, 0, packetType);
  put16(h, 2, 1); // ARPHRD_ETHER
  put16(h, 4, 6);
  h.set(mac(DEFAULT_SRC_MAC), 6);
  put16(h, 14, protocol);
  return concat(h, payload);
}

/** Linux cooked capture v2 (DLT 276) header + payload. */
export function sll2(protocol: number, payload: Bytes = []): Uint8Array {
  const h = new Uint8Array(20);
  put16(h, 0, protocol);
  put32(h, 4, 1); // interface index
  put16(h, 8, 1); // ARPHRD_ETHER
  h[11] = 6;
  h.set(mac(DEFAULT_SRC_MAC), 12);
  return concat(h, payload);
}

/** BSD loopback (DLT 0): a host-order (little-endian here) 4-byte address family. */
export function nullLink(family: number, payload: Bytes = []): Uint8Array {
  const h = new Uint8Array(4);
  h[0] = family & 0xff;
  h[1] = (family >>> 8) & 0xff;
  h[2] = (family >>> 16) & 0xff;
  h[3] = (family >>> 24) & 0xff;
  return concat(h, payload);
}

/** OpenBSD LOOP (DLT 108): the family in network byte order. */
export function loopLink(family: number, payload: Bytes = []): Uint8Array {
  const h = new Uint8Array(4);
  put32(h, 0, family);
  return concat(h, payload);
}

/** PPP in HDLC-like framing (DLT 50 / 9): address 0xff, control 0x03, protocol. */
export function pppSerial(pppProto: number, payload: Bytes = []): Uint8Array {
  const h = new Uint8Array(4);
  h[0] = 0xff;
  h[1] = 0x03;
  put16(h, 2, pppProto);
  return concat(h, payload);
}

// ---------------------------------------------------------------- IP layer

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMP6 = 58;

export interface Ipv4Options {
  src?: string;
  dst?: string;
  proto?: number;
  ttl?: number;
  id?: number;
  tos?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (must be a multiple of 8; written as offset/8). */
  fragOffset?: number;
  /** Raw option bytes; padded with zeros (EOL) to a multiple of 4. */
  options?: Bytes;
  totalLenOverride?: number;
  checksumOverride?: number;
  /** Raw IHL nibble (header length / 4). */
  ihlOverride?: number;
  versionOverride?: number;
}

/** An IPv4 header (checksum computed unless overridden) followed by `payload`. */
export function ipv4(o: Ipv4Options, payload: Bytes = []): Uint8Array {
  const optRaw = bytes(o.options ?? []);
  const optLen = Math.ceil(optRaw.length / 4) * 4;
  const hlen = 20 + optLen;
  const h = new Uint8Array(hlen);
  h[0] = ((o.versionOverride ?? 4) << 4) | ((o.ihlOverride ?? hlen / 4) & 0xf);
  h[1] = o.tos ?? 0;
  put16(h, 2, o.totalLenOverride ?? hlen + payload.length);
  put16(h, 4, o.id ?? 0);
  const off = Math.floor((o.fragOffset ?? 0) / 8);
  put16(h, 6, (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | (off & 0x1fff));
  h[8] = o.ttl ?? 64;
  h[9] = o.proto ?? PROTO_TCP;
  h.set(ipv4Bytes(o.src ?? "10.0.0.1"), 12);
  h.set(ipv4Bytes(o.dst ?? "10.0.0.2"), 16);
  h.set(optRaw, 20);
  put16(h, 10, o.checksumOverride ?? onesComplementSum(h));
  return concat(h, payload);
}

/** One IPv6 extension header; `nextHeader` is filled in by `ipv6()`. */
export interface Ipv6ExtHeader {
  type: number;
  /** The header body after the next-header byte (for most: hdr-ext-len then data). */
  body: Bytes;
}

export const IPV6_HOPOPTS = 0;
export const IPV6_ROUTING = 43;
export const IPV6_FRAGMENT = 44;
export const IPV6_DSTOPTS = 60;
export const IPV6_NONXT = 59;
export const IPV6_AH = 51;
export const IPV6_ESP = 50;

/** Pads an options area so header length is a multiple of 8 (PadN/Pad1). */
function padOptions(opts: Uint8Array): Uint8Array {
  const total = Math.ceil((opts.length + 2) / 8) * 8;
  const pad = total - 2 - opts.length;
  const out = new Uint8Array(total - 1);
  out[0] = total / 8 - 1;
  out.set(opts, 1);
  if (pad === 1)
    out[1 + opts.length] = 0; // Pad1
  else if (pad >= 2) {
    out[1 + opts.length] = 1; // PadN
    out[2 + opts.length] = pad - 2;
  }
  return out;
}

export function hopByHop(options: Bytes = []): Ipv6ExtHeader {
  return { type: IPV6_HOPOPTS, body: padOptions(bytes(options)) };
}

export function destOptions(options: Bytes = []): Ipv6ExtHeader {
  return { type: IPV6_DSTOPTS, body: padOptions(bytes(options)) };
}

/** Home Address destination option (type 201) carrying `addr`. */
export function homeAddressOption(addr: string): Uint8Array {
  // Alignment 8n+6: two Pad1-free bytes are not needed here, tests only read the value.
  return concat([201, 16], ipv6Bytes(addr));
}

/** A routing header of `routingType` listing `addresses` (type 0/2 layout). */
export function routingHeader(routingType: number, segmentsLeft: number, addresses: string[], lenOverride?: number): Ipv6ExtHeader {
  const body = new Uint8Array(7 + addresses.length * 16);
  body[0] = lenOverride ?? addresses.length * 2;
  body[1] = routingType;
  body[2] = segmentsLeft;
  addresses.forEach((a, i) => body.set(ipv6Bytes(a), 7 + i * 16));
  return { type: IPV6_ROUTING, body };
}

/** A fragment header; `offset` in bytes (multiple of 8). */
export function fragmentHeader(o: { offset?: number; mf?: boolean; id: number }): Ipv6ExtHeader {
  const body = new Uint8Array(7);
  put16(body, 1, (Math.floor((o.offset ?? 0) / 8) << 3) | (o.mf ? 1 : 0));
  put32(body, 3, o.id);
  return { type: IPV6_FRAGMENT, body };
}

export interface Ipv6Options {
  src?: string;
  dst?: string;
  /** Protocol after the extension headers. */
  nextHeader?: number;
  hopLimit?: number;
  flowLabel?: number;
  trafficClass?: number;
  extHeaders?: Ipv6ExtHeader[];
  payloadLenOverride?: number;
  versionOverride?: number;
}

/** An IPv6 header, its extension chain (next-header fields linked), then `payload`. */
export function ipv6(o: Ipv6Options, payload: Bytes = []): Uint8Array {
  const exts = o.extHeaders ?? [];
  const extBytes = exts.map((e, i) => concat([i + 1 < exts.length ? exts[i + 1]!.type : (o.nextHeader ?? PROTO_TCP)], e.body));
  const rest = concat(...extBytes, payload);
  const h = new Uint8Array(40);
  const tc = o.trafficClass ?? 0;
  put32(h, 0, (((o.versionOverride ?? 6) & 0xf) << 28) | ((tc & 0xff) << 20) | ((o.flowLabel ?? 0) & 0xfffff));
  put16(h, 4, o.payloadLenOverride ?? rest.length);
  h[6] = exts.length > 0 ? exts[0]!.type : (o.nextHeader ?? PROTO_TCP);
  h[7] = o.hopLimit ?? 64;
  h.set(ipv6Bytes(o.src ?? "2001:db8::1"), 8);
  h.set(ipv6Bytes(o.dst ?? "2001:db8::2"), 24);
  return concat(h, rest);
}

// ---------------------------------------------------------------- transport

/** The endpoints whose pseudo-header a transport checksum covers. */
export interface PseudoHeader {
  src: string;
  dst: string;
}

/** 'good' computes it, 'bad' computes it and flips bits, a number is written as is. */
export type ChecksumChoice = "good" | "bad" | number;

function pseudoHeader(ip: PseudoHeader, proto: number, length: number): Uint8Array {
  if (isV6(ip.src)) {
    const p = new Uint8Array(40);
    p.set(ipv6Bytes(ip.src), 0);
    p.set(ipv6Bytes(ip.dst), 16);
    put32(p, 32, length);
    p[39] = proto;
    return p;
  }
  const p = new Uint8Array(12);
  p.set(ipv4Bytes(ip.src), 0);
  p.set(ipv4Bytes(ip.dst), 4);
  p[9] = proto;
  put16(p, 10, length);
  return p;
}

function applyChecksum(seg: Uint8Array, at: number, choice: ChecksumChoice, compute: () => number): void {
  if (typeof choice === "number") {
    put16(seg, at, choice);
    return;
  }
  const good = compute();
  put16(seg, at, choice === "good" ? good : good ^ 0x5a5a);
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

const FLAG_LETTERS: Record<string, number> = {
  F: TCP_FIN,
  S: TCP_SYN,
  R: TCP_RST,
  P: TCP_PSH,
  A: TCP_ACK,
  U: TCP_URG,
  E: TCP_ECE,
  C: TCP_CWR,
};

/** "SA" → SYN|ACK; a number is taken as the raw flags byte. */
export function tcpFlags(flags: string | number): number {
  if (typeof flags === "number") return flags;
  let v = 0;
  for (const ch of flags) {
    const bit = FLAG_LETTERS[ch];
    if (bit === undefined) throw new Error(`unknown TCP flag ${ch}`);
    v |= bit;
  }
  return v;
}

export interface TcpOptions {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: string | number;
  win?: number;
  urg?: number;
  /** Raw TCP option bytes; padded with zeros to a multiple of 4. */
  options?: Bytes;
  payload?: Bytes | string;
  checksum?: ChecksumChoice;
  /** Raw data-offset nibble (header length / 4). */
  dataOffsetOverride?: number;
}

/** A TCP segment whose checksum covers the pseudo-header of `ip`. */
export function tcp(o: TcpOptions, ip: PseudoHeader): Uint8Array {
  const opt = bytes(o.options ?? []);
  const hlen = 20 + Math.ceil(opt.length / 4) * 4;
  const payload = bytes(o.payload ?? []);
  const seg = new Uint8Array(hlen + payload.length);
  put16(seg, 0, o.sport ?? 1234);
  put16(seg, 2, o.dport ?? 80);
  put32(seg, 4, o.seq ?? 1000);
  put32(seg, 8, o.ack ?? 0);
  seg[12] = ((o.dataOffsetOverride ?? hlen / 4) & 0xf) << 4;
  seg[13] = tcpFlags(o.flags ?? "S");
  put16(seg, 14, o.win ?? 8192);
  put16(seg, 18, o.urg ?? 0);
  seg.set(opt, 20);
  seg.set(payload, hlen);
  applyChecksum(seg, 16, o.checksum ?? "good", () => onesComplementSum(pseudoHeader(ip, PROTO_TCP, seg.length), seg));
  return seg;
}

export interface UdpOptions {
  sport?: number;
  dport?: number;
  payload?: Bytes | string;
  checksum?: ChecksumChoice;
  lengthOverride?: number;
}

/** A UDP datagram; a computed checksum of 0 is sent as 0xffff (RFC 768). */
export function udp(o: UdpOptions, ip: PseudoHeader): Uint8Array {
  const payload = bytes(o.payload ?? []);
  const seg = new Uint8Array(8 + payload.length);
  put16(seg, 0, o.sport ?? 5353);
  put16(seg, 2, o.dport ?? 53);
  put16(seg, 4, o.lengthOverride ?? seg.length);
  seg.set(payload, 8);
  applyChecksum(seg, 6, o.checksum ?? "good", () => {
    const c = onesComplementSum(pseudoHeader(ip, PROTO_UDP, seg.length), seg);
    return c === 0 ? 0xffff : c;
  });
  return seg;
}

export interface IcmpOptions {
  type?: number;
  code?: number;
  id?: number;
  seq?: number;
  payload?: Bytes | string;
  checksum?: ChecksumChoice;
}

/** An ICMPv4 message (default: echo request). Checksum over the message only. */
export function icmp(o: IcmpOptions = {}): Uint8Array {
  const payload = bytes(o.payload ?? []);
  const seg = new Uint8Array(8 + payload.length);
  seg[0] = o.type ?? 8;
  seg[1] = o.code ?? 0;
  put16(seg, 4, o.id ?? 1);
  put16(seg, 6, o.seq ?? 1);
  seg.set(payload, 8);
  applyChecksum(seg, 2, o.checksum ?? "good", () => onesComplementSum(seg));
  return seg;
}

/** An ICMPv6 message (default: echo request 128); checksum includes the pseudo-header. */
export function icmp6(o: IcmpOptions, ip: PseudoHeader): Uint8Array {
  const payload = bytes(o.payload ?? []);
  const seg = new Uint8Array(8 + payload.length);
  seg[0] = o.type ?? 128;
  seg[1] = o.code ?? 0;
  put16(seg, 4, o.id ?? 1);
  put16(seg, 6, o.seq ?? 1);
  seg.set(payload, 8);
  applyChecksum(seg, 2, o.checksum ?? "good", () => onesComplementSum(pseudoHeader(ip, PROTO_ICMP6, seg.length), seg));
  return seg;
}

// ---------------------------------------------------------------- composed

type V4 = Omit<Ipv4Options, "proto"> & { src: string; dst: string };
type V6 = Omit<Ipv6Options, "nextHeader"> & { src: string; dst: string };

export function tcp4(ip: V4, seg: TcpOptions = {}): Uint8Array {
  return ipv4({ ...ip, proto: PROTO_TCP }, tcp(seg, ip));
}

export function tcp6(ip: V6, seg: TcpOptions = {}): Uint8Array {
  return ipv6({ ...ip, nextHeader: PROTO_TCP }, tcp(seg, ip));
}

export function udp4(ip: V4, seg: UdpOptions = {}): Uint8Array {
  return ipv4({ ...ip, proto: PROTO_UDP }, udp(seg, ip));
}

export function udp6(ip: V6, seg: UdpOptions = {}): Uint8Array {
  return ipv6({ ...ip, nextHeader: PROTO_UDP }, udp(seg, ip));
}

export function icmp4(ip: V4, msg: IcmpOptions = {}): Uint8Array {
  return ipv4({ ...ip, proto: PROTO_ICMP }, icmp(msg));
}

export function icmp6Packet(ip: V6, msg: IcmpOptions = {}): Uint8Array {
  return ipv6({ ...ip, nextHeader: PROTO_ICMP6 }, icmp6(msg, ip));
}

export interface FrameOptions {
  dstMac?: string;
  srcMac?: string;
  /** 802.1Q tags, outermost first (QinQ: two entries). */
  vlans?: number[];
  /** EtherType of the outermost tag (default 0x8100). */
  vlanType?: number;
  /** Zero bytes appended after the IP packet (Ethernet minimum-size padding). */
  trailer?: number;
}

/** Wraps an IP packet (v4 or v6, from its version nibble) in an Ethernet frame. */
export function frame(ipPacket: Bytes, o: FrameOptions = {}): Uint8Array {
  const ip = bytes(ipPacket);
  let type = ip.length > 0 && ip[0]! >> 4 === 6 ? ETH_IPV6 : ETH_IPV4;
  let body: Uint8Array = concat(ip, new Uint8Array(o.trailer ?? 0));
  const vlans = o.vlans ?? [];
  for (let i = vlans.length - 1; i >= 0; i--) {
    body = vlanTag(vlans[i]!, type, body);
    type = i === 0 ? (o.vlanType ?? ETH_VLAN) : ETH_VLAN;
  }
  return ethernet(o.dstMac ?? DEFAULT_DST_MAC, o.srcMac ?? DEFAULT_SRC_MAC, type, body);
}

// ---------------------------------------------------------------- sources and files

export const LINKTYPE_ETHERNET = 1;

export interface TestPacket {
  ts: number;
  bytes: Uint8Array;
  /** pcap link type, default Ethernet (1). */
  linktype?: number;
  /** On-the-wire length, default bytes.length (set larger to simulate a snaplen cut). */
  wirelen?: number;
}

/** A PacketSource over in-memory packets, reusing one RawPacket like real sources do. */
export function memorySource(packets: TestPacket[], name = "memory"): PacketSource {
  return {
    name,
    async run(sink: PacketSink): Promise<SourceSummary> {
      const raw: RawPacket = { ts: 0, caplen: 0, wirelen: 0, linktype: 1, data: new Uint8Array(0), offset: 0 };
      for (const p of packets) {
        raw.ts = p.ts;
        raw.caplen = p.bytes.length;
        raw.wirelen = p.wirelen ?? p.bytes.length;
        raw.linktype = p.linktype ?? LINKTYPE_ETHERNET;
        raw.data = p.bytes;
        raw.offset = 0;
        sink(raw);
      }
      return { packets: packets.length, truncated: null };
    },
  };
}

/** A classic little-endian microsecond pcap file holding `packets` (one link type). */
export function writePcap(packets: TestPacket[], linktype = packets[0]?.linktype ?? LINKTYPE_ETHERNET, snaplen = 65535): Uint8Array {
  const header = new Uint8Array(24);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0xa1b2c3d4, true);
  hv.setUint16(4, 2, true);
  hv.setUint16(6, 4, true);
  hv.setUint32(16, snaplen, true);
  hv.setUint32(20, linktype, true);
  const total = packets.reduce((n, p) => n + 16 + p.bytes.length, header.length);
  const out = new Uint8Array(total);
  const ov = new DataView(out.buffer);
  out.set(header, 0);
  let at = header.length;
  for (const p of packets) {
    const sec = Math.floor(p.ts);
    ov.setUint32(at, sec, true);
    ov.setUint32(at + 4, Math.round((p.ts - sec) * 1e6), true);
    ov.setUint32(at + 8, p.bytes.length, true);
    ov.setUint32(at + 12, p.wirelen ?? p.bytes.length, true);
    out.set(p.bytes, at + 16);
    at += 16 + p.bytes.length;
  }
  return out;
}
