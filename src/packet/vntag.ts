/**
 * Cisco VN-Tag (0x8926): a 4-byte tag followed by the 2-byte inner EtherType.
 */
import { u16 } from "./bytes.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const VNTAG_TYPE = 4;
export const VNTAG_HEADER_LEN = 6;

const SOURCE = "VNTAG";

export function decodeVntag(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= VNTAG_HEADER_LEN) return link.drop("truncated_vntag_header", SOURCE);
  return link.etherType(pkt, off + VNTAG_HEADER_LEN, end, u16(pkt.data, off + VNTAG_TYPE), SOURCE);
}
