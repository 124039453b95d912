/**
 * The IPv6 extension header chain, walked as Zeek does (Zeek's IP packet analyzer):
 *  - hop-by-hop, routing, destination options, fragment, AH, ESP and
 *    mobility are extension headers; the walk stops after a fragment, ESP or
 *    mobility header, or when the next header is not an extension header;
 *  - a header that does not fit in the captured bytes ends the chain without
 *    being counted (the packet then carries on with the last complete one);
 *  - a type-0 or type-2 routing header with segments left names the final
 *    destination; a Home Address destination option names the source;
 *  - anomalies are flow weirds between the addresses known at that moment.
 * One walker is reused for every packet: results are plain fields.
 */
import type { Weirds } from "../event/weirds.js";
import { u16, u32 } from "../packet/bytes.js";
import * as P from "../packet/ip-protocols.js";
import { formatAddr } from "./addr.js";
import * as H from "./headers.js";

/** Lengths of headers whose size is not (len + 1) * 8. */
const AH_LEN_UNIT = 4;
const AH_LEN_BIAS = 2;
const ESP_FIXED_LEN = 8;
const EXT_LEN_UNIT = 8;
/** Routing header: byte 2 type, byte 3 segments left; addresses end the header. */
const RT_LEN = 1;
const RT_TYPE = 2;
const RT_SEGLEFT = 3;
const ADDR_LEN = 16;
/** Destination options: Pad1 and the Mobile IPv6 Home Address option (RFC 6275 §6.3). */
const OPT_PAD1 = 0;
const OPT_HOME_ADDRESS = 201;

/** Whether next-header value `t` names an IPv6 extension header (Zeek's list). */
export function isExtensionHeader(t: number): boolean {
  return (
    t === P.IPPROTO_HOPOPTS ||
    t === P.IPPROTO_ROUTING ||
    t === P.IPPROTO_DSTOPTS ||
    t === P.IPPROTO_FRAGMENT ||
    t === P.IPPROTO_AH ||
    t === P.IPPROTO_ESP ||
    t === P.IPPROTO_MOBILITY
  );
}

export class Ipv6Chain {
  /** Bytes of the fixed header plus the complete extension headers walked. */
  headerLen = 0;
  /** Type of the last header in the chain (41 for "only the fixed header"). */
  lastType = 0;
  /** Offset and length of the last header in the chain. */
  lastAt = 0;
  lastLen = 0;
  /** The next-header value of the last header: the transport protocol. */
  nextProto = 0;
  /** Offset of the fragment header when it ends the chain, else -1. */
  fragHeader = -1;
  /** Offset (in `data`) of the byte naming the fragment header as next, else -1. */
  fragNextByte = -1;
  /** Where the source / destination address used for the flow is read. */
  srcAt = 0;
  dstAt = 0;
  private data: Uint8Array = new Uint8Array(0);
  private homeAddr = false;
  private finalDst = false;

  constructor(private readonly weirds: Weirds) {}

  /**
   * Walks the chain of the IPv6 packet at `off` with `len` captured bytes.
   * `fragmentNext` ≥ 0 rewrites a next-header of 44 to that value first
   * (used on a reassembled datagram, whose fragment header is gone).
   */
  walk(d: Uint8Array, off: number, len: number, fragmentNext = -1): void {
    this.data = d;
    this.srcAt = off + H.IPV6_SRC;
    this.dstAt = off + H.IPV6_DST;
    this.homeAddr = false;
    this.finalDst = false;
    this.fragHeader = -1;
    this.fragNextByte = -1;
    let at = off;
    let current = P.IPPROTO_IPV6;
    let curLen = H.IPV6_HEADER_LEN;
    let nextByte = off + H.IPV6_NEXT_HEADER;
    let remaining = len;
    this.headerLen = 0;
    for (;;) {
      if (remaining < 2 || curLen > remaining) break;
      if (fragmentNext >= 0 && d[nextByte] === P.IPPROTO_FRAGMENT) d[nextByte] = fragmentNext;
      const next = d[nextByte]!;
      this.lastType = current;
      this.lastAt = at;
      this.lastLen = curLen;
      this.nextProto = next;
      if (current === P.IPPROTO_ROUTING) this.routing(at, curLen);
      else if (current === P.IPPROTO_DSTOPTS) this.destOptions(at, curLen);
      else if (current === P.IPPROTO_FRAGMENT) this.fragHeader = at;
      if (next === P.IPPROTO_FRAGMENT) this.fragNextByte = nextByte;
      at += curLen;
      remaining -= curLen;
      this.headerLen += curLen;
      if (current === P.IPPROTO_FRAGMENT || current === P.IPPROTO_ESP || current === P.IPPROTO_MOBILITY) break;
      if (!isExtensionHeader(next)) break;
      current = next;
      nextByte = at;
      curLen = remaining >= 2 ? extensionLength(current, d, at) : Number.MAX_SAFE_INTEGER;
    }
    if (this.fragHeader < 0) this.fragNextByte = -1;
  }

