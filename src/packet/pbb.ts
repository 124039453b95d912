/**
 * IEEE 802.1ah Provider Backbone Bridging (0x88E7): a 4-byte I-TAG followed
 * by a complete customer Ethernet frame, decoded by the Ethernet decoder.
 */
import { decodeEthernet } from "./ethernet.js";
import type { LinkLayer } from "./link.js";
import type { Packet } from "./packet.js";

export const PBB_ITAG_LEN = 4;
/** I-TAG plus the customer destination and source MACs: Zeek needs more than this. */
export const PBB_MIN_LEN = 18;

const SOURCE = "PBB";

export function decodePbb(link: LinkLayer, pkt: Packet, off: number, end: number): boolean {
  if (end - off <= PBB_MIN_LEN) return link.drop("truncated_PBB_header", SOURCE);
  return link.enter(decodeEthernet, pkt, off + PBB_ITAG_LEN, end, SOURCE);
}
