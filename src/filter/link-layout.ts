/**
 * Where a link type keeps its protocol field and where the network header
 * starts: what the code generator needs to know about each pcap LINKTYPE.
 *
 * A filter is compiled once per link type seen (a pcapng file may mix them),
 * so every offset below is a compile-time constant in the generated code, as
 * in libpcap's BPF.
 */

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_FDDI = 10;
export const LINKTYPE_RAW_12 = 12; // DLT_RAW on most BSDs
export const LINKTYPE_RAW_14 = 14; // DLT_RAW on OpenBSD
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

/** How the link layer says which network protocol follows. */
export type LinkKind =
  | "ethertype" // a 16-bit ethertype at `typeOffset` (Ethernet, Linux SLL/SLL2)
  | "ppp" // a 16-bit PPP protocol number at `typeOffset`
  | "af-either-order" // DLT_NULL: a 32-bit address family in the capturing host's byte order
  | "af-big-endian" // DLT_LOOP: a 32-bit address family in network byte order
  | "ip-version" // raw IP: the version nibble of the first byte
  | "ipv4-only"
  | "ipv6-only"
  | "none"; // a link type bronze's filters do not understand: link-dependent tests never match

export interface LinkLayout {
  readonly name: string;
  readonly kind: LinkKind;
  /** Offset of the protocol field (ethertype/ppp kinds), or of the family (af kinds). */
  readonly typeOffset: number;
  /** Offset of the network-layer header. */
  readonly networkOffset: number;
  /** VLAN tags, MPLS labels and 802.3 length fields can follow the type field (Ethernet only). */
  readonly ethernetFraming: boolean;
  /** Offset of the destination MAC (the source follows it), or -1 without MAC addresses. */
  readonly macOffset: number;
  /**
   * How an `ether proto` value up to 1500 (an 802.2 SAP, not an ethertype) is tested:
   * "length-field" (Ethernet: 802.3 length then DSAP), "sll" (protocol 4 then DSAP),
   * "dsap" (FDDI: the DSAP byte at `llcOffset`), or "type" (compared like an ethertype).
   */
  readonly llc: "length-field" | "sll" | "dsap" | "type";
  readonly llcOffset: number;
  /** Linux cooked captures: offset and size (1 or 2 bytes) of the packet type (`inbound`/`outbound`); -1 elsewhere. */
  readonly packetTypeOffset: number;
  readonly packetTypeSize: number;
}

const LAYOUTS: ReadonlyMap<number, LinkLayout> = new Map<number, LinkLayout>([
  [
    LINKTYPE_ETHERNET,
    {
      name: "Ethernet",
      kind: "ethertype",
      typeOffset: 12,
      networkOffset: 14,
      ethernetFraming: true,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: 0,
      llc: "length-field",
      llcOffset: 14,
    },
  ],
  // Linux cooked v1: 16-byte header, protocol in its last two bytes.
  [
    LINKTYPE_LINUX_SLL,
    {
      name: "Linux cooked v1",
      kind: "ethertype",
      typeOffset: 14,
      networkOffset: 16,
      ethernetFraming: false,
      packetTypeOffset: 0,
      packetTypeSize: 2,
      macOffset: -1,
      llc: "sll",
      llcOffset: 16,
    },
  ],
  // Linux cooked v2: 20-byte header, protocol first.
  [
    LINKTYPE_LINUX_SLL2,
    {
      name: "Linux cooked v2",
      kind: "ethertype",
      typeOffset: 0,
      networkOffset: 20,
      ethernetFraming: false,
      packetTypeOffset: 10,
      packetTypeSize: 1,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  [
    LINKTYPE_NULL,
    {
      name: "BSD loopback",
      kind: "af-either-order",
      typeOffset: 0,
      networkOffset: 4,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  [
    LINKTYPE_LOOP,
    {
      name: "OpenBSD loopback",
      kind: "af-big-endian",
      typeOffset: 0,
      networkOffset: 4,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  [
    LINKTYPE_RAW_12,
    {
      name: "Raw IP",
      kind: "ip-version",
      typeOffset: -1,
      networkOffset: 0,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  [
    LINKTYPE_RAW_14,
    {
      name: "Raw IP",
      kind: "ip-version",
      typeOffset: -1,
      networkOffset: 0,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  [
    LINKTYPE_RAW,
    {
      name: "Raw IP",
      kind: "ip-version",
      typeOffset: -1,
      networkOffset: 0,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  [
    LINKTYPE_IPV4,
    {
      name: "Raw IPv4",
      kind: "ipv4-only",
      typeOffset: -1,
      networkOffset: 0,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  [
    LINKTYPE_IPV6,
    {
      name: "Raw IPv6",
      kind: "ipv6-only",
      typeOffset: -1,
      networkOffset: 0,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
  // FDDI: frame control, two MACs, then 802.2 LLC/SNAP (8 bytes) whose last two are the ethertype.
  [
    LINKTYPE_FDDI,
    {
      name: "FDDI",
      kind: "ethertype",
      typeOffset: 19,
      networkOffset: 21,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: 1,
      llc: "dsap",
      llcOffset: 13,
    },
  ],
  // PPP in HDLC-like framing: address, control, then the protocol.
  [
    LINKTYPE_PPP,
    {
      name: "PPP",
      kind: "ppp",
      typeOffset: 2,
      networkOffset: 4,
      ethernetFraming: false,
      packetTypeOffset: -1,
      packetTypeSize: 0,
      macOffset: -1,
      llc: "type",
      llcOffset: -1,
    },
  ],
]);

const UNKNOWN: LinkLayout = {
  name: "unsupported link type",
  kind: "none",
  typeOffset: -1,
  networkOffset: 0,
  ethernetFraming: false,
  packetTypeOffset: -1,
  packetTypeSize: 0,
  macOffset: -1,
  llc: "type",
  llcOffset: -1,
};

export function linkLayout(linktype: number): LinkLayout {
  return LAYOUTS.get(linktype) ?? UNKNOWN;
}

// Address families a loopback header carries.
export const AF_INET = 2;
/** AF_INET6 differs by system: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
export const AF_INET6_VALUES = [10, 24, 28, 30] as const;

// PPP protocol numbers (RFC 1661, RFC 5072).
export const PPP_IP = 0x0021;
export const PPP_IPV6 = 0x0057;

/**
 * IEEE 802.15.4 link types (DLT_IEEE802_15_4 with FCS, _LINUX,
 * _NONASK_PHY, _NOFCS): libpcap has no link-layer protocol test for them.
 */
const IEEE802_15_4_LINKTYPES: ReadonlySet<number> = new Set([195, 191, 215, 230]);

/**
 * Why libpcap cannot compile a filter naming a protocol (ip, port, vlan…)
 * for frames of `linktype` (its gen_linktype's "… link-layer type filtering
 * not implemented", which Zeek takes as a warning, not an error), or null
 * when it can. Only the IEEE 802.15.4 family is known here.
 */
export function linkTypeFilteringMissing(linktype: number): string | null {
  return IEEE802_15_4_LINKTYPES.has(linktype) ? "IEEE 802.15.4 link-layer type filtering not implemented" : null;
}