  private weird(name: string, addl = ""): void {
    const d = this.data;
    const s = this.srcAt;
    const t = this.dstAt;
    this.weirds.flow(
      name,
      formatAddr(u32(d, s), u32(d, s + 4), u32(d, s + 8), u32(d, s + 12)),
      formatAddr(u32(d, t), u32(d, t + 4), u32(d, t + 8), u32(d, t + 12)),
      addl,
    );
  }

  private routing(at: number, len: number): void {
    const d = this.data;
    if (this.finalDst) {
      // RFC 8200 §4.1: at most one routing header.
      this.weird("multiple_routing_headers");
      return;
    }
    const hdrLen = d[at + RT_LEN]!;
    const type = d[at + RT_TYPE]!;
    const segLeft = d[at + RT_SEGLEFT]!;
    const lastAddr = at + len - ADDR_LEN;
    if (type === 0) {
      if (segLeft > 0 && hdrLen >= 2) {
        if (hdrLen % 2 === 0) this.setFinalDst(lastAddr);
        else this.weird("odd_routing0_len");
      }
      // Deprecated by RFC 5095: always worth a weird.
      this.weird("routing0_hdr");
    } else if (type === 2) {
      if (segLeft > 0) {
        if (hdrLen === 2) this.setFinalDst(lastAddr);
        else this.weird("bad_routing2_len");
      }
    } else {
      this.weird("unknown_routing_type", String(type));
    }
  }

  private setFinalDst(at: number): void {
    this.finalDst = true;
    this.dstAt = at;
  }

  private destOptions(at: number, len: number): void {
    const d = this.data;
    let p = at + 2;
    let left = len - 2;
    while (left > 0) {
      const type = d[p]!;
      if (type === OPT_PAD1) {
        p++;
        left--;
        continue;
      }
      const optLen = left >= 2 ? d[p + 1]! : 0;
      if (left < 2 || left < 2 + optLen) {
        this.weird("bad_ipv6_dest_opt_len");
        return;
      }
      if (type === OPT_HOME_ADDRESS) {
        if (optLen !== ADDR_LEN) this.weird("bad_home_addr_len");
        else if (this.homeAddr) this.weird("multiple_home_addr_opts");
        else {
          this.homeAddr = true;
          this.srcAt = p + 2;
        }
      }
      p += 2 + optLen;
      left -= 2 + optLen;
    }
  }
}

/** Length of extension header `type` at `at` (its length byte must be readable). */
export function extensionLength(type: number, d: Uint8Array, at: number): number {
  switch (type) {
    case P.IPPROTO_FRAGMENT:
      return H.IPV6_FRAG_HEADER_LEN;
    case P.IPPROTO_AH:
      return (d[at + 1]! + AH_LEN_BIAS) * AH_LEN_UNIT;
    case P.IPPROTO_ESP:
      return ESP_FIXED_LEN;
    default:
      return (d[at + 1]! + 1) * EXT_LEN_UNIT;
  }
}

/** Fragment offset in bytes of the fragment header at `at`. */
export function fragmentOffset(d: Uint8Array, at: number): number {
  return u16(d, at + H.IPV6_FRAG_OFFLG) & H.IPV6_FRAG_OFFSET_MASK;
}

export function fragmentMore(d: Uint8Array, at: number): boolean {
  return (u16(d, at + H.IPV6_FRAG_OFFLG) & H.IPV6_FRAG_MF) !== 0;
}

export function fragmentId(d: Uint8Array, at: number): number {
  return u32(d, at + H.IPV6_FRAG_ID);
}
