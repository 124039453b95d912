/**
 * The IP layer: validates the IPv4/IPv6 header of every packet the link
 * layer hands over, in Zeek's order (Zeek's IP packet analyzer), reassembles fragments (Zeek's FragReassembler) and
 * fills the packet's ip*, address and l4 fields for the session layer.
 *
 * Weirds follow Zeek's reporting: checks made before the header is accepted
 * are net weirds (no addresses); later ones are flow weirds between the
 * packet's addresses; both carry source "IP". Extension-header and fragment
 * weirds are flow weirds without a source, as Zeek's reporter writes them.
 *
 * The per-packet path allocates nothing; a reassembled datagram (rare) gets a
 * fresh buffer with the original link header copied in front of it.
 */
import { DOUBLE_ZERO } from "../doubles.js";
import type { Weirds } from "../event/weirds.js";
import type { EngineSettings } from "../options.js";
import { s32, u16, u32 } from "../packet/bytes.js";
import { checksumExempt, foldSum, ipv4HeaderChecksumOk, onesSum, pseudoHeaderSum } from "../packet/checksum.js";
import * as P from "../packet/ip-protocols.js";
import type { Packet } from "../packet/packet.js";
import { formatAddr } from "./addr.js";
import type { Discarder } from "./discarder.js";
import { type FragmentInfo, FragmentReassembler, ipv4FragmentOffset } from "./fragments.js";
import * as H from "./headers.js";
import { fragmentId, fragmentMore, fragmentOffset, Ipv6Chain } from "./ipv6-chain.js";
import type { NetFilter } from "./net-filter.js";

const SOURCE = "IP";
/** Packet.l3Proto's values for IP (Zeek's L3_IPV4, L3_IPV6). */
const L3_IPV4 = 4;
const L3_IPV6 = 6;
const V4_MAPPED_WORD2 = 0xffff;

export class IpStats {
  ipv4 = 0;
  ipv6 = 0;
  /** Packets dropped by a check (each with its weird). */
  dropped = 0;
  /** IPv6 packets whose chain ends in ESP or a mobility header (not analysed further). */
  endedInExtension = 0;
  /** Packets handed to the transport layer. */
  toTransport = 0;
}

export class IpLayer {
  readonly stats = new IpStats();
  readonly fragments: FragmentReassembler;
  /**
   * Called for an IPv6 packet whose chain ends in ESP, with its captured
   * bytes from the IP header on (Zeek's esp_packet): set by the engine only
   * when esp_packet is handled.
   */
  espPacket: ((pkt: Packet, captured: number) => void) | null = null;
  /** Called, like espPacket, for an IPv6 packet whose chain ends in a Mobility Header with a good checksum (Zeek's mobile_ipv6_message): set only when that event is handled. */
  mobilityMessage: ((pkt: Packet, captured: number) => void) | null = null;
  /** Zeek's packet filter (install_src_net_filter and friends): null until a script installs one. */
  netFilter: NetFilter | null = null;
  /** A script's discarders (Engine.setDiscarders): null unless it set some. */
  discarder: Discarder | null = null;
  private readonly chain: Ipv6Chain;
  /** Scratch fragment description, refilled per fragment. */
  private readonly frag: FragmentInfo = {
    ipOffset: 0,
    headerLen: 0,
    totalLen: 0,
    fragOffset: 0,
    more: false,
    df: false,
    proto: 0,
    ihl: 0,
    id: DOUBLE_ZERO, // IPv6 ids are uint32
  };

  constructor(
    private readonly weirds: Weirds,
    private readonly settings: EngineSettings,
  ) {
    this.chain = new Ipv6Chain(weirds);
    this.fragments = new FragmentReassembler(
      weirds,
      () => settings.frag_timeout,
      () => settings.max_fragment_bytes,
    );
  }

