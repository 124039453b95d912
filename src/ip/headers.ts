/**
 * IPv4 and IPv6 header layouts (RFC 791, RFC 8200): field offsets, named
 * once (the protocol numbers are in packet/ip-protocols.ts).
 */

export const IPV4_MIN_HEADER_LEN = 20;
export const IPV4_VERSION_IHL = 0;
export const IPV4_TOTAL_LEN = 2;
export const IPV4_ID = 4;
export const IPV4_FLAGS_FRAG = 6;
export const IPV4_TTL = 8;
export const IPV4_PROTO = 9;
export const IPV4_CHECKSUM = 10;
export const IPV4_SRC = 12;
export const IPV4_DST = 16;
export const IPV4_FLAG_DF = 0x4000;
export const IPV4_FLAG_MF = 0x2000;
export const IPV4_FRAG_OFFSET_MASK = 0x1fff;
/** MF plus the offset: non-zero means "this is a fragment". */
export const IPV4_FRAGMENT_MASK = 0x3fff;

export const IPV6_HEADER_LEN = 40;
export const IPV6_PAYLOAD_LEN = 4;
export const IPV6_NEXT_HEADER = 6;
export const IPV6_HOP_LIMIT = 7;
export const IPV6_SRC = 8;
export const IPV6_DST = 24;
export const IPV6_FLOW_LABEL_MASK = 0xfffff;

export const IPV6_FRAG_HEADER_LEN = 8;
export const IPV6_FRAG_OFFLG = 2;
export const IPV6_FRAG_ID = 4;
export const IPV6_FRAG_OFFSET_MASK = 0xfff8;
export const IPV6_FRAG_MF = 0x0001;

// Protocol / next-header numbers
