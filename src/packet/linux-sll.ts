/**
 * Linux "cooked" captures: SLL (DLT 113, 16-byte header, protocol at 14) and
 * SLL2 (DLT 276, 20-byte header, protocol at 0). The protocol is an
 * EtherType for the link types that matter here. Like Zeek, a frame must
 * hold more bytes than the header.
 */
import { u16 } from "./bytes.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const SLL_HEADER_LEN = 16;
export const SLL_PROTOCOL = 14;
export const SLL_ADDRESS = 6;
export const SLL2_HEADER_LEN = 20;
export const SLL2_PROTOCOL = 0;
export const SLL2_ADDRESS = 12;

export function decodeLinuxSll(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= SLL_HEADER_LEN) return link.drop("truncated_Linux_SLL_header", "LINUXSLL");
  pkt.l2SrcOffset = off + SLL_ADDRESS;
  return link.etherType(pkt, off + SLL_HEADER_LEN, end, u16(pkt.data, off + SLL_PROTOCOL), "LINUXSLL");
}

export function decodeLinuxSll2(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= SLL2_HEADER_LEN) return link.drop("truncated_Linux_SLL2_header", "LINUXSLL2");
  pkt.l2SrcOffset = off + SLL2_ADDRESS;
  return link.etherType(pkt, off + SLL2_HEADER_LEN, end, u16(pkt.data, off + SLL2_PROTOCOL), "LINUXSLL2");
}
