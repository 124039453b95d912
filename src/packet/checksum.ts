/**
 * The Internet checksum (RFC 1071) and the checks built on it: the IPv4
 * header checksum and the TCP/UDP/ICMP/ICMPv6 checksums with their IPv4/IPv6
 * pseudo-headers (RFC 793, 768, 8200 §8.1). Exported for the transport
 * analyzers. Sums 16-bit words straight from the Uint8Array: no allocation.
 */

import { inSubnet, type Subnet } from "../scripts/site.js";
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP } from "./ip-protocols.js";
import type { Packet } from "./packet.js";

/** Offsets of the checksum field inside each transport header. */
export const TCP_CHECKSUM = 16;
export const UDP_CHECKSUM = 6;

/**
 * The one's-complement sum of the bytes [start, end) as big-endian 16-bit
 * words (an odd last byte is padded with zero), added to `initial`, not yet
 * folded: congruent modulo 0xffff to the plain word sum, and 0 only when that
 * is 0, so foldSum gives the checksum's sum exactly. Stays exact in a double
 * for any packet size.
 *
 * Speed (this is the single largest per-packet cost when checksums are
 * validated): short ranges sum the high and the low bytes of the words apart,
 * combined once at the end (hi·256 + lo is the word sum); long ranges are read
 * four bytes at a time through a Uint32Array over the buffer (see alignedSum).
 */
export function onesSum(d: Uint8Array, start: number, end: number, initial = 0): number {
  if (end - start >= WORD_PATH_MIN && LITTLE_ENDIAN) return initial + alignedSum(d, start, end);
  return initial + byteSum(d, start, end);
}

/** Ranges shorter than this are summed byte by byte (the word path's set-up would not pay). */
const WORD_PATH_MIN = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** hi·256 + lo over [start, end), 16 bytes per iteration. */
function byteSum(d: Uint8Array, start: number, end: number): number {
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
  return hi * 256 + lo;
}

/**
 * The last view seen, its byte offset, and a Uint32Array over its buffer:
 * made once per view (the trace's chunk buffer), not per packet. Keyed on
 * the view itself, because a view's buffer and offset never change and its
 * `buffer`/`byteOffset` getters cost more than the identity check.
 */
let viewOf: Uint8Array | null = null;
let viewBase = 0;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * byteSum through aligned 32-bit loads (little-endian host), one add per
 * four bytes. A loaded word is two little-endian 16-bit words, lo + hi·2^16,
 * and 2^16 ≡ 1 (mod 0xffff): the plain sum of the words in a double (exact
 * below 2^53, ~8 PiB of data) is congruent to the sum of the byte-swapped
 * 16-bit words, and the one's-complement sum commutes with swapping bytes
 * (RFC 1071 §2(B)), so fold, swap back, and it adds to the big-endian sum
 * like any other. Whether the aligned bytes are the swapped ones depends on
 * the parity of the first aligned byte relative to `start`.
 */
function alignedSum(d: Uint8Array, start: number, end: number): number {
  if (d !== viewOf) {
    viewOf = d;
    viewBase = d.byteOffset;
    const buf = d.buffer;
    if (buf !== words.buffer) words = new Uint32Array(buf, 0, buf.byteLength >>> 2);
  }
  const base = viewBase;
  const first = (base + start + 3) & ~3; // first aligned absolute byte
  const last = (base + end) & ~3; // one past the last aligned word
  const head = first - base - start; // 0–3 unaligned bytes before it
  const tailStart = last - base;
  const tail = end - tailStart; // 0–3 unaligned bytes after the last word
  // The head and tail bytes, each in the lane its distance from `start` gives
  // it (even: high byte); written out, as loops they cost more than the words.
  let hi = 0;
  let lo = 0;
  if (head > 0) {
    hi += d[start]!;
    if (head > 1) lo += d[start + 1]!;
    if (head > 2) hi += d[start + 2]!;
  }
  if (tail > 0) {
    const a = d[tailStart]!;
    const b = tail > 1 ? d[tailStart + 1]! : 0;
    const c = tail > 2 ? d[tailStart + 2]! : 0;
    if (((tailStart - start) & 1) === 0) {
      hi += a + c;
      lo += b;
    } else {
      lo += a + c;
      hi += b;
    }
  }
  const v = words;
  let s0 = 0;
  let s1 = 0;
  let w = first >>> 2;
  const wEnd = last >>> 2;
  for (; w < wEnd - 7; w += 8) {
    s0 += v[w]! + v[w + 1]! + v[w + 2]! + v[w + 3]!;
    s1 += v[w + 4]! + v[w + 5]! + v[w + 6]! + v[w + 7]!;
  }
  for (; w < wEnd; w++) s0 += v[w]!;
  const f = foldSum(s0 + s1);
  // Little-endian words: the byte at the aligned start is each word's low byte.
  const aligned = (head & 1) === 0 ? ((f & 0xff) << 8) | (f >>> 8) : f;
  return hi * 256 + lo + aligned;
}