  /** True when the packet should go on to the transport layer. */
  process(pkt: Packet): boolean {
    pkt.ipVersion = 0;
    pkt.reassembled = false;
    const d = pkt.data;
    const off = pkt.l3Offset;
    const len = pkt.end - off;
    if (len < H.IPV4_MIN_HEADER_LEN) return this.dropNet("truncated_IP");
    const version = d[off]! >> 4;
    let headerLen: number;
    let totalLen: number;
    if (version === 4) {
      pkt.l3Proto = L3_IPV4;
      this.readIpv4(pkt, d, off);
      headerLen = (d[off]! & 0x0f) * 4;
      totalLen = u16(d, off + H.IPV4_TOTAL_LEN);
    } else if (version === 6) {
      if (len < H.IPV6_HEADER_LEN) return this.dropNet("truncated_IP");
      pkt.l3Proto = L3_IPV6;
      this.chain.walk(d, off, len);
      this.readIpv6(pkt, d, off);
      headerLen = this.chain.headerLen;
      totalLen = u16(d, off + H.IPV6_PAYLOAD_LEN) + H.IPV6_HEADER_LEN;
    } else {
      return this.dropNet("unknown_ip_version");
    }
    pkt.ipTotalLen = totalLen;
    if (totalLen === 0) {
      // TCP segmentation offload can leave a zero length; with -C use the capture.
      this.weirds.net("ip_hdr_len_zero", "", SOURCE);
      if (!this.settings.ignore_checksums) return this.drop();
      totalLen = pkt.caplen - pkt.l2HeaderLen;
      pkt.lengthFromCapture = true;
    }
    // The wire length, not the capture: snaplen-cut packets pass here.
    if (pkt.wirelen < totalLen + pkt.l2HeaderLen) return this.dropNet("truncated_IP_len");
    if (headerLen > totalLen) return this.dropNet("invalid_IP_header_size");
    if (headerLen > len) return this.dropNet("internally_truncated_header");
    if (version === 4 && headerLen < H.IPV4_MIN_HEADER_LEN) return this.dropNet("IPv4_min_header_size");
    if (version === 6 && headerLen < H.IPV6_HEADER_LEN) return this.dropNet("IPv6_min_header_size");
    pkt.ipHeaderKept = true;
    // Zeek's install_*_net_filter drops: silently, before the checksum is looked at.
    if (this.netFilter?.drops(pkt, off, headerLen)) return false;
    if (
      version === 4 &&
      !this.settings.ignore_checksums &&
      !ipv4HeaderChecksumOk(d, off, headerLen) &&
      !checksumExempt(this.settings.ignore_checksums_nets, 0, 0, 0xffff, s32(d, off + H.IPV4_SRC))
    ) {
      return this.dropFlow(pkt, "bad_IP_checksum");
    }
    if (this.discarder !== null && this.discarded(pkt, version, headerLen, totalLen, len)) return false;
    pkt.ipVersion = version;
    if (version === 4) this.stats.ipv4++;
    else this.stats.ipv6++;

    let capLen = len;
    if (this.isFragment(pkt, d, off, version)) {
      if (len < totalLen) {
        this.weirds.flow("incompletely_captured_fragment", srcText(pkt), dstText(pkt), "", SOURCE);
        // Only the first fragment is worth analysing, as is (header-only traces).
        if (this.frag.fragOffset !== 0) return this.drop();
      } else {
        const f = this.frag;
        f.ipOffset = off;
        f.headerLen = headerLen;
        f.totalLen = totalLen;
        f.proto = version === 4 ? d[off + H.IPV4_PROTO]! : this.chain.nextProto;
        f.ihl = version === 4 ? d[off]! & 0x0f : -1;
        const datagram = this.fragments.add(pkt, f, pkt.ts);
        if (datagram === null) return false;
        this.switchToDatagram(pkt, datagram);
        const fragNext = version === 6 ? f.proto : -1;
        const r = this.reparse(pkt, version, fragNext);
        if (r < 0) return false;
        headerLen = r;
        totalLen = pkt.ipTotalLen;
        capLen = totalLen;
      }
    }
    return this.finish(pkt, version, headerLen, totalLen, capLen);
  }

