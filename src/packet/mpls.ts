/**
 * MPLS label stack (0x8847, 0x8848; PPP 0x0281): 4-byte entries popped until
 * the bottom-of-stack bit. RFC 3032 does not say what follows; like Zeek we
 * assume IP and let the IP layer judge the version nibble.
 */
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const MPLS_ENTRY_LEN = 4;
/** Byte of an entry holding the bottom-of-stack bit (bit 0). */
const MPLS_BOS_BYTE = 2;
const MPLS_BOS_BIT = 0x01;

const SOURCE = "MPLS";

export function decodeMpls(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  const d = pkt.data;
  for (;;) {
    if (end - off <= MPLS_ENTRY_LEN) return link.drop("truncated_link_header", SOURCE);
    const bottom = (d[off + MPLS_BOS_BYTE]! & MPLS_BOS_BIT) !== 0;
    off += MPLS_ENTRY_LEN;
    if (bottom) return link.ip(pkt, off, end);
  }
}