/** Folds a sum to 16 bits (end-around carry). */
export function foldSum(sum: number): number {
  // Above 32 bits (the word path's sums of a full-size segment, or datagrams
  // past ~64 KiB) fold in doubles first: 2^32 ≡ 1 (mod 0xffff), so the part
  // above 32 bits is added to the low 32 bits. Exact (scaling by a power of
  // two, integers below 2^53), and without `%`, which on doubles is a call.
  while (sum > 0xffffffff) {
    const high = Math.floor(sum / 0x100000000);
    sum = sum - high * 0x100000000 + high;
  }
  let s = sum >>> 0;
  s = (s & 0xffff) + (s >>> 16);
  return (s & 0xffff) + (s >>> 16);
}

/** The checksum to write into a header covering [start, end). */
export function internetChecksum(d: Uint8Array, start: number, end: number): number {
  return ~foldSum(onesSum(d, start, end)) & 0xffff;
}

/** True when the IPv4 header at `off` (with its options) sums to 0xffff. */
export function ipv4HeaderChecksumOk(d: Uint8Array, off: number, headerLen: number): boolean {
  if (headerLen === IPV4_MIN_HEADER) {
    // The usual header without options, every packet: ten words, no loop.
    const hi = d[off]! + d[off + 2]! + d[off + 4]! + d[off + 6]! + d[off + 8]! + d[off + 10]! + d[off + 12]! + d[off + 14]! + d[off + 16]! + d[off + 18]!;
    const lo = d[off + 1]! + d[off + 3]! + d[off + 5]! + d[off + 7]! + d[off + 9]! + d[off + 11]! + d[off + 13]! + d[off + 15]! + d[off + 17]! + d[off + 19]!;
    return foldSum(hi * 256 + lo) === 0xffff;
  }
  return foldSum(onesSum(d, off, off + headerLen)) === 0xffff;
}

const IPV4_MIN_HEADER = 20;

function wordSum(w: number): number {
  return (w >>> 16) + (w & 0xffff);
}

/** Sum of the pseudo-header for `pkt`'s addresses, `proto` and transport `length`. */
export function pseudoHeaderSum(pkt: Packet, proto: number, length: number): number {
  if (pkt.ipVersion === 4) return wordSum(pkt.src3) + wordSum(pkt.dst3) + proto + length;
  return (
    wordSum(pkt.src0) +
    wordSum(pkt.src1) +
    wordSum(pkt.src2) +
    wordSum(pkt.src3) +
    wordSum(pkt.dst0) +
    wordSum(pkt.dst1) +
    wordSum(pkt.dst2) +
    wordSum(pkt.dst3) +
    wordSum(length) +
    proto
  );
}

/**
 * Whether a source address, as the engine keeps it (four 32-bit words in
 * network order, IPv4 mapped), is in one of `nets`: Zeek's
 * ignore_checksums_nets, asked only of packets whose checksum is wrong.
 */
export function checksumExempt(nets: readonly Subnet[] | null, w0: number, w1: number, w2: number, w3: number): boolean {
  if (nets === null || nets.length === 0) return false;
  const addr = new Uint8Array(16);
  const view = new DataView(addr.buffer);
  view.setInt32(0, w0);
  view.setInt32(4, w1);
  view.setInt32(8, w2);
  view.setInt32(12, w3);
  return nets.some((net) => inSubnet(addr, net));
}

/**
 * Whether a transport analyzer (TCP, UDP, ICMP) drops `pkt` for its
 * checksum: checks are on (no -C), the segment was captured whole, its sum
 * is wrong, and its source is not in ignore_checksums_nets (asked last: only
 * of a wrong sum).
 */
export function transportChecksumRejected(
  pkt: Packet,
  settings: { readonly ignore_checksums: boolean; readonly ignore_checksums_nets: readonly Subnet[] | null },
): boolean {
  return (
    !settings.ignore_checksums &&
    pkt.l4CapLen >= pkt.l4Len &&
    !transportChecksumOk(pkt) &&
    !checksumExempt(settings.ignore_checksums_nets, pkt.src0, pkt.src1, pkt.src2, pkt.src3)
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