  /** End of input: pending fragment buffers are dropped silently. */
  flush(): void {
    this.fragments.flush();
  }

  // ---------------------------------------------------------------- steps

  private finish(pkt: Packet, version: number, headerLen: number, totalLen: number, capLen: number): boolean {
    if (version === 6) {
      const last = this.chain.lastType;
      if (last === P.IPPROTO_ESP) {
        // Encrypted from here on: Zeek raises esp_packet and stops.
        this.stats.endedInExtension++;
        this.espPacket?.(pkt, capLen);
        return false;
      }
      if (last === P.IPPROTO_MOBILITY) {
        this.stats.endedInExtension++;
        if (!this.settings.ignore_checksums && !this.mobilityChecksumOk(pkt)) return this.dropFlow(pkt, "bad_MH_checksum");
        this.mobilityMessage?.(pkt, capLen);
        if (this.chain.nextProto !== P.IPPROTO_NONE) this.weirds.flow("mobility_piggyback", srcText(pkt), dstText(pkt), "", SOURCE);
        return false;
      }
      pkt.ipProto = this.chain.nextProto;
    }
    if (totalLen < headerLen) return this.dropFlow(pkt, "bogus_IP_header_lengths");
    if (pkt.ipProto === P.IPPROTO_NONE) return this.dropFlow(pkt, "ipv6_no_next");
    pkt.ipHeaderLen = headerLen;
    pkt.l4Offset = pkt.l3Offset + headerLen;
    pkt.l4Len = totalLen - headerLen;
    // Trailer padding (Ethernet minimum size) is never transport payload.
    pkt.l4CapLen = Math.min(capLen - headerLen, pkt.l4Len);
    this.stats.toTransport++;
    return true;
  }

  /** RFC 6275 §6.1.1: the Mobility Header checksum covers an IPv6 pseudo-header (protocol 135). */
  private mobilityChecksumOk(pkt: Packet): boolean {
    const at = this.chain.lastAt;
    const len = this.chain.lastLen;
    return foldSum(onesSum(pkt.data, at, at + len, pseudoHeaderSum(pkt, P.IPPROTO_MOBILITY, len))) === 0xffff;
  }

  private readIpv4(pkt: Packet, d: Uint8Array, off: number): void {
    pkt.ipProto = d[off + H.IPV4_PROTO]!;
    pkt.ttl = d[off + H.IPV4_TTL]!;
    const flags = u16(d, off + H.IPV4_FLAGS_FRAG);
    pkt.df = (flags & H.IPV4_FLAG_DF) !== 0;
    pkt.ipId = u16(d, off + H.IPV4_ID);
    pkt.flowLabel = 0;
    pkt.src0 = 0;
    pkt.src1 = 0;
    pkt.src2 = V4_MAPPED_WORD2;
    pkt.src3 = s32(d, off + H.IPV4_SRC);
    pkt.dst0 = 0;
    pkt.dst1 = 0;
    pkt.dst2 = V4_MAPPED_WORD2;
    pkt.dst3 = s32(d, off + H.IPV4_DST);
  }

  private readIpv6(pkt: Packet, d: Uint8Array, off: number): void {
    pkt.ttl = d[off + H.IPV6_HOP_LIMIT]!;
    pkt.df = false;
    pkt.flowLabel = u32(d, off) & H.IPV6_FLOW_LABEL_MASK;
    pkt.ipProto = this.chain.nextProto;
    const c = this.chain;
    pkt.ipId = c.fragHeader >= 0 ? fragmentId(d, c.fragHeader) : 0;
    const s = c.srcAt;
    const t = c.dstAt;
    pkt.src0 = s32(d, s);
    pkt.src1 = s32(d, s + 4);
    pkt.src2 = s32(d, s + 8);
    pkt.src3 = s32(d, s + 12);
    pkt.dst0 = s32(d, t);
    pkt.dst1 = s32(d, t + 4);
    pkt.dst2 = s32(d, t + 8);
    pkt.dst3 = s32(d, t + 12);
  }

