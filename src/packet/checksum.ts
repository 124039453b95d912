/**
 * The Internet checksum (RFC 1071) and the checks built on it: the IPv4
 * header checksum and the TCP/UDP/ICMP/ICMPv6 checksums with their IPv4/IPv6
 * pseudo-headers (RFC 793, 768, 8200 §8.1). Exported for the transport
 * analyzers. Sums 16-bit words straight from the Uint8Array: no allocation.
 */
import type { Packet } from "./packet.js";

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

/** Offsets of the checksum field inside each transport header. */
export const TCP_CHECKSUM = 16;
export const UDP_CHECKSUM = 6;

/**
 * The unfolded one's-complement sum of the bytes [start, end) as big-endian
 * 16-bit words (an odd last byte is padded with zero), added to `initial`.
 * Stays exact in a double for any packet size.
 *
 * Speed (this is the single largest per-packet cost when checksums are
 * validated): the high and the low bytes of the words are summed apart, 16
 * bytes per iteration, and combined once at the end (hi·256 + lo is the word
 * sum). Both accumulators stay small integers (≤ 255 per word) for any
 * realistic length, so the loop runs on untagged int32 without shifts.
 */
export function onesSum(d: Uint8Array, start: number, end: number, initial = 0): number {
  let hi = 0;
  let lo = 0;
  let i = start;
  const unrolledEnd = end - 15;
  for (; i < unrolledEnd; i += 16) {
    hi += d[i]! + d[i + 2]! + d[i + 4]! + d[i + 6]! + d[i + 8]! + d[i + 10]! + d[i + 12]! + d[i + 14]!;
    lo += d[i + 1]! + d[i + 3]! + d[i + 5]! + d[i + 7]! + d[i + 9]! + d[i + 11]! + d[i + 13]! + d[i + 15]!;
  }
  const pairsEnd = end - 1;
  for (; i < pairsEnd; i += 2) {
    hi += d[i]!;
    lo += d[i + 1]!;
  }
  if (i < end) hi += d[i]!;
  return initial + hi * 256 + lo;
}

/** Folds a sum to 16 bits (end-around carry). */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum to write into a header covering [start, end). */
export function internetChecksum(d: Uint8Array, start: number, end: number): number {
  return ~foldSum(onesSum(d, start, end)) & 0xffff;
}

/** True when the IPv4 header at `off` (with its options) sums to 0xffff. */
export function ipv4HeaderChecksumOk(d: Uint8Array, off: number, headerLen: number): boolean {
  return foldSum(onesSum(d, off, off + headerLen)) === 0xffff;
}

function wordSum(w: number): number {
  return (w >>> 16) + (w & 0xffff);
}

/** Sum of the pseudo-header for `pkt`'s addresses, `proto` and transport `length`. */
export function pseudoHeaderSum(pkt: Packet, proto: number, length: number): number {
  if (pkt.ipVersion === 4) return wordSum(pkt.src3) + wordSum(pkt.dst3) + proto + length;
  return (
    wordSum(pkt.src0) + wordSum(pkt.src1) + wordSum(pkt.src2) + wordSum(pkt.src3) +
    wordSum(pkt.dst0) + wordSum(pkt.dst1) + wordSum(pkt.dst2) + wordSum(pkt.dst3) +
    wordSum(length) + proto
  );
}

/**
 * Verifies the transport checksum of `pkt` (TCP, UDP, ICMP, ICMPv6) over its
 * declared transport length `pkt.l4Len`. Returns true for protocols without a
 * checksum here, and for IPv4 UDP with checksum 0 ("none sent"). A segment
 * not fully captured cannot be verified: callers check l4CapLen ≥ l4Len first
 * (Zeek skips the check then); this function answers true in that case.
 */
export function transportChecksumOk(pkt: Packet): boolean {
  const len = pkt.l4Len;
  if (pkt.l4CapLen < len) return true;
  const d = pkt.data;
  const start = pkt.l4Offset;
  const proto = pkt.ipProto;
  let sum: number;
  switch (proto) {
    case IPPROTO_TCP:
    case IPPROTO_ICMPV6:
      sum = pseudoHeaderSum(pkt, proto, len);
      break;
    case IPPROTO_UDP:
      if (pkt.ipVersion === 4 && len >= 8 && d[start + UDP_CHECKSUM] === 0 && d[start + UDP_CHECKSUM + 1] === 0) return true;
      sum = pseudoHeaderSum(pkt, proto, len);
      break;
    case IPPROTO_ICMP:
      sum = 0;
      break;
    default:
      return true;
  }
  return foldSum(onesSum(d, start, start + len, sum)) === 0xffff;
}
