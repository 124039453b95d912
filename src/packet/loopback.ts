/**
 * BSD loopback: DLT_NULL (0) holds the address family as a 4-byte word in the
 * capturing host's byte order — read little-endian as Zeek does — and
 * DLT_LOOP (108) holds it in network byte order. IPv4 is family 2; IPv6 is
 * 24, 28 or 30 depending on the BSD flavour.
 */
import { u32, u32le } from "./bytes.js";
import { AF_INET, AF_INET6_BSD, AF_INET6_DARWIN, AF_INET6_FREEBSD } from "./constants.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const LOOPBACK_HEADER_LEN = 4;

function isIpFamily(family: number): boolean {
  return family === AF_INET || family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN;
}

function forward(link: LinkLayer, pkt: Packet, off: number, end: number, family: number): boolean {
  if (isIpFamily(family)) return link.ip(pkt, off + LOOPBACK_HEADER_LEN, end);
  link.skip(family);
  return false;
}

export function decodeNull(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= LOOPBACK_HEADER_LEN) return link.drop("null_analyzer_failed", "NULL");
  return forward(link, pkt, off, end, u32le(pkt.data, off));
}

export function decodeLoop(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= LOOPBACK_HEADER_LEN) return link.drop("null_analyzer_failed", "NULL");
  return forward(link, pkt, off, end, u32(pkt.data, off));
}