  /** Fills this.frag's offset/MF/DF/id when the packet is a fragment. */
  /** Whether a script's discarder drops the datagram (Zeek asks after the checksum, before reassembly). */
  private discarded(pkt: Packet, version: number, headerLen: number, totalLen: number, capLen: number): boolean {
    const d = pkt.data;
    const off = pkt.l3Offset;
    return this.discarder!.discards({
      data: d,
      ipOffset: off,
      headerLen,
      totalLen,
      capLen,
      proto: version === 4 ? d[off + H.IPV4_PROTO]! : this.chain.nextProto,
      isFragment: this.isFragment(pkt, d, off, version),
    });
  }

  private isFragment(pkt: Packet, d: Uint8Array, off: number, version: number): boolean {
    const f = this.frag;
    if (version === 4) {
      const flags = u16(d, off + H.IPV4_FLAGS_FRAG);
      if ((flags & H.IPV4_FRAGMENT_MASK) === 0) return false;
      f.fragOffset = ipv4FragmentOffset(d, off);
      f.more = (flags & H.IPV4_FLAG_MF) !== 0;
      f.df = pkt.df;
      f.id = pkt.ipId;
      return true;
    }
    const at = this.chain.fragHeader;
    if (at < 0) return false;
    f.fragOffset = fragmentOffset(d, at);
    f.more = fragmentMore(d, at);
    f.df = false;
    f.id = pkt.ipId;
    return true;
  }

  /** Points `pkt` at a rebuilt datagram, keeping the link header in front. */
  private switchToDatagram(pkt: Packet, datagram: Uint8Array): void {
    const l2 = pkt.l2HeaderLen;
    const buf = new Uint8Array(l2 + datagram.length);
    buf.set(pkt.data.subarray(pkt.offset, pkt.l3Offset), 0);
    buf.set(datagram, l2);
    const shift = pkt.offset;
    if (pkt.l2SrcOffset >= 0) pkt.l2SrcOffset -= shift;
    if (pkt.l2DstOffset >= 0) pkt.l2DstOffset -= shift;
    pkt.data = buf;
    pkt.offset = 0;
    pkt.l3Offset = l2;
    pkt.end = buf.length;
    // Zeek treats the datagram as fully captured: wire length = capture length.
    pkt.caplen = buf.length;
    pkt.wirelen = buf.length;
    pkt.reassembled = true;
  }

  /** Re-reads the header of a reassembled datagram; its header length, or −1 if dropped. */
  private reparse(pkt: Packet, version: number, fragNext: number): number {
    const d = pkt.data;
    const off = pkt.l3Offset;
    let headerLen: number;
    if (version === 4) {
      this.readIpv4(pkt, d, off);
      headerLen = (d[off]! & 0x0f) * 4;
      pkt.ipTotalLen = u16(d, off + H.IPV4_TOTAL_LEN);
    } else {
      this.chain.walk(d, off, pkt.end - off, fragNext);
      this.readIpv6(pkt, d, off);
      headerLen = this.chain.headerLen;
      pkt.ipTotalLen = u16(d, off + H.IPV6_PAYLOAD_LEN) + H.IPV6_HEADER_LEN;
    }
    if (headerLen > pkt.ipTotalLen) {
      this.dropFlow(pkt, "invalid_IP_header_size");
      return -1;
    }
    return headerLen;
  }

  private drop(): false {
    this.stats.dropped++;
    return false;
  }

  private dropNet(name: string): false {
    this.weirds.net(name, "", SOURCE);
    return this.drop();
  }

  private dropFlow(pkt: Packet, name: string): false {
    this.weirds.flow(name, srcText(pkt), dstText(pkt), "", SOURCE);
    return this.drop();
  }
}

function srcText(p: Packet): string {
  return formatAddr(p.src0, p.src1, p.src2, p.src3);
}

function dstText(p: Packet): string {
  return formatAddr(p.dst0, p.dst1, p.dst2, p.dst3);
}
