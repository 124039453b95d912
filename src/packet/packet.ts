/**
 * The decoded packet: one object, created once by the engine and refilled by
 * each layer for every packet (the decode-into-a-reused-struct pattern). Layers
 * record offsets into `data` rather than copying bytes.
 *
 * Contract between layers:
 *  - the source fills the raw fields (ts, caplen, wirelen, linktype, data, offset);
 *  - link decoders (src/packet/) fill the l2 fields, `l3Offset` and `l2HeaderLen`;
 *  - the IP layer (src/ip/) validates and fills the ip* fields, the addresses and
 *    the l4 fields, possibly switching `data` to a reassembled datagram;
 *  - the session layer (src/session/) and analyzers read from here.
 *
 * Addresses are kept as four 32-bit words each, in network byte order (word 0
 * holds bytes 0..3), with IPv4 stored IPv4-mapped (::ffff:a.b.c.d) as Zeek does.
 * The words are stored as signed int32 (bytes.s32): V8 keeps them unboxed,
 * where a uint32 ≥ 2^31 (any address from 128.0.0.0) would be a heap number.
 * Comparing the words as unsigned numbers (`w >>> 0`) in order is comparing
 * the 16 raw bytes, which is the order Zeek uses for connection keys (Zeek's IPBasedConnKey, session::Manager::Drain).
 */
import { DOUBLE_ZERO } from "../doubles.js";
import type { RawPacket } from "../source/raw-packet.js";

export class Packet {
  // ---- raw, from the source
  /** Doubles from the start, like every non-Smi field (see doubles.ts). */
  ts = DOUBLE_ZERO;
  caplen = 0;
  wirelen = 0;
  linktype = 0;
  data: Uint8Array = new Uint8Array(0);
  /** Offset of the first captured byte in `data`. */
  offset = 0;
  /**
   * Offset one past the last captured byte in `data`. The link layer may lower
   * it when a header declares a shorter payload (PPPoE length, NFLOG TLV), so
   * the IP layer sees exactly the bytes Zeek would hand it.
   */
  end = 0;

  // ---- link layer
  /** Offset of the Ethernet source MAC in `data`, or -1 if the link has none. */
  l2SrcOffset = -1;
  /** Offset of the Ethernet destination MAC in `data`, or -1. */
  l2DstOffset = -1;
  /** Outer and inner 802.1Q VLAN ids, -1 when absent. */
  vlan = -1;
  innerVlan = -1;
  /** The top four bits of each VLAN tag's TCI (priority code point, then the drop-eligible bit), for raw_packet. */
  vlanPri = 0;
  innerVlanPri = 0;
  /** The EtherType an Ethernet or VLAN header named last (Zeek's eth_type; an 802.3 length too), -1 when none. */
  ethType = -1;
  /**
   * Zeek's l3_proto: L3_IPV4 (4) or L3_IPV6 (6) once the IP layer read a
   * version with enough bytes for its header, L3_ARP (0x0806) once ARP was
   * analysed, 0 otherwise. Read only by raw_packet.
   */
  l3Proto = 0;
  /** The PPPoE session id of the packet's PPPoE header, -1 when it has none. */
  pppoeSession = -1;
  /** Offset of the network-layer header in `data`. */
  l3Offset = 0;
  /** Length of link-layer headers before the network layer (Zeek's hdr_size). */
  l2HeaderLen = 0;
  /**
   * A layer measured the packet by its captured bytes: an 802.3 or A-MSDU
   * length checked against them, an IPv4 total length of 0 replaced by them. Such a packet is
   * recorded whole by -w (see packet-use.ts). Reset by the link layer.
   */
  lengthFromCapture = false;

  // ---- IP layer
  /**
   * The IP header passed the length checks (Zeek's packet->ip_hdr is set:
   * from then on, whatever later checks say, raw_packet shows it).
   */
  ipHeaderKept = false;
  /** 4 or 6 once the IP layer accepted the packet; 0 otherwise. */
  ipVersion = 0;
  /** IPv4 header length or IPv6 fixed header plus extension headers. */
  ipHeaderLen = 0;
  /** IP total length (IPv6: payload length + 40), the value conn.log's ip_bytes sums. */
  ipTotalLen = 0;
  /** Transport protocol number after the extension header chain (6, 17, 1, 58, …). */
  ipProto = 0;
  ttl = 0;
  /** IPv4 DF bit. */
  df = false;
  /** IPv4 identification, IPv6 fragment id (0 when unfragmented). */
  /** IPv6 fragment ids are 32-bit unsigned. */
  ipId = DOUBLE_ZERO;
  /** IPv6 flow label (0 for IPv4). */
  flowLabel = 0;
  src0 = 0;
  src1 = 0;
  src2 = 0;
  src3 = 0;
  dst0 = 0;
  dst1 = 0;
  dst2 = 0;
  dst3 = 0;

  // ---- transport, as handed over by the IP layer
  /** Offset of the transport header in `data`. */
  l4Offset = 0;
  /** Transport length declared by the IP header (total length − IP header length). */
  l4Len = 0;
  /** Transport bytes actually captured, at most l4Len. */
  l4CapLen = 0;
  /**
   * True when this packet is a datagram rebuilt from fragments. Then `data` is
   * a fresh buffer (link header copied in front, `offset` 0), and `caplen` and
   * `wirelen` are the rebuilt length: Zeek treats it as fully captured.
   */
  reassembled = false;

  /** Refills the raw fields from a source's packet (no copy: `data` is shared). */
  load(raw: RawPacket): void {
    this.ts = raw.ts;
    this.caplen = raw.caplen;
    this.wirelen = raw.wirelen;
    this.linktype = raw.linktype;
    this.data = raw.data;
    this.offset = raw.offset;
    this.end = raw.offset + raw.caplen;
  }

  /** True when the IP addresses are IPv4 (mapped). */
  isV4(): boolean {
    return this.src0 === 0 && this.src1 === 0 && this.src2 === 0xffff && this.dst2 === 0xffff;
  }
}
