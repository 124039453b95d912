/**
 * Numbers from the link-layer registries, named once (IEEE EtherTypes, pcap
 * LINKTYPE_* values, PPP protocol numbers). Decoders import them from here.
 */

// ---- pcap LINKTYPE_* (https://www.tcpdump.org/linktypes.html)
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_FDDI = 10;
export const LINKTYPE_RAW_OPENBSD = 12; // DLT_RAW on some BSDs
export const LINKTYPE_RAW_BSDOS = 14;
export const LINKTYPE_PPP_HDLC = 50; // PPP in HDLC-like framing ("PPP_SERIAL")
export const LINKTYPE_RAW = 101;
export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_NFLOG = 239;
export const LINKTYPE_LINUX_SLL2 = 276;

// ---- EtherTypes
/** Values ≥ this are EtherTypes; ≤ ETHER_MAX_LENGTH are 802.3 lengths. */
export const ETHERTYPE_MIN = 1536;
export const ETHER_MAX_LENGTH = 1500;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_RARP = 0x8035;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;
export const ETHERTYPE_PBB = 0x88e7;
export const ETHERTYPE_CISCO_FABRICPATH = 0x8903;
export const ETHERTYPE_VNTAG = 0x8926;

// ---- PPP protocol numbers
export const PPP_IPV4 = 0x0021;
export const PPP_IPV6 = 0x0057;
export const PPP_MPLS = 0x0281;

// ---- BSD address families as written by DLT_NULL / DLT_LOOP
export const AF_INET = 2;
/** AF_INET6 differs per OS: NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
export const AF_INET6_BSD = 24;
export const AF_INET6_FREEBSD = 28;
export const AF_INET6_DARWIN = 30;

/** PacketAnalyzer::max_depth: how many link analyzers one packet may pass through. */
export const MAX_LINK_DEPTH = 25;
